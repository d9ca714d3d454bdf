import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../shared/domain/principal';
import { putOffice, putRouting } from '../../shared/usecases/admin';
import { createHarness, hotlineCase, type Harness } from '../support/harness';
import { launchChromium } from '../support/browser';
import { createOk, type CaseBody } from '../support/http';

/**
 * The zh-CN status page at /track in a real headless browser (test/support/browser.ts: the
 * system's chromium or the one from npm, driven by playwright-core): it looks a case up, shows the
 * timeline and the reply, and takes the rating.
 */
const REPLY = '经核查，工资已补发。<img src=x onerror="document.body.dataset.pwned=1">';

let h: Harness;
let server: ServerType;
let base: string;
let browser: Browser;
let replied: CaseBody;
let open: CaseBody;
let rejected: CaseBody;
const consoleErrors: string[] = [];

async function auth(roles: Role[], office?: string) {
  return { Authorization: `Bearer ${await h.token(roles, { ...(office && { office }) })}` };
}

async function act(id: string, action: string, json: unknown, roles: Role[] = ['supervisor'], office?: string) {
  const etag = (await h.request(`/v1/cases/${id}`, { headers: await auth(['supervisor']) })).headers.get('etag') ?? '';
  const res = await h.request(`/v1/cases/${id}/${action}`, { method: 'POST', json, headers: { ...(await auth(roles, office)), 'If-Match': etag } });
  expect(res.status, await res.clone().text()).toBe(200);
}

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00', config: { TRACK_RATE_LIMIT: 1000 } });
  await putOffice(h.deps, { id: 'rights', name: '权益保障部', email: 'rights@union.example.org', locale: 'zh-CN', escalation: { head: [], supervisor: [], chairman: [] } }, 'test');
  await putRouting(h.deps, { rules: [], defaultOffice: 'rights' }, 'test');
  replied = await createOk(h, hotlineCase({ hotline: { callId: 'page-1' } }));
  await act(replied.id, 'assign', { office: 'rights', reason: 'dispatch' });
  h.clock.set('2026-03-03T09:00:00+08:00');
  await act(replied.id, 'accept', {}, ['office'], 'rights');
  h.clock.set('2026-03-05T15:00:00+08:00');
  await act(replied.id, 'reply', { text: REPLY, outcome: 'support' }, ['office'], 'rights');
  open = await createOk(h, hotlineCase({ hotline: { callId: 'page-2' } }));
  // A complaint extended on the office's request (reason category 需调查核实), then not supported, with the remedies.
  h.clock.set('2026-03-05T16:00:00+08:00');
  rejected = await createOk(h, hotlineCase({ category: 'complaint', hotline: { callId: 'page-3' } }));
  await act(rejected.id, 'assign', { office: 'rights', reason: 'dispatch' });
  await act(rejected.id, 'accept', {}, ['office'], 'rights');
  await act(rejected.id, 'request-extension', { reasonCode: 'needs_investigation', reason: '需调取考勤记录' }, ['office'], 'rights');
  await act(rejected.id, 'approve-extension', {});
  await act(rejected.id, 'reply', { text: '经调查，加班费已按规定计发。', outcome: 'reject', remedies: '如有异议，可向劳动人事争议仲裁委员会申请仲裁。' }, ['office'], 'rights');
  h.clock.set('2026-03-05T15:00:00+08:00');

  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await h.close();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return page;
}

describe('/track in headless Chromium', () => {
  it('opens from the thank-you link, shows status, deadline, timeline and the reply as text; rating closes the case', async () => {
    const page = await newPage();
    await page.goto(`${base}/track#ticket=${replied.ticketNo}&code=${replied.trackingCode}`);
    await page.locator('#result').waitFor({ state: 'visible' });
    expect(await page.textContent('#status')).toBe('已答复');
    expect(await page.textContent('#ticket-out')).toBe(replied.ticketNo);
    expect(await page.textContent('#received')).toBe('2026年3月2日');
    expect(await page.locator('#timeline li').allTextContents()).toEqual([
      '2026年3月2日 09:30已受理您的诉求',
      '2026年3月2日 09:30转交权益保障部办理',
      '2026年3月3日 09:00权益保障部已签收',
      `2026年3月5日 15:00已答复，答复结果：支持${REPLY}`,
    ]);
    // The reply is shown as text: the markup in it is not a live element.
    expect(await page.textContent('#reply-text')).toBe(REPLY);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.getAttribute('body', 'data-pwned')).toBeNull();

    // Submitting without a choice asks for one and sends nothing.
    await page.click('#rate button[type=submit]');
    expect(await page.isVisible('#rate-hint')).toBe(true);
    expect((await h.deps.cases.get(replied.id))?.status).toBe('replied');

    await page.check('input[name=resolved][value=yes]');
    await page.check('input[name=satisfaction][value=satisfied]');
    await page.fill('#comment', '谢谢工会');
    await page.click('#rate button[type=submit]');
    await page.locator('#thanks').waitFor({ state: 'visible' });
    expect(await page.textContent('#status')).toBe('已办结');
    expect(await page.isVisible('#rate')).toBe(false);
    expect((await page.locator('#timeline li').allTextContents()).slice(-2)).toEqual(['2026年3月5日 15:00您的评价：问题已解决，满意', '2026年3月5日 15:00已办结']);
    const stored = await h.deps.cases.get(replied.id);
    expect(stored).toMatchObject({ status: 'closed', followUp: { resolved: true, satisfaction: 'satisfied', comment: '谢谢工会' } });
    await page.close();
  });

  it('says the outcome in words, the remedies of a reply that does not support the request, and why the deadline was extended', async () => {
    const page = await newPage();
    await page.goto(`${base}/track#ticket=${rejected.ticketNo}&code=${rejected.trackingCode}`);
    await page.locator('#result').waitFor({ state: 'visible' });
    expect(await page.textContent('#reply-outcome')).toBe('答复结果：不予支持');
    expect(await page.textContent('#reply-remedies')).toBe('救济途径：如有异议，可向劳动人事争议仲裁委员会申请仲裁。');
    // Received Thu 5 Mar; 30 working days → Fri 17 Apr (Qingming 4–6 Apr off).
    expect(await page.textContent('#due')).toMatch(/^2026年4月\d+日（已延期：需调查核实）$/);
    const timeline = await page.locator('#timeline li').allTextContents();
    expect(timeline.find((t) => t.includes('延长'))).toMatch(/因需调查核实，答复期限延长至2026年4月\d+日/);
    expect(timeline.at(-1)).toContain('已答复，答复结果：不予支持');
    expect(timeline.at(-1)).toContain('救济途径：如有异议');
    // The office's own words for the request stay internal.
    expect(await page.textContent('body')).not.toContain('考勤记录');
    await page.close();
  });

  it('looks a case up from the form; an open case offers no rating; a wrong code says so in Chinese', async () => {
    const page = await newPage();
    await page.goto(`${base}/track`);
    await page.fill('#ticket', open.ticketNo.toLowerCase());
    await page.fill('#code', ` ${open.trackingCode} `);
    await page.click('#query button[type=submit]');
    await page.locator('#result').waitFor({ state: 'visible' });
    expect(await page.textContent('#status')).toBe('已受理，待分派');
    // A complaint logged Thu 5 Mar: 20 working days → Thu 2 Apr.
    expect(await page.textContent('#due')).toBe('2026年4月2日');
    expect(await page.isVisible('#rate')).toBe(false);

    await page.fill('#code', open.trackingCode === '22222222' ? '33333333' : '22222222');
    await page.click('#query button[type=submit]');
    await page.locator('#error').waitFor({ state: 'visible' });
    expect(await page.textContent('#error')).toBe('未找到该工单：请核对工单号和查询码。');
    expect(await page.isVisible('#result')).toBe(false);
    await page.close();
  });

  it('runs under its strict Content-Security-Policy with no script errors', async () => {
    const res = await fetch(`${base}/track`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
    // Had the hashes not matched, nothing above would have rendered; and nothing was refused on the way.
    expect(consoleErrors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
