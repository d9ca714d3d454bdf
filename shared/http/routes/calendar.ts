import { createRoute } from '@hono/zod-openapi';
import { computeDeadline, explainDeadline } from '../../domain/deadline';
import { ROLES } from '../../domain/principal';
import { formatShanghai } from '../../domain/time';
import { FESTIVAL_LABELS } from '../../domain/vocabulary';
import type { CalendarService } from '../../usecases/calendar';
import { bearerAuth, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, json, problems, router } from '../env';
import { CalendarYear, CalendarYearInput, CalendarYearStored, DeadlineAnswer, DeadlineQuery, Year } from '../schemas/calendar';

const deadline = createRoute({
  method: 'get',
  path: '/v1/calendar/deadline',
  operationId: 'getDeadline',
  tags: ['calendar'],
  summary: 'When is the reply due? (for telling a caller)',
  description: 'The legal deadline of a case of this category received at this time, in working days on the calendar in force, with the days counted and the days skipped (weekends, holidays by name; makeup working days are marked among the counted).',
  security: bearer,
  request: { query: DeadlineQuery },
  responses: { 200: json(DeadlineAnswer, 'The legal deadline'), ...problems(400, ...BEARER_PROBLEMS, 403) },
});

const getYear = createRoute({
  method: 'get',
  path: '/v1/calendar/{year}',
  operationId: 'getCalendarYear',
  tags: ['calendar'],
  summary: "A year's working-day calendar and its source",
  description: 'Holidays and makeup working days of the year, and whether they are shipped, stored by an admin, or a weekends-only estimate.',
  security: bearer,
  request: { params: Year },
  responses: { 200: json(CalendarYear, 'The year'), ...problems(400, ...BEARER_PROBLEMS, 403) },
});

const putYear = createRoute({
  method: 'put',
  path: '/v1/admin/calendar/{year}',
  operationId: 'putCalendarYear',
  tags: ['admin'],
  summary: "Store a newly published year's holidays and makeup working days",
  description: 'Overrides shipped data without a deploy and moves the deadlines of open cases it affects.',
  security: bearer,
  request: { params: Year, body: { ...json(CalendarYearInput, 'The State Council notice for the year'), required: true } },
  responses: { 200: json(CalendarYearStored, 'Stored; recomputedCases says how many open deadlines moved'), ...problems(...BODY_PROBLEMS, ...BEARER_PROBLEMS, 403) },
});

export function calendarRoutes(deps: AppDeps, calendar: CalendarService) {
  const auth = bearerAuth({ verifier: deps.tokens });
  return router()
    .openapi({ ...deadline, middleware: [auth, requireRole(...ROLES)] as const }, async (c) => {
      const q = c.req.valid('query');
      const receivedAt = q.receivedAt ?? deps.clock.now();
      const working = await calendar.current();
      const due = computeDeadline(working, receivedAt, q.category, q.urgent);
      const why = explainDeadline(working, receivedAt, due.dueAt, q.urgent);
      return c.json(
        {
          receivedAt: formatShanghai(receivedAt),
          category: q.category,
          urgent: q.urgent,
          workingDays: due.workingDays,
          dueAt: formatShanghai(due.dueAt),
          calendarEstimated: due.calendarEstimated,
          receiptDay: why.receiptDay,
          countedDays: why.countedDays,
          skippedDays: why.skippedDays.map((d) => (d.festival ? { ...d, name: FESTIVAL_LABELS[d.festival]['zh-CN'] } : d)),
        },
        200,
      );
    })
    .openapi({ ...getYear, middleware: [auth, requireRole(...ROLES)] as const }, async (c) => {
      return c.json(await calendar.year(c.req.valid('param').year), 200);
    })
    .openapi({ ...putYear, middleware: [auth, requireRole('admin')] as const }, async (c) => {
      const { year } = c.req.valid('param');
      const body = c.req.valid('json');
      const { recomputedCases } = await calendar.putYear({ year, ...body }, c.get('principal').sub);
      return c.json({ ...(await calendar.year(year)), recomputedCases }, 200);
    });
}
