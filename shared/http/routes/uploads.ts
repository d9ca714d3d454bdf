import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { NotFoundError, ValidationError, type FieldError } from '../../domain/errors';
import { ATTACHMENT_MEDIA_TYPES, cleanFileName, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_ATTACHMENTS_TOTAL_BYTES } from '../../domain/letter';
import { formatShanghai } from '../../domain/time';
import type { UploadRefusal } from '../../ports';
import type { AppDeps } from '../deps';
import { json, noAuth, problems, router, type AppEnv } from '../env';
import { fileLimitErrors, fileSizeError, REFUSED_TYPE } from '../letter-form';
import { rateLimit } from '../rate-limit';

/** Where the page's script declares its files. */
export const UPLOADS_PATH = '/v1/intake/mailbox/uploads';
/** How long a browser has to start each file's upload (a 10 MB file on a slow line, with room). */
export const UPLOAD_TTL_SECONDS = 15 * 60;

const DeclaredFile = z
  .strictObject({
    name: z.string().min(1).max(255).openapi({ description: 'The file name as the browser has it', example: '工资条.pdf' }),
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).openapi({ description: 'Bytes', example: 245_760 }),
    contentType: z.string().min(1).max(255).openapi({ description: `One of: ${ATTACHMENT_MEDIA_TYPES.join(', ')}`, example: 'application/pdf' }),
  })
  .openapi('MailboxUploadFile');

const MailboxUploadsRequest = z.strictObject({ files: z.array(DeclaredFile).min(1).max(20) }).openapi('MailboxUploadsRequest');

const MailboxUpload = z
  .object({
    id: z.uuid().openapi({ description: 'The upload id: send it with the letter (`upload` form field, or `uploads` in JSON) once the file is uploaded' }),
    name: z.string().openapi({ description: 'The name the file will be listed under' }),
    url: z.string().openapi({ format: 'uri', description: 'Post the file here: a multipart form of `fields`, then the file as the last part, named `file`' }),
    fields: z.record(z.string(), z.string()).openapi({ description: 'Form fields to send as they are (on AWS the presigned S3 POST policy and its signature)' }),
    expiresAt: z.string().openapi({ format: 'date-time', description: 'The upload must start before this' }),
  })
  .openapi('MailboxUpload');

const MailboxUploads = z.object({ uploads: z.array(MailboxUpload) }).openapi('MailboxUploads');

const declare = createRoute({
  method: 'post',
  path: UPLOADS_PATH,
  operationId: 'createMailboxUploads',
  tags: ['public'],
  security: noAuth,
  summary: 'Send a letter’s files ahead, straight to storage',
  description: `For a letter with files larger than a request body may carry through API Gateway and Lambda (10 MB / 6 MB): declare up to ${MAX_ATTACHMENTS} files (${MAX_ATTACHMENT_BYTES / 1048576} MB each, ${MAX_ATTACHMENTS_TOTAL_BYTES / 1048576} MB in all, the accepted types) and get one upload target per file — on AWS a presigned S3 POST (its own key, the exact Content-Type and name, at most the declared size, valid ${UPLOAD_TTL_SECONDS / 60} minutes); locally this server's own upload route. Post each file there, then post the letter with the upload ids; the intake judges each file by its bytes as it does a posted one. A declaration outside the limits is a 400 whose \`errors[].message\` say why in zh-CN, for the writer. The ready page /mailbox does all this when its form carries \`data-uploads\`. 404 when this mailbox takes no files.`,
  request: { body: { content: { 'application/json': { schema: MailboxUploadsRequest } }, required: true } },
  responses: {
    200: json(MailboxUploads, 'One upload target per declared file, in order'),
    ...problems(400, 404, 415, 429),
  },
});

const UploadParams = z.strictObject({ uploadId: z.uuid().openapi({ param: { name: 'uploadId', in: 'path' } }) });

const receive = createRoute({
  method: 'post',
  path: `${UPLOADS_PATH}/{uploadId}`,
  operationId: 'putMailboxUpload',
  tags: ['public'],
  security: noAuth,
  summary: 'Take one file sent ahead (local runtime; on AWS the file goes to S3)',
  description:
    'The upload target `createMailboxUploads` hands out when files are kept on this server’s disk: the `fields` it gave, then the file as the last part, named `file`. Held to the declaration as S3 holds a POST to its policy: unknown or expired → 404 / 403, another Content-Type → 403, empty or larger than declared → 400. 204 like S3. On AWS uploads go to S3 and this answers 404.',
  request: {
    params: UploadParams,
    body: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { 'Content-Type': { type: 'string' }, file: { type: 'string', format: 'binary' } }, required: ['file'] } } } },
  },
  responses: { 204: { description: 'Stored under incoming/ until a letter takes it (at most a day)' }, ...problems(400, 403, 404, 415) },
});

const REFUSALS: Record<UploadRefusal, [400 | 403 | 404, string]> = {
  unknown: [404, 'No such upload: declare the file first'],
  expired: [403, 'The upload target has expired: declare the file again'],
  'wrong-type': [403, 'Content-Type differs from the declared one'],
  'too-large': [400, 'The file is empty or larger than declared'],
};

/** The page's script reads these answers itself: problem+json, never the zh-CN error page a form post gets. */
const jsonErrors = async (c: Context<AppEnv>, next: () => Promise<void>) => {
  c.set('htmlErrors', false);
  await next();
};

export function uploadRoutes(deps: AppDeps) {
  const limit = rateLimit({
    limiter: deps.rateLimiter,
    clock: deps.clock,
    logger: deps.logger,
    bucket: 'mailbox-uploads',
    limitPerMinute: deps.config.FORM_RATE_LIMIT,
    clientIp: deps.clientIp,
  });

  return router()
    .openapi({ ...declare, middleware: [jsonErrors, limit] as const }, async (c) => {
      const uploads = deps.uploads;
      if (!uploads || !deps.attachments) throw new NotFoundError('This mailbox takes no files');
      const { files } = c.req.valid('json');
      const named = files.map((f) => ({ ...f, name: cleanFileName(f.name) }));
      const errors: FieldError[] = fileLimitErrors(named);
      named.forEach((f, i) => {
        const sizeError = fileSizeError(f);
        if (sizeError) errors.push({ ...sizeError, path: `files.${i}.size` });
        else if (!(ATTACHMENT_MEDIA_TYPES as readonly string[]).includes(f.contentType.toLowerCase())) errors.push({ path: `files.${i}.contentType`, message: REFUSED_TYPE(f.name) });
      });
      if (errors.length) throw new ValidationError('The files cannot be taken', errors);
      const granted = [];
      for (const f of named) {
        const id = randomUUID();
        const t = await uploads.target({ id, name: f.name, size: f.size, contentType: f.contentType.toLowerCase() }, UPLOAD_TTL_SECONDS);
        granted.push({ id, name: f.name, url: new URL(t.url, c.req.url).toString(), fields: t.fields, expiresAt: formatShanghai(t.expiresAt) });
      }
      deps.logger.info('mailbox.uploads_declared', { count: granted.length, bytes: named.reduce((n, f) => n + f.size, 0) });
      return c.json({ uploads: granted }, 200);
    })
    .openapi({ ...receive, middleware: [jsonErrors] as const }, async (c) => {
      const store = deps.uploads;
      if (!store?.receive) throw new NotFoundError('Uploads go to S3 here, not to this route');
      const { uploadId } = c.req.valid('param');
      let body: Record<string, string | File>;
      try {
        body = await c.req.parseBody();
      } catch {
        throw new HTTPException(400, { message: 'The form body could not be read (malformed multipart data)' });
      }
      const file = body.file;
      if (!(file instanceof File)) throw new ValidationError('No file', [{ path: 'file', message: 'must be the file, as the last part' }]);
      const fields = Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const refused = await store.receive(uploadId, fields, { bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.type }, deps.clock.now());
      if (refused) {
        const [status, message] = REFUSALS[refused];
        throw new HTTPException(status, { message });
      }
      return c.body(null, 204);
    });
}
