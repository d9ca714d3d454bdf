import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { CALENDAR_NOTICE, body, createOk, type CaseBody } from '../support/http';

/** Personal data used in this file only, so any appearance in the logs comes from these requests. */
const NAME = '欧阳翠花';
const NAME2 = '司马建国';
const PHONE = '13698765432';
const PHONE_FORMATTED = '+86 136-9876-5432';
const LANDLINE = '075512345678';
const EMAIL = 'ouyang.cuihua@example.com';
const EMAIL2 = 'sima.jg@example.org';
const EMPLOYER = '深圳某某电子有限公司';

describe('logs carry no personal data', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  it('after a run of requests carrying complainant data, no phone, e-mail or name appears in any log line', async () => {
    const complainant = { name: NAME, phone: PHONE_FORMATTED, email: EMAIL, employer: EMPLOYER };
    // Hotline intake, with an idempotent replay.
    const c = await createOk(h, hotlineCase({ complainant, description: `${NAME}来电，电话${PHONE}，邮箱${EMAIL}`, subject: `${NAME}反映欠薪`, hotline: { callId: 'call-pii', callerNumber: PHONE } }));
    for (let i = 0; i < 2; i++) {
      const res = await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase({ complainant }), headers: { 'Idempotency-Key': 'pii-key' } });
      expect(res.status).toBe(201);
    }
    // A 422 for the same key.
    expect((await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase({ complainant: { name: NAME2 } }), headers: { 'Idempotency-Key': 'pii-key' } })).status).toBe(422);
    // Walk-in and paper letter.
    await createOk(h, { channel: 'walk_in', category: 'advice', subject: `${NAME2}来访`, description: `联系电话${LANDLINE}`, complainant: { name: NAME2, phone: LANDLINE, email: EMAIL2 } }, ['reception']);
    // Validation failures with personal data in the rejected values.
    expect((await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase({ complainant: { name: NAME, email: `${NAME}@@${EMAIL}`, phone: `${PHONE}99` } }) })).status).toBe(400);
    expect((await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase({ complainant: { [NAME]: PHONE } }) })).status).toBe(400);
    expect((await h.request('/v1/cases', { method: 'POST', roles: ['operator'], json: hotlineCase({ receivedAt: `${PHONE}` }) })).status).toBe(400);
    // Forbidden and unauthenticated attempts.
    expect((await h.request('/v1/cases', { method: 'POST', roles: ['office'], json: hotlineCase({ complainant }) })).status).toBe(403);
    expect((await h.request('/v1/cases', { method: 'POST', json: hotlineCase({ complainant }) })).status).toBe(401);
    // The public form: JSON, urlencoded with a redirect, refused redirect, honeypot, invalid, rate-limited.
    const form = { name: NAME2, phone: PHONE, email: EMAIL2, employer: EMPLOYER, message: `我是${NAME2}，电话${PHONE}` };
    expect((await h.request('/v1/intake/mailbox', { method: 'POST', json: form, ip: '203.0.113.90' })).status).toBe(201);
    expect(
      (
        await h.request('/v1/intake/mailbox', {
          method: 'POST',
          body: new URLSearchParams({ ...form, redirect: `https://union.example.org/thanks?who=${encodeURIComponent(NAME2)}&tel=${PHONE}` }),
          headers: { Accept: 'text/html' },
          ip: '203.0.113.91',
        })
      ).status,
    ).toBe(303);
    expect((await h.request('/v1/intake/mailbox', { method: 'POST', body: new URLSearchParams({ ...form, redirect: `https://${PHONE}.evil.example/?e=${EMAIL}` }), headers: { Accept: 'text/html' }, ip: '203.0.113.92' })).status).toBe(303);
    expect((await h.request('/v1/intake/mailbox', { method: 'POST', json: { ...form, website: `http://spam.example/${EMAIL}` }, ip: '203.0.113.93' })).status).toBe(201);
    expect((await h.request('/v1/intake/mailbox', { method: 'POST', json: { ...form, email: `${NAME}-at-${PHONE}` }, ip: '203.0.113.94' })).status).toBe(400);
    for (let i = 0; i < 6; i++) await h.request('/v1/intake/mailbox', { method: 'POST', json: form, ip: '203.0.113.95' });
    // Reading and tracking.
    expect((await h.request(`/v1/cases/${c.id}`, { roles: ['supervisor'] })).status).toBe(200);
    const list = await body<{ items: CaseBody[] }>(await h.request('/v1/cases?limit=200', { roles: ['supervisor'] }));
    expect(list.items.some((x) => x.complainant?.name === NAME)).toBe(true);
    expect((await h.request(`/v1/track/${c.ticketNo}?code=${c.trackingCode}`)).status).toBe(200);
    // A calendar change that recomputes cases.
    expect((await h.request('/v1/admin/calendar/2027', { method: 'PUT', roles: ['admin'], json: { notice: CALENDAR_NOTICE, holidays: ['2027-01-01'], workdays: [] } })).status).toBe(200);

    // The run was logged...
    expect(h.rawLogs.length).toBeGreaterThan(20);
    expect(h.logs.filter((l) => l.message === 'case.received').length).toBeGreaterThanOrEqual(4);
    expect(h.logs.some((l) => l.message === 'http.request' && l.status === 429)).toBe(true);
    expect(h.logs.some((l) => l.message === 'mailbox.honeypot')).toBe(true);
    expect(h.logs.some((l) => l.message === 'mailbox.redirect_refused')).toBe(true);
    // ...without a trace of the people in it.
    const all = h.rawLogs.join('\n');
    const digits = all.replace(/\D/g, ' ');
    for (const secret of [NAME, NAME2, EMPLOYER, EMAIL, EMAIL2, 'ouyang', 'sima.jg', PHONE, LANDLINE, '9876-5432']) {
      expect(all, `logs contain ${secret}`).not.toContain(secret);
    }
    for (const number of [PHONE, LANDLINE]) expect(digits, `logs contain ${number} as digits`).not.toContain(number);
    expect(all).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z]{2,}/);
  });
});
