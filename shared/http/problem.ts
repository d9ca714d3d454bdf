import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { AppError, ValidationError, type FieldError } from '../domain/errors';
import type { ProblemBody } from './schemas/common';

const BY_KIND: Record<AppError['kind'], { status: ContentfulStatusCode; type: string; title: string }> = {
  validation: { status: 400, type: '/problems/validation', title: 'Invalid request' },
  unauthorized: { status: 401, type: '/problems/unauthorized', title: 'Authentication required' },
  forbidden: { status: 403, type: '/problems/forbidden', title: 'Not allowed' },
  not_found: { status: 404, type: '/problems/not-found', title: 'Not found' },
  conflict: { status: 409, type: '/problems/conflict', title: 'Conflict' },
  unprocessable: { status: 422, type: '/problems/unprocessable', title: 'Request cannot be processed' },
  rate_limited: { status: 429, type: '/problems/rate-limited', title: 'Too many requests' },
  unavailable: { status: 503, type: '/problems/unavailable', title: 'Temporarily unavailable' },
  precondition_failed: { status: 412, type: '/problems/stale-version', title: 'The case changed since you read it' },
  precondition_required: { status: 428, type: '/problems/if-match-required', title: 'If-Match required' },
};

const BY_STATUS: Partial<Record<number, { type: string; title: string }>> = {
  400: { type: '/problems/malformed', title: 'Malformed request' },
  404: { type: '/problems/not-found', title: 'Not found' },
  405: { type: '/problems/method-not-allowed', title: 'Method not allowed' },
  413: { type: '/problems/too-large', title: 'Request body too large' },
  415: { type: '/problems/unsupported-media-type', title: 'Unsupported media type' },
};

/** Maps any thrown value to a problem; unknown errors become a 500 that reveals nothing. */
export function toProblem(err: unknown, instance: string): { body: ProblemBody; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (err instanceof AppError) {
    const k = BY_KIND[err.kind];
    const body: ProblemBody = { ...err.extensions, type: k.type, title: k.title, status: k.status, detail: err.message, instance };
    if (err instanceof ValidationError && err.errors.length) body.errors = err.errors;
    if (err.kind === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer';
    if ('retryAfter' in err && typeof err.retryAfter === 'number') headers['Retry-After'] = String(err.retryAfter);
    if (err.kind === 'unavailable') headers['Retry-After'] ??= '1';
    return { body, headers };
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const known = BY_STATUS[status] ?? { type: 'about:blank', title: err.message || 'Error' };
    const body: ProblemBody = { ...known, status, detail: err.message || known.title, instance };
    // Hono's JSON parser reports bad JSON as a 400 HTTPException.
    if (status === 400) body.errors = [{ path: '', message: err.message || 'malformed body' }];
    return { body, headers };
  }
  return {
    body: { type: '/problems/internal', title: 'Internal error', status: 500, detail: 'Something went wrong on our side; it has been logged.', instance },
    headers,
  };
}

export function problemResponse(c: Context, problem: { body: ProblemBody; headers: Record<string, string> }): Response {
  return c.newResponse(JSON.stringify(problem.body), problem.body.status as ContentfulStatusCode, {
    ...problem.headers,
    'Content-Type': 'application/problem+json; charset=utf-8',
  });
}

/** Zod issues as `errors: [{ path, message }]`; every unknown field is named on its own. */
export function zodToValidationError(error: ZodError, prefix?: string): ValidationError {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) errors.push({ path: join(prefix, [...base, key]), message: 'unknown field' });
    } else {
      errors.push({ path: join(prefix, base), message: issue.message });
    }
  }
  // A problem names what was wrong, it does not echo the request: bounded in count and length.
  const shown = errors.slice(0, MAX_FIELD_ERRORS);
  if (errors.length > MAX_FIELD_ERRORS) shown.push({ path: '', message: `and ${errors.length - MAX_FIELD_ERRORS} more` });
  return new ValidationError('The request has invalid fields', shown);
}

/** At most this many field errors in one problem, each path at most MAX_PATH_LENGTH characters. */
export const MAX_FIELD_ERRORS = 50;
const MAX_PATH_LENGTH = 200;

const join = (prefix: string | undefined, path: string[]) => {
  const joined = [...(prefix ? [prefix] : []), ...path].join('.');
  return joined.length > MAX_PATH_LENGTH ? `${joined.slice(0, MAX_PATH_LENGTH - 1)}…` : joined;
};
