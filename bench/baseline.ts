import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createDynamoClient } from '../shared/adapters/dynamo/client';

export interface Baseline {
  url: string;
  close(): Promise<void>;
}

/**
 * The floor intake is compared with: the same HTTP stack (Hono on @hono/node-server), the same SDK
 * client settings and table, and one bare PutItem per request of an item padded to `itemBytes`
 * (no condition, no index attributes, no auth, no validation).
 */
export async function startBaseline(options: { endpoint: string; tableName: string; region?: string; itemBytes: number }): Promise<Baseline> {
  const db = createDynamoClient({ tableName: options.tableName, endpoint: options.endpoint, region: options.region });
  const app = new Hono().post('/put', async (c) => {
    const body = await c.req.text();
    const id = randomUUID();
    const pk = `BENCH#${id}`;
    const item: Record<string, AttributeValue> = { pk: { S: pk }, sk: { S: 'BENCH' }, body: { S: body }, createdAt: { N: String(Date.now()) } };
    item.pad = { S: 'x'.repeat(Math.max(0, options.itemBytes - itemBytes(item) - 3)) };
    await db.send(new PutItemCommand({ TableName: options.tableName, Item: item }));
    return c.json({ id, ...(JSON.parse(body) as Record<string, unknown>) }, 201);
  });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/put`,
    close: async () => {
      await new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      });
      db.destroy();
    },
  };
}

/** Approximate DynamoDB item size: attribute names plus values (UTF-8), nested maps and lists included. */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let n = 0;
  for (const [name, value] of Object.entries(item)) n += Buffer.byteLength(name) + valueBytes(value);
  return n;
}

function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return v.N.length;
  if (v.M !== undefined) return 3 + itemBytes(v.M);
  if (v.L !== undefined) return 3 + v.L.reduce((sum, x) => sum + 1 + valueBytes(x), 0);
  if (v.SS !== undefined) return v.SS.reduce((sum, x) => sum + Buffer.byteLength(x), 0);
  return 1;
}
