import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hc } from 'hono/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import type { AppType } from '../../shared/http/app';
import { hotlineCase } from '../support/harness';
import { CALENDAR_NOTICE, TICKET_RE, TRACKING_RE } from '../support/http';
import { checkedFetch } from '../support/contract';

const ROLES = ['operator', 'reception', 'office', 'supervisor', 'admin'] as const;

interface DevTokens {
  url: string;
  expiresInDays: number;
  tokens: Record<string, string>;
}

const freshDir = () => mkdtemp(join(tmpdir(), 'union-cases-e2e-'));
const env = (dataDir: string) => ({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' });

/** A hotline case exactly as the typed client wants it. */
const hotline = {
  channel: 'hotline',
  category: 'complaint',
  subject: '本地运行时测试',
  description: '通过类型化客户端登记的热线来电。',
  complainant: { name: '测试来电人', phone: '13800138000' },
  hotline: { callId: 'call-local-1', operatorId: 'op-1' },
} as const;

describe('local runtime over HTTP (in-memory engine)', () => {
  let runtime: LocalRuntime;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await freshDir();
    runtime = await startLocalRuntime({ inMemory: true, env: env(dataDir) });
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('listens on a free loopback port and answers /health', async () => {
    expect(runtime.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runtime.url.endsWith(':0')).toBe(false);
    const res = await fetch(`${runtime.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the docs with Swagger UI from this machine, not a CDN, and keeps problem 404s', async () => {
    const page = await (await fetch(`${runtime.url}/docs`)).text();
    const assets = [...page.matchAll(/(?:href|src)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui-dist/swagger-ui.css', '/docs/assets/swagger-ui-dist/swagger-ui-bundle.js']));
    expect(page).not.toMatch(/https?:\/\//);
    for (const path of assets) {
      const res = await fetch(`${runtime.url}${path}`);
      expect(res.status).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    }
    expect((await fetch(`${runtime.url}/docs/assets/swagger-ui-dist/package.json`)).status).toBe(404);
    const unknown = await fetch(`${runtime.url}/v1/nowhere`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('writes dev-tokens.json to DATA_DIR with a working token per role', async () => {
    const path = join(dataDir, 'dev-tokens.json');
    const info = await stat(path);
    expect(info.mode & 0o077).toBe(0);
    const file = JSON.parse(await readFile(path, 'utf8')) as DevTokens;
    expect(file.url).toBe(runtime.url);
    expect(Object.keys(file.tokens).sort()).toEqual([...ROLES].sort());
    expect(file.tokens).toEqual(runtime.tokens);

    const status = async (path: string, role: string, init: RequestInit = {}) =>
      (await fetch(`${runtime.url}${path}`, { ...init, headers: { Authorization: `Bearer ${file.tokens[role]}`, ...init.headers } })).status;
    // Every role may read the calendar.
    for (const role of ROLES) expect(await status('/v1/calendar/2026', role), role).toBe(200);
    // Reading cases: every role lists, each within its scope (office staff: their office's cases only).
    for (const role of ROLES) expect(await status('/v1/cases', role), role).toBe(200);
    // Logging a hotline call: operator and admin.
    for (const role of ROLES) {
      const s = await status('/v1/cases', role, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(hotlineCase()) });
      expect(s, role).toBe(role === 'operator' || role === 'admin' ? 201 : 403);
    }
    // Storing a calendar year: admin only.
    for (const role of ROLES) {
      const s = await status('/v1/admin/calendar/2031', role, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ notice: CALENDAR_NOTICE, holidays: [], workdays: [] }) });
      expect(s, role).toBe(role === 'admin' ? 200 : 403);
    }
    // And without a token: 401.
    expect((await fetch(`${runtime.url}/v1/cases`)).status).toBe(401);
  });

  it('writes dev-accounts.json (mode 0600) with one sign-in account per role, each signing in through POST /v1/auth/login', async () => {
    const path = join(dataDir, 'dev-accounts.json');
    expect((await stat(path)).mode & 0o077).toBe(0);
    const file = JSON.parse(await readFile(path, 'utf8')) as { accounts: { username: string; password: string; roles: string[]; office?: string }[] };
    expect(file.accounts).toEqual(runtime.devAccounts);
    expect(file.accounts.map((a) => a.username)).toEqual([...ROLES]);
    for (const account of file.accounts) {
      expect(account.roles).toEqual([account.username]);
      expect(account.password.length).toBeGreaterThanOrEqual(12);
      const res = await checkedFetch(`${runtime.url}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: account.username, password: account.password }) });
      expect(res.status, account.username).toBe(200);
      const { token } = (await res.json()) as { token: string };
      const me = (await (await checkedFetch(`${runtime.url}/v1/auth/me`, { headers: { Authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;
      expect(me).toMatchObject({ sub: account.username, roles: account.roles, ...(account.office && { office: account.office }) });
    }
    expect(file.accounts.find((a) => a.username === 'office')?.office).toBe('rights');
    // The passwords differ from each other: each one random.
    expect(new Set(file.accounts.map((a) => a.password)).size).toBe(ROLES.length);
  });

  it('the typed client creates a hotline case and reads it back', async () => {
    const client = hc<AppType>(runtime.url, { headers: { Authorization: `Bearer ${runtime.tokens.operator}` } });
    const created = await client.v1.cases.$post({ json: hotline, header: { 'idempotency-key': 'local-runtime-1' } });
    expect(created.status).toBe(201);
    if (created.status !== 201) throw new Error(`unexpected ${created.status}`);
    const c = await created.json();
    expect(c.ticketNo).toMatch(TICKET_RE);
    expect(c.ticketNo.startsWith('H')).toBe(true);
    expect(c.trackingCode).toMatch(TRACKING_RE);
    expect(c.status).toBe('received');
    expect(c.subject).toBe(hotline.subject);
    expect(c.sla.workingDays).toBe(20);
    expect(created.headers.get('location')).toBe(`/v1/cases/${c.id}`);

    // A retry through the client is a replay.
    const again = await client.v1.cases.$post({ json: hotline, header: { 'idempotency-key': 'local-runtime-1' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const read = await client.v1.cases[':id'].$get({ param: { id: c.id } });
    expect(read.status).toBe(200);
    if (read.status !== 200) throw new Error(`unexpected ${read.status}`);
    // Everything stored survives; routing may have moved it on since (the reconciler re-enqueues
    // cases still `received` at start-up, because the embedded queue starts empty).
    const after = await read.json();
    const { status: _status, version: _version, updatedAt: _updated, office: _office, assignedAt: _assigned, routing: _routing, ...stored } = c;
    expect(after).toMatchObject(stored);

    const list = await client.v1.cases.$get({ query: { channel: 'hotline', limit: '200' } });
    if (list.status !== 200) throw new Error(`unexpected ${list.status}`);
    const page = await list.json();
    expect(page.items.filter((x) => x.id === c.id)).toHaveLength(1);

    // Tracking needs no token.
    const publicClient = hc<AppType>(runtime.url);
    const tracked = await publicClient.v1.track[':ticketNo'].$get({ param: { ticketNo: c.ticketNo }, query: { code: c.trackingCode } });
    expect(tracked.status).toBe(200);
    if (tracked.status !== 200) throw new Error(`unexpected ${tracked.status}`);
    // The router may have assigned it by now (see above): either status is right, nothing else is.
    expect(await tracked.json()).toMatchObject({ ticketNo: c.ticketNo, status: expect.stringMatching(/^(received|assigned)$/), category: 'complaint', receivedAt: c.receivedAt, dueAt: c.dueAt, reply: null, mayRate: false });
  });

  it('uses the real client address for the form rate limit (5 a minute by default)', async () => {
    const post = () => fetch(`${runtime.url}/v1/intake/mailbox`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ message: '本地表单' }) });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    // Without TRUST_PROXY, a forged X-Forwarded-For does not buy a fresh budget.
    const forged = await fetch(`${runtime.url}/v1/intake/mailbox`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.77' },
      body: JSON.stringify({ message: '伪造来源' }),
    });
    expect(forged.status).toBe(429);
    expect(Number(forged.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('local runtime persistence under DATA_DIR', () => {
  let dataDir: string;
  let runtime: LocalRuntime | undefined;

  beforeAll(async () => {
    dataDir = await freshDir();
  });
  afterAll(async () => {
    await runtime?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a second runtime on the same DATA_DIR sees the earlier case, and old tokens still work', async () => {
    runtime = await startLocalRuntime({ inMemory: false, env: env(dataDir) });
    const firstTokens = runtime.tokens;
    const firstAccounts = runtime.devAccounts;
    const client = hc<AppType>(runtime.url, { headers: { Authorization: `Bearer ${firstTokens.operator}` } });
    const created = await client.v1.cases.$post({ json: hotline, header: {} });
    if (created.status !== 201) throw new Error(`unexpected ${created.status}`);
    const { id } = await created.json();
    // The router may assign it meanwhile: what must survive is the case as last stored.
    const before = await client.v1.cases[':id'].$get({ param: { id } });
    if (before.status !== 200) throw new Error(`unexpected ${before.status}`);
    const c = await before.json();
    await runtime.close();
    runtime = undefined;

    runtime = await startLocalRuntime({ inMemory: false, env: env(dataDir) });
    // The dev accounts are made once: the same passwords after a restart.
    expect(runtime.devAccounts).toEqual(firstAccounts);
    // Tokens from before the restart verify: the secret is kept in DATA_DIR.
    const again = hc<AppType>(runtime.url, { headers: { Authorization: `Bearer ${firstTokens.supervisor}` } });
    const read = await again.v1.cases[':id'].$get({ param: { id: c.id } });
    expect(read.status).toBe(200);
    if (read.status !== 200) throw new Error(`unexpected ${read.status}`);
    // Everything stored survives; routing may have moved it on since (the reconciler re-enqueues
    // cases still `received` at start-up, because the embedded queue starts empty).
    const after = await read.json();
    const { status: _status, version: _version, updatedAt: _updated, office: _office, assignedAt: _assigned, routing: _routing, ...stored } = c;
    expect(after).toMatchObject(stored);

    // The ticket sequence carries on rather than starting again.
    const next = await hc<AppType>(runtime.url, { headers: { Authorization: `Bearer ${runtime.tokens.operator}` } }).v1.cases.$post({ json: hotline, header: {} });
    if (next.status !== 201) throw new Error(`unexpected ${next.status}`);
    const n = await next.json();
    expect(Number(n.ticketNo.slice(6))).toBe(Number(c.ticketNo.slice(6)) + 1);
    expect(n.ticketNo.slice(0, 5)).toBe(c.ticketNo.slice(0, 5));

    // dev-accounts.json deleted: the demo accounts get new passwords, and the old ones stop working.
    await runtime.close();
    runtime = undefined;
    await rm(join(dataDir, 'dev-accounts.json'));
    runtime = await startLocalRuntime({ inMemory: false, env: env(dataDir) });
    expect(runtime.devAccounts.map((a) => a.username)).toEqual([...ROLES]);
    const login = (username: string, password: string) =>
      checkedFetch(`${runtime?.url}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const [oldAdmin, newAdmin] = [firstAccounts.find((a) => a.username === 'admin'), runtime.devAccounts.find((a) => a.username === 'admin')];
    expect(newAdmin?.password).not.toBe(oldAdmin?.password);
    expect((await login('admin', newAdmin?.password ?? '')).status).toBe(200);
    expect((await login('admin', oldAdmin?.password ?? '')).status).toBe(401);
  });
});

describe('local runtime in production mode', () => {
  it('seeds no sign-in accounts and writes no dev-accounts.json', async () => {
    const dataDir = await freshDir();
    const runtime = await startLocalRuntime({ inMemory: true, env: { ...env(dataDir), NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) } });
    try {
      expect(runtime.devAccounts).toEqual([]);
      await expect(stat(join(dataDir, 'dev-accounts.json'))).rejects.toThrow(/ENOENT/);
      const res = await checkedFetch(`${runtime.url}/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'anything at all' }) });
      expect(res.status).toBe(401);
    } finally {
      await runtime.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
