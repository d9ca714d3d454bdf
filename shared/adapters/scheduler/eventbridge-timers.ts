import { createHash } from 'node:crypto';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { formatShanghai } from '../../domain/time';
import { readStep } from '../../domain/escalation';
import type { TimerPayload, TimerRequest, TimerService } from '../../ports';

export interface EventBridgeTimersOptions {
  /** The schedule group every timer lives in (created by the infrastructure, never here). */
  groupName: string;
  /** The escalator Lambda the timers invoke. */
  targetArn: string;
  /** The role EventBridge Scheduler assumes to invoke the target: allowed to invoke only the escalator. */
  roleArn: string;
  /** A standard (not FIFO) SQS queue for invocations that failed after every retry. */
  deadLetterArn?: string;
  /** Retries of a failed invocation, 0–185 (Scheduler's range). Default 10. */
  maximumRetryAttempts?: number;
  /** How long Scheduler keeps retrying, 60–86 400 s (Scheduler's range). Default 86 400 (a day). */
  maximumEventAgeSeconds?: number;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
}

export const SHANGHAI_TIME_ZONE = 'Asia/Shanghai';

/**
 * A fireAt earlier than this far ahead is moved to now + this. Scheduler refuses (or never runs)
 * an at() that is already in the past, and the clock of the Lambda and of Scheduler differ a
 * little, so "as soon as possible" is written as one minute from now: late by at most a minute
 * plus Scheduler's own one-minute precision, but never lost.
 */
export const MIN_LEAD_MS = 60_000;

const DEFAULT_RETRY_ATTEMPTS = 10;
const DEFAULT_EVENT_AGE_SECONDS = 86_400;
const NAME_MAX = 64;
const NAME_CHARS = /^[0-9a-zA-Z\-_.]+$/;
const DESCRIPTION_MAX = 512;

/**
 * The schedule name of a timer: deterministic per (caseId, step), 1–64 characters of
 * [0-9a-zA-Z-_.] as Scheduler requires.
 *
 * - Readable form `c-<caseId>-<step>` when the case id uses only allowed characters, the step is
 *   an SLA step id ('warning', 'breach', 'overdue-<n>') and the whole fits in 64 characters (a
 *   UUID case id with 'overdue-9999' is 51). The step grammar keeps the split unambiguous: no
 *   step id ends in '-<another step id>', so two different pairs never share a name.
 * - Otherwise the hashed form `h-<first 32 hex of SHA-256(caseId NUL step)>`, followed by
 *   `-<step>` when that step is itself made of allowed characters and the result still fits.
 *   128 bits of hash make a collision negligible, and the 'h-' prefix can never meet a readable
 *   'c-' name.
 */
export function scheduleName(caseId: string, step: string): string {
  const readable = `c-${caseId}-${step}`;
  if (readable.length <= NAME_MAX && NAME_CHARS.test(caseId) && readStep(step) !== undefined) return readable;
  const hashed = `h-${createHash('sha256').update(`${caseId}\u0000${step}`).digest('hex').slice(0, 32)}`;
  const withStep = `${hashed}-${step}`;
  return withStep.length <= NAME_MAX && NAME_CHARS.test(step) ? withStep : hashed;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in Shanghai wall-clock time (to be read with ScheduleExpressionTimezone Asia/Shanghai). */
export function atExpression(epochMs: number): string {
  // formatShanghai gives 2026-03-09T23:59:59+08:00 (plus .mmm when non-zero): keep the first 19.
  return `at(${formatShanghai(epochMs).slice(0, 19)})`;
}

/**
 * When the schedule should fire: fireAt rounded up to a whole second (at() has no milliseconds,
 * and rounding down could fire a step before its instant), or, when that is less than a minute
 * away or already past, now + 1 minute rounded up to a whole second.
 */
export function effectiveFireAt(fireAt: number, now: number): number {
  const earliest = now + MIN_LEAD_MS;
  return Math.ceil(Math.max(fireAt, earliest) / 1000) * 1000;
}

const isNamed = (err: unknown, name: string): boolean => err instanceof Error && err.name === name;
const isConflict = (err: unknown): boolean => err instanceof ConflictException || isNamed(err, 'ConflictException');
const isNotFound = (err: unknown): boolean =>
  err instanceof ResourceNotFoundException || isNamed(err, 'ResourceNotFoundException');

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/**
 * One-time EventBridge Scheduler schedules, one per (case, step), that invoke the escalator with
 * the TimerPayload as input and delete themselves after running.
 */
export class EventBridgeTimers implements TimerService {
  private readonly retryAttempts: number;
  private readonly eventAgeSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly client: SchedulerClient,
    private readonly options: EventBridgeTimersOptions,
  ) {
    this.retryAttempts = checkInteger('maximumRetryAttempts', options.maximumRetryAttempts ?? DEFAULT_RETRY_ATTEMPTS, 0, 185);
    this.eventAgeSeconds = checkInteger('maximumEventAgeSeconds', options.maximumEventAgeSeconds ?? DEFAULT_EVENT_AGE_SECONDS, 60, 86_400);
    this.now = options.now ?? Date.now;
  }

  /** The full CreateSchedule input of a timer; UpdateSchedule takes the very same fields. */
  scheduleInput(timer: TimerRequest): CreateScheduleCommandInput {
    if (!Number.isFinite(timer.fireAt)) throw new TypeError(`fireAt must be epoch milliseconds, got ${timer.fireAt}`);
    // Only the payload fields travel, whatever else the caller's object carries.
    const payload: TimerPayload = { caseId: timer.caseId, step: timer.step, dueAt: timer.dueAt, version: timer.version };
    const { groupName, targetArn, roleArn, deadLetterArn } = this.options;
    return {
      Name: scheduleName(timer.caseId, timer.step),
      GroupName: groupName,
      ScheduleExpression: atExpression(effectiveFireAt(timer.fireAt, this.now())),
      ScheduleExpressionTimezone: SHANGHAI_TIME_ZONE,
      Description: `SLA ${timer.step} of case ${timer.caseId}`.slice(0, DESCRIPTION_MAX),
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: { MaximumRetryAttempts: this.retryAttempts, MaximumEventAgeInSeconds: this.eventAgeSeconds },
        ...(deadLetterArn ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
      },
    };
  }

  /**
   * Creates the schedule, or moves it when the name exists (ConflictException): UpdateSchedule
   * replaces every field, so it gets the same full input. Should the existing schedule fire and
   * delete itself between the two calls (ResourceNotFoundException on the update), creating is
   * tried once more.
   */
  async schedule(timer: TimerRequest): Promise<void> {
    const input = this.scheduleInput(timer);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new CreateScheduleCommand(input));
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
      try {
        await this.client.send(new UpdateScheduleCommand(input));
        return;
      } catch (err) {
        if (!isNotFound(err) || attempt >= 2) throw err;
      }
    }
  }

  /** Deletes the schedule; one already gone (fired and deleted, or never made) is fine. */
  async cancel(caseId: string, step: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: scheduleName(caseId, step), GroupName: this.options.groupName }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
