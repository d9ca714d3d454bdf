import type { Status } from '../domain/case';
import type { ReportDeps, ReportScope } from './reports';

/** How one office's queue stands now (or every office's, in the total). */
export interface QueueCounts {
  /** Open cases: assigned, in progress or paused (received ones are still being routed). */
  open: number;
  assigned: number;
  inProgress: number;
  paused: number;
  /** Warned (即将超期) and not yet past the deadline. */
  dueSoon: number;
  /** Past the deadline and not paused (已超期). */
  overdue: number;
}

export interface QueueCountsReport {
  asOf: number;
  total: QueueCounts;
  offices: (QueueCounts & { office: string; officeName: string | null })[];
}

const zero = (): QueueCounts => ({ open: 0, assigned: 0, inProgress: 0, paused: 0, dueSoon: 0, overdue: 0 });
const STATUS_FIELD: Partial<Record<Status, 'assigned' | 'inProgress' | 'paused'>> = { assigned: 'assigned', in_progress: 'inProgress', paused: 'paused' };

/**
 * The counts the console's queue page heads with: per office and in total, from the report facts
 * of the open cases (one index query, no case reads), so it stays fast at ten thousand open cases.
 */
export async function queueCounts(deps: Pick<ReportDeps, 'reports' | 'offices' | 'clock'>, scope: ReportScope = {}): Promise<QueueCountsReport> {
  const now = deps.clock.now();
  const [facts, offices] = await Promise.all([deps.reports.openFactsReceivedBefore(now + 1), deps.offices.list()]);
  const total = zero();
  const byOffice = new Map<string, QueueCounts>();
  for (const f of facts) {
    const field = STATUS_FIELD[f.status];
    if (!field || f.office === undefined || (scope.office !== undefined && f.office !== scope.office)) continue;
    let counts = byOffice.get(f.office);
    if (!counts) byOffice.set(f.office, (counts = zero()));
    const overdue = f.status !== 'paused' && now > f.dueAt;
    const dueSoon = !overdue && f.status !== 'paused' && f.escalationLevel >= 1;
    for (const c of [counts, total]) {
      c.open++;
      c[field]++;
      if (overdue) c.overdue++;
      if (dueSoon) c.dueSoon++;
    }
  }
  const names = new Map(offices.map((o) => [o.id, o.name]));
  if (scope.office !== undefined && !byOffice.has(scope.office)) byOffice.set(scope.office, zero());
  return {
    asOf: now,
    total,
    offices: [...byOffice]
      .map(([office, c]) => ({ office, officeName: names.get(office) ?? null, ...c }))
      .sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.office.localeCompare(b.office)),
  };
}
