import type { Clock, Mailer, MailMessage, NoticeLedger } from '../ports';

export interface NoticeDeps {
  notices: NoticeLedger;
  mailer: Mailer;
  clock: Clock;
}

export interface Notice {
  /** The ledger's owner: the case id, or a pseudo-case such as the reports'. */
  owner: string;
  /** One key per notice owed, e.g. `sla:breach`, `receipt`. */
  key: string;
  /** How long the claim is reserved for this sender before another may send it. */
  leaseMs?: number;
}

/** sent: this call sent it · already_sent: it went before · busy: another sender holds the claim now. */
export type NoticeOutcome = 'sent' | 'already_sent' | 'busy';

const DEFAULT_LEASE_MS = 60_000;

/**
 * The notice protocol, for every e-mail that must go out once: claim the notice in the ledger
 * (a conditional put with a lease), compose and send it, then mark it sent. A failure before the
 * transport took the message releases the claim, so the retry need not wait out the lease; once it
 * is sent the claim is never released, or a retry would send it again. The message carries the
 * ledger key as its dedupe key, so a repeat after a crash between send and mark is kept once
 * wherever the transport can.
 */
export async function sendOnce(deps: NoticeDeps, notice: Notice, compose: () => MailMessage | Promise<MailMessage>): Promise<NoticeOutcome> {
  const { owner, key } = notice;
  const now = deps.clock.now();
  const claim = await deps.notices.claim(owner, key, now + (notice.leaseMs ?? DEFAULT_LEASE_MS), now);
  if (claim !== 'claimed') return claim;
  let messageId: string;
  try {
    messageId = await deps.mailer.send({ ...(await compose()), dedupeKey: `${owner}/${key}` });
  } catch (err) {
    // Nothing went out: give the claim up.
    await deps.notices.release(owner, key);
    throw err;
  }
  // Sent: from here on a failure must never release the claim.
  await deps.notices.markSent(owner, key, messageId, deps.clock.now());
  return 'sent';
}
