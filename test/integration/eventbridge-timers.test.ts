import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeTimers, scheduleName, type EventBridgeTimersOptions } from '../../shared/adapters/scheduler/eventbridge-timers';
import type { TimerRequest } from '../../shared/ports';

/**
 * The Scheduler adapter against aws-sdk-client-mock: no local engine speaks EventBridge Scheduler,
 * so these tests pin the exact requests the adapter sends and how it reads the service's errors.
 */
const client = new SchedulerClient({ region: 'ap-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
const scheduler = mockClient(client);
afterAll(() => client.destroy());

const GROUP = 'union-sla-timers';
const ESCALATOR = 'arn:aws:lambda:ap-east-1:123456789012:function:union-escalator';
const ROLE = 'arn:aws:iam::123456789012:role/union-scheduler-invoke-escalator';
const DLQ = 'arn:aws:sqs:ap-east-1:123456789012:union-timer-dlq';
const CASE = '0b7c5c8e-8d1f-4c59-9a37-2f0f5f1e6d42';

/** 2026-03-01T10:00:00+08:00, well before the timers below. */
const NOW = Date.parse('2026-03-01T10:00:00+08:00');
const ms = (iso: string) => Date.parse(iso);

const timers = (options: Partial<EventBridgeTimersOptions> = {}, now = NOW) =>
  new EventBridgeTimers(client, { groupName: GROUP, targetArn: ESCALATOR, roleArn: ROLE, deadLetterArn: DLQ, now: () => now, ...options });

const timer = (overrides: Partial<TimerRequest> = {}): TimerRequest => ({
  caseId: CASE,
  step: 'warning',
  dueAt: ms('2026-03-12T23:59:59+08:00'),
  version: 4,
  fireAt: ms('2026-03-09T23:59:59+08:00'),
  ...overrides,
});

/** A modelled Scheduler error as the SDK would deserialize it. */
const serviceError = <T>(Kind: new (opts: { message: string; Message: string; $metadata: object }) => T, message = 'mocked') =>
  new Kind({ message, Message: message, $metadata: {} });

const createInputs = () => scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
const updateInputs = () => scheduler.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
const deleteInputs = () => scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input);

beforeEach(() => {
  scheduler.reset();
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:ap-east-1:123456789012:schedule/x/y' });
  scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:aws:scheduler:ap-east-1:123456789012:schedule/x/y' });
  scheduler.on(DeleteScheduleCommand).resolves({});
});

describe('EventBridgeTimers.schedule', () => {
  it('creates a one-time schedule at the Shanghai wall-clock time, invoking the escalator with the payload', async () => {
    await timers().schedule(timer());

    expect(createInputs()).toEqual([
      {
        Name: `c-${CASE}-warning`,
        GroupName: GROUP,
        ScheduleExpression: 'at(2026-03-09T23:59:59)',
        ScheduleExpressionTimezone: 'Asia/Shanghai',
        Description: `SLA warning of case ${CASE}`,
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: ESCALATOR,
          RoleArn: ROLE,
          Input: JSON.stringify({ caseId: CASE, step: 'warning', dueAt: ms('2026-03-12T23:59:59+08:00'), version: 4 }),
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
          DeadLetterConfig: { Arn: DLQ },
        },
      },
    ]);
    expect(updateInputs()).toHaveLength(0);
  });

  it('writes the at() in Shanghai time across the UTC date line', async () => {
    // 16:00 UTC on the 9th is midnight of the 10th in Shanghai.
    await timers().schedule(timer({ step: 'breach', fireAt: ms('2026-03-09T16:00:00Z') }));
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2026-03-10T00:00:00)');
    expect(createInputs()[0]?.ScheduleExpressionTimezone).toBe('Asia/Shanghai');
  });

  it('carries exactly the TimerPayload fields as the target input', async () => {
    const extra = { ...timer({ step: 'overdue-2', version: 7 }), description: '工资拖欠', office: 'rights' } as TimerRequest;
    await timers().schedule(extra);
    expect(JSON.parse(createInputs()[0]?.Target?.Input ?? '')).toEqual({
      caseId: CASE,
      step: 'overdue-2',
      dueAt: ms('2026-03-12T23:59:59+08:00'),
      version: 7,
    });
  });

  it('leaves DeadLetterConfig out when no dead-letter queue is configured, and passes the retry settings', async () => {
    await timers({ deadLetterArn: undefined, maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600 }).schedule(timer());
    const target = createInputs()[0]?.Target;
    expect(target).not.toHaveProperty('DeadLetterConfig');
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
  });

  it('refuses retry settings outside the ranges Scheduler accepts', () => {
    expect(() => timers({ maximumRetryAttempts: 186 })).toThrow(RangeError);
    expect(() => timers({ maximumRetryAttempts: -1 })).toThrow(RangeError);
    expect(() => timers({ maximumRetryAttempts: 2.5 })).toThrow(RangeError);
    expect(() => timers({ maximumEventAgeSeconds: 59 })).toThrow(RangeError);
    expect(() => timers({ maximumEventAgeSeconds: 86_401 })).toThrow(RangeError);
    expect(() => timers({ maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 })).not.toThrow();
  });

  it('rounds a fireAt with milliseconds up to the next whole second, never earlier', async () => {
    await timers().schedule(timer({ fireAt: ms('2026-03-09T23:59:59.001+08:00') }));
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2026-03-10T00:00:00)');
  });

  it('moves a fireAt in the past to now + 60 s, in Shanghai time', async () => {
    const now = ms('2026-03-10T08:30:15+08:00');
    await timers({}, now).schedule(timer({ step: 'breach', fireAt: ms('2026-03-10T00:00:00+08:00') }));
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2026-03-10T08:31:15)');
  });

  it('moves a fireAt less than a minute away to now + 60 s, rounding a fractional now up', async () => {
    const now = ms('2026-03-10T23:59:30.250+08:00');
    await timers({}, now).schedule(timer({ fireAt: now + 20_000 }));
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2026-03-11T00:00:31)');
  });

  it('keeps a fireAt exactly one minute ahead as it is', async () => {
    const now = ms('2026-03-10T08:30:15+08:00');
    await timers({}, now).schedule(timer({ fireAt: now + 60_000 }));
    expect(createInputs()[0]?.ScheduleExpression).toBe('at(2026-03-10T08:31:15)');
  });

  it('reads the clock at every call, not once', async () => {
    let now = ms('2026-03-10T08:00:00+08:00');
    const service = new EventBridgeTimers(client, { groupName: GROUP, targetArn: ESCALATOR, roleArn: ROLE, now: () => now });
    await service.schedule(timer({ fireAt: 0 }));
    now += 3_600_000;
    await service.schedule(timer({ fireAt: 0 }));
    expect(createInputs().map((i) => i.ScheduleExpression)).toEqual(['at(2026-03-10T08:01:00)', 'at(2026-03-10T09:01:00)']);
  });

  it('refuses a fireAt that is not a number', async () => {
    await expect(timers().schedule(timer({ fireAt: Number.NaN }))).rejects.toThrow(TypeError);
    expect(createInputs()).toHaveLength(0);
  });

  it('on ConflictException (the name exists) sends UpdateSchedule with the identical full input', async () => {
    scheduler.on(CreateScheduleCommand).rejects(serviceError(ConflictException, 'Schedule c-x already exists.'));
    await timers().schedule(timer({ step: 'breach', fireAt: ms('2026-03-13T00:00:00+08:00'), version: 5 }));

    const [created] = createInputs();
    const [updated] = updateInputs();
    expect(createInputs()).toHaveLength(1);
    expect(updateInputs()).toHaveLength(1);
    expect(updated).toEqual(created);
    expect(updated).toMatchObject({
      Name: `c-${CASE}-breach`,
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-03-13T00:00:00)',
      ActionAfterCompletion: 'DELETE',
      Target: { DeadLetterConfig: { Arn: DLQ }, RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 } },
    });
  });

  it('recognises a ConflictException by name too (e.g. from another SDK copy)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(Object.assign(new Error('exists'), { name: 'ConflictException' }));
    await timers().schedule(timer());
    expect(updateInputs()).toHaveLength(1);
  });

  it('creates again when the existing schedule fired and deleted itself before the update', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(serviceError(ConflictException))
      .resolves({ ScheduleArn: 'arn:aws:scheduler:ap-east-1:123456789012:schedule/x/y' });
    scheduler.on(UpdateScheduleCommand).rejects(serviceError(ResourceNotFoundException));
    await timers().schedule(timer());
    expect(createInputs()).toHaveLength(2);
    expect(createInputs()[1]).toEqual(createInputs()[0]);
    expect(updateInputs()).toHaveLength(1);
  });

  it('gives up after a second conflict-then-missing round', async () => {
    scheduler.on(CreateScheduleCommand).rejects(serviceError(ConflictException));
    scheduler.on(UpdateScheduleCommand).rejects(serviceError(ResourceNotFoundException, 'gone again'));
    await expect(timers().schedule(timer())).rejects.toThrow(/gone again/);
    expect(createInputs()).toHaveLength(2);
    expect(updateInputs()).toHaveLength(2);
  });

  it('rethrows an update failure other than a missing schedule', async () => {
    scheduler.on(CreateScheduleCommand).rejects(serviceError(ConflictException));
    scheduler.on(UpdateScheduleCommand).rejects(serviceError(ThrottlingException, 'Rate exceeded'));
    await expect(timers().schedule(timer())).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('rethrows ValidationException without trying an update', async () => {
    scheduler.on(CreateScheduleCommand).rejects(serviceError(ValidationException, 'Invalid Schedule Expression'));
    await expect(timers().schedule(timer())).rejects.toBeInstanceOf(ValidationException);
    expect(updateInputs()).toHaveLength(0);
  });

  it('rethrows ResourceNotFoundException from CreateSchedule (e.g. a missing schedule group)', async () => {
    scheduler.on(CreateScheduleCommand).rejects(serviceError(ResourceNotFoundException, 'Schedule group not found'));
    await expect(timers().schedule(timer())).rejects.toThrow(/group not found/);
    expect(updateInputs()).toHaveLength(0);
  });
});

describe('scheduleName', () => {
  const VALID = /^[0-9a-zA-Z\-_.]{1,64}$/;

  it('is readable for a UUID case id and every SLA step', () => {
    expect(scheduleName(CASE, 'warning')).toBe(`c-${CASE}-warning`);
    expect(scheduleName(CASE, 'breach')).toBe(`c-${CASE}-breach`);
    expect(scheduleName(CASE, 'overdue-9999')).toBe(`c-${CASE}-overdue-9999`);
    expect(scheduleName(CASE, 'overdue-9999')).toHaveLength(51);
  });

  it('hashes a case id too long for 64 characters: valid, stable, distinct per step', () => {
    const long = `case-${'x'.repeat(120)}`;
    const steps = ['warning', 'breach', 'overdue-1', 'overdue-12'];
    const names = steps.map((s) => scheduleName(long, s));
    for (const name of names) {
      expect(name).toMatch(VALID);
      expect(name.startsWith('h-')).toBe(true);
    }
    expect(new Set(names).size).toBe(steps.length);
    expect(steps.map((s) => scheduleName(long, s))).toEqual(names);
    expect(scheduleName(long, 'warning')).toMatch(/^h-[0-9a-f]{32}-warning$/);
    expect(scheduleName(`${long}y`, 'warning')).not.toBe(names[0]);
  });

  it('hashes a case id with characters Scheduler does not allow', () => {
    for (const id of ['案件-1', 'a/b', 'a b', 'a:b']) {
      const name = scheduleName(id, 'breach');
      expect(name).toMatch(VALID);
      expect(name).toMatch(/^h-[0-9a-f]{32}-breach$/);
    }
    expect(scheduleName('a/b', 'breach')).not.toBe(scheduleName('a b', 'breach'));
  });

  it('hashes a step outside the SLA grammar, so hyphens cannot make two pairs share a name', () => {
    // Readable names would both be c-a-b-c-d.
    expect(scheduleName('a-b', 'c-d')).not.toBe(scheduleName('a', 'b-c-d'));
    expect(scheduleName('a-b', 'c-d')).toMatch(VALID);
    expect(scheduleName('x', 'ü'.repeat(80))).toMatch(/^h-[0-9a-f]{32}$/);
  });

  it('names the schedule that schedule() creates and cancel() deletes for a long id', async () => {
    const long = 'k'.repeat(70);
    const service = timers();
    await service.schedule(timer({ caseId: long, step: 'overdue-3' }));
    await service.cancel(long, 'overdue-3');
    expect(createInputs()[0]?.Name).toBe(scheduleName(long, 'overdue-3'));
    expect(deleteInputs()[0]?.Name).toBe(createInputs()[0]?.Name);
    expect(createInputs()[0]?.Name?.length).toBeLessThanOrEqual(64);
  });
});

describe('EventBridgeTimers.cancel', () => {
  it('deletes the schedule by name in the group', async () => {
    await timers().cancel(CASE, 'breach');
    expect(deleteInputs()).toEqual([{ Name: `c-${CASE}-breach`, GroupName: GROUP }]);
  });

  it('resolves when the schedule is gone already (fired and deleted, or never created)', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(serviceError(ResourceNotFoundException, 'Schedule not found'));
    await expect(timers().cancel(CASE, 'warning')).resolves.toBeUndefined();
  });

  it('rethrows throttling', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(serviceError(ThrottlingException, 'Rate exceeded'));
    await expect(timers().cancel(CASE, 'warning')).rejects.toBeInstanceOf(ThrottlingException);
  });

  it('rethrows access denied', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(timers().cancel(CASE, 'warning')).rejects.toThrow(/not authorized/);
  });
});
