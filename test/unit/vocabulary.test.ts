import { describe, expect, it } from 'vitest';
import { SATISFACTIONS } from '../../shared/domain/case';
import { figuresOf } from '../../shared/domain/report';
import type { WorkingCalendar } from '../../shared/domain/calendar';
import { ACTION_LABELS, CATEGORY_LABELS, CHANNEL_LABELS, FIGURE_KEYS, labelOf, LOCALES, percent, percentagePoints, SLA_STATE_LABELS, TOPIC_LABELS, VOCABULARY } from '../../shared/domain/vocabulary';

describe('the vocabulary of user-facing words', () => {
  for (const [name, [codes, labels]] of Object.entries(VOCABULARY)) {
    it(`labels every ${name} code in zh-CN and en, and nothing else`, () => {
      for (const code of codes) {
        for (const locale of LOCALES) {
          const text = (labels as Record<string, Record<string, string> | undefined>)[code]?.[locale];
          expect(text?.trim(), `${name} ${code} in ${locale}`).toBeTruthy();
        }
      }
      expect(Object.keys(labels).sort()).toEqual([...codes].sort());
    });
    it(`gives each ${name} its own zh-CN label`, () => {
      const zh = codes.map((c) => (labels as Record<string, Record<string, string>>)[c]?.['zh-CN']);
      expect(new Set(zh).size).toBe(zh.length);
    });
  }

  it('uses the glossary’s one wording for channels, categories, SLA states and actions', () => {
    expect(Object.values(CHANNEL_LABELS).map((v) => v['zh-CN'])).toEqual(['主席热线', '主席信箱', '来访']);
    expect(Object.values(CATEGORY_LABELS).map((v) => v['zh-CN'])).toEqual(['建议咨询', '求助申诉', '需调查处理']);
    expect(SLA_STATE_LABELS.due_soon['zh-CN']).toBe('即将超期');
    expect(SLA_STATE_LABELS.overdue['zh-CN']).toBe('已超期');
    expect(Object.fromEntries(Object.entries(ACTION_LABELS).map(([k, v]) => [k, v['zh-CN']]))).toMatchObject({
      accept: '签收', return: '退单', assign: '转办', extend: '延期', pause: '暂停', resume: '恢复', note: '备注', reply: '答复', 'follow-up': '回访', reopen: '重新办理', close: '办结',
    });
  });

  it('shows a code without a label as itself', () => {
    expect(labelOf(CATEGORY_LABELS, 'advice', 'en')).toBe('Suggestion or enquiry');
    expect(labelOf(CATEGORY_LABELS, 'canteen_food', 'zh-CN')).toBe('canteen_food');
    expect(labelOf(CATEGORY_LABELS, 'toString', 'zh-CN')).toBe('toString');
  });

  it('labels every figure a report computes, and the satisfaction codes the follow-up takes', () => {
    const figures = figuresOf([], 0, {} as WorkingCalendar);
    expect([...FIGURE_KEYS].sort()).toEqual(Object.keys(figures).sort());
    expect(VOCABULARY.satisfaction[0]).toBe(SATISFACTIONS);
  });

  it('has one wording for each topic code', () => {
    expect(TOPIC_LABELS.dismissal['zh-CN']).toBe('解除劳动关系');
    expect(TOPIC_LABELS.safety['zh-CN']).toBe('安全生产');
    expect(TOPIC_LABELS.psychological['zh-CN']).toBe('心理关爱');
  });
});

/** The reference: a four-decimal rate n/10000 as a percentage rounded half up, by integer arithmetic on n alone. */
function exactPercent(n: number): string {
  const tenths = Math.floor((n + 5) / 10);
  return `${Math.floor(tenths / 10)}.${tenths % 10}%`;
}

describe('percent: a rate as people read it', () => {
  it('rounds all 10,001 four-decimal rates half up on their decimal value', () => {
    const wrong: string[] = [];
    for (let n = 0; n <= 10_000; n++) {
      // What the reports hold: the ratio rounded to four decimals, as the domain rounds it.
      const rate = Math.round((n / 10_000) * 10_000) / 10_000;
      if (percent(rate) !== exactPercent(n)) wrong.push(`${rate} → ${percent(rate)}, not ${exactPercent(n)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('says 1.2% for 0.0115, where toFixed on the float said 1.1%', () => {
    expect((0.0115 * 100).toFixed(1)).toBe('1.1'); // the old e-mail body's way, for the record
    expect(percent(0.0115)).toBe('1.2%');
    expect(percent(0.875)).toBe('87.5%');
    expect(percent(1)).toBe('100.0%');
    expect(percent(0)).toBe('0.0%');
    expect(percent(2 / 3)).toBe('66.7%');
  });

  it('keeps the sign of a change, rounding its size the same way', () => {
    expect(percent(-0.0115)).toBe('-1.2%');
    expect(percent(-0.0004)).toBe('0.0%');
    expect(percentagePoints(0.025, 'zh-CN')).toBe('+2.5个百分点');
    expect(percentagePoints(-0.1111, 'zh-CN')).toBe('-11.1个百分点');
    expect(percentagePoints(0.025, 'en')).toBe('+2.5 points');
    expect(percentagePoints(0, 'zh-CN')).toBe('0.0个百分点');
  });
});
