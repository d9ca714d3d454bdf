/**
 * The mailbox address on the embedded default: an SMTP listener (smtp-server) for MAILBOX_ADDRESS,
 * and the folder DATA_DIR/inbox/ it spools into — where fetchmail or getmail may drop `.eml` files
 * too. Each message is written to the folder (temporary name, fsync, rename) before SMTP answers
 * 250, so an accepted message survives a crash; then it is filed and moved to done/, held/ or
 * failed/. The folders are bounded: done/ and failed/ keep the newest files, held/ its 30 days.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { parseInbound } from '../../shared/adapters/mail/parse-inbound';
import { HELD_KEEP_MS } from '../../shared/domain/inbound-mail';
import type { Logger } from '../../shared/observability/logger';
import { fileInboundMail, MailBusyError, type InboundMailDeps } from '../../shared/usecases/inbound-mail';
import { UnavailableError } from '../../shared/domain/errors';
import { ConfigError } from '../../shared/config';

/** The largest message the listener takes: 20 MB of files base64-encoded, and the text. */
export const SMTP_MAX_BYTES = 32 * 1024 * 1024;
/** done/ and failed/ keep this many newest files. */
const KEEP_FILES = 500;
const POLL_MS = 2_000;
/** Passes a message may fail (other than for storage being busy or down) before it goes to failed/. */
const MAX_ATTEMPTS = 5;

export interface InboxOptions {
  dir: string;
  deps: InboundMailDeps;
  logger: Logger;
  pollMs?: number;
}

export interface Inbox {
  /** Spools a message into the folder (atomically) and files it soon after; resolves once it is on disk. */
  accept(raw: Uint8Array, mailFrom?: string): Promise<string>;
  /** Files every message waiting in the folder now; resolves when done (the count filed). */
  drain(): Promise<number>;
  stop(): Promise<void>;
}

const FOLDERS = ['done', 'failed', 'held'] as const;

export async function startInbox(options: InboxOptions): Promise<Inbox> {
  const { dir, deps, logger } = options;
  for (const d of ['', ...FOLDERS]) await mkdir(join(dir, d), { recursive: true, mode: 0o700 });
  let running: Promise<number> = Promise.resolve(0);
  let again = false;
  let stopped = false;
  const attempts = new Map<string, number>();

  async function processFile(name: string): Promise<void> {
    const path = join(dir, name);
    let raw: Buffer;
    try {
      raw = await readFile(path);
    } catch {
      return; // Gone meanwhile (moved by another pass).
    }
    let target: (typeof FOLDERS)[number];
    let letter;
    try {
      // A spooled message starts with the Return-Path the listener wrote (the envelope sender, as an MDA does).
      letter = await parseInbound(raw);
    } catch (err) {
      logger.error('mail.inbox_unreadable', { file: name, error: err });
      letter = undefined;
    }
    if (!letter) target = 'failed';
    else {
      try {
        const filed = await fileInboundMail(deps, { raw, letter, source: { kind: 'file', name: `held/${name}` } });
        target = filed.outcome.kind === 'held' ? 'held' : 'done';
        attempts.delete(name);
      } catch (err) {
        // Storage busy or down, the office's mail relay failing…: left in place for the next pass, a few times.
        const n = (attempts.get(name) ?? 0) + 1;
        attempts.set(name, n);
        const transient = err instanceof MailBusyError || err instanceof UnavailableError;
        if (transient || n < MAX_ATTEMPTS) {
          logger.warn('mail.inbox_retry_later', { file: name, attempt: n, error: err });
          return;
        }
        logger.error('mail.inbox_failed', { file: name, attempts: n, error: err });
        attempts.delete(name);
        target = 'failed';
      }
    }
    await rename(path, join(dir, target, name)).catch((err: unknown) => logger.warn('mail.inbox_move_failed', { file: name, error: err }));
  }

  async function pass(): Promise<number> {
    const names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.endsWith('.eml')).map((e) => e.name).sort();
    for (const name of names) {
      if (stopped) break;
      await processFile(name);
    }
    if (names.length) await prune();
    return names.length;
  }

  async function prune(): Promise<void> {
    for (const folder of ['done', 'failed'] as const) {
      const names = (await readdir(join(dir, folder))).filter((n) => n.endsWith('.eml')).sort();
      for (const n of names.slice(0, Math.max(0, names.length - KEEP_FILES))) await rm(join(dir, folder, n), { force: true });
    }
    const cutoff = deps.clock.now() - HELD_KEEP_MS;
    for (const n of await readdir(join(dir, 'held'))) {
      const s = await stat(join(dir, 'held', n)).catch(() => undefined);
      if (s && s.mtimeMs < cutoff) await rm(join(dir, 'held', n), { force: true });
    }
  }

  /** One pass at a time; a request during a pass runs one more after it. */
  function drain(): Promise<number> {
    again = true;
    running = running.then(async () => {
      let n = 0;
      while (again && !stopped) {
        again = false;
        n += await pass().catch((err: unknown) => {
          logger.error('mail.inbox_pass_failed', { error: err });
          return 0;
        });
      }
      return n;
    });
    return running;
  }

  const timer = setInterval(() => void drain(), options.pollMs ?? POLL_MS);
  timer.unref();
  void drain();

  return {
    async accept(raw, mailFrom) {
      const name = `${new Date(deps.clock.now()).toISOString().replace(/:/g, '-')}-${randomBytes(6).toString('hex')}.eml`;
      const header = mailFrom === undefined ? '' : `Return-Path: <${mailFrom.replace(/[\r\n<>]/g, '')}>\r\n`;
      const temporary = join(dir, `.${name}.tmp`);
      try {
        const file = await open(temporary, 'wx', 0o600);
        try {
          await file.writeFile(Buffer.concat([Buffer.from(header), raw]));
          await file.sync();
        } finally {
          await file.close();
        }
        await rename(temporary, join(dir, name));
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      }
      void drain();
      return name;
    },
    drain,
    async stop() {
      clearInterval(timer);
      stopped = true;
      await running.catch(() => undefined);
    },
  };
}

/** The mailbox address locally when MAILBOX_ADDRESS is not set. */
export const DEFAULT_MAILBOX_ADDRESS = 'mailbox@localhost';
export const DEFAULT_SMTP_PORT = 2525;

export interface LocalMailbox {
  address: string;
  /** Undefined when the default port was taken (another runtime on this machine): the inbox folder still works. */
  smtpPort?: number;
  inboxDir: string;
  drain(): Promise<number>;
  stop(): Promise<void>;
}

/** The inbox folder and the SMTP listener in front of it. A port asked for (INBOUND_SMTP_PORT) must be had; the default one may be taken. */
export async function startMailbox(options: { deps: InboundMailDeps; inboxDir: string; address: string; host: string; port?: number; logger: Logger }): Promise<LocalMailbox> {
  const { logger } = options;
  const inbox = await startInbox({ dir: options.inboxDir, deps: options.deps, logger });
  let smtp: SmtpListener | undefined;
  try {
    smtp = await startSmtpListener({ host: options.host, port: options.port ?? DEFAULT_SMTP_PORT, mailbox: options.address, inbox, logger });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.port !== undefined) {
      await inbox.stop();
      throw new ConfigError(`INBOUND_SMTP_PORT ${options.port ?? DEFAULT_SMTP_PORT} on ${options.host} cannot be used: ${(err as Error).message}`);
    }
    logger.warn('mail.smtp_port_taken', { port: DEFAULT_SMTP_PORT });
  }
  return {
    address: options.address,
    ...(smtp && { smtpPort: smtp.port }),
    inboxDir: options.inboxDir,
    drain: () => inbox.drain(),
    async stop() {
      await smtp?.close();
      await inbox.stop();
    },
  };
}

export interface SmtpListenerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The one recipient taken; any other is refused at RCPT TO. */
  mailbox: string;
  inbox: Inbox;
  logger: Logger;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

/** Plain SMTP for one address, as an MX or a local relay delivers to it; no AUTH, no relaying. */
export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const mailbox = options.mailbox.toLowerCase();
  const { logger } = options;
  const server = new SMTPServer({
    banner: 'union case routing: the chairman’s mailbox',
    size: SMTP_MAX_BYTES,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    maxClients: 20,
    socketTimeout: 60_000,
    onRcptTo(address, _session, callback) {
      if (address.address.toLowerCase() !== mailbox) return callback(smtpError(550, '5.1.1 No such mailbox here'));
      callback();
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      // Past the limit the data is read and dropped (the client is answered 552), never held in memory.
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= SMTP_MAX_BYTES) chunks.push(c);
      });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(smtpError(552, `5.3.4 Message exceeds the fixed maximum size of ${SMTP_MAX_BYTES / 1048576} MB`));
        const from = session.envelope.mailFrom;
        options.inbox.accept(Buffer.concat(chunks), from === false ? '' : from.address).then(
          () => callback(),
          (err: unknown) => {
            logger.error('mail.smtp_spool_failed', { error: err });
            callback(smtpError(451, '4.3.0 Could not store the message now; try again later'));
          },
        );
      });
    },
  });
  server.on('error', (err) => logger.warn('mail.smtp_error', { error: err }));
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info('mail.smtp_listening', { host: options.host, port });
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
