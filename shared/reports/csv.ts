import type { Figures, QuarterlyReportData, Summary, SupervisionReportData } from '../domain/report';
import { CATEGORY_LABELS, FIGURE_KEYS, FIGURE_LABELS, percent, STATUS_LABELS, SUPERVISION_COLUMN_LABELS, SUPERVISION_COLUMNS } from '../domain/vocabulary';
import { formatNumber, isRate, officeOf, shanghaiDate, topicOf, yesNoText, zh, type FigureKey } from './format';

/**
 * Reports as CSV for Excel: UTF-8 with a BOM, CRLF, zh-CN headers. Pure functions of the use
 * cases' reports.
 */

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
  return isRate(key) ? { percent: value } : value;
}

function summaryRows(r: Summary): Cell[][] {
  const figures = (f: Figures): Cell[] => FIGURE_KEYS.map((k) => figureCell(k, f[k]));
  return [['分组', ...FIGURE_KEYS.map((k) => zh(FIGURE_LABELS[k]))], ...r.groups.map((g) => [g.label, ...figures(g)]), ['合计', ...figures(r.total)]];
}

/** 统计报表: one row per group, then 合计. The header is the first line so the file is a plain table. */
export function summaryCsv(r: Summary): string {
  return BOM + csvLines(summaryRows(r));
}

/** 督办清单: one row per case. 剩余/超期工作日 is a number, negative when overdue, so it sorts and filters. */
export function supervisionCsv(r: SupervisionReportData): string {
  const rows: Cell[][] = r.items.map((i) => [
    i.ticketNo,
    officeOf(i),
    zh(CATEGORY_LABELS[i.category]),
    topicOf(i),
    zh(STATUS_LABELS[i.status]),
    shanghaiDate(i.receivedAt),
    shanghaiDate(i.dueAt),
    i.workingDaysLeft,
    i.escalationLevel,
    i.handlingWorkingDays,
    yesNoText(i.openAtMonthEnd),
    yesNoText(i.overdueInMonth),
  ]);
  return BOM + csvLines([SUPERVISION_COLUMNS.map((c) => zh(SUPERVISION_COLUMN_LABELS[c])), ...rows]);
}

/**
 * 季度分析: the quarter by office, then sections separated by an empty line, each opened by a
 * one-cell title line. A change in a rate is in percentage points ("-2.5%" = 2.5 points lower).
 */
export function quarterlyCsv(r: QuarterlyReportData): string {
  const comparison = FIGURE_KEYS.map((k): Cell[] => [zh(FIGURE_LABELS[k]), figureCell(k, r.summary.total[k]), figureCell(k, r.previous[k]), figureCell(k, r.change[k] ?? null)]);
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
