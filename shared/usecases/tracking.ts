import { timingSafeEqual } from 'node:crypto';
import { replyFollowedUp, type CaseRecord, type Category, type Status } from '../domain/case';
import { NotFoundError, PreconditionFailedError } from '../domain/errors';
import type { Satisfaction } from '../domain/lifecycle';
import type { CaseStore, OfficeStore } from '../ports';
import { commitAction, type ActDeps } from './act';

/** What the complainant sees happen to their case, in order. Internal steps (notes, returns, escalations) are not shown. */
export type TimelineKind = 'received' | 'assigned' | 'accepted' | 'category_changed' | 'extended' | 'paused' | 'resumed' | 'replied' | 'rated' | 'reopened' | 'closed';

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
  const names = new Map<string, string | undefined>();
  const officeName = async (id: unknown) => {
    if (typeof id !== 'string') return undefined;
    if (!names.has(id)) names.set(id, (await offices.get(id))?.name);
    return names.get(id);
  };
  const timeline: TimelineEntry[] = [{ at: r.receivedAt, kind: 'received' }];
  if (r.routing?.at !== undefined) timeline.push({ at: r.routing.at, kind: 'assigned', ...withName(await officeName(r.routing.office)) });
  for (const e of r.events ?? []) {
    const d = e.detail ?? {};
    const dueAt = typeof d.dueAt === 'number' ? { dueAt: d.dueAt } : {};
    switch (e.action) {
      case 'assign':
        timeline.push({ at: e.at, kind: 'assigned', ...withName(await officeName(d.to)) });
        break;
      case 'accept':
        timeline.push({ at: e.at, kind: 'accepted', ...withName(await officeName(e.by.office ?? officeAt(r, e.at))) });
        break;
      case 'recategorize':
        timeline.push({ at: e.at, kind: 'category_changed', category: d.to as Category, ...dueAt });
        break;
      case 'extend':
        timeline.push({ at: e.at, kind: 'extended', category: 'investigation', ...dueAt });
        break;
      case 'pause':
      case 'resume':
      case 'reopen':
        timeline.push({ at: e.at, kind: e.action === 'pause' ? 'paused' : e.action === 'resume' ? 'resumed' : 'reopened', ...dueAt });
        break;
      case 'reply':
        // Replies before this event model kept their text only on the case.
        timeline.push({ at: e.at, kind: 'replied', text: typeof d.text === 'string' ? d.text : r.reply?.at === e.at ? r.reply.text : '' });
        break;
      case 'follow-up':
        timeline.push({ at: e.at, kind: 'rated', resolved: d.resolved === true, satisfaction: d.satisfaction as Satisfaction });
        if (e.to === 'closed') timeline.push({ at: e.at, kind: 'closed' });
        break;
      case 'close':
        timeline.push({ at: e.at, kind: 'closed' });
        break;
      case 'link':
        // The complainant's own earlier case: its ticket number is theirs to know, nothing else of it.
        timeline.push({ at: e.at, kind: 'closed', ...(typeof d.duplicateOf === 'string' && { mergedInto: d.duplicateOf }) });
        break;
    }
  }
  timeline.sort((a, b) => a.at - b.at);
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

const withName = (name: string | undefined) => (name ? { office: name } : {});

/** The office a case was with at `at` (the last assignment before it), for an accept by a supervisor. */
function officeAt(r: CaseRecord, at: number): string | undefined {
  let office = r.routing?.at !== undefined && r.routing.at <= at ? r.routing.office : undefined;
  for (const e of r.events ?? []) if (e.at <= at && e.action === 'assign' && typeof e.detail?.to === 'string') office = e.detail.to;
  return office;
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
