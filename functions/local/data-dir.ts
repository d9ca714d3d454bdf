import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../../shared/config';

/**
 * DATA_DIR holds the database, the token secret and ready-made tokens: only its owner may enter it
 * (0700, also when it existed). A folder that cannot be written (read-only, full, not ours) stops
 * the start with a message that names it and the cause, before anything else touches it.
 */
export async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await chmod(dataDir, 0o700);
    const probe = join(dataDir, `.write-test-${process.pid}`);
    await writeFile(probe, 'ok\n');
    await rm(probe, { force: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new ConfigError(`DATA_DIR ${dataDir} cannot be used: ${DATA_DIR_CAUSES[code] ?? (err as Error).message}${code ? ` (${code})` : ''}.\nFree space, fix its permissions, or point DATA_DIR elsewhere.`);
  }
}

const DATA_DIR_CAUSES: Record<string, string> = {
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a path component is a file, not a folder',
};

/** A random HS256 secret kept in DATA_DIR, so tokens survive restarts. */
export async function persistentSecret(path: string): Promise<string> {
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch {
    // First start: make one.
  }
  const secret = randomBytes(48).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return secret;
}
