import { CHANNEL_LETTER, type Channel } from './case';

/** 工单号: channel letter + year of receipt + 6-digit sequence shared by all channels, e.g. H2026-000042. */
export const TICKET_NO_PATTERN = /^[HMW]\d{4}-\d{6,}$/;
/** A ticket number inside other text (a mail subject), not part of a longer word or number. */
export const CASE_TICKET_NO = /(?<![A-Za-z0-9])[HMW]\d{4}-\d{6,}(?!\d)/;

export function formatTicketNo(channel: Channel, year: number, sequence: number): string {
  return `${CHANNEL_LETTER[channel]}${year}-${String(sequence).padStart(6, '0')}`;
}

/** 查询码: no 0/O or 1/I, so it survives being read out on the phone or copied by hand. */
export const TRACKING_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const TRACKING_CODE_LENGTH = 8;
export const TRACKING_CODE_PATTERN = new RegExp(`^[${TRACKING_CODE_ALPHABET}]{${TRACKING_CODE_LENGTH}}$`);

/** Maps random bytes to a tracking code (the alphabet has 32 letters, so `& 31` is unbiased). */
export function trackingCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < TRACKING_CODE_LENGTH) throw new RangeError('not enough random bytes');
  let code = '';
  for (let i = 0; i < TRACKING_CODE_LENGTH; i++) code += TRACKING_CODE_ALPHABET[(bytes[i] ?? 0) & 31];
  return code;
}
