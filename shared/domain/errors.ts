/**
 * Domain and use-case errors. The HTTP layer maps each to one RFC 9457 problem type in one place,
 * so use cases never speak HTTP.
 */
export interface FieldError {
  path: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly kind:
    | 'validation'
    | 'not_found'
    | 'conflict'
    | 'unprocessable'
    | 'unauthorized'
    | 'forbidden'
    | 'rate_limited'
    | 'unavailable'
    | 'precondition_failed'
    | 'precondition_required';
  /** Extra members for the problem body (RFC 9457 extensions), e.g. the allowed actions. */
  readonly extensions?: Record<string, unknown>;
  override name = this.constructor.name;
}

export class ValidationError extends AppError {
  readonly kind = 'validation';
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly kind = 'not_found';
}

export class ConflictError extends AppError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    override readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** If-Match names a version that is no longer current: someone else changed the case first. */
export class PreconditionFailedError extends AppError {
  readonly kind = 'precondition_failed';
  constructor(
    message: string,
    override readonly extensions?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A change without If-Match: refused, so nobody overwrites a version they did not see. */
export class PreconditionRequiredError extends AppError {
  readonly kind = 'precondition_required';
}

/** The request is well-formed but cannot be honoured, e.g. an Idempotency-Key reused with another body. */
export class UnprocessableError extends AppError {
  readonly kind = 'unprocessable';
}

export class UnauthorizedError extends AppError {
  readonly kind = 'unauthorized';
}

export class ForbiddenError extends AppError {
  readonly kind = 'forbidden';
}

export class RateLimitedError extends AppError {
  readonly kind = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message);
  }
}

/** A dependency did not answer in time; safe to retry (after `retryAfter` seconds, if given). */
export class UnavailableError extends AppError {
  readonly kind = 'unavailable';
  constructor(
    message: string,
    options?: { cause?: unknown; retryAfter?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.retryAfter !== undefined) this.retryAfter = options.retryAfter;
  }
  readonly retryAfter?: number;
}

/** Storage: a conditional create found the item already there. */
export class DuplicateError extends Error {}
/** Storage: a conditional write found another version. */
export class VersionConflictError extends Error {}

/**
 * Not now: the work (a queue message, a timer firing) must be tried again later — and, if it keeps
 * failing, end in the dead-letter queue. Workers let it through to their runtime; it is never an
 * HTTP answer.
 */
export class RetryLaterError extends Error {}
