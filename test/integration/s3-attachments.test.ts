import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { buildApp } from 'fauxqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3AttachmentStore } from '../../shared/adapters/files/s3-attachments';
import { S3UploadStore } from '../../shared/adapters/files/s3-uploads';
import { createHarness, type Harness } from '../support/harness';

/** The AWS attachment store on fauxqs's S3, and the API's download through it: a presigned redirect. */
const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n');
let s3: S3Client;
let close: () => Promise<unknown>;
let store: S3AttachmentStore;
let h: Harness;

beforeAll(async () => {
  const app = buildApp({ logger: false, host: 'localhost', defaultRegion: 'ap-east-1' });
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  close = () => app.close();
  s3 = new S3Client({ endpoint, region: 'ap-east-1', forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await s3.send(new CreateBucketCommand({ Bucket: 'letters' }));
  store = new S3AttachmentStore({ client: s3, bucket: 'letters', urlTtlSeconds: 120 });
  h = await createHarness({ deps: { attachments: store } });
});
afterAll(async () => {
  await h?.close();
  s3?.destroy();
  await close?.();
});

describe('S3AttachmentStore', () => {
  it('puts, gets and deletes by id; a missing file is undefined', async () => {
    await store.put('0a1b2c3d-aaaa-bbbb-cccc-000000000001', PDF, { contentType: 'application/pdf' });
    expect(await store.get('0a1b2c3d-aaaa-bbbb-cccc-000000000001')).toEqual(PDF);
    await store.delete('0a1b2c3d-aaaa-bbbb-cccc-000000000001');
    expect(await store.get('0a1b2c3d-aaaa-bbbb-cccc-000000000001')).toBeUndefined();
  });

  it('a presigned link names the file and its type and expires', async () => {
    await store.put('0a1b2c3d-aaaa-bbbb-cccc-000000000002', PDF, { contentType: 'application/pdf' });
    const url = new URL(await store.downloadUrl('0a1b2c3d-aaaa-bbbb-cccc-000000000002', { name: '工资条.pdf', contentType: 'application/pdf' }));
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="___.pdf"; filename*=UTF-8''${encodeURIComponent('工资条.pdf')}`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(PDF);
  });
});

describe('the API with files on S3', () => {
  it('a letter’s file goes to S3 and staff are redirected to a presigned link', async () => {
    const fd = new FormData();
    fd.set('message', '附上工资条');
    fd.append('files', new File([PDF], '工资条.pdf'));
    const posted = await h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers: { Accept: 'application/json' }, ip: '198.51.100.30' });
    expect(posted.status).toBe(201);
    const record = (await h.deps.cases.getByTicket(((await posted.json()) as { ticketNo: string }).ticketNo))!;
    const file = record.attachments![0]!;
    expect(await store.get(file.id)).toEqual(PDF);
    const res = await h.request(`/v1/cases/${record.id}/attachments/${file.id}`, { roles: ['supervisor'] });
    expect(res.status).toBe(302);
    const location = res.headers.get('location')!;
    expect(location).toContain(`/letters/attachments/${file.id}`);
    const download = await fetch(location);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(PDF);
  });

  it('a caller that prefers JSON (the console, which cannot carry its token across a redirect) gets the presigned link in the body', async () => {
    const fd = new FormData();
    fd.set('message', '附上劳动合同');
    fd.append('files', new File([PDF], '劳动合同.pdf'));
    const posted = await h.request('/v1/intake/mailbox', { method: 'POST', body: fd, headers: { Accept: 'application/json' }, ip: '198.51.100.31' });
    const record = (await h.deps.cases.getByTicket(((await posted.json()) as { ticketNo: string }).ticketNo))!;
    const file = record.attachments![0]!;
    const res = await h.request(`/v1/cases/${record.id}/attachments/${file.id}`, { roles: ['supervisor'], headers: { Accept: 'application/json, application/pdf' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const { url } = (await res.json()) as { url: string };
    expect(url).toContain(`/letters/attachments/${file.id}`);
    expect(new Uint8Array(await (await fetch(url)).arrayBuffer())).toEqual(PDF);
  });
});

describe('S3UploadStore (files sent ahead), on objects put straight into incoming/ as a browser’s POST leaves them', () => {
  const uploads = () => new S3UploadStore({ client: s3, bucket: 'letters' });
  const put = (id: string, bytes: Uint8Array, name: string) =>
    s3.send(new PutObjectCommand({ Bucket: 'letters', Key: `incoming/${id}`, Body: bytes, ContentType: 'application/pdf', Metadata: { name: encodeURIComponent(name) } }));

  it('a presigned POST target for the bucket, pinning the key, the type, the name and the size', async () => {
    const t = await uploads().target({ id: '0a1b2c3d-aaaa-bbbb-cccc-000000000010', name: '工资条.pdf', size: 1234, contentType: 'application/pdf' }, 900);
    expect(new URL(t.url).pathname).toBe('/letters');
    expect(t.fields).toMatchObject({ key: 'incoming/0a1b2c3d-aaaa-bbbb-cccc-000000000010', 'Content-Type': 'application/pdf', 'x-amz-meta-name': encodeURIComponent('工资条.pdf'), 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' });
    const policy = JSON.parse(Buffer.from(t.fields.Policy ?? '', 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 1234]);
    expect(await uploads().cspSource()).toBe(new URL(t.url).origin);
  });

  it('reads an upload (its declared name, its bytes; past the limit only its size), keeps it as the attachment with its metadata, and discards the incoming copy', async () => {
    const id = '0a1b2c3d-aaaa-bbbb-cccc-000000000011';
    await put(id, PDF, '合同 第1页.pdf');
    const store = uploads();
    expect(await store.read(id, PDF.length - 1)).toEqual({ name: '合同 第1页.pdf', size: PDF.length, etag: expect.any(String) });
    const read = (await store.read(id, PDF.length))!;
    expect(read.bytes).toEqual(PDF);
    const attachment = { id, name: read.name, size: PDF.length, contentType: 'application/pdf', sha256: 'ab'.repeat(32) };
    expect(await store.kept(id)).toBeUndefined();
    await store.keep({ attachment, letter: 'cd'.repeat(32), ...(read.etag && { etag: read.etag }) });
    await store.discard(id);
    expect(await store.read(id, PDF.length)).toBeUndefined();
    expect(await store.kept(id)).toEqual({ attachment, letter: 'cd'.repeat(32) });
    // The attachment store serves the kept copy.
    expect(await new S3AttachmentStore({ client: s3, bucket: 'letters' }).get(id)).toEqual(PDF);
    // A file stored from a multipart post was never an upload: not "kept".
    await new S3AttachmentStore({ client: s3, bucket: 'letters' }).put('0a1b2c3d-aaaa-bbbb-cccc-000000000012', PDF, { contentType: 'application/pdf' });
    expect(await store.kept('0a1b2c3d-aaaa-bbbb-cccc-000000000012')).toBeUndefined();
  });
});
