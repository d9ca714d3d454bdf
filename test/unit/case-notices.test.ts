import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../shared/domain/case';
import type { Office } from '../../shared/domain/routing';
import { problemNotice, returnReviewNotice } from '../../shared/notifications/supervision';
import { extensionNotice, replyNotice } from '../../shared/notifications/writer';

/** The notices the assessment rules add: to the writer (答复告知, 延期告知) and to the supervising leaders (退单待审核, 问题工单). */
const at = (iso: string) => Date.parse(iso);
const BASE = 'https://cases.union.example.org';
const PERSON = { name: '周建国', phone: '13698765432', email: 'zhou@example.com' };

const c = (o: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 'c-1',
  ticketNo: 'M2026-000107',
  trackingCode: '7KQ2MZ9X',
  channel: 'mailbox',
  category: 'investigation',
  urgent: false,
  subject: 's',
  description: 'd',
  receivedAt: at('2026-10-12T09:00:00+08:00'),
  status: 'in_progress',
  sla: { dueAt: at('2026-11-23T23:59:59+08:00'), workingDays: 30, state: 'on_track', calendarEstimated: false },
  complainant: PERSON,
  office: 'rights',
  createdBy: 'public',
  createdAt: at('2026-10-12T09:00:00+08:00'),
  updatedAt: at('2026-10-12T09:00:00+08:00'),
  version: 5,
  ...o,
});
const office = (o: Partial<Office> = {}): Office => ({ id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: ['lead@union.example.org'], chairman: [] }, ...o });

describe('答复告知 and 延期告知 to the writer', () => {
  it('the reply notice says the outcome in words and the remedies, links to /track, and never carries the reply’s text', () => {
    const m = replyNotice(c({ status: 'replied', reply: { at: at('2026-10-20T10:00:00+08:00'), text: '企业已依法支付加班费', outcome: 'reject', remedies: '可申请劳动仲裁' } }), BASE);
    expect(m?.to).toEqual(['zhou@example.com']);
    expect(m?.subject).toBe('【答复告知】您反映的问题已答复（不予支持），工单号M2026-000107');
    expect(m?.text).toContain('答复结果：不予支持');
    expect(m?.text).toContain('救济途径：可申请劳动仲裁');
    expect(m?.text).toContain(`${BASE}/track#ticket=M2026-000107&code=7KQ2MZ9X`);
    expect(`${m?.text}${m?.html}`).not.toContain('企业已依法支付加班费');
  });

  it('no notice without an address, nor for a reply from before outcomes', () => {
    expect(replyNotice(c({ complainant: { name: '周建国' }, reply: { at: 1, text: 'x', outcome: 'support' } }), BASE)).toBeUndefined();
    expect(replyNotice(c({ reply: { at: 1, text: 'x' } }), BASE)).toBeUndefined();
  });

  it('the extension notice names the reason category and the new deadline; none before an extension', () => {
    const m = extensionNotice(c({ extended: true, extendedAt: at('2026-10-21T10:00:00+08:00'), extensionReason: 'multiple_parties' }), BASE);
    expect(m?.subject).toBe('【延期告知】您反映的问题需延期办理，工单号M2026-000107');
    expect(m?.text).toContain('延期原因：涉及多方协调');
    expect(m?.text).toContain('答复期限：2026年11月23日前（30个工作日）');
    expect(extensionNotice(c({ extended: true }), BASE)).toBeUndefined();
  });
});

describe('notices to the office’s supervising leaders', () => {
  const review = { at: at('2026-10-16T16:00:00+08:00'), office: 'rights', reasonCode: 'not_ours', reasonLabel: '非本部门职责', note: `${PERSON.name}的诉求应由法律援助中心办理，电话${PERSON.phone}` };

  it('the review reminder gives the reason and the note with personal details masked, in the office’s locale', () => {
    const zh = returnReviewNotice(c({ status: 'returned', returnReview: review }), office(), BASE);
    expect(zh?.to).toEqual(['lead@union.example.org']);
    expect(zh?.subject).toBe('【退单待审核】M2026-000107 退单已超过审核时限，请尽快转办或驳回');
    expect(zh?.text).toContain('退单原因：非本部门职责');
    expect(zh?.text).not.toContain(PERSON.name);
    expect(zh?.text).not.toContain(PERSON.phone);
    expect(zh?.text).toContain(`${BASE}/console/cases/c-1`);
    const en = returnReviewNotice(c({ status: 'returned', returnReview: review }), office({ locale: 'en' }), BASE);
    expect(en?.subject).toBe('[Send-back awaiting review] M2026-000107: please transfer it or reject the send-back');
    expect(en?.text).toContain('Reason: 非本部门职责');
  });

  it('the 问题工单 notice gives the reasons and the counts; nobody to tell, no notice', () => {
    const flagged = c({ returns: 3, improperReturns: 2, transfers: 1, problem: { at: 1, reasons: ['returns'] } });
    const m = problemNotice(flagged, office(), BASE);
    expect(m?.subject).toBe('【问题工单】M2026-000107（多次退单）');
    expect(m?.text).toContain('办理情况：退单3次（不当退单2次），转办1次，重办0次');
    expect(problemNotice(flagged, office({ locale: 'en' }), BASE)?.subject).toBe('[Problem case] M2026-000107 (Sent back again and again)');
    expect(problemNotice(flagged, office({ escalation: { head: ['h@x.org'], supervisor: [], chairman: [] } }), BASE)).toBeUndefined();
    expect(problemNotice(c(), office(), BASE)).toBeUndefined();
    expect(`${m?.text}`).not.toContain(PERSON.email);
  });
});
