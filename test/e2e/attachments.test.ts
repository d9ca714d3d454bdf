import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffContentType } from '../../shared/domain/letter';
import { createHarness, type Harness } from '../support/harness';
import { body } from '../support/http';

/** Files posted with a letter: checked by their bytes, stored privately, listed on the case, downloaded by staff only. */
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';
let h: Harness;
let ip = 0;

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
});
afterAll(() => h.close());

const bytes = (...parts: (string | number[] | Uint8Array)[]) => {
  const chunks = parts.map((p) => (typeof p === 'string' ? new TextEncoder().encode(p) : p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) out.set(c, (at += c.length) - c.length);
  return out;
};
/** A stored (uncompressed) zip with the given entries, as Office writes its files. */
function zip(entries: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const data = new TextEncoder().encode(content);
    const header = new Uint8Array(30);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint32(18, data.length, true);
    v.setUint32(22, data.length, true);
    v.setUint16(26, name.length, true);
    parts.push(header, new TextEncoder().encode(name), data);
  }
  return bytes(...parts);
}
const PDF = bytes('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'IHDR-and-the-rest');
const DOCX = zip({ '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
const XLSX = zip({ '[Content_Types].xml': '<Types/>', 'xl/workbook.xml': '<workbook/>' });
const TXT = bytes('工资条：三月 4500 元\n');
const EXE = bytes('MZ', [0x90, 0, 3, 0], 'This program cannot be run in DOS mode');

async function post(fields: Record<string, string>, files: [string, Uint8Array][], accept = BROWSER) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.set(k, v);
  for (const [name, b] of files) fd.append('files', new File([b as Uint8Array<ArrayBuffer>], name, { type: 'application/octet-stream' }));
  return h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers: { Accept: accept }, ip: `198.51.100.${++ip}` });
}
const ticketOf = (res: Response) => new URL(res.headers.get('location')!, 'http://x').searchParams.get('ticketNo')!;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const storedFiles = async () => {
  const dir = `${h.outboxDir}-attachments`;
  const folders = await readdir(dir).catch(() => [] as string[]);
  return (await Promise.all(folders.map(async (f) => (await readdir(join(dir, f))).map((n) => join(dir, f, n))))).flat();
};

describe('attachments', () => {
  it('tells file types by their bytes, not their names', () => {
    expect(sniffContentType(PDF, 'x.bin')).toBe('application/pdf');
    expect(sniffContentType(PNG, '照片.jpg')).toBe('image/png');
    expect(sniffContentType(DOCX, '合同.docx')).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(sniffContentType(XLSX, '考勤.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(sniffContentType(zip({ 'a.txt': 'x' }), 'a.docx')).toBeUndefined();
    expect(sniffContentType(TXT, '工资条.txt')).toBe('text/plain');
    expect(sniffContentType(bytes('<html><script>'), 'page.html')).toBeUndefined();
    expect(sniffContentType(EXE, '工资条.pdf')).toBeUndefined();
    expect(sniffContentType(bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '旧合同.doc')).toBe('application/msword');
  });

  it('stores the files privately, lists them on the case, and lets the staff who may see it download them', async () => {
    const res = await post({ name: '周九', email: 'zhou@example.com', message: '附上工资条和合同' }, [
      ['工资条.pdf', PDF],
      ['C:\\Users\\me\\照片.png', PNG],
      ['劳动合同.docx', DOCX],
      ['考勤.xlsx', XLSX],
      ['说明.txt', TXT],
    ]);
    expect(res.status).toBe(303);
    const record = (await h.deps.cases.getByTicket(ticketOf(res)))!;
    expect(record.attachments?.map((a) => [a.name, a.size, a.contentType, a.sha256])).toEqual([
      ['工资条.pdf', PDF.length, 'application/pdf', sha(PDF)],
      ['照片.png', PNG.length, 'image/png', sha(PNG)],
      ['劳动合同.docx', DOCX.length, 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', sha(DOCX)],
      ['考勤.xlsx', XLSX.length, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', sha(XLSX)],
      ['说明.txt', TXT.length, 'text/plain', sha(TXT)],
    ]);
    // On disk: one file each, owner-only, no temporary files left.
    const files = await storedFiles();
    for (const a of record.attachments!) {
      const path = files.find((f) => f.endsWith(a.id));
      expect(path).toBeDefined();
      expect((await stat(path!)).mode & 0o777).toBe(0o600);
    }
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const view = await body<{ attachments: unknown[] }>(await h.request(`/v1/cases/${record.id}`, { roles: ['supervisor'] }));
    expect(view.attachments).toEqual(record.attachments);

    const pdf = record.attachments![0]!;
    const download = await h.request(`/v1/cases/${record.id}/attachments/${pdf.id}`, { roles: ['supervisor'] });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''${encodeURIComponent('工资条.pdf')}`);
    expect(download.headers.get('cache-control')).toBe('private, no-store');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);

    // Nobody else: an office it is not assigned to, an operator, no token, a wrong id.
    const other = await h.token(['office'], { office: 'legal' });
    expect((await h.request(`/v1/cases/${record.id}/attachments/${pdf.id}`, { headers: { Authorization: `Bearer ${other}` } })).status).toBe(404);
    expect((await h.request(`/v1/cases/${record.id}/attachments/${pdf.id}`, { roles: ['operator'] })).status).toBe(404);
    expect((await h.request(`/v1/cases/${record.id}/attachments/${pdf.id}`)).status).toBe(401);
    expect((await h.request(`/v1/cases/${record.id}/attachments/not-an-attachment`, { roles: ['supervisor'] })).status).toBe(404);

    // Never on public tracking.
    const track = await h.request(`/v1/track/${record.ticketNo}?code=${record.trackingCode}`, { ip: '192.0.2.200' });
    expect(track.status).toBe(200);
    const publicText = await track.text();
    expect(publicText).not.toContain('工资条');
    expect(publicText).not.toContain(pdf.id);
  });

  it('refuses a file of another type with a zh-CN message, keeps the letter on the page and stores nothing', async () => {
    const before = (await storedFiles()).length;
    const res = await post({ name: '吴十', message: '附件类型不对' }, [
      ['工资条.pdf', EXE],
      ['照片.png', PNG],
    ]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('附件“工资条.pdf”的文件类型不能接收');
    expect(html).toContain('可接收：PDF');
    expect(html).toContain('浏览器不能保留已选择的附件，请重新选择');
    expect(html).toContain('value="吴十"');
    expect(html).toContain('>附件类型不对</textarea>');
    expect((await storedFiles()).length).toBe(before);
  });

  it('holds to 5 files, 10 MB each and 20 MB in all', async () => {
    const six = await post({ message: '六个附件' }, Array.from({ length: 6 }, (_, i) => [`${i}.pdf`, PDF] as [string, Uint8Array]));
    expect(six.status).toBe(400);
    expect(await six.text()).toContain('最多可上传5个附件，您选择了6个');
    const big = new Uint8Array(10 * 1024 * 1024 + 1);
    big.set(PDF);
    const tooBig = await post({ message: '一个太大的附件' }, [['大.pdf', big]]);
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain('附件“大.pdf”超过10MB');
    const ten = new Uint8Array(10 * 1024 * 1024);
    ten.set(PDF);
    const small = new Uint8Array(100 * 1024);
    small.set(PDF);
    const tooMuch = await post({ message: '合计太大' }, [
      ['1.pdf', ten],
      ['2.pdf', ten],
      ['3.pdf', small],
    ]);
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.text()).toContain('附件合计不能超过20MB');
    // Far over: the body itself is refused before it is read, still as a zh-CN page for a browser.
    const huge = await post({ message: '远超限制' }, [
      ['1.pdf', ten],
      ['2.pdf', ten],
      ['3.pdf', ten],
    ]);
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await huge.text()).toContain('来信过大');
    const json = await post({ message: '六个附件' }, Array.from({ length: 6 }, (_, i) => [`${i}.pdf`, PDF] as [string, Uint8Array]), 'application/json');
    expect(json.status).toBe(400);
    expect(JSON.stringify(await json.json())).toContain('最多可上传5个附件');
  });

  it('takes a letter with files up to 20 MB in all', async () => {
    const nine = new Uint8Array(9 * 1024 * 1024);
    nine.set(PDF);
    const res = await post({ message: '两个大附件' }, [
      ['1.pdf', nine],
      ['2.pdf', nine],
    ]);
    expect(res.status).toBe(303);
    const record = (await h.deps.cases.getByTicket(ticketOf(res)))!;
    expect(record.attachments?.map((a) => a.size)).toEqual([nine.length, nine.length]);
  });

  it('the same letter with the same files posted again keeps one ticket and one copy of each file', async () => {
    const fields = { message: '重复提交带附件', submissionId: 'files-0001-abcdef' };
    const first = await post(fields, [['工资条.pdf', PDF]]);
    const count = (await storedFiles()).length;
    const again = await post(fields, [['工资条.pdf', PDF]]);
    expect(ticketOf(again)).toBe(ticketOf(first));
    expect((await storedFiles()).length).toBe(count);
  });
});
