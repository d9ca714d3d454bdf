import { PutItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { VersionConflictError } from '../../domain/errors';
import type { RoutingConfig, VersionedRoutingConfig } from '../../domain/routing';
import type { RoutingStore } from '../../ports';
import { isConditionFailed } from './client';
import { ITEM, KEY } from './table';

/** Each configuration is its own item; a new version is a conditional create, so history is kept whole. */
export class DynamoRoutingStore implements RoutingStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async current(): Promise<VersionedRoutingConfig | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': KEY.pk },
        ExpressionAttributeValues: { ':pk': { S: ITEM.routing(0).pk } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? (unmarshall(item).config as VersionedRoutingConfig) : undefined;
  }

  async put(config: RoutingConfig, expectedVersion: number, updatedBy: string, now: number): Promise<VersionedRoutingConfig> {
    const stored: VersionedRoutingConfig = { ...config, version: expectedVersion + 1, updatedBy, updatedAt: now };
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall({ ...ITEM.routing(stored.version), config: stored }, { removeUndefinedValues: true }),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.pk },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new VersionConflictError(`routing version ${stored.version} already exists`);
      throw err;
    }
    return stored;
  }
}
