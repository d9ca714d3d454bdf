import type { CaseQueue } from '../ports';
import { repairTimers, type TimerRepairDeps } from './repair-timers';

export interface ReconcileDeps extends TimerRepairDeps {
  queue: CaseQueue;
  /** A case younger than this is left alone: its message is probably on its way (and a timer this late is lost). */
  graceMs: number;
}

/**
 * The table is the truth; queues can be rebuilt from it. Every case still `received` after the
 * grace period is put on its category's queue again (the router ignores duplicates), so a failed
 * send at intake, a lost local queue or a dead-lettered message never strands a case. Then every
 * open case gets the SLA timer its record names (see repairTimers).
 */
export async function reconcile(deps: ReconcileDeps): Promise<{ requeued: number; failed: number; timersRepaired: number }> {
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
  const { repaired } = await repairTimers(deps);
  return { requeued, failed, timersRepaired: repaired };
}
