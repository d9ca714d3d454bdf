import { createHash } from 'node:crypto';
import { ValidationError } from '../../domain/errors';

/**
 * Opaque pagination cursors: the index's last evaluated key plus a fingerprint of the query, so a
 * cursor cannot be replayed against other filters or smuggle other key attributes.
 */
export function encodeCursor(key: Record<string, string>, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ k: key, f: digest(fingerprint) })).toString('base64url');
}

/**
 * `expected` pins the key values a cursor of this query must carry (the index's partition, the
 * item type): anything else was forged and would make DynamoDB refuse the query.
 */
export function decodeCursor(
  cursor: string,
  fingerprint: string,
  keyAttributes: readonly string[],
  expected: Record<string, (value: string) => boolean>,
): Record<string, string> {
  const invalid = () => new ValidationError('Invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this query' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { k, f } = parsed as { k?: unknown; f?: unknown };
  if (f !== digest(fingerprint) || typeof k !== 'object' || k === null) throw invalid();
  const key = k as Record<string, unknown>;
  const attrs = new Set(keyAttributes);
  if (Object.keys(key).length !== attrs.size) throw invalid();
  for (const attr of attrs) if (typeof key[attr] !== 'string' || (key[attr] as string).length > 1024) throw invalid();
  for (const [attr, ok] of Object.entries(expected)) if (!ok(key[attr] as string)) throw invalid();
  return key as Record<string, string>;
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 16);
