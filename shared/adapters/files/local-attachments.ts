import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttachmentStore } from '../../ports';
import { writeFileAtomically } from './atomic-write';

/** Ids are ours (UUIDs); anything else is refused before it can name a path. */
const SAFE_ID = /^[A-Za-z0-9-]{8,64}$/;

/**
 * Attachments as files under one folder (the local runtime: `$DATA_DIR/attachments`). A file is
 * written to a temporary name, flushed and renamed into place, so a crash never leaves half a
 * file under a real id; files and folders are readable by the owner only (0600 / 0700).
 */
export class LocalAttachmentStore implements AttachmentStore {
  constructor(private readonly dir: string) {}

  private path(id: string): string {
    if (!SAFE_ID.test(id)) throw new Error('invalid attachment id');
    return join(this.dir, id.slice(0, 2), id);
  }

  async put(id: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomically(this.path(id), bytes);
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.path(id)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }
}
