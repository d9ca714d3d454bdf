import { createRoute, type z } from '@hono/zod-openapi';
import { PreconditionFailedError, PreconditionRequiredError, ValidationError } from '../../domain/errors';
import { ACTIONS, type ActionInput } from '../../domain/lifecycle';
import { mayReadCase, redactFor } from '../../domain/access';
import { act, type ActDeps } from '../../usecases/act';
import { getCase } from '../../usecases/cases';
import { bearerAuth } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, etagHeader, json, problems, router } from '../env';
import { caseEvents, caseJson, etagOf } from '../present';
import { Case, CaseId } from '../schemas/cases';
import { ACTION_BODIES, CaseEvents, IfMatch } from '../schemas/lifecycle';
import { NotFoundError } from '../../domain/errors';

const SUMMARY: Record<(typeof ACTIONS)[number], string> = {
  accept: '签收: the assigned office signs for the case',
  return: '退单: the office sends a misrouted case back for re-dispatch',
  assign: 'Dispatch or transfer to an office (supervisor)',
  recategorize: 'Change the category; the deadline is recomputed from receipt (supervisor)',
  extend: '延期: a complaint needing an investigation gets 30 working days (once)',
  pause: 'Wait for the complainant’s materials: paused working days are not counted (at most twice)',
  resume: 'End the pause; the deadline moves by the working days paused',
  note: 'Internal note (never shown to the complainant)',
  reply: '答复: the answer to the complainant; the SLA is met or missed',
  'follow-up': '回访: was it resolved, was the complainant satisfied',
  reopen: 'Reopen within 30 days of the reply, with a new deadline (supervisor)',
  close: '办结 without follow-up (supervisor)',
  link: '重复件: close the case as a repeat of another (by its ticket number), notifying nobody',
};

/** Stable operation ids, verb + noun, for client generators. */
const OPERATION_ID: Record<(typeof ACTIONS)[number], string> = {
  accept: 'acceptCase',
  return: 'returnCase',
  assign: 'assignCase',
  recategorize: 'recategorizeCase',
  extend: 'extendCase',
  pause: 'pauseCase',
  resume: 'resumeCase',
  note: 'addCaseNote',
  reply: 'replyToCase',
  'follow-up': 'recordCaseFollowUp',
  reopen: 'reopenCase',
  close: 'closeCase',
  link: 'linkDuplicateCase',
};

/**
 * `"3"` or `3` → 3. A weak tag (`W/"3"`) is well formed but never matches: If-Match compares
 * strongly (RFC 9110 §13.1.1), so it is a 412, and nothing is written.
 */
function parseIfMatch(header: string | undefined): number {
  if (header === undefined) throw new PreconditionRequiredError('Send If-Match with the ETag you read (GET /v1/cases/{id})');
  const m = /^\s*(W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m) throw new ValidationError('Invalid If-Match', [{ path: 'header.if-match', message: 'must be the ETag of the case, e.g. "3"' }]);
  if (m[1]) throw new PreconditionFailedError('A weak ETag (W/"…") never matches If-Match, which compares strongly; send the ETag as GET /v1/cases/{id} gave it');
  return Number(m[2]);
}

export function lifecycleRoutes(deps: AppDeps, actDeps: ActDeps) {
  const auth = bearerAuth({ verifier: deps.tokens });
  const app = router();
  for (const action of ACTIONS) {
    const route = createRoute({
      method: 'post',
      path: `/v1/cases/{id}/${action}`,
      operationId: OPERATION_ID[action],
      tags: ['lifecycle'],
      summary: SUMMARY[action],
      description: `${SUMMARY[action]}. Send the ETag you read as If-Match: 428 without it, 412 if the case changed since; 409 (with currentStatus and allowedActions) when its status does not allow the action.`,
      security: bearer,
      request: { params: CaseId, headers: IfMatch, body: { ...json(ACTION_BODIES[action] as z.ZodType, 'The action'), required: true } },
      responses: {
        200: { ...json(Case, 'The updated case'), headers: { ETag: etagHeader } },
        ...problems(...BODY_PROBLEMS, ...BEARER_PROBLEMS, 403, 404, 409, 412, 428),
      },
    });
    app.openapi({ ...route, middleware: [auth] }, async (c) => {
      const ifMatch = parseIfMatch(c.req.header('if-match'));
      const body = c.req.valid('json') as Record<string, unknown>;
      const record = await act(actDeps, c.req.valid('param').id, { action, ...body } as ActionInput, c.get('principal'), ifMatch);
      c.header('ETag', etagOf(record));
      return c.json(caseJson(redactFor(c.get('principal'), record)), 200);
    });
  }
  const events = createRoute({
    method: 'get',
    path: '/v1/cases/{id}/events',
    operationId: 'listCaseEvents',
    tags: ['lifecycle'],
    summary: "The case's history: received, routed, escalations, and every action with who and why",
    description: 'Intake, routing, escalations and actions merged by time, oldest first; for whoever may read the case.',
    security: bearer,
    request: { params: CaseId },
    responses: { 200: json(CaseEvents, 'Oldest first'), ...problems(400, ...BEARER_PROBLEMS, 404) },
  });
  app.openapi({ ...events, middleware: [auth] }, async (c) => {
    const record = await getCase(deps.cases, c.req.valid('param').id);
    if (!mayReadCase(c.get('principal'), record)) throw new NotFoundError(`No case with id ${record.id}`);
    return c.json({ items: caseEvents(record) }, 200);
  });
  return app;
}
