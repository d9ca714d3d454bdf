import { createRoute, z } from '@hono/zod-openapi';
import { mayReadCase, seesPersonalData } from '../../domain/access';
import { NotFoundError } from '../../domain/errors';
import { ATTACHMENT_MEDIA_TYPES, contentDisposition } from '../../domain/letter';
import { getCase } from '../../usecases/cases';
import { bearerAuth } from '../auth';
import type { AppDeps } from '../deps';
import { BEARER_PROBLEMS, bearer, problems, router } from '../env';
import { CaseId } from '../schemas/cases';

const Params = CaseId.extend({ attachmentId: z.string().min(1).max(64).openapi({ param: { name: 'attachmentId', in: 'path' } }) });

/** The presigned link itself, for callers that asked for JSON (AWS only; locally the file is the answer). */
const AttachmentLink = z
  .strictObject({ url: z.string().url().openapi({ description: 'Presigned S3 URL, valid for 5 minutes; it answers the file as a download' }) })
  .openapi('AttachmentLink');

const download = createRoute({
  method: 'get',
  path: '/v1/cases/{id}/attachments/{attachmentId}',
  operationId: 'getCaseAttachment',
  tags: ['cases'],
  summary: 'A file attached to the letter',
  description:
    'The file, for staff who may see the case and its personal data (the assigned office, supervisors, admins); anyone else gets 404. Served as the type its bytes showed, as a download. On AWS a 302 to a presigned S3 URL valid for 5 minutes — or, when the request prefers `application/json` (a browser app that cannot take its token across a cross-origin redirect), that URL in a JSON body to navigate to.',
  security: bearer,
  request: { params: Params },
  responses: {
    200: {
      description: 'The file',
      headers: {
        'Content-Disposition': { description: 'attachment, with the file name (RFC 6266 filename*); absent on the JSON link', required: false, schema: { type: 'string' } },
      },
      content: {
        ...Object.fromEntries(ATTACHMENT_MEDIA_TYPES.map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])),
        'application/json': { schema: AttachmentLink },
      },
    },
    302: {
      description: 'AWS: a short-lived presigned S3 URL for the file',
      headers: { Location: { description: 'The presigned URL', required: true, schema: { type: 'string', format: 'uri' } } },
    },
    ...problems(400, ...BEARER_PROBLEMS, 404),
  },
});

export function attachmentRoutes(deps: AppDeps) {
  const auth = bearerAuth({ verifier: deps.tokens });
  return router().openapi({ ...download, middleware: [auth] as const }, async (c) => {
    const principal = c.get('principal');
    const { id, attachmentId } = c.req.valid('param');
    const record = await getCase(deps.cases, id);
    // The files are evidence with personal details: those who may see the case's personal data only.
    if (!mayReadCase(principal, record) || !seesPersonalData(principal, record)) throw new NotFoundError(`No case with id ${id}`);
    const file = record.attachments?.find((a) => a.id === attachmentId);
    if (!file || !deps.attachments) throw new NotFoundError(`No attachment ${attachmentId} on case ${id}`);
    c.header('Cache-Control', 'private, no-store');
    const url = await deps.attachments.downloadUrl?.(file.id, file);
    if (url) return prefersJson(c.req.header('Accept')) ? c.json({ url }, 200) : c.redirect(url, 302);
    const bytes = await deps.attachments.get(file.id);
    if (!bytes) {
      c.get('log').error('attachment.missing', { caseId: id, attachmentId });
      throw new NotFoundError(`The file of attachment ${attachmentId} is missing`);
    }
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': file.contentType, 'Content-Disposition': contentDisposition(file.name), 'Content-Length': String(bytes.length) });
  });
}

/** `Accept` names application/json before (or instead of) any other type: the caller wants the link, not a redirect. */
function prefersJson(accept: string | undefined): boolean {
  return (accept ?? '').split(',')[0]?.trim().toLowerCase().startsWith('application/json') ?? false;
}
