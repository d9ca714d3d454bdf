/**
 * 补充材料: the notice an office gets when the writer of one of its cases sends more by e-mail (a
 * reply to the receipt, or a message naming the ticket). Pure. Like every office notice it carries
 * neither the writer's details nor what they wrote: the link opens the case.
 */
import type { CaseRecord } from '../domain/case';
import type { Office } from '../domain/routing';
import { CHANNEL_LABELS } from '../domain/vocabulary';
import type { MailMessage } from '../ports';
import { caseLink, COMMON_TEXTS, noticeLocale, renderNotice, safeText } from './common';

const WORDS = {
  'zh-CN': {
    subject: (r: CaseRecord) => `【补充材料】${r.ticketNo} 来信人补充了材料`,
    intro: (files: number) => `来信人通过${CHANNEL_LABELS.mailbox['zh-CN']}电子邮箱为下列案件补充了材料${files ? `（附件${files}个）` : ''}，已记入案件办理记录，请登录查看。`,
    ticket: '工单号',
    subjectLabel: '案件标题',
    at: '收到时间',
    link: '案件链接',
  },
  en: {
    subject: (r: CaseRecord) => `[Supplement] ${r.ticketNo}: the writer sent more material`,
    intro: (files: number) => `The writer of this case sent more material by e-mail${files ? ` (${files} file${files > 1 ? 's' : ''})` : ''}; it is in the case's history.`,
    ticket: 'Ticket',
    subjectLabel: 'Case subject',
    at: 'Received',
    link: 'Case link',
  },
} as const;

export function supplementNotice(input: { record: CaseRecord; office: Office; at: number; files: number; publicBaseUrl: string }): MailMessage {
  const { record, office } = input;
  const locale = noticeLocale(office);
  const t = COMMON_TEXTS[locale];
  const w = WORDS[locale];
  const link = caseLink(input.publicBaseUrl, record.id);
  const subject = w.subject(record);
  const { text, html } = renderNotice({
    locale,
    texts: t,
    title: subject,
    greeting: t.greeting(office),
    intro: w.intro(input.files),
    rows: [
      { label: w.ticket, value: record.ticketNo },
      { label: w.subjectLabel, value: safeText(record.subject, record) },
      { label: w.at, value: t.dateTime(input.at) },
      { label: w.link, value: link, href: link },
    ],
  });
  return { to: [office.email], subject, text, html, headers: { 'X-Case-Id': record.id, 'X-Ticket-No': record.ticketNo, 'Auto-Submitted': 'auto-generated' } };
}
