import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from '../../shared/adapters/auth/password';
import { DEFAULT_LOCKOUT, lockedForSeconds, normalizeUsername, reachesLockout, recentFailures, USERNAME_PATTERN } from '../../shared/domain/account';

describe('password hashes (scrypt)', () => {
  it('keep the parameters and a fresh salt with every hash, and verify only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(a).toMatch(new RegExp(`^scrypt\\$${DEFAULT_SCRYPT.N}\\$${DEFAULT_SCRYPT.r}\\$${DEFAULT_SCRYPT.p}\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('verify hashes made with other parameters (they are read from the hash), and normalise Unicode', async () => {
    const light = await hashPassword('密码 café', { N: 2 ** 12, r: 8, p: 1 });
    expect(light.startsWith('scrypt$4096$8$1$')).toBe(true);
    expect(await verifyPassword('密码 cafe\u0301', light)).toBe(true);
  });

  it('never match a malformed hash or one with parameters out of bounds', async () => {
    const good = await hashPassword('x', { N: 2 ** 10, r: 8, p: 1 });
    const [, , , , salt, key] = good.split('$');
    for (const bad of ['', 'plain', `bcrypt$10$8$1$${salt}$${key}`, `scrypt$1000$8$1$${salt}$${key}`, `scrypt$${2 ** 22}$8$1$${salt}$${key}`, `scrypt$1024$8$1$${salt}$`]) {
      expect(await verifyPassword('x', bad), bad).toBe(false);
    }
  });
});

describe('usernames and the lockout rule', () => {
  it('usernames are lowercase codes; sign-in folds case and spaces', () => {
    for (const ok of ['admin', 'wang.li', 'office-2', 'a', 'li@union.example.org']) expect(USERNAME_PATTERN.test(ok), ok).toBe(true);
    for (const bad of ['', 'Admin', '.dot', 'has space', 'x'.repeat(65), '王丽']) expect(USERNAME_PATTERN.test(bad), bad).toBe(false);
    expect(normalizeUsername('  Wang.Li ')).toBe('wang.li');
  });

  it('counts only the failures inside the window, and locks at the fifth', () => {
    const t0 = Date.parse('2026-03-02T09:00:00+08:00');
    const min = 60_000;
    const four = [0, 1, 2, 3].map((i) => t0 + i * min);
    expect(reachesLockout(four, t0 + 4 * min)).toBe(false);
    expect(reachesLockout([...four, t0 + 4 * min], t0 + 4 * min)).toBe(true);
    // The first one left the window 15 minutes after it happened.
    expect(recentFailures([...four, t0 + 15 * min], t0 + 15 * min)).toHaveLength(4);
    expect(reachesLockout([...four, t0 + 15 * min], t0 + 15 * min)).toBe(false);
    expect(DEFAULT_LOCKOUT).toEqual({ maxFailures: 5, windowMs: 15 * min, lockMs: 15 * min });
  });

  it('says how long a lock lasts, in whole seconds, at least one', () => {
    expect(lockedForSeconds(undefined, 1000)).toBe(0);
    expect(lockedForSeconds(1000, 1000)).toBe(0);
    expect(lockedForSeconds(1001, 1000)).toBe(1);
    expect(lockedForSeconds(901_000, 1000)).toBe(900);
  });
});
