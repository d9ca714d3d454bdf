import type { z } from '@hono/zod-openapi';
import { INDICATOR_LABELS, INDICATORS, type Indicator } from '../domain/vocabulary';
import type { ClusterSchema, FiguresSchema, QuarterlyReport, SummaryReport, SupervisionItem, SupervisionReport } from '../http/schemas';

/**
 * Reports as files people open outside the API: CSV for Excel and printable zh-CN HTML pages
 * with small inline SVG charts. Pure functions of the report bodies the API returns; no I/O,
 * no scripts or external resources in the pages (they are saved, mailed and printed).
 */

export type Figures = z.infer<typeof FiguresSchema>;
export type SummaryReportData = z.infer<typeof SummaryReport>;
export type SupervisionReportData = z.infer<typeof SupervisionReport>;
export type QuarterlyReportData = z.infer<typeof QuarterlyReport>;
type SummaryGroup = SummaryReportData['groups'][number];
type SupervisionRow = z.infer<typeof SupervisionItem>;
type Cluster = z.infer<typeof ClusterSchema>;
type FigureKey = keyof Figures;

// ── Labels ────────────────────────────────────────────────────────────────────────────────

/** Column headers of the figures, in the order they are shown. */
export const FIGURE_LABELS: Record<FigureKey, string> = {
  received: '受理总数',
  hotlineCalls: '热线来电',
  mailboxLetters: '主席信箱来信',
  walkInBatches: '来访批次',
  walkInPersons: '来访人次',
  replied: '已答复',
  repliedOnTime: '按时答复',
  onTimeRate: '按时答复率',
  overdueNow: '当前超期',
  signedOnTime: '按时签收',
  signOnTimeRate: '按时签收率',
  avgWorkingDaysToReply: '平均答复工作日',
  extensions: '延期',
  returns: '退单',
  followUps: '回访',
  satisfactionRate: '满意率',
  // Issue 19's indicators, worded once in the vocabulary.
  ...(Object.fromEntries(INDICATORS.map((k) => [k, INDICATOR_LABELS[k]['zh-CN']])) as Record<Indicator, string>),
};

const FIGURE_KEYS = Object.keys(FIGURE_LABELS) as FigureKey[];

/** The figures that are fractions (0–1) and shown as percentages. */
const RATE_KEYS: ReadonlySet<FigureKey> = new Set<FigureKey>(['onTimeRate', 'signOnTimeRate', 'satisfactionRate', 'returnRate', 'reworkRate', 'resolvedRate', 'ratedShare', 'followUpRate']);

const CATEGORY_ZH: Record<SupervisionRow['category'], string> = { advice: '建议咨询', complaint: '求助申诉', investigation: '需调查处理' };

const STATUS_ZH: Record<SupervisionRow['status'], string> = {
  received: '已受理',
  assigned: '已分派',
  in_progress: '办理中',
  paused: '暂停',
  replied: '已答复',
  closed: '已办结',
};

const GROUP_BY_ZH: Record<SummaryReportData['groupBy'], string> = { channel: '渠道', category: '类别', office: '承办部门', topic: '主题', month: '月份' };

const CHANNELS = [
  { key: 'hotline', label: '热线', color: '#4e79a7' },
  { key: 'mailbox', label: '信箱', color: '#f28e2b' },
  { key: 'walk_in', label: '来访', color: '#59a14f' },
] as const;

const SUPERVISION_HEADERS = [
  '工单号',
  '承办部门',
  '类别',
  '主题',
  '状态',
  '受理日期',
  '答复期限',
  '剩余/超期工作日',
  '督办级别',
  '办理周期（工作日）',
  '月末未办结',
  '本月曾超期',
];

// ── Formatting shared by CSV and HTML ─────────────────────────────────────────────────────

/** 0.875 → "87.5%". Rounded in tenths of a percent first so .x5 rounds up rather than by float noise. */
function percent(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/** Counts as they are; averages (and differences of averages) to two decimals, without float noise. */
function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Number.isInteger(n) ? n : Math.round(n * 100) / 100);
}

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const SHANGHAI_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?\+08:00$/;

/** The Shanghai wall clock of an instant as "YYYY-MM-DD HH:mm" (or the text as given if it is no date). */
function shanghaiDateTime(iso: string): string {
  // The API writes Shanghai times, whose digits are already the wall clock; anything else is converted.
  if (SHANGHAI_ISO.test(iso)) return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const shifted = new Date(t + SHANGHAI_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 16)}`;
}

/** The Shanghai date of an instant as "YYYY-MM-DD". */
function shanghaiDate(iso: string): string {
  return shanghaiDateTime(iso).slice(0, 10);
}

const officeOf = (item: SupervisionRow): string => item.officeName ?? item.office ?? '未分派';
const yesNo = (b: boolean): string => (b ? '是' : '否');
const daysLeftText = (n: number): string => (n < 0 ? `超期${-n}个工作日` : `剩余${n}个工作日`);

// ── CSV ───────────────────────────────────────────────────────────────────────────────────

/**
 * A CSV cell. Text is guarded against formula injection and quoted; numbers and percentages are
 * produced here from numbers, so they are written as they are and Excel reads them as numbers.
 */
type Cell = string | number | { percent: number } | null;

// Excel and LibreOffice run a cell starting with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** Excel needs the BOM to read UTF-8 rather than the system code page (GBK on zh-CN Windows). */
const BOM = '\uFEFF';
const CRLF = '\r\n';

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return formatNumber(cell);
  if (typeof cell === 'object') return percent(cell.percent);
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Lines joined with CRLF (RFC 4180), ending with one too; an empty row is an empty line. */
function csvLines(rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',') + CRLF).join('');
}

function figureCell(key: FigureKey, value: number | null): Cell {
  if (value === null) return null;
  return RATE_KEYS.has(key) ? { percent: value } : value;
}

function summaryRows(r: SummaryReportData): Cell[][] {
  const figures = (f: Figures): Cell[] => FIGURE_KEYS.map((k) => figureCell(k, f[k]));
  return [['分组', ...FIGURE_KEYS.map((k) => FIGURE_LABELS[k])], ...r.groups.map((g) => [g.label, ...figures(g)]), ['合计', ...figures(r.total)]];
}

/** 统计报表: one row per group, then 合计. The header is the first line so the file is a plain table. */
export function summaryCsv(r: SummaryReportData): string {
  return BOM + csvLines(summaryRows(r));
}

/** 督办清单: one row per case. 剩余/超期工作日 is a number, negative when overdue, so it sorts and filters. */
export function supervisionCsv(r: SupervisionReportData): string {
  const rows: Cell[][] = r.items.map((i) => [
    i.ticketNo,
    officeOf(i),
    CATEGORY_ZH[i.category],
    i.topic ?? '',
    STATUS_ZH[i.status],
    shanghaiDate(i.receivedAt),
    shanghaiDate(i.dueAt),
    i.workingDaysLeft,
    i.escalationLevel,
    i.handlingWorkingDays,
    yesNo(i.openAtMonthEnd),
    yesNo(i.overdueInMonth),
  ]);
  return BOM + csvLines([SUPERVISION_HEADERS, ...rows]);
}

/**
 * 季度分析: the quarter by office, then sections separated by an empty line, each opened by a
 * one-cell title line. A change in a rate is in percentage points ("-2.5%" = 2.5 points lower).
 */
export function quarterlyCsv(r: QuarterlyReportData): string {
  const comparison = FIGURE_KEYS.map((k): Cell[] => [FIGURE_LABELS[k], figureCell(k, r.summary.total[k]), figureCell(k, r.previous[k]), figureCell(k, r.change[k] ?? null)]);
  const rows: Cell[][] = [
    ...summaryRows(r.summary),
    [],
    ['与上季度比较'],
    ['指标', '本季度', '上季度', '变化'],
    ...comparison,
    [],
    ['主题排行'],
    ['主题', '受理数'],
    ...r.topTopics.map((t) => [t.label, t.received]),
    [],
    ['多点同类问题'],
    ['主题', '单位/地点数', '地区数', '工单号'],
    ...r.clusters.map((c) => [c.label, c.sites.length, c.regions.length, c.cases.map((x) => x.ticketNo).join('、')]),
  ];
  return BOM + csvLines(rows);
}

// ── HTML ──────────────────────────────────────────────────────────────────────────────────

/** Markup that is already safe. Everything else put into an `html` template is escaped. */
class Html {
  constructor(readonly markup: string) {}
}

type Part = Html | string | number | null | undefined | false | readonly Part[];

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
function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
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

function page(title: string, body: Html): string {
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
interface Td {
  value: Part;
  num?: boolean;
  cls?: string;
}

const td = (c: Td | string): Html => {
  const cell = typeof c === 'string' ? { value: c } : c;
  const cls = [cell.num ? 'num' : '', cell.cls ?? ''].filter(Boolean).join(' ');
  return cls ? html`<td class="${cls}">${cell.value}</td>` : html`<td>${cell.value}</td>`;
};
const num = (value: number | string): Td => ({ value, num: true });

function table(headers: readonly string[], rows: readonly { cells: readonly (Td | string)[]; cls?: string }[], foot?: readonly (Td | string)[]): Html {
  return html`<table>
<thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead>
<tbody>
${rows.map((r) => html`<tr${r.cls ? html` class="${r.cls}"` : ''}>${r.cells.map(td)}</tr>\n`)}</tbody>
${foot ? html`<tfoot><tr>${foot.map(td)}</tr></tfoot>\n` : ''}</table>`;
}

function figureText(key: FigureKey, value: number | null): string {
  if (value === null) return '—';
  return RATE_KEYS.has(key) ? percent(value) : formatNumber(value);
}

/** A change from the previous period: signed; a rate's change in percentage points. */
function changeText(key: FigureKey, value: number | null): string {
  if (value === null) return '—';
  const sign = value > 0 ? '+' : '';
  return RATE_KEYS.has(key) ? `${sign}${(Math.round(value * 1000) / 10).toFixed(1)}个百分点` : `${sign}${formatNumber(value)}`;
}

function figuresTable(r: SummaryReportData): Html {
  const cells = (f: Figures): Td[] => FIGURE_KEYS.map((k) => num(figureText(k, f[k])));
  return table(
    ['分组', ...FIGURE_KEYS.map((k) => FIGURE_LABELS[k])],
    r.groups.map((g) => ({ cells: [g.label, ...cells(g)] })),
    ['合计', ...cells(r.total)],
  );
}

// ── Charts ────────────────────────────────────────────────────────────────────────────────

// SVG cannot measure text, so label widths are estimated: CJK and full-width characters about
// one em, others about 0.6 em. Good enough to leave room for the labels without clipping bars.
const FONT_PX = 12;
const charWidth = (ch: string): number => (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) || ch.length > 1 ? FONT_PX : FONT_PX * 0.6);
const textWidth = (s: string): number => Array.from(s).reduce((w, ch) => w + charWidth(ch), 0);

/** A label cut to fit `maxPx`, with an ellipsis (whole code points, never half a surrogate pair). */
function fitText(s: string, maxPx: number): string {
  if (textWidth(s) <= maxPx) return s;
  let out = '';
  let w = textWidth('…');
  for (const ch of s) {
    if (w + charWidth(ch) > maxPx) break;
    out += ch;
    w += charWidth(ch);
  }
  return `${out}…`;
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

interface Bar {
  key: string;
  label: string;
  /** null: no bar, only `text` (e.g. a rate with nothing to divide). */
  value: number | null;
  /** Shown at the end of the bar, e.g. "87.5%". */
  text: string;
}

/**
 * Horizontal bars, one per row: label, bar, value text. Each bar is a <rect> carrying its key and
 * exact value (data-key, data-value) so the page can be checked without reading pixels.
 */
function barChart(opts: { chart: string; title: string; bars: readonly Bar[]; max: number }): Html {
  const width = 680;
  const rowHeight = 24;
  const barHeight = 16;
  const labelWidth = Math.min(220, Math.max(48, ...opts.bars.map((b) => textWidth(b.label)))) + 8;
  const textSpace = 72;
  const plot = width - labelWidth - textSpace;
  const height = Math.max(1, opts.bars.length) * rowHeight + 8;
  const max = opts.max > 0 ? opts.max : 1;
  const aria = `${opts.title}：${opts.bars.length === 0 ? '无数据' : opts.bars.map((b) => `${b.label} ${b.text}`).join('；')}`;
  const rows = opts.bars.map((b, i) => {
    const y = 4 + i * rowHeight;
    const mid = y + barHeight / 2;
    const w = b.value === null ? 0 : round2((Math.max(0, b.value) / max) * plot);
    const bar =
      b.value === null
        ? ''
        : html`<rect data-key="${b.key}" data-value="${String(b.value)}" x="${labelWidth}" y="${y}" width="${w}" height="${barHeight}" fill="#4e79a7"><title>${b.label}：${b.text}</title></rect>`;
    const shown = fitText(b.label, labelWidth - 8);
    // A cut label keeps the whole one as a tooltip (the bar may be missing, so not only there).
    return html`<g>
<text class="bar-label" x="${labelWidth - 8}" y="${mid}" text-anchor="end" dominant-baseline="middle">${shown}${shown === b.label ? '' : html`<title>${b.label}</title>`}</text>
${bar}<text class="bar-value${b.value === null ? ' none' : ''}" x="${labelWidth + w + 4}" y="${mid}" dominant-baseline="middle">${b.text}</text>
</g>
`;
  });
  const empty = opts.bars.length === 0 ? html`<text class="bar-value none" x="${labelWidth}" y="16">无数据</text>` : '';
  return html`<svg xmlns="http://www.w3.org/2000/svg" data-chart="${opts.chart}" role="img" aria-label="${aria}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
${rows}${empty}</svg>`;
}

type Month = QuarterlyReportData['monthly'][number];

/** Vertical bars grouped by month, one per channel, with a legend. */
function channelByMonthChart(months: readonly Month[]): Html {
  const width = 680;
  const height = 260;
  const left = 40;
  const top = 36;
  const bottom = 28;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...months.flatMap((m) => CHANNELS.map((c) => m[c.key])));
  const groupW = plotW / Math.max(1, months.length);
  const barW = Math.min(36, (groupW * 0.8) / CHANNELS.length);
  const baseY = top + plotH;
  const aria = `各月受理渠道：${months.length === 0 ? '无数据' : months.map((m) => `${m.month} ${CHANNELS.map((c) => `${c.label}${m[c.key]}`).join('、')}`).join('；')}`;

  const legend = CHANNELS.map(
    (c, i) => html`<rect x="${left + i * 80}" y="8" width="12" height="12" fill="${c.color}"></rect><text class="axis" x="${left + i * 80 + 16}" y="14" dominant-baseline="middle">${c.label}</text>`,
  );
  const groups = months.map((m, gi) => {
    const x0 = left + gi * groupW + (groupW - barW * CHANNELS.length) / 2;
    const bars = CHANNELS.map((c, ci) => {
      const v = m[c.key];
      const h = round2((Math.max(0, v) / max) * plotH);
      const x = round2(x0 + ci * barW);
      return html`<rect data-key="${`${m.month}:${c.key}`}" data-value="${String(v)}" x="${x}" y="${round2(baseY - h)}" width="${round2(barW - 2)}" height="${h}" fill="${c.color}"><title>${m.month} ${c.label}：${v}</title></rect><text class="axis" x="${round2(x + (barW - 2) / 2)}" y="${round2(baseY - h - 3)}" text-anchor="middle">${v}</text>`;
    });
    return html`<g>${bars}<text class="axis" x="${round2(left + gi * groupW + groupW / 2)}" y="${baseY + 18}" text-anchor="middle">${m.month}</text></g>\n`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" data-chart="channel-by-month" role="img" aria-label="${aria}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">
${legend}
<line x1="${left}" y1="${baseY}" x2="${width - 8}" y2="${baseY}" stroke="#666"></line>
<text class="axis" x="${left - 4}" y="${top}" text-anchor="end" dominant-baseline="middle">${max}</text>
<text class="axis" x="${left - 4}" y="${baseY}" text-anchor="end" dominant-baseline="middle">0</text>
${groups}${months.length === 0 ? html`<text class="axis none" x="${left + 8}" y="${top + 16}">无数据</text>` : ''}</svg>`;
}

const rateBars = (groups: readonly SummaryGroup[]): Bar[] =>
  groups.map((g) => ({ key: g.key, label: g.label, value: g.onTimeRate, text: g.onTimeRate === null ? '无答复' : percent(g.onTimeRate) }));

// ── Pages ─────────────────────────────────────────────────────────────────────────────────

/** 统计报表 page: on-time rate and received per group as bar charts, then the full table. */
export function summaryHtml(r: SummaryReportData): string {
  const by = GROUP_BY_ZH[r.groupBy];
  const title = `统计报表（${r.from} 至 ${r.to}）`;
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">按${by}分组，共${r.groups.length}组；受理总数${r.total.received}件，按时答复率${r.total.onTimeRate === null ? '无答复' : percent(r.total.onTimeRate)}。</p>
<h2>按时答复率</h2>
${barChart({ chart: 'on-time-rate', title: `按${by}的按时答复率`, bars: rateBars(r.groups), max: 1 })}
<h2>受理总数</h2>
${barChart({
  chart: 'received',
  title: `按${by}的受理总数`,
  bars: r.groups.map((g) => ({ key: g.key, label: g.label, value: g.received, text: `${g.received}件` })),
  max: Math.max(0, ...r.groups.map((g) => g.received)),
})}
<h2>明细</h2>
${figuresTable(r)}`,
  );
}

/** 督办清单 page: a count line, then one row per case; overdue rows are marked. */
export function supervisionHtml(r: SupervisionReportData): string {
  const overdue = r.items.filter((i) => i.workingDaysLeft < 0).length;
  const title = `督办清单（${r.month}）`;
  const rows = r.items.map((i) => ({
    cls: i.workingDaysLeft < 0 ? 'overdue' : undefined,
    cells: [
      i.ticketNo,
      officeOf(i),
      CATEGORY_ZH[i.category],
      i.topic ?? '',
      STATUS_ZH[i.status],
      num(shanghaiDate(i.receivedAt)),
      num(shanghaiDate(i.dueAt)),
      { value: daysLeftText(i.workingDaysLeft), num: true, cls: 'left' },
      num(i.escalationLevel),
      num(i.handlingWorkingDays),
      yesNo(i.openAtMonthEnd),
      yesNo(i.overdueInMonth),
    ],
  }));
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">截至 ${shanghaiDateTime(r.asOf)}</p>
<p class="count">共${r.items.length}件，其中超期${overdue}件</p>
${table(SUPERVISION_HEADERS, rows)}`,
  );
}

function clusterSection(c: Cluster): Html {
  const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join('、'));
  return html`<section class="cluster">
<h3>${c.label}</h3>
<p class="meta">单位/地点（${c.sites.length}）：${list(c.sites)}；地区（${c.regions.length}）：${list(c.regions)}</p>
${table(
  ['工单号', '受理日期', '单位/地点', '地区', '承办部门', '状态'],
  c.cases.map((x) => ({ cells: [x.ticketNo, num(shanghaiDate(x.receivedAt)), x.employer ?? '—', x.region ?? '—', x.office ?? '未分派', STATUS_ZH[x.status]] })),
)}
</section>
`;
}

/** 季度分析 page: charts, the quarter by office, the comparison, top topics and clusters. */
export function quarterlyHtml(r: QuarterlyReportData): string {
  const title = `季度分析（${r.quarter}）`;
  const comparison = FIGURE_KEYS.map((k) => ({
    cells: [FIGURE_LABELS[k], num(figureText(k, r.summary.total[k])), num(figureText(k, r.previous[k])), num(changeText(k, r.change[k] ?? null))],
  }));
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">统计期间 ${r.summary.from} 至 ${r.summary.to}；与上季度（${r.previousQuarter}）比较。</p>
<h2>各承办部门按时答复率</h2>
${barChart({ chart: 'on-time-rate', title: '各承办部门按时答复率', bars: rateBars(r.summary.groups), max: 1 })}
<h2>各月受理渠道</h2>
${channelByMonthChart(r.monthly)}
<h2>按${GROUP_BY_ZH[r.summary.groupBy]}统计</h2>
${figuresTable(r.summary)}
<h2>与上季度比较</h2>
${table(['指标', `本季度（${r.quarter}）`, `上季度（${r.previousQuarter}）`, '变化'], comparison)}
<h2>主题排行</h2>
${table(
  ['排名', '主题', '受理数'],
  r.topTopics.map((t, i) => ({ cells: [num(i + 1), t.label, num(t.received)] })),
)}
<h2>多点同类问题</h2>
${r.clusters.length === 0 ? html`<p class="meta">本季度未发现多点同类问题。</p>` : r.clusters.map(clusterSection)}`,
  );
}
