import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { body, createOk, expectProblem, expectValidation, type CaseBody } from '../support/http';

const PERSON = { name: '陈秀英', phone: '13712345678', email: 'chen.xiuying@example.com', employer: '东莞某鞋厂' };

describe('GET /v1/track/{ticketNo}', () => {
  let h: Harness;
  let c: CaseBody;
  let other: CaseBody;
  let ipCounter = 0;
  const freshIp = () => `198.18.0.${++ipCounter}`;
  const track = (ticketNo: string, query: string, ip = freshIp(), headers: Record<string, string> = {}) =>
    h.request(`/v1/track/${ticketNo}${query}`, { ip, headers });

  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00', config: { TRACK_RATE_LIMIT: 3 } });
    c = await createOk(
      h,
      hotlineCase({
        category: 'investigation',
        subject: '陈秀英反映工厂拖欠工资',
        description: '陈秀英来电，电话13712345678，邮箱chen.xiuying@example.com，反映东莞某鞋厂拖欠工资。',
        complainant: PERSON,
        hotline: { callId: 'call-track', callerNumber: '13712345678' },
      }),
    );
    other = await createOk(h, hotlineCase());
  });
  afterAll(() => h.close());

  it('shows ticket, status, category and dates only', async () => {
    const res = await track(c.ticketNo, `?code=${c.trackingCode}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const view = JSON.parse(text) as Record<string, unknown>;
    expect(view).toEqual({
      ticketNo: c.ticketNo,
      status: 'received',
      category: 'investigation',
      receivedAt: c.receivedAt,
      dueAt: c.sla.dueAt,
      extended: false,
      timeline: [{ at: c.receivedAt, kind: 'received' }],
      reply: null,
      followUp: null,
      mayRate: false,
    });
    expect(view.receivedAt).toBe('2026-03-02T09:30:00+08:00');
    expect(view.dueAt).toBe('2026-04-14T23:59:59+08:00');
    for (const key of ['name', 'phone', 'email', 'employer', 'description', 'subject', 'complainant', 'hotline', 'id', 'trackingCode', 'createdBy']) {
      expect(view).not.toHaveProperty(key);
    }
    for (const value of [...Object.values(PERSON), '陈秀英', c.trackingCode, c.id, 'call-track']) expect(text).not.toContain(value);
  });

  it('accepts the code in lower case and with surrounding spaces', async () => {
    expect((await track(c.ticketNo, `?code=${c.trackingCode.toLowerCase()}`)).status).toBe(200);
    expect((await track(c.ticketNo, `?code=%20${c.trackingCode}%20`)).status).toBe(200);
  });

  it('an unknown ticket and a wrong code give identical 404s', async () => {
    const seq = Number(c.ticketNo.slice(6));
    const unknownTicket = `H2026-${String(seq + 500).padStart(6, '0')}`;
    const wrongCode = c.trackingCode === '22222222' ? '33333333' : '22222222';
    const a = await track(unknownTicket, `?code=${c.trackingCode}`);
    const b = await track(c.ticketNo, `?code=${wrongCode}`);
    const d = await track(c.ticketNo, `?code=${other.trackingCode}`);
    const strip = async (r: Response) => {
      const p = await expectProblem(r, 404);
      expect(p.requestId).toBeTruthy();
      const { requestId: _r, instance: _i, ...rest } = p;
      return rest;
    };
    const [pa, pb, pd] = [await strip(a), await strip(b), await strip(d)];
    expect(pb).toEqual(pa);
    expect(pd).toEqual(pa);
    expect(JSON.stringify(pa)).not.toContain(c.trackingCode);
    // Same headers that matter, too.
    expect(b.headers.get('content-type')).toBe(a.headers.get('content-type'));
  });

  it.each([
    ['a malformed ticket number', 'H26-1', '?code=ABCDEFGH', 'param.ticketNo'],
    ['a ticket with an unknown channel letter', 'X2026-000001', '?code=ABCDEFGH', 'param.ticketNo'],
    ['a short code', 'H2026-000001', '?code=ABCDEFG', 'query.code'],
    ['a code with ambiguous characters', 'H2026-000001', '?code=ABCDEF01', 'query.code'],
    ['no code', 'H2026-000001', '', 'query.code'],
    ['an unknown parameter', 'H2026-000001', '?code=ABCDEFGH&name=x', 'query.name'],
  ])('400 for %s', async (_name, ticketNo, query, path) => {
    await expectValidation(await track(ticketNo, query), path);
  });

  it('a mailbox letter can be tracked with the receipt the form returned', async () => {
    const receipt = await body<{ ticketNo: string; trackingCode: string; dueAt: string }>(
      await h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '查询测试', category: 'complaint' }, ip: freshIp() }),
    );
    const view = await body(await track(receipt.ticketNo, `?code=${receipt.trackingCode}`));
    expect(view).toMatchObject({ ticketNo: receipt.ticketNo, status: 'received', category: 'complaint', receivedAt: '2026-03-02T09:30:00+08:00', dueAt: receipt.dueAt, mayRate: false });
  });

  it('answers CORS for the allowed origin only', async () => {
    const ok = await track(c.ticketNo, `?code=${c.trackingCode}`, freshIp(), { Origin: 'https://union.example.org' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://union.example.org');
    const no = await track(c.ticketNo, `?code=${c.trackingCode}`, freshIp(), { Origin: 'https://evil.example' });
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate-limits per IP (TRACK_RATE_LIMIT=3): 429 with Retry-After; other IPs unaffected; next minute resets', async () => {
    h.clock.set('2026-03-02T11:00:30+08:00');
    const ip = '198.18.1.1';
    // Misses count too: guessing codes is what the limit is for.
    expect((await track(c.ticketNo, '?code=22222222', ip)).status).toBe(404);
    expect((await track(c.ticketNo, `?code=${c.trackingCode}`, ip)).status).toBe(200);
    expect((await track(c.ticketNo, '?code=33333333', ip)).status).toBe(404);
    const limited = await track(c.ticketNo, `?code=${c.trackingCode}`, ip);
    const problem = await expectProblem(limited, 429);
    expect(problem.type).toBe('/problems/rate-limited');
    expect(limited.headers.get('retry-after')).toBe('30');
    expect(JSON.stringify(problem)).not.toContain('received');

    expect((await track(c.ticketNo, `?code=${c.trackingCode}`, '198.18.1.2')).status).toBe(200);
    h.clock.advance(30_000);
    expect((await track(c.ticketNo, `?code=${c.trackingCode}`, ip)).status).toBe(200);
  });
});

describe('tracking limits per ticket', () => {
  let t: Harness;
  beforeAll(async () => {
    t = await createHarness({ now: '2026-03-02T12:00:10+08:00', config: { TRACK_RATE_LIMIT: 3, TRACK_TICKET_RATE_LIMIT: 6 } });
  });
  afterAll(async () => t.close());

  it('limits guesses at one ticket from many addresses (TRACK_TICKET_RATE_LIMIT=6); other tickets unaffected', async () => {
    const one = await createOk(t, hotlineCase({ hotline: { callId: 'track-ticket-one' } }));
    const other = await createOk(t, hotlineCase({ hotline: { callId: 'track-ticket-other' } }));
    const look = (ticketNo: string, code: string, ip: string) => t.request(`/v1/track/${ticketNo}?code=${code}`, { ip });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await look(one.ticketNo, `2222222${i + 2}`, `198.18.2.${i + 1}`)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 404, 429]);
    // The right code is limited too for that minute: the limit is on the ticket, not on a guess.
    expect((await look(one.ticketNo, one.trackingCode, '198.18.3.1')).status).toBe(429);
    expect((await look(other.ticketNo, other.trackingCode, '198.18.3.2')).status).toBe(200);
    t.clock.advance(60_000);
    expect((await look(one.ticketNo, one.trackingCode, '198.18.3.3')).status).toBe(200);
  });
});
