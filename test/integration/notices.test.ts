import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNoticeLedger } from '../../shared/adapters/dynamo/notice-ledger';
import { outboxMailer } from '../../shared/adapters/mail/nodemailer-mailer';
import type { Mailer, MailMessage } from '../../shared/ports';
import { sendOnce, type NoticeDeps } from '../../shared/usecases/notices';
import { createHarness, type Harness } from '../support/harness';

/** The notice protocol (claim → send → mark sent / release) on the real ledger (dynalite) and a real outbox. */
let h: Harness;
let outbox: string;
let ledger: DynamoNoticeLedger;
let mailer: Mailer;
/** Sends through the outbox, counting attempts; fails while `failing` is set (the transport refusing). */
let attempts = 0;
let failing = false;
const counted: Mailer = {
  send: async (m) => {
    attempts++;
    if (failing) throw new Error('SMTP 451 try again later');
    return mailer.send(m);
  },
};

beforeAll(async () => {
  h = await createHarness({ now: '2026-03-02T09:30:00+08:00' });
  outbox = await mkdtemp(join(tmpdir(), 'notices-outbox-'));
  ledger = new DynamoNoticeLedger(h.db, h.tableName);
  mailer = outboxMailer({ dir: outbox, from: 'cases@union.example.org' });
});
afterAll(async () => {
  await h.close();
  await rm(outbox, { recursive: true, force: true });
});

const deps = (): NoticeDeps => ({ notices: ledger, mailer: counted, clock: h.clock });
const message = (subject: string): MailMessage => ({ to: ['rights@union.example.org'], subject, text: subject });
const emls = async () => (await readdir(outbox)).filter((f) => f.endsWith('.eml')).length;

describe('sendOnce', () => {
  it('sends once: a second call (a redelivery) finds it sent and neither composes nor sends again', async () => {
    attempts = 0;
    const before = await emls();
    let composed = 0;
    const compose = () => (composed++, message('first'));
    expect(await sendOnce(deps(), { owner: 'case-1', key: 'sla:warning' }, compose)).toBe('sent');
    expect(await sendOnce(deps(), { owner: 'case-1', key: 'sla:warning' }, compose)).toBe('already_sent');
    expect([composed, attempts, (await emls()) - before]).toEqual([1, 1, 1]);
    expect(await ledger.isSent('case-1', 'sla:warning')).toBe(true);
    // Another key of the same case is another notice.
    expect(await sendOnce(deps(), { owner: 'case-1', key: 'sla:breach' }, () => message('second'))).toBe('sent');
  });

  it('releases the claim when the send fails, so the retry sends at once instead of waiting out the lease', async () => {
    attempts = 0;
    const before = await emls();
    failing = true;
    await expect(sendOnce(deps(), { owner: 'case-2', key: 'receipt' }, () => message('receipt'))).rejects.toThrow('SMTP 451');
    failing = false;
    expect(await ledger.isSent('case-2', 'receipt')).toBe(false);
    // Same instant, well inside the lease: the claim was given up, so this one may send.
    expect(await sendOnce(deps(), { owner: 'case-2', key: 'receipt' }, () => message('receipt'))).toBe('sent');
    expect([attempts, (await emls()) - before]).toEqual([2, 1]);
  });

  it('releases the claim when composing fails (an office not found), and sends nothing', async () => {
    attempts = 0;
    await expect(
      sendOnce(deps(), { owner: 'case-3', key: 'assigned:rights:1' }, () => {
        throw new Error('office rights not found');
      }),
    ).rejects.toThrow('not found');
    expect(attempts).toBe(0);
    expect(await sendOnce(deps(), { owner: 'case-3', key: 'assigned:rights:1' }, () => message('assigned'))).toBe('sent');
  });

  it('never releases a notice that went out: a failure marking it sent leaves the claim, and a retry inside the lease sends nothing', async () => {
    attempts = 0;
    const before = await emls();
    // The real ledger, with the write that marks it sent failing (a throttled table, a crash).
    const faulty = Object.assign(Object.create(ledger) as DynamoNoticeLedger, {
      markSent: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    });
    await expect(sendOnce({ ...deps(), notices: faulty }, { owner: 'case-5', key: 'sla:overdue-1' }, () => message('overdue'))).rejects.toThrow('Throughput');
    expect(await sendOnce(deps(), { owner: 'case-5', key: 'sla:overdue-1' }, () => message('overdue'))).toBe('busy');
    expect([attempts, (await emls()) - before]).toEqual([1, 1]);
  });

  it('answers busy while another sender holds the claim, and sends nothing', async () => {
    attempts = 0;
    const now = h.clock.now();
    expect(await ledger.claim('case-4', 'sla:breach', now + 60_000, now)).toBe('claimed');
    expect(await sendOnce(deps(), { owner: 'case-4', key: 'sla:breach' }, () => message('breach'))).toBe('busy');
    expect(attempts).toBe(0);
  });

  it('of many senders at once exactly one sends', async () => {
    attempts = 0;
    const before = await emls();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => sendOnce(deps(), { owner: 'REPORTS', key: 'monthly-report:2026-02', leaseMs: 600_000 }, () => message('monthly'))));
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(outcomes.every((o) => o === 'sent' || o === 'busy' || o === 'already_sent')).toBe(true);
    expect([attempts, (await emls()) - before]).toEqual([1, 1]);
  });
});
