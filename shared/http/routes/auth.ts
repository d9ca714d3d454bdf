import { createRoute } from '@hono/zod-openapi';
import { scryptPasswords } from '../../adapters/auth/password';
import { NotFoundError } from '../../domain/errors';
import { formatShanghai } from '../../domain/time';
import { deleteAccount, listAccounts, login, putAccount, type AccountDeps, type AccountView } from '../../usecases/accounts';
import { bearerAuth, requireRole } from '../auth';
import { Account, AccountInput, AccountList, AccountParams, AuthConfig, Login, LoginAnswer, Me } from '../schemas/auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, json, noAuth, problems, router } from '../env';
import { rateLimit } from '../rate-limit';

const loginRoute = createRoute({
  method: 'post',
  path: '/v1/auth/login',
  operationId: 'createLoginToken',
  tags: ['auth'],
  summary: 'Sign in with a local account: a bearer token for the API',
  description:
    'The embedded default; off when Cognito signs people in (404, see GET /v1/auth/config). A wrong username and a wrong password get the same 401. Five wrong passwords for one username within 15 minutes lock it for 15 minutes (429 with Retry-After, whatever is sent). Also limited per client address (LOGIN_RATE_LIMIT a minute).',
  security: noAuth,
  request: { body: { ...json(Login, 'Username and password'), required: true } },
  responses: { 200: json(LoginAnswer, 'Signed in: the token, when it expires, and who it names'), ...problems(...BODY_PROBLEMS, 401, 404, 429) },
});

const configRoute = createRoute({
  method: 'get',
  path: '/v1/auth/config',
  operationId: 'getAuthConfig',
  tags: ['auth'],
  summary: 'How the console signs people in',
  description: 'Local accounts (POST /v1/auth/login), or Cognito managed login (OAuth 2.0 authorization code with PKCE) with its endpoints and the console’s client id.',
  security: noAuth,
  responses: { 200: json(AuthConfig, 'The sign-in provider and, for Cognito, its endpoints'), ...problems() },
});

const meRoute = createRoute({
  method: 'get',
  path: '/v1/auth/me',
  operationId: 'getMe',
  tags: ['auth'],
  security: bearer,
  summary: 'Who the bearer token says the caller is',
  description: 'Subject, roles, office and display name, as the API reads them from the token (for local accounts, as the account is now).',
  responses: { 200: json(Me, 'The caller'), ...problems(...BEARER_PROBLEMS) },
});

const admin = <P extends string>(method: 'get' | 'put' | 'delete', path: P, operationId: string, summary: string, description: string) => ({
  method,
  path,
  operationId,
  summary,
  description: `${description} Local accounts only: 404 when Cognito signs people in (admin).`,
  tags: ['admin'],
  security: bearer,
});
/** Every account operation: an admin's token, and local sign-in in force. */
const ACCOUNT_PROBLEMS = [...BEARER_PROBLEMS, 403, 404] as const;

const listAccountsRoute = createRoute({
  ...admin('get', '/v1/admin/users', 'listUsers', 'Every local sign-in account', 'By username; never a password or its hash.'),
  responses: { 200: json(AccountList, 'The accounts (never a password or its hash)'), ...problems(...ACCOUNT_PROBLEMS) },
});
const putAccountRoute = createRoute({
  ...admin(
    'put',
    '/v1/admin/users/{username}',
    'putUser',
    'Create or replace a local sign-in account',
    'A new account needs `password`; omit it when replacing to keep the current one (a new password also lifts a lockout and ends the sessions signed in with the old one). Office staff need `office`, an office that exists. The last admin account cannot lose the admin role (409). Tokens already handed out take the new roles and office within 30 s.',
  ),
  request: { params: AccountParams, body: { ...json(AccountInput, 'The account'), required: true } },
  responses: { 200: json(Account, 'Replaced'), 201: json(Account, 'Created'), ...problems(...BODY_PROBLEMS, ...ACCOUNT_PROBLEMS, 409) },
});
const deleteAccountRoute = createRoute({
  ...admin('delete', '/v1/admin/users/{username}', 'deleteUser', 'Remove a local sign-in account', 'The last admin account cannot be removed (409). Tokens it signed in with stop working (within 30 s).'),
  request: { params: AccountParams },
  responses: { 204: { description: 'Removed' }, ...problems(400, ...ACCOUNT_PROBLEMS, 409) },
});

const accountJson = (a: AccountView) => ({ ...a, updatedAt: formatShanghai(a.updatedAt) });

/** Sign-in, the caller's identity, and the accounts admins keep. */
export function authRoutes(deps: AppDeps) {
  const accounts: AccountDeps = { accounts: deps.accounts, loginAttempts: deps.loginAttempts, offices: deps.offices, passwords: deps.passwords ?? scryptPasswords, clock: deps.clock, logger: deps.logger };
  const auth = bearerAuth({ verifier: deps.tokens });
  const limit = rateLimit({ limiter: deps.rateLimiter, clock: deps.clock, logger: deps.logger, bucket: 'login', limitPerMinute: deps.config.LOGIN_RATE_LIMIT, clientIp: deps.clientIp });
  const signIn = deps.signIn;
  const localAccounts = () => {
    if (signIn.provider !== 'local') throw new NotFoundError('Local sign-in is off: this deployment signs people in through Cognito (see GET /v1/auth/config)');
    return signIn;
  };

  return router()
    .openapi({ ...loginRoute, middleware: [limit] as const }, async (c) => {
      const { issuer } = localAccounts();
      const { token, expiresAt, principal } = await login({ ...accounts, issuer }, c.req.valid('json'));
      c.header('Cache-Control', 'no-store');
      return c.json({ token, expiresAt: formatShanghai(expiresAt), roles: [...principal.roles], ...(principal.office && { office: principal.office }), displayName: principal.displayName ?? principal.sub }, 200);
    })
    .openapi(configRoute, (c) => {
      c.header('Cache-Control', 'no-cache');
      if (signIn.provider === 'local') return c.json({ provider: 'local' as const }, 200);
      const { authorizeUrl, tokenUrl, logoutUrl, clientId, scopes } = signIn;
      return c.json({ provider: 'cognito' as const, authorizeUrl, tokenUrl, logoutUrl, clientId, scopes, redirectPath: '/console/callback' as const }, 200);
    })
    .openapi({ ...meRoute, middleware: [auth] as const }, (c) => {
      const { sub, roles, office, displayName } = c.get('principal');
      c.header('Cache-Control', 'no-store');
      return c.json({ sub, roles: [...roles], ...(office && { office }), ...(displayName && { displayName }) }, 200);
    })
    .openapi({ ...listAccountsRoute, middleware: [auth, requireRole('admin')] as const }, async (c) => {
      localAccounts();
      return c.json({ items: (await listAccounts(accounts)).map(accountJson) }, 200);
    })
    .openapi({ ...putAccountRoute, middleware: [auth, requireRole('admin')] as const }, async (c) => {
      localAccounts();
      const { account, created } = await putAccount(accounts, c.req.valid('param').username, c.req.valid('json'), c.get('principal').sub);
      return created ? c.json(accountJson(account), 201) : c.json(accountJson(account), 200);
    })
    .openapi({ ...deleteAccountRoute, middleware: [auth, requireRole('admin')] as const }, async (c) => {
      localAccounts();
      await deleteAccount(accounts, c.req.valid('param').username);
      return c.body(null, 204);
    });
}
