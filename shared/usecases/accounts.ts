import { createHash } from 'node:crypto';
import { DEFAULT_LOCKOUT, lockedForSeconds, normalizeUsername, reachesLockout, USERNAME_PATTERN, type Account, type LockoutPolicy } from '../domain/account';
import { ConflictError, NotFoundError, RateLimitedError, UnauthorizedError, ValidationError, VersionConflictError, type FieldError } from '../domain/errors';
import type { Principal, Role } from '../domain/principal';
import type { Logger } from '../observability/logger';
import type { AccountStore, Clock, LoginAttemptStore, OfficeStore, PasswordHasher, TokenIssuer } from '../ports';

/** Local sign-in and the accounts admins keep (the embedded default; Cognito on AWS). */
export interface AccountDeps {
  accounts: AccountStore;
  loginAttempts: LoginAttemptStore;
  offices: OfficeStore;
  passwords: PasswordHasher;
  clock: Clock;
  logger: Logger;
  lockout?: LockoutPolicy;
}

/**
 * How a username appears in logs and in the lockout item: usernames are often people's names or
 * e-mail addresses, so never in the clear. Stable, so one account's log lines can be followed.
 */
export function usernameKey(username: string): string {
  return createHash('sha256').update(`account:${username}`).digest('base64url').slice(0, 22);
}

export interface SignedIn {
  token: string;
  expiresAt: number;
  principal: Principal;
}

/**
 * Checks a username and password. A wrong password and an unknown username get the same answer
 * after the same work (an unknown one is checked against a decoy hash). After `maxFailures` wrong
 * passwords within the window the username is locked (429 with Retry-After) whatever is sent, and
 * checked only once the lock ends; a successful sign-in forgets earlier failures.
 */
export async function login(deps: AccountDeps & { issuer: TokenIssuer }, input: { username: string; password: string }): Promise<SignedIn> {
  const policy = deps.lockout ?? DEFAULT_LOCKOUT;
  const username = normalizeUsername(input.username);
  const key = usernameKey(username);
  const now = deps.clock.now();
  const attempts = await deps.loginAttempts.get(key);
  const wait = lockedForSeconds(attempts.lockedUntil, now);
  if (wait) {
    deps.logger.warn('auth.login_locked', { user: key, retryAfter: wait });
    throw new RateLimitedError(`Too many wrong passwords for this username: sign-in is locked for ${Math.ceil(wait / 60)} more minute(s)`, wait);
  }
  const account = USERNAME_PATTERN.test(username) ? await deps.accounts.get(username) : undefined;
  const matches = await deps.passwords.verify(input.password, account?.passwordHash ?? (await deps.passwords.decoy()));
  if (!account || !matches) {
    const keepUntil = now + policy.windowMs + policy.lockMs;
    const failures = await deps.loginAttempts.recordFailure(key, now, keepUntil);
    if (reachesLockout(failures, now, policy)) {
      await deps.loginAttempts.lock(key, now + policy.lockMs, keepUntil);
      deps.logger.warn('auth.locked', { user: key, failures: policy.maxFailures, lockedForSeconds: policy.lockMs / 1000 });
    } else {
      deps.logger.info('auth.login_failed', { user: key });
    }
    throw new UnauthorizedError('Wrong username or password');
  }
  if (attempts.failures.length || attempts.lockedUntil !== undefined) await deps.loginAttempts.clear(key);
  const principal: Principal = { sub: account.username, roles: account.roles, ...(account.office && { office: account.office }), displayName: account.displayName };
  const { token, expiresAt } = await deps.issuer.issue(principal, { passwordVersion: account.passwordVersion });
  deps.logger.info('auth.login', { user: key, roles: account.roles });
  return { token, expiresAt, principal };
}

/** An account as admins see it: never the hash. */
export type AccountView = Omit<Account, 'passwordHash' | 'passwordVersion' | 'version' | 'updatedBy'>;

export function accountView(a: Account): AccountView {
  return { username: a.username, displayName: a.displayName, roles: a.roles, ...(a.office && { office: a.office }), updatedAt: a.updatedAt };
}

/** By username in code-point order, as DynamoDB keeps them. */
export async function listAccounts(deps: AccountDeps): Promise<AccountView[]> {
  return (await deps.accounts.list()).sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0)).map(accountView);
}

export interface AccountInput {
  displayName: string;
  roles: Role[];
  office?: string;
  password?: string;
}

/**
 * Creates or replaces an account. A new account needs a password; an existing one keeps its
 * password unless one is given (and a new password lifts a lockout). Office staff need an office
 * that exists. The last admin account cannot lose the admin role.
 */
export async function putAccount(deps: AccountDeps, username: string, input: AccountInput, actor: string): Promise<{ account: AccountView; created: boolean }> {
  const existing = await deps.accounts.get(username);
  const roles = [...new Set(input.roles)];
  const errors: FieldError[] = [];
  if (!existing && input.password === undefined) errors.push({ path: 'password', message: 'required when creating an account' });
  if (roles.includes('office') && !input.office) errors.push({ path: 'office', message: 'required for the office role' });
  if (input.office && !(await deps.offices.get(input.office))) errors.push({ path: 'office', message: `no office ${input.office}` });
  if (errors.length) throw new ValidationError('The account has invalid fields', errors);
  if (existing?.roles.includes('admin') && !roles.includes('admin')) await ensureAnotherAdmin(deps, username);

  const now = deps.clock.now();
  const account: Account = {
    username,
    displayName: input.displayName,
    roles,
    ...(input.office && { office: input.office }),
    passwordHash: input.password !== undefined ? await deps.passwords.hash(input.password) : (existing?.passwordHash ?? ''),
    passwordVersion: (existing?.passwordVersion ?? 0) + (input.password !== undefined ? 1 : 0),
    updatedAt: now,
    updatedBy: actor,
    version: (existing?.version ?? 0) + 1,
  };
  try {
    await deps.accounts.put(account, existing?.version ?? 0);
  } catch (err) {
    if (err instanceof VersionConflictError) throw new ConflictError('The account was changed at the same time; read it again and retry');
    throw err;
  }
  const key = usernameKey(username);
  if (input.password !== undefined) await deps.loginAttempts.clear(key);
  deps.logger.info('admin.account_stored', { user: key, created: !existing, passwordSet: input.password !== undefined, roles });
  return { account: accountView(account), created: !existing };
}

/** Removes an account (the last admin account stays); the tokens it signed in with stop working (see LocalAccountTokens). */
export async function deleteAccount(deps: AccountDeps, username: string): Promise<void> {
  const existing = await deps.accounts.get(username);
  if (!existing) throw new NotFoundError(`No account ${username}`);
  if (existing.roles.includes('admin')) await ensureAnotherAdmin(deps, username);
  if (!(await deps.accounts.delete(username))) throw new NotFoundError(`No account ${username}`);
  await deps.loginAttempts.clear(usernameKey(username));
  deps.logger.info('admin.account_deleted', { user: usernameKey(username) });
}

async function ensureAnotherAdmin(deps: AccountDeps, username: string): Promise<void> {
  const others = (await deps.accounts.list()).filter((a) => a.username !== username && a.roles.includes('admin'));
  if (others.length === 0) throw new ConflictError('This is the last admin account: give another account the admin role first');
}
