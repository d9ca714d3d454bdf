import { z } from '@hono/zod-openapi';
import { PROBLEM_REASONS, SLA_STATES } from '../../domain/case';
import { Category, Channel, ExtensionReason, instantOut, isoInstant, ReplyOutcome, Status, TicketNo } from './common';

/** A case as staff read it: GET /v1/cases/{id} and the list with its filters and pages. */

export const Sla = z
  .object({
    dueAt: instantOut,
    workingDays: z.number().int().openapi({ description: 'Working days allowed; 0 for urgent (same working day)' }),
    state: z.enum(SLA_STATES),
    calendarEstimated: z.boolean().openapi({ description: 'The deadline crosses a year without an official calendar: weekends-only estimate' }),
    lastStep: z.string().optional().openapi({ description: "The most severe escalation step handled: 'warning', 'breach' or 'overdue-<n>'" }),
    nextStep: z.object({ step: z.string(), at: instantOut }).optional().openapi({ description: 'The next escalation step and when it falls due' }),
  })
  .openapi('Sla');

export const Escalation = z
  .object({
    step: z.string(),
    level: z.number().int().openapi({ description: '1 office and head · 2 + supervisor · 3 + chairman' }),
    at: instantOut,
    skipped: z.array(z.string()).optional().openapi({ description: 'Steps passed over because a more severe one was already due' }),
  })
  .openapi('Escalation');

export const AttachmentSchema = z
  .object({
    id: z.string(),
    name: z.string().openapi({ description: 'The file name the writer’s browser gave' }),
    size: z.number().int().openapi({ description: 'Bytes' }),
    contentType: z.string().openapi({ description: 'Decided from the file’s bytes', example: 'application/pdf' }),
    sha256: z.string().openapi({ description: 'Hex SHA-256 of the bytes' }),
  })
  .openapi('Attachment');

export const Case = z
  .object({
    id: z.string(),
    ticketNo: z.string().openapi({ example: 'H2026-000042' }),
    trackingCode: z.string().openapi({ example: '7KQ2MZ9X' }),
    status: Status,
    channel: Channel,
    category: Category,
    urgent: z.boolean(),
    subject: z.string(),
    description: z.string(),
    topic: z.string().optional(),
    region: z.string().optional(),
    receivedAt: instantOut,
    dueAt: instantOut,
    complainant: z.object({ name: z.string().optional(), phone: z.string().optional(), email: z.string().optional(), employer: z.string().optional(), anonymous: z.boolean().optional() }).optional(),
    hotline: z.object({ callId: z.string(), operatorId: z.string().optional(), callerNumber: z.string().optional() }).optional(),
    walkIn: z.object({ visitors: z.number().int(), batchId: z.string().optional() }).optional(),
    attachments: z.array(AttachmentSchema).optional().openapi({ description: 'Files attached to the letter: GET /v1/cases/{id}/attachments/{attachmentId}' }),
    sla: Sla,
    office: z.string().optional().openapi({ description: 'The office the case is assigned to (分派)' }),
    assignedAt: instantOut.optional(),
    routing: z
      .object({
        office: z.string(),
        ruleIndex: z.number().int().nullable().openapi({ description: 'The first matching rule, or null for the default office' }),
        when: z.record(z.string(), z.unknown()).nullable(),
        rulesVersion: z.number().int(),
        messageVersion: z.number().int(),
        at: instantOut.optional().openapi({ description: 'When the router decided' }),
      })
      .optional()
      .openapi({ description: 'Why the case went to its office' }),
    escalations: z.array(Escalation).optional().openapi({ description: '督办: warnings and escalations sent, in order' }),
    acceptedAt: instantOut.optional().openapi({ description: '签收: when the office signed for it' }),
    acceptedLate: z.boolean().optional().openapi({ description: 'Signed for after the office’s sign-for time' }),
    returns: z.number().int().optional().openapi({ description: '退单: times sent back as misrouted' }),
    returnReview: z
      .object({ at: instantOut, office: z.string(), reasonCode: z.string(), reasonLabel: z.string(), note: z.string(), remindedAt: instantOut.optional() })
      .optional()
      .openapi({ description: 'The send-back waiting for a supervisor (status returned): assign (转办) to another office, or reject-return' }),
    improperReturns: z.number().int().optional().openapi({ description: '不当退单: send-backs a supervisor rejected' }),
    transfers: z.number().int().optional().openapi({ description: '转办: moves from one office to another' }),
    reworks: z.number().int().optional().openapi({ description: '重办: reopens after an unhappy follow-up' }),
    extended: z.boolean().optional().openapi({ description: '延期: extended from complaint to investigation' }),
    extensionReason: ExtensionReason.optional().openapi({ description: 'The reason category of the approved extension request' }),
    extensionRequest: z
      .object({
        at: instantOut,
        office: z.string().optional(),
        reasonCode: ExtensionReason,
        reason: z.string(),
        state: z.enum(['pending', 'approved', 'denied']).openapi({ description: 'pending 延期待审批 · approved 已批准 · denied 不予延期' }),
        decidedAt: instantOut.optional(),
        decisionNote: z.string().optional(),
      })
      .optional()
      .openapi({ description: '延期申请: the latest request and its decision' }),
    problem: z
      .object({ at: instantOut, reasons: z.array(z.enum(PROBLEM_REASONS)) })
      .optional()
      .openapi({ description: '问题工单: returns · transfers · reworks reached their thresholds (GET /v1/cases?flag=problem)' }),
    pauses: z
      .array(z.object({ from: instantOut, to: instantOut.optional(), reason: z.string(), workingDays: z.number().int().optional() }))
      .optional()
      .openapi({ description: 'Waiting for materials; workingDays moved the deadline' }),
    notes: z.array(z.object({ at: instantOut, text: z.string() })).optional().openapi({ description: 'Internal notes (text shown only to the assigned office, supervisors, admins)' }),
    reply: z
      .object({ at: instantOut, text: z.string(), outcome: ReplyOutcome.optional(), remedies: z.string().optional() })
      .optional()
      .openapi({ description: '答复: the answer to the complainant, its outcome (absent on replies from before outcomes) and, for reject, the remedies' }),
    followUp: z
      .object({ at: instantOut, resolved: z.boolean(), satisfaction: z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']), comment: z.string().optional() })
      .optional()
      .openapi({ description: '回访' }),
    closedAt: instantOut.optional(),
    reopened: z.number().int().optional(),
    possibleDuplicates: z.array(z.string()).optional().openapi({ description: '重复件?: ticket numbers of open cases of the last 30 days with the same phone or e-mail and topic, found at intake' }),
    duplicateOf: z.object({ caseId: z.string(), ticketNo: z.string() }).optional().openapi({ description: '重复件: the case this one repeats (closed by `link`)' }),
    createdAt: instantOut,
    updatedAt: instantOut,
    version: z.number().int(),
  })
  .openapi('Case');
export type CaseBody = z.infer<typeof Case>;

export const CaseId = z.strictObject({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const CaseListQuery = z
  .strictObject({
    status: Status.optional(),
    slaState: z.enum(SLA_STATES).optional().openapi({ description: 'on_track · due_soon 即将超期 · overdue 已超期 · met · missed' }),
    category: Category.optional(),
    channel: Channel.optional(),
    dueBefore: isoInstant.optional().openapi({ type: 'string', format: 'date-time', description: 'Only cases due strictly before this instant' }),
    ticketNo: TicketNo.optional().openapi({ description: 'Look a case up by ticket number' }),
    flag: z.enum(['problem']).optional().openapi({ description: 'problem: only 问题工单 (sent back, transferred or reworked again and again)' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2048).optional().openapi({ description: 'nextCursor of the previous page' }),
  })
  .openapi('CaseListQuery');

export const CaseList = z
  .object({ items: z.array(Case), nextCursor: z.string().nullable() })
  .openapi('CaseList');
export type CaseListBody = z.infer<typeof CaseList>;
