import { setTimeout as sleep } from 'node:timers/promises';

export interface BackpressureOptions {
  /** Routing messages waiting or in flight, across the category queues. */
  backlog: () => Promise<number>;
  /** Above this many, new intakes wait; 0 turns the gate off. */
  limit: number;
  /** The longest an intake waits before it goes ahead anyway. */
  maxWaitMs?: number;
  /** How often the backlog is read while anyone waits (one read serves every waiter). */
  pollMs?: number;
}

/**
 * Intake waits while routing is behind. The API and the router share one process: left alone, a
 * burst of intakes takes the CPU, the queues fill faster than they drain, and a case arriving after
 * the burst waits minutes behind thousands. Holding intakes while the backlog is above the limit
 * makes intake run at the pace routing keeps, so a new case is routed seconds after its 201.
 * Nothing is refused: an intake waits at most `maxWaitMs`, then is taken as usual.
 */
export function routingBackpressure(options: BackpressureOptions): () => Promise<void> {
  const { backlog, limit, maxWaitMs = 10_000, pollMs = 100 } = options;
  let known = 0;
  let readAt = -Infinity;
  let reading: Promise<void> | undefined;
  const current = async () => {
    if (performance.now() - readAt >= pollMs) {
      reading ??= backlog()
        .then((n) => void (known = n))
        .catch(() => void (known = 0)) // the queues unreadable: never hold intake on a guess
        .finally(() => {
          readAt = performance.now();
          reading = undefined;
        });
      await reading;
    }
    return known;
  };
  return async function admit() {
    if (limit <= 0) return;
    const until = performance.now() + maxWaitMs;
    while ((await current()) > limit && performance.now() < until) await sleep(pollMs);
  };
}
