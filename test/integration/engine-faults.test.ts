import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, hotlineCase, type Harness } from '../support/harness';

/**
 * The storage refusing writes (a full or read-only disk under the embedded engine answers 500
 * InternalServerError, as DynamoDB does for its own faults): writes answer 503 problem+json with
 * Retry-After, reads keep serving, a retry with the same Idempotency-Key succeeds once the fault is
 * gone, and nothing acknowledged is lost. The fault is injected on the real client (every attempt
 * of the SDK's retries), over the real engine. `npm run test:chaos` does it on a real full disk.
 */
let h: Harness;
let failWrites = false;
let refused = 0;

beforeAll(async () => {
  h = await createHarness();
  h.db.middlewareStack.add(
    (next, context) => async (args) => {
      if (failWrites && context.commandName !== 'GetItemCommand' && context.commandName !== 'QueryCommand') {
        refused++;
        throw Object.assign(new Error('LEVEL_IO_ERROR: IO error: /data/dynamo/000123.log: No space left on device'), {
          name: 'InternalServerError',
          $fault: 'server',
          $metadata: { httpStatusCode: 500 },
        });
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'injectedDiskFull' },
  );
});
afterAll(async () => h?.close());

const post = (key: string) => h.request('/v1/cases', { method: 'POST', roles: ['operator'], headers: { 'Idempotency-Key': key }, json: hotlineCase({ hotline: { callId: key } }) });

describe('writes refused by the storage', () => {
  it('answer 503 problem+json with Retry-After; reads keep serving; the same key succeeds once the disk is back', async () => {
    const before = await post('disk-0');
    expect(before.status).toBe(201);
    const kept = (await before.json()) as { id: string };

    failWrites = true;
    const refusedCall = await post('disk-1');
    expect(refusedCall.status).toBe(503);
    expect(refusedCall.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refusedCall.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await refusedCall.json()) as { type: string; detail: string };
    expect(problem.type).toBe('/problems/unavailable');
    // The engine's message (paths, internals) stays in the log.
    expect(problem.detail).not.toMatch(/LEVEL|space|data\//);
    expect(refused).toBeGreaterThan(1); // the SDK retried before giving up

    const read = await h.request(`/v1/cases/${kept.id}`, { roles: ['supervisor'] });
    expect(read.status).toBe(200);
    expect((await h.request('/v1/cases?limit=5', { roles: ['supervisor'] })).status).toBe(200);

    failWrites = false;
    const retried = await post('disk-1');
    // The first attempt may have claimed the key before the disk filled: then the retry waits out its lease.
    expect([201, 503]).toContain(retried.status);
    let final = retried;
    for (let i = 0; final.status === 503 && i < 3; i++) {
      h.clock.advance(11_000);
      final = await post('disk-1');
    }
    expect(final.status).toBe(201);
    const made = (await final.json()) as { id: string };
    expect((await h.request(`/v1/cases/${made.id}`, { roles: ['supervisor'] })).status).toBe(200);
    expect((await h.request(`/v1/cases/${kept.id}`, { roles: ['supervisor'] })).status).toBe(200);
  });

  it('keeps the storage client usable for plain commands after a fault', async () => {
    failWrites = true;
    await expect(h.db.send(new PutItemCommand({ TableName: h.tableName, Item: { pk: { S: 'x' }, sk: { S: 'y' } } }))).rejects.toMatchObject({ kind: 'unavailable' });
    failWrites = false;
    await expect(h.db.send(new PutItemCommand({ TableName: h.tableName, Item: { pk: { S: 'x' }, sk: { S: 'y' } } }))).resolves.toBeTruthy();
  });
});
