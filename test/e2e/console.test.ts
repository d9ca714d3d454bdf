import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../functions/local/runtime';
import { launchChromium } from '../support/browser';
import { screenshot, seriousA11yViolations, signIn } from '../support/console';
import { hotlineCase } from '../support/harness';
import type { CaseBody } from '../support/http';
import { waitFor } from '../support/wait';
import { checkedFetch, checkResponse } from '../support/contract';

/**
 * The office console in headless Chromium against the whole local system (npm start's runtime,
 * in memory): the office day from the e-mail's link to the reply on the complainant's /track page,
 * a concurrent change (412), a rule the status allows but the case breaks (409), a supervisor's
 * transfer, reception and hotline intake, the reports, the admin pages, sign-out and the locale.
 * Every page is screenshotted into test/artifacts/console/ and checked with axe-core.
 */
let runtime: LocalRuntime;
let dataDir: string;
let browser: Browser;
const problems: string[] = [];
/** The contract checks of the API answers the pages received (settled before the last test reads `problems`). */
const checks: Promise<void>[] = [];
let checkedByPages = 0;
const a11y: Record<string, unknown[]> = {};

const password = (username: string) => {
  const a = runtime.devAccounts.find((x) => x.username === username);
  if (!a) throw new Error(`no dev account ${username}`);
  return a.password;
};
const token = (role: string) => runtime.tokens[role] ?? '';

async function api(role: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return checkedFetch(`${runtime.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token(role)}`, ...(json !== undefined && { 'Content-Type': 'application/json' }), ...headers },
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
}
async function apiOk<T>(role: string, method: string, path: string, json?: unknown, headers?: Record<string, string>): Promise<T> {
  const res = await api(role, method, path, json, headers);
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return JSON.parse(text) as T;
}
const etagOf = async (id: string) => (await api('supervisor', 'GET', `/v1/cases/${id}`)).headers.get('etag') ?? '';

let serial = 0;
/** A hotline complaint about wages: the seeded rules route it to 权益保障部 (rights), whose staff the dev account `office` is. */
async function routedCase(overrides: Record<string, unknown> = {}): Promise<CaseBody> {
  const created = await apiOk<CaseBody>('operator', 'POST', '/v1/cases', hotlineCase({ topic: 'wages', hotline: { callId: `console-${++serial}`, callerNumber: '13800138000' }, ...overrides }));
  const routed = await waitFor(
    () => apiOk<CaseBody>('supervisor', 'GET', `/v1/cases/${created.id}`),
    (c) => c.status === 'assigned',
    20_000,
  );
  expect(routed.status).toBe('assigned');
  return { ...routed, trackingCode: created.trackingCode };
}

async function page(context?: BrowserContext, viewport = { width: 1366, height: 768 }): Promise<Page> {
  const p = await (context ?? (await browser.newContext({ viewport, acceptDownloads: true }))).newPage();
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // Every answer the console got from the server is held to openapi.yaml, like the API tests' (the console's own pages are outside it).
  p.on('response', (r) => {
    const url = new URL(r.url());
    // blob: URLs (a report shown in the frame, a CSV download) carry the page's origin but are no server answer.
    if (!url.protocol.startsWith('http') || url.origin !== new URL(runtime.url).origin) return;
    checks.push(
      (async () => {
        const method = r.request().method();
        const body = method === 'HEAD' || [204, 304].includes(r.status()) || (r.status() >= 300 && r.status() < 400) ? null : await r.body().catch(() => null);
        await checkResponse({ method, path: url.pathname }, new Response(body ? new Uint8Array(body) : null, { status: r.status(), headers: await r.allHeaders() }));
        if (url.pathname.startsWith('/v1/')) checkedByPages++;
      })().catch((e: unknown) => {
        problems.push(`contract: ${e instanceof Error ? e.message : String(e)}`);
      }),
    );
  });
  p.on('console', (m) => {
    // A 4xx the console handles (412, 409, 401 on a wrong password) is logged by Chromium as a failed load; anything else is a fault.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  return p;
}

/** The e-mails written so far (the outbox writes `.tmp` files and renames them: only finished `.eml` files count). */
async function outbox(): Promise<ParsedMail[]> {
  const names = (await readdir(runtime.outboxDir).catch(() => [] as string[])).filter((f) => f.endsWith('.eml'));
  const mails = await Promise.all(names.map((f) => readFile(join(runtime.outboxDir, f)).then(simpleParser, () => undefined)));
  return mails.filter((m): m is ParsedMail => m !== undefined);
}

/** Screenshot and accessibility check of a console page as it stands. */
async function look(p: Page, name: string): Promise<void> {
  await screenshot(p, name);
  a11y[name] = await seriousA11yViolations(p);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'union-console-e2e-'));
  runtime = await startLocalRuntime({ inMemory: true, env: { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'error' } });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the office console in Chromium', () => {
  it('serves the app shell for deep links with a strict CSP, and its hashed files', async () => {
    const res = await checkedFetch(`${runtime.url}/console/cases/some-id`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toMatch(/https?:\/\//);
    const shell = await res.text();
    expect(shell).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(shell).not.toMatch(/<style|style=|https?:\/\//);
    const script = /src="(\/console\/assets\/app-[A-Z0-9]+\.js)"/.exec(shell)?.[1];
    expect(script).toBeDefined();
    const js = await checkedFetch(`${runtime.url}${script}`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await checkedFetch(`${runtime.url}/console/assets/nope.js`)).status).toBe(404);
    expect((await checkedFetch(`${runtime.url}/console`, { redirect: 'manual' })).headers.get('location')).toBe('/console/');
  });

  it('the office day: the e-mail link → sign in → the case → 签收 → 答复 → the complainant sees the reply on /track', async () => {
    const c = await routedCase({ subject: '工地拖欠三个月工资', description: '项目部拖欠我们班组三个月工资，共计约四万元。' });
    // The office's e-mail, as it landed in the outbox, and the link in it.
    const eml = await waitFor(
      async () => {
        for (const mail of await outbox()) if (mail.subject?.includes(c.ticketNo)) return mail;
        return undefined;
      },
      (m) => m !== undefined,
      20_000,
    );
    const link = /https?:\/\/[^\s<>"]+\/console\/cases\/[^\s<>")]+/.exec(eml?.text ?? '')?.[0];
    expect(link, eml?.text).toBe(`${runtime.url}/console/cases/${c.id}`);

    const p = await page();
    await p.goto(link ?? '');
    await p.locator('input[autocomplete=username]').waitFor();
    await look(p, 'sign-in');
    await signIn(p, 'office', password('office'));
    // Still the e-mail's address: the case opens, not the queue.
    await p.locator('#history').waitFor();
    expect(new URL(p.url()).pathname).toBe(`/console/cases/${c.id}`);
    expect(await p.textContent('[data-field=ticketNo]')).toBe(c.ticketNo);
    expect(await p.textContent('[data-field=status]')).toBe('已分派');
    expect(await p.textContent('[data-field=channel]')).toBe('主席热线');
    expect(await p.textContent('[data-field=category]')).toBe('求助申诉');
    expect(await p.textContent('[data-field=office]')).toBe('权益保障部');
    // The assigned office sees the contact details.
    expect(await p.textContent('[data-field=phone]')).toBe('13800138000');
    expect(await p.textContent('[data-field=counting]')).toContain('20个工作日');
    expect(await p.locator('#history li[data-action=routed] [data-mail]').textContent()).toContain('权益保障部');
    // Only what the status allows: an assigned case is signed for or sent back.
    expect(await p.locator('.action-buttons button').allTextContents()).toEqual(['签收', '退单', '申请延期', '备注', '并案（重复件）']);
    await look(p, 'case-assigned');

    await p.click('button[data-action=accept]');
    await p.locator('[data-testid=notice]').filter({ hasText: '已签收' }).waitFor();
    expect(await p.textContent('[data-field=status]')).toBe('办理中');
    expect(await p.locator('.action-buttons button').allTextContents()).toEqual(['退单', '申请延期', '暂停', '备注', '答复', '并案（重复件）']);

    const reply = '经协调，项目部已于本周补发全部拖欠工资。<b>如有疑问请来电</b>';
    await p.click('button[data-action=reply]');
    await p.check('form[data-action=reply] input[name=outcome][value=support]');
    await p.fill('form[data-action=reply] textarea[name=text]', reply);
    await p.click('form[data-action=reply] button[type=submit]');
    await p.locator('[data-testid=notice]').filter({ hasText: '已答复' }).waitFor();
    expect(await p.textContent('[data-field=status]')).toBe('已答复');
    expect(await p.textContent('[data-field=reply]')).toBe(reply);
    expect(await p.textContent('[data-field=outcome]')).toBe('答复结果：支持');
    expect(await p.locator('#history li[data-action=reply] blockquote').textContent()).toBe(reply);
    await look(p, 'case-replied');

    const track = await page();
    await track.goto(`${runtime.url}/track#ticket=${c.ticketNo}&code=${c.trackingCode}`);
    await track.locator('#result').waitFor({ state: 'visible' });
    expect(await track.textContent('#status')).toBe('已答复');
    expect(await track.textContent('#reply-text')).toBe(reply);
  });

  it('a letter’s files are listed on the case page for those who may see them, and download with the token', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode('IHDR-the-rest-of-a-pay-slip-photo')]);
    const fd = new FormData();
    fd.set('name', '赵师傅');
    fd.set('phone', '13900139000');
    fd.set('topic', 'wages');
    fd.set('message', '附上工资条照片，三个月只发了基本工资。');
    fd.append('files', new File([png], '工资条.png'));
    const posted = await checkedFetch(`${runtime.url}/v1/intake/mailbox`, { method: 'POST', body: fd, headers: { Accept: 'application/json' } });
    expect(posted.status).toBe(201);
    const { ticketNo } = (await posted.json()) as { ticketNo: string };
    const found = await apiOk<{ items: CaseBody[] }>('supervisor', 'GET', `/v1/cases?ticketNo=${ticketNo}`);
    const id = found.items[0]?.id ?? '';

    const p = await page();
    await p.goto(`${runtime.url}/console/cases/${id}`);
    await signIn(p, 'supervisor', password('supervisor'));
    const item = p.locator('[data-attachment]');
    await item.waitFor();
    expect(await item.locator('[data-field=attachment-name]').textContent()).toBe('工资条.png');
    await look(p, 'case-attachments');
    const [download] = await Promise.all([p.waitForEvent('download'), item.locator('button').click()]);
    expect(download.suggestedFilename()).toBe('工资条.png');
    expect(new Uint8Array(await readFile((await download.path()) ?? ''))).toEqual(png);
  });

  it('a concurrent change: the second writer is told 此案件已被他人更新 and sees the fresh case; a broken rule (409) says what is allowed now', async () => {
    const c = await routedCase({ subject: '加班费未按规定支付' });
    await apiOk('office', 'POST', `/v1/cases/${c.id}/accept`, {}, { 'If-Match': await etagOf(c.id) });
    const p = await page();
    await p.goto(`${runtime.url}/console/cases/${c.id}`);
    await signIn(p, 'office', password('office'));
    await p.locator('#history').waitFor();

    // Someone else adds a note while this page is open.
    await apiOk('supervisor', 'POST', `/v1/cases/${c.id}/note`, { text: '督办人员：请本周内答复' }, { 'If-Match': await etagOf(c.id) });
    await p.click('button[data-action=note]');
    await p.fill('form[data-action=note] textarea[name=text]', '已联系项目部');
    await p.click('form[data-action=note] button[type=submit]');
    await p.locator('[data-testid=notice]').filter({ hasText: '此案件已被他人更新' }).waitFor();
    // The fresh case: the other note is in the history now, and the form kept what was typed.
    await p.locator('#history li[data-action=note]').filter({ hasText: '督办人员：请本周内答复' }).waitFor();
    expect(await p.inputValue('form[data-action=note] textarea[name=text]')).toBe('已联系项目部');
    await look(p, 'case-stale');
    await p.click('form[data-action=note] button[type=submit]');
    await p.locator('[data-testid=notice]').filter({ hasText: '已备注' }).waitFor();
    await p.locator('#history li[data-action=note]').filter({ hasText: '已联系项目部' }).waitFor();
    expect(await p.locator('#history li[data-action=note]').count()).toBe(2);

    // Two pauses used (the policy's limit): the status still allows 暂停, the case does not.
    for (const action of ['pause', 'resume', 'pause', 'resume']) {
      await apiOk('office', 'POST', `/v1/cases/${c.id}/${action}`, action === 'pause' ? { reason: '等待材料' } : {}, { 'If-Match': await etagOf(c.id) });
    }
    await p.reload();
    await p.locator('#history').waitFor();
    await p.click('button[data-action=pause]');
    await p.fill('form[data-action=pause] textarea[name=reason]', '再次等待材料');
    await p.click('form[data-action=pause] button[type=submit]');
    const notice = await p.locator('[data-testid=notice]').filter({ hasText: '不能执行此操作' }).textContent();
    expect(notice).toContain('办理中');
    expect(notice).toContain('答复');
    expect((await apiOk<CaseBody>('supervisor', 'GET', `/v1/cases/${c.id}`)).status).toBe('in_progress');
  });

  it('a supervisor sees every office’s queue with counts and transfers (转办) a case; the new office is e-mailed', async () => {
    const c = await routedCase({ subject: '被迫签署自愿离职协议' });
    const p = await page();
    await p.goto(`${runtime.url}/console/`);
    await signIn(p, 'supervisor', password('supervisor'));
    await p.locator('[data-testid=office-counts] tr[data-office=rights]').waitFor();
    const rights = await p.locator('[data-testid=office-counts] tr[data-office=rights] td').allTextContents();
    expect(Number(rights[0])).toBeGreaterThanOrEqual(1);
    await p.locator(`#queue tr[data-case="${c.id}"]`).waitFor();
    expect(await p.locator(`#queue tr[data-case="${c.id}"] td`).nth(5).textContent()).toBe('权益保障部');
    await look(p, 'queue-supervisor');

    await p.click(`#queue tr[data-case="${c.id}"] a.ticket`);
    await p.locator('#history').waitFor();
    // An in-app navigation moves the focus to the new page's heading (what a screen reader reads next).
    expect(await p.evaluate('document.activeElement?.id')).toBe('page-title');
    await p.click('button[data-action=assign]');
    await p.selectOption('form[data-action=assign] select[name=office]', 'legal-aid');
    await p.fill('form[data-action=assign] textarea[name=reason]', '涉及解除劳动关系，转法律援助中心');
    await look(p, 'case-transfer-form');
    await p.click('form[data-action=assign] button[type=submit]');
    await p.locator('[data-testid=notice]').filter({ hasText: '已转办' }).waitFor();
    expect(await p.textContent('[data-field=office]')).toBe('法律援助中心');
    expect(await p.locator('#history li[data-action=assign] [data-mail]').textContent()).toContain('法律援助中心');
    const stored = await apiOk<CaseBody & { office: string }>('supervisor', 'GET', `/v1/cases/${c.id}`);
    expect(stored.office).toBe('legal-aid');
    const mails = await waitFor(
      async () => {
        const found: string[] = [];
        for (const m of await outbox()) {
          const to = Array.isArray(m.to) ? m.to.map((x) => x.text).join(',') : (m.to?.text ?? '');
          if (m.subject?.includes(c.ticketNo) && to.includes('legal-aid@union.example.org')) found.push(m.messageId ?? '');
        }
        return found;
      },
      (f) => f.length > 0,
      20_000,
    );
    expect(mails.length).toBeGreaterThan(0);
  });

  it('a send-back cites its reason and a supervisor rejects it (不当退单); an extension is requested and approved; a reply not supported carries the remedies', async () => {
    const c = await routedCase({ subject: '加班费计算基数不对', category: 'complaint' });
    const office = await page();
    await office.goto(`${runtime.url}/console/cases/${c.id}`);
    await signIn(office, 'office', password('office'));
    await office.locator('#history').waitFor();
    await office.click('button[data-action=return]');
    // The reasons in force (RETURN_REASONS, here the defaults), in zh-CN.
    expect(await office.locator('form[data-action=return] select[name=returnReason] option').allTextContents()).toEqual(['请选择', '非本部门职责', '信息不全', '重复件', '其他']);
    await office.selectOption('form[data-action=return] select[name=returnReason]', 'not_ours');
    await office.fill('form[data-action=return] textarea[name=note]', '加班费争议应由法律援助中心办理');
    await look(office, 'case-return-form');
    await office.click('form[data-action=return] button[type=submit]');
    await office.locator('[data-testid=notice]').filter({ hasText: '已退单' }).waitFor();
    // Sent back, it is no longer the office's: it waits for the supervisor.
    expect((await api('office', 'GET', `/v1/cases/${c.id}`)).status).toBe(404);

    const sup = await page();
    await sup.goto(`${runtime.url}/console/`);
    await signIn(sup, 'supervisor', password('supervisor'));
    await sup.click('button[data-filter=returned]');
    await sup.locator(`#queue tr[data-case="${c.id}"]`).waitFor();
    expect(await sup.locator(`#queue tr[data-case="${c.id}"] .status-returned`).textContent()).toBe('退单待审');
    await sup.click(`#queue tr[data-case="${c.id}"] a.ticket`);
    await sup.locator('[data-field=returnReview]').waitFor();
    expect(await sup.textContent('[data-field=returnReview]')).toContain('非本部门职责');
    expect(await sup.textContent('[data-field=returnReview]')).toContain('加班费争议应由法律援助中心办理');
    expect(await sup.locator('.action-buttons button').allTextContents()).toEqual(['驳回退单', '转办', '调整类别', '备注', '办结', '并案（重复件）']);
    await look(sup, 'case-return-review');
    await sup.click('button[data-action=reject-return]');
    await sup.fill('form[data-action=reject-return] textarea[name=reason]', '属权益保障部职责，请继续办理');
    await sup.click('form[data-action=reject-return] button[type=submit]');
    await sup.locator('[data-testid=notice]').filter({ hasText: '已驳回退单' }).waitFor();
    expect(await sup.textContent('[data-field=status]')).toBe('已分派');
    expect(await sup.textContent('[data-field=office]')).toBe('权益保障部');
    expect(await sup.textContent('[data-field=counts]')).toContain('不当退单1次');
    expect(await sup.locator('#history li[data-action=reject-return]').textContent()).toContain('不当退单');

    // The office signs for it again and asks for more time.
    await office.goto(`${runtime.url}/console/cases/${c.id}`);
    await office.locator('button[data-action=accept]').click();
    await office.locator('[data-testid=notice]').filter({ hasText: '已签收' }).waitFor();
    await office.click('button[data-action=request-extension]');
    await office.selectOption('form[data-action=request-extension] select[name=extensionReason]', 'needs_investigation');
    await office.fill('form[data-action=request-extension] textarea[name=reason]', '需调取三个月考勤记录核对');
    await office.click('form[data-action=request-extension] button[type=submit]');
    await office.locator('[data-testid=notice]').filter({ hasText: '已申请延期' }).waitFor();
    expect(await office.textContent('[data-field=extensionRequest]')).toContain('延期待审批');
    expect(await office.locator('.action-buttons button').allTextContents()).toEqual(['退单', '暂停', '备注', '答复', '并案（重复件）']);

    await sup.goto(`${runtime.url}/console/cases/${c.id}`);
    await sup.locator('button[data-action=approve-extension]').waitFor();
    await look(sup, 'case-extension-request');
    await sup.click('button[data-action=approve-extension]');
    await sup.click('form[data-action=approve-extension] button[type=submit]');
    await sup.locator('[data-testid=notice]').filter({ hasText: '已批准延期' }).waitFor();
    expect(await sup.textContent('[data-field=extensionRequest]')).toContain('已批准延期');
    expect(await sup.textContent('[data-field=category]')).toContain('需调查处理');

    await office.goto(`${runtime.url}/console/cases/${c.id}`);
    await office.click('button[data-action=reply]');
    await office.check('form[data-action=reply] input[name=outcome][value=reject]');
    await office.fill('form[data-action=reply] textarea[name=text]', '经核查，企业加班费计算符合规定。');
    // Without remedies the API names the field, and the form keeps what was typed.
    await office.click('form[data-action=reply] button[type=submit]');
    await office.locator('form[data-action=reply] [role=alert]').waitFor();
    expect(await office.inputValue('form[data-action=reply] textarea[name=text]')).toBe('经核查，企业加班费计算符合规定。');
    await office.fill('form[data-action=reply] textarea[name=remedies]', '如有异议，可申请劳动仲裁。');
    await office.click('form[data-action=reply] button[type=submit]');
    await office.locator('[data-testid=notice]').filter({ hasText: '已答复' }).waitFor();
    expect(await office.textContent('[data-field=outcome]')).toBe('答复结果：不予支持');
    expect(await office.textContent('[data-field=remedies]')).toBe('救济途径：如有异议，可申请劳动仲裁。');
    await look(office, 'case-replied-reject');

    // Transferred three times: a 问题工单, listed under its own filter with its badge and reasons.
    const moved = await routedCase({ subject: '食堂饭菜质量差，多次转办' });
    for (const to of ['legal-aid', 'rights', 'legal-aid']) await apiOk('supervisor', 'POST', `/v1/cases/${moved.id}/assign`, { office: to, reason: '转办' }, { 'If-Match': await etagOf(moved.id) });
    await sup.goto(`${runtime.url}/console/`);
    await sup.click('button[data-filter=problem]');
    await sup.locator(`#queue tr[data-case="${moved.id}"] [data-problem]`).waitFor();
    expect(await sup.locator(`#queue tr[data-case="${moved.id}"] [data-problem]`).textContent()).toBe('问题工单');
    expect(await sup.locator(`#queue tr[data-case="${c.id}"]`).count()).toBe(0);
    await look(sup, 'queue-problem');
    await sup.click(`#queue tr[data-case="${moved.id}"] a.ticket`);
    await sup.locator('[data-field=problem]').waitFor();
    expect(await sup.textContent('[data-field=problem]')).toContain('多次转办');
  }, 120_000);

  it('the office queue: most pressing first, badges and counts per state', async () => {
    // An enquiry (5 working days) and a complaint (20) for rights: different deadlines to order by.
    await Promise.all([routedCase({ category: 'advice', subject: '咨询年休假天数' }), routedCase({ subject: '社保断缴' })]);
    const p = await page();
    await p.goto(`${runtime.url}/console/`);
    await signIn(p, 'office', password('office'));
    await p.locator('#queue').waitFor();
    const dues = await p.locator('#queue tbody tr').evaluateAll((rows) => rows.map((r) => Date.parse(r.getAttribute('data-due') ?? '')));
    expect(dues.length).toBeGreaterThan(1);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    await p.locator('[data-count=open]', { hasText: /\d/ }).waitFor();
    const openCount = Number(await p.textContent('[data-count=open]'));
    expect(openCount).toBeGreaterThanOrEqual(await p.locator('#queue tbody tr').count());
    // Every row carries a deadline badge; a paused one is grey.
    expect(await p.locator('#queue tbody tr .due .badge').count()).toBe(await p.locator('#queue tbody tr').count());
    await p.click('button[data-filter=paused]');
    await p.locator('#queue-list[aria-busy=false]').waitFor();
    const paused = await p.locator('#queue tbody tr .badge.sla-paused').count();
    expect(paused).toBe(await p.locator('#queue tbody tr').count());
    await p.click('button[data-filter=open]');
    await p.locator('#queue-list[aria-busy=false] #queue').waitFor();
    await look(p, 'queue-office');

    // A phone's width: no sideways scrolling, the rows become cards.
    const phone = await page(undefined, { width: 390, height: 844 });
    await phone.goto(`${runtime.url}/console/`);
    await signIn(phone, 'office', password('office'));
    await phone.locator('#queue').waitFor();
    expect(await phone.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await look(phone, 'queue-phone');
  });

  it('reception logs a walk-in (batch and persons) and an operator a call; both get the ticket number and tracking code to read out', async () => {
    const desk = await page();
    await desk.goto(`${runtime.url}/console/`);
    await signIn(desk, 'reception', password('reception'));
    await desk.locator('form.intake[data-channel=walk_in]').waitFor();
    await desk.fill('input[name=batchId]', 'B-20261201-01');
    await desk.fill('input[name=visitors]', '3');
    await desk.selectOption('select[name=category]', 'complaint');
    await desk.selectOption('select[name=topic]', 'wages');
    await desk.fill('input[name=subject]', '三名农民工来访反映欠薪');
    await desk.fill('textarea[name=description]', '某工地三名工人来访，反映两个月工资未发。');
    await desk.fill('input[name=name]', '李四');
    await look(desk, 'intake-walk-in');
    await desk.click('form.intake button[type=submit]');
    await desk.locator('[data-testid=receipt]').waitFor();
    const ticket = await desk.textContent('[data-testid=receipt] [data-field=ticketNo]');
    const code = await desk.textContent('[data-testid=receipt] [data-field=trackingCode]');
    expect(ticket).toMatch(/^W\d{4}-\d{6}$/);
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    await look(desk, 'intake-receipt');
    // Back to the form: the desk's own cases are listed under it, with the code to read out again.
    await desk.click('text=继续登记');
    await desk.locator('#my-cases tr', { hasText: ticket ?? '' }).waitFor();
    expect(await desk.locator('#my-cases tr', { hasText: ticket ?? '' }).textContent()).toContain(code ?? '');
    const visit = await apiOk<{ items: (CaseBody & { walkIn: { visitors: number; batchId: string } })[] }>('supervisor', 'GET', `/v1/cases?ticketNo=${ticket}`);
    expect(visit.items[0]?.walkIn).toEqual({ visitors: 3, batchId: 'B-20261201-01' });

    const phone = await page();
    await phone.goto(`${runtime.url}/console/intake`);
    await signIn(phone, 'operator', password('operator'));
    await phone.locator('form.intake[data-channel=hotline]').waitFor();
    await phone.fill('input[name=callerNumber]', '021-6234 5678');
    await phone.fill('input[name=callId]', 'CALL-778899');
    await phone.fill('input[name=subject]', '咨询工伤认定流程');
    await phone.fill('textarea[name=description]', '来电咨询工伤认定需要哪些材料。');
    await phone.selectOption('select[name=category]', 'advice');
    await look(phone, 'intake-call');
    // A double click logs one case (one Idempotency-Key per form).
    await phone.locator('form.intake button[type=submit]').dblclick();
    await phone.locator('[data-testid=receipt]').waitFor();
    const callTicket = await phone.textContent('[data-testid=receipt] [data-field=ticketNo]');
    expect(callTicket).toMatch(/^H\d{4}-\d{6}$/);
    const calls = await apiOk<{ items: (CaseBody & { hotline: { callId: string; callerNumber: string } })[] }>('supervisor', 'GET', '/v1/cases?channel=hotline&limit=200');
    const logged = calls.items.filter((x) => x.hotline.callId === 'CALL-778899');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.hotline.callerNumber).toBe('02162345678');
  });

  it('reports open in the browser with the token: the summary as a page, the chase list as a CSV for Excel', async () => {
    const p = await page();
    await p.goto(`${runtime.url}/console/reports`);
    await signIn(p, 'supervisor', password('supervisor'));
    await p.locator('form[data-report=summary]').waitFor();
    await look(p, 'reports');
    await p.click('form[data-report=summary] button[value=html]');
    const frame = p.frameLocator('#report-frame');
    await frame.locator('table').first().waitFor();
    expect(await frame.locator('h1').first().textContent()).toMatch(/汇总|统计/);
    // The report's own stylesheet applies under the console's policy (its hash is allowed).
    const styleOf = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { maxWidth: string } }).getComputedStyle(el).maxWidth;
    expect(await frame.locator('body').evaluate(styleOf)).toBe('1100px');
    await screenshot(p, 'reports-summary');

    const [download] = await Promise.all([p.waitForEvent('download'), p.click('form[data-report=supervision] button[value=csv]')]);
    expect(download.suggestedFilename()).toMatch(/^supervision-\d{4}-\d{2}\.csv$/);
    const csv = await readFile((await download.path()) ?? '');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('工单号');
  });

  it('admins see offices, routing rules, calendar years, queues and dead letters, and accounts', async () => {
    const p = await page();
    await p.goto(`${runtime.url}/console/admin/offices`);
    await signIn(p, 'admin', password('admin'));
    await p.locator('tr[data-office=rights]').waitFor();
    await look(p, 'admin-offices');
    await p.click('a[href="/console/admin/routing"]');
    await p.locator('table.rules tbody tr').first().waitFor();
    expect(await p.locator('table.rules tbody tr').count()).toBeGreaterThan(3);
    await look(p, 'admin-routing');
    await p.click('a[href="/console/admin/calendar"]');
    await p.locator('textarea[name=holidays]').waitFor();
    await look(p, 'admin-calendar');
    await p.click('a[href="/console/admin/queues"]');
    await p.locator('tr[data-queue=complaint]').waitFor();
    await look(p, 'admin-queues');
    await p.click('a[href="/console/admin/users"]');
    await p.locator('tr[data-user=office]').waitFor();

    // A new account, made here, signs in.
    await p.click('text=新增账号');
    await p.fill('form.panel input[name=username]', 'zhang.wei');
    await p.fill('form.panel input[name=displayName]', '张伟');
    await p.check('form.panel input[name=roles][value=office]');
    await p.selectOption('form.panel select[name=office]', 'legal-aid');
    await p.fill('form.panel input[name=password]', 'a-long-enough-password');
    await look(p, 'admin-users');
    await p.click('form.panel button[type=submit]');
    await p.locator('tr[data-user="zhang.wei"]').waitFor();
    const other = await page();
    await other.goto(`${runtime.url}/console/`);
    await signIn(other, 'zhang.wei', 'a-long-enough-password');
    expect(await other.textContent('[data-testid=who]')).toContain('张伟');
  });

  it('signs in by keyboard alone, says so when the password is wrong, switches to English, and sign-out clears the session', async () => {
    const p = await page();
    await p.goto(`${runtime.url}/console/`);
    await p.locator('input[autocomplete=username]').waitFor();
    // The username field has the focus; Tab to the password, Enter to submit.
    await p.keyboard.type('office');
    await p.keyboard.press('Tab');
    await p.keyboard.type('wrong-password');
    await p.keyboard.press('Enter');
    await p.locator('[role=alert]').filter({ hasText: '用户名或密码错误' }).waitFor();
    await p.fill('input[autocomplete=current-password]', password('office'));
    await p.keyboard.press('Enter');
    await p.locator('#queue, .empty').first().waitFor();
    // A skip link first, then the navigation: all reachable by Tab.
    await p.keyboard.press('Tab');
    expect(await p.evaluate('document.activeElement?.textContent')).toBe('跳到主要内容');

    await p.click('text=English');
    await p.locator('h1', { hasText: 'Queue' }).waitFor();
    expect(await p.getAttribute('html', 'lang')).toBe('en');
    await look(p, 'queue-english');
    await p.reload();
    await p.locator('h1', { hasText: 'Queue' }).waitFor();
    await p.click('text=中文');

    expect(await p.evaluate('sessionStorage.length')).toBe(1);
    await p.click('text=退出登录');
    await p.locator('input[autocomplete=username]').waitFor();
    expect(await p.evaluate('sessionStorage.length')).toBe(0);
    await p.reload();
    await p.locator('input[autocomplete=username]').waitFor();
    // The token never went into an address.
    expect(p.url()).not.toMatch(/eyJ/);
  });

  it('the accessibility check finds what it should (an unlabelled button, an image without alt text)', async () => {
    const p = await page();
    await p.setContent('<!doctype html><html lang="zh-CN"><title>t</title><main><img src="data:,"><button></button></main></html>');
    expect((await seriousA11yViolations(p)).map((v) => v.id).sort()).toEqual(['button-name', 'image-alt']);
  });

  it('no page had a serious or critical accessibility violation, a script error, a CSP violation or an API answer outside openapi.yaml', async () => {
    await Promise.all(checks);
    expect(checkedByPages).toBeGreaterThan(50);
    expect(Object.keys(a11y).length).toBeGreaterThanOrEqual(15);
    expect(Object.fromEntries(Object.entries(a11y).filter(([, v]) => v.length > 0))).toEqual({});
    expect(problems).toEqual([]);
  });
});
