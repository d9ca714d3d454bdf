import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Principal } from '../domain/principal';
import type { Logger } from '../observability/logger';
import { zodToValidationError } from './problem';
import { Problem } from './schemas';

export type AppEnv = {
  Variables: {
    principal: Principal;
    requestId: string;
    log: Logger;
    /** Set on browser form posts: errors render as a page, not JSON. */
    htmlErrors?: boolean;
  };
};

/** A router whose validation failures become 400 problems naming each field. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw zodToValidationError(result.error as z.ZodError, result.target === 'json' || result.target === 'form' ? undefined : result.target);
    },
  });
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

export const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid request: `errors` names each field',
  401: 'Missing or invalid bearer token',
  403: 'The caller lacks the role',
  404: 'Not found',
  413: 'Body too large',
  415: 'Unsupported content type',
  422: 'Idempotency-Key reused with a different body',
  429: 'Rate limited: see Retry-After',
  503: 'Temporarily unavailable (e.g. the storage refused the write): retry after Retry-After seconds',
};

/** Problem responses for the OpenAPI document. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { content: { 'application/problem+json': { schema: Problem } }, description: PROBLEM_TEXT[s] ?? 'Error' }]),
  );
}

export const bearer = [{ bearerAuth: [] }];
