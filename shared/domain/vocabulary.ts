/**
 * The words people read, once: every code of the domain with its zh-CN label (first) and its
 * English one, from the glossary of the service centres (DOMAIN.md), and the one way a rate is
 * shown as a percentage. The console, the office e-mails, the receipt, the reports (CSV, pages,
 * the monthly e-mail) and the public pages read the label of a code here; they keep only their own sentences.
 * Pure: no I/O, safe to bundle for the browser.
 */
import { FESTIVALS, type Festival } from './calendar';
import {
  CATEGORIES,
  CHANNELS,
  EXTENSION_REASONS,
  PROBLEM_REASONS,
  REPLY_OUTCOMES,
  SATISFACTIONS,
  SLA_STATES,
  STATUSES,
  TOPICS,
  type Category,
  type Channel,
  type ExtensionReason,
  type ProblemReason,
  type ReplyOutcome,
  type Satisfaction,
  type SlaState,
  type Status,
} from './case';
import { HOLD_REASONS, type HoldReason } from './inbound-mail';
import { ACTIONS, type Action } from './lifecycle';
import { ROLES, type Role } from './principal';
import { GROUP_BY, type Figures, type GroupBy, type SupervisionRow } from './report';
import type { Locale } from './routing';

/** The languages people read (an office's e-mails are in its own; the console lets one choose). */
export { LOCALES, type Locale } from './routing';
export type Label = Readonly<Record<Locale, string>>;
export type Topic = (typeof TOPICS)[number];

const l = (zh: string, en: string): Label => ({ 'zh-CN': zh, en });

export const CHANNEL_LABELS: Readonly<Record<Channel, Label>> = {
  hotline: l('主席热线', 'Chairman’s hotline'),
  mailbox: l('主席信箱', 'Chairman’s mailbox'),
  walk_in: l('来访', 'Walk-in visit'),
};

export const CATEGORY_LABELS: Readonly<Record<Category, Label>> = {
  advice: l('建议咨询', 'Suggestion or enquiry'),
  complaint: l('求助申诉', 'Help request or complaint'),
  investigation: l('需调查处理', 'Needs investigation'),
};

export const TOPIC_LABELS: Readonly<Record<Topic, Label>> = {
  wages: l('工资报酬', 'Wages'),
  dismissal: l('解除劳动关系', 'Dismissal'),
  injury: l('工伤', 'Work injury'),
  social_insurance: l('社会保险', 'Social insurance'),
  safety: l('安全生产', 'Safety at work'),
  legal_aid: l('法律援助', 'Legal aid'),
  psychological: l('心理关爱', 'Psychological support'),
  other: l('其他', 'Other'),
};

export const STATUS_LABELS: Readonly<Record<Status, Label>> = {
  received: l('已受理', 'Received'),
  assigned: l('已分派', 'Assigned'),
  returned: l('退单待审', 'Sent back, awaiting review'),
  in_progress: l('办理中', 'In progress'),
  paused: l('暂停', 'Paused'),
  replied: l('已答复', 'Replied'),
  closed: l('已办结', 'Closed'),
};

/** The status as the complainant reads it on the tracking page: what happens next, in their words. */
export const PUBLIC_STATUS_LABELS: Readonly<Record<Status, Label>> = {
  received: l('已受理，待分派', 'Received, to be assigned'),
  assigned: l('已分派，待签收', 'Assigned, to be signed for'),
  // A send-back is internal: the tracking API shows such a case as received; were it shown, these words say no more.
  returned: l('已受理，待重新分派', 'Received, to be assigned again'),
  in_progress: l('办理中', 'In progress'),
  paused: l('暂停办理（等待补充材料）', 'Paused (waiting for your materials)'),
  replied: l('已答复', 'Replied'),
  closed: l('已办结', 'Closed'),
};

export const SLA_STATE_LABELS: Readonly<Record<SlaState, Label>> = {
  on_track: l('正常', 'On track'),
  due_soon: l('即将超期', 'Due soon'),
  overdue: l('已超期', 'Overdue'),
  met: l('按时答复', 'Replied on time'),
  missed: l('超期答复', 'Replied late'),
};

/** The lifecycle actions, as the buttons say them. */
export const ACTION_LABELS: Readonly<Record<Action, Label>> = {
  accept: l('签收', 'Sign for'),
  return: l('退单', 'Send back'),
  'reject-return': l('驳回退单', 'Reject the send-back'),
  assign: l('转办', 'Transfer'),
  recategorize: l('调整类别', 'Change category'),
  'request-extension': l('申请延期', 'Request an extension'),
  'approve-extension': l('批准延期', 'Approve the extension'),
  'deny-extension': l('不予延期', 'Deny the extension'),
  extend: l('延期', 'Extend'),
  pause: l('暂停', 'Pause'),
  resume: l('恢复', 'Resume'),
  note: l('备注', 'Note'),
  reply: l('答复', 'Reply'),
  'follow-up': l('回访', 'Follow-up'),
  reopen: l('重新办理', 'Reopen'),
  close: l('办结', 'Close'),
  link: l('并案（重复件）', 'Link as duplicate'),
};

/** `assign` on a case not yet routed is its first dispatch (分派), not a transfer. */
export const DISPATCH_LABEL: Label = l('分派', 'Dispatch');

export { SATISFACTIONS };
export const SATISFACTION_LABELS: Readonly<Record<Satisfaction, Label>> = {
  satisfied: l('满意', 'Satisfied'),
  basically_satisfied: l('基本满意', 'Basically satisfied'),
  dissatisfied: l('不满意', 'Dissatisfied'),
};

/** 答复 outcomes, as the reply, the notice to the writer and /track say them. */
export const REPLY_OUTCOME_LABELS: Readonly<Record<ReplyOutcome, Label>> = {
  support: l('支持', 'Supported'),
  explain: l('解释', 'Explained'),
  reject: l('不予支持', 'Not supported'),
};

/** Why an office asks for more time: the category the complainant sees on /track. */
export const EXTENSION_REASON_LABELS: Readonly<Record<ExtensionReason, Label>> = {
  needs_investigation: l('需调查核实', 'Needs an investigation'),
  multiple_parties: l('涉及多方协调', 'Several parties must be coordinated'),
  awaiting_others: l('需等待有关单位答复', 'Waiting for another body’s answer'),
  complex: l('情况复杂', 'Complex case'),
  other: l('其他原因', 'Other reason'),
};

export const EXTENSION_REQUEST_STATE_LABELS: Readonly<Record<'pending' | 'approved' | 'denied', Label>> = {
  pending: l('延期待审批', 'Extension awaiting approval'),
  approved: l('已批准延期', 'Extension approved'),
  denied: l('不予延期', 'Extension denied'),
};

/** 问题工单: why a case is flagged. */
export const PROBLEM_REASON_LABELS: Readonly<Record<ProblemReason, Label>> = {
  returns: l('多次退单', 'Sent back again and again'),
  transfers: l('多次转办', 'Transferred again and again'),
  reworks: l('多次重办', 'Reopened again and again after unhappy follow-ups'),
};

export const PROBLEM_LABEL: Label = l('问题工单', 'Problem case');

/** A send-back reason (退单原因) of the configured list (RETURN_REASONS). */
export interface ReturnReason {
  code: string;
  label: Label;
}

/** The default send-back reasons, in order (RETURN_REASONS replaces them). */
export const DEFAULT_RETURN_REASONS: readonly ReturnReason[] = [
  { code: 'not_ours', label: l('非本部门职责', 'Not this office’s remit') },
  { code: 'incomplete', label: l('信息不全', 'Information incomplete') },
  { code: 'duplicate', label: l('重复件', 'Duplicate') },
  { code: 'other', label: l('其他', 'Other') },
];

export const ROLE_LABELS: Readonly<Record<Role, Label>> = {
  operator: l('热线话务员', 'Hotline operator'),
  reception: l('来访接待', 'Reception'),
  office: l('承办部门', 'Office staff'),
  supervisor: l('督办人员', 'Supervisor'),
  admin: l('系统管理员', 'Administrator'),
};

/** Steps of the case history that are not actions: intake, routing, and the 督办 steps. */
export const EVENT_LABELS: Readonly<Record<'received' | 'routed' | 'warning' | 'breach' | 'overdue' | 'autoclose' | 'supplement', Label>> = {
  received: l('受理', 'Received'),
  routed: l('分派（交办）', 'Assigned'),
  warning: l('即将超期预警', 'Due-soon warning'),
  breach: l('超期督办', 'Overdue escalation'),
  overdue: l('督办提醒', 'Supervision reminder'),
  autoclose: l('自动办结', 'Closed automatically'),
  supplement: l('补充材料', 'Supplement'),
};

/** Why a message to the mailbox address was held for review instead of filed. */
export const HOLD_REASON_LABELS: Readonly<Record<HoldReason, Label>> = {
  spam: l('疑似垃圾邮件', 'Judged spam'),
  virus: l('检出病毒', 'Virus found'),
  flood: l('同一发件人一小时内来信过多', 'Too many letters from one sender in an hour'),
};

/** The statutory festivals, by the names the State Council's notices use. */
export const FESTIVAL_LABELS: Readonly<Record<Festival, Label>> = {
  new_year: l('元旦', 'New Year’s Day'),
  spring_festival: l('春节', 'Spring Festival'),
  qingming: l('清明节', 'Tomb-sweeping Day'),
  labour_day: l('劳动节', 'Labour Day'),
  dragon_boat: l('端午节', 'Dragon Boat Festival'),
  mid_autumn: l('中秋节', 'Mid-autumn Festival'),
  national_day: l('国庆节', 'National Day'),
  victory_day: l('抗战胜利纪念日', 'Victory Day (70th anniversary)'),
};

/** How a deadline's days are explained: counted, a makeup working day, or skipped as weekend or holiday. */
export const DAY_KINDS = ['workday', 'makeup', 'weekend', 'holiday'] as const;
export const DAY_KIND_LABELS: Readonly<Record<(typeof DAY_KINDS)[number], Label>> = {
  workday: l('工作日', 'Working day'),
  makeup: l('调休上班', 'Makeup working day'),
  weekend: l('周末', 'Weekend'),
  holiday: l('节假日', 'Public holiday'),
};

/** What a summary is grouped by, as its heading says it (按承办部门分组). */
export const GROUP_BY_LABELS: Readonly<Record<GroupBy, Label>> = {
  channel: l('渠道', 'Channel'),
  category: l('类别', 'Category'),
  office: l('承办部门', 'Office'),
  topic: l('主题', 'Topic'),
  month: l('月份', 'Month'),
};

/** A group with no office (not yet routed) or no topic/category. */
export const UNASSIGNED_LABEL: Label = l('未分派', 'Unassigned');
export const UNCLASSIFIED_LABEL: Label = l('未分类', 'Unclassified');

/** The figures of a report, in the order their columns are shown. */
export const FIGURE_KEYS = [
  'received',
  'hotlineCalls',
  'mailboxLetters',
  'walkInBatches',
  'walkInPersons',
  'replied',
  'repliedOnTime',
  'onTimeRate',
  'overdueNow',
  'signedOnTime',
  'signOnTimeRate',
  'avgWorkingDaysToReply',
  'extensions',
  'returns',
  'followUps',
  'satisfactionRate',
  // The assessment indicators (考核指标) of 12351/12345 practice.
  'returnRate',
  'improperReturns',
  'reworkRate',
  'resolvedRate',
  'ratedShare',
  'followUpRate',
  'duplicates',
] as const satisfies readonly (keyof Figures)[];

export const FIGURE_LABELS: Readonly<Record<keyof Figures, Label>> = {
  received: l('受理总数', 'Received'),
  hotlineCalls: l('热线来电', 'Hotline calls'),
  mailboxLetters: l('主席信箱来信', 'Mailbox letters'),
  walkInBatches: l('来访批次', 'Walk-in batches'),
  walkInPersons: l('来访人次', 'Walk-in persons'),
  replied: l('已答复', 'Replied'),
  repliedOnTime: l('按时答复', 'Replied on time'),
  onTimeRate: l('按时答复率', 'On-time reply rate'),
  overdueNow: l('当前超期', 'Overdue now'),
  signedOnTime: l('按时签收', 'Signed for on time'),
  signOnTimeRate: l('按时签收率', 'On-time sign-for rate'),
  avgWorkingDaysToReply: l('平均答复工作日', 'Average working days to reply'),
  extensions: l('延期', 'Extensions'),
  returns: l('退单', 'Send-backs'),
  followUps: l('回访', 'Follow-ups'),
  satisfactionRate: l('满意率', 'Satisfaction rate'),
  returnRate: l('回退率', 'Send-back rate'),
  improperReturns: l('不当退单', 'Improper send-backs'),
  reworkRate: l('重办率', 'Rework rate'),
  resolvedRate: l('解决率', 'Resolved rate'),
  ratedShare: l('参评率', 'Rated share'),
  followUpRate: l('回访率', 'Follow-up rate'),
  duplicates: l('重复件', 'Duplicates'),
};

/** The figures that are fractions (0–1), shown as percentages. */
export const RATE_FIGURES: ReadonlySet<keyof Figures> = new Set<keyof Figures>(['onTimeRate', 'signOnTimeRate', 'satisfactionRate', 'returnRate', 'reworkRate', 'resolvedRate', 'ratedShare', 'followUpRate']);

/** The columns of the 督办清单, in order. */
export const SUPERVISION_COLUMNS = [
  'ticketNo',
  'office',
  'category',
  'topic',
  'status',
  'receivedAt',
  'dueAt',
  'workingDaysLeft',
  'escalationLevel',
  'handlingWorkingDays',
  'openAtMonthEnd',
  'overdueInMonth',
] as const satisfies readonly (keyof SupervisionRow)[];

export const SUPERVISION_COLUMN_LABELS: Readonly<Record<(typeof SUPERVISION_COLUMNS)[number], Label>> = {
  ticketNo: l('工单号', 'Ticket number'),
  office: l('承办部门', 'Office'),
  category: l('类别', 'Category'),
  topic: l('主题', 'Topic'),
  status: l('状态', 'Status'),
  receivedAt: l('受理日期', 'Received'),
  dueAt: l('答复期限', 'Due'),
  workingDaysLeft: l('剩余/超期工作日', 'Working days left (negative: overdue)'),
  escalationLevel: l('督办级别', 'Escalation level'),
  handlingWorkingDays: l('办理周期（工作日）', 'Handling time (working days)'),
  openAtMonthEnd: l('月末未办结', 'Open at month end'),
  overdueInMonth: l('本月曾超期', 'Overdue in the month'),
};

/** Yes / no as a table cell says it. */
export const YES_NO: Readonly<Record<'yes' | 'no', Label>> = { yes: l('是', 'yes'), no: l('否', 'no') };
export const yesNo = (b: boolean, locale: Locale): string => YES_NO[b ? 'yes' : 'no'][locale];

/** Every table above, by what it names: the test holds each code of the domain to a label in each locale. */
export const VOCABULARY = {
  channel: [CHANNELS, CHANNEL_LABELS],
  category: [CATEGORIES, CATEGORY_LABELS],
  topic: [TOPICS, TOPIC_LABELS],
  status: [STATUSES, STATUS_LABELS],
  publicStatus: [STATUSES, PUBLIC_STATUS_LABELS],
  slaState: [SLA_STATES, SLA_STATE_LABELS],
  action: [ACTIONS, ACTION_LABELS],
  satisfaction: [SATISFACTIONS, SATISFACTION_LABELS],
  replyOutcome: [REPLY_OUTCOMES, REPLY_OUTCOME_LABELS],
  extensionReason: [EXTENSION_REASONS, EXTENSION_REASON_LABELS],
  problemReason: [PROBLEM_REASONS, PROBLEM_REASON_LABELS],
  role: [ROLES, ROLE_LABELS],
  groupBy: [GROUP_BY, GROUP_BY_LABELS],
  figure: [FIGURE_KEYS, FIGURE_LABELS],
  supervisionColumn: [SUPERVISION_COLUMNS, SUPERVISION_COLUMN_LABELS],
  heldReason: [HOLD_REASONS, HOLD_REASON_LABELS],
  festival: [FESTIVALS, FESTIVAL_LABELS],
  dayKind: [DAY_KINDS, DAY_KIND_LABELS],
} as const;

/** A table in one locale, code → text (for a page's script, which has no other way to read it). */
export function labelsIn<K extends string>(table: Readonly<Record<K, Label>>, locale: Locale): Record<K, string> {
  return Object.fromEntries(Object.entries<Label>(table).map(([code, label]) => [code, label[locale]])) as Record<K, string>;
}

/** The label of a code in a locale; a code without one (a topic invented by an admin) shows as itself. */
export function labelOf(table: Readonly<Record<string, Label>>, code: string, locale: Locale): string {
  return Object.hasOwn(table, code) ? (table[code] as Label)[locale] : code;
}

/**
 * A rate (0–1) as a percentage with one decimal: 0.875 → "87.5%", 0.0115 → "1.2%". Rounded half
 * away from zero on the decimal value the rate stands for (rates are four-decimal numbers, which
 * binary floats hold only approximately: 0.0115 × 1000 is 11.4999…), so the e-mail, the CSV and
 * the page say the same. Negative values (a change of rate) keep their sign.
 */
export function percent(rate: number): string {
  return `${tenthsText(tenthsOfPercent(rate))}%`;
}

/** A change of rate in percentage points, signed: 0.025 → "+2.5个百分点" (zh-CN) / "+2.5 points" (en). */
export function percentagePoints(change: number, locale: Locale): string {
  const t = tenthsOfPercent(change);
  const text = `${t > 0 ? '+' : ''}${tenthsText(t)}`;
  return locale === 'zh-CN' ? `${text}个百分点` : `${text} points`;
}

/** The rate in whole tenths of a percent. The nudge of a few ulps puts a product that float noise left just under .5 back on it. */
function tenthsOfPercent(rate: number): number {
  const scaled = Math.abs(rate) * 1000 * (1 + 8 * Number.EPSILON);
  const tenths = Math.floor(scaled + 0.5);
  return rate < 0 && tenths !== 0 ? -tenths : tenths;
}

function tenthsText(tenths: number): string {
  const abs = Math.abs(tenths);
  return `${tenths < 0 ? '-' : ''}${Math.floor(abs / 10)}.${abs % 10}`;
}
