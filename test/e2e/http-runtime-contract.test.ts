import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { checkedFetch, OUTSIDE_SPEC_HEADER } from '../support/contract';

/**
 * What only a real HTTP server shows, held to openapi.yaml by checkedFetch: Node's own 431 for an
 * oversized request line, and 405 / OPTIONS / HEAD through @hono/node-server.
 */
let runtime: LocalRuntime;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'http-contract-'));
  runtime = await startLocalRuntime({ inMemory: true, env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error', RECONCILE_INTERVAL_SECONDS: '3600' } });
});
afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const auth = (role: string) => ({ Authorization: `Bearer ${runtime.tokens[role]}` });

describe('the local runtime over HTTP, checked against openapi.yaml', () => {
  it('a query string over 16 KiB → 431 without a body, as declared', async () => {
    const res = await checkedFetch(`${runtime.url}/v1/cases?cursor=${'a'.repeat(17 * 1024)}`, { headers: auth('supervisor') });
    expect(res.status).toBe(431);
    expect(await res.text()).toBe('');
  });

  it('a query string just under the limit is read and validated (400 naming the cursor)', async () => {
    const res = await checkedFetch(`${runtime.url}/v1/cases?cursor=${'a'.repeat(2049)}`, { headers: auth('supervisor') });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('query.cursor');
  });

  it('a wrong method → 405 with Allow; OPTIONS → 204 with Allow; HEAD → GET without a body', async () => {
    const wrong = await checkedFetch(`${runtime.url}/v1/cases`, { method: 'DELETE', headers: { ...auth('admin'), [OUTSIDE_SPEC_HEADER]: 'a method the path does not take' } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    const options = await checkedFetch(`${runtime.url}/v1/admin/routing`, { method: 'OPTIONS', headers: { [OUTSIDE_SPEC_HEADER]: 'OPTIONS is not an operation' } });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS, PUT');
    const head = await checkedFetch(`${runtime.url}/v1/admin/routing`, { method: 'HEAD', headers: auth('admin') });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await head.text()).toBe('');
  });
});
