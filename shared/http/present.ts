import type { z } from '@hono/zod-openapi';
import type { CaseRecord, Status } from '../domain/case';
import type { RoutingDecision } from '../domain/routing';
import { formatShanghai } from '../domain/time';
import type { Case } from './schemas';

/** A stored case as the API shows it: instants in +08:00, bookkeeping fields left out. */
export function caseJson(r: CaseRecord): z.infer<typeof Case> {
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
    ...(r.extended && { extended: true }),
    ...(r.pauses?.length && {
      pauses: r.pauses.map((p) => ({ from: formatShanghai(p.from), ...(p.to !== undefined && { to: formatShanghai(p.to) }), reason: p.reason, ...(p.workingDays !== undefined && { workingDays: p.workingDays }) })),
    }),
    ...(r.notes?.length && { notes: r.notes.map((n) => ({ at: formatShanghai(n.at), text: n.text })) }),
    ...(r.reply && { reply: { at: formatShanghai(r.reply.at), text: r.reply.text } }),
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

export const etagOf = (r: CaseRecord) => `"${r.version}"`;

const SYSTEM = { sub: 'system', roles: [] as string[] };

/**
 * The case's history, oldest first. Each part was written by the conditional write that made it
 * (intake, the router's assignment, each escalation, each action appends its event), so the
 * history never disagrees with the case; this only merges them in time order.
 */
export function caseEvents(r: CaseRecord) {
  const items: { at: number; by: { sub: string; roles: readonly string[]; office?: string }; action: string; from?: Status; to?: Status; detail?: Record<string, unknown> }[] = [
    { at: r.createdAt, by: { sub: r.createdBy, roles: [] }, action: 'received', to: 'received', detail: { channel: r.channel, receivedAt: formatShanghai(r.receivedAt), ...(r.ignoredFields?.length && { ignoredFields: r.ignoredFields }) } },
  ];
  if (r.routing?.at !== undefined) {
    items.push({ at: r.routing.at, by: SYSTEM, action: 'routed', from: 'received', to: 'assigned', detail: { office: r.routing.office, ruleIndex: r.routing.ruleIndex, rulesVersion: r.routing.rulesVersion } });
  }
  for (const e of r.escalations ?? []) items.push({ at: e.at, by: SYSTEM, action: `escalation:${e.step}`, detail: { level: e.level, ...(e.skipped && { skipped: e.skipped }) } });
  for (const e of r.events ?? []) items.push(e);
  return items
    .sort((a, b) => a.at - b.at)
    .map((e) => ({ ...e, at: formatShanghai(e.at), by: { ...e.by, roles: [...e.by.roles] }, ...(e.detail && { detail: instantsIn(e.detail) }) }));
}

/** Times in event details are stored as epoch ms; the API shows every time as Shanghai ISO. */
const INSTANT_KEYS = new Set(['at', 'dueAt']);
function instantsIn(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, INSTANT_KEYS.has(k) && typeof v === 'number' ? formatShanghai(v) : v]));
}

/** Why the case went where it did; the decision's time as a Shanghai ISO string, like every time. */
function routingJson({ at, when, ...decision }: RoutingDecision) {
  return { ...decision, when: when ? { ...when } : null, ...(at !== undefined && { at: formatShanghai(at) }) };
}
