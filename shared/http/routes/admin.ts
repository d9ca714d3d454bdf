import { createRoute } from '@hono/zod-openapi';
import { formatShanghai } from '../../domain/time';
import { deleteOffice, getRouting, listOffices, putOffice, putRouting, queueDepths, redrive, type AdminDeps } from '../../usecases/admin';
import type { MiddlewareHandler } from 'hono';
import { bearerAuth, requireRole, type AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, json, problems, router } from '../env';
import { CategoryParams, Office, OfficeInput, OfficeList, OfficeParams, QueueDepths, RedriveResult, Routing, RoutingInput, type RoutingBody } from '../schemas/admin';

const route = <P extends string>(method: 'get' | 'put' | 'post' | 'delete', path: P, operationId: string, summary: string, description: string) => ({
  method,
  path,
  operationId,
  summary,
  description,
  tags: ['admin'],
  security: bearer,
});
/** Every admin operation: a token with the role (admin; reading, also supervisor). */
const ADMIN_PROBLEMS = [...BEARER_PROBLEMS, 403] as const;

const putOfficeRoute = createRoute({
  ...route('put', '/v1/admin/offices/{officeId}', 'putOffice', 'Create or replace an office', 'Its name, notice address, e-mail language and 督办 ladder (admin).'),
  request: { params: OfficeParams, body: { ...json(OfficeInput, 'The office'), required: true } },
  responses: { 200: json(Office, 'Stored'), ...problems(...BODY_PROBLEMS, ...ADMIN_PROBLEMS) },
});
const listOfficesRoute = createRoute({
  ...route('get', '/v1/admin/offices', 'listOffices', 'Every office', 'The offices cases can be routed to, by id (supervisors, admins).'),
  responses: { 200: json(OfficeList, 'The offices, by id'), ...problems(...ADMIN_PROBLEMS) },
});
const deleteOfficeRoute = createRoute({
  ...route('delete', '/v1/admin/offices/{officeId}', 'deleteOffice', 'Remove an office', 'Refused with 409 while it has open cases, the routing in force names it, or sign-in accounts belong to it (admin).'),
  request: { params: OfficeParams },
  responses: { 204: { description: 'Removed' }, ...problems(400, ...ADMIN_PROBLEMS, 404, 409) },
});
const putRoutingRoute = createRoute({
  ...route('put', '/v1/admin/routing', 'putRouting', 'Store a new version of the routing rules', 'Ordered rules, first match wins, and the default office; every office named must exist (admin).'),
  request: { body: { ...json(RoutingInput, 'Ordered rules, first match wins, and the default office'), required: true } },
  responses: { 200: json(Routing, 'Stored as the next version'), ...problems(...BODY_PROBLEMS, ...ADMIN_PROBLEMS, 409) },
});
const getRoutingRoute = createRoute({
  ...route('get', '/v1/admin/routing', 'getRouting', 'The routing rules in force and their version', '404 until a first version is stored (supervisors, admins).'),
  responses: { 200: json(Routing, 'The current version'), ...problems(...ADMIN_PROBLEMS, 404) },
});
const queuesRoute = createRoute({
  ...route('get', '/v1/admin/queues', 'listQueueDepths', 'Approximate depth and dead letters per category queue', 'For watching the router (supervisors, admins).'),
  responses: { 200: json(QueueDepths, 'One entry per category'), ...problems(...ADMIN_PROBLEMS) },
});
const redriveRoute = createRoute({
  ...route('post', '/v1/admin/queues/{category}/redrive', 'redriveDeadLetters', "Move a category's dead letters back to its queue", 'After the cause is fixed (supervisors, admins).'),
  request: { params: CategoryParams },
  responses: { 200: json(RedriveResult, 'How many moved'), ...problems(400, ...ADMIN_PROBLEMS) },
});

export function adminRoutes(deps: AppDeps) {
  const admin: AdminDeps = { cases: deps.cases, offices: deps.offices, routing: deps.routing, queue: deps.queue, clock: deps.clock, logger: deps.logger, accounts: deps.accounts };
  const auth = bearerAuth({ verifier: deps.tokens });
  const adminOnly: [MiddlewareHandler<AuthEnv>, MiddlewareHandler<AuthEnv>] = [auth, requireRole('admin')];
  const supervisors: [MiddlewareHandler<AuthEnv>, MiddlewareHandler<AuthEnv>] = [auth, requireRole('admin', 'supervisor')];
  const routingJson = (r: Awaited<ReturnType<typeof getRouting>>): RoutingBody => ({ ...r, updatedAt: formatShanghai(r.updatedAt) });

  return router()
    .openapi({ ...putOfficeRoute, middleware: adminOnly }, async (c) => {
      const office = await putOffice(admin, { id: c.req.valid('param').officeId, ...c.req.valid('json') }, c.get('principal').sub);
      return c.json(office, 200);
    })
    .openapi({ ...listOfficesRoute, middleware: supervisors }, async (c) => c.json({ items: await listOffices(admin) }, 200))
    .openapi({ ...deleteOfficeRoute, middleware: adminOnly }, async (c) => {
      await deleteOffice(admin, c.req.valid('param').officeId);
      return c.body(null, 204);
    })
    .openapi({ ...putRoutingRoute, middleware: adminOnly }, async (c) => c.json(routingJson(await putRouting(admin, c.req.valid('json'), c.get('principal').sub)), 200))
    .openapi({ ...getRoutingRoute, middleware: supervisors }, async (c) => c.json(routingJson(await getRouting(admin)), 200))
    .openapi({ ...queuesRoute, middleware: supervisors }, async (c) => c.json({ queues: await queueDepths(admin) }, 200))
    .openapi({ ...redriveRoute, middleware: supervisors }, async (c) => c.json(await redrive(admin, c.req.valid('param').category), 200));
}
