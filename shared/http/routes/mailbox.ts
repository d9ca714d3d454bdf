import { createHash, randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { computeDeadline } from '../../domain/deadline';
import { UnprocessableError, ValidationError } from '../../domain/errors';
import { MAILBOX_FIELD_NAMES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES, type Attachment } from '../../domain/letter';
import { formatTicketNo, TICKET_NO_PATTERN } from '../../domain/ticket';
import { formatShanghai, shanghaiDayOf, yearOf } from '../../domain/time';
import type { CalendarService } from '../../usecases/calendar';
import { createCase, type IdempotencyRequest, type IntakeDeps } from '../../usecases/intake';
import type { AppDeps } from '../deps';
import { noAuth, problems, problemsOrPage, router, type AppEnv } from '../env';
import { checkFiles, checkLetter, letterFingerprint, readFormLetter, type AcceptedFile } from '../letter-form';
import { letterPage, pageCsp, thankYouPage } from '../pages';
import { rateLimit } from '../rate-limit';
import { MailboxForm, MailboxReceipt, type MailboxFormBody } from '../schemas/intake';

/** The same letter posted again within this long (a reload, a double click, a resend) keeps its ticket. */
export const RESUBMIT_WINDOW_MS = 10 * 60_000;

const html = (description: string) => ({ content: { 'text/html': { schema: { type: 'string' as const } } }, description });

/** Form posts: the documented fields, and anything else a real form sends (ignored). Not validated by zod-openapi: the handler reads it. */
const FORM_POST = {
  type: 'object' as const,
  description:
    'The letter as an HTML form posts it. Unknown fields (a submit button, a CSRF token) are ignored and only their names recorded on the case’s intake event; MAILBOX_FIELDS maps other field names onto these. Multipart posts may carry files: every file part is an attachment.',
  properties: {
    ...Object.fromEntries(MAILBOX_FIELD_NAMES.map((f) => [f, { type: 'string' as const }])),
    files: {
      type: 'array' as const,
      items: { type: 'string' as const, format: 'binary' },
      description: `Up to ${MAX_ATTACHMENTS} files, ${MAX_ATTACHMENT_BYTES / 1048576} MB each, ${MAX_ATTACHMENTS_TOTAL_BYTES / 1048576} MB in all: pdf, jpeg, png, webp, gif, doc/docx, xls/xlsx, txt (judged by their bytes)`,
    },
  },
  required: ['message'],
  additionalProperties: true,
};

const submit = createRoute({
  method: 'post',
  path: '/v1/intake/mailbox',
  operationId: 'submitMailboxLetter',
  tags: ['public'],
  security: noAuth,
  summary: "The chairman's mailbox (主席信箱): post a letter from the union's web form",
  description:
    'Accepts a plain HTML form post (urlencoded or multipart, with files) or JSON (strict: unknown fields are refused). Browsers get a 303 to the thank-you page `/mailbox/thanks`, or to `redirect` (allowed origins only), with `ticketNo` in the query and the tracking code only in the `#fragment`; an invalid letter comes back as the zh-CN form with the letter as entered and what to fix. JSON clients get 201 with the receipt. The same letter from the same client (or the same `submissionId`) within 10 minutes gets the same ticket.',
  request: {
    body: {
      content: {
        'application/x-www-form-urlencoded': { schema: FORM_POST },
        'multipart/form-data': { schema: FORM_POST },
        'application/json': { schema: MailboxForm },
      },
      // Not `required`: that would run the JSON validator on form posts too. The gate below
      // insists on one of the three content types instead.
    },
  },
  responses: {
    201: { content: { 'application/json': { schema: MailboxReceipt } }, description: 'Letter received: the receipt' },
    303: {
      description: 'Browser sent to the thank-you page or the form’s `redirect`: ticketNo in the query, the tracking code in the fragment',
      headers: { Location: { description: '/mailbox/thanks or the redirect URL, with ticketNo (and due) added and #ticket=…&code=…', required: true, schema: { type: 'string', format: 'uri-reference' } } },
    },
    ...problems(),
    ...problemsOrPage(400, 413, 415, 429, 500, 503),
  },
});

const form = createRoute({
  method: 'get',
  path: '/mailbox',
  operationId: 'getMailboxForm',
  tags: ['public'],
  security: noAuth,
  summary: 'The letter form (zh-CN page)',
  description: 'The ready-made letter page: name, phone, e-mail, employer, topic, category, message, files, the consent line; it posts to `/v1/intake/mailbox`.',
  responses: { 200: html('The letter form'), ...problems() },
});

const thanks = createRoute({
  method: 'get',
  path: '/mailbox/thanks',
  operationId: 'getMailboxThanks',
  tags: ['public'],
  security: noAuth,
  summary: 'The thank-you page after a letter (zh-CN page)',
  description: 'Where a browser lands after posting: the ticket number from the query; the tracking code is read from the `#fragment` by the page itself, so it reaches no server log.',
  request: {
    query: z.object({
      ticketNo: z.string().regex(TICKET_NO_PATTERN).openapi({ example: 'M2026-000107' }),
      due: z.iso.date().optional().openapi({ description: 'The expected reply date' }),
    }),
  },
  responses: { 200: html('Thank you, with the ticket number'), ...problemsOrPage(400), ...problems() },
});

/** Form posts from browsers get pages; anything asking for JSON gets JSON. */
export function wantsHtml(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  if (/json/i.test(type)) return false;
  const accept = c.req.header('accept') ?? '';
  return !/application\/(problem\+)?json/i.test(accept) || /text\/html/i.test(accept);
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function mailboxRoutes(deps: AppDeps, intake: IntakeDeps, calendar: CalendarService) {
  const limit = rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.clock,
    logger: deps.logger,
    bucket: 'mailbox',
    limitPerMinute: deps.config.FORM_RATE_LIMIT,
    clientIp: deps.clientIp,
  });
  const gate = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    if (wantsHtml(c)) c.set('htmlErrors', true);
    if (!c.req.header('content-type')) throw new HTTPException(415, { message: 'Send the form as urlencoded, multipart/form-data or JSON' });
    await next();
  };
  const csp = pageCsp(deps.config.ALLOWED_REDIRECT_ORIGINS);
  const pageErrors = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    if (wantsHtml(c)) c.set('htmlErrors', true);
    await next();
  };

  /** Records the letter (or, for the honeypot, pretends to); the same letter again within the window returns its first ticket. */
  async function take(c: Context, fields: MailboxFormBody, files: AcceptedFile[], ignoredFields: string[]) {
    const now = deps.clock.now();
    if (fields.website) {
      // Honeypot filled in: a bot. Answer exactly like a success so it learns nothing; store nothing.
      const due = computeDeadline(await calendar.current(), now, fields.category ?? 'advice', fields.urgent ?? false);
      deps.logger.info('mailbox.honeypot', { requestId: c.get('requestId') });
      return {
        ticketNo: formatTicketNo('mailbox', yearOf(shanghaiDayOf(now)), 100_000 + Math.floor(Math.random() * 900_000)),
        trackingCode: deps.ids.trackingCode(),
        dueAt: due.dueAt,
      };
    }
    const attachments: Attachment[] = files.map((f) => f.attachment);
    const fingerprint = letterFingerprint(fields, attachments);
    // One key per letter: its hidden submission id, or its content from this client.
    const idem: IdempotencyRequest = fields.submissionId
      ? { scope: 'mailbox', key: `sid:${fields.submissionId}`, requestHash: fingerprint, ttlMs: RESUBMIT_WINDOW_MS }
      : { scope: 'mailbox', key: `letter:${sha256(`${deps.clientIp(c) ?? ''}\n${fingerprint}`)}`, requestHash: fingerprint, ttlMs: RESUBMIT_WINDOW_MS };
    // Files first: a case never lists a file that is not stored. A crash in between leaves an unlisted file, never a lost one.
    for (const f of files) await deps.attachments?.put(f.attachment.id, f.bytes, { contentType: f.attachment.contentType });
    const complainant = { name: fields.name, phone: fields.phone, email: fields.email, employer: fields.employer };
    const hasContact = Object.values(complainant).some((v) => v !== undefined);
    const input = {
      channel: 'mailbox' as const,
      category: fields.category ?? 'advice',
      urgent: fields.urgent ?? false,
      subject: fields.subject ?? subjectFrom(fields.message),
      description: fields.message,
      receivedAt: now,
      ...(fields.topic && { topic: fields.topic }),
      ...(hasContact && { complainant: JSON.parse(JSON.stringify(complainant)) as typeof complainant }),
      ...(attachments.length && { attachments }),
      ...(ignoredFields.length && { ignoredFields }),
    };
    let result;
    try {
      result = await createCase(intake, input, 'public', idem);
    } catch (err) {
      // The same submission id with other content: the writer went back and changed the letter. A new letter.
      if (!(err instanceof UnprocessableError)) throw err;
      result = await createCase(intake, input, 'public');
    }
    if (result.replayed) {
      deps.logger.info('mailbox.resubmitted', { caseId: result.record.id });
      for (const f of files) await deps.attachments?.delete(f.attachment.id);
    }
    if (ignoredFields.length) deps.logger.info('mailbox.ignored_fields', { caseId: result.record.id, count: ignoredFields.length });
    return { ticketNo: result.record.ticketNo, trackingCode: result.record.trackingCode, dueAt: result.record.sla.dueAt };
  }

  /** 303 to the thank-you page (or the allowed redirect): the ticket in the query, the tracking code only in the fragment. */
  function seeThanks(c: Context, redirect: string | undefined, receipt: { ticketNo: string; trackingCode: string; dueAt: number }) {
    const target = redirect ? allowedRedirect(redirect, deps.config.ALLOWED_REDIRECT_ORIGINS) : undefined;
    if (redirect && !target) deps.logger.warn('mailbox.redirect_refused', { origin: safeOrigin(redirect) });
    const due = formatShanghai(receipt.dueAt).slice(0, 10);
    const fragment = `ticket=${encodeURIComponent(receipt.ticketNo)}&code=${encodeURIComponent(receipt.trackingCode)}`;
    if (target) {
      target.searchParams.set('ticketNo', receipt.ticketNo);
      target.hash = fragment;
      return c.redirect(target.toString(), 303);
    }
    return c.redirect(`/mailbox/thanks?ticketNo=${encodeURIComponent(receipt.ticketNo)}&due=${due}#${fragment}`, 303);
  }

  return router()
    .openapi({ ...submit, middleware: [gate, limit] as const }, async (c) => {
      if (/json/i.test(c.req.header('content-type') ?? '')) {
        // zod-openapi validated it (the form media types carry a plain schema, so the type says never).
        const fields = (c.req.valid as unknown as (target: 'json') => MailboxFormBody)('json');
        const receipt = await take(c, fields, [], []);
        return c.json({ ...receipt, dueAt: formatShanghai(receipt.dueAt) }, 201);
      }
      const { letter, errors: formErrors } = await readFormLetter(c, deps.config.MAILBOX_FIELDS ?? {});
      const checked = checkLetter(letter.values, formErrors);
      const files = checkFiles(letter.files, deps.attachments !== undefined);
      const errors = [...checked.errors, ...files.errors];
      if (errors.length || !checked.fields) {
        if (!c.get('htmlErrors')) throw new ValidationError('The letter has invalid fields', errors);
        c.header('Content-Security-Policy', csp);
        c.header('Cache-Control', 'no-store');
        return c.html(letterPage({ values: letter.values, errors, submissionId: letter.values.submissionId ?? randomUUID(), hadFiles: letter.files.length > 0, acceptsFiles: deps.attachments !== undefined }), 400);
      }
      const receipt = await take(c, checked.fields, files.accepted, letter.ignoredFields);
      if (!c.get('htmlErrors')) return c.json({ ...receipt, dueAt: formatShanghai(receipt.dueAt) }, 201);
      return seeThanks(c, checked.fields.redirect, receipt);
    })
    .openapi(form, (c) => {
      c.header('Content-Security-Policy', csp);
      c.header('Cache-Control', 'no-store');
      return c.html(letterPage({ submissionId: randomUUID(), acceptsFiles: deps.attachments !== undefined }), 200);
    })
    .openapi({ ...thanks, middleware: [pageErrors] as const }, (c) => {
      const { ticketNo, due } = c.req.valid('query');
      c.header('Content-Security-Policy', csp);
      c.header('Cache-Control', 'no-store');
      return c.html(thankYouPage({ ticketNo, ...(due && { due }) }), 200);
    });
}

/** A letter without a subject is titled by its first line. */
function subjectFrom(message: string): string {
  const first = message.split(/\r?\n/, 1)[0]?.trim() ?? '';
  return first.length > 60 ? `${first.slice(0, 59)}…` : first || '（无标题）';
}

function allowedRedirect(url: string, origins: readonly string[]): URL | undefined {
  try {
    const u = new URL(url);
    return origins.includes(u.origin) ? u : undefined;
  } catch {
    return undefined;
  }
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}
