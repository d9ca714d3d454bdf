import { Agent, request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { createLogger } from '../../shared/observability/logger';
import { CATEGORIES } from '../../shared/domain/case';
import { hotlineCase } from '../support/harness';

/**
 * A burst of intakes on `npm start`'s runtime (on-disk engine), with the reconciler running every
 * second on a one-second grace, as if routing were far behind: intake waits while routing is behind
 * (ROUTING_BACKLOG_LIMIT), the reconciler sends no copy of a message still on its way, and a case
 * that arrives after the burst is assigned seconds after its 201. `npm run bench` does the same with
 * 5,000 cases.
 */
const BURST = 400;
const CONNECTIONS = 25;

let runtime: LocalRuntime;
let dataDir: string;
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'backlog-'));
  const logger = createLogger({ level: 'info', write: (line) => logs.push(JSON.parse(line) as Record<string, unknown>) });
  runtime = await startLocalRuntime({
    env: { PORT: '0', DATA_DIR: dataDir, RECONCILE_INTERVAL_SECONDS: '1', RECONCILE_GRACE_SECONDS: '1', ROUTING_BACKLOG_LIMIT: '60' },
    logger,
  });
});
afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

function post(agent: Agent, body: string): Promise<{ status: number; id?: string }> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = request(`${runtime.url}/v1/cases`, {
      method: 'POST',
      agent,
      headers: { Authorization: `Bearer ${runtime.tokens.operator}`, 'Content-Type': 'application/json', 'Content-Length': payload.length },
    });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, id: (JSON.parse(text) as { id?: string }).id }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const caseStatus = async (id: string) =>
  ((await (await fetch(`${runtime.url}/v1/cases/${id}`, { headers: { Authorization: `Bearer ${runtime.tokens.supervisor}` } })).json()) as { status: string }).status;

describe('a burst of intakes', () => {
  it('is routed as it comes: no re-sent copies, and the next case is assigned within 10 s of its 201', { timeout: 240_000 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        for (let i = next++; i < BURST; i = next++) {
          const body = JSON.stringify(hotlineCase({ category: CATEGORIES[i % 3], hotline: { callId: `burst-${i}` } }));
          statuses.push((await post(agent, body)).status);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 201)).toEqual([]);

    const after = await post(agent, JSON.stringify(hotlineCase({ hotline: { callId: 'after-the-burst' } })));
    const answeredAt = Date.now();
    expect(after.status).toBe(201);
    while ((await caseStatus(after.id ?? '')) === 'received' && Date.now() - answeredAt < 30_000) await new Promise((r) => setTimeout(r, 100));
    const assignedAfterMs = Date.now() - answeredAt;
    agent.destroy();

    expect(await caseStatus(after.id ?? '')).toBe('assigned');
    expect(assignedAfterMs).toBeLessThan(10_000);
    const requeued = logs.filter((l) => l.message === 'reconciler.run').reduce((n, l) => n + Number(l.requeued ?? 0), 0);
    expect(requeued).toBe(0);
  });
});
