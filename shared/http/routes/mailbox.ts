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
import type { FieldError } from '../../domain/errors';
import { checkFiles, checkLetter, fileLimitErrors, letterFingerprint, NO_FILES_HERE, readFormLetter, type AcceptedFile, type FormLetter } from '../letter-form';
import { readLetterUploads, UPLOAD_GONE, type LetterUploads } from '../letter-uploads';
import { UPLOADS_PATH } from './uploads';
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
    upload: {
      type: 'array' as const,
      items: { type: 'string' as const, format: 'uuid' },
      description: 'Files sent ahead (`POST /v1/intake/mailbox/uploads`, then each file to its target): one upload id per field, in place of the file parts',
    },
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

interface Receipt {
  ticketNo: string;
  trackingCode: string;
  dueAt: number;
}

interface JudgedFiles {
  /** Posted with the letter (multipart), accepted. */
  files: AcceptedFile[];
  uploads: LetterUploads;
  /** Every file the letter lists, however it came. */
  attachments: Attachment[];
  errors: FieldError[];
}
const NO_UPLOADS: LetterUploads = { arrived: [], kept: [], errors: [] };

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
  /** The letter page's: its script may also post files to where the uploads go. */
  const formCsp = async () => pageCsp(deps.config.ALLOWED_REDIRECT_ORIGINS, deps.uploads ? [await deps.uploads.cspSource()] : []);
  /** Whether the page takes files, and sends them ahead (the server says so with the form's data-uploads). */
  const pageOptions = () => ({ acceptsFiles: deps.attachments !== undefined, ...(deps.attachments && deps.uploads && { uploadsUrl: UPLOADS_PATH }) });
  const pageErrors = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    if (wantsHtml(c)) c.set('htmlErrors', true);
    await next();
  };

  /** The letter's idempotency key (its submission id, or its content from this client) and the binding of the uploads it keeps. */
  function identify(c: Context, fields: MailboxFormBody, attachments: readonly Attachment[]): { idem: IdempotencyRequest; binding: string } {
    const fingerprint = letterFingerprint(fields, attachments);
    const key = fields.submissionId ? `sid:${fields.submissionId}` : `letter:${sha256(`${deps.clientIp(c) ?? ''}\n${fingerprint}`)}`;
    return { idem: { scope: 'mailbox', key, requestHash: fingerprint, ttlMs: RESUBMIT_WINDOW_MS }, binding: sha256(`${key}\n${fingerprint}`) };
  }

  /** The letter's files, posted with it (multipart) or sent ahead (upload ids), judged by their bytes; nothing stored yet. */
  async function judgeFiles(posted: FormLetter['files'], named: readonly string[]): Promise<JudgedFiles> {
    const uploadIds = [...new Set(named)];
    if (!posted.length && !uploadIds.length) return { files: [], uploads: NO_UPLOADS, attachments: [], errors: [] };
    if (!deps.attachments || (uploadIds.length && !deps.uploads)) return { files: [], uploads: NO_UPLOADS, attachments: [], errors: [NO_FILES_HERE] };
    const multipart = checkFiles(posted, true);
    const uploads = uploadIds.length && deps.uploads ? await readLetterUploads(deps.uploads, uploadIds) : NO_UPLOADS;
    const attachments = [...multipart.accepted.map((f) => f.attachment), ...uploads.arrived.map((u) => u.attachment), ...uploads.kept.map((k) => k.attachment)];
    const errors = [...multipart.errors, ...uploads.errors];
    if (uploadIds.length) {
      const sizes = [...posted.map((f) => ({ name: f.name, size: f.bytes.length })), ...uploads.arrived.map((u) => u.attachment), ...uploads.kept.map((k) => k.attachment)];
      for (const e of fileLimitErrors(sizes)) if (!errors.some((x) => x.message === e.message)) errors.push(e);
    }
    return { files: errors.length ? [] : multipart.accepted, uploads, attachments, errors };
  }

  /**
   * Checks the files against the letter (an upload kept by another letter is not this one's) and
   * records it — or, for the honeypot, pretends to; the same letter again within the window returns its first ticket.
   */
  async function take(c: Context, fields: MailboxFormBody, judged: JudgedFiles, ignoredFields: string[]): Promise<{ receipt?: Receipt; errors: FieldError[] }> {
    const now = deps.clock.now();
    if (fields.website) {
      // Honeypot filled in: a bot. Answer exactly like a success so it learns nothing; store nothing.
      const due = computeDeadline(await calendar.current(), now, fields.category ?? 'advice', fields.urgent ?? false);
      deps.logger.info('mailbox.honeypot', { requestId: c.get('requestId') });
      return {
        receipt: { ticketNo: formatTicketNo('mailbox', yearOf(shanghaiDayOf(now)), 100_000 + Math.floor(Math.random() * 900_000)), trackingCode: deps.ids.trackingCode(), dueAt: due.dueAt },
        errors: [],
      };
    }
    const { files, uploads, attachments } = judged;
    const { idem, binding } = identify(c, fields, attachments);
    // An upload a letter already took belongs to that letter: only the same letter posted again may name it.
    if (uploads.kept.some((k) => k.letter !== binding)) return { errors: [UPLOAD_GONE] };
    // Files first: a case never lists a file that is not stored. A crash in between leaves an unlisted file, never a lost one.
    for (const f of files) await deps.attachments?.put(f.attachment.id, f.bytes, { contentType: f.attachment.contentType });
    for (const u of uploads.arrived) await deps.uploads?.keep({ ...u, letter: binding });
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
      // The copies this post stored that the first letter does not list (an upload it took is its own).
      const listed = new Set(result.record.attachments?.map((a) => a.id));
      for (const a of [...files.map((f) => f.attachment), ...uploads.arrived.map((u) => u.attachment)]) if (!listed.has(a.id)) await deps.attachments?.delete(a.id);
    }
    // Taken (by this letter or the first): the incoming copies can go; the bucket's lifecycle rule catches any left behind.
    for (const u of uploads.arrived) await deps.uploads?.discard(u.attachment.id);
    if (ignoredFields.length) deps.logger.info('mailbox.ignored_fields', { caseId: result.record.id, count: ignoredFields.length });
    return { receipt: { ticketNo: result.record.ticketNo, trackingCode: result.record.trackingCode, dueAt: result.record.sla.dueAt }, errors: [] };
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
        const judged = await judgeFiles([], fields.uploads ?? []);
        const taken = judged.errors.length ? { errors: judged.errors } : await take(c, fields, judged, []);
        if (!taken.receipt) throw new ValidationError('The letter has invalid fields', taken.errors);
        return c.json({ ...taken.receipt, dueAt: formatShanghai(taken.receipt.dueAt) }, 201);
      }
      const { letter, errors: formErrors } = await readFormLetter(c, deps.config.MAILBOX_FIELDS ?? {});
      const checked = checkLetter(letter.values, formErrors);
      const judged = await judgeFiles(letter.files, letter.uploads);
      let errors = [...checked.errors, ...judged.errors];
      let receipt: Receipt | undefined;
      if (!errors.length && checked.fields) ({ receipt, errors } = await take(c, checked.fields, judged, letter.ignoredFields));
      if (!receipt || !checked.fields) {
        if (!c.get('htmlErrors')) throw new ValidationError('The letter has invalid fields', errors);
        c.header('Content-Security-Policy', await formCsp());
        c.header('Cache-Control', 'no-store');
        // Files sent ahead that were fine stay with the letter (the browser cannot put back chosen files, but these are stored).
        const sentAhead = judged.errors.length || errors.includes(UPLOAD_GONE) ? [] : judged.uploads.arrived.map((u) => ({ id: u.attachment.id, name: u.attachment.name }));
        return c.html(
          letterPage({ ...pageOptions(), values: letter.values, errors, submissionId: letter.values.submissionId ?? randomUUID(), hadFiles: letter.files.length > 0 || letter.uploads.length > 0, sentAhead }),
          400,
        );
      }
      if (!c.get('htmlErrors')) return c.json({ ...receipt, dueAt: formatShanghai(receipt.dueAt) }, 201);
      return seeThanks(c, checked.fields.redirect, receipt);
    })
    .openapi(form, async (c) => {
      c.header('Content-Security-Policy', await formCsp());
      c.header('Cache-Control', 'no-store');
      return c.html(letterPage({ ...pageOptions(), submissionId: randomUUID() }), 200);
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
