import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../../shared/observability/logger';

describe('log scrubbing', () => {
  it('masks phone numbers and e-mail addresses inside any string', () => {
    expect(scrub('call from 138 0013 8000 or +86-139-0013-9000, mail li.si@example.com.cn')).toBe(
      'call from [number] or [number], mail [email]',
    );
    expect(scrub('landline 010-88886666 and 0755 12345678')).toBe('landline [number] and [number]');
  });

  it('keeps ticket numbers, ids, dates and epoch times readable', () => {
    const line = 'H2026-000042 case 7a9097e3-5041-4090 at 2026-11-21T08:30:06.242Z epoch 1795249806000 ms 13';
    expect(scrub(line)).toBe(line);
  });

  it('drops fields named like personal data, at any depth', () => {
    expect(scrub({ caseId: 'c1', complainant: { name: '张三' }, nested: { phone: '1', email: 'x', ok: 1 } })).toEqual({
      caseId: 'c1',
      complainant: '[redacted]',
      nested: { phone: '[redacted]', email: '[redacted]', ok: 1 },
    });
  });

  it('writes one JSON line per event with level, message and fields, honouring the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), base: { service: 't' } }).child({ requestId: 'r1' });
    log.debug('hidden');
    log.warn('seen', { phone: '13800138000', detail: 'from 13800138000' });
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({ level: 'warn', message: 'seen', service: 't', requestId: 'r1', phone: '[redacted]', detail: 'from [number]' });
    expect(lines[0]).not.toContain('13800138000');
  });
});
