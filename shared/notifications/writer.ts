/**
 * What the writer is told after the receipt, when the case has an e-mail address: the reply's
 * outcome (答复告知) and an extension (延期告知). Pure: the same record always gives the same message.
 *
 * Privacy, as for the receipt: only to the address on the case, and nothing of the letter or of
 * the reply's text — the outcome in words, the remedies of a reply that does not support the
 * request, the new deadline and why in a category, and the tracking link to read the rest.
 */
import type { CaseRecord } from '../domain/case';
import { EXTENSION_REASON_LABELS, REPLY_OUTCOME_LABELS } from '../domain/vocabulary';
import type { MailMessage } from '../ports';
import { COMMON_TEXTS, renderNotice, type CommonTexts, type Row } from './common';
import { trackingLink } from './receipt';

const TEXTS: CommonTexts = {
  ...COMMON_TEXTS['zh-CN'],
  footer: '本邮件由系统自动发送，请勿直接回复。凭工单号和查询码可查询办理进度、查看答复全文。如您没有向工会反映过问题，请忽略本邮件。',
};

const headers = (r: CaseRecord) => ({ 'X-Ticket-No': r.ticketNo, 'Auto-Submitted': 'auto-generated' });

/** 答复告知: the reply in force, with its outcome; undefined without an address or an outcome (replies from before outcomes). */
export function replyNotice(record: CaseRecord, publicBaseUrl: string): MailMessage | undefined {
  const to = record.complainant?.email;
  const reply = record.reply;
  if (!to || !reply?.outcome) return undefined;
  const t = TEXTS;
  const link = trackingLink(publicBaseUrl, record);
  const outcome = REPLY_OUTCOME_LABELS[reply.outcome]['zh-CN'];
  const rows: Row[] = [
    { label: '工单号', value: record.ticketNo },
    { label: '答复时间', value: t.dateTime(reply.at) },
    { label: '答复结果', value: outcome },
    ...(reply.remedies ? [{ label: '救济途径', value: reply.remedies }] : []),
    { label: '查看答复', value: link, href: link },
  ];
  const subject = `【答复告知】您反映的问题已答复（${outcome}），工单号${record.ticketNo}`;
  const { text, html } = renderNotice({
    locale: 'zh-CN',
    texts: t,
    title: subject,
    greeting: '您好：',
    intro: `您反映的问题已办理并答复，答复结果为“${outcome}”。答复全文请凭查询码在下方链接查看，也可在那里评价我们的答复。`,
    rows,
  });
  return { to: [to], subject, text, html, headers: headers(record) };
}

/** 延期告知: the extended deadline and why (the category); undefined without an address or an extension. */
export function extensionNotice(record: CaseRecord, publicBaseUrl: string): MailMessage | undefined {
  const to = record.complainant?.email;
  if (!to || record.extendedAt === undefined) return undefined;
  const t = TEXTS;
  const due = t.date(record.sla.dueAt);
  const link = trackingLink(publicBaseUrl, record);
  const rows: Row[] = [
    { label: '工单号', value: record.ticketNo },
    { label: '延期原因', value: EXTENSION_REASON_LABELS[record.extensionReason ?? 'needs_investigation']['zh-CN'] },
    { label: '答复期限', value: `${due}前（${record.sla.workingDays}个工作日）` },
    { label: '查询进度', value: link, href: link },
  ];
  const subject = `【延期告知】您反映的问题需延期办理，工单号${record.ticketNo}`;
  const { text, html } = renderNotice({
    locale: 'zh-CN',
    texts: t,
    title: subject,
    greeting: '您好：',
    intro: `您反映的问题需要进一步调查核实，办理期限依规延长，我们将于${due}前答复您。`,
    rows,
    ...(record.sla.calendarEstimated && { warning: t.estimated }),
  });
  return { to: [to], subject, text, html, headers: headers(record) };
}
