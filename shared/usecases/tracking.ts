import { timingSafeEqual } from 'node:crypto';
import { replyFollowedUp, type CaseRecord, type Category, type Status } from '../domain/case';
import { NotFoundError, PreconditionFailedError } from '../domain/errors';
import { publicTimeline, type PublicStep } from '../domain/history';
import type { Satisfaction } from '../domain/lifecycle';
import type { CaseStore, OfficeStore } from '../ports';
import { commitAction, type ActDeps } from './act';

/** What the complainant sees happen to their case, in order (the domain's `publicTimeline`). Internal steps (notes, returns, escalations) are not shown. */
export type TimelineKind = PublicStep['kind'];

/** A public step as shown: the office by its name (assigned, accepted). */
export interface TimelineEntry {
  at: number;
  kind: TimelineKind;
  /** The office's name (assigned, accepted). */
  office?: string;
  /** The deadline after this step (category_changed, extended, resumed, reopened). */
  dueAt?: number;
  category?: Category;
  /** The reply (replied). */
  text?: string;
  resolved?: boolean;
  satisfaction?: Satisfaction;
}

export interface PublicCaseView {
  ticketNo: string;
  status: Status;
  category: Category;
  receivedAt: number;
  dueAt: number;
  extended: boolean;
  timeline: TimelineEntry[];
  reply: { at: number; text: string } | null;
  followUp: { at: number; resolved: boolean; satisfaction: Satisfaction; comment?: string } | null;
  /** Whether the complainant may rate the reply now (once per reply). */
  mayRate: boolean;
}

export interface Rating {
  resolved: boolean;
  satisfaction: Satisfaction;
  comment?: string;
}

/** The author of a follow-up given on the tracking page: the holder of the ticket's code, not a user. */
export const COMPLAINANT = { sub: 'complainant', roles: ['complainant'] } as const;

/**
 * What a complainant may see with ticket number and tracking code: status, dates and the public
 * timeline, nothing personal and nothing internal. An unknown ticket and a wrong code are
 * indistinguishable to the caller.
 */
export async function trackCase(deps: { cases: CaseStore; offices: OfficeStore }, ticketNo: string, code: string): Promise<PublicCaseView> {
  return publicView(deps.offices, await findTracked(deps.cases, ticketNo, code));
}

/**
 * The complainant's own rating of the reply (回访 on the tracking page): the same follow-up an
 * office records after a call, written on the version just read. If staff change the case at that
 * moment the rating is applied again on the new version (a few tries), so it is never lost to a race.
 */
export async function rateFromTracking(deps: ActDeps, ticketNo: string, code: string, rating: Rating): Promise<PublicCaseView> {
  for (let attempt = 1; ; attempt++) {
    const record = await findTracked(deps.cases, ticketNo, code);
    try {
      const next = await commitAction(deps, record, { action: 'follow-up', ...rating }, COMPLAINANT);
      return await publicView(deps.offices, next);
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || attempt === 3) throw err;
    }
  }
}

async function findTracked(cases: CaseStore, ticketNo: string, code: string): Promise<CaseRecord> {
  const record = await cases.getByTicket(ticketNo);
  if (!record || !sameCode(record.trackingCode, code.toUpperCase())) {
    throw new NotFoundError('No case matches this ticket number and tracking code');
  }
  return record;
}

export function mayRate(r: Pick<CaseRecord, 'status' | 'reply' | 'followUp'>): boolean {
  return r.status === 'replied' && !replyFollowedUp(r);
}

async function publicView(offices: OfficeStore, r: CaseRecord): Promise<PublicCaseView> {
  const steps = publicTimeline(r);
  const ids = new Set(steps.flatMap((s) => ('officeId' in s && s.officeId !== undefined ? [s.officeId] : [])));
  const names = new Map(await Promise.all([...ids].map(async (id) => [id, (await offices.get(id))?.name] as const)));
  const timeline = steps.map((s): TimelineEntry => {
    if (!('officeId' in s)) return s;
    const { officeId, ...rest } = s;
    const name = officeId === undefined ? undefined : names.get(officeId);
    return { ...rest, ...(name && { office: name }) };
  });
  return {
    ticketNo: r.ticketNo,
    status: r.status,
    category: r.category,
    receivedAt: r.receivedAt,
    dueAt: r.sla.dueAt,
    extended: r.extended === true,
    timeline,
    reply: r.reply ? { at: r.reply.at, text: r.reply.text } : null,
    followUp: r.followUp ?? null,
    mayRate: mayRate(r),
  };
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
