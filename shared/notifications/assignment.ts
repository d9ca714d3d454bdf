/**
 * The "new case" notice (分派/交办通知) an office receives when a case is assigned to it. Pure: no I/O,
 * no clock; the same record and office always give the same message.
 *
 * Privacy: the notice says what the office needs to find and schedule the case, nothing about the
 * person behind it. It never carries the complainant block, the caller's number, the description or
 * the tracking code (查询码, the complainant's own key). The case subject is free text typed by the
 * public, so as a safety net any complainant detail or anything shaped like an e-mail address or
 * phone number in it (or in topic/region) is masked.
 */
import type { CaseRecord, Channel } from '../domain/case';
import { CHANNEL_LABELS, labelsIn, TOPIC_LABELS } from '../domain/vocabulary';
import { WORKING_DAYS_BY_CATEGORY } from '../domain/deadline';
import type { Locale, Office, RuleCondition } from '../domain/routing';
import type { MailMessage } from '../ports';
import { caseLink, COMMON_TEXTS, displayedLimit, noticeLocale, officeNoticeHeaders, renderNotice, safeText } from './common';
import type { CommonTexts, Row } from './common';

export { caseLink, escapeHtml, noticeLocale } from './common';

export interface AssignmentNoticeInput {
  record: CaseRecord;
  office: Office;
  /** Where the API is reached from outside, e.g. https://cases.union.example.org (no trailing slash needed). */
  publicBaseUrl: string;
}

interface Texts extends CommonTexts {
  channel: Record<Channel, string>;
  conditionKey: Record<keyof RuleCondition, string>;
  topicLabel(code: string, safeCode: string): string;
  subject(r: CaseRecord, due: string): string;
  intro: string;
  labels: {
    ticket: string;
    channel: string;
    category: string;
    urgent: string;
    receivedAt: string;
    assignedAt: string;
    dueAt: string;
    subject: string;
    topic: string;
    region: string;
    routing: string;
    link: string;
  };
  routedByRule(index: number, conditions: string, version: number): string;
  routedByDefault(version: number): string;
}

/** A suggested topic (TOPICS) by its label with the code after it; another code as it is (masked). */
function topicLabel(locale: Locale, code: string, safeCode: string): string {
  if (!Object.hasOwn(TOPIC_LABELS, code)) return safeCode;
  const label = TOPIC_LABELS[code as keyof typeof TOPIC_LABELS][locale];
  return locale === 'zh-CN' ? `${label}（${safeCode}）` : `${label} (${safeCode})`;
}

const ZH: Texts = {
  ...COMMON_TEXTS['zh-CN'],
  channel: labelsIn(CHANNEL_LABELS, 'zh-CN'),
  conditionKey: { category: '类别', topic: '主题', channel: '渠道', region: '地区', urgent: '紧急' },
  topicLabel: (code, safeCode) => topicLabel('zh-CN', code, safeCode),
  subject: (r, due) =>
    `【新案件${r.urgent ? '·紧急' : ''}】${r.ticketNo} ${ZH.category(r.category)} · 请于${due}前${r.category === 'advice' ? '答复' : '办结'}`,
  intro: '有一件新案件已分派（交办）至贵部门，请在办理时限内办理并答复。',
  labels: {
    ticket: '工单号',
    channel: '受理渠道',
    category: '类别',
    urgent: '紧急',
    receivedAt: '受理时间',
    assignedAt: '分派时间',
    dueAt: '办理期限',
    subject: '标题',
    topic: '主题',
    region: '地区',
    routing: '分派依据',
    link: '案件链接',
  },
  routedByRule: (index, conditions, version) => `第${index + 1}条分派规则（rules[${index}]，规则版本${version}）${conditions ? `：${conditions}` : ''}`,
  routedByDefault: (version) => `未匹配任何分派规则，由默认部门办理（规则版本${version}）`,
};

const EN: Texts = {
  ...COMMON_TEXTS.en,
  channel: labelsIn(CHANNEL_LABELS, 'en'),
  conditionKey: { category: 'category', topic: 'topic', channel: 'channel', region: 'region', urgent: 'urgent' },
  topicLabel: (code, safeCode) => topicLabel('en', code, safeCode),
  subject: (r, due) => `[New case${r.urgent ? ' · URGENT' : ''}] ${r.ticketNo} ${EN.category(r.category)} · due ${due}`,
  intro: 'A new case has been assigned to your office. Please handle it and reply within the time limit.',
  labels: {
    ticket: 'Ticket number',
    channel: 'Channel',
    category: 'Category',
    urgent: 'Urgent',
    receivedAt: 'Received',
    assignedAt: 'Assigned',
    dueAt: 'Due',
    subject: 'Subject',
    topic: 'Topic',
    region: 'Region',
    routing: 'Routed here by',
    link: 'Case',
  },
  routedByRule: (index, conditions, version) => `routing rule ${index + 1} (rules[${index}], routing version ${version})${conditions ? `: ${conditions}` : ''}`,
  routedByDefault: (version) => `no routing rule matched: default office (routing version ${version})`,
};

const TEXTS: Record<Locale, Texts> = { 'zh-CN': ZH, en: EN };

function describeConditions(when: RuleCondition | null, t: Texts, record: CaseRecord): string {
  if (!when) return '';
  const parts: string[] = [];
  if (when.category !== undefined) parts.push(`${t.conditionKey.category}=${t.category(when.category)}`);
  if (when.topic !== undefined) parts.push(`${t.conditionKey.topic}=${safeText(when.topic, record, 60)}`);
  if (when.channel !== undefined) parts.push(`${t.conditionKey.channel}=${t.channel[when.channel]}`);
  if (when.region !== undefined) parts.push(`${t.conditionKey.region}=${safeText(when.region, record, 60)}`);
  if (when.urgent !== undefined) parts.push(`${t.conditionKey.urgent}=${t.yesNo(when.urgent)}`);
  return parts.join(t.listSeparator);
}

export function assignmentNotice({ record, office, publicBaseUrl }: AssignmentNoticeInput): MailMessage {
  const locale = noticeLocale(office);
  const t = TEXTS[locale];
  const L = t.labels;
  const due = t.date(record.sla.dueAt);
  const limit = displayedLimit(record, WORKING_DAYS_BY_CATEGORY);
  const link = caseLink(publicBaseUrl, record.id);

  const rows: Row[] = [
    { label: L.ticket, value: record.ticketNo },
    { label: L.channel, value: t.channel[record.channel] },
    { label: L.category, value: t.categoryWithLimit(t.category(record.category), limit) },
    { label: L.urgent, value: t.urgentValue(record.urgent) },
    { label: L.receivedAt, value: t.dateTime(record.receivedAt) },
  ];
  if (record.assignedAt !== undefined) rows.push({ label: L.assignedAt, value: t.dateTime(record.assignedAt) });
  rows.push({ label: L.dueAt, value: due });
  rows.push({ label: L.subject, value: safeText(record.subject, record) });
  if (record.topic) {
    rows.push({ label: L.topic, value: t.topicLabel(record.topic, safeText(record.topic, record, 60)) });
  }
  if (record.region) rows.push({ label: L.region, value: safeText(record.region, record, 60) });
  if (record.routing) {
    const r = record.routing;
    const why = r.ruleIndex === null ? t.routedByDefault(r.rulesVersion) : t.routedByRule(r.ruleIndex, describeConditions(r.when, t, record), r.rulesVersion);
    rows.push({ label: L.routing, value: why });
  }
  rows.push({ label: L.link, value: link, href: link });

  const warning = record.sla.calendarEstimated ? t.estimated : undefined;

  const subject = t.subject(record, due);
  const { text, html } = renderNotice({ locale, texts: t, title: subject, greeting: t.greeting(office), intro: t.intro, rows, warning });

  return {
    to: [office.email],
    subject,
    text,
    html,
    headers: officeNoticeHeaders(record),
  };
}
