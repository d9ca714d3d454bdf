import { OpenAPIHono, type OpenAPIHonoOptions, type z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Principal } from '../domain/principal';
import type { Logger } from '../observability/logger';
import { zodToValidationError } from './problem';
import { Problem } from './schemas/common';

export type AppEnv = {
  Variables: {
    principal: Principal;
    requestId: string;
    log: Logger;
    /** Set on browser form posts: errors render as a page, not JSON. */
    htmlErrors?: boolean;
  };
};

const hook: OpenAPIHonoOptions<AppEnv>['defaultHook'] = (result) => {
  if (!result.success) throw zodToValidationError(result.error as z.ZodError, result.target === 'json' || result.target === 'form' ? undefined : result.target);
};

/**
 * A router whose validation failures become 400 problems naming each field, and whose routes
 * accept exactly the request media types they declare (zod-openapi alone takes any
 * `application/*+json` for `application/json`, e.g. merge-patch, whose meaning we do not implement).
 */
export function router() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: hook });
  const register = app.openapi;
  app.openapi = ((route: { request?: { body?: { content?: Record<string, unknown> } }; middleware?: unknown }, ...rest: unknown[]) => {
    const declared = Object.keys(route.request?.body?.content ?? {});
    if (!declared.length) return (register as (...a: unknown[]) => unknown)(route, ...rest);
    const own = route.middleware === undefined ? [] : Array.isArray(route.middleware) ? route.middleware : [route.middleware];
    return (register as (...a: unknown[]) => unknown)({ ...route, middleware: [...own, exactMediaType(declared)] }, ...rest);
  }) as typeof app.openapi;
  return app;
}

/** 415 unless the body's media type (parameters aside) is one the route declares. */
function exactMediaType(declared: string[]): MiddlewareHandler {
  const accepted = new Set(declared.map((t) => t.toLowerCase()));
  return async (c, next) => {
    const type = c.req.header('content-type');
    const essence = type?.split(';')[0]?.trim().toLowerCase();
    if (essence !== undefined && !accepted.has(essence)) {
      const sent = essence.length > 100 ? `${essence.slice(0, 99)}…` : essence;
      throw new HTTPException(415, { message: `Send the body as ${[...accepted].join(', ')}, not ${sent || 'an empty media type'}` });
    }
    await next();
  };
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** Every error response, once, under components/responses; operations refer to them by status. */
const PROBLEMS = {
  400: { name: 'BadRequest', description: 'Invalid request: `errors` names each field (body, query, path or header)' },
  401: { name: 'Unauthorized', description: 'Missing, expired or invalid bearer token', headers: ['WWW-Authenticate'] },
  403: { name: 'Forbidden', description: 'The caller’s roles do not allow this' },
  404: { name: 'NotFound', description: 'No such resource, or one the caller may not see' },
  409: { name: 'Conflict', description: 'The current state does not allow this; on a case, `currentStatus` and `allowedActions` say what does' },
  412: { name: 'PreconditionFailed', description: 'If-Match names a version that is no longer current: someone changed the case first; `currentVersion` is the one to read' },
  413: { name: 'ContentTooLarge', description: 'Body larger than the limit (128 KiB; the mailbox 64 KiB), whatever the method' },
  415: { name: 'UnsupportedMediaType', description: 'The body’s media type is not one this operation lists' },
  422: { name: 'Unprocessable', description: 'Idempotency-Key reused with a different body' },
  428: { name: 'PreconditionRequired', description: 'If-Match missing: send the ETag you read' },
  429: { name: 'TooManyRequests', description: 'Rate limited per client address', headers: ['Retry-After'] },
  431: { name: 'RequestHeaderFieldsTooLarge', description: 'Request line and headers over 16 KiB (local runtime; no body)', noBody: true },
  500: { name: 'InternalError', description: 'Something went wrong on our side; it has been logged' },
  503: { name: 'Unavailable', description: 'A dependency did not answer or refused (the storage full or unreachable, the token keys unreachable): retry after Retry-After seconds', headers: ['Retry-After'] },
} as const satisfies Record<number, { name: string; description: string; headers?: string[]; noBody?: boolean }>;
export type ProblemStatus = keyof typeof PROBLEMS;

const HEADERS = {
  'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The authentication scheme: Bearer', required: true, schema: { type: 'string' } },
} as const;

const problemSchemaRef = { $ref: '#/components/schemas/Problem' };

/** Registers the Problem schema's responses and headers; refs from `problems()` point here. */
export function registerProblemComponents(app: ReturnType<typeof router>): void {
  app.openAPIRegistry.register('Problem', Problem);
  for (const [name, header] of Object.entries(HEADERS)) app.openAPIRegistry.registerComponent('headers', name, header);
  for (const p of Object.values(PROBLEMS)) {
    app.openAPIRegistry.registerComponent('responses', p.name, {
      description: p.description,
      ...('headers' in p && { headers: Object.fromEntries(p.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) }),
      ...(!('noBody' in p) && { content: { 'application/problem+json': { schema: problemSchemaRef } } }),
    });
  }
}

/**
 * Statuses every /v1 operation can answer: a body over the limit (sent with any method), an
 * oversized request line or headers, our own fault, and the storage refusing (e.g. a full disk).
 */
const ALWAYS: ProblemStatus[] = [413, 431, 500, 503];

/** Problem responses of a /v1 operation by status, as refs to components/responses. */
export function problems(...statuses: ProblemStatus[]) {
  return problemRefs(...statuses, ...ALWAYS);
}

/** Just these problem responses, as refs. */
export function problemRefs(...statuses: ProblemStatus[]) {
  return Object.fromEntries([...new Set(statuses)].sort().map((s) => [s, { $ref: `#/components/responses/${PROBLEMS[s].name}` }])) as Record<string, { $ref: string }>;
}

/**
 * For the mailbox, whose browser callers get a zh-CN error page: the same problem for JSON
 * clients, text/html for form posts from a browser.
 */
export function problemsOrPage(...statuses: ProblemStatus[]) {
  return Object.fromEntries(
    statuses.map((s) => {
      const p = PROBLEMS[s];
      return [
        s,
        {
          description: `${p.description}. Browsers posting the form get a zh-CN page`,
          ...('headers' in p && { headers: Object.fromEntries(p.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) }),
          content: { 'application/problem+json': { schema: problemSchemaRef }, 'text/html': { schema: { type: 'string' as const } } },
        },
      ];
    }),
  );
}

export const bearer = [{ bearerAuth: [] }];

/** A case's version as a strong entity tag, for If-Match. */
export const etagHeader = { description: 'The case version, e.g. "3": send it as If-Match', required: true, schema: { type: 'string' as const } };
/** Public operations say so: no security requirement at all. */
export const noAuth: { bearerAuth: string[] }[] = [];

/** Statuses of every bearer-protected operation: no or a bad token, keys not reachable (Cognito). */
export const BEARER_PROBLEMS: ProblemStatus[] = [401, 503];
/** Statuses of every operation with a JSON body. */
export const BODY_PROBLEMS: ProblemStatus[] = [400, 415];
