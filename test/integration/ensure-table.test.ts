import { CreateTableCommand, DescribeTableCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoClient } from '../../shared/adapters/dynamo/client';
import { ensureTable, OutdatedTableError } from '../../shared/adapters/dynamo/ensure-table';
import { INDEX, INDEXES, KEY } from '../../shared/adapters/dynamo/table';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';

let engine: LocalDynamo | undefined;
let endpoint: string;
beforeAll(async () => {
  endpoint = process.env.DYNAMODB_TEST_ENDPOINT ?? (engine = await startDynalite()).endpoint;
});
afterAll(() => engine?.close());

describe('ensureTable', () => {
  it('adds the indexes a table made by an earlier version lacks, or says clearly that the engine cannot', async () => {
    const db = createDynamoClient({ tableName: 'old', endpoint });
    // A table as the first version made it: only the byTicket index.
    await db.send(
      new CreateTableCommand({
        TableName: 'old',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [KEY.pk, KEY.sk, INDEX.byTicket.pk].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: KEY.pk, KeyType: 'HASH' },
          { AttributeName: KEY.sk, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [{ IndexName: INDEX.byTicket.name, KeySchema: [{ AttributeName: INDEX.byTicket.pk, KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
      }),
    );
    await db.send(new PutItemCommand({ TableName: 'old', Item: { pk: { S: 'CASE#1' }, sk: { S: 'CASE' }, slaKey: { S: 'SLA#overdue' }, dueKey: { S: '2026-01-01T00:00:00.000Z#1' } } }));
    // dynalite accepts UpdateTable but never builds the index; DynamoDB Local does (DYNAMODB_TEST_ENDPOINT).
    const outcome = await ensureTable(db, 'old').then(
      () => 'added',
      (err: unknown) => err,
    );
    if (outcome === 'added') {
      const out = await db.send(new DescribeTableCommand({ TableName: 'old' }));
      expect((out.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort()).toEqual(INDEXES.map((i) => i.name).sort());
      const q = await db.send(
        new QueryCommand({ TableName: 'old', IndexName: INDEX.bySlaDue.name, KeyConditionExpression: 'slaKey = :s', ExpressionAttributeValues: { ':s': { S: 'SLA#overdue' } } }),
      );
      expect(q.Items?.map((i) => i.pk?.S)).toEqual(['CASE#1']);
    } else {
      expect(outcome).toBeInstanceOf(OutdatedTableError);
      expect(String(outcome)).toMatch(/lacks the indexes .*bySlaDue/);
      // The data is untouched.
      const q = await db.send(new QueryCommand({ TableName: 'old', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'CASE#1' } } }));
      expect(q.Items).toHaveLength(1);
    }
    db.destroy();
  });
});
