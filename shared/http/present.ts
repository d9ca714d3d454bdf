import type { z } from '@hono/zod-openapi';
import type { CaseRecord } from '../domain/case';
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
    sla: {
      dueAt: formatShanghai(r.sla.dueAt),
      workingDays: r.sla.workingDays,
      state: r.sla.state,
      calendarEstimated: r.sla.calendarEstimated,
      ...(r.sla.lastStep !== undefined && { lastStep: r.sla.lastStep }),
      ...(r.sla.timer && { nextStep: { step: r.sla.timer.step, at: formatShanghai(r.sla.timer.fireAt) } }),
    },
    ...(r.escalations?.length && {
      escalations: r.escalations.map((e) => ({ step: e.step, level: e.level, at: formatShanghai(e.at), ...(e.skipped && { skipped: e.skipped }) })),
    }),
    ...(r.office !== undefined && { office: r.office }),
    ...(r.assignedAt !== undefined && { assignedAt: formatShanghai(r.assignedAt) }),
    ...(r.routing && { routing: { ...r.routing, when: r.routing.when ? { ...r.routing.when } : null } }),
    createdAt: formatShanghai(r.createdAt),
    updatedAt: formatShanghai(r.updatedAt),
    version: r.version,
  };
}

export const etagOf = (r: CaseRecord) => `"${r.version}"`;
