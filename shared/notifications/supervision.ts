/**
 * What the office's supervising leaders (its escalation ladder's `supervisor` addresses) are told
 * beyond the 督办 steps: a send-back still waiting for review (退单待审核提醒), and a case that
 * became a 问题工单. In the office's locale; pure. Like every office notice it carries no
 * personal data: the ticket, the counts, the reasons, and the case link.
 */
import type { CaseRecord } from '../domain/case';
import type { Office } from '../domain/routing';
import { PROBLEM_REASON_LABELS } from '../domain/vocabulary';
import type { MailMessage } from '../ports';
import { caseLink, COMMON_TEXTS, noticeLocale, renderNotice, safeText, type CommonTexts, type Row } from './common';

/** One notice to the office's supervising leaders: the rows and words per locale, laid out as every notice is. */
function toSupervisors(
  record: CaseRecord,
  office: Office,
  publicBaseUrl: string,
  words: (zh: boolean, t: CommonTexts, link: string) => { subject: string; intro: string; rows: Row[] },
): MailMessage | undefined {
  const to = office.escalation.supervisor;
  if (!to.length) return undefined;
  const locale = noticeLocale(office);
  const t = COMMON_TEXTS[locale];
  const zh = locale === 'zh-CN';
  const { subject, intro, rows } = words(zh, t, caseLink(publicBaseUrl, record.id));
  const { text, html } = renderNotice({ locale, texts: t, title: subject, greeting: zh ? '分管领导：' : 'Dear supervisor,', intro, rows });
  return { to: [...to], subject, text, html, headers: { 'X-Case-Id': record.id, 'X-Ticket-No': record.ticketNo, 'Auto-Submitted': 'auto-generated' } };
}

/** The reminder that a send-back waits for the supervisor's decision; undefined when nothing waits or nobody is to be told. */
export function returnReviewNotice(record: CaseRecord, office: Office, publicBaseUrl: string): MailMessage | undefined {
  const review = record.returnReview;
  if (!review) return undefined;
  return toSupervisors(record, office, publicBaseUrl, (zh, t, link) => ({
    subject: zh ? `【退单待审核】${record.ticketNo} 退单已超过审核时限，请尽快转办或驳回` : `[Send-back awaiting review] ${record.ticketNo}: please transfer it or reject the send-back`,
    intro: zh
      ? `${office.name}退回的案件等待审核已超过时限。请审核退单理由：转办至其他部门，或驳回退单（案件退回原部门办理，计为不当退单）。`
      : `A case ${office.name} sent back has waited past its review time. Please review the reason: transfer it to another office, or reject the send-back (the case goes back to the office and counts as an improper send-back).`,
    rows: [
      { label: zh ? '工单号' : 'Ticket', value: record.ticketNo },
      { label: zh ? '退单部门' : 'Sent back by', value: office.name },
      { label: zh ? '退单时间' : 'Sent back at', value: t.dateTime(review.at) },
      { label: zh ? '退单原因' : 'Reason', value: review.reasonLabel },
      { label: zh ? '说明' : 'Note', value: safeText(review.note, record) },
      { label: zh ? '答复期限' : 'Due', value: t.date(record.sla.dueAt) },
      { label: zh ? '审核' : 'Review', value: link, href: link },
    ],
  }));
}

/** The one e-mail that a case became a 问题工单; undefined when it is not one or nobody is to be told. */
export function problemNotice(record: CaseRecord, office: Office, publicBaseUrl: string): MailMessage | undefined {
  const problem = record.problem;
  if (!problem) return undefined;
  return toSupervisors(record, office, publicBaseUrl, (zh, t, link) => {
    const reasons = problem.reasons.map((r) => PROBLEM_REASON_LABELS[r][zh ? 'zh-CN' : 'en']).join(t.listSeparator);
    const [returns, improper, transfers, reworks] = [record.returns ?? 0, record.improperReturns ?? 0, record.transfers ?? 0, record.reworks ?? 0];
    return {
      subject: zh ? `【问题工单】${record.ticketNo}（${reasons}）` : `[Problem case] ${record.ticketNo} (${reasons})`,
      intro: zh ? '以下案件已被标记为问题工单，请关注并督促办理。' : 'The case below has been flagged as a problem case; please look into it.',
      rows: [
        { label: zh ? '工单号' : 'Ticket', value: record.ticketNo },
        { label: zh ? '标记原因' : 'Flagged for', value: reasons },
        {
          label: zh ? '办理情况' : 'History',
          value: zh ? `退单${returns}次（不当退单${improper}次），转办${transfers}次，重办${reworks}次` : `sent back ${returns} (improperly ${improper}), transferred ${transfers}, reworked ${reworks}`,
        },
        { label: zh ? '当前部门' : 'Office', value: office.name },
        { label: zh ? '答复期限' : 'Due', value: t.date(record.sla.dueAt) },
        { label: zh ? '案件链接' : 'Case', value: link, href: link },
      ],
    };
  });
}
