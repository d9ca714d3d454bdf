import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser';
import { createHarness, type Harness } from '../support/harness';

/**
 * Real forms in a real browser (Chromium through playwright-core, started by the shared launcher): the README's embed
 * snippet on a "union site" of another origin, and the ready page at /mailbox — extra fields,
 * files, an invalid letter fixed and resent, a reload of the thank-you page, a resubmission.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The copy-paste form of the README, exactly as written there. */
const SNIPPET = /```html\n(<form[\s\S]*?<\/form>)\n```/.exec(README)?.[1] ?? '';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');

let h: Harness;
let api: ServerType;
let site: ServerType;
let apiBase: string;
let siteBase: string;
let browser: Browser;
const consoleErrors: string[] = [];

const listen = async (fetch: (req: Request) => Response | Promise<Response>) => {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

beforeAll(async () => {
  expect(SNIPPET).toContain('action="https://cases.union.example.org/v1/intake/mailbox"');
  // The union's web site: serves the snippet, and the thank-you page the snippet redirects to.
  const union = new Hono()
    .get('/letters/form.html', (c) => c.html(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>主席信箱</title></head><body>${SNIPPET.replaceAll('https://cases.union.example.org', apiBase).replaceAll('https://union.example.org', siteBase)}</body></html>`))
    .get('/letters/thanks.html', (c) => c.html('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>谢谢</title></head><body><h1>谢谢来信</h1></body></html>'));
  const s = await listen((req) => union.fetch(req));
  site = s.server;
  siteBase = s.base;
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00', config: { FORM_RATE_LIMIT: 1000, ALLOWED_REDIRECT_ORIGINS: [siteBase], ALLOWED_ORIGINS: [siteBase] } });
  const a = await listen((req) => h.app.fetch(req));
  api = a.server;
  apiBase = a.base;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => api?.close(resolve));
  await new Promise((resolve) => site?.close(resolve));
  await h?.close();
});

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  // CSP refusals and script errors; not the favicon's 404 or the invalid letter's 400.
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  return page;
}

const cases = async () => (await h.deps.cases.list({ limit: 200 })).items;

describe('the README’s form on a union site, in Chromium', () => {
  it('posts the letter with a file and an extra field, lands on the union’s thank-you page with the code only in the fragment; the same letter again keeps its ticket', async () => {
    const page = await newPage();
    await page.goto(`${siteBase}/letters/form.html`);
    // A CMS adds its own hidden field to every form.
    await page.evaluate(`document.querySelector('form').insertAdjacentHTML('beforeend', '<input type="hidden" name="csrf_token" value="cms-token-123">')`);
    const fill = async () => {
      await page.fill('input[name=name]', '郑十一');
      await page.fill('input[name=email]', 'zheng@example.com');
      await page.selectOption('select[name=topic]', 'wages');
      await page.fill('textarea[name=message]', '公司拖欠三个月工资，附工资条。');
      await page.setInputFiles('input[name=files]', { name: '工资条.pdf', mimeType: 'application/pdf', buffer: PDF });
    };
    await fill();
    await Promise.all([page.waitForURL(`${siteBase}/letters/thanks.html**`), page.click('button[type=submit]')]);
    const landed = new URL(page.url());
    const ticketNo = landed.searchParams.get('ticketNo')!;
    const code = new URLSearchParams(landed.hash.slice(1)).get('code')!;
    expect(landed.search).not.toContain(code);
    const record = (await h.deps.cases.getByTicket(ticketNo))!;
    expect(record.trackingCode).toBe(code);
    expect(record.topic).toBe('wages');
    expect(record.description).toBe('公司拖欠三个月工资，附工资条。');
    expect(record.attachments?.map((a) => [a.name, a.contentType, a.size])).toEqual([['工资条.pdf', 'application/pdf', PDF.length]]);
    expect(record.ignoredFields?.sort()).toEqual(['csrf_token', 'submit']);

    // Back, and the same letter sent again (a double submit, a resend): the same ticket, no new case.
    const count = (await cases()).length;
    await page.goto(`${siteBase}/letters/form.html`);
    await fill();
    await Promise.all([page.waitForURL(`${siteBase}/letters/thanks.html**`), page.click('button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('ticketNo')).toBe(ticketNo);
    expect((await cases()).length).toBe(count);
    await page.close();
  });
});

describe('the ready page at /mailbox, in Chromium', () => {
  it('an invalid letter comes back as entered; fixed and resent it lands on the thank-you page, which shows the code and survives reloads', async () => {
    const page = await newPage();
    await page.goto(`${apiBase}/mailbox`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('h1')).toBe('主席信箱');
    await page.fill('#name', '冯<十二>');
    await page.fill('#phone', '12345');
    await page.fill('#email', 'feng@example.com');
    await page.selectOption('#category', 'complaint');
    await page.fill('#message', '宿舍长期没有热水。\n第二行');
    await page.click('button[type=submit]');
    await page.locator('.errors').waitFor();
    expect(await page.textContent('h1')).toBe('来信内容需要修改');
    expect(await page.textContent('.errors')).toContain('请填写正确的联系电话');
    expect(await page.inputValue('#name')).toBe('冯<十二>');
    expect(await page.inputValue('#phone')).toBe('12345');
    expect(await page.inputValue('#message')).toBe('宿舍长期没有热水。\n第二行');
    expect(await page.inputValue('#category')).toBe('complaint');
    expect((await cases()).filter((c) => c.complainant?.email === 'feng@example.com')).toHaveLength(0);

    await page.fill('#phone', '13912345678');
    await Promise.all([page.waitForURL(`${apiBase}/mailbox/thanks**`), page.click('button[type=submit]')]);
    await page.locator('#with-code').waitFor({ state: 'visible' });
    const ticketNo = await page.textContent('#ticket');
    const record = (await h.deps.cases.getByTicket(ticketNo ?? ''))!;
    expect(record.complainant).toEqual({ name: '冯<十二>', phone: '13912345678', email: 'feng@example.com' });
    expect(record.category).toBe('complaint');
    expect(await page.textContent('#code')).toBe(record.trackingCode);
    expect(await page.textContent('#due')).toBe('2026年3月30日');
    expect(await page.getAttribute('#track', 'href')).toBe(`/track#ticket=${record.ticketNo}&code=${record.trackingCode}`);

    // Reloading the thank-you page (F5, twice) posts nothing: it is a GET.
    const count = (await cases()).length;
    await page.reload();
    await page.reload();
    await page.locator('#with-code').waitFor({ state: 'visible' });
    expect(await page.textContent('#code')).toBe(record.trackingCode);
    expect((await cases()).length).toBe(count);

    // The link opens tracking with the case.
    await page.click('#track');
    await page.locator('#result').waitFor({ state: 'visible' });
    expect(await page.textContent('#ticket-out')).toBe(record.ticketNo);
    expect(consoleErrors, consoleErrors.join("\n")).toEqual([]);
    await page.close();
  });

  it('a file of a refused type is named in zh-CN before anything is sent, and the letter kept', async () => {
    const page = await newPage();
    await page.goto(`${apiBase}/mailbox`);
    await page.fill('#message', '附件是可执行文件');
    await page.setInputFiles('#files', { name: '工资条.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ\x90\x00This program cannot be run in DOS mode') });
    await page.click('button[type=submit]');
    await page.locator('#upload-status.err').waitFor();
    expect(await page.textContent('#upload-status')).toContain('附件“工资条.exe”的文件类型不能接收');
    expect(await page.textContent('#upload-status')).toContain('您填写的内容仍保留在本页');
    expect(page.url()).toBe(`${apiBase}/mailbox`);
    expect(await page.inputValue('#message')).toBe('附件是可执行文件');
    await page.close();
  });
});

describe('files sent ahead by the page (data-uploads), in Chromium', () => {
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

  it('uploads each file to its target, then posts the letter with the upload ids and no file in it; the case lists the files', async () => {
    const page = await newPage();
    const posts: { url: string; size: number }[] = [];
    page.on('request', (r) => r.method() === 'POST' && posts.push({ url: new URL(r.url()).pathname, size: r.postDataBuffer()?.length ?? 0 }));
    await page.goto(`${apiBase}/mailbox`);
    expect(await page.getAttribute('form', 'data-uploads')).toBe('/v1/intake/mailbox/uploads');
    await page.fill('#name', '陈十三');
    await page.fill('#message', '附上工资条和现场照片。');
    await page.setInputFiles('#files', [
      { name: '工资条.pdf', mimeType: 'application/pdf', buffer: PDF },
      // No type from the browser: the script declares it by its name.
      { name: '现场.png', mimeType: '', buffer: PNG },
    ]);
    await Promise.all([page.waitForURL(`${apiBase}/mailbox/thanks**`), page.click('button[type=submit]')]);
    const record = (await h.deps.cases.getByTicket((await page.textContent('#ticket')) ?? ''))!;
    expect(record.attachments?.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['工资条.pdf', 'application/pdf', PDF.length],
      ['现场.png', 'image/png', PNG.length],
    ]);
    const ids = record.attachments!.map((a) => a.id);
    expect(posts.map((p) => p.url)).toEqual(['/v1/intake/mailbox/uploads', ...ids.map((id) => `/v1/intake/mailbox/uploads/${id}`), '/v1/intake/mailbox']);
    // The letter itself carried the ids, not the files.
    expect(posts.at(-1)!.size).toBeLessThan(PDF.length + PNG.length + 2000);
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([]);
    await page.close();
  });

  it('an upload that fails on the way keeps the letter in the page with a zh-CN message; sent again, it goes through', async () => {
    const page = await newPage();
    await page.goto(`${apiBase}/mailbox`);
    await page.fill('#message', '网络不好的时候提交');
    await page.fill('#email', 'wei@example.com');
    await page.setInputFiles('#files', { name: '合同.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.route('**/v1/intake/mailbox/uploads/*', (route) => route.abort('connectionfailed'));
    await page.click('button[type=submit]');
    await page.locator('#upload-status.err').waitFor();
    expect(await page.textContent('#upload-status')).toContain('网络连接失败，附件未能上传');
    expect(page.url()).toBe(`${apiBase}/mailbox`);
    expect(await page.inputValue('#message')).toBe('网络不好的时候提交');
    expect(await page.isEnabled('button[type=submit]')).toBe(true);
    expect((await cases()).filter((c) => c.complainant?.email === 'wei@example.com')).toHaveLength(0);

    await page.unroute('**/v1/intake/mailbox/uploads/*');
    await Promise.all([page.waitForURL(`${apiBase}/mailbox/thanks**`), page.click('button[type=submit]')]);
    const mine = (await cases()).filter((c) => c.complainant?.email === 'wei@example.com');
    expect(mine.map((c) => c.attachments?.map((a) => a.name))).toEqual([['合同.pdf']]);
    await page.close();
  });

  it('a letter sent back for a wrong phone number keeps the files already sent ahead: fixed and resent, nothing is chosen again', async () => {
    const page = await newPage();
    await page.goto(`${apiBase}/mailbox`);
    await page.fill('#phone', '12345');
    await page.fill('#message', '电话写错了，附件已经选好');
    await page.setInputFiles('#files', { name: '考勤表.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.click('button[type=submit]');
    await page.locator('.errors').waitFor();
    expect(await page.textContent('.errors')).toContain('已上传的附件已保留，无需重新选择：考勤表.pdf');
    await page.fill('#phone', '13912345678');
    await Promise.all([page.waitForURL(`${apiBase}/mailbox/thanks**`), page.click('button[type=submit]')]);
    const record = (await h.deps.cases.getByTicket((await page.textContent('#ticket')) ?? ''))!;
    expect(record.description).toBe('电话写错了，附件已经选好');
    expect(record.attachments?.map((a) => [a.name, a.size])).toEqual([['考勤表.pdf', PDF.length]]);
    await page.close();
  });

  it('without JavaScript the same page posts the files in the form, as ever', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${apiBase}/mailbox`);
    await page.fill('#message', '浏览器禁用了脚本');
    await page.setInputFiles('#files', { name: '工资条.pdf', mimeType: 'application/pdf', buffer: PDF });
    await Promise.all([page.waitForURL(`${apiBase}/mailbox/thanks**`), page.click('button[type=submit]')]);
    const ticketNo = new URL(page.url()).searchParams.get('ticketNo') ?? '';
    const record = (await h.deps.cases.getByTicket(ticketNo))!;
    expect(record.description).toBe('浏览器禁用了脚本');
    expect(record.attachments?.map((a) => a.name)).toEqual(['工资条.pdf']);
    await context.close();
  });
});
