import { swaggerUI } from '@hono/swagger-ui';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { stringify } from 'yaml';
import type { IntakeDeps } from '../usecases/intake';
import type { AppDeps } from './deps';
import { router } from './env';
import { errorPage } from './pages';
import { problemResponse, toProblem } from './problem';
import type { ActDeps } from '../usecases/act';
import { RoutingConfigCache } from '../usecases/routing-config';
import { adminRoutes } from './routes/admin';
import { authRoutes } from './routes/auth';
import { lifecycleRoutes } from './routes/lifecycle';
import { calendarRoutes } from './routes/calendar';
import { caseRoutes } from './routes/cases';
import { consoleRoutes } from './routes/console';
import { mailboxRoutes } from './routes/mailbox';
import { reportRoutes } from './routes/reports';
import { trackingRoutes } from './routes/tracking';

export const API_BODY_LIMIT = 128 * 1024;
export const FORM_BODY_LIMIT = 64 * 1024;

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Union case routing API',
    version: '0.1.0',
    description:
      "Cases from the chairman's hotline, mailbox and reception desks of a trade union's workers' service centre, each with a ticket number and a legal deadline in Chinese working days.",
  },
  tags: [
    { name: 'cases', description: 'Intake and reading of cases (operators, reception, supervisors)' },
    { name: 'public', description: 'The web form and tracking for workers; no token' },
    { name: 'lifecycle', description: 'Working a case: sign for, send back, transfer, extend, pause, reply, follow up (each needs If-Match)' },
    { name: 'reports', description: 'Figures, the monthly chase list and the quarterly analysis (supervisors, admins; office staff their own office)' },
    { name: 'calendar', description: 'Working days and deadlines' },
    { name: 'auth', description: 'Sign-in for the console: local accounts or Cognito managed login, and who the caller is' },
    { name: 'admin', description: 'Administration' },
  ],
};

/** The one Hono app: the Lambda handler and the local server both wrap it. */
export function createApp(deps: AppDeps) {
  const { calendar } = deps;
  const actDeps: ActDeps = {
    ...deps,
    routing: new RoutingConfigCache({ routing: deps.routing, offices: deps.offices, clock: deps.clock }, 30_000),
  };
  const intake: IntakeDeps = { cases: deps.cases, queue: deps.queue, idempotency: deps.idempotency, calendar, clock: deps.clock, ids: deps.ids, logger: deps.logger };
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
  app.use('/v1/intake/*', publicCors, bodyLimit({ maxSize: FORM_BODY_LIMIT, onError: tooLarge(FORM_BODY_LIMIT) }));
  app.use('/v1/track/*', publicCors);
  app.use('/v1/*', bodyLimit({ maxSize: API_BODY_LIMIT, onError: tooLarge(API_BODY_LIMIT) }));

  app.onError((err, c) => {
    const problem = toProblem(err, c.req.path);
    problem.body.requestId = c.get('requestId');
    const log = c.get('log') ?? deps.logger;
    if (problem.body.status >= 500) log.error('http.unhandled_error', { error: err, route: c.req.routePath });
    else log.info('http.problem', { status: problem.body.status, type: problem.body.type });
    if (c.get('htmlErrors')) return c.html(errorPage(problem.body), problem.body.status as 400, problem.headers);
    return problemResponse(c, problem);
  });
  app.notFound((c) => {
    const problem = toProblem(new HTTPException(404, { message: `No route for ${c.req.method} ${c.req.path}` }), c.req.path);
    problem.body.requestId = c.get('requestId');
    return problemResponse(c, problem);
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  const routes = app
    .get('/health', (c) => c.json({ status: 'ok' as const }, 200))
    .route('/', caseRoutes(deps, intake))
    .route('/', mailboxRoutes(deps, intake, calendar))
    .route('/', trackingRoutes(deps, actDeps))
    .route('/', calendarRoutes(deps, calendar))
    .route('/', adminRoutes(deps))
    .route('/', authRoutes(deps))
    .route('/', lifecycleRoutes(deps, actDeps))
    .route('/', reportRoutes(deps))
    .route('/', consoleRoutes({ assets: deps.console, connectSrc: deps.signIn.provider === 'cognito' ? [new URL(deps.signIn.tokenUrl).origin] : [] }));

  // Built on first request, once every route is registered.
  let doc: ReturnType<typeof openApiDocument> | undefined;
  routes.get('/openapi.json', (c) => c.json((doc ??= openApiDocument(app))));
  routes.get('/openapi.yaml', (c) => c.body(stringify((doc ??= openApiDocument(app)), { aliasDuplicateObjects: false }), 200, { 'Content-Type': 'application/yaml; charset=utf-8' }));
  routes.get('/docs', swaggerUI({ url: '/openapi.yaml', title: 'Union case routing API', ...(deps.docsAssetsBaseUrl && { baseUrl: deps.docsAssetsBaseUrl }) }));
  return routes;
}

function openApiDocument(app: ReturnType<typeof router>) {
  return app.getOpenAPI31Document(OPENAPI_INFO);
}

export type AppType = ReturnType<typeof createApp>;
