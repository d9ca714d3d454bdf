import { DeleteItemCommand, GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Office } from '../../domain/routing';
import type { OfficeStore } from '../../ports';
import { queryItems } from './client';
import { ITEM, KEY } from './table';

export class DynamoOfficeStore implements OfficeStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async put(office: Office, updatedBy: string, now: number): Promise<void> {
    await this.db.send(new PutItemCommand({ TableName: this.table, Item: marshall({ ...ITEM.office(office.id), office, updatedBy, updatedAt: now }) }));
  }

  async get(id: string): Promise<Office | undefined> {
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: marshall(ITEM.office(id)), ConsistentRead: true }));
    return out.Item ? (unmarshall(out.Item).office as Office) : undefined;
  }

  async list(): Promise<Office[]> {
    const offices: Office[] = [];
    const items = queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.pk },
      ExpressionAttributeValues: { ':pk': { S: ITEM.office('').pk } },
      ConsistentRead: true,
    });
    for await (const item of items) offices.push(unmarshall(item).office as Office);
    return offices;
  }

  async delete(id: string): Promise<void> {
    await this.db.send(new DeleteItemCommand({ TableName: this.table, Key: marshall(ITEM.office(id)) }));
  }
}
