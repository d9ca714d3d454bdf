/**
 * The Mailer port on SES v2 alone, for the Lambdas: SendEmail with `Content.Simple`, so SES builds the
 * MIME message (encoded-word subject, UTF-8 bodies, attachments) and no MIME library is bundled.
 * The local runtime keeps nodemailer (nodemailer-mailer.ts) for SMTP and the `.eml` outbox.
 *
 * Same contract as the nodemailer adapter: at least one recipient; extra header names are letters,
 * digits and dashes, and their values carry no line breaks (nor other control characters, which
 * SendEmail refuses); the result is the Message-ID, angle brackets included, `<id@region.amazonses.com>`.
 * What SES's API wants in ASCII is encoded here as RFC 2047 encoded-words: display names in
 * From/To/Cc and non-ASCII header values.
 */
import { SendEmailCommand, type Attachment, type MessageHeader, type SendEmailCommandInput, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailMessage, Mailer } from '../../ports';

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

/**
 * Headers SES sets itself for Simple content, which SendEmail refuses as custom headers
 * (SES developer guide, "Amazon SES header fields"). Refused here, by name, before any call.
 */
const SES_OWNED_HEADERS = new Set(['bcc', 'cc', 'content-disposition', 'content-type', 'date', 'from', 'message-id', 'mime-version', 'reply-to', 'return-path', 'subject', 'to']);

/** C0 and C1 control characters, DEL included; CR and LF among them. */
const CONTROL = /\p{Cc}/u;
/** Anything but printable ASCII (what SES takes as is in header values and display names). */
const NON_ASCII = /[^ -~]/;
const UTF8 = 'UTF-8';

export interface SesV2MailerOptions {
  client: SESv2Client;
  /** `address` or `Display Name <address>`; a non-ASCII display name is sent encoded. */
  from: string;
  /** SES configuration set (event publishing, dedicated IPs…), sent as SendEmail's ConfigurationSetName. */
  configurationSet?: string;
}

export function sesV2Mailer({ client, from, configurationSet }: SesV2MailerOptions): Mailer {
  const fromAddress = encodeAddress(from);
  return {
    async send(message: MailMessage): Promise<string> {
      const input = sendEmailInput(message, fromAddress, configurationSet);
      // An SES error rejects send(): the caller's notice ledger then releases its claim.
      const { MessageId } = await client.send(new SendEmailCommand(input));
      // SES took the message: from here on nothing may throw, or a retry would send it twice.
      let region: string | undefined;
      try {
        region = await client.config.region();
      } catch {
        region = undefined;
      }
      return sesMessageId(MessageId ?? 'unknown', region);
    },
  };
}

/** The SendEmail input for a message, after the port's checks (which throw before anything is sent). */
export function sendEmailInput(message: MailMessage, fromAddress: string, configurationSet?: string): SendEmailCommandInput {
  if (message.to.length === 0) throw new Error('mail: a message needs at least one recipient');
  const headers: MessageHeader[] = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME.test(name) || CONTROL.test(value)) throw new Error(`mail: invalid header ${JSON.stringify(name)}`);
    if (SES_OWNED_HEADERS.has(name.toLowerCase())) throw new Error(`mail: invalid header ${JSON.stringify(name)} (SES sets it)`);
    headers.push({ Name: name, Value: NON_ASCII.test(value) ? encodeWords(value) : value });
  }
  const attachments = (message.attachments ?? []).map(
    (a): Attachment => ({
      FileName: a.filename,
      ContentType: a.contentType,
      ContentDisposition: 'ATTACHMENT',
      // SES's default is 7-bit; the content is UTF-8 text (CSV with a BOM, for instance).
      ContentTransferEncoding: 'BASE64',
      // Bytes: the SDK base64-encodes them for the JSON request.
      RawContent: new TextEncoder().encode(a.content),
    }),
  );
  const cc = message.cc ?? [];
  return {
    FromEmailAddress: fromAddress,
    Destination: {
      ToAddresses: message.to.map(encodeAddress),
      ...(cc.length ? { CcAddresses: cc.map(encodeAddress) } : {}),
    },
    Content: {
      Simple: {
        // A subject is one header line: line breaks become spaces, as nodemailer does.
        Subject: { Data: message.subject.replace(/\r\n|[\r\n]/g, ' '), Charset: UTF8 },
        Body: {
          Text: { Data: message.text, Charset: UTF8 },
          ...(message.html !== undefined ? { Html: { Data: message.html, Charset: UTF8 } } : {}),
        },
        ...(headers.length ? { Headers: headers } : {}),
        ...(attachments.length ? { Attachments: attachments } : {}),
      },
    },
    ...(message.replyTo ? { ReplyToAddresses: [encodeAddress(message.replyTo)] } : {}),
    ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
  };
}

/** As nodemailer's SES transport gives it: `<id@region.amazonses.com>`, us-east-1 being `email`. */
export function sesMessageId(messageId: string, region: string | undefined): string {
  if (messageId.includes('@')) return `<${messageId}>`;
  const host = !region || region === 'us-east-1' ? 'email' : region;
  return `<${messageId}@${host}.amazonses.com>`;
}

/**
 * `Name <address>` with a non-ASCII name → `=?UTF-8?B?…?= <address>` (SES wants addresses and display
 * names in 7-bit ASCII); anything else is passed as given, trimmed.
 */
export function encodeAddress(address: string): string {
  const named = /^\s*(.*?)\s*<([^<>]*)>\s*$/s.exec(address);
  const name = named?.[1];
  if (!named || !name || !NON_ASCII.test(name)) return address.trim();
  const unquoted = /^"(.*)"$/s.exec(name)?.[1]?.replace(/\\(.)/gs, '$1') ?? name;
  return `${encodeWords(unquoted)} <${named[2] ?? ''}>`;
}

/**
 * RFC 2047 B encoded-words, UTF-8, each at most 75 characters (45 bytes of text), split between
 * code points and separated by spaces (which a decoder drops between encoded-words).
 */
export function encodeWords(text: string): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of text) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > 45 && chunk) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += size;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(' ');
}
