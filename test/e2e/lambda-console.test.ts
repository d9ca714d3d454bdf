import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaContext } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler } from '../../functions/api';
import { buildConsole } from '../../shared/console/build';

/**
 * The API function serves the console from the console/ folder the CDK app builds into its asset
 * (infra/console-assets.ts), on API Gateway (v2) events. No request here reaches the table.
 */
let dir: string;
const queues = Object.fromEntries(
  ['ADVICE', 'COMPLAINT', 'INVESTIGATION'].flatMap((c) => [
    [`QUEUE_URL_${c}`, `https://sqs.ap-east-1.amazonaws.com/123456789012/${c.toLowerCase()}`],
    [`DLQ_URL_${c}`, `https://sqs.ap-east-1.amazonaws.com/123456789012/${c.toLowerCase()}-dlq`],
  ]),
);
const env = (consoleDir: string) => ({
  TABLE_NAME: 'cases',
  AWS_REGION: 'ap-east-1',
  PUBLIC_BASE_URL: 'https://cases.union.example.org',
  JWT_SECRET: 'lambda-secret-of-at-least-thirty-two-chars',
  SCHEDULE_GROUP: 'g',
  ESCALATOR_ARN: 'arn:aws:lambda:ap-east-1:123456789012:function:escalator',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/r',
  LOG_LEVEL: 'error',
  CONSOLE_DIR: consoleDir,
  ...queues,
});
const get = (path: string) => ({
  version: '2.0',
  routeKey: 'GET /console/{proxy+}',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'api.example.org' },
  requestContext: { accountId: '1', apiId: 'a', domainName: 'api.example.org', domainPrefix: 'api', http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 't' }, requestId: 'r', routeKey: 'GET /console/{proxy+}', stage: '$default', time: '', timeEpoch: 0 },
  isBase64Encoded: false,
});
type Answer = { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-asset-'));
  await buildConsole({ outDir: join(dir, 'console') });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the console on Lambda', () => {
  it('serves the shell for a case link and the hashed script from the asset’s console/ folder', async () => {
    const handler = buildHandler(env(join(dir, 'console')));
    const shell = (await handler(get('/console/cases/abc') as never, {} as LambdaContext)) as Answer;
    expect(shell.statusCode).toBe(200);
    expect(shell.headers['content-security-policy']).toContain("script-src 'self'");
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(shell.body)?.[1] ?? '';
    const js = (await handler(get(script) as never, {} as LambdaContext)) as Answer;
    expect(js.statusCode).toBe(200);
    const text = js.isBase64Encoded ? Buffer.from(js.body, 'base64').toString('utf8') : js.body;
    expect(text.includes('/console/cases/'), 'the console bundle').toBe(true);
  });

  it('says the console was not built when the folder is missing, and keeps serving the API', async () => {
    const handler = buildHandler(env(join(dir, 'nowhere')));
    const shell = (await handler(get('/console/') as never, {} as LambdaContext)) as Answer;
    expect(shell.statusCode).toBe(503);
    expect(shell.body).toContain('工作台尚未构建');
    expect(((await handler({ ...get('/health'), routeKey: 'GET /health' } as never, {} as LambdaContext)) as Answer).statusCode).toBe(200);
  });
});
