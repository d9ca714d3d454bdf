import { shippedCalendarYears } from '../shared/calendar/shipped';
import { WorkingCalendar } from '../shared/domain/calendar';
import { CATEGORIES, type Category } from '../shared/domain/case';
import { computeDeadline } from '../shared/domain/deadline';
import { prng } from '../test/support/random';

export interface DeadlineResult {
  ops: number;
  elapsedMs: number;
  perSecond: number;
  /** Share of the inputs whose deadline is flagged calendarEstimated (2027 has no shipped data). */
  estimatedShare: number;
}

interface Input {
  receivedAt: number;
  category: Category;
  urgent: boolean;
}

/** Receipt instants over 2024–2026 (official data) and ~10 % in 2027 (estimated), all categories, ~10 % urgent. */
function inputs(count: number): Input[] {
  const random = prng(20_260_302);
  const from = Date.parse('2024-01-01T00:00:00+08:00');
  const to2027 = Date.parse('2027-01-01T00:00:00+08:00');
  const end = Date.parse('2028-01-01T00:00:00+08:00');
  return Array.from({ length: count }, () => {
    const estimated = random() < 0.1;
    const receivedAt = Math.floor(estimated ? to2027 + random() * (end - to2027) : from + random() * (to2027 - from));
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)] ?? 'advice';
    return { receivedAt, category, urgent: random() < 0.1 };
  });
}

export function benchDeadline(options: { inputs?: number; warmupMs?: number; minMs?: number } = {}): DeadlineResult {
  const calendar = new WorkingCalendar(shippedCalendarYears().map((y) => ({ ...y, source: 'shipped' as const })));
  const data = inputs(options.inputs ?? 100_000);
  let sink = 0;
  let estimated = 0;
  const pass = (): void => {
    for (const x of data) {
      const d = computeDeadline(calendar, x.receivedAt, x.category, x.urgent);
      sink = (sink + d.dueAt + (d.calendarEstimated ? 1 : 0)) % 1_000_000_007;
    }
  };
  for (const x of data) if (computeDeadline(calendar, x.receivedAt, x.category, x.urgent).calendarEstimated) estimated++;

  const warmupEnd = performance.now() + (options.warmupMs ?? 300);
  while (performance.now() < warmupEnd) pass();

  const minMs = options.minMs ?? 1000;
  let ops = 0;
  const started = performance.now();
  let elapsedMs: number;
  do {
    pass();
    ops += data.length;
    elapsedMs = performance.now() - started;
  } while (elapsedMs < minMs);
  // Keep the results observable so the work cannot be optimised away.
  if (sink < 0) console.log(sink);
  return { ops, elapsedMs, perSecond: (ops * 1000) / elapsedMs, estimatedShare: estimated / data.length };
}
