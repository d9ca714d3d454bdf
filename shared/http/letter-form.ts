import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { FieldError } from '../domain/errors';
import {
  ACCEPTED_KINDS,
  cleanFileName,
  MAILBOX_FIELD_NAMES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENTS_TOTAL_BYTES,
  MAX_IGNORED_FIELDS,
  sniffContentType,
  type Attachment,
  type MailboxField,
} from '../domain/letter';
import { MailboxForm, type MailboxFormBody } from './schemas/intake';

/**
 * A letter as a real web form posts it. Tolerant of the form (unknown fields, a submit button's
 * name, a CMS's csrf_token are ignored and only their names kept; the union's own field names are
 * mapped by MAILBOX_FIELDS), strict about the content (the same checks as the JSON body, with
 * zh-CN messages for the person who typed it). Files: every file part, judged by its bytes.
 */
export interface FormLetter {
  /** The text fields under the mailbox's names, as typed (for showing the letter again). */
  values: Partial<Record<MailboxField, string>>;
  ignoredFields: string[];
  files: { name: string; bytes: Uint8Array }[];
}

export interface AcceptedFile {
  attachment: Attachment;
  bytes: Uint8Array;
}

/** What the person sees next to a field that is not right (zh-CN: the writer is a worker, not a developer). */
export const LETTER_FIELD_ERRORS: Record<MailboxField, string> = {
  name: '姓名请填写一行，不超过100字。',
  phone: '请填写正确的联系电话：11位手机号码，或带区号的固定电话。',
  email: '请填写正确的电子邮箱地址，例如 zhangsan@example.com。',
  employer: '工作单位请填写一行，不超过200字。',
  subject: '标题请填写一行，不超过200字。',
  message: '请填写来信内容（不超过10000字）。',
  category: '请从列表中选择类别。',
  urgent: '“是否紧急”的取值无法识别。',
  topic: '请从列表中选择问题类型。',
  redirect: '跳转地址无效。',
  submissionId: '表单编号无效，请刷新页面后重新填写。',
  website: '此项请留空。',
};
const REPEATED = '此项只能填写一次。';

const KNOWN = new Set<string>(MAILBOX_FIELD_NAMES);

/** Reads a urlencoded or multipart body: known and mapped fields, the names of the rest, the files. */
export async function readFormLetter(c: Context, mapping: Readonly<Record<string, MailboxField>> = {}): Promise<{ letter: FormLetter; errors: FieldError[] }> {
  let body: Record<string, string | File | (string | File)[]>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw new HTTPException(400, { message: 'The form body could not be read (malformed urlencoded or multipart data)' });
  }
  const values: FormLetter['values'] = {};
  const ignored = new Set<string>();
  const files: FormLetter['files'] = [];
  const errors: FieldError[] = [];
  for (const [raw, value] of Object.entries(body)) {
    const parts = Array.isArray(value) ? value : [value];
    const field = Object.hasOwn(mapping, raw) ? mapping[raw] : KNOWN.has(raw) ? (raw as MailboxField) : undefined;
    for (const part of parts) {
      if (typeof part !== 'string') {
        // An empty file input still sends a part: no name, no bytes.
        if (part.size > 0 || part.name) files.push({ name: cleanFileName(part.name), bytes: new Uint8Array(await part.arrayBuffer()) });
        continue;
      }
      if (!field) {
        if (ignored.size < MAX_IGNORED_FIELDS) ignored.add(raw.slice(0, 64));
        continue;
      }
      if (part === '') continue;
      if (values[field] !== undefined && values[field] !== part) {
        if (!errors.some((e) => e.path === field)) errors.push({ path: field, message: REPEATED });
        continue;
      }
      values[field] = part;
    }
  }
  return { letter: { values, ignoredFields: [...ignored], files }, errors };
}

/**
 * Hidden fields the writer cannot see or fix: a form's malformed `redirect` or `submissionId` is
 * dropped (the thank-you page is ours, the letter simply has no submission id), never a reason to
 * send the letter back.
 */
const HIDDEN: readonly MailboxField[] = ['redirect', 'submissionId'];

/** The letter's fields checked as the JSON body is, each problem worded for the writer. */
export function checkLetter(values: FormLetter['values'], earlier: FieldError[] = []): { fields?: MailboxFormBody; errors: FieldError[] } {
  let parsed = MailboxForm.safeParse(values);
  const badHidden = parsed.success ? [] : HIDDEN.filter((f) => parsed.error?.issues.some((i) => i.path[0] === f));
  if (badHidden.length) {
    for (const f of badHidden) delete values[f];
    parsed = MailboxForm.safeParse(values);
  }
  const errors = [...earlier];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = String(issue.path[0] ?? '') as MailboxField;
      if (!errors.some((e) => e.path === path)) errors.push({ path, message: LETTER_FIELD_ERRORS[path] ?? '此项填写有误。' });
    }
  }
  return errors.length || !parsed.success ? { errors } : { fields: parsed.data, errors };
}

const MB = 1024 * 1024;

/** Files within the limits and of the accepted kinds, or the reasons they are not (zh-CN). */
export function checkFiles(files: FormLetter['files'], accepting: boolean): { accepted: AcceptedFile[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!files.length) return { accepted: [], errors };
  if (!accepting) return { accepted: [], errors: [{ path: 'files', message: '本信箱暂不接收附件，请删除附件后再提交，或在来信中说明。' }] };
  if (files.length > MAX_ATTACHMENTS) errors.push({ path: 'files', message: `最多可上传${MAX_ATTACHMENTS}个附件，您选择了${files.length}个。` });
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  if (total > MAX_ATTACHMENTS_TOTAL_BYTES) errors.push({ path: 'files', message: `附件合计不能超过${MAX_ATTACHMENTS_TOTAL_BYTES / MB}MB，您选择的共${(total / MB).toFixed(1)}MB。` });
  const accepted: AcceptedFile[] = [];
  for (const f of files) {
    if (f.bytes.length === 0) {
      errors.push({ path: 'files', message: `附件“${f.name}”是空文件。` });
      continue;
    }
    if (f.bytes.length > MAX_ATTACHMENT_BYTES) {
      errors.push({ path: 'files', message: `附件“${f.name}”超过${MAX_ATTACHMENT_BYTES / MB}MB。` });
      continue;
    }
    const contentType = sniffContentType(f.bytes, f.name);
    if (!contentType) {
      errors.push({ path: 'files', message: `附件“${f.name}”的文件类型不能接收。可接收：${ACCEPTED_KINDS}。` });
      continue;
    }
    const sha256 = createHash('sha256').update(f.bytes).digest('hex');
    accepted.push({ attachment: { id: randomUUID(), name: f.name, size: f.bytes.length, contentType, sha256 }, bytes: f.bytes });
  }
  return { accepted: errors.length ? [] : accepted, errors };
}

/**
 * What makes two posts "the same letter": the fields that carry its content and the files' hashes
 * (not the redirect, the honeypot or the submission id).
 */
export function letterFingerprint(fields: MailboxFormBody, files: readonly Pick<Attachment, 'sha256'>[]): string {
  const { redirect: _r, submissionId: _s, website: _w, ...content } = fields;
  const canonical = JSON.stringify([Object.entries(content).sort(([a], [b]) => a.localeCompare(b)), files.map((f) => f.sha256)]);
  return createHash('sha256').update(canonical).digest('hex');
}
