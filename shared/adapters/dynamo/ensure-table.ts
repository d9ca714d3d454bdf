import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ATTRIBUTE_NAMES, INDEXES, KEY, projectionOf } from './table';

/**
 * Creates the table on a local engine (dynalite, DynamoDB Local) when it is missing and waits
 * until it is active. On AWS the CDK stack owns the table; this is never called there.
 */
export async function ensureTable(db: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await db.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ATTRIBUTE_NAMES.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: KEY.pk, KeyType: 'HASH' },
          { AttributeName: KEY.sk, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: INDEXES.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.pk, KeyType: 'HASH' as const },
            ...(index.sk ? [{ AttributeName: index.sk, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: projectionOf(index),
        })),
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
    await addMissingIndexes(db, tableName);
  }
  await waitUntilActive(db, tableName);
  const missing = await missingIndexes(db, tableName);
  if (missing.length) {
    // dynalite accepts UpdateTable but never builds a new index: say so instead of failing on a query later.
    throw new OutdatedTableError(`Table ${tableName} was made by an earlier version and lacks the indexes ${missing.join(', ')}, which this engine cannot add`);
  }
}

export class OutdatedTableError extends Error {}

async function missingIndexes(db: DynamoDBClient, tableName: string): Promise<string[]> {
  const out = await db.send(new DescribeTableCommand({ TableName: tableName }));
  const present = new Set((out.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  return INDEXES.filter((i) => !present.has(i.name)).map((i) => i.name);
}

/**
 * A table made by an earlier version (a developer's `.data/`) lacks the indexes added since:
 * create them one at a time, as DynamoDB requires, and wait for each.
 */
async function addMissingIndexes(db: DynamoDBClient, tableName: string): Promise<void> {
  const missing = new Set(await missingIndexes(db, tableName));
  for (const index of INDEXES.filter((i) => missing.has(i.name))) {
    await waitUntilActive(db, tableName);
    const create = {
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.pk, KeyType: 'HASH' as const },
        ...(index.sk ? [{ AttributeName: index.sk, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: projectionOf(index),
    };
    const update = (extra: object) =>
      db.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.pk, ...(index.sk ? [index.sk] : [])].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
          GlobalSecondaryIndexUpdates: [{ Create: { ...create, ...extra } }],
        }),
      );
    try {
      await update({});
    } catch (err) {
      // dynalite predates on-demand index creation and insists on a throughput, which DynamoDB
      // and DynamoDB Local refuse for an on-demand table: give it one only when it asks.
      if (!(err instanceof Error && /provisionedThroughput/i.test(err.message))) throw err;
      await update({ ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
    }
  }
}

async function waitUntilActive(db: DynamoDBClient, tableName: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const out = await db.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (out.Table?.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE');
      if (out.Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`table ${tableName} did not become active`);
}
