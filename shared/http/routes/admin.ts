import type { z } from '@hono/zod-openapi';
import { createRoute } from '@hono/zod-openapi';
import { formatShanghai } from '../../domain/time';
import { deleteOffice, getRouting, listOffices, putOffice, putRouting, queueDepths, redrive, type AdminDeps } from '../../usecases/admin';
import type { MiddlewareHandler } from 'hono';
import { bearerAuth, requireRole, type AuthEnv } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, json, problems, router } from '../env';
import { CategoryParams, Office, OfficeInput, OfficeList, OfficeParams, QueueDepths, RedriveResult, Routing, RoutingInput } from '../schemas';

const route = <P extends string>(method: 'get' | 'put' | 'post' | 'delete', path: P, summary: string) => ({ method, path, summary, tags: ['admin'], security: bearer });

const putOfficeRoute = createRoute({
  ...route('put', '/v1/admin/offices/{officeId}', 'Create or replace an office'),
  request: { params: OfficeParams, body: { ...json(OfficeInput, 'The office'), required: true } },
  responses: { 200: json(Office, 'Stored'), ...problems(400, 401, 403, 415) },
});
const listOfficesRoute = createRoute({
  ...route('get', '/v1/admin/offices', 'Every office'),
  responses: { 200: json(OfficeList, 'The offices, by id'), ...problems(401, 403) },
});
const deleteOfficeRoute = createRoute({
  ...route('delete', '/v1/admin/offices/{officeId}', 'Remove an office (refused while it has open cases, routing names it, or sign-in accounts belong to it)'),
  request: { params: OfficeParams },
  responses: { 204: { description: 'Removed' }, ...problems(401, 403, 404, 409) },
});
const putRoutingRoute = createRoute({
  ...route('put', '/v1/admin/routing', 'Store a new version of the routing rules'),
  request: { body: { ...json(RoutingInput, 'Ordered rules, first match wins, and the default office'), required: true } },
  responses: { 200: json(Routing, 'Stored as the next version'), ...problems(400, 401, 403, 409, 415) },
});
const getRoutingRoute = createRoute({
  ...route('get', '/v1/admin/routing', 'The routing rules in force and their version'),
  responses: { 200: json(Routing, 'The current version'), ...problems(401, 403, 404) },
});
const queuesRoute = createRoute({
  ...route('get', '/v1/admin/queues', 'Approximate depth and dead letters per category queue'),
  responses: { 200: json(QueueDepths, 'One entry per category'), ...problems(401, 403, 503) },
});
const redriveRoute = createRoute({
  ...route('post', '/v1/admin/queues/{category}/redrive', "Move a category's dead letters back to its queue"),
  request: { params: CategoryParams },
  responses: { 200: json(RedriveResult, 'How many moved'), ...problems(400, 401, 403, 503) },
});

export function adminRoutes(deps: AppDeps) {
  const admin: AdminDeps = { cases: deps.cases, offices: deps.offices, routing: deps.routing, queue: deps.queue, clock: deps.clock, logger: deps.logger, accounts: deps.accounts };
  const auth = bearerAuth({ verifier: deps.tokens });
  const adminOnly: [MiddlewareHandler<AuthEnv>, MiddlewareHandler<AuthEnv>] = [auth, requireRole('admin')];
  const supervisors: [MiddlewareHandler<AuthEnv>, MiddlewareHandler<AuthEnv>] = [auth, requireRole('admin', 'supervisor')];
  const routingJson = (r: Awaited<ReturnType<typeof getRouting>>): z.infer<typeof Routing> => ({ ...r, updatedAt: formatShanghai(r.updatedAt) });

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
