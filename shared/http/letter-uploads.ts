import type { FieldError } from '../domain/errors';
import { MAX_ATTACHMENT_BYTES, type Attachment } from '../domain/letter';
import type { UploadStore } from '../ports';
import { fileSizeError, judgeFile } from './letter-form';

/**
 * The files a letter names by upload id (sent ahead by the page's script, straight to storage):
 * each read back and judged by its bytes as a multipart file is, or — when a letter already took
 * it — found kept, with the letter it belongs to. Nothing is stored or removed here.
 */
export interface LetterUploads {
  /** Arrived and accepted: to keep (copy to the attachment) once the letter is taken. */
  arrived: { attachment: Attachment; bytes: Uint8Array; etag?: string }[];
  /** Already kept by a letter: usable only by that same letter posted again. */
  kept: { attachment: Attachment; letter: string }[];
  errors: FieldError[];
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const UPLOAD_GONE: FieldError = { path: 'files', message: '附件上传未完成或已过期，请重新选择附件后再提交。' };

export async function readLetterUploads(store: UploadStore, ids: readonly string[]): Promise<LetterUploads> {
  const out: LetterUploads = { arrived: [], kept: [], errors: [] };
  for (const id of ids) {
    if (!UPLOAD_ID.test(id)) {
      if (!out.errors.includes(UPLOAD_GONE)) out.errors.push(UPLOAD_GONE);
      continue;
    }
    const upload = await store.read(id, MAX_ATTACHMENT_BYTES);
    if (!upload) {
      const kept = await store.kept(id);
      if (kept) out.kept.push(kept);
      else if (!out.errors.includes(UPLOAD_GONE)) out.errors.push(UPLOAD_GONE);
      continue;
    }
    if (!upload.bytes) {
      out.errors.push(fileSizeError(upload) ?? UPLOAD_GONE);
      continue;
    }
    const judged = judgeFile({ name: upload.name, bytes: upload.bytes }, id);
    if ('error' in judged) out.errors.push(judged.error);
    else out.arrived.push({ attachment: judged.attachment, bytes: upload.bytes, ...(upload.etag && { etag: upload.etag }) });
  }
  return out;
}
