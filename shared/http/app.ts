import { swaggerUI } from '@hono/swagger-ui';
import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from './deps';
import { DOCS_ASSETS, docsRoutes } from './docs';
import { json, noAuth, problemRefs, registerProblemComponents, router } from './env';
import { MAX_ATTACHMENTS_TOTAL_BYTES } from '../domain/letter';
import { errorPage, pageCsp } from './pages';
import { problemResponse, toProblem } from './problem';
import { adminRoutes } from './routes/admin';
import { attachmentRoutes } from './routes/attachments';
import { authRoutes } from './routes/auth';
import { lifecycleRoutes } from './routes/lifecycle';
import { calendarRoutes } from './routes/calendar';
import { caseRoutes } from './routes/cases';
import { consoleRoutes } from './routes/console';
import { mailboxRoutes, wantsHtml } from './routes/mailbox';
import { reportRoutes } from './routes/reports';
import { trackingRoutes } from './routes/tracking';

export const API_BODY_LIMIT = 128 * 1024;
export const FORM_BODY_LIMIT = 64 * 1024;
/** A multipart letter may carry its files (20 MB in all) besides the text and part headers. */
export const LETTER_WITH_FILES_BODY_LIMIT = MAX_ATTACHMENTS_TOTAL_BYTES + 256 * 1024;

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Union case routing API',
    version: '0.1.0',
    description: [
      "Cases from the chairman's hotline, mailbox and reception desks of a trade union's workers' service centre, each with a ticket number and a legal deadline in Chinese working days.",
      '',
      'Every error is an RFC 9457 `application/problem+json` (the `Problem` schema). A method a path does not have answers 405 with `Allow`; `OPTIONS` on a path answers 204 with `Allow`, or the CORS preflight on the public `/v1/intake/*` and `/v1/track/*` routes for allowed origins. `HEAD` works wherever `GET` does.',
    ].join('\n'),
    contact: { name: "The service centre's IT team" },
    license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
  },
  servers: [
    // First, so /docs tries requests against whichever server it was loaded from.
    { url: '/', description: 'The server this document is served from' },
    { url: 'http://127.0.0.1:3000', description: '`npm start` on this machine (PORT changes the port)' },
    {
      url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
      description: 'Deployed: the HTTP API URL in the stack outputs',
      variables: { apiId: { default: 'abcdef1234', description: 'The API id' }, region: { default: 'ap-east-1', description: 'The AWS region' } },
    },
  ],
  tags: [
    { name: 'cases', description: 'Intake and reading of cases (operators, reception, supervisors)' },
    { name: 'public', description: 'The web form and tracking for workers; no token' },
    { name: 'lifecycle', description: 'Working a case: sign for, send back, transfer, extend, pause, reply, follow up (each needs If-Match)' },
    { name: 'reports', description: 'Figures, the monthly chase list and the quarterly analysis (supervisors, admins; office staff their own office)' },
    { name: 'calendar', description: 'Working days and deadlines' },
    { name: 'auth', description: 'Sign-in for the console: local accounts or Cognito managed login, and who the caller is' },
    { name: 'admin', description: 'Administration' },
    { name: 'service', description: 'The service itself' },
  ],
};

const health = createRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  tags: ['service'],
  summary: 'Liveness',
  description: 'Answers 200 while the process serves requests; touches no dependency.',
  security: noAuth,
  responses: { 200: json(z.object({ status: z.literal('ok') }).openapi('Health'), 'Serving'), ...problemRefs(431, 500) },
});

/** The one Hono app: the Lambda handler and the local server both wrap it. */
export function createApp(deps: AppDeps) {
  const { calendar } = deps;
  // Built by the runtime's composition root (shared/compose), once per process.
  const { intake, act: actDeps } = deps.useCases;
  const publicCors = cors({
    origin: (origin) => (deps.config.ALLOWED_ORIGINS.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Accept'],
    maxAge: 600,
  });
  const tooLarge = (max: number) => () => {
    throw new HTTPException(413, { message: `Request body larger than ${max / 1024} KiB` });
  };

  const app = router();
  app.use('*', requestId(), secureHeaders({ crossOriginResourcePolicy: false }));
  app.use('*', async (c, next) => {
    const started = performance.now();
    const log = deps.logger.child({ requestId: c.get('requestId') });
    c.set('log', log);
    await next();
    log.info('http.request', { method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started) });
  });
  const formLimit = bodyLimit({ maxSize: FORM_BODY_LIMIT, onError: tooLarge(FORM_BODY_LIMIT) });
  const filesLimit = bodyLimit({ maxSize: LETTER_WITH_FILES_BODY_LIMIT, onError: tooLarge(LETTER_WITH_FILES_BODY_LIMIT) });
  app.use('/v1/intake/*', publicCors, async (c, next) => {
    // Before the body limit, so that a browser is told of a too-large letter with a page.
    if (wantsHtml(c)) c.set('htmlErrors', true);
    await next();
  });
  app.use('/v1/intake/*', (c, next) => (/^multipart\/form-data/i.test(c.req.header('content-type') ?? '') ? filesLimit : formLimit)(c, next));
  app.use('/v1/track/*', publicCors);
  const apiLimit = bodyLimit({ maxSize: API_BODY_LIMIT, onError: tooLarge(API_BODY_LIMIT) });
  // The intake has its own limits above.
  app.use('/v1/*', (c, next) => (c.req.path.startsWith('/v1/intake/') ? next() : apiLimit(c, next)));

  app.onError((err, c) => {
    const problem = toProblem(err, c.req.path);
    problem.body.requestId = c.get('requestId');
    const log = c.get('log') ?? deps.logger;
    if (problem.body.status >= 500) log.error('http.unhandled_error', { error: err, route: c.req.routePath });
    else log.info('http.problem', { status: problem.body.status, type: problem.body.type });
    if (c.get('htmlErrors')) return c.html(errorPage(problem.body), problem.body.status as 400, { ...problem.headers, 'Content-Security-Policy': pageCsp() });
    return problemResponse(c, problem);
  });
  // A path we serve with another method: 405 and Allow; OPTIONS: 204 and Allow (CORS preflights
  // on the public routes are answered by the cors middleware above). Otherwise 404.
  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    if (allow.length && c.req.method === 'OPTIONS') return c.body(null, 204, { Allow: allow.join(', ') });
    // A route that takes this method but found nothing to serve (a handler's notFound()) is a 404, not a 405.
    const wrongMethod = allow.length > 0 && !allow.includes(c.req.method);
    const err = wrongMethod
      ? new HTTPException(405, { message: `${c.req.path} does not take ${c.req.method}; it takes ${allow.join(', ')}` })
      : new HTTPException(404, { message: `No route for ${c.req.method} ${c.req.path}` });
    const problem = toProblem(err, c.req.path);
    problem.body.requestId = c.get('requestId');
    if (wrongMethod) problem.headers.Allow = allow.join(', ');
    return problemResponse(c, problem);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  registerProblemComponents(app);

  const routes = app
    .openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
    .route('/', caseRoutes(deps, intake))
    .route('/', mailboxRoutes(deps, intake, calendar))
    .route('/', trackingRoutes(deps, actDeps))
    .route('/', calendarRoutes(deps, calendar))
    .route('/', adminRoutes(deps))
    .route('/', authRoutes(deps))
    .route('/', lifecycleRoutes(deps, actDeps))
    .route('/', reportRoutes(deps))
    .route('/', attachmentRoutes(deps))
    .route('/', consoleRoutes({ assets: deps.console, connectSrc: deps.signIn.provider === 'cognito' ? [new URL(deps.signIn.tokenUrl).origin] : [] }));

  // Built on first request, once every route is registered.
  let doc: ReturnType<typeof openApiDocument> | undefined;
  routes.get('/openapi.json', (c) => c.json((doc ??= openApiDocument(app))));
  // openapi.yaml as generated and committed, and Swagger UI's files, from the app itself: no CDN, no YAML library.
  routes.route('/', docsRoutes(deps.docs));
  routes.get('/docs', swaggerUI({ url: '/openapi.yaml', title: 'Union case routing API', baseUrl: DOCS_ASSETS }));
  return routes;
}

function openApiDocument(app: ReturnType<typeof router>) {
  return app.getOpenAPI31Document(OPENAPI_INFO);
}

/** The methods routes (not middleware) take on a path, with HEAD beside GET and OPTIONS; none: unknown path. */
function allowedMethods(routes: readonly { method: string; path: string }[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) if (r.method !== 'ALL' && matches(r.path, path)) methods.add(r.method);
  if (!methods.size) return [];
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

/** Hono's path patterns as the router uses them here: `:name` is one segment, `*` any tail. */
function matches(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    if (w === '*') return true;
    const g = got[i];
    if (g === undefined) return false;
    if (w.startsWith(':') ? g === '' : w !== g) return false;
  }
  return want.length === got.length;
}

export type AppType = ReturnType<typeof createApp>;
