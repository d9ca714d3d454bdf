import type { SESEvent } from 'aws-lambda';
import { composeInboundMail, onFirstUse } from '../../shared/compose/aws';
import { inboundMailHandler } from './handler';

/** Invoked by the SES receipt rule (Lambda action, asynchronous) after its S3 action stored the raw message (./handler.ts). */
export const buildInboundMail = (env: Record<string, string | undefined> = process.env) => inboundMailHandler(composeInboundMail(env));

const inbound = onFirstUse(() => buildInboundMail());
export const handler = (event: SESEvent) => inbound()(event);
