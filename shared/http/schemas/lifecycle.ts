import { z } from '@hono/zod-openapi';
import type { Action } from '../../domain/lifecycle';
import { TICKET_NO_PATTERN } from '../../domain/ticket';
import { Category, instantOut, SatisfactionSchema, Status, text } from './common';

/** Working a case: POST /v1/cases/{id}/<action> with If-Match, and the case's history. */

const reason = text(1, 2000).openapi({ description: 'Why: kept in the case history' });
export const ACTION_BODIES = {
  accept: z.strictObject({}).openapi('AcceptBody'),
  return: z.strictObject({ reason }).openapi('ReturnBody'),
  assign: z.strictObject({ office: z.string().regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be an office id'), reason }).openapi('AssignBody'),
  recategorize: z.strictObject({ category: Category, reason }).openapi('RecategorizeBody'),
  extend: z.strictObject({ reason }).openapi('ExtendBody'),
  pause: z.strictObject({ reason }).openapi('PauseBody'),
  resume: z.strictObject({}).openapi('ResumeBody'),
  note: z.strictObject({ text: text(1, 10_000) }).openapi('NoteBody'),
  reply: z.strictObject({ text: text(1, 10_000).openapi({ description: 'The answer to the complainant (shown on the tracking page)' }) }).openapi('ReplyBody'),
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
