/**
 * The deadline notices (督办通知) an office and its superiors receive for a case that is about to
 * miss, or has missed, its legal time limit. Pure: no I/O, no clock; the same input always gives the
 * same message. The escalator decides which step fires when and at which level; this only words it.
 *
 * The steps (warning, breach, overdue-<n>), their levels and the ladder each level copies are the
 * domain's (shared/domain/escalation.ts); this takes a step and its level and words the e-mail.
 *
 * Subject wording, and why:
 * - Warning: 【即将超期】H2026-000042 求助申诉 剩余1个工作日 / [Due soon] … · 1 working day left.
 *   Urgent cases are due the same day, so a count of working days says nothing: the caller passes
 *   `hoursLeft` (the clock is the escalator's, not ours) and the subject reads 剩余4小时 / 4 hours
 *   left. `hoursLeft` wins whenever it is given; without it `workingDaysLeft` is used, 0 meaning the
 *   deadline is the end of today (今日到期 / due today); with neither, the subject names the deadline
 *   like the assignment notice does (请于2026年12月18日前办结). Urgent cases carry ·紧急 / · URGENT in
 *   the tag, as the assignment notice does.
 * - Breach: 【已超期】H2026-000042 求助申诉 已超过办理期限 / [Overdue] … · deadline passed.
 *   The breach fires just after 23:59:59 of the last allowed day. At that moment no overdue working
 *   day has been completed yet, so "超期0个工作日" reads like "not overdue" and "超期1个工作日"
 *   overstates it; 已超过办理期限 ("has passed its time limit") is what a Chinese office writes on
 *   the day a deadline is missed, and it holds whether the escalator counts 0 or 1. The count, when
 *   it is 1 or more, is still shown in the body.
 * - Reminders: 【督办】H2026-000042 求助申诉 超期3个工作日 / [Supervision] … · 3 working days overdue.
 *   From the second notice on the case is under supervision (督办), which is the name offices use
 *   for chasing overdue items, and the count of overdue working days is what the superiors read.
 * - Level 3 appends （已报主席） / · chairman informed, but only when a chairman address is actually on
 *   the message: an office whose ladder has no chairman configured must not be told he knows. The
 *   body lists the roles copied and names any role of the level that has no address configured.
 *
 * Recipients: the domain's `escalationRecipients` (to the office; cc the level's ladder,
 * de-duplicated). No cc field when nobody is copied.
 *
 * Privacy: as the assignment notice: no complainant block, caller number, description or tracking
 * code; the subject typed by the public is masked (safeText).
 */
import type { CaseRecord } from '../domain/case';
import { WORKING_DAYS_BY_CATEGORY } from '../domain/deadline';
import { escalationRecipients, ladderReach, stepId, type EscalationLevel, type EscalationRole, type EscalationStep } from '../domain/escalation';
import type { Locale, Office } from '../domain/routing';
import { SLA_STATE_LABELS } from '../domain/vocabulary';
import type { MailMessage } from '../ports';
import { caseLink, COMMON_TEXTS, displayedLimit, noticeLocale, officeNoticeHeaders, renderNotice, safeText } from './common';
import type { CommonTexts, Row } from './common';

export interface EscalationNoticeInput {
  record: CaseRecord;
  office: Office;
  /** The SLA step (its id goes into the X-SLA-Step header). */
  step: EscalationStep;
  level: EscalationLevel;
  /** Warnings: whole working days left after today; 0 = due at the end of today. */
  workingDaysLeft?: number;
  /** Warnings, chiefly for urgent cases: hours left until the deadline; preferred over workingDaysLeft. */
  hoursLeft?: number;
  /** Breach (0 or 1) and reminders (n): working days the deadline has been passed by. Reminders default to n. */
  workingDaysOver?: number;
  /** Where the API is reached from outside, e.g. https://cases.union.example.org (no trailing slash needed). */
  publicBaseUrl: string;
}

/** How much time a warned case has left. */
type Left = { hours: number } | { days: number };

interface Texts extends CommonTexts {
  role: Record<EscalationRole, string>;
  level: Record<EscalationLevel, string>;
  tag: { warning: string; breach: string; overdue: string; urgent: string };
  /** The subject: tag, ticket, category, how late, chairman marker. */
  subject(tag: string, ticketNo: string, category: string, when: string, chairman: boolean): string;
  /** Time left in the body: 4小时 / 1个工作日, or 今日到期 / due today for 0 working days. */
  left(q: Left): string;
  /** The same in the subject: 剩余4小时 / 4 hours left. */
  leftInSubject(q: Left): string;
  dueBy(due: string, advice: boolean): string;
  deadlinePassed: string;
  /** Overdue working days in the subject: 超期3个工作日 / 3 working days overdue. */
  daysOver(days: number): string;
  /** …and in the body's "overdue" row: 超期3个工作日 / by 3 working days. */
  overBy(days: number): string;
  intro: {
    warning(due: string, advice: boolean): string;
    breach(due: string, advice: boolean): string;
    overdue(days: number, advice: boolean): string;
    chairman: string;
  };
  notConfigured(role: string): string;
  labels: {
    ticket: string;
    category: string;
    office: string;
    receivedAt: string;
    dueAt: string;
    timeLeft: string;
    timeOver: string;
    subject: string;
    urgent: string;
    level: string;
    copied: string;
    link: string;
  };
}

const ZH: Texts = {
  ...COMMON_TEXTS['zh-CN'],
  role: { head: '部门负责人', supervisor: '分管领导', chairman: '主席' },
  level: { 1: '一级 · 黄牌预警（即将超期）', 2: '二级 · 红牌督办（已超期）', 3: '三级 · 红牌督办，报主席' },
  tag: { warning: SLA_STATE_LABELS.due_soon['zh-CN'], breach: SLA_STATE_LABELS.overdue['zh-CN'], overdue: '督办', urgent: '·紧急' },
  subject: (tag, ticketNo, category, when, chairman) => `【${tag}】${ticketNo} ${category} ${when}${chairman ? '（已报主席）' : ''}`,
  left: (q) => ('hours' in q ? (q.hours < 1 ? '不足1小时' : `${q.hours}小时`) : q.days === 0 ? '今日到期' : `${q.days}个工作日`),
  leftInSubject: (q) => ('days' in q && q.days === 0 ? ZH.left(q) : `剩余${ZH.left(q)}`),
  dueBy: (due, advice) => `请于${due}前${advice ? '答复' : '办结'}`,
  deadlinePassed: '已超过办理期限',
  daysOver: (d) => `超期${d}个工作日`,
  overBy: (d) => `超期${d}个工作日`,
  intro: {
    warning: (due, advice) => `以下案件即将超过办理期限（${due}），请抓紧办理，按时${advice ? '答复' : '办结并答复'}。`,
    breach: (due, advice) => `以下案件已超过办理期限（${due}）仍未${advice ? '答复' : '办结'}，请立即办理，并说明超期原因。`,
    overdue: (d, advice) => `以下案件已超期${d}个工作日仍未${advice ? '答复' : '办结'}，现予督办。请立即${advice ? '答复' : '办结'}，并报告办理进展。`,
    chairman: '本案已报主席。',
  },
  notConfigured: (role) => `${role}（未配置邮箱，未抄送）`,
  labels: {
    ticket: '工单号',
    category: '类别',
    office: '承办部门',
    receivedAt: '受理时间',
    dueAt: '办理期限',
    timeLeft: '剩余时间',
    timeOver: '超期情况',
    subject: '标题',
    urgent: '紧急',
    level: '督办级别',
    copied: '抄送',
    link: '案件链接',
  },
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const EN: Texts = {
  ...COMMON_TEXTS.en,
  role: { head: 'head of office', supervisor: 'supervising leader', chairman: 'chairman' },
  level: { 1: 'level 1 of 3 · yellow card (due soon)', 2: 'level 2 of 3 · red card (overdue)', 3: 'level 3 of 3 · red card, referred to the chairman' },
  tag: { warning: SLA_STATE_LABELS.due_soon.en, breach: SLA_STATE_LABELS.overdue.en, overdue: 'Supervision', urgent: ' · URGENT' },
  subject: (tag, ticketNo, category, when, chairman) => `[${tag}] ${ticketNo} ${category} · ${when}${chairman ? ' · chairman informed' : ''}`,
  left: (q) =>
    'hours' in q ? (q.hours < 1 ? 'less than an hour' : plural(q.hours, 'hour', 'hours')) : q.days === 0 ? 'due today' : plural(q.days, 'working day', 'working days'),
  leftInSubject: (q) => ('days' in q && q.days === 0 ? EN.left(q) : `${EN.left(q)} left`),
  dueBy: (due) => `due ${due}`,
  deadlinePassed: 'deadline passed',
  daysOver: (d) => `${plural(d, 'working day', 'working days')} overdue`,
  overBy: (d) => `by ${plural(d, 'working day', 'working days')}`,
  intro: {
    warning: (due, advice) => `The case below is about to miss its time limit (due ${due}). Please ${advice ? 'reply' : 'resolve it and reply'} in time.`,
    breach: (due, advice) =>
      `The case below has passed its time limit (due ${due}) and is still not ${advice ? 'answered' : 'closed'}. Please handle it at once and explain the delay.`,
    overdue: (d, advice) =>
      `The case below is ${plural(d, 'working day', 'working days')} overdue and still not ${advice ? 'answered' : 'closed'}: it is now under supervision. Please ${advice ? 'answer' : 'close'} it at once and report on its progress.`,
    chairman: ' The chairman has been informed.',
  },
  notConfigured: (role) => `${role} (no address configured: not copied)`,
  labels: {
    ticket: 'Ticket number',
    category: 'Category',
    office: 'Office',
    receivedAt: 'Received',
    dueAt: 'Due',
    timeLeft: 'Time left',
    timeOver: 'Overdue',
    subject: 'Subject',
    urgent: 'Urgent',
    level: 'Escalation level',
    copied: 'Copied to',
    link: 'Case',
  },
};

const TEXTS: Record<Locale, Texts> = { 'zh-CN': ZH, en: EN };

function check(name: string, value: number | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, got ${value}`);
  }
  return value;
}

export function escalationNotice(input: EscalationNoticeInput): MailMessage {
  const { record, office, level, publicBaseUrl } = input;
  if (level !== 1 && level !== 2 && level !== 3) throw new RangeError(`unknown escalation level: ${String(level)}`);
  const { step } = input;
  const hoursLeft = check('hoursLeft', input.hoursLeft, false);
  const workingDaysLeft = check('workingDaysLeft', input.workingDaysLeft, true);
  const workingDaysOver = check('workingDaysOver', input.workingDaysOver, true);

  const locale = noticeLocale(office);
  const t = TEXTS[locale];
  const L = t.labels;
  const due = t.date(record.sla.dueAt);
  const advice = record.category === 'advice';
  const category = t.category(record.category);
  const link = caseLink(publicBaseUrl, record.id);

  const { to, cc } = escalationRecipients(office, level);
  const ladder = ladderReach(office, level);
  const chairmanInformed = level === 3 && ladder.some((r) => r.role === 'chairman' && r.reached);

  // How early or late the case is: in the subject and in the body.
  let when: string;
  let timeRow: Row | undefined;
  let intro: string;
  let tag: string;
  if (step.kind === 'warning') {
    tag = t.tag.warning;
    const left: Left | undefined =
      hoursLeft !== undefined ? { hours: hoursLeft < 1 ? 0 : Math.floor(hoursLeft) } : workingDaysLeft !== undefined ? { days: workingDaysLeft } : undefined;
    // Without a count the deadline row says it all.
    when = left ? t.leftInSubject(left) : t.dueBy(due, advice);
    timeRow = left && { label: L.timeLeft, value: t.left(left) };
    intro = t.intro.warning(due, advice);
  } else if (step.kind === 'breach') {
    tag = t.tag.breach;
    when = t.deadlinePassed;
    const over = workingDaysOver ?? 0;
    timeRow = { label: L.timeOver, value: over > 0 ? `${t.deadlinePassed}${t.listSeparator}${t.overBy(over)}` : t.deadlinePassed };
    intro = t.intro.breach(due, advice);
  } else {
    tag = t.tag.overdue;
    const over = workingDaysOver ?? step.day;
    when = t.daysOver(over);
    timeRow = { label: L.timeOver, value: t.overBy(over) };
    intro = t.intro.overdue(over, advice);
  }
  if (record.urgent) tag += t.tag.urgent;
  if (chairmanInformed) intro += t.intro.chairman;

  const copied = ladder.map(({ role, reached }) => (reached ? t.role[role] : t.notConfigured(t.role[role])));

  const rows: Row[] = [
    { label: L.ticket, value: record.ticketNo },
    { label: L.category, value: t.categoryWithLimit(category, displayedLimit(record, WORKING_DAYS_BY_CATEGORY)) },
    { label: L.office, value: office.name },
    { label: L.receivedAt, value: t.dateTime(record.receivedAt) },
    { label: L.dueAt, value: due },
    ...(timeRow ? [timeRow] : []),
    { label: L.subject, value: safeText(record.subject, record) },
    { label: L.urgent, value: t.urgentValue(record.urgent) },
    { label: L.level, value: t.level[level] },
    { label: L.copied, value: copied.join(locale === 'en' ? ', ' : '、') },
    { label: L.link, value: link, href: link },
  ];

  const warning = record.sla.calendarEstimated ? t.estimated : undefined;
  const subject = t.subject(tag, record.ticketNo, category, when, chairmanInformed);
  const { text, html } = renderNotice({ locale, texts: t, title: subject, greeting: t.greeting(office), intro, rows, warning });

  return {
    to,
    ...(cc.length ? { cc } : {}),
    subject,
    text,
    html,
    headers: officeNoticeHeaders(record, { 'X-SLA-Step': stepId(step) }),
  };
}
