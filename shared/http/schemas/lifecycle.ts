import { z } from '@hono/zod-openapi';
import type { Action } from '../../domain/lifecycle';
import { TICKET_NO_PATTERN } from '../../domain/ticket';
import { Category, ExtensionReason, instantOut, ReplyOutcome, SatisfactionSchema, Status, text } from './common';

/** Working a case: POST /v1/cases/{id}/<action> with If-Match, and the case's history. */

const reason = text(1, 2000).openapi({ description: 'Why: kept in the case history' });
const returnReasonCode = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a reason code from GET /v1/return-reasons')
  .openapi({ description: 'A code of the configured send-back reasons (RETURN_REASONS; GET /v1/return-reasons), e.g. not_ours 非本部门职责', example: 'not_ours' });

export const ACTION_BODIES = {
  accept: z.strictObject({}).openapi('AcceptBody'),
  return: z.strictObject({ reasonCode: returnReasonCode, note: text(1, 2000).openapi({ description: 'What the supervisor should know: kept in the case history' }) }).openapi('ReturnBody'),
  'reject-return': z.strictObject({ reason }).openapi('RejectReturnBody'),
  assign: z.strictObject({ office: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be an office id'), reason }).openapi('AssignBody'),
  recategorize: z.strictObject({ category: Category, reason }).openapi('RecategorizeBody'),
  'request-extension': z.strictObject({ reasonCode: ExtensionReason, reason }).openapi('RequestExtensionBody'),
  'approve-extension': z.strictObject({ note: text(1, 2000).optional() }).openapi('ApproveExtensionBody'),
  'deny-extension': z.strictObject({ reason }).openapi('DenyExtensionBody'),
  extend: z.strictObject({ reason }).openapi('ExtendBody'),
  pause: z.strictObject({ reason }).openapi('PauseBody'),
  resume: z.strictObject({}).openapi('ResumeBody'),
  note: z.strictObject({ text: text(1, 10_000) }).openapi('NoteBody'),
  reply: z
    .strictObject({
      text: text(1, 10_000).openapi({ description: 'The answer to the complainant (shown on the tracking page)' }),
      outcome: ReplyOutcome,
      remedies: text(1, 2000).optional().openapi({ description: 'How to pursue it further (required with reject): shown on the tracking page and in the notice' }),
    })
    .superRefine((v, ctx) => {
      if (v.outcome === 'reject' && v.remedies === undefined) ctx.addIssue({ code: 'custom', path: ['remedies'], message: 'required when the outcome is reject (不予支持): how to pursue it further' });
    })
    .openapi('ReplyBody'),
  'follow-up': z
    .strictObject({
      resolved: z.boolean(),
      satisfaction: SatisfactionSchema,
      comment: text(1, 2000).optional(),
    })
    .openapi('FollowUpBody'),
  reopen: z.strictObject({ reason }).openapi('ReopenBody'),
  close: z.strictObject({ reason }).openapi('CloseBody'),
  link: z
    .strictObject({ ticketNo: z.string().regex(TICKET_NO_PATTERN, 'must be a ticket number like H2026-000042').openapi({ description: 'The case this one repeats (工单号)' }), reason })
    .openapi('LinkBody'),
} as const satisfies Record<Action, z.ZodType>;
/** What a client sends for an action (before trimming). */
export type ActionBody<A extends Action> = z.input<(typeof ACTION_BODIES)[A]>;

export const IfMatch = z.object({
  'if-match': z
    .string()
    .optional()
    // Required in the contract; checked in the handler so that a missing one answers 428, not 400.
    .openapi({ param: { name: 'if-match', in: 'header', required: true }, description: 'The ETag from GET /v1/cases/{id}, e.g. "3"', example: '"3"' }),
});

export const CaseEventSchema = z
  .object({
    at: instantOut,
    by: z.object({ sub: z.string(), roles: z.array(z.string()), office: z.string().optional() }),
    action: z.string().openapi({ description: 'received, assigned (routing), an action, or an escalation step' }),
    from: Status.optional(),
    to: Status.optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('CaseEvent');
export type CaseEventBody = z.infer<typeof CaseEventSchema>;

export const CaseEvents = z.object({ items: z.array(CaseEventSchema) }).openapi('CaseEvents');

export const ReturnReasons = z
  .object({ items: z.array(z.object({ code: z.string(), label: z.object({ 'zh-CN': z.string(), en: z.string() }) })) })
  .openapi('ReturnReasons', { description: 'The send-back reasons in force (RETURN_REASONS), in order' });
