import { composeEscalator, onFirstUse } from '../../shared/compose/aws';
import type { TimerPayload } from '../../shared/ports';
import { escalate } from '../../shared/usecases/escalate';

/** The escalator's deps from the environment. */
export const buildEscalator = composeEscalator;

const deps = onFirstUse(() => buildEscalator(process.env));
/**
 * EventBridge Scheduler invokes this with the timer's payload. A RetryLaterError (the step is being
 * sent elsewhere, the case is changing) is thrown so Scheduler's retry policy tries again.
 */
export const handler = (event: TimerPayload) => escalate(deps(), event);
