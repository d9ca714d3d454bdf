import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../shared/domain/case';
import { putOffice } from '../../shared/usecases/admin';
import { sendMonthlyReport, type MonthlyReportDeps } from '../../shared/usecases/monthly-report';
import { createHarness, type Harness } from '../support/harness';
import { parseCsv } from '../support/csv';
import { body } from '../support/http';
import { end, record, seed, t } from '../support/records';

/**
 * The quarterly analysis (clusters: the same topic at several sites or regions), a summary across
 * the calendar year end, and the monthly e-mail to leadership on the first working day.
 */
let h: Harness;

const at = (day: string, over: Partial<CaseRecord> & { dueAt?: number } = {}): CaseRecord =>
  record({ channel: 'hotline', category: 'complaint', office: 'rights', receivedAt: t(`${day}T10:00:00+08:00`), dueAt: end(day), status: 'in_progress', ...over });
const complainant = (employer: string) => ({ name: '工人', employer });

const Q1 = {
  // canteen: one site spelled two ways (full-width space, a full stop) and a second site → 2 sites.
  canteen1: at('2027-01-05', { topic: 'canteen', region: 'guangzhou', complainant: complainant('中铁某局三公司 第一项目部') }),
  canteen2: at('2027-01-06', { topic: 'canteen', region: 'guangzhou', complainant: complainant('中铁某局三公司　第一项目部。') }),
  canteen3: at('2027-01-07', { topic: 'canteen', region: 'guangzhou', complainant: complainant('中铁某局三公司第二项目部') }),
  // water: twice from one station in one region → no cluster.
  water1: at('2027-01-05', { topic: 'water', region: 'karamay', complainant: complainant('某油田作业区') }),
  water2: at('2027-01-08', { topic: 'water', region: 'karamay', complainant: complainant('某油田作业区') }),
  // dorm: one employer, two regions → a cluster by region.
  dorm1: at('2027-01-06', { topic: 'dorm', region: 'foshan', complainant: complainant('某电子集团') }),
  dorm2: at('2027-01-11', { topic: 'dorm', region: 'dongguan', complainant: complainant('某电子集团') }),
  // other: says nothing shared, whatever the sites.
  other1: at('2027-01-05', { topic: 'other', complainant: complainant('甲厂') }),
  other2: at('2027-01-06', { topic: 'other', complainant: complainant('乙厂') }),
};
const Q4 = {
  oct: at('2026-10-12', { channel: 'mailbox', status: 'closed', closedAt: t('2026-10-20T10:00:00+08:00') }),
  dec: at('2026-12-30', { channel: 'walk_in', walkIn: { visitors: 3 }, dueAt: end('2027-01-08') }),
};

beforeAll(async () => {
  h = await createHarness({ now: '2027-01-15T10:00:00+08:00' });
  await putOffice(h.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  for (const r of [...Object.values(Q1), ...Object.values(Q4)]) await seed(h, r);
});
afterAll(() => h.close());

const get = async (path: string, headers: Record<string, string> = {}) => h.request(path, { headers: { Authorization: `Bearer ${await h.token(['supervisor'])}`, ...headers } });

interface Quarterly {
  quarter: string;
  previousQuarter: string;
  summary: { total: { received: number }; groups: { key: string; label: string }[] };
  previous: { received: number; walkInPersons: number };
  change: Record<string, number | null>;
  monthly: { month: string; hotline: number; mailbox: number; walk_in: number }[];
  topTopics: { topic: string; label: string; received: number }[];
  clusters: { topic: string; sites: string[]; regions: string[]; cases: { ticketNo: string; employer: string | null; region: string | null }[] }[];
}

describe('GET /v1/reports/quarterly', () => {
  it('finds the same problem at several sites or regions, and only there', async () => {
    const q = await body<Quarterly>(await get('/v1/reports/quarterly?quarter=2027-Q1'));
    expect(q.clusters.map((c) => [c.topic, c.sites, c.regions])).toEqual([
      ['canteen', ['中铁某局三公司 第一项目部', '中铁某局三公司第二项目部'], ['guangzhou']],
      ['dorm', ['某电子集团'], ['foshan', 'dongguan']],
    ]);
    expect(q.clusters[0]?.cases.map((c) => c.ticketNo)).toEqual([Q1.canteen1.ticketNo, Q1.canteen2.ticketNo, Q1.canteen3.ticketNo]);
  });

  it('compares with the quarter before it, across the year end; counts by channel per month; ranks topics', async () => {
    const q = await body<Quarterly>(await get('/v1/reports/quarterly?quarter=2027-Q1'));
    expect([q.quarter, q.previousQuarter]).toEqual(['2027-Q1', '2026-Q4']);
    expect(q.summary.total.received).toBe(9);
    expect(q.previous).toMatchObject({ received: 2, walkInPersons: 3 });
    expect(q.change).toMatchObject({ received: 7, walkInPersons: -3, walkInBatches: -1, onTimeRate: null });
    expect(q.monthly).toEqual([
      { month: '2027-01', hotline: 9, mailbox: 0, walk_in: 0 },
      { month: '2027-02', hotline: 0, mailbox: 0, walk_in: 0 },
      { month: '2027-03', hotline: 0, mailbox: 0, walk_in: 0 },
    ]);
    expect(q.topTopics).toEqual([
      { topic: 'canteen', label: 'canteen', received: 3 },
      { topic: 'dorm', label: 'dorm', received: 2 },
      { topic: 'other', label: '其他', received: 2 },
      { topic: 'water', label: 'water', received: 2 },
    ]);
    const csv = parseCsv((await (await get('/v1/reports/quarterly?quarter=2027-Q1&format=csv')).text()).replace(/^\uFEFF/, ''));
    expect(csv.some((row) => row[0] === '多点同类问题')).toBe(true);
    const html = await (await get('/v1/reports/quarterly?quarter=2027-Q1', { Accept: 'text/html' })).text();
    expect(html).toContain('data-chart="channel-by-month"');
    expect(html).toContain('中铁某局三公司第二项目部');
  });

  it('a summary spanning the year end groups by month across it', async () => {
    const r = await body<{ groups: { key: string; label: string; received: number; walkInPersons: number }[]; total: { received: number } }>(
      await get('/v1/reports/summary?from=2026-12-01&to=2027-01-31&groupBy=month'),
    );
    expect(r.groups.map((g) => [g.key, g.label, g.received, g.walkInPersons])).toEqual([
      ['2026-12', '2026年12月', 1, 3],
      ['2027-01', '2027年1月', 9, 0],
    ]);
    expect(r.total.received).toBe(10);
    // December's walk-in, due 8 Jan and still open, is on December's chase list and overdue now.
    const sup = await body<{ items: { ticketNo: string; openAtMonthEnd: boolean }[] }>(await get('/v1/reports/supervision?month=2026-12'));
    expect(sup.items.map((i) => [i.ticketNo, i.openAtMonthEnd])).toEqual([[Q4.dec.ticketNo, true]]);
  });
});

describe('the monthly e-mail to leadership', () => {
  let m: Harness;
  let deps: MonthlyReportDeps;

  beforeAll(async () => {
    m = await createHarness({ now: '2026-10-01T10:00:00+08:00' });
    await putOffice(m.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
    await seed(m, at('2026-09-14', { status: 'replied', reply: { at: t('2026-09-15T10:00:00+08:00'), text: '答复' }, sla: { dueAt: end('2026-10-16'), workingDays: 20, state: 'met', calendarEstimated: false } }));
    await seed(m, at('2026-09-01', { dueAt: end('2026-09-29') }));
    deps = { ...m.deps, recipients: ['chair@union.example.org', 'office-head@union.example.org'], hour: 9 };
  });
  afterAll(() => m.close());

  const mails = async () => {
    const files = (await readdir(m.outboxDir)).filter((f) => f.endsWith('.eml'));
    return Promise.all(files.map(async (f) => simpleParser(await readFile(join(m.outboxDir, f)))));
  };

  it('waits for the first working day (8 Oct after National Day) at 09:00, then sends September once, with both CSVs', async () => {
    expect(await sendMonthlyReport(deps)).toBe('not_due'); // 1 Oct: a holiday
    m.clock.set('2026-10-08T08:59:00+08:00');
    expect(await sendMonthlyReport(deps)).toBe('not_due');
    m.clock.set('2026-10-08T09:00:00+08:00');
    expect(await sendMonthlyReport(deps)).toBe('sent');
    expect(await sendMonthlyReport(deps)).toBe('already_sent');
    m.clock.set('2026-10-09T09:00:00+08:00');
    expect(await sendMonthlyReport(deps)).toBe('already_sent');

    const [mail, ...more] = await mails();
    expect(more).toHaveLength(0);
    expect(mail?.subject).toBe('【月度统计】2026年9月 受理2件 · 按时答复率100.0% · 督办1件');
    expect(mail?.headers.get('x-report-month')).toBe('2026-09');
    expect(mail?.attachments.map((a) => a.filename)).toEqual(['统计-2026-09.csv', '督办清单-2026-09.csv']);
    const [summary, chase] = (mail?.attachments ?? []).map((a) => a.content.toString('utf8'));
    expect(summary?.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsv((summary ?? '').slice(1));
    expect(rows.map((r) => r[0])).toEqual(['分组', '权益保障部', '合计']);
    expect(parseCsv((chase ?? '').replace(/^\uFEFF/, '')).length).toBe(2);
  });

  it('sends nothing without recipients', async () => {
    expect(await sendMonthlyReport({ ...deps, recipients: [] })).toBe('no_recipients');
  });
});
