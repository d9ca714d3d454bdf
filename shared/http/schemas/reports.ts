import { z } from '@hono/zod-openapi';
import { GROUP_BY } from '../../domain/report';
import { Category, instantOut, isoDay, Status } from './common';

/**
 * The reports as JSON (GET /v1/reports/…; CSV and HTML are rendered from the use cases' data):
 * the summary, the monthly 督办 list, the quarterly analysis and the live queue counts.
 */

const rate = z.number().min(0).max(1).nullable();
export const FiguresSchema = z
  .object({
    received: z.number().int().openapi({ description: '受理: cases received in the period (walk-in batches count once; duplicates apart, in `duplicates`)' }),
    hotlineCalls: z.number().int(),
    mailboxLetters: z.number().int(),
    walkInBatches: z.number().int().openapi({ description: '来访批次' }),
    walkInPersons: z.number().int().openapi({ description: '来访人次' }),
    replied: z.number().int().openapi({ description: 'Of those, replied (答复) so far' }),
    repliedOnTime: z.number().int(),
    onTimeRate: rate.openapi({ description: 'repliedOnTime / replied; null when nothing was replied' }),
    overdueNow: z.number().int().openapi({ description: 'Still open (not paused) and past the deadline now' }),
    signedOnTime: z.number().int(),
    signOnTimeRate: rate.openapi({ description: 'Signed for (签收) within the sign-for time / signed for' }),
    avgWorkingDaysToReply: z.number().nullable().openapi({ description: 'Working days from receipt to the first reply (the day of receipt not counted)' }),
    extensions: z.number().int().openapi({ description: '延期' }),
    returns: z.number().int().openapi({ description: '退单' }),
    followUps: z.number().int().openapi({ description: '回访: replies followed up' }),
    satisfactionRate: rate.openapi({ description: '(satisfied + basically satisfied) / rated' }),
    returnRate: rate.openapi({ description: '回退率: cases sent back (退单) at least once / received' }),
    improperReturns: z.number().int().openapi({ description: '不当退单: send-backs a supervisor rejected' }),
    reworkRate: rate.openapi({ description: '重办率: replied cases reopened / replied' }),
    resolvedRate: rate.openapi({ description: '解决率: followed up and resolved / followed up' }),
    ratedShare: rate.openapi({ description: '参评率: replied cases rated by the complainant / replied' }),
    followUpRate: rate.openapi({ description: '回访率: replied cases followed up / replied' }),
    duplicates: z.number().int().openapi({ description: '重复件: cases linked to another (duplicateOf) and closed; counted in no other figure' }),
  })
  .openapi('Figures');
export type FiguresBody = z.infer<typeof FiguresSchema>;

export const GroupBySchema = z.enum(GROUP_BY);

export const SummaryReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: GroupBySchema,
    total: FiguresSchema,
    groups: z.array(z.object({ key: z.string(), label: z.string() }).extend(FiguresSchema.shape)),
  })
  .openapi('SummaryReport');
export type SummaryReportBody = z.infer<typeof SummaryReport>;

export const SupervisionItem = z
  .object({
    id: z.string(),
    ticketNo: z.string(),
    office: z.string().nullable(),
    officeName: z.string().nullable(),
    category: Category,
    topic: z.string().nullable(),
    status: Status,
    receivedAt: instantOut,
    dueAt: instantOut,
    workingDaysLeft: z.number().int().openapi({ description: 'At month end (or now): working days left (≥ 0) or over (< 0)' }),
    escalationLevel: z.number().int().min(0).max(3).openapi({ description: '督办 level reached: 0 none, 1 warning, 2 head/supervisor, 3 chairman' }),
    handlingWorkingDays: z.number().int().openapi({ description: '办理周期: working days since receipt' }),
    openAtMonthEnd: z.boolean(),
    overdueInMonth: z.boolean(),
  })
  .openapi('SupervisionItem');

export const SupervisionReport = z
  .object({ month: z.string(), asOf: instantOut, items: z.array(SupervisionItem) })
  .openapi('SupervisionReport');
/** The 督办 list on the wire: instants as +08:00 strings (the use case's SupervisionReportData has epoch ms). */
export type SupervisionReportBody = z.infer<typeof SupervisionReport>;

export const ClusterSchema = z
  .object({
    topic: z.string(),
    label: z.string(),
    sites: z.array(z.string()),
    regions: z.array(z.string()),
    cases: z.array(
      z.object({ id: z.string(), ticketNo: z.string(), receivedAt: instantOut, employer: z.string().nullable(), region: z.string().nullable(), office: z.string().nullable(), status: Status }),
    ),
  })
  .openapi('Cluster');

export const QuarterlyReport = z
  .object({
    quarter: z.string(),
    previousQuarter: z.string(),
    summary: SummaryReport.openapi({ description: 'The quarter, grouped by office' }),
    previous: FiguresSchema.openapi({ description: 'The previous quarter in total' }),
    change: z.record(z.string(), z.number().nullable()).openapi({ description: 'This quarter minus the previous, per figure (null when either is null)' }),
    monthly: z.array(z.object({ month: z.string(), hotline: z.number().int(), mailbox: z.number().int(), walk_in: z.number().int() })).openapi({ description: 'Cases by channel per month' }),
    topTopics: z.array(z.object({ topic: z.string(), label: z.string(), received: z.number().int() })),
    clusters: z.array(ClusterSchema).openapi({ description: 'The same topic from two or more employers/sites or regions in the quarter' }),
  })
  .openapi('QuarterlyReport');
/** The quarterly analysis on the wire: instants as +08:00 strings (the use case's QuarterlyReportData has epoch ms). */
export type QuarterlyReportBody = z.infer<typeof QuarterlyReport>;

const reportFormat = z.enum(['json', 'csv', 'html']).optional().openapi({ description: 'Instead of the Accept header: json, csv (UTF-8 with BOM, zh-CN headers, for Excel) or html (printable, with charts)' });
export const SummaryQuery = z
  .strictObject({
    from: isoDay.optional().openapi({ description: 'First day of receipt (Shanghai), inclusive. Default: the first of this month', example: '2026-07-01' }),
    to: isoDay.optional().openapi({ description: 'Last day of receipt, inclusive. Default: today', example: '2026-09-30' }),
    groupBy: GroupBySchema.default('channel'),
    format: reportFormat,
  })
  .openapi('SummaryQuery');
export const SupervisionQuery = z
  .strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM').optional().openapi({ description: 'Default: this month (as of now)', example: '2026-10' }),
    format: reportFormat,
  })
  .openapi('SupervisionQuery');
export const QuarterlyQuery = z
  .strictObject({
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter YYYY-Qn').optional().openapi({ description: 'Default: this quarter', example: '2026-Q3' }),
    format: reportFormat,
  })
  .openapi('QuarterlyQuery');

const queueCounts = {
  open: z.number().int().openapi({ description: 'Assigned, in progress or paused' }),
  assigned: z.number().int().openapi({ description: 'Waiting to be signed for (待签收)' }),
  inProgress: z.number().int(),
  paused: z.number().int(),
  dueSoon: z.number().int().openapi({ description: '即将超期: warned, deadline not yet passed' }),
  overdue: z.number().int().openapi({ description: '已超期: past the deadline, not paused' }),
};
export const QueueCountsReport = z
  .object({
    asOf: instantOut,
    total: z.object(queueCounts),
    offices: z.array(z.object({ office: z.string(), officeName: z.string().nullable(), ...queueCounts })).openapi({ description: 'Most overdue first' }),
  })
  .openapi('QueueCountsReport');
