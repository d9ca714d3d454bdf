import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LambdaContext } from 'hono/aws-lambda';
import { signHs256 } from '../../shared/adapters/auth/hs256';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable } from '../../shared/adapters/dynamo/ensure-table';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';
import { startLocalSqs, type LocalSqs } from '../../shared/adapters/local/fauxqs';
import { buildHandler } from '../../functions/api';
import { checkLambdaResult } from '../support/contract';
import { hotlineCase } from '../support/harness';

/** The Lambda entry, fed API Gateway HTTP API (v2) events, on the embedded engine. */
const secret = 'lambda-secret-of-at-least-thirty-two-chars';
let engine: LocalDynamo;
let sqs: LocalSqs;
let handler: ReturnType<typeof checked>;
/** The Lambda's results are held to openapi.yaml like every other test response. */
const checked =
  (h: ReturnType<typeof buildHandler>) =>
  async (...args: Parameters<ReturnType<typeof buildHandler>>) => {
    const result = await h(...args);
    await checkLambdaResult(args[0] as Parameters<typeof checkLambdaResult>[0], result);
    return result;
  };

function event(method: string, path: string, opts: { body?: string; headers?: Record<string, string>; query?: string; ip?: string } = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: opts.query ?? '',
    headers: { host: 'api.example.org', ...opts.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.org',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: opts.ip ?? '203.0.113.9', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: Date.now(),
    },
    body: opts.body,
    isBase64Encoded: false,
  };
}
const context = {} as LambdaContext;

beforeAll(async () => {
  engine = await startDynalite();
  sqs = await startLocalSqs({ region: 'ap-east-1' });
  const db = createDynamoClient({ tableName: 'lambda-test', endpoint: engine.endpoint });
  await ensureTable(db, 'lambda-test');
  db.destroy();
  handler = checked(buildHandler({ ...lambdaEnv(), JWT_SECRET: secret, FORM_RATE_LIMIT: '2' }));
});

/** What the function needs besides how it verifies tokens: the embedded engines for table and queues. */
function lambdaEnv(): Record<string, string> {
  const queues = Object.fromEntries(
    Object.entries(sqs.queues).flatMap(([category, q]) => [
      [`QUEUE_URL_${category.toUpperCase()}`, q.url],
      [`DLQ_URL_${category.toUpperCase()}`, q.dlqUrl],
    ]),
  );
  return {
    TABLE_NAME: 'lambda-test',
    DYNAMODB_ENDPOINT: engine.endpoint,
    SQS_ENDPOINT: sqs.endpoint,
    AWS_REGION: 'ap-east-1',
    ...queues,
    // Calendar uploads move timers through EventBridge Scheduler; nothing here calls it.
    PUBLIC_BASE_URL: 'https://cases.union.example.org',
    SCHEDULE_GROUP: 'union-cases',
    ESCALATOR_ARN: 'arn:aws:lambda:ap-east-1:123456789012:function:escalator',
    SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler-invokes-escalator',
    LOG_LEVEL: 'error',
  };
}
afterAll(async () => {
  await sqs.close();
  await engine.close();
});

describe('Lambda entry (functions/api)', () => {
  it('refuses to start without JWT_SECRET or without its queues', () => {
    expect(() => buildHandler({ TABLE_NAME: 'cases' })).toThrowError(/JWT_SECRET/);
    expect(() => buildHandler({ TABLE_NAME: 'cases', JWT_SECRET: secret })).toThrowError(/PUBLIC_BASE_URL/);
    const base = { TABLE_NAME: 'cases', JWT_SECRET: secret, PUBLIC_BASE_URL: 'https://cases.example.org' };
    expect(() => buildHandler(base)).toThrowError(/SCHEDULE_GROUP[\s\S]*SCHEDULER_ROLE_ARN/);
    const scheduler = { SCHEDULE_GROUP: 'g', ESCALATOR_ARN: 'arn:e', SCHEDULER_ROLE_ARN: 'arn:r' };
    expect(() => buildHandler({ ...base, ...scheduler })).toThrowError(/QUEUE_URL_ADVICE[\s\S]*DLQ_URL_INVESTIGATION/);
  });

  it('serves health, creates a case and reads it back', async () => {
    const health = await handler(event('GET', '/health') as never, context);
    expect(health).toMatchObject({ statusCode: 200 });
    const token = await signHs256({ sub: 'op', roles: ['operator'] }, { secret, ttlSeconds: 60 });
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = (await handler(event('POST', '/v1/cases', { body: JSON.stringify(hotlineCase()), headers: auth }) as never, context)) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(created.statusCode).toBe(201);
    const body = JSON.parse(created.body) as { id: string; ticketNo: string };
    expect(body.ticketNo).toMatch(/^H\d{4}-\d{6}$/);
    const read = (await handler(event('GET', `/v1/cases/${body.id}`, { headers: auth }) as never, context)) as { statusCode: number; body: string };
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toMatchObject({ id: body.id, ticketNo: body.ticketNo });
  });

  it('rate-limits the public form by the source IP API Gateway reports', async () => {
    const post = (ip: string) =>
      handler(event('POST', '/v1/intake/mailbox', { body: JSON.stringify({ message: '食堂问题' }), headers: { 'content-type': 'application/json' }, ip }) as never, context) as Promise<{
        statusCode: number;
      }>;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await post('192.0.2.1')).statusCode);
    expect(codes).toEqual([201, 201, 429]);
    expect((await post('192.0.2.2')).statusCode).toBe(201);
  });

  it('with JWT_SECRET and no Cognito: local sign-in works on Lambda, its token accepted by the same function', async () => {
    const admin = await signHs256({ sub: 'adm', roles: ['admin'] }, { secret, ttlSeconds: 60 });
    const json = { 'content-type': 'application/json' };
    const put = (await handler(
      event('PUT', '/v1/admin/users/lambda.user', { body: JSON.stringify({ displayName: '函数用户', roles: ['supervisor'], password: 'lambda password 1' }), headers: { ...json, authorization: `Bearer ${admin}` } }) as never,
      context,
    )) as { statusCode: number };
    expect(put.statusCode).toBe(201);
    expect(JSON.parse(((await handler(event('GET', '/v1/auth/config') as never, context)) as { body: string }).body)).toEqual({ provider: 'local' });
    const login = (await handler(event('POST', '/v1/auth/login', { body: JSON.stringify({ username: 'lambda.user', password: 'lambda password 1' }), headers: json }) as never, context)) as { statusCode: number; body: string };
    expect(login.statusCode).toBe(200);
    const { token } = JSON.parse(login.body) as { token: string };
    const me = (await handler(event('GET', '/v1/auth/me', { headers: { authorization: `Bearer ${token}` } }) as never, context)) as { statusCode: number; body: string };
    expect(JSON.parse(me.body)).toEqual({ sub: 'lambda.user', roles: ['supervisor'], displayName: '函数用户' });
  });

  it("with Cognito: /v1/auth/config names the managed login, and local sign-in answers 404", async () => {
    const cognito = checked(buildHandler({
      ...lambdaEnv(),
      COGNITO_USER_POOL_ID: 'ap-east-1_AbC123xyz',
      COGNITO_CLIENT_ID: 'apiclient123',
      COGNITO_CONSOLE_CLIENT_ID: 'consoleclient456',
      COGNITO_DOMAIN: 'https://caserouting-prod-123456789012.auth.ap-east-1.amazoncognito.com',
    }));
    const config = (await cognito(event('GET', '/v1/auth/config') as never, context)) as { statusCode: number; body: string };
    expect(JSON.parse(config.body)).toEqual({
      provider: 'cognito',
      authorizeUrl: 'https://caserouting-prod-123456789012.auth.ap-east-1.amazoncognito.com/oauth2/authorize',
      tokenUrl: 'https://caserouting-prod-123456789012.auth.ap-east-1.amazoncognito.com/oauth2/token',
      logoutUrl: 'https://caserouting-prod-123456789012.auth.ap-east-1.amazoncognito.com/logout',
      clientId: 'consoleclient456',
      scopes: ['openid', 'profile'],
      redirectPath: '/console/callback',
    });
    const login = (await cognito(event('POST', '/v1/auth/login', { body: JSON.stringify({ username: 'lambda.user', password: 'lambda password 1' }), headers: { 'content-type': 'application/json' } }) as never, context)) as { statusCode: number };
    expect(login.statusCode).toBe(404);
  });
});

describe('Lambda entry: CSV through API Gateway', () => {
  it('returns CSV reports base64-encoded so their UTF-8 byte-order mark reaches Excel, and JSON as text', async () => {
    const token = await signHs256({ sub: 'sup', roles: ['supervisor'] }, { secret, ttlSeconds: 60 });
    const headers = { authorization: `Bearer ${token}`, accept: 'text/csv' };
    const csv = (await handler(event('GET', '/v1/reports/supervision', { headers, query: 'month=2026-10' }) as never, context)) as { statusCode: number; body: string; isBase64Encoded: boolean; headers: Record<string, string> };
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(csv.body, 'base64');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toMatch(/^工单号|^[^\n]*工单号/);
    const json = (await handler(event('GET', '/v1/reports/supervision', { headers: { authorization: headers.authorization }, query: 'month=2026-10' }) as never, context)) as { isBase64Encoded: boolean; body: string };
    expect(json.isBase64Encoded).toBe(false);
    expect(JSON.parse(json.body)).toHaveProperty('items');
  });
});
