import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoAccountStore, DynamoLoginAttemptStore } from './account-store';
import { DynamoCalendarStore } from './calendar-store';
import { DynamoCaseStore } from './case-store';
import { DynamoContactIndex, type ContactIndexOptions } from './contact-index';
import { DynamoIdempotencyStore } from './idempotency-store';
import { DynamoInboundMailStore } from './mail-store';
import { DynamoNoticeLedger } from './notice-ledger';
import { DynamoOfficeStore } from './office-store';
import { DynamoRateLimiter } from './rate-limiter';
import { DynamoReportFactStore } from './report-store';
import { DynamoRoutingStore } from './routing-store';

/** Every table-backed port over one client and table: the same on AWS and on the local engine. */
export function dynamoStores(db: DynamoDBClient, tableName: string, options: { contacts?: ContactIndexOptions } = {}) {
  const reports = new DynamoReportFactStore(db, tableName);
  return {
    cases: new DynamoCaseStore(db, tableName, reports),
    reports,
    idempotency: new DynamoIdempotencyStore(db, tableName),
    calendarStore: new DynamoCalendarStore(db, tableName),
    rateLimiter: new DynamoRateLimiter(db, tableName),
    offices: new DynamoOfficeStore(db, tableName),
    routing: new DynamoRoutingStore(db, tableName),
    notices: new DynamoNoticeLedger(db, tableName),
    accounts: new DynamoAccountStore(db, tableName),
    loginAttempts: new DynamoLoginAttemptStore(db, tableName),
    inboundMail: new DynamoInboundMailStore(db, tableName),
    contacts: new DynamoContactIndex(db, tableName, options.contacts),
  };
}
