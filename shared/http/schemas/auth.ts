import { z } from '@hono/zod-openapi';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_PATTERN } from '../../domain/account';
import { ROLES } from '../../domain/principal';
import { instantOut, line, officeId } from './common';

/** Sign-in, the caller's identity and the local accounts admins keep. */
// The sign-in screen's own example time (a token's expiry, an account's last change).
const instant = instantOut.openapi({ example: '2026-03-09T17:30:00+08:00' });
const Role = z.enum(ROLES);
const roles = z.array(Role).min(1, 'at least one role').max(ROLES.length);
const username = z.string().regex(USERNAME_PATTERN, 'must be 1–64 lowercase letters, digits or . _ @ - (starting with a letter or digit)').openapi({ example: 'wang.li' });

export const Login = z
  .strictObject({
    // Not held to the account pattern here: any text gets the same 401 as a wrong password.
    username: z.string().min(1, 'must not be empty').max(128).openapi({ example: 'office' }),
    password: z.string().min(1, 'must not be empty').max(PASSWORD_MAX_LENGTH).openapi({ format: 'password' }),
  })
  .openapi('LoginBody');

export const LoginAnswer = z
  .object({
    token: z.string().openapi({ description: 'HS256 JWT: send it as `Authorization: Bearer <token>`' }),
    expiresAt: instant,
    roles: z.array(Role),
    office: z.string().optional(),
    displayName: z.string(),
  })
  .openapi('LoginAnswer');
export type LoginAnswerBody = z.infer<typeof LoginAnswer>;

export const AuthConfig = z
  .discriminatedUnion('provider', [
    z.object({ provider: z.literal('local').openapi({ description: 'Sign in with POST /v1/auth/login' }) }),
    z.object({
      provider: z.literal('cognito').openapi({ description: "Cognito's managed login: OAuth 2.0 authorization code with PKCE" }),
      authorizeUrl: z.string().url(),
      tokenUrl: z.string().url(),
      logoutUrl: z.string().url(),
      clientId: z.string(),
      scopes: z.array(z.string()),
      redirectPath: z.literal('/console/callback').openapi({ description: 'Append to the console origin for redirect_uri' }),
    }),
  ])
  .openapi('AuthConfig');
export type AuthConfigBody = z.infer<typeof AuthConfig>;

export const Me = z
  .object({ sub: z.string(), roles: z.array(Role), office: z.string().optional(), displayName: z.string().optional() })
  .openapi('Me');
export type MeBody = z.infer<typeof Me>;

export const AccountParams = z.strictObject({ username: username.openapi({ param: { name: 'username', in: 'path' } }) });

export const AccountInput = z
  .strictObject({
    displayName: line(100).openapi({ example: '王丽' }),
    roles,
    office: officeId.optional().openapi({ description: 'Required for the office role; must exist' }),
    password: z
      .string()
      .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
      .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
      .optional()
      .openapi({ format: 'password', description: 'Required when creating; when replacing, omit to keep the current one' }),
  })
  .openapi('AccountInput');
/** What a client sends to PUT /v1/admin/users/{username}. */
export type AccountInputBody = z.input<typeof AccountInput>;

export const Account = z
  .object({ username: z.string(), displayName: z.string(), roles: z.array(Role), office: z.string().optional(), updatedAt: instant })
  .openapi('Account');
export type AccountBody = z.infer<typeof Account>;

export const AccountList = z.object({ items: z.array(Account) }).openapi('AccountList');
export type AccountListBody = z.infer<typeof AccountList>;
