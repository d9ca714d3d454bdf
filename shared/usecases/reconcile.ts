import type { CaseQueue, NoticeLedger, ReportFactStore } from '../ports';
import { owesNotice } from './case-notices';
import { assignmentNoticeKey } from './route-case';
import { repairTimerOf, repairTimers, type TimerRepairDeps } from './repair-timers';

export interface ReconcileDeps extends TimerRepairDeps {
  queue: CaseQueue;
  /** A case younger than this is left alone: its message is probably on its way (and a timer this late is lost). */
  graceMs: number;
  /**
   * The queue's visibility timeout: a message being routed is hidden this long before it is offered
   * again. A case is re-sent only once its last send is older than this plus the grace, so a backlog
   * is never fed copies of messages still waiting or in flight.
   */
  redeliveryMs?: number;
  /**
   * Check the timer of every open case (the default), or only of the cases changed in the sweep's
   * window. The full check reads every open case, so its cost grows with the table: the local
   * runtime runs it at start-up and every half hour, and the cheap pass in between.
   */
  allTimers?: boolean;
  reports: ReportFactStore;
  notices: NoticeLedger;
}

/** How far back each run re-syncs report facts: several runs' worth, so one failed run loses nothing. */
export const FACTS_SWEEP_MS = 30 * 60_000;

/**
 * The table is the truth; queues can be rebuilt from it. Every case still `received` whose last
 * send is older than the queue's visibility timeout plus the grace is put on its category's queue again (the router ignores duplicates), so a failed
 * send at intake, a lost local queue or a dead-lettered message never strands a case. Then every
 * open case gets the SLA timer its record names (see repairTimers), and every case changed in the
 * last half hour its report facts (a no-op write where they are already in step) and, if it waits
 * to be signed for by an office never told of it, its queue message again.
 */
export async function reconcile(deps: ReconcileDeps): Promise<{ requeued: number; failed: number; timersRepaired: number; factsRepaired: number; noticesRequeued: number }> {
  let requeued = 0;
  let failed = 0;
  const now = deps.clock.now();
  for await (const c of deps.cases.receivedBefore(now - deps.graceMs - (deps.redeliveryMs ?? 0))) {
    try {
      await deps.queue.send({ caseId: c.id, category: c.category, version: c.version });
      await deps.cases.markQueued(c.id, now);
      requeued++;
    } catch (err) {
      failed++;
      deps.logger.warn('reconciler.enqueue_failed', { caseId: c.id, error: err });
    }
  }
  if (requeued || failed) deps.logger.info('reconciler.run', { requeued, failed });
  const full = deps.allTimers ?? true;
  const { repaired } = full ? await repairTimers(deps) : { repaired: 0 };
  const swept = await sweepRecentChanges(deps, !full);
  return { requeued, failed, timersRepaired: repaired + swept.timers, factsRepaired: swept.facts, noticesRequeued: swept.notices };
}

/**
 * Cases changed lately: their report facts written (a no-op where in step), and a case waiting to be
 * signed for whose office was never told (a transfer whose e-mail and queue message both failed)
 * put on its queue again, for the router to send the notice.
 */
async function sweepRecentChanges(deps: ReconcileDeps, withTimers: boolean): Promise<{ facts: number; notices: number; timers: number }> {
  const now = deps.clock.now();
  const calendar = withTimers ? await deps.calendar.current() : undefined;
  let facts = 0;
  let notices = 0;
  let timers = 0;
  for await (const c of deps.cases.updatedSince(now - FACTS_SWEEP_MS, now)) {
    if (await deps.reports.sync(c)) facts++;
    if (calendar && (await repairTimerOf(deps, calendar, c, now))) timers++;
    const officeOwed = c.status === 'assigned' && c.office && c.assignedAt !== undefined && c.assignedAt < now - deps.graceMs && !(await deps.notices.isSent(c.id, assignmentNoticeKey(c)));
    // A notice an action made owed and could not send (the router sends whatever a case owes).
    if (officeOwed || (c.updatedAt < now - deps.graceMs && (await owesNotice(deps.notices, c)))) {
      await deps.queue.send({ caseId: c.id, category: c.category, version: c.version });
      notices++;
    }
  }
  if (facts) deps.logger.warn('reconciler.facts_repaired', { repaired: facts });
  if (notices) deps.logger.warn('reconciler.notices_requeued', { requeued: notices });
  if (timers) deps.logger.info('reconciler.timers_repaired', { repaired: timers, recentOnly: true });
  return { facts, notices, timers };
}
