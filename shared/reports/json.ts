import type { z } from '@hono/zod-openapi';
import { formatShanghai } from '../domain/time';
import type { QuarterlyReportData, SupervisionReportData } from '../usecases/reports';
import type { QuarterlyReport, SupervisionReport } from '../http/schemas/reports';

/** The reports as the API shows them: every time as Shanghai ISO, absent values as null. */
export function supervisionJson(r: SupervisionReportData): z.infer<typeof SupervisionReport> {
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

export function quarterlyJson(r: QuarterlyReportData): z.infer<typeof QuarterlyReport> {
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
