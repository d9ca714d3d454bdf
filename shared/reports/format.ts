import type { Figures, SupervisionRow } from '../domain/report';
import { formatShanghai } from '../domain/time';
import { labelOf, percent, percentagePoints, RATE_FIGURES, TOPIC_LABELS, UNASSIGNED_LABEL, yesNo, type Label } from '../domain/vocabulary';

/**
 * How the reports write values, shared by the CSV and the pages. The reports are zh-CN (the
 * union's leaders read them); the words come from the vocabulary, the percentages from its `percent`.
 */

export type FigureKey = keyof Figures;

export const zh = (label: Label): string => label['zh-CN'];

/** Counts as they are; averages (and differences of averages) to two decimals, without float noise. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  return String(Number.isInteger(n) ? n : Math.round(n * 100) / 100);
}

/** An instant's Shanghai wall clock as "YYYY-MM-DD HH:mm". */
export function shanghaiDateTime(epochMs: number): string {
  const iso = formatShanghai(epochMs);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** An instant's Shanghai date as "YYYY-MM-DD". */
export const shanghaiDate = (epochMs: number): string => formatShanghai(epochMs).slice(0, 10);

export const officeOf = (item: { office?: string; officeName?: string }): string => item.officeName ?? item.office ?? zh(UNASSIGNED_LABEL);
export const topicOf = (item: Pick<SupervisionRow, 'topic'>): string => (item.topic === undefined ? '' : labelOf(TOPIC_LABELS, item.topic, 'zh-CN'));
export const yesNoText = (b: boolean): string => yesNo(b, 'zh-CN');
export const daysLeftText = (n: number): string => (n < 0 ? `超期${-n}个工作日` : `剩余${n}个工作日`);

export const isRate = (key: FigureKey): boolean => RATE_FIGURES.has(key);

/** A figure as the pages show it: a rate as a percentage, nothing as "—". */
export function figureText(key: FigureKey, value: number | null): string {
  if (value === null) return '—';
  return isRate(key) ? percent(value) : formatNumber(value);
}

/** A change from the previous period: signed; a rate's change in percentage points. */
export function changeText(key: FigureKey, value: number | null): string {
  if (value === null) return '—';
  if (isRate(key)) return percentagePoints(value, 'zh-CN');
  return `${value > 0 ? '+' : ''}${formatNumber(value)}`;
}

/** A rate in a sentence: "87.5%", or 无答复 when nothing was replied. */
export const rateText = (rate: number | null): string => (rate === null ? '无答复' : percent(rate));
