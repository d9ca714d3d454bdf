import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { CalendarYearData } from '../../domain/calendar';
import type { CalendarStore } from '../../ports';
import { queryItems } from './client';
import { ITEM, KEY } from './table';

export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async overrides(): Promise<CalendarYearData[]> {
    const years: CalendarYearData[] = [];
    const items = queryItems(this.db, {
      TableName: this.table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.pk },
      ExpressionAttributeValues: { ':pk': { S: ITEM.calendar(0).pk } },
      ConsistentRead: true,
    });
    for await (const item of items) {
      const y = unmarshall(item);
      years.push({ year: y.year, holidays: y.holidays ?? [], workdays: y.workdays ?? [], ...(y.festivals && { festivals: y.festivals }), ...(y.notice && { notice: y.notice }) });
    }
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
