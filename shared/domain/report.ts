import type { WorkingCalendar } from './calendar';
import type { CaseRecord, Category, Channel, Satisfaction, Status } from './case';
import { isOpenStatus } from './case';
import { civilFromDays, daysFromCivil, endOfShanghaiDay, shanghaiDayOf, startOfShanghaiDay } from './time';

/**
 * Reports (统计, 督办清单, 季度分析) from *facts*: one small snapshot per case, derived from the
 * case record alone and kept beside it as the case changes. A snapshot carries the case version,
 * so writing it again, or an older one, changes nothing: a replayed event never counts twice.
 * Everything here is pure; the figures are computed from the facts of the period at read time.
 */
export interface CaseFact {
  id: string;
  version: number;
  ticketNo: string;
  channel: Channel;
  category: Category;
  office?: string;
  topic?: string;
  region?: string;
  /** The complainant's work unit or site, for spotting the same problem at several sites. */
  employer?: string;
  urgent: boolean;
  /** Walk-in batches count persons too (批 / 人次). */
  visitors: number;
  receivedAt: number;
  dueAt: number;
  status: Status;
  /** Signed for on time (true), late (false), not (yet) signed (undefined). */
  signedOnTime?: boolean;
  /** The first reply (for time to reply) and the one in force (for on time). */
  firstReplyAt?: number;
  replyAt?: number;
  repliedOnTime?: boolean;
  /** When it last left the open statuses (replied or closed); undefined while open. */
  doneAt?: number;
  extended: boolean;
  returns: number;
  satisfaction?: Satisfaction;
  resolved?: boolean;
  /** Highest 督办 level reached (0 none, 1 warning, 2 office head/supervisor, 3 chairman). */
  escalationLevel: number;
  /** 不当退单: send-backs a supervisor rejected (the case went back to the same office). */
  improperReturns: number;
  /** 重办: times the case was reopened after its reply. */
  reopened: number;
  /** 回访: a follow-up of the reply in force was recorded (by staff, or the complainant's own rating). */
  followedUp: boolean;
  /** 重复件: linked to another case (`duplicateOf`) and closed; counted apart from every other figure. */
  duplicate: boolean;
}

/** The facts of a case as it stands. */
export function factOf(r: CaseRecord): CaseFact {
  const firstReply = (r.events ?? []).find((e) => e.action === 'reply');
  const done = !isOpenStatus(r.status);
  const fact: CaseFact = {
    id: r.id,
    version: r.version,
    ticketNo: r.ticketNo,
    channel: r.channel,
    category: r.category,
    urgent: r.urgent,
    visitors: r.channel === 'walk_in' ? (r.walkIn?.visitors ?? 1) : 0,
    receivedAt: r.receivedAt,
    dueAt: r.sla.dueAt,
    status: r.status,
    extended: r.extended === true,
    returns: r.returns ?? 0,
    escalationLevel: Math.max(0, ...(r.escalations ?? []).map((e) => e.level)),
    improperReturns: r.improperReturns ?? 0,
    reopened: r.reopened ?? 0,
    followedUp: r.followUp !== undefined,
    duplicate: r.duplicateOf !== undefined,
  };
  if (r.office !== undefined) fact.office = r.office;
  if (r.topic !== undefined) fact.topic = r.topic;
  if (r.region !== undefined) fact.region = r.region;
  if (r.complainant?.employer) fact.employer = r.complainant.employer;
  if (r.acceptedLate !== undefined) fact.signedOnTime = !r.acceptedLate;
  if (r.reply) {
    fact.firstReplyAt = firstReply?.at ?? r.reply.at;
    fact.replyAt = r.reply.at;
    if (r.sla.state === 'met' || r.sla.state === 'missed') fact.repliedOnTime = r.sla.state === 'met';
  }
  if (done) fact.doneAt = r.status === 'closed' && !r.reply ? (r.closedAt ?? r.updatedAt) : (r.reply?.at ?? r.closedAt ?? r.updatedAt);
  if (r.followUp) {
    fact.satisfaction = r.followUp.satisfaction;
    fact.resolved = r.followUp.resolved;
  }
  return fact;
}

// ── Periods ──────────────────────────────────────────────────────────────────────────────

export interface Period {
  /** Epoch ms, inclusive: 00:00:00 Shanghai of the first day … 23:59:59.999 of the last. */
  from: number;
  to: number;
}

export const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
export const QUARTER = /^(\d{4})-Q([1-4])$/;

export function dayPeriod(fromDay: string, toDay: string): Period {
  return { from: startOfShanghaiDay(dayNumber(fromDay)), to: endOfShanghaiDay(dayNumber(toDay)) + 999 };
}

export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const first = daysFromCivil(y, m, 1);
  const next = m === 12 ? daysFromCivil(y + 1, 1, 1) : daysFromCivil(y, m + 1, 1);
  return { from: startOfShanghaiDay(first), to: startOfShanghaiDay(next) - 1 };
}

export function quarterMonths(quarter: string): string[] {
  const [, y, q] = QUARTER.exec(quarter) ?? [];
  const first = (Number(q) - 1) * 3 + 1;
  return [0, 1, 2].map((i) => `${y}-${String(first + i).padStart(2, '0')}`);
}

export function previousQuarter(quarter: string): string {
  const [, y, q] = QUARTER.exec(quarter) ?? [];
  return Number(q) === 1 ? `${Number(y) - 1}-Q4` : `${y}-Q${Number(q) - 1}`;
}

export function quarterPeriod(quarter: string): Period {
  const months = quarterMonths(quarter);
  return { from: monthPeriod(months[0] as string).from, to: monthPeriod(months[2] as string).to };
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}

/** YYYY-MM of each month the period touches, in order. */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  let month = monthOf(p.from);
  const last = monthOf(p.to);
  for (;;) {
    out.push(month);
    if (month === last) return out;
    const [y, m] = month.split('-').map(Number) as [number, number];
    month = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
}

export function monthOf(epochMs: number): string {
  const { year, month } = civilFromDays(shanghaiDayOf(epochMs));
  return `${year}-${String(month).padStart(2, '0')}`;
}

export function dayString(epochMs: number): string {
  const { year, month, day } = civilFromDays(shanghaiDayOf(epochMs));
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dayNumber(day: string): number {
  const [, y, m, d] = DAY.exec(day) ?? [];
  return daysFromCivil(Number(y), Number(m), Number(d));
}

// ── The summary ──────────────────────────────────────────────────────────────────────────

export const GROUP_BY = ['channel', 'category', 'office', 'topic', 'month'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface Figures {
  received: number;
  hotlineCalls: number;
  mailboxLetters: number;
  walkInBatches: number;
  walkInPersons: number;
  replied: number;
  repliedOnTime: number;
  /** repliedOnTime / replied; null when nothing was replied. */
  onTimeRate: number | null;
  overdueNow: number;
  signedOnTime: number;
  /** signedOnTime / signed for; null when nothing was signed for. */
  signOnTimeRate: number | null;
  avgWorkingDaysToReply: number | null;
  extensions: number;
  returns: number;
  followUps: number;
  /** (satisfied + basically satisfied) / rated; null when nothing was rated. */
  satisfactionRate: number | null;
  /** 回退率: cases sent back (退单) at least once / received; null when nothing was received. */
  returnRate: number | null;
  /** 不当退单: send-backs a supervisor rejected. */
  improperReturns: number;
  /** 重办率: replied cases reopened at least once / replied. */
  reworkRate: number | null;
  /** 解决率: followed up and resolved / followed up. */
  resolvedRate: number | null;
  /** 参评率: replied cases the complainant rated / replied. */
  ratedShare: number | null;
  /** 回访率: replied cases followed up / replied. */
  followUpRate: number | null;
  /** 重复件: cases linked to another and closed; not counted in any figure above. */
  duplicates: number;
}

const ratio = (n: number, d: number) => (d === 0 ? null : Math.round((n / d) * 10_000) / 10_000);

/**
 * The figures of a set of cases — the cohort received in the period — as they stand at `now`.
 * Time to reply counts working days from receipt to the first reply (the day of receipt not counted).
 */
export function figuresOf(facts: readonly CaseFact[], now: number, calendar: WorkingCalendar): Figures {
  let hotline = 0;
  let mailbox = 0;
  let batches = 0;
  let persons = 0;
  let replied = 0;
  let onTime = 0;
  let overdue = 0;
  let signed = 0;
  let signedOnTime = 0;
  let replyDays = 0;
  let extensions = 0;
  let returns = 0;
  let rated = 0;
  let satisfied = 0;
  let returned = 0;
  let improper = 0;
  let reworked = 0;
  let followedUp = 0;
  let resolved = 0;
  let duplicates = 0;
  for (const f of facts) {
    // A duplicate is counted once, apart: its original carries the work and the figures.
    if (f.duplicate) {
      duplicates++;
      continue;
    }
    if (f.returns > 0) returned++;
    improper += f.improperReturns;
    if (f.firstReplyAt !== undefined && f.reopened > 0) reworked++;
    if (f.firstReplyAt !== undefined && f.followedUp) {
      followedUp++;
      if (f.resolved) resolved++;
    }
    if (f.channel === 'hotline') hotline++;
    else if (f.channel === 'mailbox') mailbox++;
    else {
      batches++;
      persons += f.visitors;
    }
    if (f.firstReplyAt !== undefined) {
      replied++;
      if (f.repliedOnTime) onTime++;
      replyDays += calendar.countWorkingDays(shanghaiDayOf(f.receivedAt), shanghaiDayOf(f.firstReplyAt));
    }
    // Paused cases wait for the complainant: their deadline moves when they resume.
    if (isOpenStatus(f.status) && f.status !== 'paused' && f.dueAt < now) overdue++;
    if (f.signedOnTime !== undefined) {
      signed++;
      if (f.signedOnTime) signedOnTime++;
    }
    if (f.extended) extensions++;
    returns += f.returns;
    if (f.satisfaction) {
      rated++;
      if (f.satisfaction !== 'dissatisfied') satisfied++;
    }
  }
  const received = facts.length - duplicates;
  return {
    received,
    hotlineCalls: hotline,
    mailboxLetters: mailbox,
    walkInBatches: batches,
    walkInPersons: persons,
    replied,
    repliedOnTime: onTime,
    onTimeRate: ratio(onTime, replied),
    overdueNow: overdue,
    signedOnTime,
    signOnTimeRate: ratio(signedOnTime, signed),
    avgWorkingDaysToReply: replied === 0 ? null : Math.round((replyDays / replied) * 100) / 100,
    extensions,
    returns,
    followUps: followedUp,
    satisfactionRate: ratio(satisfied, rated),
    returnRate: ratio(returned, received),
    improperReturns: improper,
    reworkRate: ratio(reworked, replied),
    resolvedRate: ratio(resolved, followedUp),
    ratedShare: ratio(rated, replied),
    followUpRate: ratio(followedUp, replied),
    duplicates,
  };
}

export const NO_GROUP = '(none)';

export function groupKey(f: CaseFact, groupBy: GroupBy): string {
  switch (groupBy) {
    case 'channel':
      return f.channel;
    case 'category':
      return f.category;
    case 'office':
      return f.office ?? NO_GROUP;
    case 'topic':
      return f.topic ?? NO_GROUP;
    case 'month':
      return monthOf(f.receivedAt);
  }
}

export interface Summary {
  from: string;
  to: string;
  groupBy: GroupBy;
  total: Figures;
  groups: ({ key: string; label: string } & Figures)[];
}

/** The summary of the cases received in [from, to], per group (sorted by key) and in total. */
export function summarize(
  facts: readonly CaseFact[],
  q: { from: string; to: string; groupBy: GroupBy },
  ctx: { now: number; calendar: WorkingCalendar; label: (groupBy: GroupBy, key: string) => string },
): Summary {
  const period = dayPeriod(q.from, q.to);
  const inPeriod = facts.filter((f) => f.receivedAt >= period.from && f.receivedAt <= period.to);
  const groups = new Map<string, CaseFact[]>();
  for (const f of inPeriod) {
    const key = groupKey(f, q.groupBy);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return {
    ...q,
    total: figuresOf(inPeriod, ctx.now, ctx.calendar),
    groups: [...groups.entries()]
      .sort(([a], [b]) => (a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b)))
      .map(([key, list]) => ({ key, label: ctx.label(q.groupBy, key), ...figuresOf(list, ctx.now, ctx.calendar) })),
  };
}

// ── The monthly chase list (督办清单) ─────────────────────────────────────────────────────

export interface SupervisionRow {
  id: string;
  ticketNo: string;
  office?: string;
  category: Category;
  topic?: string;
  status: Status;
  receivedAt: number;
  dueAt: number;
  /** At month end (or now, for the current month): working days left (≥ 0) or over (< 0). */
  workingDaysLeft: number;
  escalationLevel: number;
  /** Working days from receipt to month end (or to its reply, if replied since). */
  handlingWorkingDays: number;
  openAtMonthEnd: boolean;
  overdueInMonth: boolean;
}

/**
 * Every case open at the end of the month, or overdue at some time in it, most overdue first.
 * For the month in progress, "month end" is now.
 */
export function supervisionRows(facts: readonly CaseFact[], month: string, ctx: { now: number; calendar: WorkingCalendar }): SupervisionRow[] {
  const period = monthPeriod(month);
  const end = Math.min(period.to, ctx.now);
  const rows: SupervisionRow[] = [];
  for (const f of facts) {
    if (f.receivedAt > end) continue;
    const openAtEnd = f.doneAt === undefined || f.doneAt > end;
    // Overdue in the month: the deadline passed before the month's end while it was still open.
    const overdueInMonth = f.dueAt < end && (f.doneAt === undefined || f.doneAt > Math.max(f.dueAt, period.from));
    if (!openAtEnd && !overdueInMonth) continue;
    const until = openAtEnd ? end : (f.doneAt as number);
    rows.push({
      id: f.id,
      ticketNo: f.ticketNo,
      ...(f.office !== undefined && { office: f.office }),
      category: f.category,
      ...(f.topic !== undefined && { topic: f.topic }),
      status: f.status,
      receivedAt: f.receivedAt,
      dueAt: f.dueAt,
      workingDaysLeft: signedWorkingDays(ctx.calendar, until, f.dueAt),
      escalationLevel: f.escalationLevel,
      handlingWorkingDays: ctx.calendar.countWorkingDays(shanghaiDayOf(f.receivedAt), shanghaiDayOf(until)),
      openAtMonthEnd: openAtEnd,
      overdueInMonth,
    });
  }
  return rows.sort((a, b) => a.workingDaysLeft - b.workingDaysLeft || a.dueAt - b.dueAt || a.ticketNo.localeCompare(b.ticketNo));
}

/** Working days from `at` to the deadline: positive left, negative over (0 on the due day itself). */
export function signedWorkingDays(calendar: WorkingCalendar, at: number, dueAt: number): number {
  const a = shanghaiDayOf(at);
  const d = shanghaiDayOf(dueAt);
  if (at <= dueAt) return calendar.countWorkingDays(a, d);
  return -Math.max(1, calendar.countWorkingDays(d, a));
}

/** 督办清单 as the use case returns it: times in epoch ms, absent values absent; the office's name where known. */
export interface SupervisionReportData {
  month: string;
  /** Month end (23:59:59), or now for the month in progress. */
  asOf: number;
  items: (SupervisionRow & { officeName?: string })[];
}

// ── Clusters (same problem, several sites) ────────────────────────────────────────────────

export interface Cluster {
  topic: string;
  /** Distinct employers/sites (as written, first spelling) and regions among the cases. */
  sites: string[];
  regions: string[];
  cases: { id: string; ticketNo: string; receivedAt: number; employer?: string; region?: string; office?: string; status: Status }[];
}

/** Names as people type them: full-width and ASCII spaces, case and punctuation do not make a new site. */
export function siteKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}]/gu, '');
}

/**
 * The same topic reported from two or more different employers/sites, or from two or more
 * regions, within the period. Cases without a topic, or with `other`, say nothing shared.
 * Largest clusters first.
 */
export function clustersOf(facts: readonly CaseFact[]): Cluster[] {
  const byTopic = new Map<string, CaseFact[]>();
  for (const f of facts) {
    if (!f.topic || f.topic === 'other') continue;
    const list = byTopic.get(f.topic);
    if (list) list.push(f);
    else byTopic.set(f.topic, [f]);
  }
  const clusters: Cluster[] = [];
  for (const [topic, list] of byTopic) {
    const sites = distinct(list.map((f) => f.employer));
    const regions = distinct(list.map((f) => f.region));
    if (sites.length < 2 && regions.length < 2) continue;
    clusters.push({
      topic,
      sites,
      regions,
      cases: [...list]
        .sort((a, b) => a.receivedAt - b.receivedAt)
        .map((f) => ({
          id: f.id,
          ticketNo: f.ticketNo,
          receivedAt: f.receivedAt,
          ...(f.employer !== undefined && { employer: f.employer }),
          ...(f.region !== undefined && { region: f.region }),
          ...(f.office !== undefined && { office: f.office }),
          status: f.status,
        })),
    });
  }
  return clusters.sort((a, b) => b.sites.length + b.regions.length - (a.sites.length + a.regions.length) || b.cases.length - a.cases.length || a.topic.localeCompare(b.topic));
}

function distinct(names: (string | undefined)[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) {
    const key = n ? siteKey(n) : '';
    if (n && key && !seen.has(key)) seen.set(key, n.trim());
  }
  return [...seen.values()];
}

// ── The quarterly analysis (季度分析) ────────────────────────────────────────────────────

/** 季度分析 as the use case returns it (times in epoch ms): the quarter by office, the change on the previous one, channels per month, top topics, clusters. */
export interface QuarterlyReportData {
  quarter: string;
  previousQuarter: string;
  summary: Summary;
  previous: Figures;
  /** This quarter's total minus the previous one's, per figure; null where either is null. */
  change: Record<string, number | null>;
  monthly: ({ month: string } & Record<Channel, number>)[];
  topTopics: { topic: string; label: string; received: number }[];
  clusters: (Cluster & { label: string })[];
}
