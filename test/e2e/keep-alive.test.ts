import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';

/**
 * A hotline tool on a keep-alive pool of one connection: a request refused before its body was
 * read (413, 401) must not cost the next request on the pool.
 */
let runtime: LocalRuntime;
let dataDir: string;
let agent: Agent;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'keep-alive-'));
  runtime = await startLocalRuntime({ inMemory: true, env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent.destroy();
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  connection?: string;
  contentType?: string;
  body: string;
}

function send(path: string, options: { method?: string; body?: Buffer; headers?: Record<string, string> } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${runtime.url}${path}`, {
      method: options.method ?? 'GET',
      agent,
      headers: { ...options.headers, ...(options.body && { 'Content-Length': String(options.body.length) }) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, contentType: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (size: number) => Buffer.from(`{"subject":"${'长'.repeat(size / 3)}"}`);

describe('early error responses on a keep-alive connection', () => {
  it.each([
    ['a case of 400 KB', '/v1/cases', 400_000, 'operator'],
    ['a case of 4 MB', '/v1/cases', 4_000_000, 'operator'],
    ['a mailbox letter of 400 KB', '/v1/intake/mailbox', 400_000, undefined],
  ])('%s answers 413 problem+json with Connection: close, and the next request on the pool succeeds', async (_name, path, size, role) => {
    const refused = await send(path, {
      method: 'POST',
      body: json(size),
      headers: { 'Content-Type': 'application/json', ...(role && { Authorization: `Bearer ${runtime.tokens[role]}` }) },
    });
    expect(refused.status).toBe(413);
    expect(refused.contentType).toContain('application/problem+json');
    expect(refused.connection).toBe('close');
    const next = await send('/health');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body)).toEqual({ status: 'ok' });
  });

  it('a request refused without a token before its body is read does not break the pool either', async () => {
    const refused = await send('/v1/admin/routing', { method: 'PUT', body: json(90_000), headers: { 'Content-Type': 'application/json' } });
    expect(refused.status).toBe(401);
    expect((await send('/health')).status).toBe(200);
  });

  it('keeps the connection alive when the body was read', async () => {
    const calendar = await send('/v1/calendar/2026', { headers: { Authorization: `Bearer ${runtime.tokens.operator}` } });
    expect(calendar.status).toBe(200);
    expect(calendar.connection).toBe('keep-alive');
    const small = await send('/v1/cases', { method: 'POST', body: Buffer.from('{}'), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${runtime.tokens.operator}` } });
    expect(small.status).toBe(400);
    expect(small.connection).toBe('keep-alive');
  });
});
