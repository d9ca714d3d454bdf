import { z } from '@hono/zod-openapi';
import { CATEGORIES, CHANNELS, STATUSES, TOPICS } from '../../domain/case';
import { TICKET_NO_PATTERN } from '../../domain/ticket';

/**
 * The pieces every resource's schemas are made of: people's text, phone numbers and e-mail
 * addresses, instants in and out, the case's codes, and the problem every error answers with.
 * Request objects are strict: an unknown field is an error that names it.
 */

// Text from people: control characters other than tab and line breaks are never meant.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Nor are lone UTF-16 surrogates (JSON may carry "\ud800"): no encoder can write them out again.
const LONE_SURROGATE = /\p{Cs}/u;
export const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text (no lone surrogates)');
export const line = (max: number) => text(1, max).refine((s) => !/[\r\n]/.test(s), 'must be a single line');

/** Mainland mobile or landline, with optional +86 and separators; stored as digits only. */
export const phoneSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/[\s\-()]/g, '').replace(/^(\+86|0086)/, ''))
  .refine((s) => /^1[3-9]\d{9}$/.test(s) || /^0\d{2,3}\d{7,8}$/.test(s), 'must be a mainland mobile (11 digits) or landline number with area code')
  .openapi({ example: '13800138000' });

export const emailSchema = z.string().trim().max(254).pipe(z.email('must be a valid e-mail address')).openapi({ example: 'worker@example.com' });

// ISO 8601 lets the seconds be left out (2026-02-13T10:00+08:00) and people do; RFC 3339 validators do not.
const withSeconds = z.iso.datetime({ offset: true });
const withoutSeconds = z.iso.datetime({ offset: true, precision: -1 });
/** An instant a caller sends, as epoch ms once parsed. */
export const isoInstant = z
  .string()
  .refine((s) => withSeconds.safeParse(s).success || withoutSeconds.safeParse(s).success, 'must be an ISO 8601 date-time with offset, e.g. 2026-03-02T09:30:00+08:00')
  .transform((s) => Date.parse(s));
/** An instant the API answers with: ISO 8601 in +08:00 (formatShanghai). */
export const instantOut = z.string().openapi({ format: 'date-time', example: '2026-03-09T23:59:59+08:00' });
export const isoDay = z.iso.date('must be a date YYYY-MM-DD');

export const Channel = z.enum(CHANNELS).openapi({ description: 'hotline 主席热线 · mailbox 主席信箱 · walk_in 接待来访' });
export const Category = z.enum(CATEGORIES).openapi({ description: 'advice 建议咨询 (5 working days) · complaint 求助申诉 (20) · investigation 需调查处理 (30)' });
export const Status = z.enum(STATUSES);
export const topic = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a short lowercase code such as wages')
  .openapi({ description: `Topic code, e.g. ${TOPICS.join(', ')}`, example: 'wages' });
export const SatisfactionSchema = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).openapi({ description: 'satisfied 满意 · basically_satisfied 基本满意 · dissatisfied 不满意' });
export const TicketNo = z.string().regex(TICKET_NO_PATTERN, 'must be a ticket number like H2026-000042');
export const officeId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be a short lowercase code such as rights or legal-aid')
  .openapi({ example: 'rights' });

export const Problem = z
  .object({
    type: z.string().openapi({ format: 'uri-reference', description: 'The kind of problem, e.g. /problems/validation', example: '/problems/validation' }),
    title: z.string(),
    status: z.number().int().min(400).max(599).openapi({ description: 'The HTTP status' }),
    detail: z.string().optional(),
    instance: z.string().optional().openapi({ description: 'The request path' }),
    requestId: z.string().optional().openapi({ description: 'Quote it when reporting a fault: it is in our logs' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional().openapi({ description: 'Invalid fields (400): the path as body field, query.<name>, param.<name> or header.<name>' }),
    currentStatus: Status.optional().openapi({ description: '409 on a case: its status now' }),
    allowedActions: z.array(z.string()).optional().openapi({ description: '409 on a case: the actions its status allows' }),
    currentVersion: z.number().int().optional().openapi({ description: '412: the version (ETag) to read again' }),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details' });
export type ProblemBody = z.infer<typeof Problem>;
