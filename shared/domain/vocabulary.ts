/**
 * The words people read, once: every code of the domain with its zh-CN label (first) and its
 * English one, from the glossary of the service centres (DOMAIN.md). The console reads these;
 * e-mails and reports still carry their own copies (migrating them is a later change).
 * Pure: no I/O, safe to bundle for the browser.
 */
import { CATEGORIES, CHANNELS, SLA_STATES, STATUSES, TOPICS, type Category, type Channel, type SlaState, type Status } from './case';
import { FESTIVALS, type Festival } from './calendar';
import { ACTIONS, type Action, type Satisfaction } from './lifecycle';
import { ROLES, type Role } from './principal';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
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
  safety: l('劳动安全', 'Safety at work'),
  legal_aid: l('法律援助', 'Legal aid'),
  psychological: l('心理关爱', 'Psychological support'),
  other: l('其他', 'Other'),
};

export const STATUS_LABELS: Readonly<Record<Status, Label>> = {
  received: l('已受理', 'Received'),
  assigned: l('已分派', 'Assigned'),
  in_progress: l('办理中', 'In progress'),
  paused: l('暂停', 'Paused'),
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
  assign: l('转办', 'Transfer'),
  recategorize: l('调整类别', 'Change category'),
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

export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const satisfies readonly Satisfaction[];
export const SATISFACTION_LABELS: Readonly<Record<Satisfaction, Label>> = {
  satisfied: l('满意', 'Satisfied'),
  basically_satisfied: l('基本满意', 'Basically satisfied'),
  dissatisfied: l('不满意', 'Dissatisfied'),
};

export const ROLE_LABELS: Readonly<Record<Role, Label>> = {
  operator: l('热线话务员', 'Hotline operator'),
  reception: l('来访接待', 'Reception'),
  office: l('承办部门', 'Office staff'),
  supervisor: l('督办人员', 'Supervisor'),
  admin: l('系统管理员', 'Administrator'),
};

/** Steps of the case history that are not actions: intake, routing, and the 督办 steps. */
export const EVENT_LABELS: Readonly<Record<'received' | 'routed' | 'warning' | 'breach' | 'overdue' | 'autoclose', Label>> = {
  received: l('受理', 'Received'),
  routed: l('分派（交办）', 'Assigned'),
  warning: l('即将超期预警', 'Due-soon warning'),
  breach: l('超期督办', 'Overdue escalation'),
  overdue: l('督办提醒', 'Supervision reminder'),
  autoclose: l('自动办结', 'Closed automatically'),
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

/** The assessment indicators (考核指标) added by issue 19, as report columns name them. */
export const INDICATORS = ['returnRate', 'improperReturns', 'reworkRate', 'resolvedRate', 'ratedShare', 'followUpRate', 'duplicates'] as const;
export type Indicator = (typeof INDICATORS)[number];
export const INDICATOR_LABELS: Readonly<Record<Indicator, Label>> = {
  returnRate: l('回退率', 'Send-back rate'),
  improperReturns: l('不当退单', 'Improper send-backs'),
  reworkRate: l('重办率', 'Rework rate'),
  resolvedRate: l('解决率', 'Resolved rate'),
  ratedShare: l('参评率', 'Rated share'),
  followUpRate: l('回访率', 'Follow-up rate'),
  duplicates: l('重复件', 'Duplicates'),
};

/** Every table above, by what it names: the test holds each code of the domain to a label in each locale. */
export const VOCABULARY = {
  channel: [CHANNELS, CHANNEL_LABELS],
  category: [CATEGORIES, CATEGORY_LABELS],
  topic: [TOPICS, TOPIC_LABELS],
  status: [STATUSES, STATUS_LABELS],
  slaState: [SLA_STATES, SLA_STATE_LABELS],
  action: [ACTIONS, ACTION_LABELS],
  satisfaction: [SATISFACTIONS, SATISFACTION_LABELS],
  role: [ROLES, ROLE_LABELS],
  festival: [FESTIVALS, FESTIVAL_LABELS],
  dayKind: [DAY_KINDS, DAY_KIND_LABELS],
  indicator: [INDICATORS, INDICATOR_LABELS],
} as const;

/** The label of a code in a locale; a code without one (a topic invented by an admin) shows as itself. */
export function labelOf(table: Readonly<Record<string, Label>>, code: string, locale: Locale): string {
  return Object.hasOwn(table, code) ? (table[code] as Label)[locale] : code;
}
