import { dayString, previousMonth, type Figures } from '../domain/report';
import { civilFromDays, daysFromCivil, shanghaiDayOf, startOfShanghaiDay } from '../domain/time';
import type { Logger } from '../observability/logger';
import type { Mailer, NoticeLedger } from '../ports';
import { FIGURE_LABELS, percent } from '../domain/vocabulary';
import { summaryCsv, supervisionCsv } from '../reports/csv';
import { sendOnce } from './notices';
import { summaryReport, supervisionReport, type ReportDeps } from './reports';

export interface MonthlyReportDeps extends ReportDeps {
  notices: NoticeLedger;
  mailer: Mailer;
  logger: Logger;
  /** Leadership addresses (LEADERSHIP_EMAILS); none → nothing is sent. */
  recipients: readonly string[];
  /** Shanghai hour of the first working day from which the report goes out. */
  hour: number;
}

export type MonthlyReportOutcome = 'sent' | 'not_due' | 'already_sent' | 'busy' | 'no_recipients';

/** The ledger's "case" for notices that belong to no case. */
const REPORTS_LEDGER = 'REPORTS';
const LEASE_MS = 10 * 60_000;

/**
 * The previous month's summary (by office) and chase list, as CSV attachments, to the leadership
 * addresses on the first working day of each month from `hour` on. Safe to call as often as you
 * like (a daily schedule on AWS, a minute loop locally): the ledger lets one e-mail out per month,
 * and a run missed on that day is made up by the next one that month.
 */
export async function sendMonthlyReport(deps: MonthlyReportDeps): Promise<MonthlyReportOutcome> {
  if (deps.recipients.length === 0) return 'no_recipients';
  const now = deps.clock.now();
  const calendar = await deps.calendar.current();
  const { year, month } = civilFromDays(shanghaiDayOf(now));
  const firstWorkingDay = calendar.firstWorkingDayFrom(daysFromCivil(year, month, 1));
  if (now < startOfShanghaiDay(firstWorkingDay) + deps.hour * 3_600_000) return 'not_due';

  const reported = previousMonth(`${year}-${String(month).padStart(2, '0')}`);
  const [y, m] = reported.split('-').map(Number) as [number, number];
  const lastDay = dayString(startOfShanghaiDay(daysFromCivil(year, month, 1)) - 1);
  const outcome = await sendOnce(deps, { owner: REPORTS_LEDGER, key: `monthly-report:${reported}`, leaseMs: LEASE_MS }, async () => {
    const summary = await summaryReport(deps, { from: `${reported}-01`, to: lastDay, groupBy: 'office' });
    const supervision = await supervisionReport(deps, reported);
    const overdue = supervision.items.filter((i) => i.workingDaysLeft < 0).length;
    return {
      to: [...deps.recipients],
      subject: `【月度统计】${y}年${m}月 受理${summary.total.received}件 · 按时答复率${rate(summary.total.onTimeRate)} · 督办${supervision.items.length}件`,
      text: [
        `${y}年${m}月职工诉求办理情况（按受理时间统计，截至${dayString(now)}）：`,
        '',
        ...figureLines(summary.total),
        '',
        `督办清单：月末未办结或当月曾超期 ${supervision.items.length} 件，其中超期 ${overdue} 件。`,
        '',
        '附件：统计表（按承办部门）与督办清单，CSV 格式，可用 Excel 打开。',
      ].join('\n'),
      attachments: [
        { filename: `统计-${reported}.csv`, content: summaryCsv(summary), contentType: 'text/csv; charset=utf-8' },
        { filename: `督办清单-${reported}.csv`, content: supervisionCsv(supervision), contentType: 'text/csv; charset=utf-8' },
      ],
      headers: { 'X-Report-Month': reported, 'Auto-Submitted': 'auto-generated' },
    };
  });
  if (outcome !== 'sent') return outcome;
  deps.logger.info('reports.monthly_sent', { month: reported, recipients: deps.recipients.length });
  return 'sent';
}

/** A rate as the attachments show it (the vocabulary's one `percent`), nothing as "—". */
const rate = (r: number | null) => (r === null ? '—' : percent(r));

function figureLines(f: Figures): string[] {
  const L = (k: keyof Figures) => FIGURE_LABELS[k]['zh-CN'];
  return [
    `受理 ${f.received} 件：${L('hotlineCalls')} ${f.hotlineCalls}，${L('mailboxLetters')} ${f.mailboxLetters}，来访 ${f.walkInBatches} 批 ${f.walkInPersons} 人次`,
    `已答复 ${f.replied} 件，按时答复 ${f.repliedOnTime} 件，${L('onTimeRate')} ${rate(f.onTimeRate)}；${L('overdueNow')} ${f.overdueNow} 件`,
    `${L('signOnTimeRate')} ${rate(f.signOnTimeRate)}；平均答复用时 ${f.avgWorkingDaysToReply ?? '—'} 个工作日；${L('extensions')} ${f.extensions} 件，${L('returns')} ${f.returns} 次`,
    `${L('followUps')} ${f.followUps} 件，${L('satisfactionRate')} ${rate(f.satisfactionRate)}`,
    `${L('returnRate')} ${rate(f.returnRate)}，${L('improperReturns')} ${f.improperReturns} 次；${L('reworkRate')} ${rate(f.reworkRate)}；${L('resolvedRate')} ${rate(f.resolvedRate)}；${L('ratedShare')} ${rate(f.ratedShare)}；${L('followUpRate')} ${rate(f.followUpRate)}；${L('duplicates')} ${f.duplicates} 件（不计入以上各项）`,
  ];
}
