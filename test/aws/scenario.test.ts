/**
 * The AWS configuration, end to end, without an account: every function from its built asset with
 * the environment its template gives it, on DynamoDB Local, fauxqs (SQS and S3), aws-ses-v2-local and the
 * Scheduler stand-in, fed real-format events. One case's life through all of it, then the IAM
 * policies held against the calls the functions made.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapStack } from '../../scripts/stack-trace';
import { API_ENV_VARIABLES, FUNCTION_VARIABLES } from '../../shared/config';
import type { MappingRun } from './gateway';
import { FUNCTIONS, MAILBOX_ADDRESS, PARAMETERS, startLocalAws, type FunctionKey, type LocalAws } from './local-aws';
import type { StoredEmail, StoredSchedule } from './services';
import { allowed, REGION } from './template';

/** Tuesday 1 December 2026, 10:30 in Shanghai: the month's first working day, after the report hour. */
const SCENARIO_START = Date.parse('2026-12-01T02:30:00Z');
const BOM = [0xef, 0xbb, 0xbf];

let aws: LocalAws;
beforeAll(async () => {
  aws = await startLocalAws({ clockStartMs: SCENARIO_START });
});
afterAll(async () => {
  await aws?.close();
});

/** A 1×1 PNG: a real image, judged by its bytes. */
const PHOTO = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const BOUNDARY = '----aws-suite-boundary';
/** The union's form as a browser sends it: text fields and a photo (API Gateway hands it over base64). */
const LETTER_WITH_PHOTO = Buffer.concat([
  Buffer.from([`--${BOUNDARY}`, 'Content-Disposition: form-data; name="name"', '', '赵六', `--${BOUNDARY}`, 'Content-Disposition: form-data; name="message"', '', '宿舍热水器坏了一个月', `--${BOUNDARY}`, 'Content-Disposition: form-data; name="files"; filename="热水器.png"', 'Content-Type: image/png', '', ''].join('\r\n')),
  PHOTO,
  Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
]);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The keys in the attachments bucket, as S3 itself lists them (not through any function). */
const objectKeys = async () => ((await aws.s3.send(new ListObjectsV2Command({ Bucket: aws.bucketName }))).Contents ?? []).map((o) => o.Key).sort();

const seconds = () => Math.floor(aws.now() / 1000);
const bearer = (groups: string[], office?: string, sub = `${groups[0]}-1`) => ({ authorization: `Bearer ${aws.cognito.idToken({ sub, groups, ...(office && { office }) }, seconds())}` });
const json = (headers: Record<string, string>) => ({ ...headers, 'content-type': 'application/json' });

/** Polls every mapping until every queue is empty; returns the batches delivered. */
async function drainQueues(): Promise<MappingRun[]> {
  const runs: MappingRun[] = [];
  for (let round = 0; round < 20; round++) {
    const got = (await Promise.all(aws.mappings.map((m) => m.poll()))).filter((r): r is MappingRun => r !== undefined);
    if (!got.length) return runs;
    runs.push(...got);
  }
  throw new Error('queues did not drain');
}

const emails = () => aws.ses.emails();
const newEmails = async (before: StoredEmail[]) => (await emails()).slice(before.length);

function fireInput(s: StoredSchedule): unknown {
  // A templated Lambda target gets Target.Input, parsed, as its event.
  return JSON.parse(s.Target.Input ?? '{}');
}

/** What Scheduler sends a target whose schedule has no Input. */
const defaultNotification = (scheduleName: string) => ({
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '123456789012',
  time: new Date(aws.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  region: 'ap-east-1',
  resources: [`arn:aws:scheduler:ap-east-1:123456789012:schedule/default/${scheduleName}`],
  detail: '{}',
});

describe('every function starts from its template', () => {
  it('gets exactly the variables it reads (and NODE_ENV, LOG_LEVEL), no --enable-source-maps, its asset with a source map beside the bundle', async () => {
    const { readdirSync } = await import('node:fs');
    for (const [key, fn] of Object.entries(aws.functions) as [FunctionKey, (typeof aws.functions)[FunctionKey]][]) {
      const vars = Object.keys(fn.environment).filter((v) => !['NODE_ENV', 'LOG_LEVEL'].includes(v));
      const reads: readonly string[] = key === 'api' ? API_ENV_VARIABLES : FUNCTION_VARIABLES[key];
      expect(vars.filter((v) => !reads.includes(v)), `${key}: template variables it never reads`).toEqual([]);
      expect(fn.environment.NODE_ENV).toBe('production');
      expect(fn.environment).not.toHaveProperty('NODE_OPTIONS');
      expect(readdirSync(fn.assetDir).sort(), key).toEqual(key === 'api' ? ['console', 'docs', 'index.mjs', 'index.mjs.map'] : ['index.mjs', 'index.mjs.map']);
    }
    expect(aws.functions.reporter.environment).not.toHaveProperty('SCHEDULE_GROUP');
  });

  it('each one answers its first invocation with no configuration error (the reporter and reconciler on their scheduled events)', async () => {
    const health = await aws.gateway.request('GET', '/health');
    expect(health.status).toBe(200);
    const reconcile = await aws.lambdas.reconciler.invoke(defaultNotification('ReconcileEvery5Minutes'));
    expect(reconcile.error, aws.lambdas.reconciler.output).toBeUndefined();
  });
});

describe('a case end to end on AWS-format events', () => {
  const ids: Record<string, string> = {};
  let firstBatch: MappingRun | undefined;
  let officeMails: StoredEmail[] = [];

  it('admins set up offices and routing through the API with Cognito ID tokens', async () => {
    const admin = json(bearer(['admin']));
    const office = (id: string, name: string) =>
      aws.gateway.request('PUT', `/v1/admin/offices/${id}`, {
        headers: admin,
        body: JSON.stringify({ name, email: `${id}@union.example.org`, escalation: { head: [`${id}.head@union.example.org`], supervisor: ['supervision@union.example.org'], chairman: ['chairman@union.example.org'] } }),
      });
    for (const [id, name] of [['rights', '权益保障部'], ['general', '办公室'], ['closing-soon', '临时窗口']] as const) expect((await office(id, name)).status, id).toBeLessThan(300);
    const routing = await aws.gateway.request('PUT', '/v1/admin/routing', {
      headers: admin,
      body: JSON.stringify({ rules: [{ when: { topic: 'wages' }, office: 'rights' }, { when: { channel: 'walk_in' }, office: 'rights' }], defaultOffice: 'general' }),
    });
    expect(routing.status, routing.text()).toBe(200);
    // An office nobody routes to can go (DeleteItem is the API's alone).
    expect((await aws.gateway.request('DELETE', '/v1/admin/offices/closing-soon', { headers: admin })).status).toBe(204);
    // Without a token the authorizer stops the request before the function.
    expect((await aws.gateway.request('GET', '/v1/admin/routing')).status).toBe(401);
  });

  it('takes a hotline call, a mailbox letter (urlencoded and multipart, base64 through API Gateway) and a walk-in visit', async () => {
    const operator = json(bearer(['operator']));
    const hotline = await aws.gateway.request('POST', '/v1/cases', {
      headers: { ...operator, 'idempotency-key': 'call-20261102-01' },
      body: JSON.stringify({ channel: 'hotline', category: 'advice', subject: '工地拖欠工资', description: '来电反映工地三个月未发工资', topic: 'wages', receivedAt: '2026-11-02T10:00:00+08:00', complainant: { name: '王师傅', phone: '13800138000' }, hotline: { callId: '0001' } }),
    });
    expect(hotline.status, hotline.text()).toBe(201);
    ids.hotline = hotline.json<{ id: string }>().id;

    const form = await aws.gateway.request('POST', '/v1/intake/mailbox', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', origin: 'https://www.union.example.org' },
      body: new URLSearchParams({ name: '李四', message: '食堂饭菜质量差，多次反映无人处理' }).toString(),
    });
    expect(form.status, form.text()).toBe(201);
    ids.mailbox = form.json<{ id?: string; ticketNo: string }>().ticketNo;
    expect(form.headers['access-control-allow-origin']).toBe('https://www.union.example.org');

    const letter = await aws.gateway.request('POST', '/v1/intake/mailbox', { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, accept: 'application/json' }, body: LETTER_WITH_PHOTO });
    expect(letter.status, letter.text()).toBe(201);
    ids.letterWithPhoto = letter.json<{ ticketNo: string }>().ticketNo;

    const reception = json(bearer(['reception']));
    const walkIn = await aws.gateway.request('POST', '/v1/cases', {
      headers: reception,
      body: JSON.stringify({ channel: 'walk_in', category: 'complaint', subject: '集体反映加班费', description: '三名职工来访反映加班费未结算', receivedAt: '2026-11-03T09:30:00+08:00', walkIn: { visitors: 3 } }),
    });
    expect(walkIn.status, walkIn.text()).toBe(201);
    ids.walkIn = walkIn.json<{ id: string }>().id;

    // The complainant tracks the letter; the browser's cookies arrive as API Gateway's cookies array.
    const code = letter.json<{ ticketNo: string; trackingCode: string }>();
    const track = await aws.gateway.request('GET', `/v1/track/${code.ticketNo}?code=${encodeURIComponent(code.trackingCode)}`, { headers: { cookie: 'lang=zh-CN; seen=1' } });
    expect(track.status, track.text()).toBe(200);
    // The public page never shows the letter's files.
    expect(track.text()).not.toMatch(/attachment|热水器\.png|sha256/i);
  });

  it('keeps the multipart letter\'s photo in the template\'s bucket; staff get a 302 to a presigned link that serves the same bytes', async () => {
    expect(aws.functions.api.environment.ATTACHMENTS_BUCKET).toBe(aws.bucketName);
    const supervisor = bearer(['supervisor']);
    const found = await aws.gateway.request('GET', `/v1/cases?ticketNo=${ids.letterWithPhoto}`, { headers: supervisor });
    expect(found.status, found.text()).toBe(200);
    const [listed] = found.json<{ items: { id: string; attachments?: { id: string; name: string; size: number; contentType: string; sha256: string }[] }[] }>().items;
    expect(listed?.attachments).toEqual([{ id: expect.any(String), name: '热水器.png', size: PHOTO.length, contentType: 'image/png', sha256: sha256(PHOTO) }]);
    const file = listed!.attachments![0]!;
    ids.letterCase = listed!.id;
    ids.photo = file.id;
    expect(await objectKeys()).toEqual([`attachments/${file.id}`]);

    const download = await aws.gateway.request('GET', `/v1/cases/${listed!.id}/attachments/${file.id}`, { headers: supervisor });
    expect(download.status, download.text()).toBe(302);
    expect(download.headers['cache-control']).toBe('private, no-store');
    const link = new URL(download.headers.location ?? '');
    expect(link.pathname).toBe(`/${aws.bucketName}/attachments/${file.id}`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(link.searchParams.get('X-Amz-Credential')).toMatch(/^ASIALOCALAPI\//);
    const fetched = await fetch(link);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get('content-type')).toBe('image/png');
    // S3 answers with these (fauxqs ignores them): the file's own name and type, whatever was stored.
    expect(link.searchParams.get('response-content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('热水器.png')}`);
    expect(link.searchParams.get('response-content-type')).toBe('image/png');
    expect(sha256(new Uint8Array(await fetched.arrayBuffer()))).toBe(file.sha256);

    // No token: the authorizer answers before the function, and no link is signed.
    expect((await aws.gateway.request('GET', `/v1/cases/${listed!.id}/attachments/${file.id}`)).status).toBe(401);
  });

  it('a letter sent again keeps its ticket and deletes the copy of its file it had just stored (DeleteObject)', async () => {
    const puts = () => aws.calls.api.filter((c) => c.action === 's3:PutObject').length;
    const before = puts();
    const again = await aws.gateway.request('POST', '/v1/intake/mailbox', { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, accept: 'application/json' }, body: LETTER_WITH_PHOTO });
    expect(again.status, again.text()).toBe(201);
    expect(again.json<{ ticketNo: string }>().ticketNo).toBe(ids.letterWithPhoto);
    // Stored first (a case never names a missing file), then deleted once the letter proved a replay.
    expect(puts()).toBe(before + 1);
    const deleted = aws.calls.api.filter((c) => c.action === 's3:DeleteObject');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.resources[0]).not.toBe(`arn:aws:s3:::${aws.bucketName}/attachments/${ids.photo}`);
    expect(await objectKeys()).toEqual([`attachments/${ids.photo}`]);
  });

  it('routes every case from the SQS batches (partial batch responses) and e-mails each office once, in zh-CN', async () => {
    const runs = await drainQueues();
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      expect(r.error, aws.lambdas.router.output).toBeUndefined();
      expect(r.response).toEqual({ batchItemFailures: [] });
      expect(r.deleted.sort()).toEqual(r.records.map((x) => x.messageId).sort());
    }
    firstBatch = runs[0];
    officeMails = (await emails()).filter((m) => m.subject.startsWith('【新案件'));
    expect(officeMails).toHaveLength(4);
    const toRights = officeMails.filter((m) => m.destination.to.includes('rights@union.example.org'));
    expect(toRights).toHaveLength(2);
    expect(officeMails.filter((m) => m.destination.to.includes('general@union.example.org'))).toHaveLength(2);
    for (const m of officeMails) {
      expect(m.from).toContain('cases@union.example.org');
      expect(m.subject).toMatch(/^【新案件】[HMW]\d{4}-\d{6} (建议咨询|求助申诉|需调查处理) · 请于/);
      expect(m.body.text).not.toContain('13800138000');
    }
  });

  it('a duplicate SQS delivery of a batch changes nothing and sends nothing', async () => {
    const before = await emails();
    const mapping = aws.mappings.find((m) => m.queueArn === firstBatch?.records[0]?.eventSourceARN);
    const again = await mapping?.deliver(firstBatch?.records.map((r) => ({ ...r, receiptHandle: `${r.receiptHandle}-again`, attributes: { ...r.attributes, ApproximateReceiveCount: '2' } })) ?? []);
    expect(again?.response).toEqual({ batchItemFailures: [] });
    expect(await newEmails(before)).toEqual([]);
  });

  it('a poison message in a batch is reported alone; redriven from the DLQ by an admin, it fails again while the good one is routed', async () => {
    const admin = json(bearer(['admin']));
    const queues = await aws.gateway.request('GET', '/v1/admin/queues', { headers: admin });
    expect(queues.status, queues.text()).toBe(200);
    // A message that already failed its five receives sits in the advice DLQ (SQS moved it there).
    const dlq = Object.entries(aws.queueUrls).find(([id]) => id.startsWith('AdviceDlq'))?.[1] ?? '';
    await aws.sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: 'not json' }));
    const redrive = await aws.gateway.request('POST', '/v1/admin/queues/advice/redrive', { headers: admin, body: '{}' });
    expect(redrive.status, redrive.text()).toBe(200);
    const good = await aws.gateway.request('POST', '/v1/cases', { headers: json(bearer(['operator'])), body: JSON.stringify({ channel: 'hotline', category: 'advice', subject: '咨询年假', description: '来电咨询年休假天数', hotline: { callId: '0002' } }) });
    expect(good.status).toBe(201);
    const advice = aws.mappings.find((m) => m.queueUrl === aws.queueUrls[Object.keys(aws.queueUrls).find((id) => id.startsWith('AdviceQueue')) ?? '']);
    const run = await advice?.poll();
    expect(run?.records).toHaveLength(2);
    const poison = run?.records.find((r) => r.body === 'not json');
    expect(run?.response?.batchItemFailures).toEqual([{ itemIdentifier: poison?.messageId }]);
    expect(run?.deleted).toEqual(run?.records.filter((r) => r !== poison).map((r) => r.messageId));
  });

  it('creates the SLA timer in the template\'s schedule group, as the real Scheduler API accepts it', () => {
    const timers = [...aws.scheduler.schedules.values()].filter((s) => JSON.parse(s.Target.Input ?? '{}').caseId === ids.hotline);
    expect(timers).toHaveLength(1);
    const [t] = timers as [StoredSchedule];
    const stateless = Object.keys(aws.assembly.stacks).find((s) => s.endsWith('Stateless')) ?? '';
    expect(t.GroupName).toBe(aws.functions.router.environment.SCHEDULE_GROUP);
    expect(t.Target.Arn).toBe(aws.functions.escalator.arn);
    expect(t.Target.RoleArn).toBe(aws.assembly.getAtt(stateless, Object.keys(aws.assembly.stacks[stateless]?.Resources ?? {}).find((id) => id.startsWith('SchedulerRole')) ?? '', 'Arn'));
    expect(t.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
    expect(t.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(t.ActionAfterCompletion).toBe('DELETE');
    expect(t.Target.DeadLetterConfig?.Arn).toMatch(/^arn:aws:sqs:ap-east-1:123456789012:.*TimerDlq/);
    // The payload the escalator gets: the case, the step, the deadline it was planned for, the case version.
    expect(JSON.parse(t.Target.Input ?? '')).toEqual({ caseId: ids.hotline, step: expect.stringMatching(/^(warning|breach|overdue-\d+)$/), dueAt: Date.parse('2026-11-09T23:59:59+08:00'), version: 2 });
    expect(t.Name).toBe(`c-${ids.hotline}-${JSON.parse(t.Target.Input ?? '').step}`);
    expect(aws.scheduler.log.filter((l) => l.status >= 400 && l.op !== 'CreateSchedule')).toEqual([]);
  });

  it('fires the escalator with the stored Target.Input: one 督办 e-mail up the ladder; a duplicate firing sends nothing more', async () => {
    const [t] = [...aws.scheduler.schedules.values()].filter((s) => JSON.parse(s.Target.Input ?? '{}').caseId === ids.hotline) as [StoredSchedule];
    aws.scheduler.schedules.delete(`${t.GroupName}/${t.Name}`); // ActionAfterCompletion: DELETE, once it ran
    const before = await emails();
    const fired = await aws.lambdas.escalator.invoke(fireInput(t));
    expect(fired.error, aws.lambdas.escalator.output).toBeUndefined();
    const sent = await newEmails(before);
    expect(sent).toHaveLength(1);
    const [mail] = sent as [StoredEmail];
    expect(mail.subject).toMatch(/^【督办】H2026-\d{6} .*超期\d+个工作日/);
    expect(mail.destination.to).toContain('rights@union.example.org');
    expect([...mail.destination.to, ...mail.destination.cc]).toEqual(expect.arrayContaining(['rights.head@union.example.org', 'supervision@union.example.org', 'chairman@union.example.org']));
    // The next step is scheduled; firing the same timer again (at-least-once delivery) is a no-op.
    const next = [...aws.scheduler.schedules.values()].filter((s) => JSON.parse(s.Target.Input ?? '{}').caseId === ids.hotline);
    expect(next).toHaveLength(1);
    expect(next[0]?.Name).not.toBe(t.Name);
    expect(next[0]?.ScheduleExpression).toMatch(/^at\(2026-12-02T09:00:00\)$/);
    const again = await aws.lambdas.escalator.invoke(fireInput(t));
    expect(again.error).toBeUndefined();
    expect(await newEmails(before)).toHaveLength(1);
  });

  it('warns about the walk-in visit (due today) and, finding its next timer already made by a racing writer, moves it (ConflictException → UpdateSchedule)', async () => {
    const [t] = [...aws.scheduler.schedules.values()].filter((s) => JSON.parse(s.Target.Input ?? '{}').caseId === ids.walkIn) as [StoredSchedule];
    expect(JSON.parse(t.Target.Input ?? '{}')).toMatchObject({ step: 'warning', dueAt: Date.parse('2026-12-01T23:59:59+08:00') });
    aws.scheduler.schedules.delete(`${t.GroupName}/${t.Name}`);
    // The breach timer exists already, with an older payload (a reconciler run that raced the escalator).
    const racing = `c-${ids.walkIn}-breach`;
    const key = `${t.GroupName}/${racing}`;
    aws.scheduler.schedules.set(key, { ...t, Name: racing, Target: { ...t.Target, Input: JSON.stringify({ ...JSON.parse(t.Target.Input ?? '{}'), step: 'breach' }) } });
    const before = await emails();
    const fired = await aws.lambdas.escalator.invoke(fireInput(t));
    expect(fired.error, aws.lambdas.escalator.output).toBeUndefined();
    const sent = await newEmails(before);
    expect(sent.map((m) => m.subject)).toEqual([expect.stringMatching(/^【即将超期】W2026-\d{6} .*剩余/)]);
    expect(aws.scheduler.log.filter((l) => l.name === racing).map((l) => `${l.op} ${l.status} ${l.by}`)).toEqual(['CreateSchedule 409 ASIALOCALESCALATOR', 'UpdateSchedule 200 ASIALOCALESCALATOR']);
    const moved = JSON.parse(aws.scheduler.schedules.get(key)?.Target.Input ?? '{}') as { step: string; version: number };
    expect(moved.step).toBe('breach');
    expect(moved.version).toBeGreaterThan(JSON.parse(t.Target.Input ?? '{}').version);
    expect(aws.scheduler.schedules.get(key)?.ScheduleExpression).toBe('at(2026-12-02T00:00:00)');
  });

  it('the office signs for the case and replies, each with the ETag in If-Match', async () => {
    const staff = json(bearer(['office'], 'rights', 'rights-staff'));
    const read = await aws.gateway.request('GET', `/v1/cases/${ids.hotline}`, { headers: staff });
    expect(read.status, read.text()).toBe(200);
    const stale = read.headers.etag ?? '';
    expect(stale).not.toBe('');
    expect((await aws.gateway.request('POST', `/v1/cases/${ids.hotline}/accept`, { headers: staff, body: '{}' })).status).toBe(428);
    const accepted = await aws.gateway.request('POST', `/v1/cases/${ids.hotline}/accept`, { headers: { ...staff, 'if-match': stale }, body: '{}' });
    expect(accepted.status, accepted.text()).toBe(200);
    expect((await aws.gateway.request('POST', `/v1/cases/${ids.hotline}/reply`, { headers: { ...staff, 'if-match': stale }, body: JSON.stringify({ text: '已督促企业', outcome: 'support' }) })).status).toBe(412);
    const replied = await aws.gateway.request('POST', `/v1/cases/${ids.hotline}/reply`, { headers: { ...staff, 'if-match': accepted.headers.etag ?? '' }, body: JSON.stringify({ text: '已督促企业于本周内发放拖欠工资。', outcome: 'support' }) });
    expect(replied.status, replied.text()).toBe(200);
    expect(replied.json<{ status: string }>().status).toBe('replied');
    // The overdue reminder gave way to the auto-close timer.
    const timers = [...aws.scheduler.schedules.values()].filter((s) => JSON.parse(s.Target.Input ?? '{}').caseId === ids.hotline);
    expect(timers.map((s) => JSON.parse(s.Target.Input ?? '{}').step)).toEqual(['autoclose']);
  });

  it('a supervisor transfers the walk-in visit to another office, which the API e-mails', async () => {
    const supervisor = json(bearer(['supervisor']));
    const read = await aws.gateway.request('GET', `/v1/cases/${ids.walkIn}`, { headers: supervisor });
    const before = await emails();
    const moved = await aws.gateway.request('POST', `/v1/cases/${ids.walkIn}/assign`, { headers: { ...supervisor, 'if-match': read.headers.etag ?? '' }, body: JSON.stringify({ office: 'general', reason: '属办公室职责' }) });
    expect(moved.status, moved.text()).toBe(200);
    const sent = await newEmails(before);
    expect(sent.map((m) => m.destination.to)).toEqual([['general@union.example.org']]);
    expect(sent[0]?.subject).toMatch(/^【/);
    // The transfer also queued the case for the router, which finds the new office told already.
    const runs = await drainQueues();
    expect(runs.flatMap((r) => r.records.map((x) => JSON.parse(x.body).caseId))).toEqual([ids.walkIn]);
    expect(runs.every((r) => r.response?.batchItemFailures.length === 0)).toBe(true);
    expect(await newEmails(before)).toHaveLength(1);
  });

  it('serves the CSV chase list through API Gateway starting with the UTF-8 BOM bytes', async () => {
    const supervisor = bearer(['supervisor']);
    const csv = await aws.gateway.request('GET', '/v1/reports/supervision?month=2026-11&format=csv', { headers: supervisor });
    expect(csv.status, csv.text()).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual(BOM);
    expect(csv.bytes.subarray(3).toString('utf8')).toContain('工单号');
  });

  it('serves /docs with Swagger UI and openapi.yaml from the function itself, on public routes', async () => {
    const page = await aws.gateway.request('GET', '/docs');
    expect(page.status).toBe(200);
    const assets = [...page.text().matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(page.text()).not.toMatch(/https?:\/\//);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const a of assets) {
      const res = await aws.gateway.request('GET', a);
      expect(res.status, a).toBe(200);
      expect(res.bytes.byteLength).toBeGreaterThan(10_000);
    }
    const yaml = await aws.gateway.request('GET', '/openapi.yaml');
    expect(yaml.status).toBe(200);
    expect(yaml.text()).toMatch(/^# Generated by `npm run openapi`[\s\S]*openapi: 3\.1/);
  });

  it('serves the office console built into the API asset, on public routes: the shell at /console/ and at a deep link, its hashed files', async () => {
    const { readdirSync } = await import('node:fs');
    const built = readdirSync(join(aws.functions.api.assetDir, 'console')).sort();
    expect(built).toEqual(expect.arrayContaining(['index.html', expect.stringMatching(/^app-[\w-]+\.js$/), expect.stringMatching(/^app-[\w-]+\.css$/)]));
    for (const path of ['/console/', '/console/cases/01JEXAMPLE']) {
      const shell = await aws.gateway.request('GET', path);
      expect(shell.status, path).toBe(200);
      expect(shell.headers['content-type'], path).toMatch(/^text\/html/);
      expect(shell.headers['content-security-policy'], path).toContain("script-src 'self'");
      expect(shell.text(), path).toContain('<html lang="zh-CN"');
    }
    const shell = (await aws.gateway.request('GET', '/console/')).text();
    const files = [...shell.matchAll(/(?:href|src)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect(built, f).toContain(f.replace('/console/assets/', ''));
      const res = await aws.gateway.request('GET', f);
      expect(res.status, f).toBe(200);
      expect(res.headers['cache-control'], f).toContain('immutable');
    }
    // Sign-in settings reach the console from the template: the managed login of the template's user pool domain.
    const config = JSON.parse((await aws.gateway.request('GET', '/v1/auth/config')).text()) as { provider: string; authorizeUrl: string; clientId: string };
    expect(config.provider).toBe('cognito');
    expect(config.authorizeUrl).toMatch(/^https:\/\/[a-z0-9-]+\.auth\.ap-east-1\.amazoncognito\.com\/oauth2\/authorize$/);
    expect(config.clientId).toBe(aws.functions.api.environment.COGNITO_CONSOLE_CLIENT_ID);
  });

  it('the scheduled reconciler re-creates nothing twice and sends nothing', async () => {
    const before = await emails();
    const schedules = new Map(aws.scheduler.schedules);
    const out = await aws.lambdas.reconciler.invoke(defaultNotification('ReconcileEvery5Minutes'));
    expect(out.error, aws.lambdas.reconciler.output).toBeUndefined();
    expect(await newEmails(before)).toEqual([]);
    expect([...aws.scheduler.schedules.keys()].sort()).toEqual([...schedules.keys()].sort());
  });

  it('the daily reporter sends November\'s report once, to the leadership addresses, with both CSV attachments', async () => {
    const before = await emails();
    const first = await aws.lambdas.reporter.invoke(defaultNotification('MonthlyReportCheck'));
    expect(first.error, aws.lambdas.reporter.output).toBeUndefined();
    expect(first.result).toBe('sent');
    const sent = await newEmails(before);
    expect(sent).toHaveLength(1);
    const [mail] = sent as [StoredEmail];
    expect(mail.destination.to.sort()).toEqual(PARAMETERS.LeadershipEmails.split(',').sort());
    expect(mail.subject).toMatch(/^【月度统计】2026年11月 受理\d+件/);
    expect(mail.attachments.map((a) => a.filename).sort()).toEqual(['督办清单-2026-11.csv', '统计-2026-11.csv'].sort());
    for (const a of mail.attachments) {
      const bytes = Buffer.from(a.content, 'base64');
      expect([...bytes.subarray(0, 3)], a.filename).toEqual(BOM);
    }
    const again = await aws.lambdas.reporter.invoke(defaultNotification('MonthlyReportCheck'));
    expect(again.error).toBeUndefined();
    expect(await newEmails(before)).toHaveLength(1);
  });
});

describe('the reconciler rebuilds queues and timers from the table', () => {
  const stuck: string[] = [];

  it('re-sends a case whose queue message was lost once its last send is older than the queues’ visibility plus the grace, not before', async () => {
    const operator = json(bearer(['operator']));
    for (const callId of ['0101', '0102']) {
      const res = await aws.gateway.request('POST', '/v1/cases', { headers: operator, body: JSON.stringify({ channel: 'hotline', category: 'advice', subject: '咨询加班工资计算', description: '来电咨询加班工资计算方法', receivedAt: '2026-11-16T09:00:00+08:00', hotline: { callId } }) });
      expect(res.status).toBe(201);
      stuck.push(res.json<{ id: string }>().id);
    }
    // One message is lost on its way (received and deleted by nobody's router).
    const advice = aws.queueUrls[Object.keys(aws.queueUrls).find((id) => id.startsWith('AdviceQueue')) ?? ''] ?? '';
    const got: Message[] = [];
    for (let i = 0; i < 10 && got.length < 2; i++) got.push(...((await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: advice, MaxNumberOfMessages: 10 }))).Messages ?? []));
    expect(got.map((m) => JSON.parse(m.Body ?? '{}').caseId).sort()).toEqual([...stuck].sort());
    const lost = got.find((m) => JSON.parse(m.Body ?? '{}').caseId === stuck[0]);
    await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: advice, ReceiptHandle: lost?.ReceiptHandle }));
    // The other one the mapping delivers.
    const mapping = aws.mappings.find((m) => m.queueUrl === advice);
    const other = got.filter((m) => m !== lost);
    expect((await mapping?.deliver(other.map((m) => mapping.record(m))))?.response).toEqual({ batchItemFailures: [] });

    // Two minutes on, the message may still be in a router's hands (hidden for the template's 180 s): nothing is re-sent.
    aws.advanceClock(2 * 60_000);
    const early = await aws.lambdas.reconciler.invoke<{ requeued: number }>(defaultNotification('ReconcileEvery5Minutes'));
    expect(early.error, aws.lambdas.reconciler.output).toBeUndefined();
    expect(early.result?.requeued).toBe(0);
    // Five minutes after its send (past 180 s + the 60 s grace), the next pass re-sends it.
    aws.advanceClock(3 * 60_000);
    const before = await emails();
    const out = await aws.lambdas.reconciler.invoke<{ requeued: number }>(defaultNotification('ReconcileEvery5Minutes'));
    expect(out.error, aws.lambdas.reconciler.output).toBeUndefined();
    expect(out.result?.requeued).toBe(1);
    const runs = await drainQueues();
    expect(runs.flatMap((r) => r.records.map((x) => JSON.parse(x.body).caseId))).toEqual([stuck[0]]);
    expect((await newEmails(before)).map((m) => m.destination.to)).toEqual([['general@union.example.org']]);
  });

  it('re-creates a timer Scheduler lost and moves one that did not fire, five minutes on', async () => {
    const timerOf = (id: string) => [...aws.scheduler.schedules.values()].find((s) => JSON.parse(s.Target.Input ?? '{}').caseId === id);
    const [lostId, lateId] = stuck as [string, string];
    const lost = timerOf(lostId);
    expect(lost).toBeDefined();
    expect(timerOf(lateId)).toBeDefined();
    aws.scheduler.schedules.delete(`${lost?.GroupName}/${lost?.Name}`);
    aws.advanceClock(5 * 60_000);
    const mark = aws.scheduler.log.length;
    const out = await aws.lambdas.reconciler.invoke<{ timersRepaired: number }>(defaultNotification('ReconcileEvery5Minutes'));
    expect(out.error, aws.lambdas.reconciler.output).toBeUndefined();
    expect(out.result?.timersRepaired).toBeGreaterThanOrEqual(2);
    const byName = (name?: string) => aws.scheduler.log.slice(mark).filter((l) => l.name === name && l.by === 'ASIALOCALRECONCILER').map((l) => `${l.op} ${l.status}`);
    expect(byName(lost?.Name)).toEqual(['CreateSchedule 200']);
    expect(byName(timerOf(lateId)?.Name)).toEqual(['CreateSchedule 409', 'UpdateSchedule 200']);
    expect(timerOf(lostId)?.Target.Input).toBe(lost?.Target.Input);
  });
});

describe('the mailbox address: SES receipt events with the raw message in S3', () => {
  const fn = () => aws.functions['inbound-mail'];
  /** What SES's S3 action does: the raw message under inbound/<SES message id> (written with SES's own access, not a function's). */
  const store = (sesId: string, raw: Buffer) => aws.s3.send(new PutObjectCommand({ Bucket: aws.inboundBucketName, Key: `inbound/${sesId}`, Body: raw }));
  /** The event SES's Lambda action sends (the developer guide's "Event records provided by the Lambda action"): headers and verdicts, no body. */
  const receiptEvent = (sesId: string, raw: Buffer, verdicts: { spam: string; virus: string } = { spam: 'PASS', virus: 'PASS' }) => {
    const head = raw.toString('latin1').split(/\r?\n\r?\n/, 1)[0] ?? '';
    const headers = head.split(/\r?\n(?![ \t])/).map((l) => ({ name: l.slice(0, l.indexOf(':')), value: l.slice(l.indexOf(':') + 1).trim() }));
    const header = (n: string) => headers.find((h) => h.name.toLowerCase() === n)?.value ?? '';
    const at = new Date(aws.now()).toISOString();
    return {
      Records: [
        {
          eventSource: 'aws:ses',
          eventVersion: '1.0',
          ses: {
            mail: {
              timestamp: at,
              source: header('return-path').replace(/[<>]/g, ''),
              messageId: sesId,
              destination: [MAILBOX_ADDRESS],
              headersTruncated: false,
              headers,
              commonHeaders: { returnPath: header('return-path').replace(/[<>]/g, ''), from: [header('from')], date: header('date'), to: [MAILBOX_ADDRESS], messageId: header('message-id'), subject: header('subject') },
            },
            receipt: {
              timestamp: at,
              processingTimeMillis: 611,
              recipients: [MAILBOX_ADDRESS],
              spamVerdict: { status: verdicts.spam },
              virusVerdict: { status: verdicts.virus },
              spfVerdict: { status: 'PASS' },
              dkimVerdict: { status: 'PASS' },
              dmarcVerdict: { status: 'GRAY' },
              action: { type: 'Lambda', functionArn: fn().arn, invocationType: 'Event' },
            },
          },
        },
      ],
    };
  };
  const foxmail = readFileSync(new URL('../fixtures/mail/foxmail-gb2312.eml', import.meta.url));
  let caseId = '';
  let receiptId = '';

  it('a Foxmail letter (GB2312, a PDF) stored by SES becomes a mailbox case with its file in the attachments bucket', async () => {
    await store('ses-inbound-0001', foxmail);
    const out = await aws.lambdas['inbound-mail'].invoke<{ outcome: { kind: string; caseId: string }; duplicate: boolean }[]>(receiptEvent('ses-inbound-0001', foxmail));
    expect(out.error, aws.lambdas['inbound-mail'].output).toBeUndefined();
    expect(out.result?.[0]).toMatchObject({ outcome: { kind: 'case' }, duplicate: false });
    caseId = out.result?.[0]?.outcome.caseId ?? '';
    const res = await aws.gateway.request('GET', `/v1/cases/${caseId}`, { headers: bearer(['supervisor']) });
    const c = res.json<{ channel: string; subject: string; complainant: unknown; attachments: { id: string; name: string }[] }>();
    expect(c).toMatchObject({ channel: 'mailbox', subject: '关于拖欠加班费的反映', complainant: { name: '李四', email: 'lisi@foxmail.com' } });
    expect(c.attachments.map((a) => a.name)).toEqual(['工资条.pdf']);
    expect(await objectKeys()).toContain(`attachments/${c.attachments[0]?.id}`);
  });

  it('the router sends the receipt through SES, answering the letter', async () => {
    const before = await emails();
    await drainQueues();
    const receipts = (await newEmails(before)).filter((m) => m.destination.to.includes('lisi@foxmail.com'));
    expect(receipts.map((m) => m.subject)).toEqual([expect.stringMatching(/^【受理告知】/)]);
    receiptId = receipts[0]?.messageId ?? '';
    expect(receiptId).not.toBe('');
  });

  it('a reply to the receipt is a supplement on the same case; the inbound-mail function tells the office through SES', async () => {
    const reply = Buffer.from(
      [
        'Return-Path: <lisi@foxmail.com>',
        'From: =?gb2312?B?wO7LxA==?= <lisi@foxmail.com>',
        `To: ${MAILBOX_ADDRESS}`,
        'Subject: =?utf-8?B?5Zue5aSN77ya6KGl5YWF?=',
        'Message-ID: <202603021130001@foxmail.com>',
        // SES gives a sent message the Message-ID <id@region.amazonses.com>; that is what a reply names.
        `In-Reply-To: <${receiptId}@${REGION}.amazonses.com>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        '补充：车间还有二十人同样情况。',
        '',
      ].join('\r\n'),
    );
    await store('ses-inbound-0002', reply);
    const before = await emails();
    const out = await aws.lambdas['inbound-mail'].invoke<{ outcome: { kind: string; caseId: string } }[]>(receiptEvent('ses-inbound-0002', reply));
    expect(out.error, aws.lambdas['inbound-mail'].output).toBeUndefined();
    expect(out.result?.[0]?.outcome).toEqual({ kind: 'supplement', caseId });
    const history = (await aws.gateway.request('GET', `/v1/cases/${caseId}/events`, { headers: bearer(['supervisor']) })).json<{ items: { action: string; detail?: { text?: string } }[] }>();
    expect(history.items.filter((e) => e.action === 'supplement').map((e) => e.detail?.text)).toEqual(['补充：车间还有二十人同样情况。']);
    expect((await newEmails(before)).map((m) => m.subject)).toEqual([expect.stringMatching(/^【补充材料】/)]);
    // Lambda retries an asynchronous invocation that failed, and SES may deliver twice: filed once.
    const again = await aws.lambdas['inbound-mail'].invoke<{ duplicate: boolean }[]>(receiptEvent('ses-inbound-0002', reply));
    expect(again.result?.[0]?.duplicate).toBe(true);
  });

  it('a message SES judged spam is held, not filed, and listed for supervisors with where its raw message is', async () => {
    const spam = Buffer.from(['Return-Path: <promo@spam.example.com>', 'From: promo@spam.example.com', `To: ${MAILBOX_ADDRESS}`, 'Subject: 发票代开', 'Message-ID: <spam-1@spam.example.com>', '', '代开各类发票', ''].join('\r\n'));
    await store('ses-inbound-0003', spam);
    const out = await aws.lambdas['inbound-mail'].invoke<{ outcome: { kind: string; reason: string } }[]>(receiptEvent('ses-inbound-0003', spam, { spam: 'FAIL', virus: 'PASS' }));
    expect(out.result?.[0]?.outcome).toMatchObject({ kind: 'held', reason: 'spam' });
    const held = (await aws.gateway.request('GET', '/v1/mailbox/held', { headers: bearer(['supervisor']) })).json<{ items: { reason: string; raw: { location: string } }[] }>();
    expect(held.items).toEqual([expect.objectContaining({ reason: 'spam', raw: { kind: 's3', location: `s3://${aws.inboundBucketName}/inbound/ses-inbound-0003` } })]);
  });
});

describe('errors from the minified bundles', () => {
  it('carry stack traces that the source map shipped in the asset maps back to the TypeScript sources (npm run stack-trace)', async () => {
    // A schedule whose Target.Input is the JSON `null` (none of ours): the handler throws on it.
    const out = await aws.lambdas.escalator.invoke(null);
    expect(out.error?.stack).toMatch(/index\.mjs:\d+:\d+/);
    const map = JSON.parse(readFileSync(join(aws.functions.escalator.assetDir, 'index.mjs.map'), 'utf8')) as SourceMapPayload;
    const mapped = mapStack(out.error?.stack ?? '', map, aws.functions.escalator.assetDir);
    expect(mapped).not.toMatch(/index\.mjs:\d+:\d+/);
    expect(mapped).toMatch(/\((shared|functions)\/[\w/-]+\.ts:\d+:\d+\)/);
  });
});

describe('a letter with 7 MB of files reaches the case: the files go ahead to S3 (presigned POSTs), the letter through API Gateway', () => {
  const MB = 1024 * 1024;
  const pdf = (size: number, fill: number) => {
    const b = Buffer.alloc(size, fill);
    b.write('%PDF-1.7\n', 0);
    return b;
  };
  const FILES: [string, Buffer][] = [
    ['劳动合同.pdf', pdf(3.5 * MB, 0x41)],
    ['工资条 三月.pdf', pdf(3.5 * MB, 0x42)],
  ];
  const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
  const PAGE_ORIGIN = new URL(PARAMETERS.PublicBaseUrl).origin;
  type Grant = { id: string; name: string; url: string; fields: Record<string, string>; expiresAt: string };
  let grants: Grant[] = [];
  let ticketNo = '';
  const ticketOf = (res: { headers: Record<string, string> }) => new URL(res.headers.location ?? '', 'https://x').searchParams.get('ticketNo') ?? '';
  const fields = { name: '钱七', message: '附上劳动合同和工资条的扫描件', submissionId: 'aws-sent-ahead-01' };
  const letter = (uploads: string[], extra: Record<string, string> = {}) => {
    const form = new URLSearchParams({ ...fields, ...extra });
    for (const id of uploads) form.append('upload', id);
    return aws.gateway.request('POST', '/v1/intake/mailbox', { headers: { 'content-type': 'application/x-www-form-urlencoded', accept: BROWSER }, body: form.toString(), sourceIp: '198.51.100.77' });
  };
  /** A browser's POST to a presigned target: the fields as given (or changed), then the file. */
  const post = (g: Grant, bytes: Buffer, origin = PAGE_ORIGIN, change: Record<string, string> = {}) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries({ ...g.fields, ...change })) fd.append(k, v);
    fd.append('file', new File([bytes], g.name));
    return fetch(g.url, { method: 'POST', body: fd, headers: { origin } });
  };
  const keys = async (prefix: string) => (await objectKeys()).filter((k) => k?.startsWith(prefix));

  it('declares the files: one presigned POST each, whose policy pins the key, type, name and size, expires in 15 minutes and is signed by the API role', async () => {
    const declared = await aws.gateway.request('POST', '/v1/intake/mailbox/uploads', {
      headers: { 'content-type': 'application/json', accept: 'application/json', origin: PAGE_ORIGIN },
      body: JSON.stringify({ files: FILES.map(([name, b]) => ({ name, size: b.length, contentType: 'application/pdf' })) }),
    });
    expect(declared.status, declared.text()).toBe(200);
    grants = declared.json<{ uploads: Grant[] }>().uploads;
    expect(grants.map((g) => g.name)).toEqual(FILES.map(([n]) => n));
    for (const [i, g] of grants.entries()) {
      expect(g.url).toBe(`${new URL(g.url).origin}/${aws.bucketName}`);
      expect(g.fields.key).toBe(`incoming/${g.id}`);
      const policy = JSON.parse(Buffer.from(g.fields.Policy ?? '', 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
      expect(Date.parse(policy.expiration) - aws.now()).toBeGreaterThan(14 * 60_000);
      expect(Date.parse(policy.expiration) - aws.now()).toBeLessThanOrEqual(15 * 60_000);
      expect(policy.conditions).toEqual(
        expect.arrayContaining([
          ['content-length-range', 1, FILES[i]![1].length],
          { key: `incoming/${g.id}` },
          { bucket: aws.bucketName },
          { 'Content-Type': 'application/pdf' },
          { 'x-amz-meta-name': encodeURIComponent(FILES[i]![0]) },
          { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
          { 'X-Amz-Credential': expect.stringMatching(/^ASIALOCALAPI\/\d{8}\/ap-east-1\/s3\/aws4_request$/) },
          { 'X-Amz-Security-Token': 'local-session' },
        ]),
      );
    }
    // The page says files go ahead, and lets its script post to the bucket's origin.
    const page = await aws.gateway.request('GET', '/mailbox', { headers: { accept: BROWSER } });
    expect(page.text()).toContain('data-uploads="/v1/intake/mailbox/uploads"');
    expect(page.headers['content-security-policy']).toContain(`connect-src 'self' ${new URL(grants[0]!.url).origin}`);
  });

  it('S3 holds each POST to its policy: more bytes than declared, another type or key, a forged signature are refused and store nothing; CORS only for the allowed origins', async () => {
    const [g] = grants as [Grant];
    const big = await post(g, pdf(FILES[0]![1].length + 1, 0x43));
    expect(big.status).toBe(400);
    expect(await big.text()).toContain('EntityTooLarge');
    expect(big.headers.get('access-control-allow-origin')).toBe(PAGE_ORIGIN);
    expect((await post(g, FILES[0]![1], PAGE_ORIGIN, { 'Content-Type': 'text/html' })).status).toBe(403);
    expect((await post(g, FILES[0]![1], PAGE_ORIGIN, { key: 'attachments/planted' })).status).toBe(403);
    expect((await post(g, FILES[0]![1], PAGE_ORIGIN, { 'X-Amz-Signature': '0'.repeat(64) })).status).toBe(403);
    const elsewhere = await post(g, pdf(FILES[0]![1].length + 1, 0x43), 'https://evil.example');
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    expect(await keys('incoming/')).toEqual([]);
    expect(await keys('attachments/planted')).toEqual([]);
  });

  it('takes each file straight from the browser (204, with CORS for the page’s origin and the union’s site)', async () => {
    const origins = [PAGE_ORIGIN, PARAMETERS.AllowedOrigins];
    for (const [i, g] of grants.entries()) {
      const res = await post(g, FILES[i]![1], origins[i]);
      expect(res.status, await res.text()).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(origins[i]);
    }
    expect(await keys('incoming/')).toEqual(grants.map((g) => `incoming/${g.id}`).sort());
  });

  it('the letter names the upload ids (a few hundred bytes through API Gateway); the case lists both files judged by their bytes and hashed, copied to attachments/ and gone from incoming/', async () => {
    const res = await letter(grants.map((g) => g.id));
    expect(res.status, res.text()).toBe(303);
    ticketNo = ticketOf(res);
    const found = await aws.gateway.request('GET', `/v1/cases?ticketNo=${ticketNo}`, { headers: bearer(['supervisor']) });
    const [listed] = found.json<{ items: { id: string; attachments?: { id: string; name: string; size: number; contentType: string; sha256: string }[] }[] }>().items;
    expect(listed?.attachments).toEqual(FILES.map(([name, b], i) => ({ id: grants[i]!.id, name, size: b.length, contentType: 'application/pdf', sha256: sha256(b) })));
    expect(await keys('incoming/')).toEqual([]);
    expect(await keys('attachments/')).toEqual(expect.arrayContaining(grants.map((g) => `attachments/${g.id}`)));
    // Staff download what the browser uploaded, byte for byte.
    const download = await aws.gateway.request('GET', `/v1/cases/${listed!.id}/attachments/${grants[1]!.id}`, { headers: bearer(['supervisor']) });
    expect(download.status).toBe(302);
    expect(sha256(new Uint8Array(await (await fetch(download.headers.location ?? '')).arrayBuffer()))).toBe(sha256(FILES[1]![1]));
    // The same 7 MB posted as multipart would be over Lambda's 6 MB once API Gateway base64-encodes it.
    expect(Math.ceil((FILES[0]![1].length + FILES[1]![1].length) / 3) * 4).toBeGreaterThan(6 * MB);
  });

  it('posted again (a reload of the POST), the letter keeps its ticket: its uploads are found kept; a letter naming an upload that never arrived comes back as entered', async () => {
    const heads = () => aws.calls.api.filter((c) => c.action === 's3:GetObject' && c.resources.some((r) => r.includes('/attachments/'))).length;
    const before = heads();
    const again = await letter(grants.map((g) => g.id));
    expect(again.status, again.text()).toBe(303);
    expect(ticketOf(again)).toBe(ticketNo);
    // incoming/ is empty: each upload was found kept under attachments/ (HeadObject, authorized as GetObject).
    expect(heads()).toBe(before + grants.length);
    const declared = await aws.gateway.request('POST', '/v1/intake/mailbox/uploads', {
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ files: [{ name: '没传上去.pdf', size: 1000, contentType: 'application/pdf' }] }),
    });
    const [never] = declared.json<{ uploads: Grant[] }>().uploads;
    const missing = await letter([never!.id], { submissionId: 'aws-sent-ahead-02', message: '附件没有传上去' });
    expect(missing.status).toBe(400);
    expect(missing.text()).toContain('附件上传未完成或已过期');
    expect(missing.text()).toContain('附件没有传上去');
    // Route the new case, so later scenarios find the queues as they left them.
    for (const r of await drainQueues()) expect(r.response).toEqual({ batchItemFailures: [] });
  });
});

describe('IAM: the policies in the template against the calls the functions made', () => {
  /** Granted to the Lambda service on the function's behalf, not called by its code: logs, traces, and the SQS poller's own calls. */
  const RUNTIME = /^(logs|xray):/;
  /** Granted by CDK's SqsEventSource for the poller (grantConsumeMessages); Lambda's poller uses Receive, Delete and GetQueueAttributes only. */
  const POLLER_EXTRA = ['sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl'];
  /**
   * Granted for a path the code has that this scenario cannot reach from the template, each with
   * the path. The test below also fails once the scenario does call it, so the list cannot go stale.
   */
  const REACHABLE_NOT_EXERCISED: Partial<Record<FunctionKey, Record<string, string>>> = {
    'inbound-mail': {
      's3:DeleteObject': 'fileInboundMail: a message whose case was created by an earlier delivery that died before recording its outcome deletes the copies of its files the retry stored',
    },
    reconciler: {
      'scheduler:DeleteSchedule':
        "repairTimers: a case whose recorded timer step is not the one the escalation policy plans (after the policy's defaults change in a release) gets the planned one and the old step's schedule deleted",
    },
  };

  it('every call a function made is allowed by its role, on that resource', () => {
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const fn = aws.functions[key];
      expect(aws.calls[key].length, key).toBeGreaterThan(0);
      for (const c of aws.calls[key]) for (const r of c.resources) expect(allowed(fn.statements, c.action, r), `${key}: ${c.action} on ${r}`).toBe(true);
    }
  });

  it('every action granted is one the function called', () => {
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const granted = new Set(aws.functions[key].statements.flatMap((s) => s.Action).filter((a) => !RUNTIME.test(a) && !(key === 'router' && POLLER_EXTRA.includes(a))));
      const called = new Set(aws.calls[key].map((c) => c.action));
      const excused = Object.keys(REACHABLE_NOT_EXERCISED[key] ?? {});
      expect([...granted].filter((a) => !called.has(a) && !excused.includes(a)).sort(), `${key}: granted, never called`).toEqual([]);
      for (const a of excused) expect(granted.has(a) && !called.has(a), `${key}: ${a} is exercised now (or no longer granted): drop it from the list`).toBe(true);
    }
  });

  it('nothing was called with credentials no function has', () => {
    expect(aws.calls.other.filter((c) => !c.accessKeyId.startsWith('suite'))).toEqual([]);
  });
});
