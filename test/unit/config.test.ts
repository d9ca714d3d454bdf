import { describe, expect, it } from 'vitest';
import { escalationPolicy, lifecyclePolicy } from '../../shared/compose';
import { ConfigError, loadApiConfig, loadLocalConfig } from '../../shared/config';
import { DEFAULT_LIFECYCLE_POLICY } from '../../shared/domain/lifecycle';
import { DEFAULT_ESCALATION_POLICY } from '../../shared/domain/sla';

describe('configuration', () => {
  it('has working defaults for a bare machine', () => {
    const c = loadApiConfig({});
    expect(c).toMatchObject({ TABLE_NAME: 'union-cases', FORM_RATE_LIMIT: 5, TRACK_RATE_LIMIT: 30, ALLOWED_ORIGINS: [], TRUST_PROXY: 0 });
    expect(loadLocalConfig({})).toMatchObject({ PORT: 3000, DATA_DIR: '.data', HOST: '127.0.0.1' });
  });

  it('parses lists of origins and numbers', () => {
    const c = loadApiConfig({ ALLOWED_ORIGINS: 'https://a.example.org, http://localhost:8080', FORM_RATE_LIMIT: '10' });
    expect(c.ALLOWED_ORIGINS).toEqual(['https://a.example.org', 'http://localhost:8080']);
    expect(c.FORM_RATE_LIMIT).toBe(10);
  });

  it('reads TRUST_PROXY as a hop count: false 0, true 1, or a number', () => {
    expect(loadApiConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
    expect(loadApiConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(loadApiConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => loadApiConfig({ TRUST_PROXY: 'yes' })).toThrowError(/TRUST_PROXY/);
  });

  it('fails fast, naming every bad variable', () => {
    expect(() => loadApiConfig({ FORM_RATE_LIMIT: 'many', ALLOWED_ORIGINS: 'https://a.example.org/path' })).toThrowError(
      /FORM_RATE_LIMIT[\s\S]*ALLOWED_ORIGINS|ALLOWED_ORIGINS[\s\S]*FORM_RATE_LIMIT/,
    );
    expect(() => loadApiConfig({ JWT_SECRET: 'short' })).toThrowError(ConfigError);
    expect(() => loadLocalConfig({ PORT: '70000' })).toThrowError(/PORT/);
  });

  it('requires JWT_SECRET in production', () => {
    expect(() => loadApiConfig({ NODE_ENV: 'production' })).toThrowError(/JWT_SECRET/);
    expect(loadApiConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
  });

  it('reads the escalation ladder and times from ESCALATION_POLICY over the defaults', () => {
    expect(escalationPolicy(loadApiConfig({}))).toEqual(DEFAULT_ESCALATION_POLICY);
    const p = escalationPolicy(loadApiConfig({ ESCALATION_POLICY: '{"warnBeforeWorkingDays":{"complaint":5},"urgentWarnBeforeHours":2,"reminderHour":10,"chairmanFromOverdueDay":5}' }));
    expect(p).toEqual({
      warnBeforeWorkingDays: { advice: 1, complaint: 5, investigation: 5 },
      urgentWarnBeforeMs: 2 * 3_600_000,
      reminderHour: 10,
      reminderMinute: 0,
      chairmanFromOverdueDay: 5,
      autoCloseAfterWorkingDays: 10,
    });
    expect(() => loadApiConfig({ ESCALATION_POLICY: 'not json' })).toThrowError(/ESCALATION_POLICY/);
    expect(() => loadApiConfig({ ESCALATION_POLICY: '{"reminderHour":25}' })).toThrowError(/ESCALATION_POLICY/);
    expect(() => loadApiConfig({ ESCALATION_POLICY: '{"ladder":[]}' })).toThrowError(/ESCALATION_POLICY/);
  });

  it('reads the sign-for time, pause limit and reopen window from LIFECYCLE_POLICY over the defaults', () => {
    expect(lifecyclePolicy(loadApiConfig({}))).toEqual(DEFAULT_LIFECYCLE_POLICY);
    expect(DEFAULT_LIFECYCLE_POLICY).toEqual({ signWithinWorkingDays: 1, maxPauses: 2, reopenWithinDays: 30 });
    expect(lifecyclePolicy(loadApiConfig({ LIFECYCLE_POLICY: '{"signWithinWorkingDays":2,"reopenWithinDays":15}' }))).toEqual({ signWithinWorkingDays: 2, maxPauses: 2, reopenWithinDays: 15 });
    expect(() => loadApiConfig({ LIFECYCLE_POLICY: '{"signWithinWorkingDays":0}' })).toThrowError(/LIFECYCLE_POLICY/);
    expect(() => loadApiConfig({ LIFECYCLE_POLICY: '{"signWithin":2}' })).toThrowError(/LIFECYCLE_POLICY/);
    expect(() => loadApiConfig({ LIFECYCLE_POLICY: '[' })).toThrowError(/LIFECYCLE_POLICY/);
  });

  it('reads working calendars given at deployment (CALENDAR_OVERRIDES) in place of the shipped years', async () => {
    const config = loadApiConfig({ CALENDAR_OVERRIDES: '{"2026":{"holidays":["2026-03-02"],"workdays":[]}}' });
    expect(config.CALENDAR_OVERRIDES).toEqual({ '2026': { holidays: ['2026-03-02'], workdays: [] } });
    expect(() => loadApiConfig({ CALENDAR_OVERRIDES: '{"26":{"holidays":[],"workdays":[]}}' })).toThrowError(/CALENDAR_OVERRIDES/);
    expect(() => loadApiConfig({ CALENDAR_OVERRIDES: '{"2027":{"holidays":["1 Jan"],"workdays":[]}}' })).toThrowError(/CALENDAR_OVERRIDES/);
  });
});
