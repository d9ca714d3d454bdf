import { cspHash } from '../csp';
import type { ConsoleAssets } from '../../console/assets';
import { REPORT_STYLE } from '../../reports/markup';
import { router } from '../env';

export interface ConsoleRouteOptions {
  /** The built console; undefined where it was not built (the routes then say so). */
  assets: ConsoleAssets | undefined;
  /** Origins the console may call besides its own (the Cognito domain's token endpoint). */
  connectSrc?: readonly string[];
}

/**
 * The console's policy: its own script and stylesheet only, nothing inline, no other host but the
 * sign-in provider's token endpoint. The one hash is the reports' stylesheet: a report the console
 * fetched (with the token) is shown in a sandboxed frame, which inherits this policy.
 */
export function consoleCsp(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${cspHash(REPORT_STYLE)}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ['connect-src', "'self'", ...connectSrc].join(' '),
    "frame-src 'self' blob:",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The office console under /console/: hashed files cached for a year, and the app shell for
 * every other path (a case link from an e-mail, /console/cases/{id}, opens the app on that case).
 * Public, like any static file: the data comes through the API with the bearer token.
 */
export function consoleRoutes(options: ConsoleRouteOptions) {
  const csp = consoleCsp(options.connectSrc);
  const unavailable = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>工作台未构建</title><p>工作台尚未构建（npm run console:build）。The console was not built.</p></html>';
  return router()
    .get('/console/assets/:file', (c) => {
      const file = options.assets?.files.get(c.req.param('file'));
      if (!file) return c.notFound();
      c.header('Cache-Control', 'public, max-age=31536000, immutable');
      c.header('Content-Type', file.type);
      return c.body(file.body as Uint8Array<ArrayBuffer>, 200);
    })
    .get('/console', (c) => c.redirect('/console/', 308))
    .get('/console/*', (c) => {
      c.header('Content-Security-Policy', csp);
      c.header('Cache-Control', 'no-cache');
      if (!options.assets) return c.html(unavailable, 503);
      return c.html(options.assets.shell, 200);
    });
}
