import { createRoute } from '@hono/zod-openapi';
import { formatShanghai } from '../../domain/time';
import { trackCase } from '../../usecases/tracking';
import type { AppDeps } from '../deps';
import { json, problems, router } from '../env';
import { rateLimit } from '../rate-limit';
import { PublicCase, TrackParams, TrackQuery } from '../schemas';

const track = createRoute({
  method: 'get',
  path: '/v1/track/{ticketNo}',
  tags: ['public'],
  summary: 'Track a case with its ticket number and tracking code (no personal data)',
  request: { params: TrackParams, query: TrackQuery },
  responses: { 200: json(PublicCase, 'Status and dates'), ...problems(400, 404, 429) },
});

export function trackingRoutes(deps: AppDeps) {
  const limit = rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.clock,
    logger: deps.logger,
    bucket: 'track',
    limitPerMinute: deps.config.TRACK_RATE_LIMIT,
    clientIp: deps.clientIp,
  });
  return router().openapi({ ...track, middleware: [limit] as const }, async (c) => {
    const view = await trackCase(deps.cases, c.req.valid('param').ticketNo, c.req.valid('query').code);
    c.header('Cache-Control', 'no-store');
    return c.json({ ...view, receivedAt: formatShanghai(view.receivedAt), dueAt: formatShanghai(view.dueAt) }, 200);
  });
}
