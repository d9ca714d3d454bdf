import type { Logger } from '../observability/logger';
import type { CaseQueue, CaseStore, Clock } from '../ports';

export interface ReconcileDeps {
  cases: CaseStore;
  queue: CaseQueue;
  clock: Clock;
  logger: Logger;
  /** A case younger than this is left alone: its message is probably on its way. */
  graceMs: number;
}

/**
 * The table is the truth; queues can be rebuilt from it. Every case still `received` after the
 * grace period is put on its category's queue again (the router ignores duplicates), so a failed
 * send at intake, a lost local queue or a dead-lettered message never strands a case.
 */
export async function reconcile(deps: ReconcileDeps): Promise<{ requeued: number; failed: number }> {
  let requeued = 0;
  let failed = 0;
  for await (const c of deps.cases.receivedBefore(deps.clock.now() - deps.graceMs)) {
    try {
      await deps.queue.send({ caseId: c.id, category: c.category, version: c.version });
      requeued++;
    } catch (err) {
      failed++;
      deps.logger.warn('reconciler.enqueue_failed', { caseId: c.id, error: err });
    }
  }
  if (requeued || failed) deps.logger.info('reconciler.run', { requeued, failed });
  return { requeued, failed };
}
