import { describe, expect, it } from 'vitest';
import { noTimers } from '../../shared/compose/aws';
import { escalationPolicy, lifecyclePolicy } from '../../shared/compose/policies';
import { ConfigError, FUNCTION_VARIABLES, loadApiConfig, loadFunctionConfig, loadLocalConfig } from '../../shared/config';
import { buildEscalator } from '../../functions/escalator';
import { buildReconciler } from '../../functions/reconciler';
import { buildReporter } from '../../functions/reporter';
import { buildRouter } from '../../functions/router';
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

  it('reads MAILBOX_FIELDS, a JSON map of form field names onto the mailbox fields, and refuses unknown targets at start', () => {
    expect(loadApiConfig({}).MAILBOX_FIELDS).toEqual({});
    expect(loadApiConfig({ MAILBOX_FIELDS: '{"content":"message","tel":"phone"}' }).MAILBOX_FIELDS).toEqual({ content: 'message', tel: 'phone' });
    expect(() => loadApiConfig({ MAILBOX_FIELDS: '{"content":"body"}' })).toThrowError(/MAILBOX_FIELDS/);
    expect(() => loadApiConfig({ MAILBOX_FIELDS: '["message"]' })).toThrowError(/MAILBOX_FIELDS/);
    expect(() => loadApiConfig({ MAILBOX_FIELDS: 'content=message' })).toThrowError(/MAILBOX_FIELDS/);
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

describe('configuration of the Lambdas other than the API', () => {
  const production = { NODE_ENV: 'production', TABLE_NAME: 'cases' };
  const links = { PUBLIC_BASE_URL: 'https://cases.union.example.org' };
  const scheduler = { SCHEDULE_GROUP: 'timers', ESCALATOR_ARN: 'arn:aws:lambda:ap-east-1:123456789012:function:esc', SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/s' };
  const queues = Object.fromEntries(['ADVICE', 'COMPLAINT', 'INVESTIGATION'].flatMap((c) => [[`QUEUE_URL_${c}`, `https://sqs.ap-east-1.amazonaws.com/123456789012/${c}`], [`DLQ_URL_${c}`, `https://sqs.ap-east-1.amazonaws.com/123456789012/${c}-dlq`]]));

  it('start under NODE_ENV=production without any token configuration (only the API verifies tokens)', () => {
    expect(() => buildRouter({ ...production, ...links, ...scheduler })).not.toThrow();
    expect(() => buildEscalator({ ...production, ...links, ...scheduler })).not.toThrow();
    expect(() => buildReconciler({ ...production, ...queues, ...scheduler })).not.toThrow();
    expect(() => buildReporter({ ...production })).not.toThrow();
  });

  it('the reporter needs no Scheduler settings and no case links: it moves no timers and its e-mail has no links', () => {
    expect(FUNCTION_VARIABLES.reporter).not.toContain('SCHEDULE_GROUP');
    expect(FUNCTION_VARIABLES.reporter).not.toContain('PUBLIC_BASE_URL');
    expect(buildReporter(production).calendar).toBeDefined();
    return expect(noTimers('reporter').cancel('c1', 'warning')).rejects.toThrow(/reporter: moves no SLA timers/);
  });

  it('fail fast naming what is missing or malformed among their own variables', () => {
    expect(() => buildRouter({ ...production, ...scheduler })).toThrowError(/PUBLIC_BASE_URL/);
    expect(() => buildEscalator({ ...production, ...links })).toThrowError(/SCHEDULE_GROUP[\s\S]*ESCALATOR_ARN[\s\S]*SCHEDULER_ROLE_ARN/);
    expect(() => buildReconciler({ ...production, ...scheduler })).toThrowError(/QUEUE_URL_ADVICE[\s\S]*DLQ_URL_INVESTIGATION/);
    expect(() => buildReporter({ ...production, LEADERSHIP_EMAILS: 'chair@union, not-an-address' })).toThrowError(/LEADERSHIP_EMAILS/);
    expect(() => loadFunctionConfig('router', { ROUTING_CACHE_SECONDS: 'soon' })).toThrowError(/ROUTING_CACHE_SECONDS/);
  });

  it('ignore what other functions read, such as the API\'s rate limits or token settings', () => {
    const config = loadFunctionConfig('router', { ...production, FORM_RATE_LIMIT: 'many', JWT_SECRET: 'short' });
    expect(config).not.toHaveProperty('FORM_RATE_LIMIT');
    expect(config).toMatchObject({ TABLE_NAME: 'cases', ROUTING_CACHE_SECONDS: 30 });
  });
});
