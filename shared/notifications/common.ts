/**
 * What the office notices share: locale choice, Shanghai dates in each locale, the wording of
 * urgency and estimated calendars (the category's label comes from the vocabulary), masking of free text typed by the public, html
 * escaping, the case link, and the plain text + html layout. Pure: no I/O, no clock.
 */
import type { CaseRecord, Category } from '../domain/case';
import type { Locale, Office } from '../domain/routing';
import { civilFromDays, shanghaiDayOf, SHANGHAI_OFFSET_MS } from '../domain/time';
import { CATEGORY_LABELS, yesNo } from '../domain/vocabulary';
import { scrub } from '../observability/logger';

const pad2 = (n: number) => String(n).padStart(2, '0');

function shanghaiParts(epochMs: number) {
  const { year, month, day } = civilFromDays(shanghaiDayOf(epochMs));
  const minutesOfDay = Math.floor((((epochMs + SHANGHAI_OFFSET_MS) % 86_400_000) + 86_400_000) % 86_400_000 / 60_000);
  return { year, month, day, hhmm: `${pad2(Math.floor(minutesOfDay / 60))}:${pad2(minutesOfDay % 60)}` };
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The wording every notice to an office uses, per locale. */
export interface CommonTexts {
  category(category: Category): string;
  colon: string;
  listSeparator: string;
  greeting(office: Office): string;
  categoryWithLimit(category: string, days: number): string;
  urgentValue(urgent: boolean): string;
  estimated: string;
  yesNo(b: boolean): string;
  footer: string;
  /** The Shanghai civil date: 2026年12月18日 / 18 Dec 2026. */
  date(epochMs: number): string;
  /** Date and Shanghai time: 2026年11月20日 14:05 / 20 Nov 2026, 14:05 (UTC+8). */
  dateTime(epochMs: number): string;
}

const zhDate = (ms: number) => {
  const p = shanghaiParts(ms);
  return `${p.year}年${p.month}月${p.day}日`;
};

const enDate = (ms: number) => {
  const p = shanghaiParts(ms);
  return `${p.day} ${EN_MONTHS[p.month - 1]} ${p.year}`;
};

const ZH: CommonTexts = {
  category: (c) => CATEGORY_LABELS[c]['zh-CN'],
  colon: '：',
  listSeparator: '，',
  greeting: (office) => `${office.name}：`,
  categoryWithLimit: (category, days) => `${category}（时限${days}个工作日）`,
  urgentValue: (urgent) => (urgent ? '是 — 紧急案件，须于受理当日（非工作日顺延至下一工作日）办结' : '否'),
  estimated: '预计日期：所跨年度的法定节假日安排尚未公布，期限可能调整。',
  yesNo: (b) => yesNo(b, 'zh-CN'),
  footer: '本邮件由系统自动发送，请勿直接回复。为保护来信来访人隐私，邮件不含其个人信息及反映内容，请通过案件链接登录查看。',
  date: zhDate,
  dateTime: (ms) => `${zhDate(ms)} ${shanghaiParts(ms).hhmm}`,
};

const EN: CommonTexts = {
  category: (c) => CATEGORY_LABELS[c].en,
  colon: ': ',
  listSeparator: ', ',
  greeting: (office) => `${office.name}:`,
  categoryWithLimit: (category, days) => `${category} (${days} working days)`,
  urgentValue: (urgent) => (urgent ? 'yes: urgent case, due on the day of receipt (next working day if received on a day off)' : 'no'),
  estimated: "Estimated: next year's official calendar is not yet published; the deadline may change.",
  yesNo: (b) => yesNo(b, 'en'),
  footer:
    "This message was sent automatically; please do not reply. To protect the person's privacy it carries neither their details nor what they reported: open the case link to read it.",
  date: enDate,
  dateTime: (ms) => `${enDate(ms)}, ${shanghaiParts(ms).hhmm} (UTC+8)`,
};

export const COMMON_TEXTS: Readonly<Record<Locale, CommonTexts>> = { 'zh-CN': ZH, en: EN };

export function noticeLocale(office: Pick<Office, 'locale'>): Locale {
  return office.locale === 'en' ? 'en' : 'zh-CN';
}

const MASK = '＊＊＊';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Free text from the public, made fit for an office mailbox: one line, bounded, personal details masked. */
export function safeText(text: string, record: CaseRecord, max = 200): string {
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

/** The case's page in the office console: a click opens it (after sign-in), not the API's JSON. */
/**
 * The headers of every notice about a case to its office: the case's id and ticket for filters and
 * threading, and RFC 3834's Auto-Submitted so that out-of-office replies don't answer the system.
 */
export function officeNoticeHeaders(record: Pick<CaseRecord, 'id' | 'ticketNo'>, extra: Record<string, string> = {}): Record<string, string> {
  return { 'X-Case-Id': record.id, 'X-Ticket-No': record.ticketNo, ...extra, 'Auto-Submitted': 'auto-generated' };
}

export function caseLink(publicBaseUrl: string, caseId: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/console/cases/${encodeURIComponent(caseId)}`;
}

/** The working days a category allows, as the notices show it (urgent cases show their category's limit). */
export function displayedLimit(record: Pick<CaseRecord, 'urgent' | 'category' | 'sla'>, byCategory: Readonly<Record<Category, number>>): number {
  return record.urgent ? byCategory[record.category] : record.sla.workingDays;
}

export interface Row {
  label: string;
  value: string;
  href?: string;
}

export interface NoticeLayout {
  locale: Locale;
  texts: CommonTexts;
  /** The html document's title (the subject). */
  title: string;
  greeting: string;
  intro: string;
  rows: Row[];
  /** Shown after the rows with a ⚠, e.g. the estimated-calendar note. */
  warning?: string;
}

/** The plain text and the escaped html of a notice: greeting, intro, a label/value table, a warning, the footer. */
export function renderNotice({ locale, texts: t, title, greeting, intro, rows, warning }: NoticeLayout): { text: string; html: string } {
  const text = [
    greeting,
    '',
    intro,
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
    `<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>`,
    '<body style="font-family: system-ui, \'PingFang SC\', \'Microsoft YaHei\', sans-serif; line-height: 1.6; color: #222;">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table cellpadding="4" cellspacing="0" style="border-collapse: collapse;">',
    ...rows.map((r) => `<tr><th align="left" valign="top" style="white-space: nowrap;">${escapeHtml(r.label)}</th><td>${cell(r)}</td></tr>`),
    '</table>',
    ...(warning ? [`<p style="color: #a15c00;"><strong>⚠ ${escapeHtml(warning)}</strong></p>`] : []),
    `<p style="color: #666; font-size: smaller;">${escapeHtml(t.footer)}</p>`,
    '</body></html>',
    '',
  ].join('\n');

  return { text, html };
}
