import { formatNumber } from './format';

/**
 * The markup of the report pages: an `html` tagged template that escapes whatever it is given
 * unless it is already Html, the printable page around a body, and tables. No scripts and no
 * external resources: the pages are saved, mailed and printed.
 */

/** Markup that is already safe. Everything else put into an `html` template is escaped. */
export class Html {
  constructor(readonly markup: string) {}
}

export type Part = Html | string | number | null | undefined | false | readonly Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function partMarkup(p: Part): string {
  if (p instanceof Html) return p.markup;
  if (Array.isArray(p)) return p.map(partMarkup).join('');
  if (typeof p === 'number') return formatNumber(p);
  if (typeof p === 'string') return escapeHtml(p);
  return '';
}

/**
 * Tagged template that escapes every interpolated value unless it is Html: report text (labels,
 * office names, employers, topics) comes from people and must never become markup. Escaping by
 * default means a forgotten call cannot open a hole; attributes are always double-quoted.
 */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? '';
  parts.forEach((p, i) => {
    out += partMarkup(p) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

export const REPORT_STYLE = `
  @page { size: A4 landscape; margin: 12mm; }
  body { font-family: system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; font-size: 10.5pt; line-height: 1.5; color: #222; max-width: 1100px; margin: 1.5rem auto; padding: 0 1rem; }
  h1 { font-size: 16pt; margin: 0 0 .25em; }
  h2 { font-size: 13pt; margin: 1.4em 0 .4em; }
  h3 { font-size: 11pt; margin: 1em 0 .3em; }
  .meta { color: #555; margin: 0 0 .5em; }
  table { border-collapse: collapse; width: 100%; font-size: 9pt; }
  th, td { border: 1px solid #999; padding: 2px 5px; text-align: left; vertical-align: top; }
  th { background: #eee; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tfoot td { font-weight: bold; background: #f6f6f6; }
  tr.overdue td { background: #fde8e8; }
  tr.overdue td.left { color: #b00020; font-weight: bold; }
  svg { display: block; max-width: 100%; height: auto; margin: .25em 0 .75em; font-family: inherit; }
  svg .bar-label, svg .bar-value, svg .axis { font-size: 12px; fill: #222; }
  svg .none { fill: #888; }
  @media print {
    body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
    * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    thead { display: table-header-group; }
    tr, svg, .cluster { break-inside: avoid; page-break-inside: avoid; }
    h2, h3 { break-after: avoid; page-break-after: avoid; }
  }
`;

export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(REPORT_STYLE)}</style>
</head>
<body>
${body}
</body>
</html>
`.markup;
}

/** A table cell: text, or a number right-aligned. */
export interface Td {
  value: Part;
  num?: boolean;
  cls?: string;
}

const td = (c: Td | string): Html => {
  const cell = typeof c === 'string' ? { value: c } : c;
  const cls = [cell.num ? 'num' : '', cell.cls ?? ''].filter(Boolean).join(' ');
  return cls ? html`<td class="${cls}">${cell.value}</td>` : html`<td>${cell.value}</td>`;
};
export const num = (value: number | string): Td => ({ value, num: true });

export function table(headers: readonly string[], rows: readonly { cells: readonly (Td | string)[]; cls?: string }[], foot?: readonly (Td | string)[]): Html {
  return html`<table>
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>
${rows.map((r) => html`<tr${r.cls ? html` class="${r.cls}"` : ''}>${r.cells.map(td)}</tr>\n`)}</tbody>
${foot ? html`<tfoot><tr>${foot.map(td)}</tr></tfoot>\n` : ''}</table>`;
}
