import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { failingCreates } from '../support/faults';
import { body, createOk, expectProblem, expectValidation, listAll, sequenceOf, type CaseBody } from '../support/http';

describe('Idempotency-Key on POST /v1/cases', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  /** POST with a raw body text, a key and a caller. */
  async function post(key: string | undefined, raw: string, caller: { sub?: string; roles?: Role[] } = {}): Promise<Response> {
    const token = await h.token(caller.roles ?? ['operator'], { sub: caller.sub ?? 'op-idem' });
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    if (key !== undefined) headers['Idempotency-Key'] = key;
    return h.app.request('/v1/cases', { method: 'POST', headers, body: raw });
  }
  const count = async () => (await listAll(h)).length;

  it('the same key and body return the same case: 201 with Idempotent-Replayed: true', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-replay' } }));
    const before = await count();
    const first = await post('key-replay-1', raw);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const original = await body<CaseBody>(first);

    h.clock.advance(60_000);
    const second = await post('key-replay-1', raw);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('location')).toBe(`/v1/cases/${original.id}`);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    // The very same case, including the receipt time defaulted on the first request.
    expect(await second.json()).toEqual(original);
    expect(await count()).toBe(before + 1);
  });

  it('body key order and whitespace do not matter', async () => {
    const input = hotlineCase({ hotline: { callId: 'call-order', operatorId: 'op-1' }, urgent: true });
    const first = await body<CaseBody>(await post('key-order', JSON.stringify(input)));
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    (reordered as { hotline: unknown }).hotline = { operatorId: 'op-1', callId: 'call-order' };
    const pretty = `\n  ${JSON.stringify(reordered, null, 4)}  \n`;
    const again = await post('key-order', pretty);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<CaseBody>(again)).id).toBe(first.id);
  });

  it('the same key with a different body is refused with 422 and creates nothing', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-422' } }));
    const original = await body<CaseBody>(await post('key-422', raw));
    const before = await listAll(h);
    for (const other of [
      hotlineCase({ hotline: { callId: 'call-422' }, category: 'advice' }),
      hotlineCase({ hotline: { callId: 'call-422' }, urgent: false }),
      hotlineCase({ hotline: { callId: 'call-other' } }),
    ]) {
      const res = await post('key-422', JSON.stringify(other));
      const problem = await expectProblem(res, 422);
      expect(problem.type).toBe('/problems/unprocessable');
      expect(problem.detail).toMatch(/Idempotency-Key/);
    }
    expect(await listAll(h)).toEqual(before);
    // The original can still be replayed.
    const replay = await post('key-422', raw);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<CaseBody>(replay)).id).toBe(original.id);
  });

  it('keys are scoped per caller (token sub)', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-scope' } }));
    const a = await post('shared-key', raw, { sub: 'operator-a' });
    const b = await post('shared-key', raw, { sub: 'operator-b' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    const [ca, cb] = [await body<CaseBody>(a), await body<CaseBody>(b)];
    expect(ca.id).not.toBe(cb.id);
    expect(ca.ticketNo).not.toBe(cb.ticketNo);
    // Another caller's different body under the same key is not a conflict either.
    const c = await post('shared-key', JSON.stringify(hotlineCase({ category: 'advice' })), { sub: 'operator-c' });
    expect(c.status).toBe(201);
  });

  it('keys of callers whose sub contains # do not collide with other callers', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-hash' } }));
    const a = await post('x#y', raw, { sub: 'alice' });
    const b = await post('y', raw, { sub: 'alice#x' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    const idB = (await body<CaseBody>(b)).id;
    expect(idB).not.toBe((await body<CaseBody>(a)).id);
    // Nor with a sub that spells the escape out.
    const d = await post('y', raw, { sub: 'alice%23x' });
    expect(d.status).toBe(201);
    expect(d.headers.get('idempotent-replayed')).toBeNull();
    expect((await body<CaseBody>(d)).id).not.toBe(idB);
    // Each still replays its own.
    const b2 = await post('y', raw, { sub: 'alice#x' });
    expect(b2.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<CaseBody>(b2)).id).toBe(idB);
  });

  it('ten concurrent requests with one key create exactly one case', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-race' }, subject: '并发重试' }));
    const before = await listAll(h);
    const responses = await Promise.all(Array.from({ length: 10 }, () => post('key-race', raw)));
    for (const r of responses) expect(r.status).toBe(201);
    const bodies = await Promise.all(responses.map((r) => body<CaseBody>(r)));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(new Set(bodies.map((b) => b.ticketNo)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);

    const after = await listAll(h);
    expect(after).toHaveLength(before.length + 1);
    const added = after.filter((c) => !before.some((b) => b.id === c.id));
    expect(added.map((c) => c.id)).toEqual([bodies[0]!.id]);
    expect(after.filter((c) => c.subject === '并发重试')).toHaveLength(1);
  });

  it('concurrent requests with one key and different bodies: one case, the others 201 replays or 422', async () => {
    const before = (await listAll(h)).length;
    const bodies = Array.from({ length: 6 }, (_, i) => JSON.stringify(hotlineCase({ hotline: { callId: `call-mixed-${i % 2}` } })));
    const responses = await Promise.all(bodies.map((raw) => post('key-mixed', raw)));
    const created = responses.filter((r) => r.status === 201);
    const refused = responses.filter((r) => r.status === 422);
    expect(created.length + refused.length).toBe(6);
    expect(created.length).toBe(3);
    expect(new Set(await Promise.all(created.map(async (r) => (await body<CaseBody>(r)).id))).size).toBe(1);
    expect((await listAll(h)).length).toBe(before + 1);
  });

  it('without a key, the same body twice makes two cases', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-nokey' } }));
    const a = await body<CaseBody>(await post(undefined, raw));
    const b = await body<CaseBody>(await post(undefined, raw));
    expect(a.id).not.toBe(b.id);
  });

  it('a request refused for validation or role does not use up the key', async () => {
    const good = JSON.stringify(hotlineCase({ hotline: { callId: 'call-late' } }));
    const invalid = await post('key-late', JSON.stringify(hotlineCase({ category: 'bogus' })), { sub: 'shared-person' });
    await expectValidation(invalid, 'category');
    const forbidden = await post('key-late', good, { sub: 'shared-person', roles: ['reception'] });
    await expectProblem(forbidden, 403);
    const ok = await post('key-late', good, { sub: 'shared-person' });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a refused key reuse does not use up a ticket number', async () => {
    const first = await body<CaseBody>(await post('key-gap', JSON.stringify(hotlineCase({ hotline: { callId: 'gap-1' } }))));
    await expectProblem(await post('key-gap', JSON.stringify(hotlineCase({ hotline: { callId: 'gap-2' } }))), 422);
    await post('key-gap', JSON.stringify(hotlineCase({ hotline: { callId: 'gap-1' } })));
    const next = await createOk(h, hotlineCase());
    expect(sequenceOf(next.ticketNo)).toBe(sequenceOf(first.ticketNo) + 1);
  });

  it('keys are remembered for at least 24 hours', async () => {
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-24h' } }));
    const first = await body<CaseBody>(await post('key-24h', raw));
    h.clock.advance(24 * 3_600_000);
    const later = await post('key-24h', raw);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<CaseBody>(later)).id).toBe(first.id);
  });

  it('a retry after the first attempt died mid-way takes the key over once its lease ran out', async () => {
    // An app over the same table whose first case write fails, as if the instance died there.
    const real = h.deps.cases;
    const flaky = failingCreates(real, 1, () => new Error('connection reset'));
    const app = h.appWith({ cases: flaky });
    const token = await h.token(['operator'], { sub: 'op-flaky' });
    const raw = JSON.stringify(hotlineCase({ hotline: { callId: 'call-flaky' } }));
    const send = (text: string) =>
      app.request('/v1/cases', { method: 'POST', body: text, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Idempotency-Key': 'key-flaky' } });

    expect((await send(raw)).status).toBe(500);
    expect((await listAll(h)).filter((c) => c.hotline?.callId === 'call-flaky')).toHaveLength(0);

    h.clock.advance(11_000);
    // The key stays bound to the first body.
    await expectProblem(await send(JSON.stringify(hotlineCase({ hotline: { callId: 'call-flaky-other' } }))), 422);
    const retry = await send(raw);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    const created = await body<CaseBody>(retry);
    const replay = await send(raw);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await body<CaseBody>(replay)).id).toBe(created.id);
    expect((await listAll(h)).filter((c) => c.hotline?.callId === 'call-flaky').map((c) => c.id)).toEqual([created.id]);
  });

  it.each([
    ['with a space', 'has space'],
    ['too long', 'k'.repeat(256)],
    ['empty', ''],
    ['non-ASCII', 'cl\u00e9'],
  ])('rejects a key %s with 400', async (_name, key) => {
    const before = (await listAll(h)).length;
    const res = await post(key, JSON.stringify(hotlineCase()));
    await expectValidation(res, 'header.idempotency-key');
    expect((await listAll(h)).length).toBe(before);
  });
});
