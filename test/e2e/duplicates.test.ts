import { readdir } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoContactIndex } from '../../shared/adapters/dynamo/contact-index';
import { contactValues, isPossibleOriginal } from '../../shared/domain/duplicates';
import type { CaseRecord } from '../../shared/domain/case';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { routeCase } from '../../shared/usecases/route-case';
import { RoutingConfigCache } from '../../shared/usecases/routing-config';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, expectProblem, expectValidation, type CaseBody } from '../support/http';

/**
 * 重复件: at intake, open cases of the last 30 days with the same phone or e-mail and topic come
 * back as `possibleDuplicates`; staff `link` a repeat to its original, which closes it and tells
 * nobody anything. Contacts are compared by keyed hashes: the table holds no phone or address for it.
 */
describe('contacts and candidates, at the domain', () => {
  it('matches a phone however it is written, the caller’s number too, and e-mail case-insensitively', () => {
    expect(contactValues({ complainant: { phone: '+86 138-0013-8000', email: ' WangLi@Example.COM ' } })).toEqual(['phone:13800138000', 'email:wangli@example.com']);
    expect(contactValues({ hotline: { callId: 'x', callerNumber: '008613800138000' } })).toEqual(['phone:13800138000']);
    expect(contactValues({ complainant: { phone: '13800138000' }, hotline: { callId: 'x', callerNumber: '13800138000' } })).toEqual(['phone:13800138000']);
    // An extension or a withheld number says nothing about who called.
    expect(contactValues({ hotline: { callId: 'x', callerNumber: '8001' } })).toEqual([]);
    expect(contactValues({ complainant: { name: '匿名' } })).toEqual([]);
  });

  it('an original is open, no repeat itself, of the same topic, and within 30 days', () => {
    const base = { id: 'a', status: 'in_progress', topic: 'wages', receivedAt: Date.parse('2026-03-01T10:00:00+08:00') } as CaseRecord;
    const input = { topic: 'wages', receivedAt: Date.parse('2026-03-30T10:00:00+08:00') };
    expect(isPossibleOriginal(base, input)).toBe(true);
    expect(isPossibleOriginal({ ...base, status: 'closed' }, input)).toBe(false);
    expect(isPossibleOriginal({ ...base, status: 'replied' }, input)).toBe(false);
    expect(isPossibleOriginal({ ...base, topic: 'injury' }, input)).toBe(false);
    expect(isPossibleOriginal({ ...base, duplicateOf: { caseId: 'z', ticketNo: 'H2026-000009' } }, input)).toBe(false);
    expect(isPossibleOriginal(base, { ...input, receivedAt: Date.parse('2026-04-01T10:00:00+08:00') })).toBe(false);
    expect(isPossibleOriginal(base, input, 'a')).toBe(false);
  });
});

describe('possible duplicates at intake, and link', () => {
  let h: Harness;
  let first: CaseBody;
  let serial = 0;
  const call = (overrides: Record<string, unknown> = {}) => hotlineCase({ hotline: { callId: `dup-${++serial}` }, ...overrides });
  const supervisorRead = async (id: string) => body<CaseBody & { possibleDuplicates?: string[]; duplicateOf?: { caseId: string; ticketNo: string } }>(await h.request(`/v1/cases/${id}`, { roles: ['supervisor'] }));
  const etag = async (id: string) => (await h.request(`/v1/cases/${id}`, { roles: ['supervisor'] })).headers.get('etag') ?? '';
  const link = async (id: string, json: unknown, roles: ('supervisor' | 'office')[] = ['supervisor'], office?: string) =>
    h.request(`/v1/cases/${id}/link`, { method: 'POST', headers: { 'If-Match': await etag(id), Authorization: `Bearer ${await h.token(roles, { ...(office && { office }) })}` }, json });

  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
    await putOffice(h.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
    await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
    first = await createOk(h, call({ complainant: { name: '王师傅', phone: '13800138000', email: 'wang@example.com' } }));
  });
  afterAll(() => h.close());

  it('the first call of a person has none', () => {
    expect(first).not.toHaveProperty('possibleDuplicates');
  });

  it('the same phone, written another way, and the same topic: the operator is told the first ticket number', async () => {
    const again = await createOk(h, call({ complainant: { phone: '+86 138 0013 8000' } }));
    expect(again.possibleDuplicates).toEqual([first.ticketNo]);
    // The caller's number counts as the phone.
    const byCaller = await createOk(h, call({ complainant: { name: '王师傅' }, hotline: { callId: `dup-${++serial}`, callerNumber: '13800138000' } }));
    expect(byCaller.possibleDuplicates).toEqual([first.ticketNo, again.ticketNo]);
  });

  it('another topic, another person, or no contact at all: none', async () => {
    expect(await createOk(h, call({ topic: 'injury' }))).not.toHaveProperty('possibleDuplicates');
    expect(await createOk(h, call({ complainant: { phone: '13900139000' } }))).not.toHaveProperty('possibleDuplicates');
    expect(await createOk(h, call({ complainant: { anonymous: true } }))).not.toHaveProperty('possibleDuplicates');
  });

  it('a mailbox letter from the same e-mail address: found, kept on the case for staff, never told to the public writer', async () => {
    const res = await h.request('/v1/intake/mailbox', { method: 'POST', json: { name: '王师傅', email: 'WANG@example.com', topic: 'wages', message: '工资还是没有发。' }, ip: '203.0.113.9' });
    expect(res.status).toBe(201);
    const receipt = await body<{ ticketNo: string }>(res);
    expect(Object.keys(receipt).sort()).toEqual(['dueAt', 'ticketNo', 'trackingCode']);
    const letters = await body<{ items: CaseBody[] }>(await h.request(`/v1/cases?ticketNo=${receipt.ticketNo}`, { roles: ['supervisor'] }));
    expect(letters.items[0]?.possibleDuplicates).toEqual([first.ticketNo]);
  });

  it('the table holds keyed hashes only: no phone number or e-mail address in the look-up items', async () => {
    const out = await h.db.send(new ScanCommand({ TableName: h.tableName }));
    const items = (out.Items ?? []).map((i) => unmarshall(i));
    const lookups = items.filter((i) => String(i.pk).startsWith('CONTACT#'));
    expect(lookups.length).toBeGreaterThan(3);
    const text = JSON.stringify(lookups);
    for (const secret of ['13800138000', '138 0013', 'wang@example.com', 'WANG@']) expect(text).not.toContain(secret);
    expect(new Set(lookups.map((i) => i.pk)).size).toBeLessThan(lookups.length);
    // The key was made once and kept; another key hashes the same contact elsewhere.
    expect(items.filter((i) => i.pk === 'SECRET')).toHaveLength(1);
    const other = new DynamoContactIndex(h.db, h.tableName, { secret: 'another-secret-of-at-least-32-characters' });
    expect(await other.find(['phone:13800138000'], 0, Date.parse('2026-03-03T00:00:00+08:00'), 20)).toEqual([]);
    expect(await h.deps.contacts.find(['phone:13800138000'], 0, Date.parse('2026-03-03T00:00:00+08:00'), 20)).toContain(first.id);
  });

  it('after 30 days the first case is no longer a possible original', async () => {
    h.clock.set('2026-04-02T09:30:00+08:00');
    expect(await createOk(h, call())).not.toHaveProperty('possibleDuplicates');
    h.clock.set('2026-03-02T10:30:00+08:00');
  });

  describe('link', () => {
    it('closes the repeat with its reference: status closed, duplicateOf, the history, /track — and no e-mail to anyone', async () => {
      const repeat = await createOk(h, call());
      expect(repeat.possibleDuplicates).toContain(first.ticketNo);
      const before = (await readdir(h.outboxDir)).length;
      const res = await link(repeat.id, { ticketNo: first.ticketNo, reason: '同一来电人反映同一欠薪问题' });
      expect(res.status, await res.clone().text()).toBe(200);
      const linked = await body<CaseBody & { duplicateOf?: unknown }>(res);
      expect(linked.status).toBe('closed');
      expect(linked.duplicateOf).toEqual({ caseId: first.id, ticketNo: first.ticketNo });
      expect(linked.sla.nextStep).toBeUndefined();
      const events = await body<{ items: { action: string; detail?: Record<string, unknown> }[] }>(await h.request(`/v1/cases/${repeat.id}/events`, { roles: ['supervisor'] }));
      expect(events.items.at(-1)).toMatchObject({ action: 'link', detail: { duplicateOf: first.ticketNo, reason: '同一来电人反映同一欠薪问题' } });
      const track = await body<{ status: string; timeline: { kind: string; mergedInto?: string }[] }>(await h.request(`/v1/track/${repeat.ticketNo}?code=${repeat.trackingCode}`));
      expect(track.status).toBe('closed');
      expect(track.timeline.at(-1)).toEqual(expect.objectContaining({ kind: 'closed', mergedInto: first.ticketNo }));

      // The router's message for the repeat arrives after the link: no office e-mail, no receipt.
      const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
      expect(await routeCase(router, { caseId: repeat.id, category: 'complaint', version: 1 })).toBe('no_op');
      expect((await readdir(h.outboxDir)).length).toBe(before);
      expect((await supervisorRead(repeat.id)).status).toBe('closed');
      // A later call lists the original (still open), never the closed repeat.
      const later = (await createOk(h, call())).possibleDuplicates ?? [];
      expect(later).toContain(first.ticketNo);
      expect(later).not.toContain(repeat.ticketNo);
    });

    it('the office may link its own office’s case; another office’s staff get 404', async () => {
      const repeat = await createOk(h, call());
      const router = { ...h.deps, routing: new RoutingConfigCache({ routing: h.deps.routing, offices: h.deps.offices, clock: h.clock }, 0) };
      await routeCase(router, { caseId: repeat.id, category: 'complaint', version: 1 });
      await expectProblem(await link(repeat.id, { ticketNo: first.ticketNo, reason: '重复' }, ['office'], 'legal'), 404);
      const res = await link(repeat.id, { ticketNo: first.ticketNo, reason: '重复' }, ['office'], 'rights');
      expect(res.status, await res.clone().text()).toBe(200);
    });

    it('refuses itself, an unknown ticket, a repeat as original (400 naming ticketNo), a closed case (409), a malformed ticket number', async () => {
      const a = await createOk(h, call());
      const b = await createOk(h, call());
      expect((await link(b.id, { ticketNo: a.ticketNo, reason: '重复' })).status).toBe(200);
      const c = await createOk(h, call());
      const aboutB = await expectValidation(await link(c.id, { ticketNo: b.ticketNo, reason: '重复' }), 'ticketNo');
      expect(JSON.stringify(aboutB)).toContain(a.ticketNo);
      await expectValidation(await link(c.id, { ticketNo: c.ticketNo, reason: '重复' }), 'ticketNo');
      await expectValidation(await link(c.id, { ticketNo: 'H2026-999999', reason: '重复' }), 'ticketNo');
      await expectValidation(await link(c.id, { ticketNo: 'not-a-ticket', reason: '重复' }), 'ticketNo');
      await expectValidation(await link(c.id, { ticketNo: a.ticketNo }), 'reason');
      await expectProblem(await link(b.id, { ticketNo: a.ticketNo, reason: '再次' }), 409);
      expect((await supervisorRead(c.id)).status).toBe('received');
    });
  });
});
