import type { Office } from './routing';

/**
 * 督办 steps and the ladder they copy. Pure. A step is typed here once; its id (the string on
 * timers, in `sla.lastStep` and in the X-SLA-Step header) is read by `readStep` at the edge and
 * written by `stepId`, and the severity order is `stepRank` alone.
 *
 * - `warning`: yellow card (即将超期), level 1, to the office, cc the head of office.
 * - `breach`: red card (已超期), the first notice after the deadline passed, level 2, cc the head and
 *   the supervising leader.
 * - `overdue-<n>`: daily supervision (督办) on the n-th overdue working day; level 2 at first,
 *   level 3 (which also copies the chairman) from the policy's `chairmanFromOverdueDay`.
 */
export type EscalationStep = { kind: 'warning' } | { kind: 'breach' } | { kind: 'overdue'; day: number };

/** A step's id: 'warning', 'breach', or 'overdue-<n>' (n ≥ 1, the overdue working day). */
export type StepId = 'warning' | 'breach' | `overdue-${number}`;

/** 1 office + head · 2 + supervisor · 3 + chairman. */
export type EscalationLevel = 1 | 2 | 3;

const OVERDUE_ID = /^overdue-([1-9]\d{0,3})$/;

/** Reads a step id (a timer payload, a stored `sla.lastStep`); undefined for anything else. */
export function readStep(id: string): EscalationStep | undefined {
  if (id === 'warning' || id === 'breach') return { kind: id };
  const m = OVERDUE_ID.exec(id);
  return m?.[1] ? { kind: 'overdue', day: Number(m[1]) } : undefined;
}

/** Reads a step id that must be one; throws RangeError for anything else (it also goes into a mail header). */
export function parseEscalationStep(id: string): EscalationStep {
  const step = readStep(id);
  if (!step) throw new RangeError(`unknown SLA step: ${JSON.stringify(id)}`);
  return step;
}

export function stepId(step: EscalationStep): StepId {
  return step.kind === 'overdue' ? `overdue-${step.day}` : step.kind;
}

/** Severity order: warning 0, breach 1, overdue-n 1 + n. */
export function stepRank(step: EscalationStep): number {
  return step.kind === 'warning' ? 0 : step.kind === 'breach' ? 1 : 1 + step.day;
}

/** The step of a rank (the inverse of stepRank). */
export function stepAtRank(rank: number): EscalationStep {
  return rank === 0 ? { kind: 'warning' } : rank === 1 ? { kind: 'breach' } : { kind: 'overdue', day: rank - 1 };
}

/** The rank of the most severe step handled so far, -1 before any (or for an id no step has). */
export function lastHandledRank(sla: { lastStep?: string }): number {
  const last = sla.lastStep === undefined ? undefined : readStep(sla.lastStep);
  return last ? stepRank(last) : -1;
}

export type EscalationRole = 'head' | 'supervisor' | 'chairman';

/** The ladder each level copies, lowest rung first. */
export const ROLES_BY_LEVEL: Readonly<Record<EscalationLevel, readonly EscalationRole[]>> = {
  1: ['head'],
  2: ['head', 'supervisor'],
  3: ['head', 'supervisor', 'chairman'],
};

type Ladder = Pick<Office, 'email' | 'escalation'>;

/** To the office; cc the level's ladder. Addresses are trimmed and compared case-insensitively; cc never repeats `to`. */
export function escalationRecipients(office: Ladder, level: EscalationLevel): { to: string[]; cc: string[] } {
  const seen = new Set<string>();
  const take = (list: readonly string[]) => {
    const out: string[] = [];
    for (const raw of list) {
      const address = raw.trim();
      const key = address.toLowerCase();
      if (!address || seen.has(key)) continue;
      seen.add(key);
      out.push(address);
    }
    return out;
  };
  const to = take([office.email]);
  const cc = take(ROLES_BY_LEVEL[level].flatMap((role) => office.escalation[role] ?? []));
  return { to, cc };
}

/**
 * Each role of the level's ladder, and whether one of its addresses is on the message: a role with
 * no address configured was not copied, and a notice must not say the chairman knows unless he does.
 */
export function ladderReach(office: Ladder, level: EscalationLevel): { role: EscalationRole; reached: boolean }[] {
  const { to, cc } = escalationRecipients(office, level);
  const onMessage = new Set([...to, ...cc].map((a) => a.toLowerCase()));
  return ROLES_BY_LEVEL[level].map((role) => ({ role, reached: (office.escalation[role] ?? []).some((a) => onMessage.has(a.trim().toLowerCase())) }));
}
