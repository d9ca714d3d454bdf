import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { startDynalite, type LocalDynamo } from '../../shared/adapters/local/dynalite';

/**
 * The embedded engine on disk (patches/dynalite+4.0.0.patch): every Query or Scan closes its LevelDB
 * iterator, so compaction can delete the table files it replaced. Unpatched dynalite 4.0.0 never
 * closes them and each query pins the files of its moment: this loop leaves ~30 MB in ~40 files
 * there, against ~2 MB in under 10 files with the patch.
 */
let dir: string;
let engine: LocalDynamo;
let db: DynamoDBClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'engine-disk-'));
  engine = await startDynalite({ path: dir });
  db = new DynamoDBClient({ endpoint: engine.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await db.send(
    new CreateTableCommand({
      TableName: 'disk',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
});
afterAll(async () => {
  db.destroy();
  await engine.close();
  await rm(dir, { recursive: true, force: true });
});

async function folder() {
  const files = await readdir(dir);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(dir, f))).size;
  return { files: files.length, bytes };
}

describe('the embedded engine on disk', () => {
  it('keeps the folder near its live size while items are rewritten between queries', { timeout: 120_000 }, async () => {
    // 20 live items of 16 KB (320 KB), rewritten 4,000 times (64 MB written), a query after each.
    const blob = 'x'.repeat(16_000);
    for (let i = 0; i < 4000; i++) {
      await db.send(new PutItemCommand({ TableName: 'disk', Item: { pk: { S: 'p' }, sk: { S: String(i % 20) }, b: { S: `${blob}${i}` } } }));
      await db.send(
        new QueryCommand({ TableName: 'disk', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'p' } }, Limit: i % 2 ? 2 : 50 }),
      );
    }
    const { files, bytes } = await folder();
    // LevelDB's write-ahead log and level-0 files allow for a few MB over the live data.
    expect(bytes).toBeLessThan(12 * 1024 * 1024);
    expect(files).toBeLessThan(20);
  });
});
