import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { PasswordHasher } from '../../ports';

/**
 * Password hashes with scrypt (node:crypto): a random 16-byte salt per hash, the parameters kept
 * in the hash (`scrypt$N$r$p$salt$key`, base64url), so they can be raised later and old hashes
 * still verify. N=2^15, r=8, p=3 is one of OWASP's scrypt settings (32 MiB, a few hundred ms on
 * a busy 2-core machine); scrypt runs on libuv's thread pool, not the event loop.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8, so give headroom.
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const HASH = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

/** Whether the password matches; a malformed hash, or one with parameters out of bounds, never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = HASH.exec(hash);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const expected = Buffer.from(m[5] ?? '', 'base64url');
  const actual = await derive(password, Buffer.from(m[4] ?? '', 'base64url'), { N, r, p });
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

let decoy: Promise<string> | undefined;

/**
 * A hash of nothing anyone knows, with the default parameters: checked against when the username
 * does not exist, so an unknown username costs as long as a wrong password.
 */
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(32).toString('base64url')));
}

/** The PasswordHasher port over the functions above. */
export const scryptPasswords: PasswordHasher = { hash: (p) => hashPassword(p), verify: verifyPassword, decoy: decoyHash };
