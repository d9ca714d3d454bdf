/**
 * The Mailer port on nodemailer, with three transports:
 * - SES (AWS): nodemailer's SES transport on an @aws-sdk/client-sesv2 SESv2Client; the message goes
 *   out as raw MIME in SendEmail's Content.Raw.Data.
 * - SMTP: any relay, from a URL such as smtp://user:pass@host:587.
 * - Outbox (local development, tests): every message becomes one RFC 5322 `.eml` file in a directory.
 *
 * Nodemailer does the MIME work (encoded-word subjects, base64/quoted-printable UTF-8 bodies), so
 * Chinese text survives every hop.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import nodemailer from 'nodemailer';
import type { SentMessageInfo, Transporter } from 'nodemailer';
import { OWN_MESSAGE_ID_DOMAIN } from '../../domain/inbound-mail';
import type { MailMessage, Mailer } from '../../ports';

/** Message content is always literal text: never let a transport read a file or fetch a URL for it. */
const NO_CONTENT_FETCH = { disableFileAccess: true, disableUrlAccess: true } as const;

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export interface NodemailerMailerOptions<T extends SentMessageInfo> {
  /** Runs with the transport's result before send() resolves (the outbox writes its file here); a failure fails send(). */
  afterSend?: (info: T, message: MailMessage) => Promise<void>;
}

export class NodemailerMailer<T extends SentMessageInfo = SentMessageInfo> implements Mailer {
  constructor(
    readonly transporter: Transporter<T>,
    readonly from: string,
    private readonly options: NodemailerMailerOptions<T> = {},
  ) {}

  /** Resolves with the Message-ID (angle brackets included) once the transport took the message. */
  async send(message: MailMessage): Promise<string> {
    if (message.to.length === 0) throw new Error('mail: a message needs at least one recipient');
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (!HEADER_NAME.test(name) || /[\r\n]/.test(value)) throw new Error(`mail: invalid header ${JSON.stringify(name)}`);
    }
    const info = await this.transporter.sendMail({
      from: this.from,
      to: message.to,
      cc: message.cc?.length ? message.cc : undefined,
      replyTo: message.replyTo,
      subject: message.subject,
      text: message.text,
      html: message.html,
      // Nodemailer lets its standard headers (From, To, Subject, Message-ID…) win over these.
      headers: message.headers,
      attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
      // A repeat of the same notice carries the same Message-ID, so mail clients keep one copy.
      ...(message.dedupeKey && { messageId: `<${dedupeHash(message.dedupeKey)}@${OWN_MESSAGE_ID_DOMAIN}>` }),
    });
    await this.options.afterSend?.(info, message);
    return info.messageId;
  }

  /** Releases pooled connections, if the transport keeps any. */
  close(): void {
    this.transporter.close();
  }
}

export interface SesMailerOptions {
  client: SESv2Client;
  from: string;
  /** SES configuration set (event publishing, dedicated IPs…), sent as SendEmail's ConfigurationSetName. */
  configurationSet?: string;
}

/**
 * SES v2 via nodemailer's SES transport: `createTransport({ SES: { sesClient, SendEmailCommand } })`.
 * The configuration set is not a transport option; it is the per-message `ses` field (merged into the
 * SendEmailCommand input), given here once as a message default.
 * The Message-ID returned is SES's MessageId, as `<id@region.amazonses.com>`.
 */
export function sesMailer({ client, from, configurationSet }: SesMailerOptions) {
  const transporter = nodemailer.createTransport(
    { SES: { sesClient: client, SendEmailCommand }, ...NO_CONTENT_FETCH },
    configurationSet ? { ses: { ConfigurationSetName: configurationSet } } : undefined,
  );
  return new NodemailerMailer(transporter, from);
}

export interface SmtpMailerOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465 (TLS). */
  url: string;
  from: string;
}

export function smtpMailer({ url, from }: SmtpMailerOptions) {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Never echo the URL: it carries the password.
    throw new Error('mail: SMTP_URL is not a valid URL (expected smtp://user:pass@host:587)');
  }
  if (protocol !== 'smtp:' && protocol !== 'smtps:') throw new Error('mail: SMTP_URL must start with smtp:// or smtps://');
  const transporter = nodemailer.createTransport({ url, ...NO_CONTENT_FETCH });
  return new NodemailerMailer(transporter, from);
}

export interface OutboxMailerOptions {
  /** Created on first use. */
  dir: string;
  from: string;
  /** Epoch ms for the file names; tests may pin it. */
  now?: () => number;
}

/**
 * One `.eml` file per message in `dir`, named `<ISO time>-<random>.eml` and written atomically: a
 * hidden temporary file is written, flushed and then renamed, so a reader listing `*.eml` never
 * sees half a message. Names sort by time (fixed-width UTC ISO stamp, `:` replaced for portable
 * file names) and the random part keeps two messages of the same millisecond apart. A message with
 * a dedupe key is named by its key's hash instead and kept once: a repeat after a crash finds its
 * file and writes nothing. The hashes already present are read from one listing of the folder on
 * first use and kept in memory, so a message costs no listing however full the outbox is.
 */
export class EmlOutbox {
  private known: Promise<Map<string, string>> | undefined;
  private readonly writing = new Map<string, Promise<string>>();

  constructor(readonly dir: string) {}

  /** Writes the message unless its dedupe key was written before; returns the file name. */
  async write(bytes: Uint8Array, at: number, dedupeKey?: string): Promise<string> {
    if (!dedupeKey) return this.writeFile(bytes, at, randomBytes(6).toString('hex'));
    const unique = dedupeHash(dedupeKey);
    const pending = this.writing.get(unique);
    if (pending) return pending;
    const job = (async () => {
      const known = await this.index();
      const existing = known.get(unique);
      if (existing) return existing;
      const name = await this.writeFile(bytes, at, unique);
      known.set(unique, name);
      return name;
    })();
    this.writing.set(unique, job);
    try {
      return await job;
    } finally {
      this.writing.delete(unique);
    }
  }

  private index(): Promise<Map<string, string>> {
    this.known ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const byHash = new Map<string, string>();
      for (const f of await readdir(this.dir)) {
        const m = DEDUPED_NAME.exec(f);
        if (m?.[1]) byHash.set(m[1], f);
      }
      return byHash;
    })().catch((err: unknown) => {
      this.known = undefined;
      throw err;
    });
    return this.known;
  }

  private async writeFile(bytes: Uint8Array, at: number, unique: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const name = `${new Date(at).toISOString().replace(/:/g, '-')}-${unique}.eml`;
    const temporary = join(this.dir, `.${name}.tmp`);
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, join(this.dir, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return name;
  }
}

/** `<stamp>-<24 hex of a dedupe key's hash>.eml` (random names have 12). */
const DEDUPED_NAME = /^[^.].*-([0-9a-f]{24})\.eml$/;

/** A short stable name for a dedupe key (file names, Message-IDs). */
const dedupeHash = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 24);

/** Local development and tests: nodemailer's stream transport renders the message, the outbox keeps it. */
export function outboxMailer({ dir, from, now = Date.now }: OutboxMailerOptions) {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, ...NO_CONTENT_FETCH });
  const outbox = new EmlOutbox(dir);
  return new NodemailerMailer(transporter, from, {
    afterSend: async (info, message) => {
      if (!Buffer.isBuffer(info.message)) throw new Error('mail: stream transport did not return a buffer');
      await outbox.write(info.message, now(), message.dedupeKey);
    },
  });
}

export interface CreateMailerOptions {
  /** Given on AWS: send through SES. */
  sesClient?: SESv2Client;
  configurationSet?: string;
  /** Otherwise, when set: send through this SMTP relay. */
  smtpUrl?: string;
  /** Otherwise: write `.eml` files here. */
  outboxDir: string;
  from: string;
}

export type MailTransportKind = 'ses' | 'smtp' | 'outbox';

/** SES when a client is given (AWS), else SMTP when a URL is set, else the outbox. */
export function createMailer(options: CreateMailerOptions): { kind: MailTransportKind; mailer: Mailer & { close(): void } } {
  const { sesClient, configurationSet, smtpUrl, outboxDir, from } = options;
  if (sesClient) return { kind: 'ses', mailer: sesMailer({ client: sesClient, from, configurationSet }) };
  if (smtpUrl) return { kind: 'smtp', mailer: smtpMailer({ url: smtpUrl, from }) };
  return { kind: 'outbox', mailer: outboxMailer({ dir: outboxDir, from }) };
}
