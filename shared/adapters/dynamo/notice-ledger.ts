import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { NoticeClaim, NoticeLedger } from '../../ports';
import { isConditionFailed } from './client';
import { ITEM, KEY } from './table';

/**
 * The claim is a conditional put that succeeds when there is no notice yet, or when an earlier
 * claimant's lease ran out before it marked the notice sent. After a failed claim one
 * consistent read tells "already sent" from "someone else is sending now".
 */
export class DynamoNoticeLedger implements NoticeLedger {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async claim(caseId: string, key: string, leaseUntil: number, now: number): Promise<NoticeClaim> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall({ ...ITEM.notice(caseId, key), state: 'sending', leaseUntil, claimedAt: now }),
          ConditionExpression: 'attribute_not_exists(#pk) OR (#state = :sending AND #lease < :now)',
          ExpressionAttributeNames: { '#pk': KEY.pk, '#state': 'state', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':sending': { S: 'sending' }, ':now': { N: String(now) } },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.notice(caseId, key)), ConsistentRead: true }));
    return out.Item?.state?.S === 'sent' ? 'already_sent' : 'busy';
  }

  async isSent(caseId: string, key: string): Promise<boolean> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.notice(caseId, key)), ConsistentRead: true }));
    return out.Item?.state?.S === 'sent';
  }

  async markSent(caseId: string, key: string, messageId: string, now: number): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: marshall(ITEM.notice(caseId, key)),
        UpdateExpression: 'SET #state = :sent, #sentAt = :now, #messageId = :id REMOVE #lease',
        ExpressionAttributeNames: { '#state': 'state', '#sentAt': 'sentAt', '#messageId': 'messageId', '#lease': 'leaseUntil' },
        ExpressionAttributeValues: { ':sent': { S: 'sent' }, ':now': { N: String(now) }, ':id': { S: messageId } },
      }),
    );
  }

  async release(caseId: string, key: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: marshall(ITEM.notice(caseId, key)),
          UpdateExpression: 'SET #lease = :zero',
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state', '#lease': 'leaseUntil' },
          ExpressionAttributeValues: { ':zero': { N: '0' }, ':sending': { S: 'sending' } },
        }),
      );
    } catch (err) {
      // Already sent or gone: nothing to give up.
      if (!isConditionFailed(err)) throw err;
    }
  }
}
