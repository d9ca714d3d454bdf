import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { listScope, mayReadCase, redactFor } from '../../domain/access';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import type { Channel } from '../../domain/case';
import { hasAnyRole, type Principal, type Role } from '../../domain/principal';
import { getCase, listCases } from '../../usecases/cases';
import { createCase, type IdempotencyRequest, type IntakeDeps } from '../../usecases/intake';
import { bearerAuth } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, etagHeader, json, problems, router } from '../env';
import { caseJson, etagOf } from '../present';
import { Case, CaseId, CaseList, CaseListQuery } from '../schemas/cases';
import { CaseCreate } from '../schemas/intake';

/** Who may log a case received through which channel. */
const CREATORS: Record<Channel, Role[]> = {
  hotline: ['operator', 'admin'],
  walk_in: ['reception', 'admin'],
  // Letters to the mailbox that arrive on paper are typed in at reception.
  mailbox: ['reception', 'admin'],
};

const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7E]{1,255}$/, 'must be 1–255 visible ASCII characters')
  .optional()
  .openapi({ param: { name: 'idempotency-key', in: 'header' }, description: 'Retry-safe creation: the same key and body return the original case', example: 'call-20260302-0915-0042' });

const create = createRoute({
  method: 'post',
  path: '/v1/cases',
  operationId: 'createCase',
  tags: ['cases'],
  summary: 'Log a case (hotline call, paper letter, walk-in visit)',
  description:
    'Gives the case its ticket number, tracking code and legal deadline, and queues it for routing. Operators log hotline calls, reception walk-in visits and letters on paper. With an Idempotency-Key, a retry with the same body returns the same case.',
  security: bearer,
  request: { headers: z.object({ 'idempotency-key': IdempotencyKey }), body: { ...json(CaseCreate, 'The case'), required: true } },
  responses: {
    201: {
      ...json(Case, 'Created; replays of an Idempotency-Key return the same case with Idempotent-Replayed: true'),
      headers: {
        Location: { description: 'The new case: /v1/cases/{id}', required: true, schema: { type: 'string' } },
        ETag: etagHeader,
        'Idempotent-Replayed': { description: 'Sent on a replay of an Idempotency-Key: the case was created by the first request', schema: { type: 'string', enum: ['true'] } },
      },
    },
    ...problems(...BODY_PROBLEMS, ...BEARER_PROBLEMS, 403, 422),
  },
});

const getOne = createRoute({
  method: 'get',
  path: '/v1/cases/{id}',
  operationId: 'getCase',
  tags: ['cases'],
  summary: 'A case',
  description: 'The case with its deadline and SLA state; its ETag goes in If-Match of the next action. Personal data is left out for operators and reception.',
  security: bearer,
  request: { params: CaseId },
  responses: { 200: { ...json(Case, 'The case'), headers: { ETag: etagHeader } }, ...problems(400, ...BEARER_PROBLEMS, 404) },
});

const list = createRoute({
  method: 'get',
  path: '/v1/cases',
  operationId: 'listCases',
  tags: ['cases'],
  summary: 'Cases, most pressing deadline first',
  description: 'Filtered by status, SLA state, category, channel, due date or ticket number; each caller sees the cases their role allows. Follow nextCursor for the next page.',
  security: bearer,
  request: { query: CaseListQuery },
  responses: { 200: json(CaseList, 'A page of cases sorted by dueAt ascending'), ...problems(400, ...BEARER_PROBLEMS, 403) },
});

export function caseRoutes(deps: AppDeps, intake: IntakeDeps) {
  const auth = bearerAuth({ verifier: deps.tokens });
  return router()
    .openapi({ ...create, middleware: [auth] as const }, async (c) => {
      const input = c.req.valid('json');
      const principal = c.get('principal');
      assertMayCreate(principal, input.channel);
      const key = c.req.valid('header')['idempotency-key'];
      const idem: IdempotencyRequest | undefined = key
        ? { scope: principal.sub, key, requestHash: hashBody(await c.req.json()) }
        : undefined;
      const { record, replayed } = await createCase(intake, { ...input, receivedAt: input.receivedAt ?? deps.clock.now() }, principal.sub, idem);
      c.header('Location', `/v1/cases/${record.id}`);
      c.header('ETag', etagOf(record));
      if (replayed) c.header('Idempotent-Replayed', 'true');
      return c.json(caseJson(redactFor(principal, record)), 201);
    })
    .openapi({ ...getOne, middleware: [auth] as const }, async (c) => {
      const principal = c.get('principal');
      const record = await getCase(deps.cases, c.req.valid('param').id);
      if (!mayReadCase(principal, record)) throw new NotFoundError(`No case with id ${record.id}`);
      c.header('ETag', etagOf(record));
      return c.json(caseJson(redactFor(principal, record)), 200);
    })
    .openapi({ ...list, middleware: [auth] as const }, async (c) => {
      const principal = c.get('principal');
      const scope = listScope(principal);
      if (scope === 'none') throw new ForbiddenError('Your roles do not include reading cases');
      const page = await listCases(deps.cases, { ...c.req.valid('query'), ...scope });
      return c.json({ items: page.items.map((r) => caseJson(redactFor(principal, r))), nextCursor: page.nextCursor }, 200);
    });
}

function assertMayCreate(principal: Principal, channel: Channel): void {
  const allowed = CREATORS[channel];
  if (!hasAnyRole(principal, allowed)) throw new ForbiddenError(`Logging ${channel} cases requires one of the roles: ${allowed.join(', ')}`);
}

/** Same body ⇔ same hash, whatever the key order or whitespace. */
function hashBody(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('base64url');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  if (v === undefined) throw new ValidationError('Invalid body');
  return JSON.stringify(v);
}
