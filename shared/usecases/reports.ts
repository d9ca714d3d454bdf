import { CHANNELS, type Channel } from '../domain/case';
import {
  clustersOf,
  dayString,
  figuresOf,
  monthPeriod,
  monthsOf,
  previousMonth,
  previousQuarter,
  quarterMonths,
  quarterPeriod,
  summarize,
  supervisionRows,
  NO_GROUP,
  type CaseFact,
  type Figures,
  type GroupBy,
  type QuarterlyReportData,
  type Summary,
  type SupervisionReportData,
} from '../domain/report';
import { CATEGORY_LABELS, CHANNEL_LABELS, labelOf, TOPIC_LABELS, UNASSIGNED_LABEL, UNCLASSIFIED_LABEL } from '../domain/vocabulary';
import type { CaseStore, Clock, OfficeStore, ReportFactStore } from '../ports';
import type { CalendarService } from './calendar';

export interface ReportDeps {
  reports: ReportFactStore;
  cases: CaseStore;
  offices: OfficeStore;
  calendar: CalendarService;
  clock: Clock;
}

/** Whose cases a report covers: all (supervisors, admins) or one office's (office staff). */
export interface ReportScope {
  office?: string;
}

/** How many months before the chase list's month it looks for cases still open then (older ones come from the open-case index). */
export const SUPERVISION_LOOKBACK_MONTHS = 3;

async function factsOf(deps: ReportDeps, months: readonly string[], scope: ReportScope): Promise<CaseFact[]> {
  const facts = await deps.reports.factsForMonths(months);
  return scope.office === undefined ? facts : facts.filter((f) => f.office === scope.office);
}

async function labeller(deps: ReportDeps): Promise<(groupBy: GroupBy, key: string) => string> {
  const offices = new Map((await deps.offices.list()).map((o) => [o.id, o.name]));
  return (groupBy, key) => {
    if (key === NO_GROUP) return (groupBy === 'office' ? UNASSIGNED_LABEL : UNCLASSIFIED_LABEL)['zh-CN'];
    if (groupBy === 'channel') return labelOf(CHANNEL_LABELS, key, 'zh-CN');
    if (groupBy === 'category') return labelOf(CATEGORY_LABELS, key, 'zh-CN');
    if (groupBy === 'office') return offices.get(key) ?? key;
    if (groupBy === 'topic') return labelOf(TOPIC_LABELS, key, 'zh-CN');
    const [y, m] = key.split('-');
    return `${y}年${Number(m)}月`;
  };
}

/** The figures of the cases received from `from` to `to` (YYYY-MM-DD, Shanghai), per group and in total. */
export async function summaryReport(deps: ReportDeps, q: { from: string; to: string; groupBy: GroupBy }, scope: ReportScope = {}): Promise<Summary> {
  const [facts, label, calendar] = await Promise.all([factsOf(deps, monthsOf(periodOf(q)), scope), labeller(deps), deps.calendar.current()]);
  return summarize(facts, q, { now: deps.clock.now(), calendar, label });
}

/**
 * 督办清单: every case open at the end of `month` (YYYY-MM) or overdue during it. Cases received in
 * the month or the three before come from the report facts; older ones still open now come from the
 * open-case index (a case received earlier, closed during the month after being overdue, is not
 * listed: at the legal limits that would be over three months late).
 */
export async function supervisionReport(deps: ReportDeps, month: string, scope: ReportScope = {}): Promise<SupervisionReportData> {
  const months = [month];
  for (let i = 0; i < SUPERVISION_LOOKBACK_MONTHS; i++) months.unshift(previousMonth(months[0] as string));
  const lookbackStart = monthPeriod(months[0] as string).from;
  const [facts, older, calendar, offices] = await Promise.all([factsOf(deps, months, scope), deps.reports.openFactsReceivedBefore(lookbackStart), deps.calendar.current(), deps.offices.list()]);
  facts.push(...older.filter((f) => scope.office === undefined || f.office === scope.office));
  const now = deps.clock.now();
  const names = new Map(offices.map((o) => [o.id, o.name]));
  const items = supervisionRows(facts, month, { now, calendar }).map((r) => {
    const officeName = r.office === undefined ? undefined : names.get(r.office);
    return officeName === undefined ? r : { ...r, officeName };
  });
  // As of month end (23:59:59), or now for the month in progress.
  return { month, asOf: Math.min(now, monthPeriod(month).to - 999), items };
}

/** The quarter by office, the change on the previous quarter, cases by channel per month, top topics and clusters. */
export async function quarterlyReport(deps: ReportDeps, quarter: string, scope: ReportScope = {}): Promise<QuarterlyReportData> {
  const prior = previousQuarter(quarter);
  const months = quarterMonths(quarter);
  const [facts, before, label, calendar] = await Promise.all([factsOf(deps, months, scope), factsOf(deps, quarterMonths(prior), scope), labeller(deps), deps.calendar.current()]);
  const now = deps.clock.now();
  const period = quarterPeriod(quarter);
  const summary = summarize(facts, { from: dayString(period.from), to: dayString(period.to), groupBy: 'office' }, { now, calendar, label });
  const previous = figuresOf(before, now, calendar);
  const change = Object.fromEntries(
    (Object.keys(summary.total) as (keyof Figures)[]).map((k) => {
      const a = summary.total[k];
      const b = previous[k];
      return [k, a === null || b === null ? null : Math.round((a - b) * 10_000) / 10_000];
    }),
  );
  const monthly = months.map((month) => {
    const inMonth = facts.filter((f) => dayString(f.receivedAt).startsWith(month));
    return { month, ...(Object.fromEntries(CHANNELS.map((ch) => [ch, inMonth.filter((f) => f.channel === ch).length])) as Record<Channel, number>) };
  });
  const topics = new Map<string, number>();
  for (const f of facts) if (f.topic) topics.set(f.topic, (topics.get(f.topic) ?? 0) + 1);
  const topTopics = [...topics.entries()]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .slice(0, 10)
    .map(([topic, received]) => ({ topic, label: label('topic', topic), received }));
  const clusters = clustersOf(facts).map((c) => ({ ...c, label: label('topic', c.topic) }));
  return { quarter, previousQuarter: prior, summary, previous, change, monthly, topTopics, clusters };
}

function periodOf(q: { from: string; to: string }) {
  const from = monthPeriod(q.from.slice(0, 7)).from;
  const to = monthPeriod(q.to.slice(0, 7)).to;
  return { from, to };
}
