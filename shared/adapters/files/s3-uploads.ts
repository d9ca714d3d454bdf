import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { Attachment } from '../../domain/letter';
import type { ArrivedUpload, DeclaredUpload, UploadStore, UploadTarget } from '../../ports';

export interface S3UploadStoreOptions {
  client: S3Client;
  bucket: string;
  /** Where browsers put files (the bucket's lifecycle rule expires it after a day). */
  incomingPrefix?: string;
  /** Where attachments live (S3AttachmentStore's prefix). */
  attachmentsPrefix?: string;
}

const missing = (err: unknown) => ['NoSuchKey', 'NotFound'].includes((err as { name?: string }).name ?? '') || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

/**
 * Browsers' direct uploads to the attachments bucket: one presigned POST per declared file (its
 * own key under `incoming/`, its exact Content-Type and name, at most its declared size, a short
 * expiry), then kept by a server-side copy to `attachments/<id>` — only if the object is still the
 * one the intake read (CopySourceIfMatch) — with the type and hash the intake judged and the
 * letter that took it in the object's metadata.
 */
export class S3UploadStore implements UploadStore {
  private readonly incoming: string;
  private readonly attachments: string;
  private originOnce?: Promise<string>;

  constructor(private readonly options: S3UploadStoreOptions) {
    this.incoming = options.incomingPrefix ?? 'incoming/';
    this.attachments = options.attachmentsPrefix ?? 'attachments/';
  }

  /** The origin the presigned POSTs go to, as the SDK resolves the bucket's endpoint (signed locally, no call). */
  cspSource(): Promise<string> {
    this.originOnce ??= createPresignedPost(this.options.client, { Bucket: this.options.bucket, Key: `${this.incoming}origin`, Expires: 60 }).then((p) => new URL(p.url).origin);
    return this.originOnce;
  }

  async target(upload: DeclaredUpload, ttlSeconds: number): Promise<UploadTarget> {
    const expiresAt = Date.now() + ttlSeconds * 1000;
    const post = await createPresignedPost(this.options.client, {
      Bucket: this.options.bucket,
      Key: `${this.incoming}${upload.id}`,
      // Exact conditions for every field given here; S3 refuses a post whose file is empty or larger than declared.
      Fields: { 'Content-Type': upload.contentType, 'x-amz-meta-name': encodeURIComponent(upload.name) },
      Conditions: [['content-length-range', 1, upload.size]],
      Expires: ttlSeconds,
    });
    return { url: post.url, fields: post.fields, expiresAt };
  }

  async read(id: string, maxBytes: number): Promise<ArrivedUpload | undefined> {
    let out;
    try {
      out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: `${this.incoming}${id}` }));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    const name = decodeName(out.Metadata?.name);
    const size = out.ContentLength ?? 0;
    if (size > maxBytes || !out.Body) {
      // Read no further than the headers.
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return { name, size, ...(out.ETag && { etag: out.ETag }) };
    }
    const bytes = await out.Body.transformToByteArray();
    return { name, size: bytes.length, bytes, ...(out.ETag && { etag: out.ETag }) };
  }

  async keep(upload: { attachment: Attachment; letter: string; etag?: string }): Promise<void> {
    // A server-side copy: the bytes the intake read need not travel again.
    const { attachment: a } = upload;
    await this.options.client.send(
      new CopyObjectCommand({
        Bucket: this.options.bucket,
        Key: `${this.attachments}${a.id}`,
        CopySource: `${this.options.bucket}/${encodeURIComponent(`${this.incoming}${a.id}`)}`,
        ...(upload.etag && { CopySourceIfMatch: upload.etag }),
        MetadataDirective: 'REPLACE',
        ContentType: a.contentType,
        Metadata: { name: encodeURIComponent(a.name), sha256: a.sha256, letter: upload.letter },
      }),
    );
  }

  async kept(id: string): Promise<{ attachment: Attachment; letter: string } | undefined> {
    let out;
    try {
      out = await this.options.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: `${this.attachments}${id}` }));
    } catch (err) {
      if (missing(err)) return undefined;
      throw err;
    }
    const m = out.Metadata ?? {};
    // Only copies made by keep() carry these; a file stored from a multipart post was never an upload.
    if (!m.letter || !m.sha256 || !out.ContentType) return undefined;
    return { attachment: { id, name: decodeName(m.name), size: out.ContentLength ?? 0, contentType: out.ContentType, sha256: m.sha256 }, letter: m.letter };
  }

  async discard(id: string): Promise<void> {
    await this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: `${this.incoming}${id}` }));
  }
}

function decodeName(raw: string | undefined): string {
  try {
    return raw ? decodeURIComponent(raw) : '附件';
  } catch {
    return '附件';
  }
}
