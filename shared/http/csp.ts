import { createHash } from 'node:crypto';

/** A CSP source that allows exactly this inline script or style: `'sha256-<base64>'`. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}
