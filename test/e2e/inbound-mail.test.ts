import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { createLogger } from '../../shared/observability/logger';
import { checkedFetch } from '../support/contract';
import type { CaseBody, CaseListBody } from '../support/http';
import { waitFor } from '../support/wait';

/**
 * The mailbox as an e-mail address on the embedded default, over real SMTP on loopback: a letter
 * becomes a case, the receipt goes back in its thread, a reply to it lands on the same case.
 */
const MAILBOX = 'chair@union.example.org';
let runtime: LocalRuntime;
let dataDir: string;
const logLines: string[] = [];
let smtp: Transporter;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'union-cases-mail-'));
  runtime = await startLocalRuntime({
    inMemory: true,
    env: { PORT: '0', INBOUND_SMTP_PORT: '0', DATA_DIR: dataDir, MAILBOX_ADDRESS: MAILBOX, MAIL_FROM: '工会案件系统 <cases@union.example.org>', PUBLIC_BASE_URL: 'https://cases.union.example.org', LOG_LEVEL: 'debug' },
    logger: createLogger({ level: 'debug', write: (l) => logLines.push(l) }),
  });
  smtp = nodemailer.createTransport({ host: '127.0.0.1', port: runtime.mailbox.smtpPort, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  smtp?.close();
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = (role: string) => ({ Authorization: `Bearer ${runtime.tokens[role]}` });
async function mailboxCases(): Promise<CaseBody[]> {
  const res = await checkedFetch(`${runtime.url}/v1/cases?channel=mailbox&limit=200`, { headers: auth('supervisor') });
  return ((await res.json()) as CaseListBody).items;
}
async function caseById(id: string): Promise<CaseBody> {
  return (await (await checkedFetch(`${runtime.url}/v1/cases/${id}`, { headers: auth('supervisor') })).json()) as CaseBody;
}
async function events(id: string): Promise<{ action: string; detail?: Record<string, unknown> }[]> {
  return ((await (await checkedFetch(`${runtime.url}/v1/cases/${id}/events`, { headers: auth('supervisor') })).json()) as { items: { action: string; detail?: Record<string, unknown> }[] }).items;
}
async function outbox(): Promise<ParsedMail[]> {
  const files = (await readdir(runtime.outboxDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  return Promise.all(files.map(async (f) => simpleParser(await readFile(join(runtime.outboxDir, f)))));
}
const receiptsTo = async (address: string) => (await outbox()).filter((m) => m.subject?.startsWith('【受理告知】') && m.to && !Array.isArray(m.to) && m.to.value[0]?.address === address);
/** Sends over SMTP and waits until the inbox has filed it. */
async function send(message: SendMailOptions): Promise<void> {
  await smtp.sendMail(message);
  await runtime.mailbox.drain();
}
const caseWithSubject = async (subject: string) => (await mailboxCases()).find((c) => c.subject === subject);

describe('the walk-through: a letter by e-mail → case → receipt in its thread → a reply → the same case shows the supplement', () => {
  let caseId: string;
  let ticketNo: string;
  let receipt: ParsedMail;

  it('a letter sent to the mailbox address becomes a mailbox case: the sender as complainant, subject, text, the attachment', async () => {
    await send({
      from: '李四 <lisi@example.com>',
      to: MAILBOX,
      subject: '关于拖欠加班费的反映',
      text: '主席您好：\n工厂连续三个月没有支付加班费。工资条附后。\n李四',
      messageId: '<walk-1@mail.example.com>',
      attachments: [{ filename: '工资条.pdf', content: PDF }],
    });
    const found = await caseWithSubject('关于拖欠加班费的反映');
    expect(found).toBeDefined();
    const c = found!;
    caseId = c.id;
    ticketNo = c.ticketNo;
    expect(c.channel).toBe('mailbox');
    expect(c.ticketNo).toMatch(/^M\d{4}-\d{6}$/);
    expect(c.complainant).toEqual({ name: '李四', email: 'lisi@example.com' });
    expect(c.description).toBe('主席您好：\n工厂连续三个月没有支付加班费。工资条附后。\n李四');
    expect(c.attachments).toEqual([expect.objectContaining({ name: '工资条.pdf', contentType: 'application/pdf', size: PDF.length })]);
    const received = (await events(c.id))[0];
    expect(received?.detail).toMatchObject({ channel: 'mailbox', messageId: '<walk-1@mail.example.com>' });
  });

  it('the receipt (受理告知) goes back in the letter’s thread, answerable at the mailbox address', async () => {
    const [r, ...more] = await waitFor(() => receiptsTo('lisi@example.com'), (l) => l.length > 0);
    expect(more).toEqual([]);
    receipt = r!;
    expect(receipt.subject).toBe(`【受理告知】您反映的问题已受理，工单号${ticketNo}`);
    expect(receipt.inReplyTo).toBe('<walk-1@mail.example.com>');
    expect(receipt.replyTo?.value[0]?.address).toBe(MAILBOX);
    expect(receipt.text).toContain('如需补充材料，可直接回复本邮件');
    expect(receipt.messageId).toMatch(/@union-cases>$/);
  });

  it('a reply to the receipt (In-Reply-To) is a supplement (补充材料) on the same case, with its text and file; the office is told once', async () => {
    const before = (await mailboxCases()).length;
    await send({
      from: '李四 <lisi@example.com>',
      to: MAILBOX,
      subject: `回复：${receipt.subject}`,
      text: '补充一下：车间还有二十人同样情况。考勤照片附后。\n\n> 原邮件……',
      inReplyTo: receipt.messageId,
      references: [receipt.messageId ?? ''],
      messageId: '<walk-2@mail.example.com>',
      attachments: [{ filename: '考勤.png', content: PNG }],
    });
    expect((await mailboxCases()).length).toBe(before);
    const supplement = (await events(caseId)).filter((e) => e.action === 'supplement');
    expect(supplement).toHaveLength(1);
    expect(supplement[0]?.detail).toMatchObject({ via: 'reference', text: '补充一下：车间还有二十人同样情况。考勤照片附后。\n\n> 原邮件……' });
    const c = await caseById(caseId);
    expect(c.attachments?.map((a) => a.name)).toEqual(['工资条.pdf', '考勤.png']);
    // The office's download works for the supplement's file too.
    const file = c.attachments?.[1];
    const download = await checkedFetch(`${runtime.url}/v1/cases/${caseId}/attachments/${file?.id}`, { headers: auth('supervisor') });
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG);
    const told = await waitFor(async () => (await outbox()).filter((m) => m.subject?.startsWith('【补充材料】') && m.headers.get('x-ticket-no') === ticketNo), (l) => l.length > 0);
    expect(told).toHaveLength(1);
    expect(told[0]!.text).not.toContain('lisi@example.com');
    expect(told[0]!.text).not.toContain('二十人');
  });

  it('the same message delivered twice is filed once (by its Message-ID): no second case, no second supplement', async () => {
    const raw = await readFile(join(runtime.mailbox.inboxDir, 'done', (await readdir(join(runtime.mailbox.inboxDir, 'done'))).sort()[0]!));
    const before = (await mailboxCases()).length;
    await send({ envelope: { from: 'lisi@example.com', to: [MAILBOX] }, raw });
    await send({
      from: 'lisi@example.com',
      to: MAILBOX,
      subject: '回复：again',
      text: '同一封，重发',
      messageId: '<walk-2@MAIL.EXAMPLE.COM>',
      inReplyTo: receipt.messageId,
    });
    expect((await mailboxCases()).length).toBe(before);
    expect((await events(caseId)).filter((e) => e.action === 'supplement')).toHaveLength(1);
    expect(logLines.filter((l) => l.includes('"mail.duplicate"'))).toHaveLength(2);
  });

  it('a bounce and an out-of-office reply to the receipt file nothing and send nothing', async () => {
    const mails = (await outbox()).length;
    const history = (await events(caseId)).length;
    await send({
      envelope: { from: '', to: [MAILBOX] },
      from: 'MAILER-DAEMON@mx.example.com',
      to: MAILBOX,
      subject: 'Undelivered Mail Returned to Sender',
      text: 'The mail system could not deliver your message.',
      inReplyTo: receipt.messageId,
    });
    await send({
      from: '李四 <lisi@example.com>',
      to: MAILBOX,
      subject: `自动回复：${receipt.subject}`,
      text: '我正在休假，将于下周回复。',
      headers: { 'Auto-Submitted': 'auto-replied' },
      inReplyTo: receipt.messageId,
    });
    expect((await events(caseId)).length).toBe(history);
    expect((await outbox()).length).toBe(mails);
    expect(logLines.filter((l) => l.includes('"mail.filed"') && l.includes('"dropped"'))).toHaveLength(2);
  });

  it('the ticket number in the subject from the case’s writer is a supplement; from another sender it is a new case', async () => {
    await send({ from: 'lisi@example.com', to: MAILBOX, subject: `${ticketNo} 再补充一点`, text: '又想起一件事。' });
    expect((await events(caseId)).filter((e) => e.action === 'supplement').map((e) => e.detail?.via)).toEqual(['reference', 'ticket']);
    await send({ from: '王五 <wangwu@example.com>', to: MAILBOX, subject: `关于${ticketNo}`, text: '我也有同样的问题。' });
    const other = await caseWithSubject(`关于${ticketNo}`);
    expect(other?.complainant?.email).toBe('wangwu@example.com');
    expect(other?.id).not.toBe(caseId);
  });
});

describe('no loops, no floods', () => {
  it('RCPT to another address is refused at RCPT (550); the mailbox address in any case is taken', async () => {
    await expect(smtp.sendMail({ from: 'a@example.com', to: 'someone@union.example.org', subject: 'x', text: 'x' })).rejects.toMatchObject({ responseCode: 550 });
    await send({ from: 'case@example.com', to: 'Chair@Union.Example.org', subject: '大小写不同的收件地址', text: '内容' });
    expect(await caseWithSubject('大小写不同的收件地址')).toBeDefined();
  });

  it('a message declared over the size limit is refused with 552 before its data is sent', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(runtime.mailbox.smtpPort!, '127.0.0.1');
      const said: string[] = [];
      const steps = ['EHLO test.example.com\r\n', 'MAIL FROM:<big@example.com> SIZE=40000000\r\n'];
      socket.on('data', (d) => {
        said.push(d.toString());
        const step = steps.shift();
        if (step) socket.write(step);
        else {
          socket.end('QUIT\r\n');
          resolve(said.join(''));
        }
      });
      socket.on('error', reject);
    });
    expect(reply).toMatch(/\n552 /);
  });

  it('a message over the size limit sent without declaring its size is refused with 552 after its data, and nothing is spooled', async () => {
    const spooled = async () => (await readdir(runtime.mailbox.inboxDir)).length;
    const before = await spooled();
    const body = `Subject: big\r\n\r\n`;
    const line = `${'y'.repeat(998)}\r\n`;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(runtime.mailbox.smtpPort!, '127.0.0.1');
      const said: string[] = [];
      const steps = ['EHLO test.example.com\r\n', 'MAIL FROM:<big@example.com>\r\n', `RCPT TO:<${MAILBOX}>\r\n`, 'DATA\r\n'];
      socket.on('data', (d) => {
        said.push(d.toString());
        const step = steps.shift();
        if (step) socket.write(step);
        else if (said.length === 5) {
          // 33 MB of lines, then the end of data.
          socket.write(body);
          const chunk = line.repeat(1024);
          for (let i = 0; i < 33; i++) socket.write(chunk);
          socket.write('.\r\n');
        } else {
          socket.end('QUIT\r\n');
          resolve(said.join(''));
        }
      });
      socket.on('error', reject);
    });
    expect(reply).toMatch(/\n552 /);
    expect(await spooled()).toBe(before);
  });

  it('bulk, automatic and no-reply mail is filed without a receipt', async () => {
    await send({ from: 'news@lists.example.com', to: MAILBOX, subject: '群发通知', text: '本周活动', headers: { Precedence: 'bulk' } });
    await send({ from: 'noreply@hr.example.com', to: MAILBOX, subject: '系统通知：工资发放', text: '本月工资已发放' });
    await send({ from: 'form@site.example.com', to: MAILBOX, subject: '网站表单转发', text: '表单内容', headers: { 'Auto-Submitted': 'auto-generated' } });
    for (const subject of ['群发通知', '系统通知：工资发放', '网站表单转发']) expect(await caseWithSubject(subject), subject).toBeDefined();
    // The router handles them like any case: let it, then no receipt went to any of them.
    await waitFor(async () => (await mailboxCases()).filter((c) => ['群发通知', '网站表单转发'].includes(c.subject) && c.status === 'assigned').length, (n) => n === 2);
    for (const address of ['news@lists.example.com', 'noreply@hr.example.com', 'form@site.example.com']) expect(await receiptsTo(address), address).toEqual([]);
  });

  it('a sender opening more than 5 new cases within an hour is held for review, listed for supervisors only', async () => {
    for (let i = 1; i <= 6; i++) await send({ from: 'flood@example.com', to: MAILBOX, subject: `第${i}封来信`, text: `内容${i}` });
    const opened = (await mailboxCases()).filter((c) => c.complainant?.email === 'flood@example.com');
    expect(opened.map((c) => c.subject).sort()).toEqual(['第1封来信', '第2封来信', '第3封来信', '第4封来信', '第5封来信']);
    const res = await checkedFetch(`${runtime.url}/v1/mailbox/held`, { headers: auth('supervisor') });
    expect(res.status).toBe(200);
    const held = (await res.json()) as { items: { reason: string; subject: string; from?: { address: string }; raw: { kind: string; location: string }; expiresAt: string; receivedAt: string }[] };
    expect(held.items).toHaveLength(1);
    expect(held.items[0]).toMatchObject({ reason: 'flood', subject: '第6封来信', from: { address: 'flood@example.com' }, raw: { kind: 'file' } });
    expect(Date.parse(held.items[0]!.expiresAt) - Date.parse(held.items[0]!.receivedAt)).toBe(30 * 86_400_000);
    expect(await readdir(join(runtime.mailbox.inboxDir, 'held'))).toEqual([held.items[0]!.raw.location.replace('held/', '')]);
    expect((await checkedFetch(`${runtime.url}/v1/mailbox/held`, { headers: auth('office') })).status).toBe(403);
    expect((await checkedFetch(`${runtime.url}/v1/mailbox/held`)).status).toBe(401);
  });
});

describe('messages from Chinese mail clients dropped into DATA_DIR/inbox/ (fetchmail, getmail)', () => {
  it('Foxmail, Outlook, web mail, Big5 and GB18030 messages are filed decoded, and moved to done/', async () => {
    const fixtures = ['foxmail-gb2312.eml', 'outlook-qp-rfc2231.eml', 'webmail-html-only.eml', 'big5.eml', 'gb18030.eml'];
    for (const f of fixtures) await copyFile(new URL(`../fixtures/mail/${f}`, import.meta.url), join(runtime.mailbox.inboxDir, `fixture-${f}`));
    await runtime.mailbox.drain();
    const cases = await mailboxCases();
    const bySubject = (s: string) => cases.find((c) => c.subject === s);
    // The walk-through's letter has the same subject: this one is Foxmail's.
    const foxmail = cases.find((c) => c.complainant?.email === 'lisi@foxmail.com');
    expect(foxmail?.subject).toBe('关于拖欠加班费的反映');
    expect(foxmail?.complainant).toEqual({ name: '李四', email: 'lisi@foxmail.com' });
    expect(foxmail?.attachments?.map((a) => a.name)).toEqual(['工资条.pdf']);
    expect(bySubject('被违法解除劳动合同')?.attachments?.map((a) => [a.name, a.contentType])).toEqual([['劳动合同（2024版）.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document']]);
    expect(bySubject('被违法解除劳动合同')?.description).toContain('也没有支付经济补偿');
    expect(bySubject('食堂饭菜质量问题')?.description).toBe('主席好！\n我们工地食堂的饭菜质量很差， 多次反映无果。\n\n希望工会能派人来看看。');
    expect(bySubject('工傷申報問題')?.complainant?.name).toBe('陳大文');
    expect(bySubject('社保缴纳问题（𠮷）')?.complainant?.name).toBe('吴𠮷');
    const done = await readdir(join(runtime.mailbox.inboxDir, 'done'));
    for (const f of fixtures) expect(done).toContain(`fixture-${f}`);
    expect((await readdir(runtime.mailbox.inboxDir)).filter((f) => f.endsWith('.eml'))).toEqual([]);
  });

  it('the same message dropped in again is a duplicate: moved to done/, nothing filed', async () => {
    const before = (await mailboxCases()).length;
    await copyFile(new URL('../fixtures/mail/big5.eml', import.meta.url), join(runtime.mailbox.inboxDir, 'again-big5.eml'));
    await runtime.mailbox.drain();
    expect((await mailboxCases()).length).toBe(before);
    expect(await readdir(join(runtime.mailbox.inboxDir, 'done'))).toContain('again-big5.eml');
  });
});

describe('logs', () => {
  it('never carry the writers’ addresses or names', () => {
    const all = logLines.join('\n');
    expect(logLines.some((l) => l.includes('"mail.filed"'))).toBe(true);
    for (const secret of ['lisi@example.com', 'wangwu@', 'flood@example.com', 'lisi@foxmail.com', '李四', '陳大文', '吴𠮷', '王五']) expect(all, secret).not.toContain(secret);
  });
});
