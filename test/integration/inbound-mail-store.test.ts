import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInboundMailStore } from '../../shared/adapters/dynamo/mail-store';
import type { HeldMail } from '../../shared/ports';
import { createHarness, type Harness } from '../support/harness';

/** The mailbox address's items on the real engine: filed once, the flood window, held messages kept 30 days. */
let h: Harness;
let store: DynamoInboundMailStore;
const T0 = Date.parse('2026-03-02T02:00:00Z');
const DAY = 86_400_000;

beforeAll(async () => {
  h = await createHarness();
  store = new DynamoInboundMailStore(h.db, h.tableName);
});
afterAll(() => h.close());

describe('a message is filed once', () => {
  it('the first claim wins; a second gets nothing while it files, then the recorded outcome', async () => {
    expect(await store.claim('k1', T0, T0 + 60_000, T0 + 30 * DAY)).toEqual({ claimed: true });
    expect(await store.claim('k1', T0 + 1, T0 + 60_001, T0 + 30 * DAY)).toEqual({ claimed: false });
    await store.settle('k1', { kind: 'case', caseId: 'c1' }, T0 + 2);
    expect(await store.claim('k1', T0 + 3, T0 + 60_003, T0 + 30 * DAY)).toEqual({ claimed: false, outcome: { kind: 'case', caseId: 'c1' } });
  });
  it('a claimant that died (lease over) or gave up (released) is taken over', async () => {
    await store.claim('k2', T0, T0 + 60_000, T0 + 30 * DAY);
    expect(await store.claim('k2', T0 + 60_001, T0 + 120_000, T0 + 30 * DAY)).toEqual({ claimed: true });
    await store.release('k2');
    expect(await store.claim('k2', T0 + 60_002, T0 + 120_000, T0 + 30 * DAY)).toEqual({ claimed: true });
  });
  it('after its keep period a message is new again', async () => {
    await store.claim('k3', T0, T0 + 60_000, T0 + DAY);
    await store.settle('k3', { kind: 'dropped', reason: 'bounce' }, T0);
    expect(await store.claim('k3', T0 + DAY + 1, T0 + DAY + 60_000, T0 + 31 * DAY)).toEqual({ claimed: true });
  });
});

describe('notice Message-IDs and the flood window', () => {
  it('a remembered Message-ID finds its case', async () => {
    await store.rememberMessageId('<abc@union-cases>', 'case-9', T0);
    expect(await store.caseOfMessageId('<abc@union-cases>')).toBe('case-9');
    expect(await store.caseOfMessageId('<other@union-cases>')).toBeUndefined();
  });
  it('counts a sender’s new cases over the last hour, sliding in 10-minute steps', async () => {
    const hour = 3_600_000;
    expect(await store.countNewCase('s1', T0, hour)).toBe(1);
    expect(await store.countNewCase('s1', T0 + 20 * 60_000, hour)).toBe(2);
    expect(await store.countNewCase('s2', T0 + 20 * 60_000, hour)).toBe(1);
    // 70 minutes on, the first has left the window.
    expect(await store.countNewCase('s1', T0 + 70 * 60_000, hour)).toBe(2);
  });
});

describe('held messages', () => {
  const held = (id: string, receivedAt: number): HeldMail => ({ id, receivedAt, expiresAt: receivedAt + 30 * DAY, reason: 'flood', subject: id, excerpt: '', attachments: [], raw: { kind: 'file', name: `held/${id}.eml` } });
  it('are listed newest first, page by page, and forgotten after 30 days', async () => {
    for (let i = 0; i < 5; i++) await store.hold(held(`h${i}`, T0 + i * DAY));
    // The same one again (a retry): still one.
    await store.hold(held('h4', T0 + 4 * DAY));
    const first = await store.listHeld(T0 + 5 * DAY, 3);
    expect(first.items.map((i) => i.id)).toEqual(['h4', 'h3', 'h2']);
    const rest = await store.listHeld(T0 + 5 * DAY, 3, first.nextCursor ?? undefined);
    expect(rest.items.map((i) => i.id)).toEqual(['h1', 'h0']);
    expect((await store.listHeld(T0 + 32 * DAY, 10)).items.map((i) => i.id)).toEqual(['h4', 'h3']);
  });
});
