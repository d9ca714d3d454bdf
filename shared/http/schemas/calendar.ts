import { z } from '@hono/zod-openapi';
import { FESTIVALS } from '../../domain/calendar';
import { Category, instantOut, isoDay, isoInstant } from './common';

/** Working days: a year's calendar (GET/PUT /v1/calendar/{year}) and the deadline calculator. */

export const Year = z.strictObject({
  year: z.coerce.number().int().min(2000).max(2100).openapi({ param: { name: 'year', in: 'path' }, example: 2027 }),
});

const dayList = z.array(isoDay).max(366);
const Festival = z.enum(FESTIVALS).openapi('Festival', { description: '元旦 · 春节 · 清明节 · 劳动节 · 端午节 · 中秋节 · 国庆节 · 抗战胜利纪念日 (2015)' });
const festivalsByDay = z.record(isoDay, Festival);
const NoticeBase = z.object({
  title: z.string().min(1).max(200).openapi({ example: '国务院办公厅关于2027年部分节假日安排的通知' }),
  date: isoDay.openapi({ description: 'The day the notice was published' }),
  url: z.url().max(500).optional(),
});
export const CalendarNoticeInput = z.strictObject(NoticeBase.shape).openapi('CalendarNoticeInput', { description: 'The State Council notice the year is taken from' });
const CalendarNoticeOut = NoticeBase.extend({
  date: NoticeBase.shape.date.optional().openapi({ description: 'The day the notice was published (not known for 2004 and 2005)' }),
  amendments: z.array(NoticeBase.extend({ date: z.string().optional() })).optional().openapi({ description: 'Later notices that changed the year' }),
}).openapi('CalendarNotice');

export const CalendarYearInput = z
  .strictObject({
    holidays: dayList.openapi({ description: 'Public holidays (days off)' }),
    workdays: dayList.openapi({ description: 'Makeup working days (调休)' }),
    festivals: festivalsByDay.optional().openapi({ description: 'The festival each holiday or makeup working day belongs to, by day' }),
    notice: CalendarNoticeInput,
  })
  .openapi('CalendarYearInput');

export const CalendarYear = z
  .object({
    year: z.number().int(),
    source: z.enum(['shipped', 'override', 'estimated']).openapi({ description: 'shipped official data · override stored by an admin · estimated weekends only' }),
    holidays: z.array(z.string()),
    workdays: z.array(z.string()),
    festivals: festivalsByDay.optional(),
    notice: CalendarNoticeOut.optional().openapi({ description: 'Absent for estimated years and for years stored before notices were recorded' }),
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

const CountedDay = z
  .object({ date: z.string(), makeup: z.literal(true).optional().openapi({ description: 'A weekend worked in exchange (调休)' }), festival: Festival.optional() })
  .openapi('CountedDay');
const SkippedDay = z.object({ date: z.string(), kind: z.enum(['weekend', 'holiday']), festival: Festival.optional(), name: z.string().optional().openapi({ description: "The holiday's name (zh-CN)" }) }).openapi('SkippedDay');
export const DeadlineAnswer = z
  .object({
    receivedAt: instantOut,
    category: Category,
    urgent: z.boolean(),
    workingDays: z.number().int(),
    dueAt: instantOut,
    calendarEstimated: z.boolean(),
    receiptDay: z.string().openapi({ description: 'The day of receipt (Asia/Shanghai): not counted, except for urgent cases' }),
    countedDays: z.array(CountedDay).openapi({ description: 'Each working day counted, in order; the last is the due day' }),
    skippedDays: z.array(SkippedDay).openapi({ description: 'Each day passed over: weekends and public holidays' }),
  })
  .openapi('Deadline');
