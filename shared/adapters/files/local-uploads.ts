import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Attachment } from '../../domain/letter';
import type { ArrivedUpload, AttachmentStore, DeclaredUpload, UploadRefusal, UploadStore, UploadTarget } from '../../ports';
import { writeFileAtomically } from './atomic-write';

const SAFE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Like the bucket's lifecycle rule on incoming/: what no letter took is gone after a day. */
const KEEP_MS = 24 * 3_600_000;
const SWEEP_EVERY_MS = 10 * 60_000;

interface Declaration {
  name: string;
  size: number;
  contentType: string;
  expiresAt: number;
}

export interface LocalUploadStoreOptions {
  /** The folder of incoming uploads (`$DATA_DIR/attachments/incoming`). */
  dir: string;
  /** Where kept uploads become attachments. */
  attachments: AttachmentStore;
  /** The upload route's path; the target's URL is this, absolute on the origin the page came from. */
  route?: (id: string) => string;
  now?: () => number;
}

/**
 * The embedded default's direct uploads, the same steps as S3's: a declaration per file (its
 * type, at most its size, an expiry) that the app's own upload route holds each post to, the
 * bytes under `incoming/<id>` (written to a temporary name, flushed, renamed; 0600 in 0700), kept
 * into the attachment store under the same id. What is older than a day is swept away, as the
 * bucket's lifecycle rule does on AWS, so the folder stays bounded.
 */
export class LocalUploadStore implements UploadStore {
  private readonly now: () => number;
  private readonly route: (id: string) => string;
  private lastSweep = 0;

  constructor(private readonly options: LocalUploadStoreOptions) {
    this.now = options.now ?? Date.now;
    this.route = options.route ?? ((id) => `/v1/intake/mailbox/uploads/${id}`);
  }

  private path(id: string, suffix = ''): string {
    if (!SAFE_ID.test(id)) throw new Error('invalid upload id');
    return join(this.options.dir, `${id}${suffix}`);
  }

  cspSource(): Promise<string> {
    return Promise.resolve("'self'");
  }

  async target(upload: DeclaredUpload, ttlSeconds: number): Promise<UploadTarget> {
    await this.sweep();
    const expiresAt = this.now() + ttlSeconds * 1000;
    const declaration: Declaration = { name: upload.name, size: upload.size, contentType: upload.contentType, expiresAt };
    await this.write(this.path(upload.id, '.declared'), new TextEncoder().encode(JSON.stringify(declaration)));
    return { url: this.route(upload.id), fields: { 'Content-Type': upload.contentType }, expiresAt };
  }

  /** The browser's post to its target, held to the declaration as S3 holds a POST to its policy. */
  async receive(id: string, fields: Record<string, string>, file: { bytes: Uint8Array }, now: number): Promise<UploadRefusal | undefined> {
    if (!SAFE_ID.test(id)) return 'unknown';
    const declared = await this.declaration(id);
    if (!declared) return 'unknown';
    if (now > declared.expiresAt) return 'expired';
    if (fields['Content-Type'] !== declared.contentType) return 'wrong-type';
    if (file.bytes.length < 1 || file.bytes.length > declared.size) return 'too-large';
    await this.write(this.path(id), file.bytes);
    return undefined;
  }

  async read(id: string, maxBytes: number): Promise<ArrivedUpload | undefined> {
    const declared = await this.declaration(id);
    if (!declared) return undefined;
    let size: number;
    try {
      size = (await stat(this.path(id))).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    if (size > maxBytes) return { name: declared.name, size };
    const bytes = new Uint8Array(await readFile(this.path(id)));
    return { name: declared.name, size: bytes.length, bytes };
  }

  async keep(upload: { attachment: Attachment; letter: string; bytes: Uint8Array }): Promise<void> {
    await this.options.attachments.put(upload.attachment.id, upload.bytes, { contentType: upload.attachment.contentType });
    await this.write(this.path(upload.attachment.id, '.kept'), new TextEncoder().encode(JSON.stringify({ attachment: upload.attachment, letter: upload.letter })));
  }

  async kept(id: string): Promise<{ attachment: Attachment; letter: string } | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    return (await this.json(this.path(id, '.kept'))) as { attachment: Attachment; letter: string } | undefined;
  }

  async discard(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
    await rm(this.path(id, '.declared'), { force: true });
  }

  private async declaration(id: string): Promise<Declaration | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    return (await this.json(this.path(id, '.declared'))) as Declaration | undefined;
  }

  private async json(path: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private async write(path: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomically(path, bytes);
  }

  /** Removes what is older than a day (at most every ten minutes, on the way to a new declaration). */
  private async sweep(): Promise<void> {
    // File ages are the wall clock's (mtime), whatever clock the expiries use.
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    const names = await readdir(this.options.dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.options.dir, name);
      const s = await stat(path).catch(() => undefined);
      if (s && now - s.mtimeMs > KEEP_MS) await rm(path, { force: true });
    }
  }
}
