import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFact, encodeFact } from '../../shared/adapters/dynamo/report-store';
import type { CaseRecord } from '../../shared/domain/case';
import { factOf, figuresOf } from '../../shared/domain/report';
import { WorkingCalendar } from '../../shared/domain/calendar';
import { putOffice } from '../../shared/usecases/admin';
import { createHarness, type Harness } from '../support/harness';
import { parseCsv } from '../support/csv';
import { end, record, seed, t } from '../support/records';
import { body } from '../support/http';

/**
 * The assessment indicators of issue 19 (回退率, 不当退单, 重办率, 解决率, 参评率, 回访率, 重复件)
 * against a month computed by hand: May 2026, read on Monday 15 June 2026. Letters P–V:
 *
 * | case | office | sent back (不当) | replied | reopened | followed up (resolved, rating) | duplicate |
 * | P | rights | 1 (1) | yes | 1 | yes (no, dissatisfied)          | —   |
 * | Q | rights | 0     | yes | 0 | yes (yes, satisfied)            | —   |
 * | R | rights | 2 (1) | yes | 0 | yes (no, basically satisfied)   | —   |
 * | S | legal  | 1     | no  | 0 | —                               | —   |
 * | T | legal  | 0     | yes | 1 | —                               | —   |
 * | U | rights | 0     | —   | — | —                               | of Q |
 * | V | legal  | 1     | —   | — | —                               | of S |
 *
 * Duplicates count apart and in no other figure: received 5 (P–T); 回退率 3/5 (P, R, S); 不当退单 2;
 * replied 4 (P, Q, R, T); 重办率 2/4 (P, T); 回访 3 (P, Q, R): 回访率 3/4, 参评率 3/4, 解决率 1/3 (Q),
 * 满意率 2/3 (Q, R); 重复件 2.
 * rights (P, Q, R, U): received 3, 回退率 2/3, 不当退单 2, replied 3, 重办率 1/3, 回访率 3/3, 参评率 3/3, 解决率 1/3, 重复件 1.
 * legal (S, T, V): received 2, 回退率 1/2, 不当退单 0, replied 1, 重办率 1/1, 回访率 0/1, 参评率 0/1, 解决率 — (none followed up), 重复件 1.
 */
const NOW = '2026-06-15T12:00:00+08:00';
const at = (day: string) => t(`${day}T10:00:00+08:00`);
const reply = (day: string) => ({ reply: { at: at(day), text: '答复' } });
const met = (r: CaseRecord): CaseRecord => ({ ...r, sla: { ...r.sla, state: 'met' } });
/** `improperReturns` as the reviewed send-back records it on the case. */
const improper = (n: number) => ({ improperReturns: n }) as Partial<CaseRecord>;

function fixture() {
  const P = met(record({ channel: 'hotline', category: 'complaint', office: 'rights', receivedAt: at('2026-05-06'), dueAt: end('2026-06-03'), status: 'replied', acceptedLate: false, returns: 1, ...improper(1), reopened: 1, ...reply('2026-05-27'), followUp: { at: at('2026-05-21'), resolved: false, satisfaction: 'dissatisfied' } }));
  const Q = met(record({ channel: 'mailbox', category: 'advice', office: 'rights', receivedAt: at('2026-05-07'), dueAt: end('2026-05-14'), status: 'closed', acceptedLate: false, ...reply('2026-05-12'), followUp: { at: at('2026-05-13'), resolved: true, satisfaction: 'satisfied' }, closedAt: at('2026-05-13') }));
  const R = met(record({ channel: 'walk_in', walkIn: { visitors: 3 }, category: 'complaint', office: 'rights', receivedAt: at('2026-05-11'), dueAt: end('2026-06-08'), status: 'replied', acceptedLate: true, returns: 2, ...improper(1), ...reply('2026-05-25'), followUp: { at: at('2026-05-26'), resolved: false, satisfaction: 'basically_satisfied' } }));
  const S = record({ channel: 'hotline', category: 'advice', office: 'legal', receivedAt: at('2026-05-12'), dueAt: end('2026-05-19'), status: 'in_progress', acceptedLate: false, returns: 1 });
  const T = met(record({ channel: 'hotline', category: 'advice', office: 'legal', receivedAt: at('2026-05-13'), dueAt: end('2026-06-05'), status: 'in_progress', acceptedLate: false, reopened: 1, ...reply('2026-05-15') }));
  const U = record({ channel: 'hotline', category: 'advice', office: 'rights', receivedAt: at('2026-05-14'), dueAt: end('2026-05-21'), status: 'closed', closedAt: at('2026-05-15'), duplicateOf: { caseId: Q.id, ticketNo: Q.ticketNo } });
  const V = record({ channel: 'mailbox', category: 'advice', office: 'legal', receivedAt: at('2026-05-20'), dueAt: end('2026-05-27'), status: 'closed', closedAt: at('2026-05-21'), returns: 1, duplicateOf: { caseId: S.id, ticketNo: S.ticketNo } });
  return { P, Q, R, S, T, U, V };
}

const TOTAL = { received: 5, returnRate: 0.6, improperReturns: 2, replied: 4, reworkRate: 0.5, followUps: 3, followUpRate: 0.75, ratedShare: 0.75, resolvedRate: 0.3333, satisfactionRate: 0.6667, duplicates: 2 };
const RIGHTS = { received: 3, returnRate: 0.6667, improperReturns: 2, replied: 3, reworkRate: 0.3333, followUps: 3, followUpRate: 1, ratedShare: 1, resolvedRate: 0.3333, duplicates: 1 };
const LEGAL = { received: 2, returnRate: 0.5, improperReturns: 0, replied: 1, reworkRate: 1, followUps: 0, followUpRate: 0, ratedShare: 0, resolvedRate: null, duplicates: 1 };

describe('the indicators, at the domain', () => {
  it('a month by hand: every figure from the facts alone', () => {
    const facts = Object.values(fixture()).map(factOf);
    expect(figuresOf(facts, t(NOW), new WorkingCalendar([]))).toMatchObject(TOTAL);
  });

  it('the new facts survive their compact line, and a line written before them reads as none', () => {
    const { P, U } = fixture();
    for (const r of [P, U]) {
      const line = encodeFact(r);
      const f = decodeFact(r.id, line);
      expect({ improperReturns: f.improperReturns, reopened: f.reopened, followedUp: f.followedUp, duplicate: f.duplicate }).toEqual({
        improperReturns: r === P ? 1 : 0,
        reopened: r === P ? 1 : 0,
        followedUp: r === P,
        duplicate: r === U,
      });
    }
    const old = encodeFact(P).split('|').slice(0, 23).join('|');
    expect(decodeFact(P.id, old)).toMatchObject({ improperReturns: 0, reopened: 0, followedUp: true, duplicate: false });
  });
});

describe('the indicators over HTTP: JSON, CSV and HTML', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: NOW });
    for (const [id, name] of [['rights', '权益保障部'], ['legal', '法律服务部']] as const) {
      await putOffice(h.deps, { id, name, email: `${id}@union.example.org`, locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
    }
    for (const r of Object.values(fixture())) await seed(h, r);
  });
  afterAll(() => h.close());
  const summary = (format = '') => h.request(`/v1/reports/summary?from=2026-05-01&to=2026-05-31&groupBy=office${format}`, { roles: ['supervisor'] });

  it('JSON: in total and per office, as computed by hand', async () => {
    const r = await body<{ total: Record<string, unknown>; groups: ({ key: string } & Record<string, unknown>)[] }>(await summary());
    expect(r.total).toMatchObject(TOTAL);
    expect(r.groups.find((g) => g.key === 'rights')).toMatchObject(RIGHTS);
    expect(r.groups.find((g) => g.key === 'legal')).toMatchObject(LEGAL);
  });

  it('CSV: one zh-CN column per indicator, rates as percentages', async () => {
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await (await summary('&format=csv')).arrayBuffer());
    const rows = parseCsv(text.slice(1));
    const header = rows[0] ?? [];
    const cells = (row: string[] | undefined, names: string[]) => names.map((n) => row?.[header.indexOf(n)]);
    const names = ['受理总数', '回退率', '不当退单', '重办率', '解决率', '参评率', '回访率', '重复件'];
    expect(cells(rows.at(-1), names)).toEqual(['5', '60.0%', '2', '50.0%', '33.3%', '75.0%', '75.0%', '2']);
    expect(cells(rows.find((r) => r[0] === '权益保障部'), names)).toEqual(['3', '66.7%', '2', '33.3%', '33.3%', '100.0%', '100.0%', '1']);
    expect(cells(rows.find((r) => r[0] === '法律服务部'), names)).toEqual(['2', '50.0%', '0', '100.0%', '', '0.0%', '0.0%', '1']);
  });

  it('HTML: the same columns, labelled from the vocabulary', async () => {
    const html = await (await summary('&format=html')).text();
    for (const label of ['回退率', '不当退单', '重办率', '解决率', '参评率', '回访率', '重复件']) expect(html).toContain(`<th>${label}</th>`);
    expect(html).toMatch(/<tfoot><tr><td>合计<\/td>(<td class="num">[^<]*<\/td>)+<\/tr><\/tfoot>/);
    expect(html).toContain('<td class="num">60.0%</td><td class="num">2</td><td class="num">50.0%</td><td class="num">33.3%</td><td class="num">75.0%</td><td class="num">75.0%</td><td class="num">2</td></tr></tfoot>');
  });
});
