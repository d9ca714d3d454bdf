import { isOpenStatus, type CaseInput, type CaseRecord } from './case';
import { DAY_MS } from './time';

/**
 * 重复件: the same person writing or calling again about the same thing while the first case is
 * still open. Intake looks for open cases received in the last 30 days with the same contact
 * (phone — the complainant's or the caller's number — or e-mail) and the same topic, and lists
 * their ticket numbers; staff decide, and `link` the repeat to the original. Contacts are
 * compared by keyed hashes of these normalized values (the adapter hashes them), so the lookup
 * stores no contact data and answers only with ticket numbers. Pure.
 */
export const DUPLICATE_WINDOW_MS = 30 * DAY_MS;
/** Looked at per contact value, newest first: a person writes a handful of times, not hundreds. */
export const MAX_DUPLICATE_CANDIDATES = 20;

/** A phone number as digits only, without the country code; mainland numbers as intake stores them. */
export function normalizePhone(phone: string): string {
  return phone.replace(/[\s\-()]/g, '').replace(/^(\+86|0086)/, '').replace(/^\+/, '');
}

/** An e-mail address compared case-insensitively, full-width forms folded. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** The contact values a case can be matched by, prefixed by kind so a phone never meets an e-mail. */
export function contactValues(c: Pick<CaseInput, 'complainant' | 'hotline'>): string[] {
  const values = new Set<string>();
  for (const phone of [c.complainant?.phone, c.hotline?.callerNumber]) {
    const p = phone ? normalizePhone(phone) : '';
    // Short numbers (an extension, a withheld caller) say nothing about who called.
    if (p.length >= 7) values.add(`phone:${p}`);
  }
  if (c.complainant?.email) values.add(`email:${normalizeEmail(c.complainant.email)}`);
  return [...values];
}

/** Whether a case found by contact is a possible original of a new one: open, not itself a repeat, same topic, within the window. */
export function isPossibleOriginal(found: CaseRecord, input: Pick<CaseInput, 'topic' | 'receivedAt'>, newId?: string): boolean {
  return (
    found.id !== newId &&
    isOpenStatus(found.status) &&
    found.duplicateOf === undefined &&
    (found.topic ?? '') === (input.topic ?? '') &&
    Math.abs(input.receivedAt - found.receivedAt) <= DUPLICATE_WINDOW_MS
  );
}
