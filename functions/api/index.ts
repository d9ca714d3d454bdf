import { fileURLToPath } from 'node:url';
import { defaultIsContentTypeBinary, handle, type LambdaContext, type LambdaEvent } from 'hono/aws-lambda';
import { onFirstUse } from '../../shared/compose/aws';
import { composeApi } from '../../shared/compose/aws-api';
import { createApp } from '../../shared/http/app';

/**
 * Which responses go back to API Gateway base64-encoded, as bytes: hono's default (anything not
 * text, JSON or XML) and CSV. A text body is read with `Response.text()`, whose UTF-8 decoding
 * drops a leading byte-order mark, and the CSV reports need theirs: without it Excel on zh-CN
 * Windows reads them as GBK. API Gateway decodes the base64 and sends the exact bytes.
 */
export const isContentTypeBinary = (contentType: string): boolean => defaultIsContentTypeBinary(contentType) || /^text\/csv\s*(?:;|$)/i.test(contentType);

/** The API handler from the environment; `docs/` and `console/` sit beside this bundle in the asset (infra/function.ts). */
export const buildHandler = (env: Record<string, string | undefined> = process.env) =>
  handle(createApp(composeApi(env, fileURLToPath(new URL('./', import.meta.url)))), { isContentTypeBinary });

const api = onFirstUse(() => buildHandler());
export const handler = (event: LambdaEvent, context: LambdaContext) => api()(event, context);
