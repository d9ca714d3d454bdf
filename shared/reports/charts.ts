import { CHANNELS } from '../domain/case';
import type { QuarterlyReportData, Summary } from '../domain/report';
import { CHANNEL_LABELS } from '../domain/vocabulary';
import { rateText, zh } from './format';
import { html, type Html } from './markup';

/**
 * Small inline SVG charts for the report pages: horizontal bars, and bars per month and channel.
 * Each bar carries its key and exact value (data-key, data-value) so a page can be checked without
 * reading pixels.
 */

/** The channels in their colours (one palette for every chart that splits by channel). */
const CHANNEL_COLOURS = { hotline: '#4e79a7', mailbox: '#f28e2b', walk_in: '#59a14f' } as const;
const CHANNEL_SERIES = CHANNELS.map((key) => ({ key, label: zh(CHANNEL_LABELS[key]), color: CHANNEL_COLOURS[key] }));

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

export interface Bar {
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
export function barChart(opts: { chart: string; title: string; bars: readonly Bar[]; max: number }): Html {
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
export function channelByMonthChart(months: readonly Month[]): Html {
  const width = 680;
  const height = 260;
  const left = 40;
  const top = 36;
  const bottom = 28;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...months.flatMap((m) => CHANNEL_SERIES.map((c) => m[c.key])));
  const groupW = plotW / Math.max(1, months.length);
  const barW = Math.min(36, (groupW * 0.8) / CHANNEL_SERIES.length);
  const baseY = top + plotH;
  const aria = `各月受理渠道：${months.length === 0 ? '无数据' : months.map((m) => `${m.month} ${CHANNEL_SERIES.map((c) => `${c.label}${m[c.key]}`).join('、')}`).join('；')}`;

  const legend = CHANNEL_SERIES.map(
    (c, i) => html`<rect x="${left + i * 80}" y="8" width="12" height="12" fill="${c.color}"></rect><text class="axis" x="${left + i * 80 + 16}" y="14" dominant-baseline="middle">${c.label}</text>`,
  );
  const groups = months.map((m, gi) => {
    const x0 = left + gi * groupW + (groupW - barW * CHANNEL_SERIES.length) / 2;
    const bars = CHANNEL_SERIES.map((c, ci) => {
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

/** One bar per group: its on-time rate. */
export const rateBars = (groups: Summary['groups']): Bar[] => groups.map((g) => ({ key: g.key, label: g.label, value: g.onTimeRate, text: rateText(g.onTimeRate) }));
