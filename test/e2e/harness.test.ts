import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';

describe('test harness', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(() => h.close());

  it('creates a case on the in-memory engine at the test clock', async () => {
    const res = await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase() });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { receivedAt: string; ticketNo: string };
    expect(body.receivedAt).toBe('2026-03-02T09:30:00+08:00');
    expect(body.ticketNo).toBe('H2026-000001');
  });
});
