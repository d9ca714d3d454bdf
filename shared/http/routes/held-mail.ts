import { createRoute } from '@hono/zod-openapi';
import { formatShanghai } from '../../domain/time';
import type { HeldMail } from '../../ports';
import { listHeldMail } from '../../usecases/inbound-mail';
import { bearerAuth, requireRole } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, json, problems, router } from '../env';
import { HeldMailList, HeldMailQuery, type HeldMailBody } from '../schemas/held-mail';

const listHeld = createRoute({
  method: 'get',
  path: '/v1/mailbox/held',
  operationId: 'listHeldMail',
  tags: ['mailbox'],
  security: bearer,
  summary: 'Messages to the mailbox address held for review',
  description:
    'Held instead of filed: judged spam or a virus by the receiving service (SES), or one sender opening more than 5 new cases within an hour. Newest first; each is kept 30 days (supervisors, admins).',
  request: { query: HeldMailQuery },
  responses: { 200: json(HeldMailList, 'Held messages, newest first'), ...problems(400, ...BEARER_PROBLEMS, 403) },
});

const heldJson = (h: HeldMail): HeldMailBody => ({
  id: h.id,
  receivedAt: formatShanghai(h.receivedAt),
  expiresAt: formatShanghai(h.expiresAt),
  reason: h.reason as HeldMailBody['reason'],
  ...(h.from && { from: h.from }),
  subject: h.subject,
  excerpt: h.excerpt,
  attachments: h.attachments,
  raw: { kind: h.raw.kind, location: h.raw.kind === 's3' ? `s3://${h.raw.bucket}/${h.raw.key}` : h.raw.name },
});

export function heldMailRoutes(deps: AppDeps) {
  return router().openapi({ ...listHeld, middleware: [bearerAuth({ verifier: deps.tokens }), requireRole('admin', 'supervisor')] as const }, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const page = await listHeldMail({ inboundMail: deps.inboundMail, clock: deps.clock }, limit, cursor);
    return c.json({ items: page.items.map(heldJson), nextCursor: page.nextCursor }, 200);
  });
}
