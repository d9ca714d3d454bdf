import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, CALENDAR_NOTICE, createOk, expectProblem, expectValidation, listAll, type CaseBody } from '../support/http';

interface Year {
  year: number;
  source: 'shipped' | 'override' | 'estimated';
  holidays: string[];
  workdays: string[];
  workingDayCount: number;
  recomputedCases?: number;
}
interface Deadline {
  receivedAt: string;
  category: string;
  urgent: boolean;
  workingDays: number;
  dueAt: string;
  calendarEstimated: boolean;
  receiptDay: string;
  countedDays: { date: string; makeup?: true; festival?: string }[];
  skippedDays: { date: string; kind: 'weekend' | 'holiday'; festival?: string; name?: string }[];
}

/** Weekdays of a year minus weekday holidays plus makeup days, counted independently of the service. */
function countWorkingDays(year: number, holidays: string[], workdays: string[]): number {
  let n = 0;
  for (let t = Date.UTC(year, 0, 1); new Date(t).getUTCFullYear() === year; t += 86_400_000) {
    const iso = new Date(t).toISOString().slice(0, 10);
    const wd = new Date(t).getUTCDay();
    let working = wd !== 0 && wd !== 6;
    if (holidays.includes(iso)) working = false;
    if (workdays.includes(iso)) working = true;
    if (working) n++;
  }
  return n;
}

describe('calendar reading and deadlines', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  const deadline = async (query: string) => {
    const res = await h.request(`/v1/calendar/deadline?${query}`, { roles: ['office'] });
    expect(res.status, await res.clone().text()).toBe(200);
    return body<Deadline>(res);
  };

  it('advice received Friday 13 Feb 2026 (before Spring Festival) is due 27 Feb, and says which days it counted and skipped', async () => {
    const spring = (date: string) => ({ date, kind: 'holiday', festival: 'spring_festival', name: '春节' });
    expect(await deadline(`receivedAt=${encodeURIComponent('2026-02-13T10:00:00+08:00')}&category=advice`)).toEqual({
      receivedAt: '2026-02-13T10:00:00+08:00',
      category: 'advice',
      urgent: false,
      workingDays: 5,
      dueAt: '2026-02-27T23:59:59+08:00',
      calendarEstimated: false,
      receiptDay: '2026-02-13',
      // Sat 14 Feb is a makeup working day (调休) of the Spring Festival; 15–23 Feb are its holiday.
      countedDays: [{ date: '2026-02-14', makeup: true, festival: 'spring_festival' }, { date: '2026-02-24' }, { date: '2026-02-25' }, { date: '2026-02-26' }, { date: '2026-02-27' }],
      skippedDays: ['2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23'].map(spring),
    });
  });

  it('advice received 30 Sep 2026 counts across National Day: 8, 9, Sat 10 (makeup), 12, 13 Oct; skips 1–7 Oct and Sun 11 Oct', async () => {
    const d = await deadline(`receivedAt=${encodeURIComponent('2026-09-30T10:00:00+08:00')}&category=advice`);
    expect(d.dueAt).toBe('2026-10-13T23:59:59+08:00');
    expect(d.countedDays).toEqual([{ date: '2026-10-08' }, { date: '2026-10-09' }, { date: '2026-10-10', makeup: true, festival: 'national_day' }, { date: '2026-10-12' }, { date: '2026-10-13' }]);
    expect(d.skippedDays).toEqual([
      ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({ date: `2026-10-0${n}`, kind: 'holiday', festival: 'national_day', name: '国庆节' })),
      { date: '2026-10-11', kind: 'weekend' },
    ]);
    expect(d.countedDays).toHaveLength(d.workingDays);
  });

  it('an urgent case received on a holiday counts from its first working day; an estimated year skips weekends only', async () => {
    const u = await deadline(`receivedAt=${encodeURIComponent('2026-10-06T09:00:00+08:00')}&category=advice&urgent=true`);
    expect(u.countedDays).toEqual([{ date: '2026-10-08' }]);
    expect(u.skippedDays.map((x) => x.date)).toEqual(['2026-10-06', '2026-10-07']);
    const est = await deadline(`receivedAt=${encodeURIComponent('2027-04-29T10:00:00+08:00')}&category=advice`);
    expect(est.calendarEstimated).toBe(true);
    expect(est.skippedDays).toEqual([{ date: '2027-05-01', kind: 'weekend' }, { date: '2027-05-02', kind: 'weekend' }]);
    expect(est.countedDays.map((x) => x.date)).toEqual(['2027-04-30', '2027-05-03', '2027-05-04', '2027-05-05', '2027-05-06']);
  });

  it('accepts receivedAt without seconds, as ISO 8601 allows (2026-02-13T10:00+08:00)', async () => {
    const d = await deadline(`receivedAt=${encodeURIComponent('2026-02-13T10:00+08:00')}&category=advice`);
    expect(d.receivedAt).toBe('2026-02-13T10:00:00+08:00');
    expect(d.dueAt).toBe('2026-02-27T23:59:59+08:00');
    const utc = await deadline(`receivedAt=${encodeURIComponent('2026-02-13T02:00Z')}&category=advice`);
    expect(utc.receivedAt).toBe('2026-02-13T10:00:00+08:00');
  });

  it('investigation received 20 Dec 2026 crosses into 2027 and is estimated', async () => {
    const d = await deadline(`receivedAt=${encodeURIComponent('2026-12-20T10:00:00+08:00')}&category=investigation`);
    expect(d.workingDays).toBe(30);
    expect(d.calendarEstimated).toBe(true);
    expect(d.dueAt).toBe('2027-01-29T23:59:59+08:00');
  });

  it('urgent: the same working day, 0 working days', async () => {
    const d = await deadline(`receivedAt=${encodeURIComponent('2026-03-03T08:00:00+08:00')}&category=investigation&urgent=true`);
    expect(d).toMatchObject({ urgent: true, workingDays: 0, dueAt: '2026-03-03T23:59:59+08:00', calendarEstimated: false });
    // Received on the first day of the National Day holiday: the next working day.
    const holiday = await deadline(`receivedAt=${encodeURIComponent('2026-10-01T08:00:00+08:00')}&category=advice&urgent=true`);
    expect(holiday.dueAt).toBe('2026-10-08T23:59:59+08:00');
  });

  it.each(['1999-12-31T10:00:00+08:00', '2100-01-01T10:00:00+08:00', '9999-01-01T00:00:00Z'])('refuses a receipt time outside 2000–2099 (%s)', async (at) => {
    const res = await h.request(`/v1/calendar/deadline?category=advice&receivedAt=${encodeURIComponent(at)}`, { roles: ['operator'] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('query.receivedAt');
  });

  it('receivedAt defaults to now', async () => {
    const d = await deadline('category=complaint');
    expect(d.receivedAt).toBe('2026-03-02T09:30:00+08:00');
    expect(d.dueAt).toBe('2026-03-30T23:59:59+08:00');
    expect(d.urgent).toBe(false);
  });

  it('agrees with the deadline a created case gets', async () => {
    const c = await createOk(h, hotlineCase({ category: 'investigation', receivedAt: '2026-02-13T10:00:00+08:00' }));
    const d = await deadline(`receivedAt=${encodeURIComponent('2026-02-13T10:00:00+08:00')}&category=investigation`);
    expect(c.sla.dueAt).toBe(d.dueAt);
    expect(c.sla.workingDays).toBe(d.workingDays);
  });

  it.each([
    ['', 'query.category'],
    ['category=urgent', 'query.category'],
    ['category=advice&urgent=maybe', 'query.urgent'],
    ['category=advice&urgent=1', 'query.urgent'],
    ['category=advice&receivedAt=2026-02-13T10:00:00', 'query.receivedAt'],
    ['category=advice&receivedAt=2026-02-13', 'query.receivedAt'],
    ['category=advice&receivedAt=13%2F02%2F2026', 'query.receivedAt'],
    ['category=advice&lang=zh', 'query.lang'],
  ])('400 for ?%s', async (query, path) => {
    await expectValidation(await h.request(`/v1/calendar/deadline?${query}`, { roles: ['admin'] }), path);
  });

  it('2026 is shipped official data', async () => {
    const res = await h.request('/v1/calendar/2026', { roles: ['operator'] });
    expect(res.status).toBe(200);
    const y = await body<Year>(res);
    expect(y.year).toBe(2026);
    expect(y.source).toBe('shipped');
    expect(y.holidays).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-10-01']));
    expect(y.workdays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28']));
    expect(y.holidays).toEqual([...y.holidays].sort());
    expect(y.workingDayCount).toBe(countWorkingDays(2026, y.holidays, y.workdays));
    expect(y.workingDayCount).toBeLessThan(261);
  });

  it('every shipped year names the State Council notice it comes from, and its holidays their festival', async () => {
    const y2026 = await body<Year & { notice: unknown; festivals: Record<string, string> }>(await h.request('/v1/calendar/2026', { roles: ['operator'] }));
    expect(y2026.notice).toEqual({ title: '国务院办公厅关于2026年部分节假日安排的通知', date: '2025-11-04', url: 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm' });
    expect(y2026.festivals['2026-10-01']).toBe('national_day');
    expect(y2026.festivals['2026-09-20']).toBe('national_day');
    expect(y2026.festivals['2026-02-17']).toBe('spring_festival');
    expect(Object.keys(y2026.festivals).sort()).toEqual([...y2026.holidays, ...y2026.workdays].sort());
    const y2020 = await body<{ notice: { date: string; amendments: { title: string; date: string }[] } }>(await h.request('/v1/calendar/2020', { roles: ['operator'] }));
    expect(y2020.notice.date).toBe('2019-11-21');
    expect(y2020.notice.amendments).toEqual([expect.objectContaining({ title: '国务院办公厅关于延长2020年春节假期的通知', date: '2020-01-27' })]);
    for (let year = 2004; year <= 2026; year++) {
      const y = await body<{ notice?: { title: string } }>(await h.request(`/v1/calendar/${year}`, { roles: ['operator'] }));
      expect(y.notice?.title).toBe(`国务院办公厅关于${year}年部分节假日安排的通知`);
    }
  });

  it('2027 has no official data yet: estimated, weekends only', async () => {
    const y = await body<Year>(await h.request('/v1/calendar/2027', { roles: ['reception'] }));
    expect(y).toEqual({ year: 2027, source: 'estimated', holidays: [], workdays: [], workingDayCount: 261 });
  });

  it.each(['abc', '1999', '2101', '2026.5', '-2026'])('400 for year %s', async (year) => {
    await expectProblem(await h.request(`/v1/calendar/${year}`, { roles: ['admin'] }), 400);
  });
});

describe('PUT /v1/admin/calendar/{year}', () => {
  let h: Harness;
  // Cases received in late December 2026, while 2027 is still estimated.
  let crossing: CaseBody; // complaint received Sun 20 Dec 2026: due mid-January 2027
  let longCrossing: CaseBody; // investigation received Sun 20 Dec 2026: due end of January 2027
  let within: CaseBody; // advice received Tue 15 Dec 2026: due Tue 22 Dec 2026
  let urgentWithin: CaseBody;

  beforeAll(async () => {
    h = await createHarness({ now: '2026-12-21T09:00:00+08:00' });
    // Logged by an admin, so the answers hold the whole case (personal data too), as a supervisor reads it back.
    crossing = await createOk(h, hotlineCase({ category: 'complaint', receivedAt: '2026-12-20T10:00:00+08:00' }), ['admin']);
    longCrossing = await createOk(h, hotlineCase({ category: 'investigation', receivedAt: '2026-12-20T10:00:00+08:00' }), ['admin']);
    within = await createOk(h, hotlineCase({ category: 'advice', receivedAt: '2026-12-15T10:00:00+08:00' }), ['admin']);
    urgentWithin = await createOk(h, hotlineCase({ category: 'advice', urgent: true }), ['admin']);
  });
  afterAll(() => h.close());

  const get = async (c: CaseBody) => {
    const res = await h.request(`/v1/cases/${c.id}`, { roles: ['supervisor'] });
    expect(res.status).toBe(200);
    return { etag: res.headers.get('etag'), c: await body<CaseBody>(res) };
  };
  const putRaw = (year: string | number, json: unknown) => h.request(`/v1/admin/calendar/${year}`, { method: 'PUT', roles: ['admin'], json });
  /** Every upload names its notice; the cases below are about the days. */
  const put = (year: string | number, json: object) => putRaw(year, { notice: CALENDAR_NOTICE, ...json });
  const year2027 = async () => body<Year>(await h.request('/v1/calendar/2027', { roles: ['admin'] }));

  it('before: deadlines crossing into 2027 are estimated', async () => {
    expect(crossing.sla).toEqual({ dueAt: '2027-01-15T23:59:59+08:00', workingDays: 20, state: 'on_track', calendarEstimated: true });
    expect(longCrossing.sla.dueAt).toBe('2027-01-29T23:59:59+08:00');
    expect(longCrossing.sla.calendarEstimated).toBe(true);
    expect(within.sla).toEqual({ dueAt: '2026-12-22T23:59:59+08:00', workingDays: 5, state: 'on_track', calendarEstimated: false });
    expect(urgentWithin.sla.dueAt).toBe('2026-12-21T23:59:59+08:00');
  });

  it('storing 2027 with a holiday outside the open windows only clears calendarEstimated', async () => {
    h.clock.set('2026-12-21T10:00:00+08:00');
    const res = await put(2027, { holidays: ['2027-02-10'], workdays: [] });
    expect(res.status).toBe(200);
    const stored = await body<Year>(res);
    expect(stored).toEqual({ year: 2027, source: 'override', holidays: ['2027-02-10'], workdays: [], notice: CALENDAR_NOTICE, workingDayCount: 260, recomputedCases: 2 });

    const a = await get(crossing);
    expect(a.c.sla).toEqual({ ...crossing.sla, calendarEstimated: false });
    expect(a.c.version).toBe(2);
    expect(a.etag).toBe('"2"');
    expect(a.c.updatedAt).toBe('2026-12-21T10:00:00+08:00');
    const b = await get(longCrossing);
    expect(b.c.sla.dueAt).toBe(longCrossing.sla.dueAt);
    expect(b.c.sla.calendarEstimated).toBe(false);
    expect(b.c.version).toBe(2);
  });

  it('storing 2027 with 1 January as a holiday moves the open deadlines it affects', async () => {
    h.clock.set('2026-12-21T11:00:00+08:00');
    const res = await put(2027, { holidays: ['2027-02-10', '2027-01-01'], workdays: [] });
    expect(res.status).toBe(200);
    const stored = await body<Year>(res);
    expect(stored.source).toBe('override');
    expect(stored.holidays).toEqual(['2027-01-01', '2027-02-10']);
    expect(stored.workingDayCount).toBe(259);
    expect(stored.recomputedCases).toBe(2);

    const a = await get(crossing);
    // 1 Jan 2027 (a Friday) is no longer a working day: the 20th working day is Monday 18 January.
    expect(a.c.dueAt).toBe('2027-01-18T23:59:59+08:00');
    expect(a.c.sla).toEqual({ dueAt: '2027-01-18T23:59:59+08:00', workingDays: 20, state: 'on_track', calendarEstimated: false });
    expect(a.c.version).toBe(3);
    expect(a.etag).toBe('"3"');
    expect(a.c.updatedAt).toBe('2026-12-21T11:00:00+08:00');
    // Everything else about the case is as it was.
    const { sla: _s, dueAt: _d, version: _v, updatedAt: _u, ...rest } = a.c;
    const { sla: _s0, dueAt: _d0, version: _v0, updatedAt: _u0, ...rest0 } = crossing;
    expect(rest).toEqual(rest0);

    const b = await get(longCrossing);
    expect(b.c.sla.dueAt).toBe('2027-02-01T23:59:59+08:00');
    expect(b.c.version).toBe(3);
  });

  it('cases received and due within 2026 are untouched', async () => {
    for (const original of [within, urgentWithin]) {
      const { c, etag } = await get(original);
      expect(c).toEqual(original);
      expect(etag).toBe('"1"');
    }
  });

  it('the list, its filters and tracking see the moved deadline', async () => {
    const all = await listAll(h);
    expect(all.map((c) => c.id)).toEqual([urgentWithin.id, within.id, crossing.id, longCrossing.id]);
    expect(all.find((c) => c.id === crossing.id)?.sla.dueAt).toBe('2027-01-18T23:59:59+08:00');
    // Due before 16 Jan: no longer includes the moved case.
    const early = await listAll(h, `dueBefore=${encodeURIComponent('2027-01-16T00:00:00+08:00')}`);
    expect(early.map((c) => c.id).sort()).toEqual([within.id, urgentWithin.id].sort());
    const received = await listAll(h, `status=received&dueBefore=${encodeURIComponent('2027-01-19T00:00:00+08:00')}`);
    expect(received.map((c) => c.id)).toContain(crossing.id);
    const track = await body<{ dueAt: string }>(await h.request(`/v1/track/${crossing.ticketNo}?code=${crossing.trackingCode}`));
    expect(track.dueAt).toBe('2027-01-18T23:59:59+08:00');
  });

  it('GET shows the stored year and deadlines crossing 2027 are no longer estimated', async () => {
    expect(await year2027()).toEqual({ year: 2027, source: 'override', holidays: ['2027-01-01', '2027-02-10'], workdays: [], notice: CALENDAR_NOTICE, workingDayCount: 259 });
    const d = await body<Deadline>(await h.request(`/v1/calendar/deadline?receivedAt=${encodeURIComponent('2026-12-20T10:00:00+08:00')}&category=investigation`, { roles: ['operator'] }));
    expect(d.calendarEstimated).toBe(false);
    expect(d.dueAt).toBe('2027-02-01T23:59:59+08:00');
    // 2028 is still unknown.
    const far = await body<Deadline>(await h.request(`/v1/calendar/deadline?receivedAt=${encodeURIComponent('2027-12-20T10:00:00+08:00')}&category=investigation`, { roles: ['operator'] }));
    expect(far.calendarEstimated).toBe(true);
  });

  it('new cases use the stored year', async () => {
    h.clock.set('2026-12-28T11:00:00+08:00');
    const c = await createOk(h, hotlineCase({ category: 'advice', receivedAt: '2026-12-28T10:00:00+08:00' }));
    // 29, 30, 31 Dec, (1 Jan off), 4 and 5 Jan.
    expect(c.sla).toEqual({ dueAt: '2027-01-05T23:59:59+08:00', workingDays: 5, state: 'on_track', calendarEstimated: false });
  });

  it('storing the same year again moves nothing', async () => {
    const res = await put(2027, { holidays: ['2027-01-01', '2027-02-10'], workdays: [] });
    expect((await body<Year>(res)).recomputedCases).toBe(0);
    expect((await get(crossing)).c.version).toBe(3);
  });

  it('makeup working days count', async () => {
    // Saturday 9 January 2027 as a makeup working day: the complaint is due a working day earlier.
    const res = await put(2027, { holidays: ['2027-01-01', '2027-02-10'], workdays: ['2027-01-09'] });
    expect(res.status).toBe(200);
    const stored = await body<Year>(res);
    expect(stored.workdays).toEqual(['2027-01-09']);
    expect(stored.workingDayCount).toBe(260);
    expect((await get(crossing)).c.sla.dueAt).toBe('2027-01-15T23:59:59+08:00');
    expect((await get(within)).c.version).toBe(1);
  });

  describe('invalid calendars are refused and change nothing', () => {
    let before: Year;
    let casesBefore: CaseBody[];
    beforeAll(async () => {
      before = await year2027();
      casesBefore = await listAll(h);
    });

    it.each([
      ['a date of another year', { holidays: ['2026-10-01'], workdays: [] }, undefined],
      ['a makeup day of another year', { holidays: [], workdays: ['2028-01-02'] }, undefined],
      ['a day in both lists', { holidays: ['2027-01-01', '2027-02-06'], workdays: ['2027-02-06'] }, undefined],
      ['a malformed date', { holidays: ['2027-1-1'], workdays: [] }, 'holidays.0'],
      ['an impossible date', { holidays: ['2027-02-30'], workdays: [] }, 'holidays.0'],
      ['a date with time', { holidays: [], workdays: ['2027-01-09T00:00:00+08:00'] }, 'workdays.0'],
      ['an unknown field', { holidays: [], workdays: [], notes: '国务院办公厅通知' }, 'notes'],
      ['a missing list', { holidays: ['2027-01-01'] }, 'workdays'],
      ['a list that is not a list', { holidays: '2027-01-01', workdays: [] }, 'holidays'],
      ['a number for a date', { holidays: [20270101], workdays: [] }, 'holidays.0'],
      ['a festival on a day that is neither a holiday nor a makeup day', { holidays: ['2027-01-01'], workdays: [], festivals: { '2027-01-04': 'new_year' } }, undefined],
      ['an unknown festival', { holidays: ['2027-01-01'], workdays: [], festivals: { '2027-01-01': 'christmas' } }, 'festivals.2027-01-01'],
      ['a notice without its date', { holidays: [], workdays: [], notice: { title: '国务院办公厅关于2027年部分节假日安排的通知' } }, 'notice.date'],
    ])('400 for %s', async (_name, json, path) => {
      const res = await put(2027, json);
      const problem = await expectValidation(res, ...(path ? [path] : []));
      expect(problem.errors?.length).toBeGreaterThan(0);
      expect(await year2027()).toEqual(before);
    });

    it('400 naming `notice` for a year uploaded without the notice it comes from', async () => {
      await expectValidation(await putRaw(2027, { holidays: ['2027-01-01'], workdays: [] }), 'notice');
      expect(await year2027()).toEqual(before);
    });

    it('400 for a bad year in the path', async () => {
      await expectProblem(await put('twenty', { holidays: [], workdays: [] }), 400);
      await expectProblem(await put(1999, { holidays: [], workdays: [] }), 400);
    });

    it('400 for malformed JSON, 415 for another content type', async () => {
      const malformed = await h.request('/v1/admin/calendar/2027', { method: 'PUT', roles: ['admin'], body: '{"holidays": [', headers: { 'Content-Type': 'application/json' } });
      await expectProblem(malformed, 400);
      const text = await h.request('/v1/admin/calendar/2027', { method: 'PUT', roles: ['admin'], body: '{"holidays":[],"workdays":[]}', headers: { 'Content-Type': 'text/plain' } });
      await expectProblem(text, 415);
    });

    it('no case moved', async () => {
      expect(await listAll(h)).toEqual(casesBefore);
      expect(await year2027()).toEqual(before);
    });
  });
});

describe('overriding a shipped year', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-12-14T09:00:00+08:00' });
  });
  afterAll(() => h.close());

  it('replaces the shipped data and moves open cases due in that year', async () => {
    const c = await createOk(h, hotlineCase({ category: 'advice' }));
    // Monday 14 Dec 2026: 15, 16, 17, 18, 21 December.
    expect(c.dueAt).toBe('2026-12-21T23:59:59+08:00');
    const shipped = await body<Year>(await h.request('/v1/calendar/2026', { roles: ['admin'] }));
    const res = await h.request('/v1/admin/calendar/2026', {
      method: 'PUT',
      roles: ['admin'],
      json: { holidays: [...shipped.holidays, '2026-12-16'], workdays: shipped.workdays, notice: CALENDAR_NOTICE },
    });
    expect(res.status).toBe(200);
    const stored = await body<Year>(res);
    expect(stored.source).toBe('override');
    expect(stored.workingDayCount).toBe(shipped.workingDayCount - 1);
    expect(stored.recomputedCases).toBe(1);
    const after = await body<CaseBody>(await h.request(`/v1/cases/${c.id}`, { roles: ['admin'] }));
    expect(after.dueAt).toBe('2026-12-22T23:59:59+08:00');
    expect(after.version).toBe(2);
  });
});
