import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signHs256 } from '../../shared/adapters/auth/hs256';
import { buildConsole } from '../../shared/console/build';
import { launchChromium } from '../support/browser';
import { createHarness, TEST_SECRET, type Harness } from '../support/harness';

/**
 * The console's browser half of Cognito's managed login, against a stand-in authorization server
 * on another origin: OAuth 2.0 authorization code with PKCE (S256) and state, the ID token as the
 * bearer, the deep link kept across the round trip, sign-out through the logout endpoint. The
 * stand-in signs HS256 ID tokens the harness's verifier accepts (Cognito's own keys need AWS).
 */
let h: Harness;
let app: ServerType;
let idp: ServerType;
let base: string;
let idpBase: string;
let browser: Browser;
const seen: { authorize?: URLSearchParams; token?: URLSearchParams; logout?: URLSearchParams } = {};
const codes = new Map<string, { challenge: string; redirectUri: string }>();

const listen = async (fetch: (req: Request) => Response | Promise<Response>) => {
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};

beforeAll(async () => {
  const stub = new Hono();
  stub.get('/oauth2/authorize', (c) => {
    const q = new URL(c.req.url).searchParams;
    seen.authorize = q;
    const code = `code-${codes.size + 1}`;
    codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: q.get('redirect_uri') ?? '' });
    return c.redirect(`${q.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(q.get('state') ?? '')}`);
  });
  stub.options('/oauth2/token', (c) => c.body(null, 204, { 'Access-Control-Allow-Origin': base, 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Allow-Methods': 'POST' }));
  stub.post('/oauth2/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    seen.token = form;
    const issued = codes.get(form.get('code') ?? '');
    const verifierHash = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
    const cors = { 'Access-Control-Allow-Origin': base };
    if (!issued || issued.challenge !== verifierHash || issued.redirectUri !== form.get('redirect_uri')) return c.json({ error: 'invalid_grant' }, 400, cors);
    codes.delete(form.get('code') ?? '');
    const idToken = await signHs256({ sub: 'cognito-user-1', roles: ['office'], office: 'rights', name: '李明' }, { secret: TEST_SECRET, ttlSeconds: 3600 });
    return c.json({ id_token: idToken, access_token: 'not-used', expires_in: 3600, token_type: 'Bearer' }, 200, cors);
  });
  stub.get('/logout', (c) => {
    const q = new URL(c.req.url).searchParams;
    seen.logout = q;
    return c.redirect(q.get('logout_uri') ?? '/');
  });
  const i = await listen(stub.fetch);
  idp = i.server;
  idpBase = i.url;

  let appFetch: (req: Request) => Response | Promise<Response> = () => new Response('starting', { status: 503 });
  const a = await listen((req) => appFetch(req));
  app = a.server;
  base = a.url;
  h = await createHarness({
    deps: {
      console: await buildConsole(),
      signIn: { provider: 'cognito', authorizeUrl: `${idpBase}/oauth2/authorize`, tokenUrl: `${idpBase}/oauth2/token`, logoutUrl: `${idpBase}/logout`, clientId: 'console-client', scopes: ['openid', 'profile'] },
    },
  });
  appFetch = h.app.fetch;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => app?.close(r));
  await new Promise((r) => idp?.close(r));
  await h?.close();
});

describe('the console with Cognito managed login', () => {
  it('allows only the token endpoint’s origin beside its own in the CSP', async () => {
    const csp = (await fetch(`${base}/console/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${idpBase}`);
  });

  it('signs in with the authorization code and PKCE (S256), keeps the deep link, sends the ID token, and signs out at the logout endpoint', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/console/reports`);
    await page.locator('text=使用统一身份认证登录').click();
    await page.locator('[data-testid=who]').waitFor();
    // Back where the link pointed, with no code or token left in the address.
    expect(new URL(page.url()).pathname).toBe('/console/reports');
    expect(page.url()).not.toMatch(/code=|eyJ/);
    expect(await page.textContent('[data-testid=who]')).toContain('李明');

    const a = seen.authorize;
    expect(a?.get('response_type')).toBe('code');
    expect(a?.get('client_id')).toBe('console-client');
    expect(a?.get('redirect_uri')).toBe(`${base}/console/callback`);
    expect(a?.get('scope')).toBe('openid profile');
    expect(a?.get('code_challenge_method')).toBe('S256');
    expect(a?.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a?.get('state')?.length).toBeGreaterThanOrEqual(22);
    expect(seen.token?.get('grant_type')).toBe('authorization_code');
    expect(seen.token?.get('code_verifier')?.length).toBeGreaterThanOrEqual(43);

    // The ID token is the bearer: the reports page's data comes through the API with it.
    await page.click('form[data-report=summary] button[value=html]');
    await page.frameLocator('#report-frame').locator('table').first().waitFor();

    await page.click('text=退出登录');
    await page.locator('text=使用统一身份认证登录').waitFor();
    expect(seen.logout?.get('client_id')).toBe('console-client');
    expect(seen.logout?.get('logout_uri')).toBe(`${base}/console/`);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('refuses an answer whose state does not match the request', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/callback?code=code-forged&state=forged`);
    await page.locator('[role=alert]').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(seen.token?.get('code')).not.toBe('code-forged');
  });
});
