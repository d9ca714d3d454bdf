/**
 * A raw RFC 5322 message → the decoded letter the mailbox rules read (shared/domain/inbound-mail.ts).
 * mailparser does the MIME work: transfer encodings (base64, quoted-printable), charsets through
 * iconv-lite (GB2312/GBK/GB18030, Big5…), RFC 2047 encoded words and RFC 2231 parameters in
 * attachment names, and HTML-only bodies turned into text.
 */
import { convert } from 'html-to-text';
import { simpleParser, type HeaderValue, type ParsedMail } from 'mailparser';
import type { InboundLetter, Verdict } from '../../domain/inbound-mail';

export interface Envelope {
  /** SMTP MAIL FROM ('' for the null sender `<>`), when the receiver knows it. */
  mailFrom?: string;
  verdicts?: { spam?: Verdict; virus?: Verdict };
}

/** A message larger than this is not parsed (SES receives at most 40 MB; the local listener refuses more). */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

const headerText = (v: HeaderValue | undefined): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return headerText(v[0] as HeaderValue);
  if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
  if (typeof v === 'object' && 'text' in v && typeof v.text === 'string') return v.text;
  return undefined;
};

const ids = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/)).filter(Boolean);

/** The envelope sender from a Return-Path header ('' for `<>`), for messages read from files. */
function returnPath(mail: ParsedMail): string | undefined {
  const line = mail.headerLines.find((h) => h.key === 'return-path')?.line;
  if (!line) return undefined;
  const value = line.slice(line.indexOf(':') + 1).trim();
  return /^<\s*>$/.test(value) ? '' : value.replace(/^<|>$/g, '').toLowerCase();
}

export async function parseInbound(raw: Uint8Array, envelope: Envelope = {}): Promise<InboundLetter> {
  if (raw.length > MAX_MESSAGE_BYTES) throw new RangeError(`message of ${raw.length} bytes is over the ${MAX_MESSAGE_BYTES} limit`);
  const mail = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.length), { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  const sender = mail.from?.value.find((a) => a.address);
  const address = sender?.address?.trim().toLowerCase();
  const name = sender?.name?.trim();
  const contentType = mail.headers.get('content-type');
  const params = contentType && typeof contentType === 'object' && 'params' in contentType ? (contentType.params as Record<string, string>) : {};
  const autoReply = ['x-autoreply', 'x-autorespond', 'x-autoresponder'].some((h) => mail.headers.has(h));
  const envelopeFrom = envelope.mailFrom !== undefined ? envelope.mailFrom.toLowerCase() : returnPath(mail);
  return {
    ...(mail.messageId && { messageId: mail.messageId }),
    ...(ids(mail.inReplyTo)[0] && { inReplyTo: ids(mail.inReplyTo)[0] }),
    references: ids(mail.references),
    ...(address && { from: { address, ...(name && name.toLowerCase() !== address && { name }) } }),
    ...(envelopeFrom !== undefined && { envelopeFrom }),
    subject: mail.subject ?? '',
    text: bodyText(mail),
    headers: {
      ...optional('autoSubmitted', headerText(mail.headers.get('auto-submitted'))?.trim().toLowerCase()),
      ...optional('precedence', headerText(mail.headers.get('precedence'))?.trim().toLowerCase()),
      // mailparser gathers List-* headers under `list`; the raw lines say which were there.
      ...(mail.headerLines.some((h) => h.key === 'list-id') && { listId: true }),
      ...(autoReply && { autoReply: true }),
      ...optional('contentType', headerText(contentType)?.trim().toLowerCase()),
      ...optional('reportType', params['report-type']?.toLowerCase()),
    },
    // Inline parts an HTML body shows (signature logos, pasted pictures) are part of the body, not evidence.
    attachments: mail.attachments.filter((a) => !a.related).map((a, i) => ({ name: a.filename ?? `附件${i + 1}`, bytes: new Uint8Array(a.content) })),
    ...(envelope.verdicts && { verdicts: envelope.verdicts }),
  };
}

/** The text part; a message with HTML only (web mail, often inside multipart/related) gets its HTML as text. */
function bodyText(mail: ParsedMail): string {
  const tidy = (s: string) => s.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').replace(/[ \t\u00a0]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  const text = tidy(mail.text ?? '');
  if (text || typeof mail.html !== 'string') return text;
  return tidy(convert(mail.html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }, { selector: 'a', options: { hideLinkHrefIfSameAsText: true } }], limits: { maxInputLength: 2_000_000 } }));
}

const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});
