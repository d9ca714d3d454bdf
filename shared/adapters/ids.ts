import { randomBytes, randomUUID } from 'node:crypto';
import { trackingCodeFromBytes } from '../domain/ticket';
import type { IdGenerator } from '../ports';

export const randomIds: IdGenerator = {
  caseId: () => randomUUID(),
  trackingCode: () => trackingCodeFromBytes(randomBytes(8)),
};
