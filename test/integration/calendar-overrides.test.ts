import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoStores } from '../../shared/adapters/dynamo';
import { calendarService } from '../../shared/compose/policies';
import { loadApiConfig } from '../../shared/config';
import { computeDeadline } from '../../shared/domain/deadline';
import { daysFromCivil, formatShanghai } from '../../shared/domain/time';
import { createLogger } from '../../shared/observability/logger';
import { createHarness, type Harness } from '../support/harness';

/** CALENDAR_OVERRIDES (the CDK parameter CalendarOverrides): a year given at deployment replaces the shipped one. */
describe('CALENDAR_OVERRIDES', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ now: '2026-02-27T10:00:00+08:00' });
  });
  afterAll(() => h.close());

  const service = (env: Record<string, string>) =>
    calendarService({ ...dynamoStores(h.db, h.tableName), timers: h.deps.timers, clock: h.clock, logger: createLogger({ write: () => undefined }), config: loadApiConfig(env) });

  it('replaces the shipped year it names, and deadlines follow', async () => {
    const shipped = await service({}).current();
    const given = await service({ CALENDAR_OVERRIDES: '{"2026":{"holidays":["2026-03-02","2026-03-03"],"workdays":[]}}' }).current();
    const receivedAt = Date.parse('2026-02-27T10:00:00+08:00');
    // Advice: 5 working days. Shipped: Sat 28 Feb (makeup day), 2–5 Mar → Thu 5 Mar. The given 2026 has
    // no makeup days and 2–3 Mar off: 4, 5, 6, 9, 10 → Tue 10 Mar.
    expect(formatShanghai(computeDeadline(shipped, receivedAt, 'advice', false).dueAt)).toBe('2026-03-05T23:59:59+08:00');
    expect(formatShanghai(computeDeadline(given, receivedAt, 'advice', false).dueAt)).toBe('2026-03-10T23:59:59+08:00');
    expect(given.isWorkingDay(daysFromCivil(2026, 3, 2))).toBe(false);
    // A year given replaces the shipped one whole (as an admin's PUT does): 1 Oct 2026 is not in it.
    expect(given.isWorkingDay(daysFromCivil(2026, 10, 1))).toBe(true);
    expect(shipped.isWorkingDay(daysFromCivil(2026, 10, 1))).toBe(false);
    // Other years keep the shipped data.
    expect(given.isWorkingDay(daysFromCivil(2025, 10, 1))).toBe(false);
  });
});
