/**
 * Local sign-in accounts (the embedded default; on AWS Cognito holds the people): what a username
 * and a password must look like, and when a username is locked out after wrong passwords.
 * Pure: no I/O, times are passed in.
 */
import type { Role } from './principal';

/** Lowercase letters, digits and `. _ @ -`, starting with a letter or digit; at most 64 characters. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
export const PASSWORD_MIN_LENGTH = 12;
/** Bounds the work a password costs to hash (and a login body's size). */
export const PASSWORD_MAX_LENGTH = 256;

export interface Account {
  username: string;
  displayName: string;
  roles: Role[];
  /** The office of office staff. */
  office?: string;
  /** `scrypt$…` (see shared/adapters/auth/password.ts); never leaves the server. */
  passwordHash: string;
  updatedAt: number;
  updatedBy: string;
  /** +1 every time the password is set: tokens signed in with an earlier one no longer work. */
  passwordVersion: number;
  /** 1 on creation, +1 on every change; writes are conditional on it. */
  version: number;
}

/** Usernames are matched case-insensitively: `Admin` signs in as `admin`. */
export function normalizeUsername(input: string): string {
  return input.trim().toLowerCase();
}

export interface LockoutPolicy {
  /** Wrong passwords within `windowMs` that lock the username… */
  maxFailures: number;
  windowMs: number;
  /** …for this long from the last of them. */
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

/** The failures that still count at `now` (inside the window), oldest first. */
export function recentFailures(failures: readonly number[], now: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): number[] {
  return failures.filter((t) => t > now - policy.windowMs && t <= now).sort((a, b) => a - b);
}

/** Whether these recent failures lock the username (the caller then records `lockedUntil = now + lockMs`). */
export function reachesLockout(failures: readonly number[], now: number, policy: LockoutPolicy = DEFAULT_LOCKOUT): boolean {
  return recentFailures(failures, now, policy).length >= policy.maxFailures;
}

/** Whole seconds until a lock ends (at least 1), or 0 when not locked. */
export function lockedForSeconds(lockedUntil: number | undefined, now: number): number {
  return lockedUntil !== undefined && lockedUntil > now ? Math.max(1, Math.ceil((lockedUntil - now) / 1000)) : 0;
}
