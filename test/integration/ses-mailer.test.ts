import { SendEmailCommand, SESv2Client, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeAddress, encodeWords, sesV2Mailer } from '../../shared/adapters/mail/ses-mailer';
import type { MailMessage } from '../../shared/ports';
import { sendMonthlyReport, type MonthlyReportDeps } from '../../shared/usecases/monthly-report';
import { createHarness, type Harness } from '../support/harness';

const FROM = '工会服务中心 <noreply@union.example.org>';
/** RFC 2047 B encoding of 工会服务中心, as nodemailer's SES transport sends it too. */
const FROM_ENCODED = '=?UTF-8?B?5bel5Lya5pyN5Yqh5Lit5b+D?= <noreply@union.example.org>';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const CSV = '\uFEFF分组,受理,按时答复率\r\n权益保障部,2,100.0%\r\n';

const message = (): MailMessage => ({
  to: ['rights@union.example.org'],
  cc: ['head@union.example.org', 'chair@union.example.org'],
  subject: '【新案件】H2026-000042 求助申诉 · 请于2026年12月18日前办结',
  text: '权益保障部：\n\n有一件新案件已分派（交办）至贵部门。\n工单号：H2026-000042\n',
  html: '<p>权益保障部：</p><p>工单号：<b>H2026-000042</b></p>',
  headers: { 'X-Case-Id': 'case-42', 'X-Ticket-No': 'H2026-000042', 'Auto-Submitted': 'auto-generated' },
  attachments: [{ filename: '统计-2026-09.csv', content: CSV, contentType: 'text/csv; charset=utf-8' }],
});

const UTF8 = (Data: string) => ({ Data, Charset: 'UTF-8' });

describe('SES v2 mailer (Content.Simple)', () => {
  const client = new SESv2Client({ region: 'eu-west-1', credentials: CREDENTIALS });
  const ses = mockClient(client);
  afterEach(() => ses.reset());
  afterAll(() => ses.restore());

  const onlyInput = (): SendEmailCommandInput => {
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    if (!input) throw new Error('no SendEmail call');
    return input;
  };

  it('sends the message as SES Simple content, UTF-8 throughout, and returns the SES Message-ID in angle brackets', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: '0102019abc-def-000000' });
    const id = await sesV2Mailer({ client, from: FROM, configurationSet: 'union-notices' }).send(message());
    expect(id).toBe('<0102019abc-def-000000@eu-west-1.amazonses.com>');

    const m = message();
    expect(onlyInput()).toEqual({
      FromEmailAddress: FROM_ENCODED,
      Destination: { ToAddresses: ['rights@union.example.org'], CcAddresses: ['head@union.example.org', 'chair@union.example.org'] },
      Content: {
        Simple: {
          Subject: UTF8(m.subject),
          Body: { Text: UTF8(m.text), Html: UTF8(m.html ?? '') },
          Headers: [
            { Name: 'X-Case-Id', Value: 'case-42' },
            { Name: 'X-Ticket-No', Value: 'H2026-000042' },
            { Name: 'Auto-Submitted', Value: 'auto-generated' },
          ],
          Attachments: [
            {
              FileName: '统计-2026-09.csv',
              ContentType: 'text/csv; charset=utf-8',
              ContentDisposition: 'ATTACHMENT',
              ContentTransferEncoding: 'BASE64',
              RawContent: new TextEncoder().encode(CSV),
            },
          ],
        },
      },
      ConfigurationSetName: 'union-notices',
    });
    // The attachment goes as bytes (the SDK base64-encodes them): UTF-8 with its BOM, nothing lost.
    const raw = onlyInput().Content?.Simple?.Attachments?.[0]?.RawContent;
    expect(raw).toBeInstanceOf(Uint8Array);
    expect([...(raw ?? new Uint8Array()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(raw)).toBe(CSV);
  });

  it('leaves out what the message does not have: configuration set, Cc, HTML, headers, attachments', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    await sesV2Mailer({ client, from: 'cases@union.example.org' }).send({ to: ['a@union.example.org'], cc: [], subject: 'Hi', text: 'Body' });
    expect(onlyInput()).toEqual({
      FromEmailAddress: 'cases@union.example.org',
      Destination: { ToAddresses: ['a@union.example.org'] },
      Content: { Simple: { Subject: UTF8('Hi'), Body: { Text: UTF8('Body') } } },
    });
  });

  it('names us-east-1 "email" in the Message-ID, as SES does, and keeps an id that already has a domain', async () => {
    const east = new SESv2Client({ region: 'us-east-1', credentials: CREDENTIALS });
    const eastMock = mockClient(east);
    try {
      eastMock.on(SendEmailCommand).resolvesOnce({ MessageId: 'abc' }).resolvesOnce({ MessageId: 'abc@example.org' });
      const mailer = sesV2Mailer({ client: east, from: FROM });
      expect(await mailer.send(message())).toBe('<abc@email.amazonses.com>');
      expect(await mailer.send(message())).toBe('<abc@example.org>');
    } finally {
      eastMock.restore();
    }
  });

  it('encodes a non-ASCII header value and display names as RFC 2047 encoded-words, which SES wants in ASCII', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    await sesV2Mailer({ client, from: '"工会, 服务中心" <noreply@union.example.org>' }).send({
      ...message(),
      to: ['权益保障部 <rights@union.example.org>'],
      headers: { 'X-Office': '权益保障部' },
    });
    const input = onlyInput();
    expect(input.FromEmailAddress).toBe(`${encodeWords('工会, 服务中心')} <noreply@union.example.org>`);
    expect(input.Destination?.ToAddresses).toEqual(['=?UTF-8?B?5p2D55uK5L+d6Zqc6YOo?= <rights@union.example.org>']);
    expect(input.Content?.Simple?.Headers).toEqual([{ Name: 'X-Office', Value: '=?UTF-8?B?5p2D55uK5L+d6Zqc6YOo?=' }]);
  });

  it('splits long encoded text into encoded-words of at most 75 characters, between code points', () => {
    const long = '职工诉求办理情况'.repeat(6) + '🙂';
    const words = encodeWords(long).split(' ');
    expect(words.length).toBeGreaterThan(1);
    for (const w of words) expect(w.length).toBeLessThanOrEqual(75);
    const decoded = words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)?.[1] ?? '', 'base64').toString('utf8')).join('');
    expect(decoded).toBe(long);
    expect(encodeAddress('  plain@union.example.org ')).toBe('plain@union.example.org');
    expect(encodeAddress('Union cases <cases@union.example.org>')).toBe('Union cases <cases@union.example.org>');
  });

  it('refuses, before calling SES, a message without recipients or with a header that is invalid, would inject lines, or is SES\'s own', async () => {
    const mailer = sesV2Mailer({ client, from: FROM });
    await expect(mailer.send({ ...message(), to: [] })).rejects.toThrow(/at least one recipient/);
    await expect(mailer.send({ ...message(), headers: { 'X-Case-Id': 'a\r\nBcc: evil@example.com' } })).rejects.toThrow(/invalid header "X-Case-Id"/);
    await expect(mailer.send({ ...message(), headers: { 'X-Case-Id': 'a\nb' } })).rejects.toThrow(/invalid header/);
    await expect(mailer.send({ ...message(), headers: { 'X Bad': 'v' } })).rejects.toThrow(/invalid header/);
    await expect(mailer.send({ ...message(), headers: { 'X-Bad:': 'v' } })).rejects.toThrow(/invalid header/);
    await expect(mailer.send({ ...message(), headers: { subject: 'other' } })).rejects.toThrow(/invalid header "subject" \(SES sets it\)/);
    await expect(mailer.send({ ...message(), headers: { 'Reply-To': 'x@example.org' } })).rejects.toThrow(/SES sets it/);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('keeps a subject on one line', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-3' });
    await sesV2Mailer({ client, from: FROM }).send({ ...message(), subject: '第一行\r\n第二行\n第三行' });
    expect(onlyInput().Content?.Simple?.Subject).toEqual(UTF8('第一行 第二行 第三行'));
  });

  it('rejects send() with the SES error when SES refuses the message', async () => {
    const refused = Object.assign(new Error('Email address is not verified.'), { name: 'MessageRejected' });
    ses.on(SendEmailCommand).rejects(refused);
    await expect(sesV2Mailer({ client, from: FROM }).send(message())).rejects.toMatchObject({ name: 'MessageRejected', message: 'Email address is not verified.' });
  });
});

describe('SES v2 mailer on the wire', () => {
  it('serializes the attachment as base64 and the text as UTF-8 JSON in the SendEmail request', async () => {
    let body = '';
    let path = '';
    const client = new SESv2Client({
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      requestHandler: {
        handle: async (request: { body?: unknown; path?: string }) => {
          body = request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : String(request.body);
          path = request.path ?? '';
          return {
            response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode(JSON.stringify({ MessageId: 'wire-1' })) },
          };
        },
      },
    });
    const id = await sesV2Mailer({ client, from: FROM, configurationSet: 'union-notices' }).send(message());
    expect(id).toBe('<wire-1@eu-west-1.amazonses.com>');
    expect(path).toBe('/v2/email/outbound-emails');
    const sent = JSON.parse(body) as { Content: { Simple: { Subject: unknown; Attachments: { RawContent: string; FileName: string }[] } }; ConfigurationSetName: string };
    expect(sent.ConfigurationSetName).toBe('union-notices');
    expect(sent.Content.Simple.Subject).toEqual(UTF8(message().subject));
    const [attachment] = sent.Content.Simple.Attachments;
    expect(attachment?.FileName).toBe('统计-2026-09.csv');
    expect(attachment?.RawContent).toBe(Buffer.from(CSV, 'utf8').toString('base64'));
  });
});

describe('the monthly report through the SES v2 mailer', () => {
  let h: Harness;
  let deps: MonthlyReportDeps;
  const client = new SESv2Client({ region: 'ap-east-1', credentials: CREDENTIALS });
  const ses = mockClient(client);

  beforeAll(async () => {
    h = await createHarness({ now: '2026-10-08T09:00:00+08:00' });
    deps = { ...h.deps, mailer: sesV2Mailer({ client, from: FROM }), recipients: ['chair@union.example.org'], hour: 9 };
  });
  afterAll(async () => {
    ses.restore();
    await h.close();
  });

  it('releases the ledger claim when SES fails, so the next run sends the report, once', async () => {
    ses.on(SendEmailCommand).rejectsOnce(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' })).resolves({ MessageId: 'report-1' });
    await expect(sendMonthlyReport(deps)).rejects.toThrow(/sending rate/);
    // Not 'busy': the failed run gave its claim up instead of holding it for the lease.
    expect(await sendMonthlyReport(deps)).toBe('sent');
    expect(await sendMonthlyReport(deps)).toBe('already_sent');

    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(2);
    const simple = calls[1]?.args[0].input.Content?.Simple;
    expect(simple?.Subject?.Data).toMatch(/^【月度统计】2026年9月 /);
    expect(simple?.Headers).toEqual([
      { Name: 'X-Report-Month', Value: '2026-09' },
      { Name: 'Auto-Submitted', Value: 'auto-generated' },
    ]);
    expect(simple?.Attachments?.map((a) => [a.FileName, a.ContentType, a.ContentTransferEncoding])).toEqual([
      ['统计-2026-09.csv', 'text/csv; charset=utf-8', 'BASE64'],
      ['督办清单-2026-09.csv', 'text/csv; charset=utf-8', 'BASE64'],
    ]);
    const first = new TextDecoder('utf-8', { ignoreBOM: true }).decode(simple?.Attachments?.[0]?.RawContent);
    expect(first.charCodeAt(0)).toBe(0xfeff);
  });
});
