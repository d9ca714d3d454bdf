import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ForbiddenError, ValidationError } from '../../domain/errors';
import { hasAnyRole, type Principal } from '../../domain/principal';
import { dayString, monthOf } from '../../domain/report';
import { civilFromDays, shanghaiDayOf } from '../../domain/time';
import { quarterlyReport, summaryReport, supervisionReport, type ReportDeps, type ReportScope } from '../../usecases/reports';
import { bearerAuth } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, json, problems, router } from '../env';
import { quarterlyCsv, summaryCsv, supervisionCsv } from '../../reports/csv';
import { quarterlyHtml, summaryHtml, supervisionHtml } from '../../reports/html';
import { quarterlyJson, supervisionJson } from '../present';
import { formatShanghai } from '../../domain/time';
import { queueCounts } from '../../usecases/queue-counts';
import { QuarterlyQuery, QuarterlyReport, QueueCountsReport, SummaryQuery, SummaryReport, SupervisionQuery, SupervisionReport } from '../schemas/reports';

/** Longest summary period: a year and a day, so a calendar year compares with any twelve months. */
const MAX_SUMMARY_DAYS = 366;

const reportResponses = <T extends z.ZodType>(schema: T, description: string) => ({
  200: {
    description: `${description}. JSON by default; Accept: text/csv gives UTF-8 CSV with a BOM and zh-CN headers; Accept: text/html a printable page with charts`,
    content: {
      'application/json': { schema },
      'text/csv': { schema: { type: 'string' as const } },
      'text/html': { schema: { type: 'string' as const } },
    },
    headers: { 'Content-Disposition': { description: 'CSV only: a file name that says what it is', schema: { type: 'string' as const } } },
  },
  ...problems(400, ...BEARER_PROBLEMS, 403),
});

const summaryRoute = createRoute({
  method: 'get',
  path: '/v1/reports/summary',
  operationId: 'getSummaryReport',
  tags: ['reports'],
  summary: 'Figures of the cases received in a period, per group and in total',
  description: 'Received per channel, replied, on time, overdue, signed for, satisfaction: the cohort received in the period as it stands now.',
  security: bearer,
  request: { query: SummaryQuery },
  responses: reportResponses(SummaryReport, 'The summary'),
});
const supervisionRoute = createRoute({
  method: 'get',
  path: '/v1/reports/supervision',
  operationId: 'getSupervisionReport',
  tags: ['reports'],
  summary: '督办清单: the monthly chase list',
  description: 'Every case open at month end or overdue during the month, most overdue first.',
  security: bearer,
  request: { query: SupervisionQuery },
  responses: reportResponses(SupervisionReport, 'The chase list'),
});
const quarterlyRoute = createRoute({
  method: 'get',
  path: '/v1/reports/quarterly',
  operationId: 'getQuarterlyReport',
  tags: ['reports'],
  summary: 'Quarterly analysis',
  description: 'The quarter by office, the change on the previous quarter, top topics, and the same problem at several sites or regions.',
  security: bearer,
  request: { query: QuarterlyQuery },
  responses: reportResponses(QuarterlyReport, 'The analysis'),
});

const queueRoute = createRoute({
  method: 'get',
  path: '/v1/reports/queue',
  operationId: 'getQueueCounts',
  tags: ['reports'],
  summary: 'The work queues now: open cases per office',
  description: "To sign for, in progress, paused, due soon and overdue, per office and in total — the console's queue page (office staff: their office).",
  security: bearer,
  responses: { 200: json(QueueCountsReport, 'Counts per office and in total'), ...problems(...BEARER_PROBLEMS, 403) },
});

/** Supervisors and admins see every case; office staff their office's; nobody else any. */
export function reportScope(p: Principal): ReportScope {
  if (hasAnyRole(p, ['supervisor', 'admin'])) return {};
  if (p.roles.includes('office') && p.office) return { office: p.office };
  throw new ForbiddenError('Reports are for supervisors, admins and office staff (their own office)');
}

type Format = 'json' | 'csv' | 'html';
function formatOf(c: Context, explicit: Format | undefined): Format {
  if (explicit) return explicit;
  const accept = c.req.header('accept') ?? '';
  if (/\btext\/csv\b/.test(accept)) return 'csv';
  if (/\btext\/html\b/.test(accept) && !/\bapplication\/json\b/.test(accept)) return 'html';
  return 'json';
}

/** One report in the asked format; CSV downloads under a name that says what it is. */
function respond(c: Context, format: Format, name: string, body: { json: unknown; csv: () => string; html: () => string }): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept');
  if (format === 'csv') {
    c.header('Content-Disposition', `attachment; filename="${name}.csv"`);
    return c.body(body.csv(), 200, { 'Content-Type': 'text/csv; charset=utf-8' });
  }
  if (format === 'html') return c.html(body.html(), 200);
  return c.json(body.json, 200);
}

export function reportRoutes(deps: AppDeps) {
  const auth = bearerAuth({ verifier: deps.tokens });
  const reports: ReportDeps = deps;
  const today = () => dayString(deps.clock.now());
  return router()
    .openapi({ ...queueRoute, middleware: [auth] as const }, async (c) => {
      const r = await queueCounts(reports, reportScope(c.get('principal')));
      c.header('Cache-Control', 'no-store');
      return c.json({ ...r, asOf: formatShanghai(r.asOf) }, 200);
    })
    .openapi({ ...summaryRoute, middleware: [auth] as const }, async (c) => {
      const scope = reportScope(c.get('principal'));
      const q = c.req.valid('query');
      const from = q.from ?? `${monthOf(deps.clock.now())}-01`;
      const to = q.to ?? today();
      checkPeriod(from, to);
      const r = await summaryReport(reports, { from, to, groupBy: q.groupBy }, scope);
      return respond(c, formatOf(c, q.format), `summary-${from}-${to}-${q.groupBy}`, { json: r, csv: () => summaryCsv(r), html: () => summaryHtml(r) }) as never;
    })
    .openapi({ ...supervisionRoute, middleware: [auth] as const }, async (c) => {
      const scope = reportScope(c.get('principal'));
      const q = c.req.valid('query');
      const month = q.month ?? monthOf(deps.clock.now());
      const r = await supervisionReport(reports, month, scope);
      return respond(c, formatOf(c, q.format), `supervision-${month}`, { json: supervisionJson(r), csv: () => supervisionCsv(r), html: () => supervisionHtml(r) }) as never;
    })
    .openapi({ ...quarterlyRoute, middleware: [auth] as const }, async (c) => {
      const scope = reportScope(c.get('principal'));
      const q = c.req.valid('query');
      const quarter = q.quarter ?? currentQuarter(deps.clock.now());
      const r = await quarterlyReport(reports, quarter, scope);
      return respond(c, formatOf(c, q.format), `quarterly-${quarter}`, { json: quarterlyJson(r), csv: () => quarterlyCsv(r), html: () => quarterlyHtml(r) }) as never;
    });
}

function checkPeriod(from: string, to: string): void {
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days < 0) throw new ValidationError('Invalid period', [{ path: 'query.to', message: 'must not be before from' }]);
  if (days >= MAX_SUMMARY_DAYS) throw new ValidationError('Invalid period', [{ path: 'query.to', message: `the period may span at most ${MAX_SUMMARY_DAYS} days` }]);
}

function currentQuarter(now: number): string {
  const { year, month } = civilFromDays(shanghaiDayOf(now));
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}
