import type { CalendarNotice } from '../domain/calendar';

const title = (year: number) => `国务院办公厅关于${year}年部分节假日安排的通知`;
const notice = (year: number, date: string | undefined, url: string | undefined): CalendarNotice => ({ title: title(year), ...(date && { date }), ...(url && { url }) });

/**
 * The State Council General Office notices the shipped years come from (the sources chinese-days
 * cites for each year), with the day each was published on www.gov.cn. Years whose rules a later
 * notice changed list it under `amendments`. 2004 and 2005 predate gov.cn's archive: their
 * publication day is not known here, so it is left out rather than guessed.
 */
export const SHIPPED_NOTICES: Readonly<Record<number, CalendarNotice & { amendments?: CalendarNotice[] }>> = {
  2004: notice(2004, undefined, undefined),
  2005: notice(2005, undefined, undefined),
  2006: notice(2006, '2005-12-22', 'http://www.gov.cn/jrzg/2005-12/22/content_133837.htm'),
  2007: notice(2007, '2006-12-18', 'http://www.gov.cn/fwxx/sh/2006-12/18/content_471877.htm'),
  2008: notice(2008, '2007-12-18', 'http://www.gov.cn/zwgk/2007-12/18/content_837184.htm'),
  2009: notice(2009, '2008-12-10', 'http://www.gov.cn/zwgk/2008-12/10/content_1174014.htm'),
  2010: notice(2010, '2009-12-08', 'http://www.gov.cn/zwgk/2009-12/08/content_1482691.htm'),
  2011: notice(2011, '2010-12-10', 'http://www.gov.cn/zwgk/2010-12/10/content_1762643.htm'),
  2012: notice(2012, '2011-12-06', 'http://www.gov.cn/zwgk/2011-12/06/content_2012097.htm'),
  2013: notice(2013, '2012-12-10', 'http://www.gov.cn/zwgk/2012-12/10/content_2286598.htm'),
  2014: notice(2014, '2013-12-11', 'http://www.gov.cn/zwgk/2013-12/11/content_2546204.htm'),
  2015: {
    ...notice(2015, '2014-12-16', 'http://www.gov.cn/zhengce/content/2014-12/16/content_9302.htm'),
    amendments: [{ title: '国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知', date: '2015-05-13', url: 'http://www.gov.cn/zhengce/content/2015-05/13/content_9742.htm' }],
  },
  2016: notice(2016, '2015-12-10', 'http://www.gov.cn/zhengce/content/2015-12/10/content_10394.htm'),
  2017: notice(2017, '2016-12-01', 'http://www.gov.cn/zhengce/content/2016-12/01/content_5141603.htm'),
  2018: notice(2018, '2017-11-30', 'http://www.gov.cn/zhengce/content/2017-11/30/content_5243579.htm'),
  2019: {
    ...notice(2019, '2018-12-06', 'http://www.gov.cn/xinwen/2018-12/06/content_5346287.htm'),
    amendments: [{ title: '国务院办公厅关于调整2019年劳动节假期安排的通知', date: '2019-03-22', url: 'http://www.gov.cn/zhengce/content/2019-03/22/content_5375877.htm' }],
  },
  2020: {
    ...notice(2020, '2019-11-21', 'http://www.gov.cn/zhengce/content/2019-11/21/content_5454164.htm'),
    amendments: [{ title: '国务院办公厅关于延长2020年春节假期的通知', date: '2020-01-27', url: 'http://www.gov.cn/zhengce/content/2020-01/27/content_5472352.htm' }],
  },
  2021: notice(2021, '2020-11-25', 'http://www.gov.cn/zhengce/content/2020-11/25/content_5564127.htm'),
  2022: notice(2022, '2021-10-25', 'http://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm'),
  2023: notice(2023, '2022-12-08', 'http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm'),
  2024: notice(2024, '2023-10-25', 'https://www.gov.cn/zhengce/content/202310/content_6911527.htm'),
  2025: notice(2025, '2024-11-12', 'https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'),
  2026: notice(2026, '2025-11-04', 'https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'),
};
