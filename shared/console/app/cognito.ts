import type { AuthConfigBody } from '../../http/schemas/auth';
import type { Role } from '../../domain/principal';
import { startSession } from './session';

/**
 * Cognito's managed login, the browser half: OAuth 2.0 authorization code with PKCE (S256) and a
 * state value, both kept in sessionStorage for the round trip. The ID token it returns is the bearer
 * token (the API verifies it against the pool); roles come from GET /v1/auth/me.
 */
export type CognitoConfig = Extract<AuthConfigBody, { provider: 'cognito' }>;

const PENDING = 'union-console.oauth';

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n: number) => base64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectUri = (c: CognitoConfig) => `${location.origin}${c.redirectPath}`;

export async function startCognitoSignIn(config: CognitoConfig, returnTo: string): Promise<void> {
  const verifier = random(48);
  const state = random(24);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(config.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: redirectUri(config),
    scope: config.scopes.join(' '),
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** Back at /console/callback?code=…&state=…: the code for tokens, then who the holder is. Returns where to go. */
export async function finishCognitoSignIn(config: CognitoConfig, query: URLSearchParams): Promise<string> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  if (query.get('error')) throw new Error(query.get('error_description') ?? query.get('error') ?? 'sign-in failed');
  const code = query.get('code');
  if (!pending || !code || query.get('state') !== pending.state) throw new Error('The sign-in answer does not match the request (state)');
  const res = await fetch(config.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: redirectUri(config), code_verifier: pending.verifier }),
  });
  if (!res.ok) throw new Error(`The token endpoint answered ${res.status}`);
  const tokens = (await res.json()) as { id_token?: string; expires_in?: number };
  if (!tokens.id_token) throw new Error('No ID token in the answer');
  const me = await fetch('/v1/auth/me', { headers: { Authorization: `Bearer ${tokens.id_token}` } });
  if (!me.ok) throw new Error(`GET /v1/auth/me answered ${me.status}`);
  const who = (await me.json()) as { sub: string; roles: Role[]; office?: string; displayName?: string };
  startSession({ token: tokens.id_token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000, ...who, provider: 'cognito' });
  return pending.returnTo.startsWith('/console/') && !pending.returnTo.startsWith('/console/callback') ? pending.returnTo : '/console/';
}

/** Ends Cognito's own session too, then comes back to the console's sign-in. */
export function cognitoSignOut(config: CognitoConfig): void {
  const url = new URL(config.logoutUrl);
  url.search = new URLSearchParams({ client_id: config.clientId, logout_uri: `${location.origin}/console/` }).toString();
  location.assign(url.toString());
}
