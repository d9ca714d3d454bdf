import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type { Role } from '../../shared/domain/principal';
import { VersionConflictError } from '../../shared/domain/errors';
import type { Logger } from '../../shared/observability/logger';
import type { AccountStore, Clock, PasswordHasher } from '../../shared/ports';

export interface DevAccount {
  username: string;
  password: string;
  roles: Role[];
  office?: string;
}

const SEEDER = 'dev-seed';

/** One sign-in account per role for trying the console (office staff of `rights`); the dev tokens are for the same identities (./dev-tokens.ts). */
export const DEV_ACCOUNTS: { username: string; displayName: string; roles: Role[]; office?: string }[] = [
  { username: 'operator', displayName: '热线话务员（演示）', roles: ['operator'] },
  { username: 'reception', displayName: '来访接待员（演示）', roles: ['reception'] },
  { username: 'office', displayName: '权益保障部工作人员（演示）', roles: ['office'], office: 'rights' },
  { username: 'supervisor', displayName: '督办主管（演示）', roles: ['supervisor'] },
  { username: 'admin', displayName: '系统管理员（演示）', roles: ['admin'] },
];

/**
 * Development only: makes sure each demo account exists and writes their passwords to `path`
 * (mode 0600). A missing account is created with the password the file already names for it, or a
 * new random one (the first start). An existing one is listed with the file's password; if the file
 * forgot it (deleted), a demo account nobody changed gets a new random password, and one an admin
 * has changed is left alone and not listed. Returns what the file now holds.
 */
export async function ensureDevAccounts(deps: { accounts: AccountStore; passwords: PasswordHasher; clock: Clock; logger: Logger }, path: string): Promise<DevAccount[]> {
  const known = await readDevAccounts(path);
  // In parallel: scrypt runs on the thread pool, and five hashes one after another slow every start.
  const settled = await Promise.all(
    DEV_ACCOUNTS.map(async (dev): Promise<DevAccount | undefined> => {
      const entry = (password: string): DevAccount => ({ username: dev.username, password, roles: dev.roles, ...(dev.office && { office: dev.office }) });
      const remembered = known.find((k) => k.username === dev.username)?.password;
      const existing = await deps.accounts.get(dev.username);
      // Listed with the file's password while it still opens the account (an admin may have set another).
      if (existing && remembered) return existing.updatedBy === SEEDER || (await deps.passwords.verify(remembered, existing.passwordHash)) ? entry(remembered) : undefined;
      // Changed by an admin since it was seeded: theirs now, and its password is not ours to print.
      if (existing && existing.updatedBy !== SEEDER) return undefined;
      // Missing, or seeded but its password forgotten (the file was deleted): a new random one.
      const password = remembered ?? randomBytes(12).toString('base64url');
      try {
        await deps.accounts.put(
          {
            ...dev,
            passwordHash: await deps.passwords.hash(password),
            passwordVersion: (existing?.passwordVersion ?? 0) + 1,
            updatedAt: deps.clock.now(),
            updatedBy: SEEDER,
            version: (existing?.version ?? 0) + 1,
          },
          existing?.version ?? 0,
        );
      } catch (err) {
        // Another process made it first: its password is not ours to know.
        if (err instanceof VersionConflictError) return undefined;
        throw err;
      }
      return entry(password);
    }),
  );
  const result = settled.filter((a): a is DevAccount => a !== undefined);
  await writeFile(path, `${JSON.stringify({ accounts: result }, null, 2)}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  deps.logger.info('runtime.dev_accounts', { accounts: result.length });
  return result;
}

async function readDevAccounts(path: string): Promise<DevAccount[]> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as { accounts?: unknown };
    return Array.isArray(parsed.accounts) ? (parsed.accounts as DevAccount[]).filter((a) => typeof a?.username === 'string' && typeof a.password === 'string') : [];
  } catch {
    return [];
  }
}
