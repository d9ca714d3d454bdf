import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMailer, outboxMailer, sesMailer, smtpMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import type { MailMessage } from '../../shared/ports';

const FROM = '工会服务中心 <noreply@union.example.org>';

const message = (n = 42): MailMessage => ({
  to: ['rights@union.example.org'],
  cc: ['head@union.example.org'],
  subject: `【新案件】H2026-${String(n).padStart(6, '0')} 求助申诉 · 请于2026年12月18日前办结`,
  text: '权益保障部：\n\n有一件新案件已分派（交办）至贵部门。\n工单号：H2026-000042\n办理期限：2026年12月18日\n',
  html: '<p>权益保障部：</p><p>工单号：<b>H2026-000042</b> · 办理期限：2026年12月18日</p>',
  headers: { 'X-Case-Id': `case-${n}`, 'X-Ticket-No': `H2026-${String(n).padStart(6, '0')}` },
});

const addresses = (a: AddressObject | AddressObject[] | undefined) => [a ?? []].flat().flatMap((o) => o.value.map((v) => v.address));

function expectDecodes(parsed: ParsedMail, m: MailMessage, messageId: string) {
  expect(parsed.subject).toBe(m.subject);
  expect(parsed.text).toBe(m.text);
  expect(parsed.html).toBe(m.html);
  expect(parsed.from?.value).toEqual([{ address: 'noreply@union.example.org', name: '工会服务中心' }]);
  expect(addresses(parsed.to)).toEqual(m.to);
  expect(addresses(parsed.cc)).toEqual(m.cc);
  expect(parsed.headers.get('x-case-id')).toBe(m.headers?.['X-Case-Id']);
  expect(parsed.headers.get('x-ticket-no')).toBe(m.headers?.['X-Ticket-No']);
  expect(parsed.messageId).toBe(messageId);
}

describe('outbox mailer', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mail-outbox-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('writes one .eml per message, in a directory it creates, that parses back exactly', async () => {
    const dir = join(root, 'nested', 'outbox');
    const mailer = outboxMailer({ dir, from: FROM });
    const m = message();
    const id = await mailer.send(m);
    expect(id).toMatch(/^<[^<>@\s]+@union\.example\.org>$/);

    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}Z-[0-9a-f]{12}\.eml$/);
    const raw = await readFile(join(dir, files[0] ?? ''));
    // The bytes themselves are 7-bit clean MIME: encoded-words and transfer encodings, no raw UTF-8.
    expect(raw.every((byte) => byte < 0x80)).toBe(true);
    expect(raw.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    expectDecodes(await simpleParser(raw), m, id);
  });

  it('keeps one file per dedupe key: a notice sent again after a crash is not delivered twice; the copies share a Message-ID', async () => {
    const dir = join(root, 'dedupe');
    let t = Date.parse('2026-11-20T06:00:00.000Z');
    const mailer = outboxMailer({ dir, from: FROM, now: () => t++ });
    const first = await mailer.send({ ...message(1), dedupeKey: 'case-1/assigned:rights:1' });
    await mailer.send({ ...message(1), dedupeKey: 'case-1/assigned:rights:1' });
    await mailer.send({ ...message(2), dedupeKey: 'case-1/sla:warning' });
    await mailer.send(message(3));
    await mailer.send(message(3));
    const files = (await readdir(dir)).sort();
    expect(files).toHaveLength(4);
    const parsed = await Promise.all(files.map(async (f) => simpleParser(await readFile(join(dir, f)))));
    expect(parsed.filter((m) => m.messageId === first)).toHaveLength(1);
    expect(first).toMatch(/^<[0-9a-f]{24}@union-cases>$/);

    // After a restart a new mailer over the same folder still knows the copy (from one listing).
    await outboxMailer({ dir, from: FROM, now: () => t++ }).send({ ...message(1), dedupeKey: 'case-1/assigned:rights:1' });
    await Promise.all(Array.from({ length: 3 }, () => mailer.send({ ...message(4), dedupeKey: 'case-4/assigned:rights:1' })));
    expect(await readdir(dir)).toHaveLength(5);
  });

  it('gives messages sent in quick succession distinct files, sortable by time, with no temporary files left', async () => {
    const dir = join(root, 'burst');
    let t = Date.parse('2026-11-20T06:00:00.000Z');
    // Two messages per millisecond: the random part, not the clock, keeps them apart.
    const mailer = outboxMailer({ dir, from: FROM, now: () => Math.floor(t++ / 2) * 2 });
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => mailer.send(message(i))));
    expect(new Set(ids).size).toBe(20);

    const files = await readdir(dir);
    expect(files).toHaveLength(20);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    expect(new Set(files).size).toBe(20);
    const stamps = files.map((f) => f.slice(0, 24)).sort();
    expect(stamps[0]).toBe('2026-11-20T06-00-00.000Z');
    expect(stamps[19]).toBe('2026-11-20T06-00-00.018Z');

    const caseIds = await Promise.all(files.map(async (f) => (await simpleParser(await readFile(join(dir, f)))).headers.get('x-case-id')));
    expect(new Set(caseIds)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => `case-${i}`)));
  });

  it('fails send() when the file cannot be written', async () => {
    const blocker = join(root, 'not-a-dir');
    await writeFile(blocker, 'x');
    await expect(outboxMailer({ dir: blocker, from: FROM }).send(message())).rejects.toThrow();
  });

  it('refuses a message without recipients or with a header that would inject lines', async () => {
    const mailer = outboxMailer({ dir: join(root, 'refused'), from: FROM });
    await expect(mailer.send({ ...message(), to: [] })).rejects.toThrow(/recipient/);
    await expect(mailer.send({ ...message(), headers: { 'X-Case-Id': 'a\r\nBcc: evil@example.com' } })).rejects.toThrow(/invalid header/);
    await expect(mailer.send({ ...message(), headers: { 'X Bad': 'v' } })).rejects.toThrow(/invalid header/);
  });
});

describe('SES mailer', () => {
  const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const ses = mockClient(client);
  afterEach(() => ses.reset());
  afterAll(() => ses.restore());

  it('sends raw MIME through SendEmail, with the configuration set, and returns the SES Message-ID', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0102019abc-def-000000' });
    const m = message();
    const id = await sesMailer({ client, from: FROM, configurationSet: 'union-notices' }).send(m);
    expect(id).toBe('<0102019abc-def-000000@eu-west-1.amazonses.com>');

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input?.ConfigurationSetName).toBe('union-notices');
    expect(input?.Destination?.ToAddresses).toEqual(['rights@union.example.org', 'head@union.example.org']);
    expect(input?.FromEmailAddress).toContain('noreply@union.example.org');
    const data = input?.Content?.Raw?.Data;
    expect(data).toBeInstanceOf(Uint8Array);
    const parsed = await simpleParser(Buffer.from(data ?? new Uint8Array()));
    expect(parsed.subject).toBe(m.subject);
    expect(parsed.text).toBe(m.text);
    expect(parsed.headers.get('x-case-id')).toBe('case-42');
  });

  it('sends no configuration set when none is given', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sesMailer({ client, from: FROM }).send(message());
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).not.toHaveProperty('ConfigurationSetName');
  });

  it('rejects send() when SES refuses the message', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' }));
    await expect(sesMailer({ client, from: FROM }).send(message())).rejects.toThrow(/not verified/);
  });
});

describe('SMTP mailer', () => {
  const received: { raw: Buffer; from: string; to: string[]; user: string | undefined }[] = [];
  let server: SMTPServer;
  let port: number;

  beforeAll(async () => {
    server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'mailer' && auth.password === 's3cret/pw') return callback(null, { user: auth.username });
        return callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (address.address.endsWith('@refused.example.org')) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            raw: Buffer.concat(chunks),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(resolve)));

  it('delivers an authenticated message that parses back exactly', async () => {
    const mailer = smtpMailer({ url: `smtp://mailer:${encodeURIComponent('s3cret/pw')}@127.0.0.1:${port}`, from: FROM });
    const m = message();
    const id = await mailer.send(m);
    expect(received).toHaveLength(1);
    const got = received[0];
    expect(got?.user).toBe('mailer');
    expect(got?.from).toBe('noreply@union.example.org');
    expect(got?.to).toEqual(['rights@union.example.org', 'head@union.example.org']);
    expectDecodes(await simpleParser(got?.raw ?? Buffer.alloc(0)), m, id);
  });

  it('rejects send() on bad credentials or a refused recipient', async () => {
    await expect(smtpMailer({ url: `smtp://mailer:wrong@127.0.0.1:${port}`, from: FROM }).send(message())).rejects.toThrow();
    const good = smtpMailer({ url: `smtp://mailer:${encodeURIComponent('s3cret/pw')}@127.0.0.1:${port}`, from: FROM });
    await expect(good.send({ ...message(), to: ['nobody@refused.example.org'], cc: undefined })).rejects.toThrow(/550|Mailbox unavailable/);
  });

  it('refuses a URL that is not smtp:// or smtps://, without echoing it', () => {
    expect(() => smtpMailer({ url: 'http://u:topsecret@host', from: FROM })).toThrow(/smtp:\/\//);
    expect(() => smtpMailer({ url: 'not a url topsecret', from: FROM })).toThrow(/^(?!.*topsecret)/);
  });
});

describe('createMailer', () => {
  const client = new SESv2Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

  it('chooses SES when a client is given, else SMTP when a URL is set, else the outbox', () => {
    const ses = createMailer({ sesClient: client, smtpUrl: 'smtp://h:25', outboxDir: '/nonexistent', from: FROM });
    const smtp = createMailer({ smtpUrl: 'smtp://u:p@127.0.0.1:2525', outboxDir: '/nonexistent', from: FROM });
    const outbox = createMailer({ outboxDir: '/nonexistent', from: FROM });
    expect([ses.kind, smtp.kind, outbox.kind]).toEqual(['ses', 'smtp', 'outbox']);
    const transportName = (x: { mailer: unknown }) => (x.mailer as { transporter: { transporter: { name: string } } }).transporter.transporter.name;
    expect([transportName(ses), transportName(smtp), transportName(outbox)]).toEqual(['SESTransport', 'SMTP', 'StreamTransport']);
    for (const x of [ses, smtp, outbox]) x.mailer.close();
  });

  it('treats an empty SMTP URL as unset', () => {
    expect(createMailer({ smtpUrl: '', outboxDir: '/nonexistent', from: FROM }).kind).toBe('outbox');
  });
});
