import { z } from '@hono/zod-openapi';
import { HOLD_REASONS } from '../../domain/inbound-mail';
import { instantOut as instant } from './common';

/** The mailbox as an e-mail address: messages held for review instead of filed. */

export const HeldMailQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(2048).optional().openapi({ description: 'nextCursor of the previous page' }),
});

export const HeldMailItem = z
  .object({
    id: z.string(),
    receivedAt: instant,
    expiresAt: instant.openapi({ description: 'Kept until then (30 days), then forgotten' }),
    reason: z.enum(HOLD_REASONS).openapi({ description: 'spam 疑似垃圾邮件 · virus 检出病毒 · flood 同一发件人一小时内来信过多' }),
    from: z.object({ address: z.string(), name: z.string().optional() }).optional(),
    subject: z.string(),
    excerpt: z.string().openapi({ description: 'The start of the text body' }),
    attachments: z.array(z.object({ name: z.string(), size: z.number().int() })),
    raw: z
      .object({ kind: z.enum(['s3', 'file']), location: z.string() })
      .openapi({ description: 'Where the raw message is kept meanwhile: s3://bucket/key on AWS, a file under DATA_DIR/inbox/held locally' }),
  })
  .openapi('HeldMail');
export type HeldMailBody = z.infer<typeof HeldMailItem>;

export const HeldMailList = z.object({ items: z.array(HeldMailItem), nextCursor: z.string().nullable() }).openapi('HeldMailList');
export type HeldMailListBody = z.infer<typeof HeldMailList>;
