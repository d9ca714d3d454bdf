import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putOffice } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { createOk, type CaseBody } from '../support/http';

/** What the case JSON shows of its lifecycle, and to whom. */
let h: Harness;
beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  await putOffice(h.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
});
afterAll(() => h.close());

async function step(id: string, action: string, body: unknown, roles: Parameters<Harness['token']>[0] = ['supervisor']): Promise<CaseBody> {
  const etag = (await h.request(`/v1/cases/${id}`, { roles: ['supervisor'] })).headers.get('etag') ?? '';
  const res = await h.request(`/v1/cases/${id}/${action}`, { method: 'POST', roles, json: body, headers: { 'If-Match': etag } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CaseBody;
}

describe('the case as shown', () => {
  it('carries sign-for, pauses, notes, reply and follow-up; note texts only for those who see personal data', async () => {
    const c = await createOk(h, hotlineCase({ hotline: { callId: 'view' } }), ['operator']);
    await step(c.id, 'assign', { office: 'rights', reason: '权益类' });
    await step(c.id, 'accept', {});
    await step(c.id, 'pause', { reason: '等待材料' });
    await step(c.id, 'resume', {});
    await step(c.id, 'note', { text: '来电人手机 13800138000 已核实' });
    const replied = await step(c.id, 'reply', { text: '已协调支付', outcome: 'support' });
    expect(replied).toMatchObject({
      status: 'replied',
      acceptedLate: false,
      pauses: [{ reason: '等待材料', workingDays: 0 }],
      notes: [{ text: '来电人手机 13800138000 已核实' }],
      reply: { text: '已协调支付', outcome: 'support' },
      sla: { state: 'met' },
    });
    expect(replied.acceptedAt).toMatch(/\+08:00$/);
    const closed = await step(c.id, 'follow-up', { resolved: true, satisfaction: 'satisfied', comment: '满意' });
    expect(closed).toMatchObject({ status: 'closed', followUp: { resolved: true, satisfaction: 'satisfied', comment: '满意' } });
    expect(closed.closedAt).toMatch(/\+08:00$/);

    // The operator who logged it sees the case, but neither the complainant's data nor note texts.
    const asOperator = (await (await h.request(`/v1/cases/${c.id}`, { roles: ['operator'] })).json()) as CaseBody;
    expect(asOperator.notes).toEqual([{ at: closed.notes?.[0]?.at, text: '' }]);
    expect(JSON.stringify(asOperator)).not.toContain('13800138000');
    expect(asOperator.reply?.text).toBe('已协调支付');
  });
});
