import type { CaseRecord } from '../domain/case';
import { caseHistory, type HistoryEntry } from '../domain/history';
import type { RoutingDecision } from '../domain/routing';
import { formatShanghai } from '../domain/time';
import type { CaseBody } from './schemas/cases';
import type { QuarterlyReportData, SupervisionReportData } from '../domain/report';
import type { QuarterlyReportBody, SupervisionReportBody } from './schemas/reports';

/** A stored case as the API shows it: instants in +08:00, bookkeeping fields left out. */
export function caseJson(r: CaseRecord): CaseBody {
  return {
    id: r.id,
    ticketNo: r.ticketNo,
    trackingCode: r.trackingCode,
    status: r.status,
    channel: r.channel,
    category: r.category,
    urgent: r.urgent,
    subject: r.subject,
    description: r.description,
    ...(r.topic !== undefined && { topic: r.topic }),
    ...(r.region !== undefined && { region: r.region }),
    receivedAt: formatShanghai(r.receivedAt),
    dueAt: formatShanghai(r.sla.dueAt),
    ...(r.complainant && { complainant: r.complainant }),
    ...(r.hotline && { hotline: r.hotline }),
    ...(r.walkIn && { walkIn: r.walkIn }),
    ...(r.attachments?.length && { attachments: r.attachments }),
    sla: {
      dueAt: formatShanghai(r.sla.dueAt),
      workingDays: r.sla.workingDays,
      state: r.sla.state,
      calendarEstimated: r.sla.calendarEstimated,
      ...(r.sla.lastStep !== undefined && { lastStep: r.sla.lastStep }),
      ...(r.sla.timer && { nextStep: { step: r.sla.timer.step, at: formatShanghai(r.sla.timer.fireAt) } }),
    },
    ...(r.acceptedAt !== undefined && { acceptedAt: formatShanghai(r.acceptedAt), acceptedLate: r.acceptedLate ?? false }),
    ...(r.returns && { returns: r.returns }),
    ...(r.returnReview && { returnReview: returnReviewJson(r.returnReview) }),
    ...(r.improperReturns && { improperReturns: r.improperReturns }),
    ...(r.transfers && { transfers: r.transfers }),
    ...(r.reworks && { reworks: r.reworks }),
    ...(r.extended && { extended: true }),
    ...(r.extensionReason && { extensionReason: r.extensionReason }),
    ...(r.extensionRequest && { extensionRequest: extensionRequestJson(r.extensionRequest) }),
    ...(r.problem && { problem: { at: formatShanghai(r.problem.at), reasons: [...r.problem.reasons] } }),
    ...(r.pauses?.length && {
      pauses: r.pauses.map((p) => ({ from: formatShanghai(p.from), ...(p.to !== undefined && { to: formatShanghai(p.to) }), reason: p.reason, ...(p.workingDays !== undefined && { workingDays: p.workingDays }) })),
    }),
    ...(r.notes?.length && { notes: r.notes.map((n) => ({ at: formatShanghai(n.at), text: n.text })) }),
    ...(r.reply && { reply: { ...r.reply, at: formatShanghai(r.reply.at) } }),
    ...(r.followUp && { followUp: { ...r.followUp, at: formatShanghai(r.followUp.at) } }),
    ...(r.closedAt !== undefined && { closedAt: formatShanghai(r.closedAt) }),
    ...(r.reopened && { reopened: r.reopened }),
    ...(r.possibleDuplicates?.length && { possibleDuplicates: r.possibleDuplicates }),
    ...(r.duplicateOf && { duplicateOf: r.duplicateOf }),
    ...(r.escalations?.length && {
      escalations: r.escalations.map((e) => ({ step: e.step, level: e.level, at: formatShanghai(e.at), ...(e.skipped && { skipped: e.skipped }) })),
    }),
    ...(r.office !== undefined && { office: r.office }),
    ...(r.assignedAt !== undefined && { assignedAt: formatShanghai(r.assignedAt) }),
    ...(r.routing && { routing: routingJson(r.routing) }),
    createdAt: formatShanghai(r.createdAt),
    updatedAt: formatShanghai(r.updatedAt),
    version: r.version,
  };
}

function returnReviewJson({ at, remindedAt, ...review }: NonNullable<CaseRecord['returnReview']>) {
  return { ...review, at: formatShanghai(at), ...(remindedAt !== undefined && { remindedAt: formatShanghai(remindedAt) }) };
}

function extensionRequestJson({ at, decidedAt, ...request }: NonNullable<CaseRecord['extensionRequest']>) {
  return { ...request, at: formatShanghai(at), ...(decidedAt !== undefined && { decidedAt: formatShanghai(decidedAt) }) };
}

export const etagOf = (r: CaseRecord) => `"${r.version}"`;

/** The case's history (the domain's `caseHistory`), oldest first, every time as Shanghai ISO. */
export function caseEvents(r: CaseRecord) {
  return caseHistory(r).map((e) => ({ ...e, at: formatShanghai(e.at), by: { ...e.by, roles: [...e.by.roles] }, ...(e.detail && { detail: detailJson(e) }) }));
}

/** Times in event details are stored as epoch ms; the API shows every time as Shanghai ISO. */
function detailJson(e: HistoryEntry) {
  switch (e.action) {
    case 'received':
      return { ...e.detail, receivedAt: formatShanghai(e.detail.receivedAt) };
    case 'recategorize':
    case 'extend':
    case 'approve-extension':
    case 'resume':
    case 'reopen':
      return { ...e.detail, dueAt: formatShanghai(e.detail.dueAt) };
    case 'follow-up':
      return { ...e.detail, at: formatShanghai(e.detail.at) };
    default:
      return e.detail;
  }
}

/** Why the case went where it did; the decision's time as a Shanghai ISO string, like every time. */
function routingJson({ at, when, ...decision }: RoutingDecision) {
  return { ...decision, when: when ? { ...when } : null, ...(at !== undefined && { at: formatShanghai(at) }) };
}

/** The reports as the API shows them: every time as Shanghai ISO, absent values as null. */
export function supervisionJson(r: SupervisionReportData): SupervisionReportBody {
  return {
    month: r.month,
    asOf: formatShanghai(r.asOf),
    items: r.items.map((i) => ({
      id: i.id,
      ticketNo: i.ticketNo,
      office: i.office ?? null,
      officeName: i.officeName ?? null,
      category: i.category,
      topic: i.topic ?? null,
      status: i.status,
      receivedAt: formatShanghai(i.receivedAt),
      dueAt: formatShanghai(i.dueAt),
      workingDaysLeft: i.workingDaysLeft,
      escalationLevel: i.escalationLevel,
      handlingWorkingDays: i.handlingWorkingDays,
      openAtMonthEnd: i.openAtMonthEnd,
      overdueInMonth: i.overdueInMonth,
    })),
  };
}

export function quarterlyJson(r: QuarterlyReportData): QuarterlyReportBody {
  return {
    ...r,
    clusters: r.clusters.map((c) => ({
      ...c,
      cases: c.cases.map((k) => ({
        id: k.id,
        ticketNo: k.ticketNo,
        receivedAt: formatShanghai(k.receivedAt),
        employer: k.employer ?? null,
        region: k.region ?? null,
        office: k.office ?? null,
        status: k.status,
      })),
    })),
  };
}
