import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../shared/domain/case';
import type { Office } from '../../shared/domain/routing';
import { escalationRecipients, parseEscalationStep } from '../../shared/domain/escalation';
import { escalationNotice } from '../../shared/notifications/escalation';
import type { EscalationNoticeInput } from '../../shared/notifications/escalation';

const LADDER: Office['escalation'] = {
  head: ['head@union.example.org'],
  supervisor: ['vice.chair@union.example.org'],
  chairman: ['chairman@union.example.org'],
};

const office = (locale: Office['locale'], overrides: Partial<Office> = {}): Office => ({
  id: 'rights',
  name: locale === 'en' ? 'Rights Protection Office' : '权益保障部',
  email: 'rights@union.example.org',
  locale,
  escalation: LADDER,
  ...overrides,
});

// The personal details a complainant gave; none of them may reach an office's or a leader's mailbox.
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
    description: `本人在${PERSONAL.employer}工作两年，已三个月未发工资。请回电 ${PERSONAL.descriptionPhone}，或发邮件给我。`,
    topic: 'wages',
    region: '浦东新区',
    receivedAt: Date.parse('2026-11-20T14:05:00+08:00'),
    complainant: { name: PERSONAL.name, phone: PERSONAL.phone, email: PERSONAL.email, employer: PERSONAL.employer },
    hotline: { callId: 'call-778', operatorId: 'op-3', callerNumber: PERSONAL.callerNumber },
    status: 'assigned',
    sla: { dueAt: Date.parse('2026-12-18T23:59:59+08:00'), workingDays: 20, state: 'due_soon', calendarEstimated: false },
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

/** The step by its id, as timers and the X-SLA-Step header carry it; read by the domain's parser (RangeError for anything else). */
type Extra = Omit<EscalationNoticeInput, 'record' | 'office' | 'publicBaseUrl' | 'step'> & { step: string };
const WARNING: Extra = { step: 'warning', level: 1, workingDaysLeft: 1 };
const BREACH: Extra = { step: 'breach', level: 2, workingDaysOver: 0 };
const OVERDUE_1: Extra = { step: 'overdue-1', level: 2, workingDaysOver: 1 };
const OVERDUE_3: Extra = { step: 'overdue-3', level: 3, workingDaysOver: 3 };

const notice = (extra: Extra, locale: Office['locale'] = 'zh-CN', r: CaseRecord = record(), o: Office = office(locale)) =>
  escalationNotice({ record: r, office: o, publicBaseUrl: BASE, ...extra, step: parseEscalationStep(extra.step) });

const everywhere = (m: ReturnType<typeof escalationNotice>) =>
  [m.subject, m.text, m.html ?? '', ...m.to, ...(m.cc ?? []), ...Object.keys(m.headers ?? {}), ...Object.values(m.headers ?? {})].join('\n');

describe('escalationNotice subjects, zh-CN', () => {
  it.each([
    ['warning', WARNING, '【即将超期】H2026-000042 求助申诉 剩余1个工作日'],
    ['warning, 3 days', { ...WARNING, workingDaysLeft: 3 }, '【即将超期】H2026-000042 求助申诉 剩余3个工作日'],
    ['warning, last day', { ...WARNING, workingDaysLeft: 0 }, '【即将超期】H2026-000042 求助申诉 今日到期'],
    ['warning without a count', { step: 'warning', level: 1 }, '【即将超期】H2026-000042 求助申诉 请于2026年12月18日前办结'],
    ['breach', BREACH, '【已超期】H2026-000042 求助申诉 已超过办理期限'],
    ['breach counted as 1 day', { ...BREACH, workingDaysOver: 1 }, '【已超期】H2026-000042 求助申诉 已超过办理期限'],
    ['reminder day 1', OVERDUE_1, '【督办】H2026-000042 求助申诉 超期1个工作日'],
    ['reminder day 2', { step: 'overdue-2', level: 2, workingDaysOver: 2 }, '【督办】H2026-000042 求助申诉 超期2个工作日'],
    ['reminder day 3 (chairman)', OVERDUE_3, '【督办】H2026-000042 求助申诉 超期3个工作日（已报主席）'],
    ['reminder count from the step id', { step: 'overdue-5', level: 3 }, '【督办】H2026-000042 求助申诉 超期5个工作日（已报主席）'],
  ] as const)('%s', (_name, extra, subject) => {
    expect(notice(extra).subject).toBe(subject);
  });

  it('counts hours for urgent cases and tags them urgent', () => {
    const urgent = record({ urgent: true, sla: { dueAt: Date.parse('2026-11-20T23:59:59+08:00'), workingDays: 0, state: 'due_soon', calendarEstimated: false } });
    expect(notice({ step: 'warning', level: 1, hoursLeft: 4 }, 'zh-CN', urgent).subject).toBe('【即将超期·紧急】H2026-000042 求助申诉 剩余4小时');
    expect(notice({ step: 'warning', level: 1, hoursLeft: 4.9, workingDaysLeft: 0 }, 'zh-CN', urgent).subject).toBe('【即将超期·紧急】H2026-000042 求助申诉 剩余4小时');
    expect(notice({ step: 'warning', level: 1, hoursLeft: 0.5 }, 'zh-CN', urgent).subject).toBe('【即将超期·紧急】H2026-000042 求助申诉 剩余不足1小时');
    expect(notice({ step: 'warning', level: 1, workingDaysLeft: 0 }, 'zh-CN', urgent).subject).toBe('【即将超期·紧急】H2026-000042 求助申诉 今日到期');
    expect(notice(BREACH, 'zh-CN', urgent).subject).toBe('【已超期·紧急】H2026-000042 求助申诉 已超过办理期限');
    expect(notice(OVERDUE_3, 'zh-CN', urgent).subject).toBe('【督办·紧急】H2026-000042 求助申诉 超期3个工作日（已报主席）');
  });

  it('asks advice to be answered (答复), other categories closed (办结)', () => {
    const advice = record({ category: 'advice', sla: { dueAt: Date.parse('2026-11-27T23:59:59+08:00'), workingDays: 5, state: 'due_soon', calendarEstimated: false } });
    expect(notice({ step: 'warning', level: 1 }, 'zh-CN', advice).subject).toBe('【即将超期】H2026-000042 建议咨询 请于2026年11月27日前答复');
    expect(notice(OVERDUE_1, 'zh-CN', advice).text).toContain('以下案件已超期1个工作日仍未答复，现予督办。请立即答复');
  });
});

describe('escalationNotice subjects, en', () => {
  it.each([
    ['warning', WARNING, '[Due soon] H2026-000042 Help request or complaint · 1 working day left'],
    ['warning, 3 days', { ...WARNING, workingDaysLeft: 3 }, '[Due soon] H2026-000042 Help request or complaint · 3 working days left'],
    ['warning, last day', { ...WARNING, workingDaysLeft: 0 }, '[Due soon] H2026-000042 Help request or complaint · due today'],
    ['warning without a count', { step: 'warning', level: 1 }, '[Due soon] H2026-000042 Help request or complaint · due 18 Dec 2026'],
    ['breach', BREACH, '[Overdue] H2026-000042 Help request or complaint · deadline passed'],
    ['reminder day 1', OVERDUE_1, '[Supervision] H2026-000042 Help request or complaint · 1 working day overdue'],
    ['reminder day 2', { step: 'overdue-2', level: 2, workingDaysOver: 2 }, '[Supervision] H2026-000042 Help request or complaint · 2 working days overdue'],
    ['reminder day 3 (chairman)', OVERDUE_3, '[Supervision] H2026-000042 Help request or complaint · 3 working days overdue · chairman informed'],
  ] as const)('%s', (_name, extra, subject) => {
    expect(notice(extra, 'en').subject).toBe(subject);
  });

  it('counts hours for urgent cases', () => {
    const urgent = record({ urgent: true, sla: { dueAt: Date.parse('2026-11-20T23:59:59+08:00'), workingDays: 0, state: 'due_soon', calendarEstimated: false } });
    expect(notice({ step: 'warning', level: 1, hoursLeft: 4 }, 'en', urgent).subject).toBe('[Due soon · URGENT] H2026-000042 Help request or complaint · 4 hours left');
    expect(notice({ step: 'warning', level: 1, hoursLeft: 1 }, 'en', urgent).subject).toBe('[Due soon · URGENT] H2026-000042 Help request or complaint · 1 hour left');
    expect(notice({ step: 'warning', level: 1, hoursLeft: 0 }, 'en', urgent).subject).toBe('[Due soon · URGENT] H2026-000042 Help request or complaint · less than an hour left');
  });
});

describe('escalationNotice bodies', () => {
  it('lists the case for the office in Chinese, with Chinese dates in Shanghai time (warning)', () => {
    const m = notice(WARNING);
    for (const s of [
      '权益保障部：',
      '以下案件即将超过办理期限（2026年12月18日），请抓紧办理，按时办结并答复。',
      '工单号：H2026-000042',
      '类别：求助申诉（时限20个工作日）',
      '承办部门：权益保障部',
      '受理时间：2026年11月20日 14:05',
      '办理期限：2026年12月18日',
      '剩余时间：1个工作日',
      '标题：拖欠工资三个月',
      '紧急：否',
      '督办级别：一级 · 黄牌预警（即将超期）',
      '抄送：部门负责人\n',
      `案件链接：${LINK}\n`,
    ]) {
      expect(m.text).toContain(s);
    }
    expect(m.text).not.toContain('预计日期');
    expect(m.html).toContain('<html lang="zh-CN">');
    expect(m.html).toContain(`<title>【即将超期】H2026-000042 求助申诉 剩余1个工作日</title>`);
    expect(m.html).toContain(`<a href="${LINK}">${LINK}</a>`);
  });

  it('says how late a breached case is, and who is copied', () => {
    const m = notice({ ...BREACH, workingDaysOver: 1 });
    expect(m.text).toContain('以下案件已超过办理期限（2026年12月18日）仍未办结，请立即办理，并说明超期原因。');
    expect(m.text).toContain('超期情况：已超过办理期限，超期1个工作日');
    expect(m.text).toContain('督办级别：二级 · 红牌督办（已超期）');
    expect(m.text).toContain('抄送：部门负责人、分管领导\n');
    expect(notice(BREACH).text).toContain('超期情况：已超过办理期限\n');
  });

  it('tells everyone at level 3 that the chairman knows', () => {
    const m = notice(OVERDUE_3);
    expect(m.text).toContain('以下案件已超期3个工作日仍未办结，现予督办。请立即办结，并报告办理进展。本案已报主席。');
    expect(m.text).toContain('超期情况：超期3个工作日');
    expect(m.text).toContain('督办级别：三级 · 红牌督办，报主席');
    expect(m.text).toContain('抄送：部门负责人、分管领导、主席\n');
  });

  it('does not claim the chairman was told when the ladder has no chairman address', () => {
    const o = office('zh-CN', { escalation: { ...LADDER, chairman: [] } });
    const m = notice(OVERDUE_3, 'zh-CN', record(), o);
    expect(m.subject).toBe('【督办】H2026-000042 求助申诉 超期3个工作日');
    expect(m.text).toContain('抄送：部门负责人、分管领导、主席（未配置邮箱，未抄送）');
    expect(m.text).not.toContain('本案已报主席');
    const en = notice(OVERDUE_3, 'en', record(), office('en', { escalation: { ...LADDER, chairman: [] } }));
    expect(en.subject).toBe('[Supervision] H2026-000042 Help request or complaint · 3 working days overdue');
    expect(en.text).toContain('Copied to: head of office, supervising leader, chairman (no address configured: not copied)');
  });

  it('lists the case in English with English dates', () => {
    const m = notice(OVERDUE_3, 'en');
    for (const s of [
      'Rights Protection Office:',
      'The case below is 3 working days overdue and still not closed: it is now under supervision. Please close it at once and report on its progress. The chairman has been informed.',
      'Ticket number: H2026-000042',
      'Category: Help request or complaint (20 working days)',
      'Office: Rights Protection Office',
      'Received: 20 Nov 2026, 14:05 (UTC+8)',
      'Due: 18 Dec 2026',
      'Overdue: by 3 working days',
      'Subject: 拖欠工资三个月',
      'Urgent: no',
      'Escalation level: level 3 of 3 · red card, referred to the chairman',
      'Copied to: head of office, supervising leader, chairman',
      `Case: ${LINK}`,
    ]) {
      expect(m.text).toContain(s);
    }
    expect(m.html).toContain('<html lang="en">');
    expect(m.text).not.toMatch(/\d年|\d月|\d日/);
    expect(notice(WARNING, 'en').text).toContain('Time left: 1 working day');
    expect(notice(BREACH, 'en').text).toContain('The case below has passed its time limit (due 18 Dec 2026) and is still not closed.');
  });

  it("shows an urgent case's category limit and urgency", () => {
    const urgent = record({ urgent: true, sla: { dueAt: Date.parse('2026-11-20T23:59:59+08:00'), workingDays: 0, state: 'due_soon', calendarEstimated: false } });
    const m = notice({ step: 'warning', level: 1, hoursLeft: 4 }, 'zh-CN', urgent);
    expect(m.text).toContain('类别：求助申诉（时限20个工作日）');
    expect(m.text).toContain('紧急：是 — 紧急案件');
    expect(m.text).toContain('剩余时间：4小时');
    expect(m.text).toContain('办理期限：2026年11月20日');
  });

  it('notes an estimated deadline in both locales, text and html', () => {
    const r = record({ sla: { dueAt: Date.parse('2027-01-29T23:59:59+08:00'), workingDays: 20, state: 'overdue', calendarEstimated: true } });
    const zh = notice(BREACH, 'zh-CN', r);
    expect(zh.text).toContain('⚠ 预计日期：所跨年度的法定节假日安排尚未公布，期限可能调整。');
    expect(zh.html).toContain('预计日期：所跨年度的法定节假日安排尚未公布');
    expect(zh.text).toContain('办理期限：2027年1月29日');
    const en = notice(BREACH, 'en', r);
    expect(en.text).toContain("⚠ Estimated: next year's official calendar is not yet published; the deadline may change.");
    expect(en.html).toContain('Estimated: next year&#39;s official calendar');
  });

  it('trims the trailing slash of the base url and encodes the id', () => {
    const m = escalationNotice({ record: record({ id: 'a/b?c' }), office: office('zh-CN'), publicBaseUrl: `${BASE}/`, ...WARNING, step: { kind: 'warning' } });
    expect(m.text).toContain(`案件链接：${BASE}/console/cases/a%2Fb%3Fc\n`);
  });
});

describe('escalationNotice headers', () => {
  it.each([WARNING, BREACH, OVERDUE_1, OVERDUE_3])('names the case and the step ($step)', (extra) => {
    expect(notice(extra).headers).toEqual({
      'X-Case-Id': '01JD0000000000000000000042',
      'X-Ticket-No': 'H2026-000042',
      'X-SLA-Step': extra.step,
      'Auto-Submitted': 'auto-generated',
    });
  });

  it('refuses unknown steps, levels and negative counts', () => {
    expect(() => notice({ step: 'overdue-0', level: 2 })).toThrow(RangeError);
    expect(() => notice({ step: 'breach\r\nBcc: x@evil.example', level: 2 })).toThrow(RangeError);
    expect(() => notice({ step: 'later', level: 1 })).toThrow(RangeError);
    expect(() => notice({ step: 'warning', level: 4 as 1 })).toThrow(RangeError);
    expect(() => notice({ step: 'warning', level: 1, workingDaysLeft: -1 })).toThrow(RangeError);
    expect(() => notice({ step: 'warning', level: 1, workingDaysLeft: 1.5 })).toThrow(RangeError);
    expect(() => notice({ step: 'warning', level: 1, hoursLeft: Number.NaN })).toThrow(RangeError);
    expect(() => notice({ step: 'overdue-2', level: 2, workingDaysOver: -2 })).toThrow(RangeError);
    expect(parseEscalationStep('overdue-12')).toEqual({ kind: 'overdue', day: 12 });
    expect(parseEscalationStep('warning')).toEqual({ kind: 'warning' });
  });
});

describe('escalationNotice recipients', () => {
  it('copies the ladder of each level', () => {
    expect(notice(WARNING)).toMatchObject({ to: ['rights@union.example.org'], cc: ['head@union.example.org'] });
    for (const extra of [BREACH, OVERDUE_1, { step: 'overdue-2', level: 2 } as const]) {
      expect(notice(extra)).toMatchObject({ to: ['rights@union.example.org'], cc: ['head@union.example.org', 'vice.chair@union.example.org'] });
    }
    expect(notice(OVERDUE_3)).toMatchObject({
      to: ['rights@union.example.org'],
      cc: ['head@union.example.org', 'vice.chair@union.example.org', 'chairman@union.example.org'],
    });
  });

  it('de-duplicates addresses and never puts the office in cc', () => {
    const o = office('zh-CN', {
      escalation: {
        head: ['Rights@Union.example.org', 'head@union.example.org', ' head@union.example.org ', ''],
        supervisor: ['HEAD@union.example.org', 'vice.chair@union.example.org', 'chair@union.example.org'],
        chairman: ['chair@union.example.org', 'rights@union.example.org'],
      },
    });
    const m = notice(OVERDUE_3, 'zh-CN', record(), o);
    expect(m.to).toEqual(['rights@union.example.org']);
    expect(m.cc).toEqual(['head@union.example.org', 'vice.chair@union.example.org', 'chair@union.example.org']);
    const all = [...m.to, ...(m.cc ?? [])].map((a) => a.toLowerCase());
    expect(new Set(all).size).toBe(all.length);
    // The chairman's address is on the message (as the supervisor's too), so the chairman is informed.
    expect(m.subject).toBe('【督办】H2026-000042 求助申诉 超期3个工作日（已报主席）');
  });

  it('leaves cc out when nobody is to be copied', () => {
    const m = notice(WARNING, 'zh-CN', record(), office('zh-CN', { escalation: { head: ['rights@union.example.org'], supervisor: [], chairman: [] } }));
    expect(m.to).toEqual(['rights@union.example.org']);
    expect(m.cc).toBeUndefined();
    expect(escalationRecipients(office('zh-CN', { escalation: { head: [], supervisor: [], chairman: [] } }), 3)).toEqual({ to: ['rights@union.example.org'], cc: [] });
  });
});

describe('escalationNotice keeps personal data out', () => {
  const steps = [WARNING, BREACH, OVERDUE_1, OVERDUE_3];

  it.each(['zh-CN', 'en'] as const)('never carries the complainant, the caller number, the description or the tracking code (%s)', (locale) => {
    const r = record();
    for (const extra of steps) {
      const all = everywhere(notice(extra, locale, r));
      for (const secret of [...Object.values(PERSONAL), r.description, r.trackingCode, '三个月未发工资', '请回电', '工作两年']) {
        expect(all).not.toContain(secret);
      }
    }
  });

  it('masks personal details a worker typed into the subject', () => {
    const r = record({ subject: `${PERSONAL.name}反映${PERSONAL.employer}欠薪，电话 ${PERSONAL.descriptionPhone}，邮箱 someone@example.org，来电 ${PERSONAL.callerNumber}` });
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const extra of steps) {
        const m = notice(extra, locale, r);
        const all = everywhere(m);
        for (const secret of [...Object.values(PERSONAL), 'someone@example.org']) expect(all).not.toContain(secret);
      }
    }
    expect(notice(BREACH, 'zh-CN', r).text).toContain('标题：＊＊＊反映＊＊＊欠薪，电话 [number]，邮箱 [email]，来电 ＊＊＊');
  });

  it('escapes html in everything taken from the case and the office', () => {
    const r = record({ subject: '<script>alert("x")</script> & 工资', ticketNo: 'H2026-<i>42' });
    const m = notice(OVERDUE_3, 'zh-CN', r, office('zh-CN', { name: '权益<部>' }));
    expect(m.html).not.toContain('<script>');
    expect(m.html).not.toContain('<i>');
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 工资');
    expect(m.html).toContain('<p>权益&lt;部&gt;：</p>');
    expect(m.html).toContain('<td>权益&lt;部&gt;</td>');
    expect(m.html).toContain('<title>【督办】H2026-&lt;i&gt;42 求助申诉 超期3个工作日（已报主席）</title>');
    // Plain text stays plain.
    expect(m.text).toContain('标题：<script>alert("x")</script> & 工资');
  });
});
