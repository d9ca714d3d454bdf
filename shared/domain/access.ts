import type { CaseRecord } from './case';
import type { Principal } from './principal';

/**
 * Who sees which cases, and whose personal data. Supervisors and admins see all; office staff see
 * their office's cases; operators and reception see what they logged (and may look a case up by
 * ticket number among those). Anything else is "not found", never "forbidden": a case's existence
 * is not disclosed to those who may not see it.
 */
const isSupervisor = (p: Principal) => p.roles.includes('supervisor') || p.roles.includes('admin');
const isOfficeOf = (p: Principal, c: Pick<CaseRecord, 'office'>) => p.roles.includes('office') && p.office !== undefined && p.office === c.office;
const loggedBy = (p: Principal, c: Pick<CaseRecord, 'createdBy'>) => (p.roles.includes('operator') || p.roles.includes('reception')) && c.createdBy === p.sub;

export function mayReadCase(p: Principal, c: Pick<CaseRecord, 'office' | 'createdBy'>): boolean {
  return isSupervisor(p) || isOfficeOf(p, c) || loggedBy(p, c);
}

/** The complainant's name, phone, e-mail and employer, and the caller's number. */
export function seesPersonalData(p: Principal, c: Pick<CaseRecord, 'office'>): boolean {
  return isSupervisor(p) || isOfficeOf(p, c);
}

/** The narrowing a list must apply for this caller: none, one office, or what they logged. */
export function listScope(p: Principal): { office?: string; createdBy?: string } | 'none' {
  if (isSupervisor(p)) return {};
  // One index per query: office staff with an office list their office's cases (someone who is also
  // an operator opens the cases they logged one at a time, or by ticket number).
  if (p.roles.includes('office') && p.office) return { office: p.office };
  if (p.roles.includes('operator') || p.roles.includes('reception')) return { createdBy: p.sub };
  return 'none';
}

/** The case as this caller may see it: personal data (and free-text notes, which may hold some) removed unless they may see it. */
export function redactFor<T extends Pick<CaseRecord, 'office' | 'complainant' | 'hotline' | 'notes'>>(p: Principal, c: T): T {
  if (seesPersonalData(p, c)) return c;
  const { complainant, hotline, notes, ...rest } = c;
  return {
    ...rest,
    ...(notes && { notes: notes.map((n) => ({ at: n.at, text: '' })) }),
    ...(complainant && { complainant: complainant.anonymous !== undefined ? { anonymous: complainant.anonymous } : {} }),
    ...(hotline && { hotline: { callId: hotline.callId, ...(hotline.operatorId !== undefined && { operatorId: hotline.operatorId }) } }),
  } as T;
}
