import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { contentDisposition } from '../../domain/letter';
import type { AttachmentStore } from '../../ports';

export interface S3AttachmentStoreOptions {
  client: S3Client;
  bucket: string;
  /** Keys are `${prefix}${id}`. */
  prefix?: string;
  /** How long a download link works. */
  urlTtlSeconds?: number;
}

/**
 * Attachments in a private S3 bucket (block public access, default encryption, TLS only and a
 * lifecycle rule, all set by the stateful stack). Downloads are presigned GETs that live a few
 * minutes and name the file and its type, so the API never streams evidence through Lambda.
 */
export class S3AttachmentStore implements AttachmentStore {
  private readonly prefix: string;
  private readonly ttl: number;

  constructor(private readonly options: S3AttachmentStoreOptions) {
    this.prefix = options.prefix ?? 'attachments/';
    this.ttl = options.urlTtlSeconds ?? 300;
  }

  private key(id: string) {
    return `${this.prefix}${id}`;
  }

  async put(id: string, bytes: Uint8Array, meta: { contentType: string }): Promise<void> {
    await this.options.client.send(new PutObjectCommand({ Bucket: this.options.bucket, Key: this.key(id), Body: bytes, ContentType: meta.contentType, ContentLength: bytes.length }));
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(id) }));
      return out.Body ? await out.Body.transformToByteArray() : undefined;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  downloadUrl(id: string, file: { name: string; contentType: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: this.key(id),
      ResponseContentDisposition: contentDisposition(file.name),
      ResponseContentType: file.contentType,
    });
    return getSignedUrl(this.options.client, command, { expiresIn: this.ttl });
  }

  async delete(id: string): Promise<void> {
    await this.options.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(id) }));
  }
}
