/**
 * A letter to the chairman's mailbox as a web form sends it: the field names the mailbox knows,
 * the limits on attached files, and which files are accepted — judged by their bytes, never by the
 * name or the type the browser claims. Pure: no I/O.
 */

/** The mailbox's own field names; MAILBOX_FIELDS maps a union form's names onto these. */
export const MAILBOX_FIELD_NAMES = ['name', 'phone', 'email', 'employer', 'subject', 'message', 'category', 'urgent', 'topic', 'redirect', 'submissionId', 'website'] as const;
export type MailboxField = (typeof MAILBOX_FIELD_NAMES)[number];

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_TOTAL_BYTES = 20 * 1024 * 1024;
/** At most this many ignored field names are kept on the case, each cut to 64 characters. */
export const MAX_IGNORED_FIELDS = 20;

/** A file attached to a case, as stored beside it and listed on it. */
export interface Attachment {
  id: string;
  /** The file name as the writer's browser gave it (path parts removed). */
  name: string;
  size: number;
  /** Decided from the bytes. */
  contentType: string;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
}

/** Every media type sniffContentType can decide: what a download may be served as. */
export const ATTACHMENT_MEDIA_TYPES = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'application/msword',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/plain',
] as const;

/** The declared type of a file by its name's extension, as the page's script declares uploads (browsers often give none for Office files). */
export const MEDIA_TYPE_BY_EXTENSION: Readonly<Record<string, (typeof ATTACHMENT_MEDIA_TYPES)[number]>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  txt: 'text/plain',
};

export const ACCEPTED_KINDS = 'PDF、JPEG、PNG、WebP、GIF 图片、Word（doc/docx）、Excel（xls/xlsx）、纯文本（txt）';

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const extensionOf = (name: string) => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? '';

/** Whether a zip holds an entry whose name starts with `prefix` (its local headers name them in clear). */
function zipHas(b: Uint8Array, prefix: string): boolean {
  const needle = ascii(prefix);
  // Local file header: PK\x03\x04, name length at 26, name at 30.
  for (let i = 0; i + 30 < b.length; ) {
    if (!startsWith(b, [0x50, 0x4b, 0x03, 0x04], i)) return false;
    const nameLength = (b[i + 26] ?? 0) | ((b[i + 27] ?? 0) << 8);
    const extraLength = (b[i + 28] ?? 0) | ((b[i + 29] ?? 0) << 8);
    const compressed = (b[i + 18] ?? 0) | ((b[i + 19] ?? 0) << 8) | ((b[i + 20] ?? 0) << 16) | (((b[i + 21] ?? 0) << 24) >>> 0);
    if (startsWith(b, needle, i + 30) && nameLength >= needle.length) return true;
    const flags = (b[i + 6] ?? 0) | ((b[i + 7] ?? 0) << 8);
    // Sizes written after the data (bit 3): no way to step over it without inflating; stop here.
    if (flags & 0x08) return false;
    i += 30 + nameLength + extraLength + compressed;
  }
  return false;
}

function isText(b: Uint8Array): boolean {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;
  for (const encoding of ['utf-8', 'gb18030']) {
    try {
      const s = new TextDecoder(encoding, { fatal: true }).decode(b);
      return !control.test(s);
    } catch {
      // Not this encoding; try the next.
    }
  }
  return false;
}

/** The media type of an accepted file, from its bytes (and, where bytes alone cannot tell, its name); undefined: refused. */
export function sniffContentType(bytes: Uint8Array, name: string): string | undefined {
  const ext = extensionOf(name);
  if (startsWith(bytes, ascii('%PDF-'))) return 'application/pdf';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    // The old Office container holds Word and Excel alike: the name tells which.
    if (ext === 'doc') return 'application/msword';
    if (ext === 'xls') return 'application/vnd.ms-excel';
    return undefined;
  }
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    if (zipHas(bytes, 'word/') || (ext === 'docx' && zipHas(bytes, '[Content_Types].xml'))) return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    if (zipHas(bytes, 'xl/') || (ext === 'xlsx' && zipHas(bytes, '[Content_Types].xml'))) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return undefined;
  }
  if ((ext === 'txt' || ext === '') && bytes.length > 0 && isText(bytes)) return 'text/plain';
  return undefined;
}

/** A file name fit to show and to send back in Content-Disposition: no path, no control characters, bounded. */
export function cleanFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001F\u007F"]/g, '').trim();
  const cut = base.length > 120 ? `${base.slice(0, 60)}…${base.slice(-59)}` : base;
  return cut || '附件';
}

/** RFC 6266 Content-Disposition for a download: an ASCII fallback and the UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
