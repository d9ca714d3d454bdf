import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { body, expectProblem, expectValidation, listAll, SHANGHAI_ISO_RE, TICKET_RE, TRACKING_RE } from '../support/http';

interface Receipt {
  ticketNo: string;
  trackingCode: string;
  dueAt: string;
}

const ALLOWED = 'https://union.example.org';
const FORM = 'application/x-www-form-urlencoded';
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('POST /v1/intake/mailbox', () => {
  let h: Harness;
  let ipCounter = 0;
  /** Each request from its own address unless a test says otherwise, so the form limit stays out of the way. */
  const freshIp = () => `203.0.113.${++ipCounter}`;

  beforeAll(async () => {
    // Monday 2 March 2026, 09:30 in Shanghai; advice letters are due 9 March.
    h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  });
  afterAll(() => h.close());

  const postJson = (json: unknown, headers: Record<string, string> = {}, ip = freshIp()) =>
    h.request('/v1/intake/mailbox', { method: 'POST', json, headers, ip });
  const postForm = (fields: Record<string, string> | [string, string][], headers: Record<string, string> = {}, ip = freshIp()) =>
    h.request('/v1/intake/mailbox', { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'Content-Type': FORM, ...headers }, ip });
  const postMultipart = (fields: Record<string, string>, headers: Record<string, string> = {}, ip = freshIp()) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) fd.set(k, v);
    return h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers, ip });
  };
  const stored = async (ticketNo: string) => {
    const record = await h.deps.cases.getByTicket(ticketNo);
    expect(record, `case ${ticketNo} stored`).toBeDefined();
    return record!;
  };

  describe('JSON clients', () => {
    it('201 with only ticketNo, trackingCode and dueAt', async () => {
      const res = await postJson({ name: '李四', phone: '139-1234-5678', email: 'lisi@example.com', employer: '某电子厂', subject: '加班费', message: '工厂长期不支付加班费。' });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const receipt = await body<Receipt>(res);
      expect(Object.keys(receipt).sort()).toEqual(['dueAt', 'ticketNo', 'trackingCode']);
      expect(receipt.ticketNo).toMatch(TICKET_RE);
      expect(receipt.ticketNo.startsWith('M2026-')).toBe(true);
      expect(receipt.trackingCode).toMatch(TRACKING_RE);
      expect(receipt.dueAt).toMatch(SHANGHAI_ISO_RE);
      expect(receipt.dueAt).toBe('2026-03-09T23:59:59+08:00');

      const record = await stored(receipt.ticketNo);
      expect(record.channel).toBe('mailbox');
      expect(record.createdBy).toBe('public');
      expect(record.category).toBe('advice');
      expect(record.urgent).toBe(false);
      expect(record.status).toBe('received');
      expect(record.subject).toBe('加班费');
      expect(record.description).toBe('工厂长期不支付加班费。');
      expect(record.trackingCode).toBe(receipt.trackingCode);
      expect(record.receivedAt).toBe(Date.parse('2026-03-02T09:30:00+08:00'));
      expect(record.complainant).toEqual({ name: '李四', phone: '13912345678', email: 'lisi@example.com', employer: '某电子厂' });
    });

    it('the case shows up for staff as a mailbox case', async () => {
      const receipt = await body<Receipt>(await postJson({ message: '请问工会会员如何申请法律援助？', category: 'complaint', urgent: true }));
      const cases = await listAll(h, 'channel=mailbox');
      const c = cases.find((x) => x.ticketNo === receipt.ticketNo);
      expect(c).toBeDefined();
      expect(c!.category).toBe('complaint');
      expect(c!.urgent).toBe(true);
      expect(c!.dueAt).toBe(receipt.dueAt);
      expect(c!.dueAt).toBe('2026-03-02T23:59:59+08:00');
      expect(c!.complainant).toBeUndefined();
    });

    it('titles a letter without subject by its first line, shortened', async () => {
      const r1 = await body<Receipt>(await postJson({ message: '第一行是标题\n第二行是正文' }));
      expect((await stored(r1.ticketNo)).subject).toBe('第一行是标题');
      const long = '很'.repeat(80);
      const r2 = await body<Receipt>(await postJson({ message: `${long}\n正文` }));
      const subject = (await stored(r2.ticketNo)).subject;
      expect(subject).toHaveLength(60);
      expect(subject.endsWith('…')).toBe(true);
    });

    it('validation errors are problem+json naming the fields', async () => {
      await expectValidation(await postJson({ name: '张三' }), 'message');
      await expectValidation(await postJson({ message: 'x', phone: '12345' }), 'phone');
      await expectValidation(await postJson({ message: 'x', email: 'nope' }), 'email');
      await expectValidation(await postJson({ message: 'x', category: 'praise' }), 'category');
      await expectValidation(await postJson({ message: 'x', nickname: '小张' }), 'nickname');
      await expectValidation(await postJson({ message: 'x'.repeat(10_001) }), 'message');
      await expectValidation(await postJson({ message: 'x', redirect: 'not a url' }), 'redirect');
    });

    it('answers JSON to a form post that asks for JSON', async () => {
      const res = await postForm({ message: '表单但要 JSON' }, { Accept: 'application/json' });
      expect(res.status).toBe(201);
      expect(Object.keys(await body(res)).sort()).toEqual(['dueAt', 'ticketNo', 'trackingCode']);
      const bad = await postForm({ message: '' }, { Accept: 'application/json' });
      await expectValidation(bad, 'message');
    });
  });

  describe('browser form posts', () => {
    it('303 to an allowed redirect with ticketNo and code appended', async () => {
      const res = await postForm({ name: '赵六', message: '网页表单来信', redirect: `${ALLOWED}/letters/thanks?lang=zh` }, { Accept: BROWSER });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin).toBe(ALLOWED);
      expect(location.pathname).toBe('/letters/thanks');
      expect(location.searchParams.get('lang')).toBe('zh');
      const ticketNo = location.searchParams.get('ticketNo')!;
      const code = location.searchParams.get('code')!;
      expect(ticketNo).toMatch(TICKET_RE);
      expect(code).toMatch(TRACKING_RE);
      const record = await stored(ticketNo);
      expect(record.trackingCode).toBe(code);
      expect(record.createdBy).toBe('public');
      expect(record.channel).toBe('mailbox');
    });

    it('multipart form posts work the same way', async () => {
      const res = await postMultipart({ message: '多部分表单来信', urgent: 'on', category: 'investigation', redirect: `${ALLOWED}/ok` }, { Accept: BROWSER });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      const record = await stored(location.searchParams.get('ticketNo')!);
      expect(record.urgent).toBe(true);
      expect(record.category).toBe('investigation');
      const json = await postMultipart({ message: '多部分 JSON 回执' }, { Accept: 'application/json' });
      expect(json.status).toBe(201);
      expect((await body<Receipt>(json)).ticketNo).toMatch(TICKET_RE);
    });

    it.each([
      'https://evil.example/phish',
      'http://union.example.org/thanks',
      'https://union.example.org.evil.example/',
      'https://union.example.org@evil.example/',
      'https://union.example.org:8443/',
      'javascript:alert(1)',
    ])('does not redirect to %s: thank-you page instead, case still stored', async (redirect) => {
      const res = await postForm({ message: '重定向不被允许', redirect }, { Accept: BROWSER });
      expect(res.status).toBe(201);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('lang="zh-CN"');
      const ticketNo = /[HMW]\d{4}-\d{6}/.exec(html)?.[0];
      expect(ticketNo).toBeDefined();
      expect((await stored(ticketNo!)).description).toBe('重定向不被允许');
      expect(html).not.toContain('evil');
    });

    it('without redirect: 201 zh-CN thank-you page with ticket, code and reply date', async () => {
      const res = await postForm({ message: '没有跳转地址', category: 'complaint' });
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('<html lang="zh-CN">');
      expect(html).toContain('来信已收到');
      const ticketNo = /M2026-\d{6}/.exec(html)?.[0];
      expect(ticketNo).toBeDefined();
      const record = await stored(ticketNo!);
      expect(html).toContain(record.trackingCode);
      // Complaint received Monday 2 March 2026: 20 working days → 30 March.
      expect(html).toContain('2026年3月30日');
    });

    it('validation errors to a browser are an HTML page with the 4xx status', async () => {
      const before = (await listAll(h)).length;
      const res = await postForm({ message: '', phone: 'abc', nickname: 'x' }, { Accept: BROWSER });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await res.text();
      expect(html).toContain('lang="zh-CN"');
      expect(html).toContain('提交的内容有误');
      expect(html).toContain('<code>message</code>');
      expect(html).toContain('<code>phone</code>');
      expect(html).toContain('<code>nickname</code>');
      expect((await listAll(h)).length).toBe(before);
    });

    it('a field sent twice is a 400, not a crash', async () => {
      const res = await postForm(
        [
          ['message', 'a'],
          ['message', 'b'],
        ],
        { Accept: 'application/json' },
      );
      await expectValidation(res, 'message');
    });

    it('treats blank optional fields as absent', async () => {
      const res = await postForm({ name: '', phone: '', email: '', employer: '', subject: '', category: '', urgent: '', redirect: '', website: '', message: '只有正文' }, { Accept: 'application/json' });
      expect(res.status).toBe(201);
      const record = await stored((await body<Receipt>(res)).ticketNo);
      expect(record.complainant).toBeUndefined();
      expect(record.category).toBe('advice');
      expect(record.urgent).toBe(false);
      expect(record.subject).toBe('只有正文');
    });

    it.each([
      ['on', true],
      ['true', true],
      ['1', true],
      ['yes', true],
      ['off', false],
      ['false', false],
      ['0', false],
      ['no', false],
    ])('urgent=%s means %s', async (urgent, expected) => {
      const res = await postForm({ message: '紧急程度', urgent }, { Accept: 'application/json' });
      expect(res.status).toBe(201);
      expect((await stored((await body<Receipt>(res)).ticketNo)).urgent).toBe(expected);
    });

    it.each(['maybe', 'urgent', '2'])('urgent=%s is a 400 naming urgent, not a silent false', async (urgent) => {
      await expectValidation(await postForm({ message: '紧急程度', urgent }, { Accept: 'application/json' }), 'urgent');
      await expectValidation(await postJson({ message: '紧急程度', urgent }), 'urgent');
    });

    it('shows a browser a zh-CN error page that names the field in Chinese, with the 400 status', async () => {
      const res = await postForm({ message: '工资问题', phone: '123' }, { Accept: BROWSER });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('lang="zh-CN"');
      expect(html).toContain('提交的内容有误');
      expect(html).toMatch(/联系电话<\/strong> <code>phone<\/code>/);
    });

    it('escapes what it echoes in error pages', async () => {
      const res = await postForm({ message: 'x', '<script>alert(1)</script>': 'y' }, { Accept: BROWSER });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;');
    });
  });

  describe('honeypot', () => {
    it('a filled website field looks like success but stores nothing', async () => {
      const before = await listAll(h);
      const json = await postJson({ message: '广告', website: 'http://spam.example' });
      expect(json.status).toBe(201);
      const receipt = await body<Receipt>(json);
      expect(Object.keys(receipt).sort()).toEqual(['dueAt', 'ticketNo', 'trackingCode']);
      expect(receipt.ticketNo).toMatch(TICKET_RE);
      expect(receipt.trackingCode).toMatch(TRACKING_RE);
      expect(receipt.dueAt).toBe('2026-03-09T23:59:59+08:00');

      const browser = await postForm({ message: '广告', website: 'spam', redirect: `${ALLOWED}/thanks` }, { Accept: BROWSER });
      expect(browser.status).toBe(303);
      const loc = new URL(browser.headers.get('location')!);
      expect(loc.searchParams.get('ticketNo')).toMatch(TICKET_RE);
      expect(loc.searchParams.get('code')).toMatch(TRACKING_RE);

      const page = await postForm({ message: '广告', website: 'spam' }, { Accept: BROWSER });
      expect(page.status).toBe(201);
      expect(await page.text()).toContain('来信已收到');

      expect(await listAll(h)).toEqual(before);
      expect(await h.deps.cases.getByTicket(receipt.ticketNo)).toBeUndefined();
      const track = await h.request(`/v1/track/${receipt.ticketNo}?code=${receipt.trackingCode}`, { ip: freshIp() });
      expect(track.status).toBe(404);
    });

    it('does not use up a ticket number', async () => {
      const a = await body<Receipt>(await postJson({ message: '真实来信一' }));
      await postJson({ message: '机器人', website: 'x' });
      await postJson({ message: '机器人', website: 'y' });
      const b = await body<Receipt>(await postJson({ message: '真实来信二' }));
      expect(Number(b.ticketNo.slice(6))).toBe(Number(a.ticketNo.slice(6)) + 1);
    });
  });

  describe('content types and sizes', () => {
    it.each([['text/plain'], ['application/xml'], ['text/html']])('415 for %s', async (type) => {
      const before = (await listAll(h)).length;
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: 'message=hello', headers: { 'Content-Type': type, Accept: 'application/json' }, ip: freshIp() });
      await expectProblem(res, 415);
      expect((await listAll(h)).length).toBe(before);
    });

    it('415 without a content type', async () => {
      // Bytes, not a string: fetch would label a string text/plain.
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: new TextEncoder().encode('message=hello'), headers: { Accept: 'application/json' }, ip: freshIp() });
      await expectProblem(res, 415);
      const empty = await h.request('/v1/intake/mailbox', { method: 'POST', headers: { Accept: 'application/json' }, ip: freshIp() });
      await expectProblem(empty, 415);
    });

    it('415 to a browser is an HTML page with status 415', async () => {
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: 'message=hello', headers: { 'Content-Type': 'text/plain', Accept: BROWSER }, ip: freshIp() });
      expect(res.status).toBe(415);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    });

    it('413 problem for a body over 64 KiB, 201 just under', async () => {
      const before = (await listAll(h)).length;
      const big = await postForm({ message: '长'.repeat(25_000) }, { Accept: 'application/json' });
      const problem = await expectProblem(big, 413);
      expect(problem.type).toBe('/problems/too-large');
      const bigJson = await postJson({ message: 'x'.repeat(9_000), subject: 'y', padding: 'z'.repeat(60_000) });
      await expectProblem(bigJson, 413);
      expect((await listAll(h)).length).toBe(before);
      // 9 000 characters of Chinese is about 80 KiB urlencoded: still too large; 6 000 (≈ 53 KiB) fits.
      const ok = await postForm({ message: '长'.repeat(6_000) }, { Accept: 'application/json' });
      expect(ok.status).toBe(201);
    });

    it('malformed JSON is a 400 problem', async () => {
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: '{"message": "x",', headers: { 'Content-Type': 'application/json' }, ip: freshIp() });
      await expectProblem(res, 400);
    });

    it.each([['[]'], ['"message"'], ['null'], ['42'], ['{"message": 42}'], ['{"message": "x", "urgent": "maybe"}']])('JSON of the wrong shape %s is a 400 problem', async (raw) => {
      const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: raw, headers: { 'Content-Type': 'application/json' }, ip: freshIp() });
      await expectProblem(res, 400);
    });
  });

  describe('rate limit per client IP', () => {
    it('the 6th post in a minute from one IP is 429 with Retry-After; other IPs are unaffected; a new minute resets', async () => {
      h.clock.set('2026-03-02T10:00:05+08:00');
      const ip = '192.0.2.50';
      for (let i = 0; i < 5; i++) expect((await postJson({ message: `第${i}封` }, {}, ip)).status).toBe(201);
      const before = (await listAll(h)).length;
      const limited = await postJson({ message: '第6封' }, {}, ip);
      const problem = await expectProblem(limited, 429);
      expect(problem.type).toBe('/problems/rate-limited');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(retryAfter).toBe(55);
      expect((await listAll(h)).length).toBe(before);

      // A browser gets a page, still 429.
      const page = await postForm({ message: '第7封' }, { Accept: BROWSER }, ip);
      expect(page.status).toBe(429);
      expect(page.headers.get('retry-after')).toBeTruthy();
      expect(await page.text()).toContain('提交过于频繁');

      // Another address is unaffected.
      expect((await postJson({ message: '别人的来信' }, {}, '192.0.2.51')).status).toBe(201);

      // The next minute starts afresh.
      h.clock.advance(60_000);
      expect((await postJson({ message: '下一分钟' }, {}, ip)).status).toBe(201);
    });

    it('tracking has its own budget: form posts do not use it up', async () => {
      h.clock.set('2026-03-02T10:10:00+08:00');
      const ip = '192.0.2.60';
      let receipt: Receipt | undefined;
      for (let i = 0; i < 5; i++) receipt = await body<Receipt>(await postJson({ message: `来信${i}` }, {}, ip));
      const track = await h.request(`/v1/track/${receipt!.ticketNo}?code=${receipt!.trackingCode}`, { ip });
      expect(track.status).toBe(200);
    });
  });

  describe('CORS', () => {
    it('a preflight from an allowed origin is allowed', async () => {
      const res = await h.request('/v1/intake/mailbox', {
        method: 'OPTIONS',
        headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
        outsideSpec: 'a CORS preflight',
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
    });

    it('a preflight from another origin gets no Access-Control-Allow-Origin', async () => {
      const res = await h.request('/v1/intake/mailbox', {
        method: 'OPTIONS',
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
        outsideSpec: 'a CORS preflight',
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('an actual post carries Access-Control-Allow-Origin for allowed origins only', async () => {
      const ok = await postJson({ message: '跨域来信' }, { Origin: ALLOWED });
      expect(ok.status).toBe(201);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      const other = await postJson({ message: '跨域来信' }, { Origin: 'https://evil.example' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-allow-origin')).not.toBe('*');
    });

    it('the staff API does not offer CORS to the public origin', async () => {
      const res = await h.request('/v1/cases', { method: 'OPTIONS', headers: { Origin: ALLOWED, 'Access-Control-Request-Method': 'POST' }, outsideSpec: 'a CORS preflight' });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      // Not a preflight it serves: the methods the path takes, for anyone asking.
      expect(res.status).toBe(204);
      expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
    });
  });
});
