import { z } from '@hono/zod-openapi';
import { TRACKING_CODE_LENGTH, TRACKING_CODE_PATTERN } from '../../domain/ticket';
import { Category, ExtensionReason, instantOut, ReplyOutcome, SatisfactionSchema, Status, text, TicketNo } from './common';

/** What the complainant sees and says back: GET /v1/track/{ticketNo} and the follow-up rating. */

export const TrackParams = z.strictObject({ ticketNo: TicketNo.openapi({ param: { name: 'ticketNo', in: 'path' }, example: 'M2026-000107' }) });
const TrackingCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => TRACKING_CODE_PATTERN.test(s), `must be the ${TRACKING_CODE_LENGTH}-character tracking code`);
export const TrackQuery = z.strictObject({ code: TrackingCode.openapi({ param: { name: 'code', in: 'query' }, example: '7KQ2MZ9X' }) });

export const PublicTimelineEntry = z
  .object({
    at: instantOut,
    kind: z.enum(['received', 'assigned', 'accepted', 'category_changed', 'extended', 'paused', 'resumed', 'replied', 'rated', 'reopened', 'closed']).openapi({
      description:
        'received 已受理 · assigned 转交办理 · accepted 已签收 · category_changed 类别调整 · extended 延期（转调查） · paused 暂停（等待补充材料） · resumed 恢复办理 · replied 已答复 · rated 评价 · reopened 重新办理 · closed 已办结',
    }),
    office: z.string().optional().openapi({ description: 'The office’s name (assigned, accepted)' }),
    dueAt: instantOut.optional().openapi({ description: 'The deadline from this step on (category_changed, extended, resumed, reopened)' }),
    category: Category.optional(),
    extensionReason: ExtensionReason.optional().openapi({ description: 'Why the deadline was extended (extended, when the office gave a reason category)' }),
    text: z.string().optional().openapi({ description: 'The reply (replied)' }),
    outcome: ReplyOutcome.optional().openapi({ description: 'The reply’s outcome (replied)' }),
    remedies: z.string().optional().openapi({ description: 'How to pursue it further (replied with reject)' }),
    resolved: z.boolean().optional(),
    satisfaction: SatisfactionSchema.optional(),
    mergedInto: z.string().optional().openapi({ description: 'closed as a repeat: the ticket number of the case it repeats' }),
  })
  .openapi('PublicTimelineEntry');

export const PublicCase = z
  .object({
    ticketNo: z.string(),
    status: Status,
    category: Category,
    receivedAt: instantOut,
    dueAt: instantOut,
    extended: z.boolean().openapi({ description: 'The deadline was extended for an investigation (延期)' }),
    timeline: z.array(PublicTimelineEntry).openapi({ description: 'Oldest first; internal steps (notes, returns, escalations) are not shown' }),
    extensionReason: ExtensionReason.optional().openapi({ description: 'Why it was extended (an approved request’s reason category)' }),
    reply: z.object({ at: instantOut, text: z.string(), outcome: ReplyOutcome.optional(), remedies: z.string().optional() }).nullable(),
    followUp: z.object({ at: instantOut, resolved: z.boolean(), satisfaction: SatisfactionSchema, comment: z.string().optional() }).nullable(),
    mayRate: z.boolean().openapi({ description: 'The reply may be rated now (POST /v1/track/{ticketNo}/follow-up), once per reply' }),
  })
  .openapi('PublicCase');

export const PublicFollowUp = z
  .strictObject({
    code: TrackingCode.openapi({ description: 'The tracking code', example: '7KQ2MZ9X' }),
    resolved: z.boolean().openapi({ description: 'Was the problem solved?' }),
    satisfaction: SatisfactionSchema,
    comment: text(1, 2000).optional(),
  })
  .openapi('PublicFollowUp');
