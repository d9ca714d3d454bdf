import { describe, expect, it } from 'vitest';
import { ACTION_LABELS, CATEGORY_LABELS, CHANNEL_LABELS, labelOf, LOCALES, SLA_STATE_LABELS, VOCABULARY } from '../../shared/domain/vocabulary';

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
});
