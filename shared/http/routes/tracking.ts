import { createRoute } from '@hono/zod-openapi';
import { formatShanghai } from '../../domain/time';
import type { ActDeps } from '../../usecases/act';
import { rateFromTracking, trackCase, type PublicCaseView } from '../../usecases/tracking';
import type { AppDeps } from '../deps';
import { BODY_PROBLEMS, json, noAuth, problems, router } from '../env';
import { rateLimit } from '../rate-limit';
import { PublicCase, PublicFollowUp, TrackParams, TrackQuery } from '../schemas/tracking';
import { TRACK_PAGE, TRACK_PAGE_CSP } from '../track-page';

const track = createRoute({
  method: 'get',
  path: '/v1/track/{ticketNo}',
  operationId: 'trackCase',
  tags: ['public'],
  summary: 'Track a case with its ticket number and tracking code',
  description: 'Status, deadline, the public timeline and the reply, for the complainant (no personal data, no internal notes). Rate limited per client address.',
  security: noAuth,
  request: { params: TrackParams, query: TrackQuery },
  responses: { 200: json(PublicCase, 'Status, dates, timeline'), ...problems(400, 404, 429) },
});

const rate = createRoute({
  method: 'post',
  path: '/v1/track/{ticketNo}/follow-up',
  operationId: 'rateCaseReply',
  tags: ['public'],
  summary: '回访 by the complainant: rate the reply',
  description: 'Once per reply, with the tracking code. Resolved and not dissatisfied closes the case; otherwise a supervisor may reopen it. 409 when there is no reply to rate or it was rated already.',
  security: noAuth,
  request: { params: TrackParams, body: { ...json(PublicFollowUp, 'The tracking code and the rating'), required: true } },
  responses: { 200: json(PublicCase, 'The case after the rating'), ...problems(...BODY_PROBLEMS, 404, 409, 429) },
});

/** Times as Shanghai ISO strings, as everywhere in the API. */
function publicJson(v: PublicCaseView) {
  return {
    ...v,
    receivedAt: formatShanghai(v.receivedAt),
    dueAt: formatShanghai(v.dueAt),
    timeline: v.timeline.map(({ dueAt, ...e }) => ({ ...e, at: formatShanghai(e.at), ...(dueAt !== undefined && { dueAt: formatShanghai(dueAt) }) })),
    reply: v.reply && { ...v.reply, at: formatShanghai(v.reply.at) },
    followUp: v.followUp && { ...v.followUp, at: formatShanghai(v.followUp.at) },
  };
}

export function trackingRoutes(deps: AppDeps, actDeps: ActDeps) {
  const limit = rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.clock,
    logger: deps.logger,
    bucket: 'track',
    limitPerMinute: deps.config.TRACK_RATE_LIMIT,
    clientIp: deps.clientIp,
  });
  // Per ticket too: guesses at one ticket's code spread over many addresses still meet a limit.
  const perTicket = rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.clock,
    logger: deps.logger,
    bucket: 'track-ticket',
    limitPerMinute: deps.config.TRACK_TICKET_RATE_LIMIT ?? 60,
    clientIp: (c) => `ticket:${c.req.param('ticketNo') ?? ''}`,
  });
  // Chained, so the typed client (AppType) knows these routes.
  return router()
    .openapi({ ...track, middleware: [limit, perTicket] as const }, async (c) => {
    const view = await trackCase(deps, c.req.valid('param').ticketNo, c.req.valid('query').code);
    c.header('Cache-Control', 'no-store');
    return c.json(publicJson(view), 200);
    })
    .openapi({ ...rate, middleware: [limit, perTicket] as const }, async (c) => {
    const { code, ...rating } = c.req.valid('json');
    const view = await rateFromTracking(actDeps, c.req.valid('param').ticketNo, code, rating);
    c.header('Cache-Control', 'no-store');
    return c.json(publicJson(view), 200);
    })
    // The status page workers open from the thank-you page or a bookmark; it calls the two routes above.
    .get('/track', (c) => {
      c.header('Content-Security-Policy', TRACK_PAGE_CSP);
      c.header('Cache-Control', 'public, max-age=300');
      return c.html(TRACK_PAGE);
    });
}
