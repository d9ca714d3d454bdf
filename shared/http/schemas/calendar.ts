import { z } from '@hono/zod-openapi';
import { Category, instantOut, isoDay, isoInstant } from './common';

/** Working days: a year's calendar (GET/PUT /v1/calendar/{year}) and the deadline calculator. */

export const Year = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2027 }),
});

const dayList = z.array(isoDay).max(366);
export const CalendarYearInput = z
  .strictObject({ holidays: dayList.openapi({ description: 'Public holidays (days off)' }), workdays: dayList.openapi({ description: 'Makeup working days (调休)' }) })
  .openapi('CalendarYearInput');

export const CalendarYear = z
  .object({
    year: z.number().int(),
    source: z.enum(['shipped', 'override', 'estimated']).openapi({ description: 'shipped official data · override stored by an admin · estimated weekends only' }),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    workingDayCount: z.number().int(),
  })
  .openapi('CalendarYear');

export const CalendarYearStored = CalendarYear.extend({ recomputedCases: z.number().int() }).openapi('CalendarYearStored');

export const DeadlineQuery = z.strictObject({
  receivedAt: isoInstant
    .refine((ms) => ms >= Date.UTC(2000, 0, 1) && ms < Date.UTC(2100, 0, 1), 'must be in the years 2000–2099')
    .optional()
    .openapi({ type: 'string', format: 'date-time', description: 'Default now' }),
  category: Category,
  urgent: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export const DeadlineAnswer = z
  .object({ receivedAt: instantOut, category: Category, urgent: z.boolean(), workingDays: z.number().int(), dueAt: instantOut, calendarEstimated: z.boolean() })
  .openapi('Deadline');
