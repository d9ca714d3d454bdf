import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCaseStore } from '../../shared/adapters/dynamo/case-store';
import type { CaseRecord } from '../../shared/domain/case';
import type { Role } from '../../shared/domain/principal';
import { factOf } from '../../shared/domain/report';
import { putOffice } from '../../shared/usecases/admin';
import { reconcile } from '../../shared/usecases/reconcile';
import { createHarness, type Harness } from '../support/harness';
import { parseCsv } from '../support/csv';
import { end, record, seed, t } from '../support/records';
import { body, expectProblem, expectValidation } from '../support/http';

/**
 * Reports over HTTP against a hand-computed fixture: March 2026 (no holidays in March; Qingming
 * 4–6 April), read on Friday 10 April 2026 at noon. Cases are stored through the real case store, so
 * their report facts are written as in production.
 */
const NOW = '2026-04-10T12:00:00+08:00';
const replied = (iso: string) => ({ reply: { at: t(iso), text: '答复' } });

/** The fixture: letters A–J of the hand computation in the comments. */
function fixture(): CaseRecord[] {
  const withSla = (r: CaseRecord, sla: Partial<CaseRecord['sla']>): CaseRecord => ({ ...r, sla: { ...r.sla, ...sla } });
  const A = record({ channel: 'hotline', category: 'complaint', office: 'rights', topic: 'wages', receivedAt: t('2026-03-02T09:00:00+08:00'), dueAt: end('2026-03-30'), status: 'closed', acceptedLate: false, followUp: { at: t('2026-03-13T10:00:00+08:00'), resolved: true, satisfaction: 'satisfied' }, closedAt: t('2026-03-13T10:00:00+08:00') });
  const B = record({ channel: 'hotline', category: 'advice', office: 'legal', topic: 'other', receivedAt: t('2026-03-03T10:00:00+08:00'), dueAt: end('2026-03-10'), status: 'replied', acceptedLate: true });
  const C = record({ channel: 'mailbox', category: 'investigation', office: 'rights', topic: 'wages', receivedAt: t('2026-03-05T11:00:00+08:00'), dueAt: end('2026-04-16'), status: 'in_progress', acceptedLate: false, extended: true, returns: 1 });
  const D = record({ channel: 'mailbox', category: 'advice', office: 'legal', receivedAt: t('2026-03-10T08:30:00+08:00'), dueAt: end('2026-03-17'), status: 'in_progress', acceptedLate: false, escalations: [{ step: 'warning', level: 1, at: t('2026-03-16T09:00:00+08:00') }, { step: 'breach', level: 2, at: t('2026-03-18T00:00:00+08:00') }] });
  const E = record({ channel: 'walk_in', walkIn: { visitors: 4 }, category: 'complaint', office: 'rights', topic: 'safety', receivedAt: t('2026-03-16T14:00:00+08:00'), dueAt: end('2026-04-13'), status: 'replied', acceptedLate: true, followUp: { at: t('2026-03-23T10:00:00+08:00'), resolved: false, satisfaction: 'dissatisfied' } });
  const F = record({ channel: 'walk_in', walkIn: { visitors: 2 }, category: 'advice', receivedAt: t('2026-03-31T16:00:00+08:00'), dueAt: end('2026-04-08'), status: 'received' });
  const G = record({ channel: 'hotline', category: 'complaint', office: 'rights', receivedAt: t('2026-03-20T09:00:00+08:00'), dueAt: end('2026-04-01'), status: 'paused', acceptedLate: false });
  const I = record({ channel: 'walk_in', walkIn: { visitors: 1 }, category: 'advice', office: 'legal', topic: 'wages', receivedAt: t('2026-03-25T09:00:00+08:00'), dueAt: end('2026-04-01'), status: 'closed', closedAt: t('2026-03-26T09:00:00+08:00') });
  const J = record({ channel: 'mailbox', category: 'complaint', office: 'legal', topic: 'wages', receivedAt: t('2026-03-18T09:00:00+08:00'), dueAt: end('2026-04-15'), status: 'closed', acceptedLate: false, returns: 2, followUp: { at: t('2026-03-26T09:00:00+08:00'), resolved: true, satisfaction: 'basically_satisfied' }, closedAt: t('2026-03-26T09:00:00+08:00') });
  // Outside March: not counted in its summary.
  const before = record({ channel: 'hotline', category: 'advice', receivedAt: t('2026-02-28T23:59:00+08:00'), dueAt: end('2026-03-06'), status: 'closed', closedAt: t('2026-03-02T09:00:00+08:00') });
  const after = record({ channel: 'hotline', category: 'advice', receivedAt: t('2026-04-01T00:00:00+08:00'), dueAt: end('2026-04-09'), status: 'received' });
  return [
    withSla({ ...A, ...replied('2026-03-12T10:00:00+08:00'), status: 'closed' }, { state: 'met' }),
    withSla({ ...B, ...replied('2026-03-11T09:00:00+08:00'), status: 'replied' }, { state: 'missed' }),
    C,
    D,
    withSla({ ...E, ...replied('2026-03-20T15:00:00+08:00'), status: 'replied' }, { state: 'met' }),
    F,
    G,
    I,
    withSla({ ...J, ...replied('2026-03-25T16:00:00+08:00'), status: 'closed' }, { state: 'met' }),
    before,
    after,
  ];
}

let h: Harness;
const cases: Record<string, CaseRecord> = {};

beforeAll(async () => {
  h = await createHarness({ now: NOW });
  for (const [id, name] of [['rights', '权益保障部'], ['legal', '法律服务部']] as const) {
    await putOffice(h.deps, { id, name, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  }
  const letters = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'J', 'before', 'after'];
  for (const [i, r] of fixture().entries()) {
    cases[letters[i] as string] = r;
    await seed(h, r);
  }
});
afterAll(() => h.close());

async function get(path: string, roles: Role[] = ['supervisor'], office?: string, headers: Record<string, string> = {}): Promise<Response> {
  return h.request(path, { headers: { Authorization: `Bearer ${await h.token(roles, { ...(office && { office }) })}`, ...headers } });
}

const MARCH_TOTAL = {
  received: 9,
  hotlineCalls: 3, // A, B, G
  mailboxLetters: 3, // C, D, J
  walkInBatches: 3, // E, F, I
  walkInPersons: 7, // 4 + 2 + 1
  replied: 4, // A, B, E, J
  repliedOnTime: 3, // A, E, J (B missed)
  onTimeRate: 0.75,
  overdueNow: 2, // D (due 17 Mar), F (due 8 Apr, still received); G is paused, C due 16 Apr
  signedOnTime: 5, // A, C, D, G, J of 7 signed (B, E late; F, I never signed)
  signOnTimeRate: 0.7143,
  avgWorkingDaysToReply: 5.75, // A 8 (3–12 Mar), B 6 (4–11 Mar), E 4 (17–20 Mar), J 5 (19–25 Mar): 23 / 4
  extensions: 1, // C
  returns: 3, // C 1 + J 2
  followUps: 3, // A, E, J
  satisfactionRate: 0.6667, // A satisfied + J basically satisfied / 3
  returnRate: 0.2222, // C and J were sent back / 9
  improperReturns: 0,
  reworkRate: 0, // none of the 4 replied was reopened
  resolvedRate: 0.6667, // A and J resolved / 3 followed up
  ratedShare: 0.75, // A, E, J rated / 4 replied
  followUpRate: 0.75, // A, E, J followed up / 4 replied
  duplicates: 0,
};

describe('GET /v1/reports/summary', () => {
  it('every figure of March in total and per office, against the hand count', async () => {
    const r = await body<{ from: string; to: string; groupBy: string; total: unknown; groups: unknown[] }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=office'));
    expect(r).toMatchObject({ from: '2026-03-01', to: '2026-03-31', groupBy: 'office' });
    expect(r.total).toEqual(MARCH_TOTAL);
    expect(r.groups).toEqual([
      // A, C, E, G
      { key: 'legal', label: '法律服务部', received: 4, hotlineCalls: 1, mailboxLetters: 2, walkInBatches: 1, walkInPersons: 1, replied: 2, repliedOnTime: 1, onTimeRate: 0.5, overdueNow: 1, signedOnTime: 2, signOnTimeRate: 0.6667, avgWorkingDaysToReply: 5.5, extensions: 0, returns: 2, followUps: 1, satisfactionRate: 1, returnRate: 0.25, improperReturns: 0, reworkRate: 0, resolvedRate: 1, ratedShare: 0.5, followUpRate: 0.5, duplicates: 0 },
      { key: 'rights', label: '权益保障部', received: 4, hotlineCalls: 2, mailboxLetters: 1, walkInBatches: 1, walkInPersons: 4, replied: 2, repliedOnTime: 2, onTimeRate: 1, overdueNow: 0, signedOnTime: 3, signOnTimeRate: 0.75, avgWorkingDaysToReply: 6, extensions: 1, returns: 1, followUps: 2, satisfactionRate: 0.5, returnRate: 0.25, improperReturns: 0, reworkRate: 0, resolvedRate: 0.5, ratedShare: 1, followUpRate: 1, duplicates: 0 },
      { key: '(none)', label: '未分派', received: 1, hotlineCalls: 0, mailboxLetters: 0, walkInBatches: 1, walkInPersons: 2, replied: 0, repliedOnTime: 0, onTimeRate: null, overdueNow: 1, signedOnTime: 0, signOnTimeRate: null, avgWorkingDaysToReply: null, extensions: 0, returns: 0, followUps: 0, satisfactionRate: null, returnRate: 0, improperReturns: 0, reworkRate: null, resolvedRate: null, ratedShare: null, followUpRate: null, duplicates: 0 },
    ]);
  });

  it('groups by channel, category, topic and month with zh-CN labels; groups add up to the total', async () => {
    for (const [groupBy, labels] of [
      ['channel', { hotline: '主席热线', mailbox: '主席信箱', walk_in: '来访' }],
      ['category', { advice: '建议咨询', complaint: '求助申诉', investigation: '需调查处理' }],
      ['topic', { wages: '工资报酬', safety: '安全生产', other: '其他', '(none)': '未分类' }],
      ['month', { '2026-03': '2026年3月' }],
    ] as const) {
      const r = await body<{ total: typeof MARCH_TOTAL; groups: ({ key: string; label: string } & typeof MARCH_TOTAL)[] }>(await get(`/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=${groupBy}`));
      expect(Object.fromEntries(r.groups.map((g) => [g.key, g.label]))).toEqual(labels);
      for (const k of ['received', 'walkInPersons', 'replied', 'overdueNow', 'returns', 'followUps'] as const) {
        expect(r.groups.reduce((n, g) => n + g[k], 0), `${groupBy}.${k}`).toBe(MARCH_TOTAL[k]);
      }
    }
    const byTopic = await body<{ groups: { key: string; received: number }[] }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=topic'));
    expect(byTopic.groups.find((g) => g.key === 'wages')?.received).toBe(4); // A, C, I, J
  });

  it('office staff get their own office only; operators and reception get 403', async () => {
    const r = await body<{ total: typeof MARCH_TOTAL; groups: { key: string }[] }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=office', ['office'], 'rights'));
    expect(r.groups.map((g) => g.key)).toEqual(['rights']);
    expect(r.total.received).toBe(4);
    await expectProblem(await get('/v1/reports/summary', ['operator']), 403);
    await expectProblem(await get('/v1/reports/summary', ['reception']), 403);
  });

  it('CSV: UTF-8 with a BOM and zh-CN headers, parsed back equal to the JSON', async () => {
    const res = await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=office', ['supervisor'], undefined, { Accept: 'text/csv' });
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="summary-2026-03-01-2026-03-31-office.csv"');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv(text.slice(1));
    expect(rows[0]?.slice(0, 8)).toEqual(['分组', '受理总数', '热线来电', '主席信箱来信', '来访批次', '来访人次', '已答复', '按时答复']);
    const total = rows.at(-1) ?? [];
    expect(total[0]).toBe('合计');
    const col = (name: string) => total[(rows[0] ?? []).indexOf(name)];
    expect([col('受理总数'), col('来访人次'), col('按时答复率'), col('当前超期'), col('平均答复工作日'), col('满意率')]).toEqual(['9', '7', '75.0%', '2', '5.75', '66.7%']);
    expect(rows.slice(1, -1).map((r) => r[0])).toEqual(['法律服务部', '权益保障部', '未分派']);
  });

  it('HTML: a printable page with the on-time chart', async () => {
    const res = await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31&groupBy=office&format=html');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<svg');
    expect(html).toContain('data-chart="on-time-rate"');
    expect(html).toMatch(/data-key="rights"[^>]*data-value="1"/);
  });

  it('400 for a bad period or groupBy; nothing is guessed', async () => {
    await expectValidation(await get('/v1/reports/summary?from=2026-03-31&to=2026-03-01'), 'query.to');
    await expectValidation(await get('/v1/reports/summary?from=2025-01-01&to=2026-03-01'), 'query.to');
    await expectValidation(await get('/v1/reports/summary?from=2026-3-1'), 'query.from');
    await expectValidation(await get('/v1/reports/summary?groupBy=employer'), 'query.groupBy');
    await expectValidation(await get('/v1/reports/summary?format=pdf'), 'query.format');
  });
});

describe('GET /v1/reports/supervision', () => {
  beforeAll(async () => {
    // Received in November, still open: found through the open-case index, not the months read.
    cases.K = record({ channel: 'hotline', category: 'complaint', office: 'legal', receivedAt: t('2025-11-10T09:00:00+08:00'), dueAt: end('2025-12-19'), status: 'in_progress', acceptedLate: false });
    await seed(h, cases.K);
  });

  it('lists every case open at month end or overdue in March, most overdue first, with its figures', async () => {
    const r = await body<{ month: string; asOf: string; items: Record<string, unknown>[] }>(await get('/v1/reports/supervision?month=2026-03'));
    expect(r.month).toBe('2026-03');
    expect(r.asOf).toBe('2026-03-31T23:59:59+08:00');
    const id = (k: string) => cases[k]?.ticketNo;
    expect(r.items.map((i) => [i.ticketNo, i.workingDaysLeft, i.handlingWorkingDays, i.openAtMonthEnd, i.overdueInMonth])).toEqual([
      // K: due Fri 19 Dec; by 31 Mar 67 working days over (New Year 1–3 Jan, Spring Festival 15–23 Feb, makeup 4 Jan, 14 and 28 Feb).
      [id('K'), -67, 96, true, true],
      // D: due 17 Mar, open: 18–31 Mar is 10 working days over; received 10 Mar: 15 working days so far.
      [id('D'), -10, 15, true, true],
      // B: due 10 Mar, replied 11 Mar: one day over, no longer open.
      [id('B'), -1, 6, false, true],
      // G: paused, due 1 Apr: 1 working day left at month end.
      [id('G'), 1, 7, true, false],
      // F: received 31 Mar, due 8 Apr: 1–3, 7, 8 Apr.
      [id('F'), 5, 0, true, false],
      // C: due 16 Apr: 1–3, 7–10, 13–16 Apr (Qingming 4–6 Apr off).
      [id('C'), 11, 18, true, false],
    ]);
    expect(r.items[1]).toMatchObject({ office: 'legal', officeName: '法律服务部', category: 'advice', status: 'in_progress', escalationLevel: 2, receivedAt: '2026-03-10T08:30:00+08:00', dueAt: '2026-03-17T23:59:59+08:00' });
  });

  it('CSV parsed back; office staff see their own office only', async () => {
    const text = await (await get('/v1/reports/supervision?month=2026-03', ['supervisor'], undefined, { Accept: 'text/csv' })).text();
    const rows = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(rows[0]?.[0]).toBe('工单号');
    expect(rows.slice(1).map((r) => r[0])).toEqual(['K', 'D', 'B', 'G', 'F', 'C'].map((k) => cases[k]?.ticketNo));
    expect(rows[2]?.[7]).toBe('-10');
    const own = await body<{ items: { office: string }[] }>(await get('/v1/reports/supervision?month=2026-03', ['office'], 'rights'));
    expect(own.items.map((i) => i.office)).toEqual(['rights', 'rights']);
  });
});

describe('report facts are idempotent', () => {
  it('writing a case’s facts again, or an older version, changes nothing; a newer version replaces them', async () => {
    const D = cases.D as CaseRecord;
    expect(await h.deps.reports.sync(D)).toBe(false);
    expect(await h.deps.reports.sync({ ...D, version: D.version - 1, status: 'closed' })).toBe(false);
    const before = await body<{ total: typeof MARCH_TOTAL }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31'));
    expect(before.total).toEqual(MARCH_TOTAL);
    const facts = (await h.deps.reports.factsForMonths(['2026-03'])).filter((f) => f.id === D.id);
    expect(facts).toEqual([factOf(D)]);
  });

  it('concurrent writers of one bucket lose nothing: 60 cases of one day at once, and two versions of one case racing', async () => {
    const day = Array.from({ length: 60 }, (_, i) =>
      record({ channel: 'hotline', category: 'advice', receivedAt: t('2026-05-06T10:00:00+08:00') + i * 1000, dueAt: end('2026-05-13'), status: 'in_progress' }),
    );
    const results = await Promise.all(day.map((r) => h.deps.reports.sync(r)));
    expect(results.every(Boolean)).toBe(true);
    const stored = await h.deps.reports.factsForMonths(['2026-05']);
    expect(stored.map((f) => f.id).sort()).toEqual(day.map((r) => r.id).sort());

    const first = day[0] as CaseRecord;
    const newer: CaseRecord = { ...first, version: first.version + 2, status: 'replied', reply: { at: t('2026-05-08T10:00:00+08:00'), text: '答复' } };
    const middle: CaseRecord = { ...first, version: first.version + 1, status: 'paused' };
    await Promise.all([h.deps.reports.sync(newer), h.deps.reports.sync(middle), h.deps.reports.sync(newer)]);
    const after = (await h.deps.reports.factsForMonths(['2026-05'])).filter((f) => f.id === first.id);
    expect(after).toEqual([factOf(newer)]);
  });

  it('a duplicate delivery of the same change counts once', async () => {
    const A = cases.A as CaseRecord;
    const reopened: CaseRecord = { ...A, version: A.version + 1, status: 'in_progress', reopened: 1, updatedAt: t(NOW) };
    await h.deps.cases.replace(reopened, A.version);
    expect(await h.deps.reports.sync(reopened)).toBe(false);
    const r = await body<{ total: typeof MARCH_TOTAL }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31'));
    expect(r.total.received).toBe(9);
    expect(r.total.replied).toBe(4);
    // Back as it was, for the other tests (the version moves on).
    cases.A = { ...A, version: reopened.version + 1 };
    await h.deps.cases.replace(cases.A, reopened.version);
  });

  it('a new case not yet routed, and a change whose facts were lost (a crash between the writes), are picked up by the reconciler', async () => {
    const count = async () => (await body<{ total: typeof MARCH_TOTAL }>(await get('/v1/reports/summary?from=2026-03-01&to=2026-03-31'))).total;
    // Intake writes the case only; the router's assignment (or the reconciler) writes its facts.
    const late = record({ channel: 'hotline', category: 'advice', receivedAt: t('2026-03-30T09:00:00+08:00'), dueAt: end('2026-04-06'), status: 'received', updatedAt: t(NOW) - 60_000 });
    await h.deps.cases.create(late);
    // An extension written by a process that died before writing its facts (G is paused: no timer to repair either).
    const G = cases.G as CaseRecord;
    await new DynamoCaseStore(h.db, h.tableName).replace({ ...G, extended: true, version: G.version + 1, updatedAt: t(NOW) - 30_000 }, G.version);
    expect(await count()).toMatchObject({ received: 9, extensions: 1 });

    const result = await reconcile({ ...h.deps, queue: h.deps.queue, graceMs: 3_600_000 });
    expect(result.factsRepaired).toBe(2);
    expect(await count()).toMatchObject({ received: 10, extensions: 2 });
    expect((await reconcile({ ...h.deps, queue: h.deps.queue, graceMs: 3_600_000 })).factsRepaired).toBe(0);
  });
});
