import { describe, expect, it } from 'vitest';
import type { Figures, QuarterlyReportData, Summary, SupervisionReportData } from '../../shared/domain/report';
import { FIGURE_LABELS } from '../../shared/domain/vocabulary';
import { quarterlyCsv, summaryCsv, supervisionCsv } from '../../shared/reports/csv';
import { quarterlyHtml, summaryHtml, supervisionHtml } from '../../shared/reports/html';
import { FiguresSchema } from '../../shared/http/schemas/reports';
import { parseCsv } from '../support/csv';

/** The records of a report CSV, after checking it has exactly one BOM, at the start. */
function readCsv(csv: string): string[][] {
  expect(csv.startsWith('\uFEFF')).toBe(true);
  expect(csv.indexOf('\uFEFF', 1)).toBe(-1);
  expect(csv.endsWith('\r\n')).toBe(true);
  return parseCsv(csv.slice(1));
}

describe('parseCsv (the test reader itself)', () => {
  it('reads quotes, doubled quotes and CRLF inside quoted fields', () => {
    expect(parseCsv('a,"b,""c""","d\r\ne"\r\n,x\r\n')).toEqual([
      ['a', 'b,"c"', 'd\r\ne'],
      ['', 'x'],
    ]);
  });
  it('rejects bare LF line ends and stray quotes', () => {
    expect(() => parseCsv('a\nb')).toThrow(/bare line break/);
    expect(() => parseCsv('a"b')).toThrow(/quote inside/);
  });
});

// ── Reports built by hand ─────────────────────────────────────────────────────────────────

const zero: Figures = {
  received: 0,
  hotlineCalls: 0,
  mailboxLetters: 0,
  walkInBatches: 0,
  walkInPersons: 0,
  replied: 0,
  repliedOnTime: 0,
  onTimeRate: null,
  overdueNow: 0,
  signedOnTime: 0,
  signOnTimeRate: null,
  avgWorkingDaysToReply: null,
  extensions: 0,
  returns: 0,
  followUps: 0,
  satisfactionRate: null,
  returnRate: null,
  improperReturns: 0,
  reworkRate: null,
  resolvedRate: null,
  ratedShare: null,
  followUpRate: null,
  duplicates: 0,
};

const HTML_LABEL = '<b>"x",y</b>';
const FORMULA_LABEL = '=HYPERLINK("http://evil.example","点我")';
const MULTILINE_LABEL = '法律援助部\r\n二科, "东区"';

const groupA = {
  key: 'office-a',
  label: HTML_LABEL,
  ...zero,
  received: 8,
  hotlineCalls: 5,
  mailboxLetters: 2,
  walkInBatches: 1,
  walkInPersons: 4,
  replied: 8,
  repliedOnTime: 7,
  onTimeRate: 0.875,
  overdueNow: 1,
  signedOnTime: 6,
  signOnTimeRate: 0.75,
  avgWorkingDaysToReply: 3.25,
  extensions: 2,
  returns: 1,
  followUps: 4,
  satisfactionRate: 0.5,
};
// Nothing replied yet: the rates are null.
const groupB = { key: 'office-b', label: FORMULA_LABEL, ...zero, received: 3, hotlineCalls: 3, overdueNow: 2 };
const groupC = {
  key: 'office-c',
  label: MULTILINE_LABEL,
  ...zero,
  received: 1,
  mailboxLetters: 1,
  replied: 1,
  repliedOnTime: 1,
  onTimeRate: 1,
  signOnTimeRate: 0,
  avgWorkingDaysToReply: 2,
  followUps: 1,
  satisfactionRate: 1,
};
const total: Figures = {
  received: 12,
  hotlineCalls: 8,
  mailboxLetters: 3,
  walkInBatches: 1,
  walkInPersons: 4,
  replied: 9,
  repliedOnTime: 8,
  onTimeRate: 8 / 9,
  overdueNow: 3,
  signedOnTime: 6,
  signOnTimeRate: 0.6,
  avgWorkingDaysToReply: 3.1111111111,
  extensions: 2,
  returns: 1,
  followUps: 5,
  satisfactionRate: 0.6,
  returnRate: 0.25,
  improperReturns: 1,
  reworkRate: 1 / 9,
  resolvedRate: 0.8,
  ratedShare: 5 / 9,
  followUpRate: 5 / 9,
  duplicates: 2,
};

const summary: Summary = { from: '2026-01-01', to: '2026-03-31', groupBy: 'office', total, groups: [groupA, groupB, groupC] };

const supervision: SupervisionReportData = {
  month: '2026-03',
  asOf: Date.parse('2026-03-31T23:59:59+08:00'),
  items: [
    {
      id: 'c1',
      ticketNo: 'H2026-000101',
      office: 'office-x',
      category: 'complaint',
      topic: '@SUM(A1:A9)',
      status: 'in_progress',
      receivedAt: Date.parse('2026-02-02T09:30:00+08:00'),
      dueAt: Date.parse('2026-03-02T23:59:59+08:00'),
      workingDaysLeft: -3,
      escalationLevel: 2,
      handlingWorkingDays: 38,
      openAtMonthEnd: true,
      overdueInMonth: true,
    },
    {
      id: 'c2',
      ticketNo: 'M2026-000102',
      office: 'office-y',
      officeName: '<script>alert(1)</script>',
      category: 'advice',
      topic: 'wages',
      status: 'replied',
      // UTC late evening is the next day in Shanghai.
      receivedAt: Date.parse('2026-03-24T16:30:00Z'),
      dueAt: Date.parse('2026-03-31T23:59:59+08:00'),
      workingDaysLeft: 2,
      escalationLevel: 0,
      handlingWorkingDays: 4,
      openAtMonthEnd: false,
      overdueInMonth: false,
    },
    {
      id: 'c3',
      ticketNo: 'W2026-000103',
      category: 'investigation',
      status: 'received',
      receivedAt: Date.parse('2026-03-30T10:00:00+08:00'),
      dueAt: Date.parse('2026-05-12T23:59:59+08:00'),
      workingDaysLeft: 0,
      escalationLevel: 0,
      handlingWorkingDays: 1,
      openAtMonthEnd: true,
      overdueInMonth: false,
    },
  ],
};

const previous: Figures = { ...zero, received: 10, hotlineCalls: 6, mailboxLetters: 4, replied: 8, repliedOnTime: 8, onTimeRate: 1, avgWorkingDaysToReply: 2.5, followUps: 2, satisfactionRate: 1 };

const quarterly: QuarterlyReportData = {
  quarter: '2026-Q1',
  previousQuarter: '2025-Q4',
  summary,
  previous,
  change: {
    received: 2,
    hotlineCalls: 2,
    mailboxLetters: -1,
    walkInBatches: 1,
    walkInPersons: 4,
    replied: 1,
    repliedOnTime: 0,
    onTimeRate: 8 / 9 - 1,
    overdueNow: 3,
    signedOnTime: 6,
    signOnTimeRate: null,
    avgWorkingDaysToReply: 3.1111111111 - 2.5,
    extensions: 2,
    returns: 1,
    followUps: 3,
    satisfactionRate: -0.4,
    returnRate: null,
    improperReturns: 1,
    reworkRate: null,
    resolvedRate: null,
    ratedShare: null,
    followUpRate: null,
    duplicates: 2,
  },
  monthly: [
    { month: '2026-01', hotline: 3, mailbox: 1, walk_in: 0 },
    { month: '2026-02', hotline: 2, mailbox: 2, walk_in: 1 },
    { month: '2026-03', hotline: 3, mailbox: 0, walk_in: 0 },
  ],
  topTopics: [
    { topic: 'wages', label: '工资报酬', received: 7 },
    { topic: 'x', label: '+1 加班<费>', received: 2 },
  ],
  clusters: [
    {
      topic: 'wages',
      label: '工资报酬',
      sites: ['<i>甲厂</i>', '乙厂'],
      regions: ['东区'],
      cases: [
        { id: 'c1', ticketNo: 'H2026-000101', receivedAt: Date.parse('2026-01-05T09:00:00+08:00'), employer: '<i>甲厂</i>', region: '东区', office: 'office-a', status: 'closed' },
        { id: 'c4', ticketNo: 'M2026-000104', receivedAt: Date.parse('2026-02-06T09:00:00+08:00'), employer: '乙厂', status: 'assigned' },
      ],
    },
  ],
};

// Expected rows written out by hand, not produced by the code under test.
const SUMMARY_HEADER = [
  '分组',
  '受理总数',
  '热线来电',
  '主席信箱来信',
  '来访批次',
  '来访人次',
  '已答复',
  '按时答复',
  '按时答复率',
  '当前超期',
  '按时签收',
  '按时签收率',
  '平均答复工作日',
  '延期',
  '退单',
  '回访',
  '满意率',
  '回退率',
  '不当退单',
  '重办率',
  '解决率',
  '参评率',
  '回访率',
  '重复件',
];
const NONE_OF_19 = ['', '0', '', '', '', '', '0'];
const ROW_A = [HTML_LABEL, '8', '5', '2', '1', '4', '8', '7', '87.5%', '1', '6', '75.0%', '3.25', '2', '1', '4', '50.0%', ...NONE_OF_19];
const ROW_B = [`'${FORMULA_LABEL}`, '3', '3', '0', '0', '0', '0', '0', '', '2', '0', '', '', '0', '0', '0', '', ...NONE_OF_19];
const ROW_C = [MULTILINE_LABEL, '1', '0', '1', '0', '0', '1', '1', '100.0%', '0', '0', '0.0%', '2', '0', '0', '1', '100.0%', ...NONE_OF_19];
const ROW_TOTAL = ['合计', '12', '8', '3', '1', '4', '9', '8', '88.9%', '3', '6', '60.0%', '3.11', '2', '1', '5', '60.0%', '25.0%', '1', '11.1%', '80.0%', '55.6%', '55.6%', '2'];

// ── CSV ───────────────────────────────────────────────────────────────────────────────────

describe('summaryCsv', () => {
  const csv = summaryCsv(summary);

  it('is the header, one row per group, then 合计', () => {
    expect(readCsv(csv)).toEqual([SUMMARY_HEADER, ROW_A, ROW_B, ROW_C, ROW_TOTAL]);
  });

  it('has a zh header for every figure, in the order of the table', () => {
    expect(Object.keys(FIGURE_LABELS).sort()).toEqual(Object.keys(FiguresSchema.shape).sort());
    expect(SUMMARY_HEADER.slice(1)).toEqual(Object.values(FIGURE_LABELS).map((l) => l['zh-CN']));
  });

  it('quotes only what needs quoting, doubling quotes, keeping CRLF inside the field', () => {
    const lines = csv.slice(1).split('\r\n');
    expect(lines[0]).toBe(SUMMARY_HEADER.join(','));
    expect(lines[1]).toBe('"<b>""x"",y</b>",8,5,2,1,4,8,7,87.5%,1,6,75.0%,3.25,2,1,4,50.0%,,0,,,,,0');
    expect(csv).toContain('"法律援助部\r\n二科, ""东区""",1,');
    // Numbers and percentages are never quoted, so Excel reads them as numbers.
    expect(csv).not.toMatch(/"\d/);
  });

  it('guards a formula: the apostrophe goes inside the quotes', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
  });
});

describe('supervisionCsv', () => {
  it('has the zh headers and every cell of each case', () => {
    expect(readCsv(supervisionCsv(supervision))).toEqual([
      ['工单号', '承办部门', '类别', '主题', '状态', '受理日期', '答复期限', '剩余/超期工作日', '督办级别', '办理周期（工作日）', '月末未办结', '本月曾超期'],
      ['H2026-000101', 'office-x', '求助申诉', "'@SUM(A1:A9)", '办理中', '2026-02-02', '2026-03-02', '-3', '2', '38', '是', '是'],
      ['M2026-000102', '<script>alert(1)</script>', '建议咨询', '工资报酬', '已答复', '2026-03-25', '2026-03-31', '2', '0', '4', '否', '否'],
      ['W2026-000103', '未分派', '需调查处理', '', '已受理', '2026-03-30', '2026-05-12', '0', '0', '1', '是', '否'],
    ]);
  });

  it('writes negative numbers as plain numbers, not guarded text', () => {
    expect(supervisionCsv(supervision)).toContain(',2026-03-02,-3,2,38,');
  });

  it('is just the header for an empty month', () => {
    expect(readCsv(supervisionCsv({ ...supervision, items: [] }))).toHaveLength(1);
  });
});

describe('formula-injection guard', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+86 138', "'+86 138"],
    ['-3', "'-3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=b', 'a=b'],
    ["'quoted", "'quoted"],
  ])('text %j is written as %j', (label, expected) => {
    const r = { ...summary, groups: [{ ...groupB, label }] };
    expect(readCsv(summaryCsv(r))[1]?.[0]).toBe(expected);
  });

  it('leaves a group whose count is negative a number', () => {
    const r = { ...summary, groups: [{ ...groupB, received: -3 }] };
    expect(readCsv(summaryCsv(r))[1]?.[1]).toBe('-3');
  });
});

describe('quarterlyCsv', () => {
  const csv = quarterlyCsv(quarterly);

  it('starts with the quarter table, as summaryCsv without its BOM', () => {
    expect(readCsv(csv).slice(0, 5)).toEqual([SUMMARY_HEADER, ROW_A, ROW_B, ROW_C, ROW_TOTAL]);
    expect(csv.startsWith(summaryCsv(summary))).toBe(true);
  });

  it('then the comparison, top topics and clusters, each after an empty line', () => {
    expect(readCsv(csv).slice(5)).toEqual([
      [''],
      ['与上季度比较'],
      ['指标', '本季度', '上季度', '变化'],
      ['受理总数', '12', '10', '2'],
      ['热线来电', '8', '6', '2'],
      ['主席信箱来信', '3', '4', '-1'],
      ['来访批次', '1', '0', '1'],
      ['来访人次', '4', '0', '4'],
      ['已答复', '9', '8', '1'],
      ['按时答复', '8', '8', '0'],
      ['按时答复率', '88.9%', '100.0%', '-11.1%'],
      ['当前超期', '3', '0', '3'],
      ['按时签收', '6', '0', '6'],
      ['按时签收率', '60.0%', '', ''],
      ['平均答复工作日', '3.11', '2.5', '0.61'],
      ['延期', '2', '0', '2'],
      ['退单', '1', '0', '1'],
      ['回访', '5', '2', '3'],
      ['满意率', '60.0%', '100.0%', '-40.0%'],
      ['回退率', '25.0%', '', ''],
      ['不当退单', '1', '0', '1'],
      ['重办率', '11.1%', '', ''],
      ['解决率', '80.0%', '', ''],
      ['参评率', '55.6%', '', ''],
      ['回访率', '55.6%', '', ''],
      ['重复件', '2', '0', '2'],
      [''],
      ['主题排行'],
      ['主题', '受理数'],
      ['工资报酬', '7'],
      ["'+1 加班<费>", '2'],
      [''],
      ['多点同类问题'],
      ['主题', '单位/地点数', '地区数', '工单号'],
      ['工资报酬', '2', '1', 'H2026-000101、M2026-000104'],
    ]);
  });

  it('separates sections with truly empty lines', () => {
    expect(csv).toContain('\r\n\r\n与上季度比较\r\n');
  });
});

// ── HTML ──────────────────────────────────────────────────────────────────────────────────

const unescape = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The inside of the one <svg data-chart="name">. */
function svg(doc: string, name: string): string {
  const found = [...doc.matchAll(/<svg\b([^>]*)>([\s\S]*?)<\/svg>/g)].filter((m) => m[1]?.includes(`data-chart="${name}"`));
  expect(found).toHaveLength(1);
  const [, attrs = '', body = ''] = found[0] ?? [];
  expect(attrs).toContain('role="img"');
  expect(attrs).toMatch(/aria-label="[^"]+"/);
  return body;
}

/** data-key → data-value of each bar, keys unescaped. */
function bars(svgBody: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [rect = ''] of svgBody.matchAll(/<rect\b[^>]*>/g)) {
    const key = /data-key="([^"]*)"/.exec(rect)?.[1];
    const value = /data-value="([^"]*)"/.exec(rect)?.[1];
    if (key === undefined) continue; // legend swatches
    expect(value).toBeDefined();
    out.set(unescape(key), Number(value));
  }
  return out;
}

function expectDocument(doc: string, title: string): void {
  expect(doc.startsWith('<!doctype html>')).toBe(true);
  expect(doc).toContain('<html lang="zh-CN">');
  expect(doc).toContain('<meta charset="utf-8">');
  expect(doc).toContain(`<title>${title}</title>`);
  expect(doc).toMatch(/<style>[\s\S]*@media print[\s\S]*<\/style>/);
  expect(doc).toContain('@page');
  // Self-contained and inert: no scripts, links or fetched resources.
  expect(doc).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|\bon\w+=/i);
  expect(doc.trimEnd().endsWith('</html>')).toBe(true);
}

describe('summaryHtml', () => {
  const doc = summaryHtml(summary);

  it('is a printable zh-CN document', () => {
    expectDocument(doc, '统计报表（2026-01-01 至 2026-03-31）');
  });

  it('escapes every label, in text, tables and attributes', () => {
    expect(doc).not.toContain('<b>');
    expect(doc).not.toContain('"x",y');
    expect(doc).toContain('&lt;b&gt;&quot;x&quot;,y&lt;/b&gt;');
    expect(doc).toContain('<td>&lt;b&gt;&quot;x&quot;,y&lt;/b&gt;</td>');
    expect(doc).toContain('<td>=HYPERLINK(&quot;http://evil.example&quot;,&quot;点我&quot;)</td>');
  });

  it('draws the on-time rate of each group with a reply, as 0–1, and says 无答复 for the others', () => {
    const chart = svg(doc, 'on-time-rate');
    expect(bars(chart)).toEqual(
      new Map([
        ['office-a', 0.875],
        ['office-c', 1],
      ]),
    );
    expect(chart).not.toMatch(/data-key="office-b"/);
    expect(chart).toContain('>无答复</text>');
    expect(chart).toContain('>87.5%</text>');
    expect(chart).toContain('>100.0%</text>');
  });

  it('draws received for every group', () => {
    expect(bars(svg(doc, 'received'))).toEqual(
      new Map([
        ['office-a', 8],
        ['office-b', 3],
        ['office-c', 1],
      ]),
    );
  });

  it('scales rate bars to the full width at 100%', () => {
    const width = (key: string) => Number(new RegExp(`data-key="${key}"[^>]*width="([\\d.]+)"`).exec(svg(doc, 'on-time-rate'))?.[1]);
    expect(width('office-a') / width('office-c')).toBeCloseTo(0.875, 3);
  });

  it('tables the figures with a 合计 row', () => {
    expect(doc).toContain('<th>平均答复工作日</th>');
    expect(doc).toMatch(/<tfoot><tr><td>合计<\/td><td class="num">12<\/td>/);
    expect(doc).toContain('<td class="num">88.9%</td>');
  });

  it('cuts a long chart label, keeping the whole one as a tooltip and in the aria-label', () => {
    const label = '市总工会法律援助中心东区分中心第二办公室<一科>';
    const chart = svg(summaryHtml({ ...summary, groups: [{ ...groupB, label }] }), 'on-time-rate');
    expect(chart).toMatch(/<text class="bar-label"[^>]*>市总工会[^<]*…<title>市总工会法律援助中心东区分中心第二办公室&lt;一科&gt;<\/title><\/text>/);
  });

  it('renders without groups', () => {
    const empty = summaryHtml({ ...summary, groups: [] });
    expect(bars(svg(empty, 'on-time-rate')).size).toBe(0);
    expect(empty).toContain('无数据');
  });
});

describe('supervisionHtml', () => {
  const doc = supervisionHtml(supervision);

  it('is a printable zh-CN document with a count line', () => {
    expectDocument(doc, '督办清单（2026-03）');
    expect(doc).toContain('共3件，其中超期1件');
    expect(doc).toContain('截至 2026-03-31 23:59');
  });

  it('marks overdue rows and says how far over or how much is left', () => {
    const rows = [...doc.matchAll(/<tr( class="overdue")?><td>([^<]*)<\/td>[\s\S]*?<\/tr>/g)];
    expect(rows.map((m) => [m[2], m[1] !== undefined])).toEqual([
      ['H2026-000101', true],
      ['M2026-000102', false],
      ['W2026-000103', false],
    ]);
    expect(rows[0]?.[0]).toContain('超期3个工作日');
    expect(rows[1]?.[0]).toContain('剩余2个工作日');
    expect(rows[2]?.[0]).toContain('剩余0个工作日');
    expect(rows[2]?.[0]).toContain('<td>未分派</td>');
  });

  it('escapes office names', () => {
    expect(doc).not.toContain('<script');
    expect(doc).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('quarterlyHtml', () => {
  const doc = quarterlyHtml(quarterly);

  it('is a printable zh-CN document', () => {
    expectDocument(doc, '季度分析（2026-Q1）');
  });

  it('draws on-time rate by office from the quarter summary', () => {
    expect(bars(svg(doc, 'on-time-rate'))).toEqual(
      new Map([
        ['office-a', 0.875],
        ['office-c', 1],
      ]),
    );
  });

  it('draws every month and channel, with a legend', () => {
    const chart = svg(doc, 'channel-by-month');
    const expected = new Map<string, number>();
    for (const m of quarterly.monthly) for (const c of ['hotline', 'mailbox', 'walk_in'] as const) expected.set(`${m.month}:${c}`, m[c]);
    expect(bars(chart)).toEqual(expected);
    for (const name of ['主席热线', '主席信箱', '来访']) expect(chart).toContain(`>${name}</text>`);
  });

  it('compares with the previous quarter, a rate change in percentage points', () => {
    expect(doc).toContain('<th>上季度（2025-Q4）</th>');
    expect(doc).toMatch(/<td>按时答复率<\/td><td class="num">88\.9%<\/td><td class="num">100\.0%<\/td><td class="num">-11\.1个百分点<\/td>/);
    expect(doc).toMatch(/<td>受理总数<\/td><td class="num">12<\/td><td class="num">10<\/td><td class="num">\+2<\/td>/);
    expect(doc).toMatch(/<td>按时签收率<\/td><td class="num">60\.0%<\/td><td class="num">—<\/td><td class="num">—<\/td>/);
  });

  it('lists top topics and clusters with their tickets, escaped', () => {
    expect(doc).toContain('<td>+1 加班&lt;费&gt;</td>');
    expect(doc).toContain('<h3>工资报酬</h3>');
    expect(doc).toContain('单位/地点（2）：&lt;i&gt;甲厂&lt;/i&gt;、乙厂；地区（1）：东区');
    expect(doc).toContain('<td>H2026-000101</td><td class="num">2026-01-05</td><td>&lt;i&gt;甲厂&lt;/i&gt;</td><td>东区</td><td>office-a</td><td>已办结</td>');
    expect(doc).toContain('<td>M2026-000104</td>');
    expect(doc).not.toContain('<i>');
  });
});
