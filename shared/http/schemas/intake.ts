import { z } from '@hono/zod-openapi';
import { Category, Channel, emailSchema, instantOut, isoInstant, line, phoneSchema, text, topic } from './common';

/** A case coming in: POST /v1/cases (hotline, walk-in, API clients) and the mailbox form. */

export const Complainant = z
  .strictObject({
    name: line(100).optional(),
    phone: phoneSchema.optional(),
    email: emailSchema.optional(),
    employer: line(200).optional(),
    anonymous: z.boolean().optional().openapi({ description: 'The complainant asked not to be named to the employer' }),
  })
  .openapi('Complainant');

export const HotlineDetails = z
  .strictObject({
    callId: line(64).openapi({ description: 'The telephony system\'s call id' }),
    operatorId: line(64).optional(),
    callerNumber: z
      .string()
      .trim()
      .transform((s) => s.replace(/[\s\-()]/g, ''))
      .refine((s) => /^\+?\d{3,20}$/.test(s), 'must be a telephone number')
      .optional(),
  })
  .openapi('HotlineDetails');

export const WalkInDetails = z
  .strictObject({
    visitors: z.number().int().min(1).max(500).default(1).openapi({ description: 'Persons in the visit batch (人次)' }),
    batchId: line(64).optional(),
  })
  .openapi('WalkInDetails');

export const CaseCreate = z
  .strictObject({
    channel: Channel,
    category: Category,
    urgent: z.boolean().default(false),
    subject: line(200),
    description: text(1, 10_000),
    topic: topic.optional(),
    region: line(100).optional(),
    receivedAt: isoInstant
      .optional()
      .openapi({ type: 'string', format: 'date-time', description: 'When the union received it; default now. At most 5 minutes ahead, 366 days back.' }),
    complainant: Complainant.optional(),
    hotline: HotlineDetails.optional(),
    walkIn: WalkInDetails.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.channel === 'hotline' && !v.hotline) ctx.addIssue({ code: 'custom', path: ['hotline'], message: 'required for the hotline channel (at least callId)' });
    if (v.channel !== 'hotline' && v.hotline) ctx.addIssue({ code: 'custom', path: ['hotline'], message: 'only allowed for the hotline channel' });
    if (v.channel !== 'walk_in' && v.walkIn) ctx.addIssue({ code: 'custom', path: ['walkIn'], message: 'only allowed for the walk_in channel' });
  })
  .openapi('CaseCreate');

/** Checkbox and JSON booleans; any other text is an error rather than a silent false. */
const formBoolean = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(s)) return true;
  if (['off', 'false', '0', 'no'].includes(s)) return false;
  return v;
}, z.boolean());
/** Optional form fields arrive as empty strings when left blank. */
const blankAsUndefined = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const MailboxForm = z
  .strictObject({
    name: blankAsUndefined(line(100)),
    phone: blankAsUndefined(phoneSchema),
    email: blankAsUndefined(emailSchema),
    employer: blankAsUndefined(line(200)),
    subject: blankAsUndefined(line(200)).openapi({ description: 'Default: the start of the message' }),
    message: text(1, 10_000),
    category: blankAsUndefined(Category).openapi({ description: 'Default advice' }),
    urgent: blankAsUndefined(formBoolean).openapi({ type: 'boolean' }),
    topic: blankAsUndefined(topic),
    redirect: blankAsUndefined(z.url().max(2048)).openapi({ description: 'Where to send the browser afterwards (origin must be allowed)' }),
    submissionId: blankAsUndefined(z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8–64 letters, digits, _ or -')).openapi({
      description: 'A random id the form carries (the ready form at /mailbox does): the same id posted again within 10 minutes returns the same ticket',
    }),
    website: z.string().max(2048).optional().openapi({ description: 'Honeypot: leave empty (hide it from people with CSS)' }),
  })
  .openapi('MailboxForm');
/** A letter's fields once checked (trimmed, blanks dropped, booleans parsed). */
export type MailboxFormBody = z.infer<typeof MailboxForm>;

export const MailboxReceipt = z
  .object({ ticketNo: z.string(), trackingCode: z.string(), dueAt: instantOut })
  .openapi('MailboxReceipt');
