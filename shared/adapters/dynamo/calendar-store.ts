import { PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CalendarYearData } from '../../domain/calendar';
import type { CalendarStore } from '../../ports';
import { ITEM, KEY } from './table';

export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async overrides(): Promise<CalendarYearData[]> {
    const years: CalendarYearData[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': KEY.pk },
          ExpressionAttributeValues: { ':pk': { S: ITEM.calendar(0).pk } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) {
        const y = unmarshall(item);
        years.push({ year: y.year, holidays: y.holidays ?? [], workdays: y.workdays ?? [] });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return years;
  }

  async put(year: CalendarYearData, updatedBy: string, now: number): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        // Lists, not sets: an empty list is valid, an empty set is not.
        Item: marshall({ ...ITEM.calendar(year.year), ...year, updatedBy, updatedAt: now }),
      }),
    );
  }
}
