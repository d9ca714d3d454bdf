import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalAttachmentStore } from '../../shared/adapters/files/local-attachments';
import { LocalUploadStore } from '../../shared/adapters/files/local-uploads';
import { createHarness, type Harness } from '../support/harness';
import { body, expectProblem, expectValidation } from '../support/http';

/**
 * Files sent ahead (POST /v1/intake/mailbox/uploads), as the mailbox page's script sends them: the
 * same steps on the local runtime as against S3 on AWS — declare, post each file to its target,
 * post the letter with the upload ids — and the intake judging each upload by its bytes.
 */
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
const MB = 1024 * 1024;
let h: Harness;
let ip = 0;

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00', config: { FORM_RATE_LIMIT: 1000 } });
});
afterAll(() => h.close());

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new TextEncoder().encode('IHDR-and-the-rest')]);
const EXE = new TextEncoder().encode('MZ\x90\x00This program cannot be run in DOS mode');
/** A PDF of about `size` bytes: the signature, then filler. */
const bigPdf = (size: number, fill: number) => {
  const b = new Uint8Array(size).fill(fill);
  b.set(PDF);
  return b;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface Grant {
  id: string;
  name: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

const declare = (files: { name: string; size: number; contentType: string }[], client = `198.51.100.${++ip}`) =>
  h.request('/v1/intake/mailbox/uploads', { method: 'POST', json: { files }, headers: { Accept: 'application/json' }, ip: client });

/** Posts a file to its target as the page's script does: the fields, then the file, last. */
async function upload(grant: Grant, bytes: Uint8Array, type = grant.fields['Content-Type'] ?? '') {
  const fd = new FormData();
  for (const [k, v] of Object.entries(grant.fields)) fd.append(k, v);
  fd.append('file', new File([bytes as Uint8Array<ArrayBuffer>], grant.name, { type }));
  const path = new URL(grant.url).pathname;
  return h.request(path, { method: 'POST', body: fd, headers: { Accept: 'application/json' } });
}

/** Declares and uploads the files; returns their grants. */
async function sendAhead(files: [string, Uint8Array, string][]): Promise<Grant[]> {
  const res = await declare(files.map(([name, b, contentType]) => ({ name, size: b.length, contentType })));
  expect(res.status, await res.clone().text()).toBe(200);
  const { uploads } = await body<{ uploads: Grant[] }>(res);
  for (const [i, g] of uploads.entries()) expect((await upload(g, files[i]![1])).status).toBe(204);
  return uploads;
}

/** The letter as the page submits it after the uploads: the form's fields and one `upload` per file, no file parts. */
function letter(fields: Record<string, string>, uploadIds: string[], client = `203.0.113.${++ip}`, accept = BROWSER) {
  const form = new URLSearchParams(fields);
  for (const id of uploadIds) form.append('upload', id);
  return h.request('/v1/intake/mailbox', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept }, ip: client });
}
const ticketOf = (res: Response) => new URL(res.headers.get('location')!, 'http://x').searchParams.get('ticketNo')!;
const incoming = () => readdir(`${h.outboxDir}-attachments/incoming`).catch(() => [] as string[]);

describe('files sent ahead (local upload target)', () => {
  it('declares files, takes each one at its target, and the letter naming them reaches the case: typed by the bytes, hashed, kept under the upload id, the incoming copy gone', async () => {
    const grants = await sendAhead([
      ['工资条.pdf', PDF, 'application/pdf'],
      // Declared as a JPEG by its name; its bytes say PNG, and the bytes decide.
      ['现场照片.jpg', PNG, 'image/jpeg'],
    ]);
    expect(grants.map((g) => g.name)).toEqual(['工资条.pdf', '现场照片.jpg']);
    for (const g of grants) {
      expect(new URL(g.url).pathname).toBe(`/v1/intake/mailbox/uploads/${g.id}`);
      expect(Date.parse(g.expiresAt) - h.clock.now()).toBe(15 * 60_000);
    }
    const res = await letter({ name: '钱七', message: '附上工资条和照片', submissionId: 'sub-ahead-0001' }, grants.map((g) => g.id));
    expect(res.status, await res.clone().text()).toBe(303);
    const record = (await h.deps.cases.getByTicket(ticketOf(res)))!;
    expect(record.attachments).toEqual([
      { id: grants[0]!.id, name: '工资条.pdf', size: PDF.length, contentType: 'application/pdf', sha256: sha(PDF) },
      { id: grants[1]!.id, name: '现场照片.jpg', size: PNG.length, contentType: 'image/png', sha256: sha(PNG) },
    ]);
    expect((await incoming()).filter((n) => grants.some((g) => n === g.id))).toEqual([]);
    const download = await h.request(`/v1/cases/${record.id}/attachments/${grants[0]!.id}`, { roles: ['supervisor'] });
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);
  });

  it('takes a 19 MB letter in requests of at most one file each (the way it passes API Gateway and Lambda on AWS)', async () => {
    const a = bigPdf(9.5 * MB, 0x41);
    const b = bigPdf(9.5 * MB, 0x42);
    const grants = await sendAhead([
      ['合同扫描件一.pdf', a, 'application/pdf'],
      ['合同扫描件二.pdf', b, 'application/pdf'],
    ]);
    const res = await letter({ message: '合同扫描件两份' }, grants.map((g) => g.id), undefined, 'application/json');
    expect(res.status, await res.clone().text()).toBe(201);
    const record = (await h.deps.cases.getByTicket((await body<{ ticketNo: string }>(res)).ticketNo))!;
    expect(record.attachments?.map((x) => [x.size, x.sha256])).toEqual([
      [a.length, sha(a)],
      [b.length, sha(b)],
    ]);
  });

  it('a JSON letter names its uploads in `uploads`', async () => {
    const [g] = await sendAhead([['说明.pdf', PDF, 'application/pdf']]);
    const res = await h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '见附件', uploads: [g!.id] }, ip: `203.0.113.${++ip}` });
    expect(res.status, await res.clone().text()).toBe(201);
    const record = (await h.deps.cases.getByTicket((await body<{ ticketNo: string }>(res)).ticketNo))!;
    expect(record.attachments?.map((x) => x.id)).toEqual([g!.id]);
  });
});

describe('declarations outside the limits: a 400 that says why in zh-CN', () => {
  const pdf = (size: number, name = '材料.pdf') => ({ name, size, contentType: 'application/pdf' });
  const messages = async (res: Response, ...paths: string[]) => ((await expectValidation(res, ...paths)).errors ?? []).map((e) => e.message).join(' ');

  it('more than 5 files, a file over 10 MB, an empty one, more than 20 MB in all, a type not taken', async () => {
    expect(await messages(await declare(Array.from({ length: 6 }, (_, i) => pdf(1000, `${i}.pdf`))), 'files')).toContain('最多可上传5个附件，您选择了6个');
    expect(await messages(await declare([pdf(10 * MB + 1, '大文件.pdf')]), 'files.0.size')).toContain('附件“大文件.pdf”超过10MB');
    expect(await messages(await declare([pdf(0, '空.pdf')]), 'files.0.size')).toContain('附件“空.pdf”是空文件');
    expect(await messages(await declare([pdf(9 * MB, 'a.pdf'), pdf(9 * MB, 'b.pdf'), pdf(3 * MB, 'c.pdf')]), 'files')).toContain('附件合计不能超过20MB');
    expect(await messages(await declare([{ name: '网页.html', size: 100, contentType: 'text/html' }]), 'files.0.contentType')).toContain('附件“网页.html”的文件类型不能接收');
  });

  it('a malformed body is a 400 naming the field; a mailbox that takes no files answers 404', async () => {
    await expectValidation(await h.request('/v1/intake/mailbox/uploads', { method: 'POST', json: { files: [{ name: 'a.pdf', size: 'big' }] } }), 'files.0.size');
    const bare = await createHarness({ deps: { attachments: undefined, uploads: undefined } });
    try {
      await expectProblem(await bare.request('/v1/intake/mailbox/uploads', { method: 'POST', json: { files: [pdf(100)] } }), 404);
      // And its page has no script and no data-uploads.
      const page = await (await bare.request('/mailbox', { headers: { Accept: BROWSER } })).text();
      expect(page).not.toContain('data-uploads');
      expect(page).not.toContain('<script>');
    } finally {
      await bare.close();
    }
  });

  it('is rate-limited per client address like the letters', async () => {
    const limited = await createHarness({ config: { FORM_RATE_LIMIT: 2 } });
    try {
      const send = () => limited.request('/v1/intake/mailbox/uploads', { method: 'POST', json: { files: [pdf(100)] }, ip: '192.0.2.7' });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      const third = await send();
      await expectProblem(third, 429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('the upload target holds each post to its declaration, as S3 holds a POST to its policy', () => {
  const grant = async (size = PDF.length, contentType = 'application/pdf') => (await body<{ uploads: Grant[] }>(await declare([{ name: '证据.pdf', size, contentType }]))).uploads[0]!;

  it('refuses another Content-Type (403), more bytes than declared or none (400), an unknown id (404), a post after the expiry (403)', async () => {
    const g = await grant();
    await expectProblem(await upload({ ...g, fields: { 'Content-Type': 'text/html' } }, PDF), 403);
    await expectProblem(await upload(g, bigPdf(PDF.length + 1, 0x20)), 400);
    await expectProblem(await upload(g, new Uint8Array(0)), 400);
    await expectProblem(await upload({ ...g, url: `http://x/v1/intake/mailbox/uploads/${randomUUID()}` }, PDF), 404);
    const late = await grant();
    h.clock.advance(15 * 60_000 + 1);
    await expectProblem(await upload(late, PDF), 403);
    expect(await incoming()).not.toContain(late.id);
  });
});

describe('a letter whose uploads are missing, oversized or of a refused type comes back as entered, nothing lost', () => {
  it('an upload that never arrived: the zh-CN page, the letter as typed, no case', async () => {
    const g = (await body<{ uploads: Grant[] }>(await declare([{ name: '没传上去.pdf', size: PDF.length, contentType: 'application/pdf' }]))).uploads[0]!;
    const before = (await h.deps.cases.list({ limit: 500 })).items.length;
    const res = await letter({ name: '孙八', message: '附件没有上传成功' }, [g.id]);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('附件上传未完成或已过期，请重新选择附件后再提交');
    expect(page).toContain('附件没有上传成功');
    expect(page).toContain('value="孙八"');
    expect(page).toContain('浏览器不能保留已选择的附件');
    expect((await h.deps.cases.list({ limit: 500 })).items.length).toBe(before);
  });

  it('an upload whose bytes are a program: refused by its bytes, whatever it was declared as; the upload stays for a corrected letter', async () => {
    const [g] = await sendAhead([['工资条.pdf', EXE, 'application/pdf']]);
    const res = await letter({ message: '附件' }, [g!.id]);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('附件“工资条.pdf”的文件类型不能接收');
    expect(await incoming()).toContain(g!.id);
  });

  it('a letter with a wrong field keeps the files it sent ahead: the page carries their ids, and the corrected letter lists them', async () => {
    const [g] = await sendAhead([['考勤表.pdf', PDF, 'application/pdf']]);
    const fields = { name: '吴九', phone: '12345', message: '电话填错了', submissionId: 'sub-fix-phone-01' };
    const res = await letter(fields, [g!.id]);
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('请填写正确的联系电话');
    expect(page).toContain(`<input type="hidden" name="upload" value="${g!.id}" />`);
    expect(page).toContain('已上传的附件已保留，无需重新选择：考勤表.pdf');
    expect(page).not.toContain('浏览器不能保留已选择的附件');
    const fixed = await letter({ ...fields, phone: '13912345678' }, [g!.id]);
    expect(fixed.status, await fixed.clone().text()).toBe(303);
    expect((await h.deps.cases.getByTicket(ticketOf(fixed)))!.attachments?.map((a) => a.id)).toEqual([g!.id]);
  });

  it('JSON clients get the problem with the same zh-CN messages', async () => {
    const res = await h.request('/v1/intake/mailbox', { method: 'POST', json: { message: '见附件', uploads: [randomUUID()] } });
    const problem = await expectValidation(res, 'files');
    expect(problem.errors?.[0]?.message).toContain('附件上传未完成或已过期');
  });
});

describe('resubmissions keep one ticket (the 10-minute rule), uploads included', () => {
  it('the same post again, after its uploads were taken, returns the same ticket; another letter naming those uploads is refused', async () => {
    const grants = await sendAhead([['工资条.pdf', PDF, 'application/pdf']]);
    const fields = { message: '同一封信提交两次', submissionId: 'sub-twice-0001' };
    const first = await letter(fields, grants.map((g) => g.id), '203.0.113.200');
    expect(first.status).toBe(303);
    const again = await letter(fields, grants.map((g) => g.id), '203.0.113.200');
    expect(again.status, await again.clone().text()).toBe(303);
    expect(ticketOf(again)).toBe(ticketOf(first));
    // Someone else's letter naming the same upload id gets no file of another letter.
    const other = await letter({ message: '别人的附件', submissionId: 'sub-other-0001' }, grants.map((g) => g.id));
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('附件上传未完成或已过期');
  });

  it('the same files sent ahead again (new upload ids) with the same letter: the same ticket, and the second copies removed', async () => {
    const fields = { message: '返回后再次提交', submissionId: 'sub-again-0001' };
    const first = await sendAhead([['合同.pdf', PDF, 'application/pdf']]);
    const a = await letter(fields, first.map((g) => g.id));
    const second = await sendAhead([['合同.pdf', PDF, 'application/pdf']]);
    const b = await letter(fields, second.map((g) => g.id));
    expect(ticketOf(b)).toBe(ticketOf(a));
    const record = (await h.deps.cases.getByTicket(ticketOf(a)))!;
    expect(record.attachments?.map((x) => x.id)).toEqual([first[0]!.id]);
    expect(await h.deps.attachments!.get(second[0]!.id)).toBeUndefined();
    expect(await h.deps.attachments!.get(first[0]!.id)).toEqual(PDF);
    expect(await incoming()).not.toContain(second[0]!.id);
  });
});

describe('limits count every file of the letter, however it came', () => {
  it('three posted in the form and three sent ahead are six: refused, letter kept', async () => {
    const grants = await sendAhead([0, 1, 2].map((i) => [`ahead-${i}.pdf`, PDF, 'application/pdf'] as [string, Uint8Array, string]));
    const fd = new FormData();
    fd.set('message', '六个附件');
    for (const i of [0, 1, 2]) fd.append('files', new File([PDF], `posted-${i}.pdf`));
    for (const g of grants) fd.append('upload', g.id);
    const res = await h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers: { Accept: BROWSER }, ip: `203.0.113.${++ip}` });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('最多可上传5个附件，您选择了6个');
  });
});

describe('the local incoming folder stays bounded', () => {
  it('what is older than a day is swept on the next declaration, as the bucket’s lifecycle rule does on AWS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'incoming-'));
    try {
      const store = new LocalUploadStore({ dir, attachments: new LocalAttachmentStore(join(dir, 'kept')) });
      const old = randomUUID();
      const recent = randomUUID();
      await writeFile(join(dir, old), PDF);
      await writeFile(join(dir, recent), PDF);
      const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3_600_000);
      await utimes(join(dir, old), twoDaysAgo, twoDaysAgo);
      await store.target({ id: randomUUID(), name: 'a.pdf', size: 10, contentType: 'application/pdf' }, 900);
      const left = await readdir(dir);
      expect(left).not.toContain(old);
      expect(left).toContain(recent);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the mailbox page says where files go ahead', () => {
  it('its form carries data-uploads, its hash-pinned script, and a CSP letting the script post there', async () => {
    const res = await h.request('/mailbox', { headers: { Accept: BROWSER } });
    const page = await res.text();
    expect(page).toContain('data-uploads="/v1/intake/mailbox/uploads"');
    expect(page).toMatch(/<script>[\s\S]*form\[data-uploads\][\s\S]*<\/script>/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toMatch(/script-src 'sha256-[^']+' 'sha256-[^']+'/);
  });
});
