import type { SQSEvent } from 'aws-lambda';
import { composeRouter, onFirstUse } from '../../shared/compose/aws';
import { createRouterHandler } from './handler';

/** The router from the environment: an SQS batch handler with partial batch responses (./handler.ts). */
export const buildRouter = (env: Record<string, string | undefined> = process.env) => createRouterHandler(composeRouter(env));

const router = onFirstUse(() => buildRouter());
export const handler = (event: SQSEvent) => router()(event);
