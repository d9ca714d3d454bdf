import { z } from '@hono/zod-openapi';
import { FESTIVALS } from '../domain/calendar';
import { CATEGORIES, CHANNELS, SLA_STATES, STATUSES, TOPICS } from '../domain/case';
import { LOCALES } from '../domain/routing';
import { TICKET_NO_PATTERN, TRACKING_CODE_LENGTH, TRACKING_CODE_PATTERN } from '../domain/ticket';

/**
 * The API's shapes, once: they validate requests, type handlers and the typed client, and
 * generate openapi.yaml. Request objects are strict: an unknown field is an error that names it.
 */

// Text from people: control characters other than tab and line breaks are never meant.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
// Nor are lone UTF-16 surrogates (JSON may carry "\ud800"): no encoder can write them out again.
const LONE_SURROGATE = /\p{Cs}/u;
const text = (min: number, max: number) =>
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
const isoInstant = z
  .string()
  .refine((s) => withSeconds.safeParse(s).success || withoutSeconds.safeParse(s).success, 'must be an ISO 8601 date-time with offset, e.g. 2026-03-02T09:30:00+08:00')
  .transform((s) => Date.parse(s));

export const Channel = z.enum(CHANNELS).openapi({ description: 'hotline 主席热线 · mailbox 主席信箱 · walk_in 接待来访' });
export const Category = z.enum(CATEGORIES).openapi({ description: 'advice 建议咨询 (5 working days) · complaint 求助申诉 (20) · investigation 需调查处理 (30)' });
export const Status = z.enum(STATUSES);

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

const topic = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'must be a short lowercase code such as wages')
  .openapi({ description: `Topic code, e.g. ${TOPICS.join(', ')}`, example: 'wages' });

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

const instantOut = z.string().openapi({ format: 'date-time', example: '2026-03-09T23:59:59+08:00' });

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
    extended: z.boolean().optional().openapi({ description: '延期: extended from complaint to investigation' }),
    pauses: z
      .array(z.object({ from: instantOut, to: instantOut.optional(), reason: z.string(), workingDays: z.number().int().optional() }))
      .optional()
      .openapi({ description: 'Waiting for materials; workingDays moved the deadline' }),
    notes: z.array(z.object({ at: instantOut, text: z.string() })).optional().openapi({ description: 'Internal notes (text shown only to the assigned office, supervisors, admins)' }),
    reply: z.object({ at: instantOut, text: z.string() }).optional().openapi({ description: '答复: the answer to the complainant' }),
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

export const CaseId = z.strictObject({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

export const CaseListQuery = z
  .strictObject({
    status: Status.optional(),
    slaState: z.enum(SLA_STATES).optional().openapi({ description: 'on_track · due_soon 即将超期 · overdue 已超期 · met · missed' }),
    category: Category.optional(),
    channel: Channel.optional(),
    dueBefore: isoInstant.optional().openapi({ type: 'string', format: 'date-time', description: 'Only cases due strictly before this instant' }),
    ticketNo: z.string().regex(TICKET_NO_PATTERN, 'must be a ticket number like H2026-000042').optional().openapi({ description: 'Look a case up by ticket number' }),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(2048).optional().openapi({ description: 'nextCursor of the previous page' }),
  })
  .openapi('CaseListQuery');

export const CaseList = z
  .object({ items: z.array(Case), nextCursor: z.string().nullable() })
  .openapi('CaseList');

export const TicketNo = z.string().regex(TICKET_NO_PATTERN, 'must be a ticket number like H2026-000042');

export const TrackParams = z.strictObject({ ticketNo: TicketNo.openapi({ param: { name: 'ticketNo', in: 'path' }, example: 'M2026-000107' }) });
const TrackingCode = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => TRACKING_CODE_PATTERN.test(s), `must be the ${TRACKING_CODE_LENGTH}-character tracking code`);
export const TrackQuery = z.strictObject({ code: TrackingCode.openapi({ param: { name: 'code', in: 'query' }, example: '7KQ2MZ9X' }) });

const SatisfactionSchema = z.enum(['satisfied', 'basically_satisfied', 'dissatisfied']).openapi({ description: 'satisfied 满意 · basically_satisfied 基本满意 · dissatisfied 不满意' });

export const PublicTimelineEntry = z
  .object({
    at: instantOut,
    kind: z.enum(['received', 'assigned', 'accepted', 'category_changed', 'extended', 'paused', 'resumed', 'replied', 'rated', 'reopened', 'closed']).openapi({
      description:
        'received 已受理 · assigned 转交办理 · accepted 已签收 · category_changed 类别调整 · extended 延期（转调查） · paused 暂停（等待补充材料） · resumed 恢复办理 · replied 已答复 · rated 评价 · reopened 重新办理 · closed 已办结',
    }),
    office: z.string().optional().openapi({ description: 'The office’s name (assigned, accepted)' }),
    dueAt: instantOut.optional().openapi({ description: 'The deadline from this step on (category_changed, extended, resumed, reopened)' }),
    category: Category.optional(),
    text: z.string().optional().openapi({ description: 'The reply (replied)' }),
    resolved: z.boolean().optional(),
    satisfaction: SatisfactionSchema.optional(),
    mergedInto: z.string().optional().openapi({ description: 'closed as a repeat: the ticket number of the case it repeats' }),
  })
  .openapi('PublicTimelineEntry');

export const PublicCase = z
  .object({
    ticketNo: z.string(),
    status: Status,
    category: Category,
    receivedAt: instantOut,
    dueAt: instantOut,
    extended: z.boolean().openapi({ description: 'The deadline was extended for an investigation (延期)' }),
    timeline: z.array(PublicTimelineEntry).openapi({ description: 'Oldest first; internal steps (notes, returns, escalations) are not shown' }),
    reply: z.object({ at: instantOut, text: z.string() }).nullable(),
    followUp: z.object({ at: instantOut, resolved: z.boolean(), satisfaction: SatisfactionSchema, comment: z.string().optional() }).nullable(),
    mayRate: z.boolean().openapi({ description: 'The reply may be rated now (POST /v1/track/{ticketNo}/follow-up), once per reply' }),
  })
  .openapi('PublicCase');

export const PublicFollowUp = z
  .strictObject({
    code: TrackingCode.openapi({ description: 'The tracking code', example: '7KQ2MZ9X' }),
    resolved: z.boolean().openapi({ description: 'Was the problem solved?' }),
    satisfaction: SatisfactionSchema,
    comment: text(1, 2000).optional(),
  })
  .openapi('PublicFollowUp');

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

export const MailboxReceipt = z
  .object({ ticketNo: z.string(), trackingCode: z.string(), dueAt: instantOut })
  .openapi('MailboxReceipt');

export const Year = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2027 }),
});

const dayList = z.array(z.iso.date('must be a date YYYY-MM-DD')).max(366);
const Festival = z.enum(FESTIVALS).openapi('Festival', { description: '元旦 · 春节 · 清明节 · 劳动节 · 端午节 · 中秋节 · 国庆节 · 抗战胜利纪念日 (2015)' });
const festivalsByDay = z.record(z.iso.date('must be a date YYYY-MM-DD'), Festival);
const NoticeBase = z.object({
  title: z.string().min(1).max(200).openapi({ example: '国务院办公厅关于2027年部分节假日安排的通知' }),
  date: z.iso.date('must be a date YYYY-MM-DD').openapi({ description: 'The day the notice was published' }),
  url: z.url().max(500).optional(),
});
export const CalendarNoticeInput = z.strictObject(NoticeBase.shape).openapi('CalendarNoticeInput', { description: 'The State Council notice the year is taken from' });
const CalendarNoticeOut = NoticeBase.extend({
  date: NoticeBase.shape.date.optional().openapi({ description: 'The day the notice was published (not known for 2004 and 2005)' }),
  amendments: z.array(NoticeBase.extend({ date: z.string().optional() })).optional().openapi({ description: 'Later notices that changed the year' }),
}).openapi('CalendarNotice');

export const CalendarYearInput = z
  .strictObject({
    holidays: dayList.openapi({ description: 'Public holidays (days off)' }),
    workdays: dayList.openapi({ description: 'Makeup working days (调休)' }),
    festivals: festivalsByDay.optional().openapi({ description: 'The festival each holiday or makeup working day belongs to, by day' }),
    notice: CalendarNoticeInput,
  })
  .openapi('CalendarYearInput');

export const CalendarYear = z
  .object({
    year: z.number().int(),
    source: z.enum(['shipped', 'override', 'estimated']).openapi({ description: 'shipped official data · override stored by an admin · estimated weekends only' }),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    festivals: festivalsByDay.optional(),
    notice: CalendarNoticeOut.optional().openapi({ description: 'Absent for estimated years and for years stored before notices were recorded' }),
    workingDayCount: z.number().int(),
  })
  .openapi('CalendarYear');

export const CalendarYearStored = CalendarYear.extend({ recomputedCases: z.number().int() }).openapi('CalendarYearStored');

export const DeadlineQuery = z.strictObject({
  receivedAt: isoInstant
    .refine((ms) => ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1), 'must be in the years 2000–2099')
    .optional()
    .openapi({ type: 'string', format: 'date-time', description: 'Default now' }),
  category: Category,
  urgent: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

const CountedDay = z
  .object({ date: z.string(), makeup: z.literal(true).optional().openapi({ description: 'A weekend worked in exchange (调休)' }), festival: Festival.optional() })
  .openapi('CountedDay');
const SkippedDay = z.object({ date: z.string(), kind: z.enum(['weekend', 'holiday']), festival: Festival.optional(), name: z.string().optional().openapi({ description: "The holiday's name (zh-CN)" }) }).openapi('SkippedDay');
export const DeadlineAnswer = z
  .object({
    receivedAt: instantOut,
    category: Category,
    urgent: z.boolean(),
    workingDays: z.number().int(),
    dueAt: instantOut,
    calendarEstimated: z.boolean(),
    receiptDay: z.string().openapi({ description: 'The day of receipt (Asia/Shanghai): not counted, except for urgent cases' }),
    countedDays: z.array(CountedDay).openapi({ description: 'Each working day counted, in order; the last is the due day' }),
    skippedDays: z.array(SkippedDay).openapi({ description: 'Each day passed over: weekends and public holidays' }),
  })
  .openapi('Deadline');

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

// ── Administration: offices, routing, queues ─────────────────────────────────────────────

export const officeId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'must be a short lowercase code such as rights or legal-aid')
  .openapi({ example: 'rights' });
const emailList = z.array(emailSchema).max(20).default([]);

export const OfficeParams = z.strictObject({ officeId: officeId.openapi({ param: { name: 'officeId', in: 'path' } }) });

export const OfficeInput = z
  .strictObject({
    name: line(100).openapi({ example: '权益保障部' }),
    email: emailSchema.openapi({ description: 'Where new-case notices go' }),
    locale: z.enum(LOCALES).default('zh-CN').openapi({ description: 'Language of the e-mails the office gets' }),
    escalation: z
      .strictObject({ head: emailList, supervisor: emailList, chairman: emailList })
      .default({ head: [], supervisor: [], chairman: [] })
      .openapi({ description: '督办 ladder: warned before a deadline (head), escalated after it (supervisor, then chairman)' }),
  })
  .openapi('OfficeInput');

export const Office = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    locale: z.enum(LOCALES),
    escalation: z.object({ head: z.array(z.string()), supervisor: z.array(z.string()), chairman: z.array(z.string()) }),
  })
  .openapi('Office');

export const OfficeList = z.object({ items: z.array(Office) }).openapi('OfficeList');

const RuleCondition = z
  .strictObject({ category: Category.optional(), topic: topic.optional(), channel: Channel.optional(), region: line(100).optional(), urgent: z.boolean().optional() })
  .openapi('RuleCondition', { description: 'All given fields must match; an empty condition matches every case' });

export const RoutingInput = z
  .strictObject({
    rules: z.array(z.strictObject({ when: RuleCondition, office: officeId })).max(200).openapi({ description: 'Ordered: the first rule that matches decides' }),
    defaultOffice: officeId.openapi({ description: 'Takes every case no rule matches' }),
  })
  .openapi('RoutingInput');

export const Routing = z
  .object({
    rules: z.array(z.object({ when: RuleCondition, office: z.string() })),
    defaultOffice: z.string(),
    version: z.number().int(),
    updatedBy: z.string(),
    updatedAt: instantOut,
  })
  .openapi('Routing');

export const CategoryParams = z.strictObject({ category: Category.openapi({ param: { name: 'category', in: 'path' } }) });

export const QueueDepths = z
  .object({
    queues: z.array(
      z.object({
        category: Category,
        visible: z.number().int().openapi({ description: 'Waiting to be routed (approximate)' }),
        inFlight: z.number().int().openapi({ description: 'Being routed now (approximate)' }),
        deadLetters: z.number().int().openapi({ description: 'Failed 5 times; redrive after fixing the cause' }),
      }),
    ),
  })
  .openapi('QueueDepths');

export const RedriveResult = z.object({ category: Category, moved: z.number().int() }).openapi('RedriveResult');

// ── Lifecycle actions ────────────────────────────────────────────────────────────────────

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
} as const;

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

export const CaseEvents = z.object({ items: z.array(CaseEventSchema) }).openapi('CaseEvents');

// ── Reports ──────────────────────────────────────────────────────────────────────────────

const rate = z.number().min(0).max(1).nullable();
export const FiguresSchema = z
  .object({
    received: z.number().int().openapi({ description: '受理: cases received in the period (walk-in batches count once; duplicates apart, in `duplicates`)' }),
    hotlineCalls: z.number().int(),
    mailboxLetters: z.number().int(),
    walkInBatches: z.number().int().openapi({ description: '来访批次' }),
    walkInPersons: z.number().int().openapi({ description: '来访人次' }),
    replied: z.number().int().openapi({ description: 'Of those, replied (答复) so far' }),
    repliedOnTime: z.number().int(),
    onTimeRate: rate.openapi({ description: 'repliedOnTime / replied; null when nothing was replied' }),
    overdueNow: z.number().int().openapi({ description: 'Still open (not paused) and past the deadline now' }),
    signedOnTime: z.number().int(),
    signOnTimeRate: rate.openapi({ description: 'Signed for (签收) within the sign-for time / signed for' }),
    avgWorkingDaysToReply: z.number().nullable().openapi({ description: 'Working days from receipt to the first reply (the day of receipt not counted)' }),
    extensions: z.number().int().openapi({ description: '延期' }),
    returns: z.number().int().openapi({ description: '退单' }),
    followUps: z.number().int().openapi({ description: '回访: replies followed up' }),
    satisfactionRate: rate.openapi({ description: '(satisfied + basically satisfied) / rated' }),
    returnRate: rate.openapi({ description: '回退率: cases sent back (退单) at least once / received' }),
    improperReturns: z.number().int().openapi({ description: '不当退单: send-backs a supervisor rejected' }),
    reworkRate: rate.openapi({ description: '重办率: replied cases reopened / replied' }),
    resolvedRate: rate.openapi({ description: '解决率: followed up and resolved / followed up' }),
    ratedShare: rate.openapi({ description: '参评率: replied cases rated by the complainant / replied' }),
    followUpRate: rate.openapi({ description: '回访率: replied cases followed up / replied' }),
    duplicates: z.number().int().openapi({ description: '重复件: cases linked to another (duplicateOf) and closed; counted in no other figure' }),
  })
  .openapi('Figures');

export const GroupBySchema = z.enum(['channel', 'category', 'office', 'topic', 'month']);

export const SummaryReport = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: GroupBySchema,
    total: FiguresSchema,
    groups: z.array(z.object({ key: z.string(), label: z.string() }).extend(FiguresSchema.shape)),
  })
  .openapi('SummaryReport');

export const SupervisionItem = z
  .object({
    id: z.string(),
    ticketNo: z.string(),
    office: z.string().nullable(),
    officeName: z.string().nullable(),
    category: Category,
    topic: z.string().nullable(),
    status: Status,
    receivedAt: instantOut,
    dueAt: instantOut,
    workingDaysLeft: z.number().int().openapi({ description: 'At month end (or now): working days left (≥ 0) or over (< 0)' }),
    escalationLevel: z.number().int().min(0).max(3).openapi({ description: '督办 level reached: 0 none, 1 warning, 2 head/supervisor, 3 chairman' }),
    handlingWorkingDays: z.number().int().openapi({ description: '办理周期: working days since receipt' }),
    openAtMonthEnd: z.boolean(),
    overdueInMonth: z.boolean(),
  })
  .openapi('SupervisionItem');

export const SupervisionReport = z
  .object({ month: z.string(), asOf: instantOut, items: z.array(SupervisionItem) })
  .openapi('SupervisionReport');

export const ClusterSchema = z
  .object({
    topic: z.string(),
    label: z.string(),
    sites: z.array(z.string()),
    regions: z.array(z.string()),
    cases: z.array(
      z.object({ id: z.string(), ticketNo: z.string(), receivedAt: instantOut, employer: z.string().nullable(), region: z.string().nullable(), office: z.string().nullable(), status: Status }),
    ),
  })
  .openapi('Cluster');

export const QuarterlyReport = z
  .object({
    quarter: z.string(),
    previousQuarter: z.string(),
    summary: SummaryReport.openapi({ description: 'The quarter, grouped by office' }),
    previous: FiguresSchema.openapi({ description: 'The previous quarter in total' }),
    change: z.record(z.string(), z.number().nullable()).openapi({ description: 'This quarter minus the previous, per figure (null when either is null)' }),
    monthly: z.array(z.object({ month: z.string(), hotline: z.number().int(), mailbox: z.number().int(), walk_in: z.number().int() })).openapi({ description: 'Cases by channel per month' }),
    topTopics: z.array(z.object({ topic: z.string(), label: z.string(), received: z.number().int() })),
    clusters: z.array(ClusterSchema).openapi({ description: 'The same topic from two or more employers/sites or regions in the quarter' }),
  })
  .openapi('QuarterlyReport');

const reportFormat = z.enum(['json', 'csv', 'html']).optional().openapi({ description: 'Instead of the Accept header: json, csv (UTF-8 with BOM, zh-CN headers, for Excel) or html (printable, with charts)' });
const isoDay = z.iso.date('must be a date YYYY-MM-DD');
export const SummaryQuery = z
  .strictObject({
    from: isoDay.optional().openapi({ description: 'First day of receipt (Shanghai), inclusive. Default: the first of this month', example: '2026-07-01' }),
    to: isoDay.optional().openapi({ description: 'Last day of receipt, inclusive. Default: today', example: '2026-09-30' }),
    groupBy: GroupBySchema.default('channel'),
    format: reportFormat,
  })
  .openapi('SummaryQuery');
export const SupervisionQuery = z
  .strictObject({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM').optional().openapi({ description: 'Default: this month (as of now)', example: '2026-10' }),
    format: reportFormat,
  })
  .openapi('SupervisionQuery');
export const QuarterlyQuery = z
  .strictObject({
    quarter: z.string().regex(/^\d{4}-Q[1-4]$/, 'must be a quarter YYYY-Qn').optional().openapi({ description: 'Default: this quarter', example: '2026-Q3' }),
    format: reportFormat,
  })
  .openapi('QuarterlyQuery');

const queueCounts = {
  open: z.number().int().openapi({ description: 'Assigned, in progress or paused' }),
  assigned: z.number().int().openapi({ description: 'Waiting to be signed for (待签收)' }),
  inProgress: z.number().int(),
  paused: z.number().int(),
  dueSoon: z.number().int().openapi({ description: '即将超期: warned, deadline not yet passed' }),
  overdue: z.number().int().openapi({ description: '已超期: past the deadline, not paused' }),
};
export const QueueCountsReport = z
  .object({
    asOf: instantOut,
    total: z.object(queueCounts),
    offices: z.array(z.object({ office: z.string(), officeName: z.string().nullable(), ...queueCounts })).openapi({ description: 'Most overdue first' }),
  })
  .openapi('QueueCountsReport');
