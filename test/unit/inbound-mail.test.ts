import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseInbound } from '../../shared/adapters/mail/parse-inbound';
import { caseSubjectOf, decideFiling, FLOOD_LIMIT, threadReferences, ticketNumbersIn, triageMail, type InboundLetter } from '../../shared/domain/inbound-mail';
import { sniffContentType } from '../../shared/domain/letter';

const fixture = async (name: string) => parseInbound(await readFile(new URL(`../fixtures/mail/${name}`, import.meta.url)));
const OWN = { addresses: ['cases@union.example.org', 'chair@union.example.org'], messageIdDomains: ['union-cases'] };
const letter = (over: Partial<InboundLetter> = {}): InboundLetter => ({
  messageId: '<m1@mail.example.com>',
  references: [],
  from: { address: 'lisi@example.com', name: '李四' },
  envelopeFrom: 'lisi@example.com',
  subject: '反映问题',
  text: '正文',
  headers: {},
  attachments: [],
  ...over,
});

describe('mail from Chinese clients is decoded', () => {
  it('Foxmail: GB2312 base64 bodies, an RFC 2047 GB2312 sender name, subject and attachment name', async () => {
    const l = await fixture('foxmail-gb2312.eml');
    expect(l.from).toEqual({ address: 'lisi@foxmail.com', name: '李四' });
    expect(l.subject).toBe('关于拖欠加班费的反映');
    expect(l.text).toContain('工厂已经连续三个月没有支付加班费');
    expect(l.messageId).toBe('<202603021005133251230@foxmail.com>');
    expect(l.attachments.map((a) => a.name)).toEqual(['工资条.pdf']);
    expect(sniffContentType(l.attachments[0]!.bytes, l.attachments[0]!.name)).toBe('application/pdf');
  });

  it('Outlook: a GBK quoted-printable body, a GBK Q-encoded subject, an RFC 2231 continued UTF-8 file name', async () => {
    const l = await fixture('outlook-qp-rfc2231.eml');
    expect(l.from).toEqual({ address: 'wang.fang@outlook.com', name: '王芳' });
    expect(l.subject).toBe('被违法解除劳动合同');
    expect(l.text).toContain('公司在没有任何通知的情况下解除了我的劳动合同');
    expect(l.attachments.map((a) => a.name)).toEqual(['劳动合同（2024版）.docx']);
    expect(sniffContentType(l.attachments[0]!.bytes, l.attachments[0]!.name)).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    // No Return-Path in a message Outlook hands over: the envelope sender is unknown, not null.
    expect(l.envelopeFrom).toBeUndefined();
  });

  it('web mail: HTML only (GBK, inside multipart/related) becomes text; the inline signature picture is not an attachment', async () => {
    const l = await fixture('webmail-html-only.eml');
    expect(l.subject).toBe('食堂饭菜质量问题');
    expect(l.text).toBe('主席好！\n我们工地食堂的饭菜质量很差， 多次反映无果。\n\n希望工会能派人来看看。');
    expect(l.text).not.toMatch(/<|&nbsp;/);
    expect(l.attachments).toEqual([]);
  });

  it('Big5 (Traditional Chinese) name, subject and body', async () => {
    const l = await fixture('big5.eml');
    expect(l.from?.name).toBe('陳大文');
    expect(l.subject).toBe('工傷申報問題');
    expect(l.text).toContain('本人在倉庫工作時受傷，公司不願申報工傷');
  });

  it('GB18030: a character outside GBK (𠮷, four bytes) in the name, subject and an 8-bit body', async () => {
    const l = await fixture('gb18030.eml');
    expect(l.from?.name).toBe('吴𠮷');
    expect(l.subject).toBe('社保缴纳问题（𠮷）');
    expect(l.text).toContain('我叫吴𠮷，在物流园做搬运工');
  });

  it('threading headers, the null sender and loop headers are read', async () => {
    const raw = [
      'Return-Path: <>',
      'From: MAILER-DAEMON@mx.example.com',
      'To: cases@union.example.org',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce-1@mx.example.com>',
      'In-Reply-To: <abc@UNION-CASES>',
      'References: <first@example.com> <abc@UNION-CASES>',
      'Auto-Submitted: auto-replied',
      'Precedence: Bulk',
      'List-Id: <workers.lists.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'The mail system could not deliver your message.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '--b--',
      '',
    ].join('\r\n');
    const l = await parseInbound(Buffer.from(raw));
    expect(l.envelopeFrom).toBe('');
    expect(l.inReplyTo).toBe('<abc@UNION-CASES>');
    expect(threadReferences(l)).toEqual(['<abc@union-cases>', '<first@example.com>']);
    expect(l.headers).toMatchObject({ autoSubmitted: 'auto-replied', precedence: 'bulk', listId: true, contentType: 'multipart/report', reportType: 'delivery-status' });
    expect(triageMail(l, OWN)).toEqual({ kind: 'drop', reason: 'bounce' });
  });
});

describe('loops and bulk mail', () => {
  it('our own messages are never filed: our sender, the mailbox itself, our Message-ID domain', () => {
    expect(triageMail(letter({ from: { address: 'cases@union.example.org' } }), OWN)).toEqual({ kind: 'drop', reason: 'own_message' });
    expect(triageMail(letter({ from: { address: 'chair@union.example.org' } }), OWN)).toEqual({ kind: 'drop', reason: 'own_message' });
    expect(triageMail(letter({ messageId: '<0c1d2e3f@union-cases>' }), OWN)).toEqual({ kind: 'drop', reason: 'own_message' });
  });

  it('bounces file nothing: a delivery report, MAILER-DAEMON or postmaster, the null sender', () => {
    expect(triageMail(letter({ headers: { contentType: 'multipart/report', reportType: 'delivery-status' } }), OWN).kind).toBe('drop');
    expect(triageMail(letter({ from: { address: 'mailer-daemon@qq.com' } }), OWN)).toEqual({ kind: 'drop', reason: 'bounce' });
    expect(triageMail(letter({ from: { address: 'postmaster@163.com' } }), OWN)).toEqual({ kind: 'drop', reason: 'bounce' });
    expect(triageMail(letter({ envelopeFrom: '' }), OWN)).toEqual({ kind: 'drop', reason: 'bounce' });
    // A read receipt (MDN) is a report too.
    expect(triageMail(letter({ headers: { contentType: 'multipart/report', reportType: 'disposition-notification' } }), OWN).kind).toBe('drop');
  });

  it('out-of-office and other automatic replies file nothing', () => {
    expect(triageMail(letter({ headers: { autoSubmitted: 'auto-replied' } }), OWN)).toEqual({ kind: 'drop', reason: 'auto_reply' });
    expect(triageMail(letter({ headers: { autoReply: true } }), OWN)).toEqual({ kind: 'drop', reason: 'auto_reply' });
    expect(triageMail(letter({ headers: { precedence: 'auto_reply' } }), OWN)).toEqual({ kind: 'drop', reason: 'auto_reply' });
    for (const subject of ['自动回复：【受理告知】您反映的问题已受理', 'Automatic reply: 关于加班费', 'Out of Office: 回复', '自動回覆: 工傷']) {
      expect(triageMail(letter({ subject }), OWN), subject).toEqual({ kind: 'drop', reason: 'auto_reply' });
    }
  });

  it('automatic, bulk and no-reply mail is filed without a receipt; Auto-Submitted: no is a person', () => {
    expect(triageMail(letter({ headers: { autoSubmitted: 'auto-generated' } }), OWN)).toEqual({ kind: 'letter', noReceipt: 'auto_submitted' });
    expect(triageMail(letter({ headers: { autoSubmitted: 'no' } }), OWN)).toEqual({ kind: 'letter' });
    for (const precedence of ['bulk', 'list', 'junk']) expect(triageMail(letter({ headers: { precedence } }), OWN)).toEqual({ kind: 'letter', noReceipt: 'bulk' });
    expect(triageMail(letter({ headers: { listId: true } }), OWN)).toEqual({ kind: 'letter', noReceipt: 'bulk' });
    for (const address of ['noreply@hr.example.com', 'no-reply@example.com', 'do-not-reply@example.com', 'donotreply@example.com', 'system.noreply@example.com']) {
      expect(triageMail(letter({ from: { address } }), OWN), address).toEqual({ kind: 'letter', noReceipt: 'noreply_sender' });
    }
    expect(triageMail(letter({ from: undefined, envelopeFrom: 'x@example.com' }), OWN)).toEqual({ kind: 'letter', noReceipt: 'null_sender' });
    expect(triageMail(letter(), OWN)).toEqual({ kind: 'letter' });
  });

  it('SES verdicts FAIL hold the message (virus before spam); other verdicts file it', () => {
    expect(triageMail(letter({ verdicts: { spam: 'FAIL', virus: 'PASS' } }), OWN)).toEqual({ kind: 'hold', reason: 'spam' });
    expect(triageMail(letter({ verdicts: { spam: 'FAIL', virus: 'FAIL' } }), OWN)).toEqual({ kind: 'hold', reason: 'virus' });
    expect(triageMail(letter({ verdicts: { spam: 'GRAY', virus: 'PROCESSING_FAILED' } }), OWN)).toEqual({ kind: 'letter' });
  });
});

describe('where a letter is filed', () => {
  const l = letter();
  const triage = { kind: 'letter' as const };
  it('a reply naming a notice of a case is a supplement to it', () => {
    expect(decideFiling(triage, l, { referenced: { id: 'c1' }, ticketed: [], newCasesInWindow: 9 })).toEqual({ kind: 'supplement', caseId: 'c1', via: 'reference' });
  });
  it('a ticket number from the case’s writer (any case of the address) is a supplement; from anyone else, a new case', () => {
    expect(decideFiling(triage, l, { ticketed: [{ id: 'c2', email: 'LiSi@Example.com' }], newCasesInWindow: 0 })).toEqual({ kind: 'supplement', caseId: 'c2', via: 'ticket' });
    expect(decideFiling(triage, l, { ticketed: [{ id: 'c3', email: 'other@example.com' }], newCasesInWindow: 0 })).toEqual({ kind: 'new_case' });
    expect(decideFiling(triage, l, { ticketed: [{ id: 'c4' }], newCasesInWindow: 0 })).toEqual({ kind: 'new_case' });
  });
  it(`more than ${FLOOD_LIMIT} new cases from one sender in the hour are held; supplements are never held for it`, () => {
    expect(decideFiling(triage, l, { ticketed: [], newCasesInWindow: FLOOD_LIMIT - 1 })).toEqual({ kind: 'new_case' });
    expect(decideFiling(triage, l, { ticketed: [], newCasesInWindow: FLOOD_LIMIT })).toEqual({ kind: 'hold', reason: 'flood' });
    expect(decideFiling({ kind: 'letter', noReceipt: 'bulk' }, l, { ticketed: [], newCasesInWindow: 0 })).toEqual({ kind: 'new_case', noReceipt: 'bulk' });
  });
  it('ticket numbers are found in a reply subject, not inside longer words', () => {
    expect(ticketNumbersIn('回复：【受理告知】您反映的问题已受理，工单号M2026-000107')).toEqual(['M2026-000107']);
    expect(ticketNumbersIn('Re: H2026-000001 and W2026-000002, XM2026-000003, M2026-0000041')).toEqual(['H2026-000001', 'W2026-000002', 'M2026-0000041']);
  });
  it('a case subject drops reply and forward prefixes', () => {
    expect(caseSubjectOf('回复：Re: 转发：  关于加班费 ')).toBe('关于加班费');
    expect(caseSubjectOf('RE[2]: FW: 工伤')).toBe('工伤');
    expect(caseSubjectOf('  ')).toBeUndefined();
  });
});
