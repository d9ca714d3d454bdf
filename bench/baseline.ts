import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
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
    const pad = 'x'.repeat(Math.max(0, options.itemBytes - body.length - pk.length - 40));
    await db.send(
      new PutItemCommand({
        TableName: options.tableName,
        Item: { pk: { S: pk }, sk: { S: 'BENCH' }, body: { S: body }, pad: { S: pad }, createdAt: { N: String(Date.now()) } },
      }),
    );
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
