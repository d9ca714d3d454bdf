import type { Figures, QuarterlyReportData, Summary, SupervisionReportData } from '../domain/report';
import { CATEGORY_LABELS, FIGURE_KEYS, FIGURE_LABELS, GROUP_BY_LABELS, STATUS_LABELS, SUPERVISION_COLUMN_LABELS, SUPERVISION_COLUMNS, UNASSIGNED_LABEL } from '../domain/vocabulary';
import { barChart, channelByMonthChart, rateBars } from './charts';
import { changeText, daysLeftText, figureText, officeOf, rateText, shanghaiDate, shanghaiDateTime, topicOf, yesNoText, zh } from './format';
import { html, num, page, table, type Html, type Td } from './markup';

/**
 * The reports as printable zh-CN pages (统计报表, 督办清单, 季度分析): charts first, then the tables.
 * Pure functions of the use cases' reports.
 */

function figuresTable(r: Summary): Html {
  const cells = (f: Figures): Td[] => FIGURE_KEYS.map((k) => num(figureText(k, f[k])));
  return table(
    ['分组', ...FIGURE_KEYS.map((k) => zh(FIGURE_LABELS[k]))],
    r.groups.map((g) => ({ cells: [g.label, ...cells(g)] })),
    ['合计', ...cells(r.total)],
  );
}

/** 统计报表 page: on-time rate and received per group as bar charts, then the full table. */
export function summaryHtml(r: Summary): string {
  const by = zh(GROUP_BY_LABELS[r.groupBy]);
  const title = `统计报表（${r.from} 至 ${r.to}）`;
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">按${by}分组，共${r.groups.length}组；受理总数${r.total.received}件，按时答复率${rateText(r.total.onTimeRate)}。</p>
<h2>按时答复率</h2>
${barChart({ chart: 'on-time-rate', title: `按${by}的按时答复率`, bars: rateBars(r.groups), max: 1 })}
<h2>受理总数</h2>
${barChart({
  chart: 'received',
  title: `按${by}的受理总数`,
  bars: r.groups.map((g) => ({ key: g.key, label: g.label, value: g.received, text: `${g.received}件` })),
  max: Math.max(0, ...r.groups.map((g) => g.received)),
})}
<h2>明细</h2>
${figuresTable(r)}`,
  );
}

/** A chase-list column's header. */
const col = (c: (typeof SUPERVISION_COLUMNS)[number]): string => zh(SUPERVISION_COLUMN_LABELS[c]);

/** 督办清单 page: a count line, then one row per case; overdue rows are marked. */
export function supervisionHtml(r: SupervisionReportData): string {
  const overdue = r.items.filter((i) => i.workingDaysLeft < 0).length;
  const title = `督办清单（${r.month}）`;
  const rows = r.items.map((i) => ({
    cls: i.workingDaysLeft < 0 ? 'overdue' : undefined,
    cells: [
      i.ticketNo,
      officeOf(i),
      zh(CATEGORY_LABELS[i.category]),
      topicOf(i),
      zh(STATUS_LABELS[i.status]),
      num(shanghaiDate(i.receivedAt)),
      num(shanghaiDate(i.dueAt)),
      { value: daysLeftText(i.workingDaysLeft), num: true, cls: 'left' },
      num(i.escalationLevel),
      num(i.handlingWorkingDays),
      yesNoText(i.openAtMonthEnd),
      yesNoText(i.overdueInMonth),
    ],
  }));
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">截至 ${shanghaiDateTime(r.asOf)}</p>
<p class="count">共${r.items.length}件，其中超期${overdue}件</p>
${table(SUPERVISION_COLUMNS.map(col), rows)}`,
  );
}

function clusterSection(c: QuarterlyReportData['clusters'][number]): Html {
  const list = (xs: readonly string[]) => (xs.length === 0 ? '—' : xs.join('、'));
  return html`<section class="cluster">
<h3>${c.label}</h3>
<p class="meta">单位/地点（${c.sites.length}）：${list(c.sites)}；地区（${c.regions.length}）：${list(c.regions)}</p>
${table(
  [col('ticketNo'), col('receivedAt'), '单位/地点', '地区', col('office'), col('status')],
  c.cases.map((x) => ({ cells: [x.ticketNo, num(shanghaiDate(x.receivedAt)), x.employer ?? '—', x.region ?? '—', x.office ?? zh(UNASSIGNED_LABEL), zh(STATUS_LABELS[x.status])] })),
)}
</section>
`;
}

/** 季度分析 page: charts, the quarter by office, the comparison, top topics and clusters. */
export function quarterlyHtml(r: QuarterlyReportData): string {
  const title = `季度分析（${r.quarter}）`;
  const comparison = FIGURE_KEYS.map((k) => ({
    cells: [zh(FIGURE_LABELS[k]), num(figureText(k, r.summary.total[k])), num(figureText(k, r.previous[k])), num(changeText(k, r.change[k] ?? null))],
  }));
  return page(
    title,
    html`<h1>${title}</h1>
<p class="meta">统计期间 ${r.summary.from} 至 ${r.summary.to}；与上季度（${r.previousQuarter}）比较。</p>
<h2>各承办部门按时答复率</h2>
${barChart({ chart: 'on-time-rate', title: '各承办部门按时答复率', bars: rateBars(r.summary.groups), max: 1 })}
<h2>各月受理渠道</h2>
${channelByMonthChart(r.monthly)}
<h2>按${zh(GROUP_BY_LABELS[r.summary.groupBy])}统计</h2>
${figuresTable(r.summary)}
<h2>与上季度比较</h2>
${table(['指标', `本季度（${r.quarter}）`, `上季度（${r.previousQuarter}）`, '变化'], comparison)}
<h2>主题排行</h2>
${table(
  ['排名', '主题', '受理数'],
  r.topTopics.map((t, i) => ({ cells: [num(i + 1), t.label, num(t.received)] })),
)}
<h2>多点同类问题</h2>
${r.clusters.length === 0 ? html`<p class="meta">本季度未发现多点同类问题。</p>` : r.clusters.map(clusterSection)}`,
  );
}
