import { z } from '@hono/zod-openapi';
import { LOCALES } from '../../domain/routing';
import { Category, Channel, emailSchema, instantOut, line, officeId, topic } from './common';

/** Administration: offices and their 督办 ladder, the routing rules, the category queues. */

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
/** What a client sends to PUT /v1/admin/offices/{officeId} (before defaults). */
export type OfficeInputBody = z.input<typeof OfficeInput>;

export const Office = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    locale: z.enum(LOCALES),
    escalation: z.object({ head: z.array(z.string()), supervisor: z.array(z.string()), chairman: z.array(z.string()) }),
  })
  .openapi('Office');
export type OfficeBody = z.infer<typeof Office>;

export const OfficeList = z.object({ items: z.array(Office) }).openapi('OfficeList');
export type OfficeListBody = z.infer<typeof OfficeList>;

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
export type RoutingBody = z.infer<typeof Routing>;

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
export type QueueDepthsBody = z.infer<typeof QueueDepths>;

export const RedriveResult = z.object({ category: Category, moved: z.number().int() }).openapi('RedriveResult');
export type RedriveResultBody = z.infer<typeof RedriveResult>;
