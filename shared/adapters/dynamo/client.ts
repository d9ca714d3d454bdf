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
  return new DynamoDBClient(config);
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
