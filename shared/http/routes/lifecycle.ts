import { createRoute, type z } from '@hono/zod-openapi';
import { PreconditionFailedError, PreconditionRequiredError, ValidationError } from '../../domain/errors';
import { ACTIONS } from '../../domain/lifecycle';
import { mayReadCase, redactFor } from '../../domain/access';
import { DEFAULT_RETURN_REASONS } from '../../domain/vocabulary';
import { act, type ActDeps, type ActionRequest } from '../../usecases/act';
import { getCase } from '../../usecases/cases';
import { bearerAuth } from '../auth';
import type { AppDeps } from '../deps';
import { bearer, BEARER_PROBLEMS, BODY_PROBLEMS, etagHeader, json, problems, router } from '../env';
import { caseEvents, caseJson, etagOf } from '../present';
import { Case, CaseId } from '../schemas/cases';
import { ACTION_BODIES, CaseEvents, IfMatch, ReturnReasons } from '../schemas/lifecycle';
import { NotFoundError } from '../../domain/errors';

const SUMMARY: Record<(typeof ACTIONS)[number], string> = {
  accept: '签收: the assigned office signs for the case',
  return: '退单: the office sends a case back with a configured reason and a note; it waits for a supervisor’s review (assign elsewhere, or reject-return)',
  'reject-return': '驳回退单: the send-back was improper; the case goes back to the same office and counts as 不当退单 (supervisor)',
  assign: 'Dispatch or transfer (转办) to an office; on a sent-back case, the re-dispatch to another office (supervisor)',
  recategorize: 'Change the category; the deadline is recomputed from receipt (supervisor)',
  'request-extension': '申请延期: the office asks, before the deadline, for the investigation limit, with a reason category',
  'approve-extension': '批准延期: the request is granted; 30 working days from receipt, and the writer is told (supervisor)',
  'deny-extension': '不予延期: the request is refused; the deadline stays (supervisor)',
  extend: '延期: a complaint needing an investigation gets 30 working days (once; supervisors directly, without a request)',
  pause: 'Wait for the complainant’s materials: paused working days are not counted (at most twice)',
  resume: 'End the pause; the deadline moves by the working days paused',
  note: 'Internal note (never shown to the complainant)',
  reply: '答复: the answer to the complainant with its outcome (支持/解释/不予支持 with remedies); the SLA is met or missed',
  'follow-up': '回访: was it resolved, was the complainant satisfied',
  reopen: 'Reopen within 30 days of the reply, with a new deadline (supervisor)',
  close: '办结 without follow-up (supervisor)',
  link: '重复件: close the case as a repeat of another (by its ticket number), notifying nobody',
};

/** Stable operation ids, verb + noun, for client generators. */
const OPERATION_ID: Record<(typeof ACTIONS)[number], string> = {
  accept: 'acceptCase',
  return: 'returnCase',
  'reject-return': 'rejectCaseReturn',
  assign: 'assignCase',
  recategorize: 'recategorizeCase',
  'request-extension': 'requestCaseExtension',
  'approve-extension': 'approveCaseExtension',
  'deny-extension': 'denyCaseExtension',
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
      const record = await act(actDeps, c.req.valid('param').id, { action, ...body } as ActionRequest, c.get('principal'), ifMatch);
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
  const reasons = createRoute({
    method: 'get',
    path: '/v1/return-reasons',
    operationId: 'listReturnReasons',
    tags: ['lifecycle'],
    summary: 'The send-back reasons (退单原因) a return must cite, in order (RETURN_REASONS)',
    description: 'For any signed-in caller: the codes `POST /v1/cases/{id}/return` takes as reasonCode, with their zh-CN and English labels.',
    security: bearer,
    responses: { 200: json(ReturnReasons, 'The reasons in force'), ...problems(...BEARER_PROBLEMS) },
  });
  app.openapi({ ...reasons, middleware: [auth] }, (c) => c.json({ items: (actDeps.returnReasons ?? DEFAULT_RETURN_REASONS).map((r) => ({ code: r.code, label: { ...r.label } })) }, 200));
  return app;
}
