/**
 * What the office's supervising leader (its escalation ladder's `supervisor` addresses) is told
 * beyond the 督办 steps: a send-back still waiting for review (退单待审核提醒), and a case that
 * became a 问题工单. In the office's locale; pure. Like every office notice it carries no
 * personal data: the ticket, the counts, the reasons, and the case link.
 */
import type { CaseRecord } from '../domain/case';
import type { Office } from '../domain/routing';
import { PROBLEM_REASON_LABELS } from '../domain/vocabulary';
import type { MailMessage } from '../ports';
import { caseLink, COMMON_TEXTS, noticeLocale, renderNotice, safeText, type Row } from './common';

const headers = (r: CaseRecord) => ({ 'X-Case-Id': r.id, 'X-Ticket-No': r.ticketNo, 'Auto-Submitted': 'auto-generated' });

/** The reminder that a send-back waits for the supervisor's decision; undefined when nothing waits or nobody is to be told. */
export function returnReviewNotice(record: CaseRecord, office: Office, publicBaseUrl: string): MailMessage | undefined {
  const review = record.returnReview;
  const to = office.escalation.supervisor;
  if (!review || !to.length) return undefined;
  const locale = noticeLocale(office);
  const t = COMMON_TEXTS[locale];
  const zh = locale === 'zh-CN';
  const link = caseLink(publicBaseUrl, record.id);
  const rows: Row[] = zh
    ? [
        { label: '工单号', value: record.ticketNo },
        { label: '退单部门', value: office.name },
        { label: '退单时间', value: t.dateTime(review.at) },
        { label: '退单原因', value: review.reasonLabel },
        { label: '说明', value: safeText(review.note, record) },
        { label: '答复期限', value: t.date(record.sla.dueAt) },
        { label: '审核', value: link, href: link },
      ]
    : [
        { label: 'Ticket', value: record.ticketNo },
        { label: 'Sent back by', value: office.name },
        { label: 'Sent back at', value: t.dateTime(review.at) },
        { label: 'Reason', value: review.reasonLabel },
        { label: 'Note', value: safeText(review.note, record) },
        { label: 'Due', value: t.date(record.sla.dueAt) },
        { label: 'Review', value: link, href: link },
      ];
  const subject = zh ? `【退单待审核】${record.ticketNo} 退单已超过审核时限，请尽快转办或驳回` : `[Send-back awaiting review] ${record.ticketNo}: please transfer it or reject the send-back`;
  const { text, html } = renderNotice({
    locale,
    texts: t,
    title: subject,
    greeting: zh ? '分管领导：' : 'Dear supervisor,',
    intro: zh
      ? `${office.name}退回的案件等待审核已超过时限。请审核退单理由：转办至其他部门，或驳回退单（案件退回原部门办理，计为不当退单）。`
      : `A case ${office.name} sent back has waited past its review time. Please review the reason: transfer it to another office, or reject the send-back (the case goes back to the office and counts as an improper send-back).`,
    rows,
  });
  return { to: [...to], subject, text, html, headers: headers(record) };
}

/** The one e-mail that a case became a 问题工单; undefined when it is not one or nobody is to be told. */
export function problemNotice(record: CaseRecord, office: Office, publicBaseUrl: string): MailMessage | undefined {
  const problem = record.problem;
  const to = office.escalation.supervisor;
  if (!problem || !to.length) return undefined;
  const locale = noticeLocale(office);
  const t = COMMON_TEXTS[locale];
  const zh = locale === 'zh-CN';
  const link = caseLink(publicBaseUrl, record.id);
  const reasons = problem.reasons.map((r) => PROBLEM_REASON_LABELS[r][locale]).join(t.listSeparator);
  const counts = zh
    ? `退单${record.returns ?? 0}次（不当退单${record.improperReturns ?? 0}次），转办${record.transfers ?? 0}次，重办${record.reworks ?? 0}次`
    : `sent back ${record.returns ?? 0} (improperly ${record.improperReturns ?? 0}), transferred ${record.transfers ?? 0}, reworked ${record.reworks ?? 0}`;
  const rows: Row[] = zh
    ? [
        { label: '工单号', value: record.ticketNo },
        { label: '标记原因', value: reasons },
        { label: '办理情况', value: counts },
        { label: '当前部门', value: office.name },
        { label: '答复期限', value: t.date(record.sla.dueAt) },
        { label: '案件链接', value: link, href: link },
      ]
    : [
        { label: 'Ticket', value: record.ticketNo },
        { label: 'Flagged for', value: reasons },
        { label: 'History', value: counts },
        { label: 'Office', value: office.name },
        { label: 'Due', value: t.date(record.sla.dueAt) },
        { label: 'Case', value: link, href: link },
      ];
  const subject = zh ? `【问题工单】${record.ticketNo}（${reasons}）` : `[Problem case] ${record.ticketNo} (${reasons})`;
  const { text, html } = renderNotice({
    locale,
    texts: t,
    title: subject,
    greeting: zh ? '分管领导：' : 'Dear supervisor,',
    intro: zh ? '以下案件已被标记为问题工单，请关注并督促办理。' : 'The case below has been flagged as a problem case; please look into it.',
    rows,
  });
  return { to: [...to], subject, text, html, headers: headers(record) };
}
