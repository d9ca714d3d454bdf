import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../shared/domain/case';
import type { Office } from '../../shared/domain/routing';
import { assignmentNotice, caseLink, escapeHtml } from '../../shared/notifications/assignment';

const office = (locale: Office['locale'], overrides: Partial<Office> = {}): Office => ({
  id: 'rights',
  name: locale === 'en' ? 'Rights Protection Office' : '权益保障部',
  email: 'rights@union.example.org',
  locale,
  escalation: { head: ['head@union.example.org'], supervisor: [], chairman: [] },
  ...overrides,
});

// The personal details a complainant gave; none of them may reach an office's mailbox.
const PERSONAL = {
  name: '张伟明',
  phone: '13812345678',
  email: 'zhang.weiming@example.com',
  employer: '恒通精密机械有限公司',
  callerNumber: '021-66778899',
  descriptionPhone: '13987654321',
};

function record(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: '01JD0000000000000000000042',
    ticketNo: 'H2026-000042',
    trackingCode: 'K7M2P9QX',
    channel: 'hotline',
    category: 'complaint',
    urgent: false,
    subject: '拖欠工资三个月',
    description: `本人在公司工作两年，已三个月未发工资。请回电 ${PERSONAL.descriptionPhone}，或发邮件给我。`,
    topic: 'wages',
    region: '浦东新区',
    receivedAt: Date.parse('2026-11-20T14:05:00+08:00'),
    complainant: { name: PERSONAL.name, phone: PERSONAL.phone, email: PERSONAL.email, employer: PERSONAL.employer },
    hotline: { callId: 'call-778', operatorId: 'op-3', callerNumber: PERSONAL.callerNumber },
    status: 'assigned',
    sla: { dueAt: Date.parse('2026-12-18T23:59:59+08:00'), workingDays: 20, state: 'on_track', calendarEstimated: false },
    office: 'rights',
    assignedAt: Date.parse('2026-11-20T14:06:30+08:00'),
    routing: { office: 'rights', ruleIndex: 1, when: { category: 'complaint', topic: 'wages' }, rulesVersion: 7, messageVersion: 1 },
    createdBy: 'operator-3',
    createdAt: Date.parse('2026-11-20T14:05:10+08:00'),
    updatedAt: Date.parse('2026-11-20T14:06:30+08:00'),
    version: 2,
    ...overrides,
  };
}

const BASE = 'https://cases.union.example.org';
const LINK = `${BASE}/console/cases/01JD0000000000000000000042`;

describe('assignmentNotice, zh-CN', () => {
  const m = assignmentNotice({ record: record(), office: office('zh-CN'), publicBaseUrl: BASE });

  it('goes to the office with headers for search and threading', () => {
    expect(m.to).toEqual(['rights@union.example.org']);
    expect(m.cc).toBeUndefined();
    expect(m.headers).toEqual({ 'X-Case-Id': '01JD0000000000000000000042', 'X-Ticket-No': 'H2026-000042', 'Auto-Submitted': 'auto-generated' });
  });

  it('has the subject in the agreed form', () => {
    expect(m.subject).toBe('【新案件】H2026-000042 求助申诉 · 请于2026年12月18日前办结');
  });

  it('lists what the office needs, with Chinese dates in Shanghai time', () => {
    for (const s of [
      '权益保障部：',
      '工单号：H2026-000042',
      '受理渠道：主席热线',
      '类别：求助申诉（时限20个工作日）',
      '紧急：否',
      '受理时间：2026年11月20日 14:05',
      '分派时间：2026年11月20日 14:06',
      '办理期限：2026年12月18日',
      '标题：拖欠工资三个月',
      '主题：工资报酬（wages）',
      '地区：浦东新区',
      '分派依据：第2条分派规则（rules[1]，规则版本7）：类别=求助申诉，主题=wages',
      `案件链接：${LINK}`,
    ]) {
      expect(m.text).toContain(s);
    }
    expect(m.text).not.toContain('预计日期');
    expect(m.html).toContain(`<a href="${LINK}">${LINK}</a>`);
    expect(m.html).toContain('<html lang="zh-CN">');
    expect(m.html).toContain('2026年12月18日');
  });

  it('answers advice with 答复 and flags urgent cases in the subject and body', () => {
    const advice = assignmentNotice({
      record: record({ category: 'advice', urgent: true, sla: { dueAt: Date.parse('2026-11-20T23:59:59+08:00'), workingDays: 0, state: 'on_track', calendarEstimated: false } }),
      office: office('zh-CN'),
      publicBaseUrl: BASE,
    });
    expect(advice.subject).toBe('【新案件·紧急】H2026-000042 建议咨询 · 请于2026年11月20日前答复');
    expect(advice.text).toContain('类别：建议咨询（时限5个工作日）');
    expect(advice.text).toContain('紧急：是');
  });

  it('says when the deadline is estimated, and when the default office took the case', () => {
    const m2 = assignmentNotice({
      record: record({
        channel: 'mailbox',
        topic: undefined,
        region: undefined,
        sla: { dueAt: Date.parse('2027-01-29T23:59:59+08:00'), workingDays: 20, state: 'on_track', calendarEstimated: true },
        routing: { office: 'general', ruleIndex: null, when: null, rulesVersion: 3, messageVersion: 1 },
      }),
      office: office('zh-CN'),
      publicBaseUrl: `${BASE}/`,
    });
    expect(m2.text).toContain('预计日期：所跨年度的法定节假日安排尚未公布');
    expect(m2.html).toContain('预计日期：所跨年度的法定节假日安排尚未公布');
    expect(m2.text).toContain('分派依据：未匹配任何分派规则，由默认部门办理（规则版本3）');
    expect(m2.text).toContain('受理渠道：主席信箱');
    expect(m2.text).not.toContain('主题：');
    expect(m2.text).not.toContain('地区：');
    expect(m2.text).toContain(`案件链接：${LINK}\n`);
  });
});

describe('assignmentNotice, en', () => {
  const m = assignmentNotice({ record: record({ channel: 'walk_in' }), office: office('en'), publicBaseUrl: BASE });

  it('has the subject in the agreed form', () => {
    expect(m.subject).toBe('[New case] H2026-000042 Help request or complaint · due 18 Dec 2026');
  });

  it('lists the case in English with English dates', () => {
    for (const s of [
      'Rights Protection Office:',
      'Ticket number: H2026-000042',
      'Channel: Walk-in visit',
      'Category: Help request or complaint (20 working days)',
      'Urgent: no',
      'Received: 20 Nov 2026, 14:05 (UTC+8)',
      'Due: 18 Dec 2026',
      'Subject: 拖欠工资三个月',
      'Topic: Wages (wages)',
      'Routed here by: routing rule 2 (rules[1], routing version 7): category=Help request or complaint, topic=wages',
      `Case: ${LINK}`,
    ]) {
      expect(m.text).toContain(s);
    }
    expect(m.html).toContain('<html lang="en">');
    expect(m.html).toContain(`href="${LINK}"`);
    expect(m.text).not.toMatch(/[年月日]前/);
  });

  it("warns in English when next year's calendar is not out yet", () => {
    const e = assignmentNotice({
      record: record({ sla: { dueAt: Date.parse('2027-01-29T23:59:59+08:00'), workingDays: 20, state: 'on_track', calendarEstimated: true } }),
      office: office('en'),
      publicBaseUrl: BASE,
    });
    expect(e.subject).toBe('[New case] H2026-000042 Help request or complaint · due 29 Jan 2027');
    expect(e.text).toContain("Estimated: next year's official calendar is not yet published");
  });
});

describe('assignmentNotice keeps personal data out', () => {
  const everywhere = (m: ReturnType<typeof assignmentNotice>) => [m.subject, m.text, m.html ?? '', ...Object.keys(m.headers ?? {}), ...Object.values(m.headers ?? {})].join('\n');

  it.each(['zh-CN', 'en'] as const)('never carries the complainant, the caller number, the description or the tracking code (%s)', (locale) => {
    const r = record();
    const all = everywhere(assignmentNotice({ record: r, office: office(locale), publicBaseUrl: BASE }));
    for (const secret of [...Object.values(PERSONAL), r.description, r.trackingCode, '三个月未发工资', '请回电']) {
      expect(all).not.toContain(secret);
    }
  });

  it('masks personal details a worker typed into the subject, topic or region', () => {
    const r = record({
      subject: `${PERSONAL.name}反映${PERSONAL.employer}欠薪，电话 ${PERSONAL.descriptionPhone}，邮箱 someone@example.org`,
      region: `${PERSONAL.employer}厂区`,
    });
    const m = assignmentNotice({ record: r, office: office('zh-CN'), publicBaseUrl: BASE });
    const all = everywhere(m);
    for (const secret of [PERSONAL.name, PERSONAL.employer, PERSONAL.descriptionPhone, 'someone@example.org']) expect(all).not.toContain(secret);
    expect(m.text).toContain('标题：＊＊＊反映＊＊＊欠薪，电话 [number]，邮箱 [email]');
  });

  it('escapes html in everything taken from the case', () => {
    const r = record({ subject: '<script>alert("x")</script> & 工资', region: '<b>区</b>' });
    const m = assignmentNotice({ record: r, office: office('zh-CN', { name: '权益<部>' }), publicBaseUrl: BASE });
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<b>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 工资');
    expect(m.html).toContain('权益&lt;部&gt;');
    // Plain text stays plain.
    expect(m.text).toContain('标题：<script>alert("x")</script> & 工资');
  });

  it('escapes and encodes the link', () => {
    expect(caseLink('https://x.example/', 'a/b?c')).toBe('https://x.example/console/cases/a%2Fb%3Fc');
    expect(escapeHtml(`"'<>&`)).toBe('&quot;&#39;&lt;&gt;&amp;');
  });
});
