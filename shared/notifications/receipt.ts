/**
 * 受理告知: the receipt to the person who wrote, called or came in, when they gave an e-mail
 * address. Pure: no I/O, no clock; the same record always gives the same message.
 *
 * Privacy: it goes only to the address on the case and says only what the receipt must — ticket
 * number, channel, category and its time limit, the deadline, the tracking code and link. Nothing
 * of the letter itself (subject, description, names, the office): an address typed wrongly, or
 * someone else's, learns no one's problem from it.
 */
import type { CaseRecord, Channel } from '../domain/case';
import { WORKING_DAYS_BY_CATEGORY } from '../domain/deadline';
import type { MailMessage } from '../ports';
import { CHANNEL_LABELS } from '../domain/vocabulary';
import { COMMON_TEXTS, displayedLimit, renderNotice, type CommonTexts, type Row } from './common';

const channel = (c: Channel): string => CHANNEL_LABELS[c]['zh-CN'];

const TEXTS: CommonTexts = {
  ...COMMON_TEXTS['zh-CN'],
  footer: '本邮件由系统自动发送，请勿直接回复。请妥善保存工单号和查询码，凭此查询办理进度、评价答复。如您没有向工会反映过问题，请忽略本邮件。',
};

/** The tracking page with the ticket and code in the #fragment, which no server or log ever sees. */
export function trackingLink(publicBaseUrl: string, r: Pick<CaseRecord, 'ticketNo' | 'trackingCode'>): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/track#ticket=${encodeURIComponent(r.ticketNo)}&code=${encodeURIComponent(r.trackingCode)}`;
}

/** The receipt, or undefined when the case has no e-mail address to send it to. */
export function receiptNotice(record: CaseRecord, publicBaseUrl: string): MailMessage | undefined {
  const to = record.complainant?.email;
  if (!to) return undefined;
  const t = TEXTS;
  const due = t.date(record.sla.dueAt);
  const limit = displayedLimit(record, WORKING_DAYS_BY_CATEGORY);
  const link = trackingLink(publicBaseUrl, record);
  const rows: Row[] = [
    { label: '工单号', value: record.ticketNo },
    { label: '受理渠道', value: channel(record.channel) },
    { label: '受理时间', value: t.dateTime(record.receivedAt) },
    { label: '类别', value: t.categoryWithLimit(t.category(record.category), limit) },
    ...(record.urgent ? [{ label: '紧急', value: '是（受理当日办理）' }] : []),
    { label: '答复期限', value: `${due}前` },
    { label: '查询码', value: record.trackingCode },
    { label: '查询进度', value: link, href: link },
  ];
  const subject = `【受理告知】您反映的问题已受理，工单号${record.ticketNo}`;
  const { text, html } = renderNotice({
    locale: 'zh-CN',
    texts: t,
    title: subject,
    greeting: '您好：',
    intro: `您通过${channel(record.channel)}反映的问题已受理。我们将按规定时限办理，并于${due}前答复您。`,
    rows,
    ...(record.sla.calendarEstimated && { warning: t.estimated }),
  });
  return {
    to: [to],
    subject,
    text,
    html,
    headers: { 'X-Ticket-No': record.ticketNo, 'Auto-Submitted': 'auto-generated' },
  };
}
