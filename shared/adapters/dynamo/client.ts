import { UnavailableError } from '../../domain/errors';
import { ConditionalCheckFailedException, DynamoDBClient, QueryCommand, type AttributeValue, type DynamoDBClientConfig, type QueryCommandInput } from '@aws-sdk/client-dynamodb';

export interface DynamoOptions {
  tableName: string;
  region?: string;
  /** Set for the local engine (dynalite) or DynamoDB Local; unset on AWS. */
  endpoint?: string;
}

export function createDynamoClient(options: DynamoOptions): DynamoDBClient {
  const config: DynamoDBClientConfig = { region: options.region ?? 'ap-east-1', maxAttempts: 5 };
  if (options.endpoint) {
    config.endpoint = options.endpoint;
    // Local engines accept any credentials; fixed ones keep the SDK from searching the machine.
    config.credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  }
  const client = new DynamoDBClient(config);
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw asUnavailable(err) ?? err;
      }
    },
    { step: 'initialize', name: 'storageUnavailable' },
  );
  return client;
}

/**
 * A storage failure the SDK's retries did not overcome — the service's own fault (500/503: an
 * internal error, the embedded engine's full or read-only disk) or no answer at all — as a 503
 * with Retry-After: the request changed nothing that a retry (with its Idempotency-Key) would double.
 */
const STORAGE_RETRY_AFTER_SECONDS = 5;

function asUnavailable(err: unknown): UnavailableError | undefined {
  if (!(err instanceof Error) || err instanceof UnavailableError) return undefined;
  const fault = (err as { $fault?: string }).$fault;
  const code = (err as { code?: string }).code;
  const unreachable = code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE' || err.name === 'TimeoutError';
  if (fault !== 'server' && !unreachable) return undefined;
  return new UnavailableError('The case database cannot take this request right now; retry shortly', { cause: err, retryAfter: STORAGE_RETRY_AFTER_SECONDS });
}

export function isConditionFailed(err: unknown): boolean {
  return (
    err instanceof ConditionalCheckFailedException ||
    (err instanceof Error && err.name === 'ConditionalCheckFailedException')
  );
}

/** Sortable text for an instant, used in sort keys: UTC ISO 8601 with milliseconds. */
export function sortableInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Every item a Query returns, page after page: the one pagination loop the stores share. */
export async function* queryItems(db: DynamoDBClient, input: QueryCommandInput): AsyncIterable<Record<string, AttributeValue>> {
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}
