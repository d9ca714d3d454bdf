import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { computeDeadline } from '../../domain/deadline';
import { formatTicketNo } from '../../domain/ticket';
import { formatShanghai, shanghaiDayOf, yearOf } from '../../domain/time';
import type { CalendarService } from '../../usecases/calendar';
import { createCase, type IntakeDeps } from '../../usecases/intake';
import type { AppDeps } from '../deps';
import { noAuth, problems, problemsOrPage, router, type AppEnv } from '../env';
import { thankYouPage } from '../pages';
import { rateLimit } from '../rate-limit';
import { MailboxForm, MailboxReceipt } from '../schemas';

const submit = createRoute({
  method: 'post',
  path: '/v1/intake/mailbox',
  operationId: 'submitMailboxLetter',
  tags: ['public'],
  security: noAuth,
  summary: "The chairman's mailbox (主席信箱): post a letter from the union's web form",
  description:
    'Accepts a plain HTML form post (urlencoded or multipart) or JSON. Browsers get a 303 to `redirect` (allowed origins only) with `ticketNo` and `code` appended, or a zh-CN thank-you page; JSON clients get 201 with the receipt.',
  request: {
    body: {
      content: {
        'application/x-www-form-urlencoded': { schema: MailboxForm },
        'multipart/form-data': { schema: MailboxForm },
        'application/json': { schema: MailboxForm },
      },
      // Not `required`: that would run the JSON validator on form posts too. The gate below
      // insists on one of the three content types instead.
    },
  },
  responses: {
    201: {
      content: { 'application/json': { schema: MailboxReceipt }, 'text/html': { schema: { type: 'string' } } },
      description: 'Letter received: receipt (JSON) or thank-you page (HTML)',
    },
    303: {
      description: 'Browser redirected to `redirect` with ticketNo and code',
      headers: { Location: { description: 'The form’s redirect URL with ticketNo and code added', required: true, schema: { type: 'string', format: 'uri' } } },
    },
    ...problems(),
    ...problemsOrPage(400, 413, 415, 429, 500),
  },
});

/** Form posts from browsers get pages; anything asking for JSON gets JSON. */
function wantsHtml(c: Context): boolean {
  const type = c.req.header('content-type') ?? '';
  if (/json/i.test(type)) return false;
  const accept = c.req.header('accept') ?? '';
  return !/application\/(problem\+)?json/i.test(accept) || /text\/html/i.test(accept);
}

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

  return router().openapi({ ...submit, middleware: [gate, limit] as const }, async (c) => {
    const form = /json/i.test(c.req.header('content-type') ?? '') ? c.req.valid('json') : c.req.valid('form');
    const now = deps.clock.now();
    let receipt: { ticketNo: string; trackingCode: string; dueAt: number };
    if (form.website) {
      // Honeypot filled in: a bot. Answer exactly like a success so it learns nothing; store nothing.
      const due = computeDeadline(await calendar.current(), now, form.category ?? 'advice', form.urgent ?? false);
      receipt = {
        ticketNo: formatTicketNo('mailbox', yearOf(shanghaiDayOf(now)), 100_000 + Math.floor(Math.random() * 900_000)),
        trackingCode: deps.ids.trackingCode(),
        dueAt: due.dueAt,
      };
      deps.logger.info('mailbox.honeypot', { requestId: c.get('requestId') });
    } else {
      const complainant = { name: form.name, phone: form.phone, email: form.email, employer: form.employer };
      const hasContact = Object.values(complainant).some((v) => v !== undefined);
      const { record } = await createCase(
        intake,
        {
          channel: 'mailbox',
          category: form.category ?? 'advice',
          urgent: form.urgent ?? false,
          subject: form.subject ?? subjectFrom(form.message),
          description: form.message,
          receivedAt: now,
          ...(hasContact && { complainant: JSON.parse(JSON.stringify(complainant)) }),
        },
        'public',
      );
      receipt = { ticketNo: record.ticketNo, trackingCode: record.trackingCode, dueAt: record.sla.dueAt };
    }

    if (!c.get('htmlErrors')) return c.json({ ...receipt, dueAt: formatShanghai(receipt.dueAt) }, 201);
    const target = form.redirect ? allowedRedirect(form.redirect, deps.config.ALLOWED_REDIRECT_ORIGINS) : undefined;
    if (form.redirect && !target) deps.logger.warn('mailbox.redirect_refused', { origin: safeOrigin(form.redirect) });
    if (target) {
      target.searchParams.set('ticketNo', receipt.ticketNo);
      target.searchParams.set('code', receipt.trackingCode);
      return c.redirect(target.toString(), 303);
    }
    return c.html(thankYouPage(receipt), 201);
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
