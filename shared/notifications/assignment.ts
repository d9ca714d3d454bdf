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
import type { CaseRecord, Category, Channel } from '../domain/case';
import { WORKING_DAYS_BY_CATEGORY } from '../domain/deadline';
import type { Locale, Office, RuleCondition } from '../domain/routing';
import { civilFromDays, shanghaiDayOf, SHANGHAI_OFFSET_MS } from '../domain/time';
import { scrub } from '../observability/logger';
import type { MailMessage } from '../ports';

export interface AssignmentNoticeInput {
  record: CaseRecord;
  office: Office;
  /** Where the API is reached from outside, e.g. https://cases.union.example.org (no trailing slash needed). */
  publicBaseUrl: string;
}

interface Row {
  label: string;
  value: string;
  href?: string;
}

interface Texts {
  channel: Record<Channel, string>;
  category: Record<Category, string>;
  conditionKey: Record<keyof RuleCondition, string>;
  colon: string;
  listSeparator: string;
  topicLabel(code: string, safeCode: string): string;
  subject(r: CaseRecord, due: string): string;
  greeting(office: Office): string;
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
  categoryWithLimit(category: string, days: number): string;
  urgentValue(urgent: boolean): string;
  estimated: string;
  routedByRule(index: number, conditions: string, version: number): string;
  routedByDefault(version: number): string;
  yesNo(b: boolean): string;
  footer: string;
  date(epochMs: number): string;
  dateTime(epochMs: number): string;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function shanghaiParts(epochMs: number) {
  const { year, month, day } = civilFromDays(shanghaiDayOf(epochMs));
  const minutesOfDay = Math.floor((((epochMs + SHANGHAI_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000 / 60_000);
  return { year, month, day, hhmm: `${pad2(Math.floor(minutesOfDay / 60))}:${pad2(minutesOfDay % 60)}` };
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Names of the suggested topic codes (TOPICS); other codes are shown as they are. */
const ZH_TOPICS: Record<string, string> = {
  wages: '工资报酬',
  dismissal: '解除劳动关系',
  injury: '工伤',
  social_insurance: '社会保险',
  safety: '安全生产',
  legal_aid: '法律援助',
  psychological: '心理服务',
  other: '其他',
};

const ZH: Texts = {
  channel: { hotline: '主席热线', mailbox: '主席信箱', walk_in: '接待来访' },
  category: { advice: '建议咨询', complaint: '求助申诉', investigation: '需要调查处理' },
  conditionKey: { category: '类别', topic: '主题', channel: '渠道', region: '地区', urgent: '紧急' },
  colon: '：',
  listSeparator: '，',
  topicLabel: (code, safeCode) => (Object.hasOwn(ZH_TOPICS, code) ? `${ZH_TOPICS[code]}（${safeCode}）` : safeCode),
  subject: (r, due) =>
    `【新案件${r.urgent ? '·紧急' : ''}】${r.ticketNo} ${ZH.category[r.category]} · 请于${due}前${r.category === 'advice' ? '答复' : '办结'}`,
  greeting: (office) => `${office.name}：`,
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
  categoryWithLimit: (category, days) => `${category}（时限${days}个工作日）`,
  urgentValue: (urgent) => (urgent ? '是 — 紧急案件，须于受理当日（非工作日顺延至下一工作日）办结' : '否'),
  estimated: '预计日期：所跨年度的法定节假日安排尚未公布，期限可能调整。',
  routedByRule: (index, conditions, version) => `第${index + 1}条分派规则（rules[${index}]，规则版本${version}）${conditions ? `：${conditions}` : ''}`,
  routedByDefault: (version) => `未匹配任何分派规则，由默认部门办理（规则版本${version}）`,
  yesNo: (b) => (b ? '是' : '否'),
  footer: '本邮件由系统自动发送，请勿直接回复。为保护来信来访人隐私，邮件不含其个人信息及反映内容，请通过案件链接登录查看。',
  date: (ms) => {
    const p = shanghaiParts(ms);
    return `${p.year}年${p.month}月${p.day}日`;
  },
  dateTime: (ms) => `${ZH.date(ms)} ${shanghaiParts(ms).hhmm}`,
};

const EN: Texts = {
  channel: { hotline: "chairman's hotline", mailbox: "chairman's mailbox", walk_in: 'reception visit' },
  category: { advice: 'advice', complaint: 'complaint', investigation: 'investigation' },
  conditionKey: { category: 'category', topic: 'topic', channel: 'channel', region: 'region', urgent: 'urgent' },
  colon: ': ',
  listSeparator: ', ',
  topicLabel: (_code, safeCode) => safeCode.replace(/_/g, ' '),
  subject: (r, due) => `[New case${r.urgent ? ' · URGENT' : ''}] ${r.ticketNo} ${r.category} · due ${due}`,
  greeting: (office) => `${office.name}:`,
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
  categoryWithLimit: (category, days) => `${category} (${days} working days)`,
  urgentValue: (urgent) => (urgent ? 'yes: urgent case, due on the day of receipt (next working day if received on a day off)' : 'no'),
  estimated: "Estimated: next year's official calendar is not yet published; the deadline may change.",
  routedByRule: (index, conditions, version) => `routing rule ${index + 1} (rules[${index}], routing version ${version})${conditions ? `: ${conditions}` : ''}`,
  routedByDefault: (version) => `no routing rule matched: default office (routing version ${version})`,
  yesNo: (b) => (b ? 'yes' : 'no'),
  footer:
    "This message was sent automatically; please do not reply. To protect the person's privacy it carries neither their details nor what they reported: open the case link to read it.",
  date: (ms) => {
    const p = shanghaiParts(ms);
    return `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`;
  },
  dateTime: (ms) => `${EN.date(ms)}, ${shanghaiParts(ms).hhmm} (UTC+8)`,
};

const TEXTS: Record<Locale, Texts> = { 'zh-CN': ZH, en: EN };

export function noticeLocale(office: Pick<Office, 'locale'>): Locale {
  return office.locale === 'en' ? 'en' : 'zh-CN';
}

const MASK = '＊＊＊';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Free text from the public, made fit for an office mailbox: one line, bounded, personal details masked. */
function safeText(text: string, record: CaseRecord, max = 200): string {
  const known = [record.complainant?.name, record.complainant?.phone, record.complainant?.email, record.complainant?.employer, record.hotline?.callerNumber]
    .map((v) => v?.trim())
    .filter((v): v is string => !!v && v.length >= 2)
    .sort((a, b) => b.length - a.length);
  let out = text.replace(/\s+/g, ' ').trim();
  for (const v of known) out = out.replace(new RegExp(escapeRegExp(v), 'gi'), MASK);
  // The logger's net: e-mail addresses and mainland phone numbers become [email] / [number].
  out = scrub(out) as string;
  return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function describeConditions(when: RuleCondition | null, t: Texts, record: CaseRecord): string {
  if (!when) return '';
  const parts: string[] = [];
  if (when.category !== undefined) parts.push(`${t.conditionKey.category}=${t.category[when.category]}`);
  if (when.topic !== undefined) parts.push(`${t.conditionKey.topic}=${safeText(when.topic, record, 60)}`);
  if (when.channel !== undefined) parts.push(`${t.conditionKey.channel}=${t.channel[when.channel]}`);
  if (when.region !== undefined) parts.push(`${t.conditionKey.region}=${safeText(when.region, record, 60)}`);
  if (when.urgent !== undefined) parts.push(`${t.conditionKey.urgent}=${t.yesNo(when.urgent)}`);
  return parts.join(t.listSeparator);
}

export function caseLink(publicBaseUrl: string, caseId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/v1/cases/${encodeURIComponent(caseId)}`;
}

export function assignmentNotice({ record, office, publicBaseUrl }: AssignmentNoticeInput): MailMessage {
  const locale = noticeLocale(office);
  const t = TEXTS[locale];
  const L = t.labels;
  const due = t.date(record.sla.dueAt);
  const limit = record.urgent ? WORKING_DAYS_BY_CATEGORY[record.category] : record.sla.workingDays;
  const link = caseLink(publicBaseUrl, record.id);

  const rows: Row[] = [
    { label: L.ticket, value: record.ticketNo },
    { label: L.channel, value: t.channel[record.channel] },
    { label: L.category, value: t.categoryWithLimit(t.category[record.category], limit) },
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

  const text = [
    t.greeting(office),
    '',
    t.intro,
    '',
    ...rows.map((r) => `${r.label}${t.colon}${r.value}`),
    ...(warning ? ['', `⚠ ${warning}`] : []),
    '',
    '--',
    t.footer,
    '',
  ].join('\n');

  const cell = (r: Row) => (r.href ? `<a href="${escapeHtml(r.href)}">${escapeHtml(r.value)}</a>` : escapeHtml(r.value));
  const html = [
    '<!doctype html>',
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(t.subject(record, due))}</title></head>`,
    '<body style="font-family: system-ui, \'PingFang SC\', \'Microsoft YaHei\', sans-serif; line-height: 1.6; color: #222;">',
    `<p>${escapeHtml(t.greeting(office))}</p>`,
    `<p>${escapeHtml(t.intro)}</p>`,
    '<table cellpadding="4" cellspacing="0" style="border-collapse: collapse;">',
    ...rows.map((r) => `<tr><th align="left" valign="top" style="white-space: nowrap;">${escapeHtml(r.label)}</th><td>${cell(r)}</td></tr>`),
    '</table>',
    ...(warning ? [`<p style="color: #a15c00;"><strong>⚠ ${escapeHtml(warning)}</strong></p>`] : []),
    `<p style="color: #666; font-size: smaller;">${escapeHtml(t.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');

  return {
    to: [office.email],
    subject: t.subject(record, due),
    text,
    html,
    headers: {
      'X-Case-Id': record.id,
      'X-Ticket-No': record.ticketNo,
      // RFC 3834: keeps out-of-office replies from answering the system.
      'Auto-Submitted': 'auto-generated',
    },
  };
}
