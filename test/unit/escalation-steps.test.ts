import { describe, expect, it } from 'vitest';
import { ladderReach, lastHandledRank, readStep, stepAtRank, stepId, stepRank } from '../../shared/domain/escalation';

describe('the typed escalation step', () => {
  it('reads an id into the step and writes the same id back; rank and rank-to-step are inverse', () => {
    for (const id of ['warning', 'breach', 'overdue-1', 'overdue-3', 'overdue-9999']) {
      const step = readStep(id);
      expect(step && stepId(step)).toBe(id);
      expect(step && stepAtRank(stepRank(step))).toEqual(step);
    }
    expect(readStep('overdue-3')).toEqual({ kind: 'overdue', day: 3 });
    expect(['autoclose', 'overdue-10000', 'Warning', ''].map(readStep)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('ranks the last step handled on a case, -1 before any', () => {
    expect(lastHandledRank({})).toBe(-1);
    expect(lastHandledRank({ lastStep: 'warning' })).toBe(0);
    expect(lastHandledRank({ lastStep: 'overdue-4' })).toBe(5);
  });
});

describe('the ladder', () => {
  it('says for each role of the level whether one of its addresses is on the message', () => {
    const office = { email: 'rights@union.example.org', escalation: { head: ['Head@union.example.org '], supervisor: [], chairman: ['chair@union.example.org'] } };
    expect(ladderReach(office, 1)).toEqual([{ role: 'head', reached: true }]);
    expect(ladderReach(office, 3)).toEqual([
      { role: 'head', reached: true },
      { role: 'supervisor', reached: false },
      { role: 'chairman', reached: true },
    ]);
    // The chairman's only address is the office's own: it is on the message (as `to`), so he is reached.
    expect(ladderReach({ ...office, escalation: { ...office.escalation, chairman: ['RIGHTS@union.example.org'] } }, 3).at(-1)).toEqual({ role: 'chairman', reached: true });
  });
});
