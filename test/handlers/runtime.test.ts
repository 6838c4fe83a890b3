import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqsDeadLetterSink } from '../../lambda/adapters/sqs-dead-letters';
import { PortUnavailable } from '../../lambda/app/compose';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { OverridableKillSwitch } from '../../lambda/core/kill-switch';
import { POLICIES_FILE } from '../../lambda/core/policy-bundle';
import {
  ALL_KITS,
  appFromEnvironment,
  connect,
  deadLetters,
  directory,
  dueQueue,
  ENV,
  fromKits,
  killSwitch,
  requireEnv,
  schedules,
  sessions,
} from '../../lambda/handlers/runtime';
import { configEnvironmentValue } from '../../lib/acw-function';

const written = parseAcwConfig({
  policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 60 } } },
});
// As the stack writes them (lib/acw-function.ts): the policies in the bundle, the rest in ACW_CONFIG.
const taskRoot = mkdtempSync(join(tmpdir(), 'acw-task-'));
writeFileSync(join(taskRoot, POLICIES_FILE), JSON.stringify(written.policies));
const emptyRoot = mkdtempSync(join(tmpdir(), 'acw-task-'));
const base = {
  [ENV.config]: configEnvironmentValue(written),
  LAMBDA_TASK_ROOT: taskRoot,
  [ENV.instanceArn]: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
  [ENV.defaultDuration]: '120',
  [ENV.tableName]: 'sessions',
  [ENV.dueQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111122223333/due',
  [ENV.scheduleGroup]: 'acw',
  [ENV.scheduleTargetArn]: 'arn:aws:lambda:us-east-1:111122223333:function:timer-fired',
  [ENV.scheduleRoleArn]: 'arn:aws:iam::111122223333:role/scheduler',
  [ENV.scheduleDlqArn]: 'arn:aws:sqs:us-east-1:111122223333:scheduler-dlq',
  AWS_REGION: 'us-east-1',
};

describe('deployed wiring', () => {
  it('the DefaultDurationSeconds parameter overrides the default policy and keeps the others', () => {
    const app = appFromEnvironment(base);
    expect(app.config.policies.default).toMatchObject({ durationSeconds: 120, mode: 'timed' });
    expect(app.config.policies.channels.get('CHAT')).toEqual({ durationSeconds: 60 });
    expect(app.config.instanceArn).toBe(base[ENV.instanceArn]);
  });

  it.each([
    ENV.config,
    ENV.instanceArn,
    ENV.tableName,
    ENV.dueQueueUrl,
    ENV.scheduleGroup,
    ENV.scheduleDlqArn,
    ENV.defaultDuration,
    'LAMBDA_TASK_ROOT',
  ])('fails fast naming a missing variable (%s)', (name) => {
    const env: Record<string, string | undefined> = { ...base, [name]: undefined };
    expect(() => appFromEnvironment(env)).toThrow(name);
  });

  it('refuses a default duration outside the policy rule, naming the field', () => {
    expect(() => appFromEnvironment({ ...base, [ENV.defaultDuration]: '-5' })).toThrow(
      'acw.policies.default.durationSeconds must be an integer 0-86400, got -5',
    );
  });

  it('refuses a value that is not a configuration the stack wrote, saying so', () => {
    expect(() => appFromEnvironment({ ...base, [ENV.config]: '[]' })).toThrow(
      'ACW_CONFIG is not a configuration the stack wrote: deploy the stack again',
    );
  });

  it('issue 12: reads the policies from the bundle, none from the environment', () => {
    expect(base[ENV.config]).not.toContain('policies');
    expect(() => appFromEnvironment({ ...base, LAMBDA_TASK_ROOT: emptyRoot })).toThrow(
      `${join(emptyRoot, POLICIES_FILE)} cannot be read`,
    );
    writeFileSync(join(emptyRoot, POLICIES_FILE), '{"queues":{}}');
    expect(() => appFromEnvironment({ ...base, LAMBDA_TASK_ROOT: emptyRoot })).toThrow(
      `${POLICIES_FILE} holds no policies the stack wrote (no default): deploy the stack again`,
    );
  });

  it.each(['1.5', 'ninety', '86401'])('refuses the default duration %s, naming the field', (value) => {
    expect(() => appFromEnvironment({ ...base, [ENV.defaultDuration]: value })).toThrow(
      `acw.policies.default.durationSeconds must be an integer 0-86400, got ${value}`,
    );
  });

  it('needs every Scheduler variable once the schedule group is given', () => {
    expect(() => appFromEnvironment({ ...base, [ENV.scheduleTargetArn]: undefined })).toThrow(
      ENV.scheduleTargetArn,
    );
  });

  it('a function without the Scheduler kits needs none of its variables; with them, it fails fast without one', () => {
    const noSchedules = {
      ...base,
      [ENV.scheduleGroup]: undefined,
      [ENV.scheduleTargetArn]: undefined,
      [ENV.scheduleRoleArn]: undefined,
      [ENV.scheduleDlqArn]: undefined,
    };
    expect(appFromEnvironment(noSchedules, [sessions, connect, dueQueue]).deps.timers).toBeDefined();
    expect(() => appFromEnvironment(noSchedules, [sessions, connect, schedules])).toThrow(ENV.scheduleGroup);
  });

  it('R16: keeps refused records in the queue DEAD_LETTER_QUEUE_URL names, and nowhere without it', () => {
    const url = 'https://sqs.us-east-1.amazonaws.com/111122223333/intake-dlq';

    expect(appFromEnvironment({ ...base, [ENV.deadLetterQueueUrl]: url }).deadLetters).toBeInstanceOf(
      SqsDeadLetterSink,
    );
    expect(appFromEnvironment(base).deadLetters).toBeUndefined();
  });

  it('requireEnv treats an empty value as missing', () => {
    expect(() => requireEnv('X', { X: '' })).toThrow('Environment variable X is not set');
    expect(requireEnv('X', { X: 'y' })).toBe('y');
  });
});

describe('deployed wiring: each function makes only the clients of the kits it names (issue 11)', () => {
  it('makes one client per name, however many kits name it, and none for the kits not named', () => {
    const { clients, adapters } = fromKits([sessions, dueQueue, deadLetters], { region: 'us-east-1' });

    expect(Object.keys(clients).sort()).toEqual(['dynamo', 'sqs']);
    expect(Object.keys(adapters).sort()).toEqual([
      'deadLetters',
      'lateCompletions',
      'policies',
      'policyStore',
      'sessions',
      'timers',
    ]);
  });

  it('every kit together makes every client: what appFromEnvironment composes with by default', () => {
    const { clients } = fromKits(ALL_KITS, { region: 'us-east-1' });

    expect(Object.keys(clients).sort()).toEqual([
      'connect',
      'connectDirectory',
      'dynamo',
      'scheduler',
      'sqs',
      'ssm',
    ]);
  });

  it('refuses a function without the sessions kit', () => {
    expect(() => fromKits([connect], { region: 'us-east-1' })).toThrow('needs the sessions kit');
  });

  it('a function composed with the sessions kit alone refuses Connect and timer calls, naming the port', async () => {
    const app = appFromEnvironment(base, [sessions]);
    const timer = { contactId: 'c-1', agentId: 'a-1', deadline: '2026-03-02T09:10:00.000Z' };

    await expect(app.deps.agents.set('arn', 'a-1', 'WRAP_UP')).rejects.toThrow(PortUnavailable);
    await expect(app.deps.contacts.write('arn', 'c-1', {})).rejects.toThrow('The contacts port is not wired');
    await expect(app.deps.timers.defer(timer, 5)).rejects.toThrow('The timers port is not wired');
    expect(app.deps.killSwitch).toBeUndefined();
    expect(app.deps.statuses).toBeUndefined();
    expect(app.deps.directory).toBeUndefined();
  });

  it('R20: the directory kit gives the names of queues and agents on the directory client, not the gated one', () => {
    const { clients, adapters } = fromKits([sessions, directory], { region: 'us-east-1' });

    expect(Object.keys(clients).sort()).toEqual(['connectDirectory', 'dynamo']);
    expect(Object.keys(adapters)).toContain('directory');
  });

  it('R18: the kill switch is read only by the functions given the killSwitch kit', () => {
    const env = { ...base, [ENV.switchParameter]: '/acw/switch' };

    // R20: an administrator's override, read with the live policies, over the parameter.
    expect(appFromEnvironment(env, [sessions, killSwitch]).deps.killSwitch).toBeInstanceOf(
      OverridableKillSwitch,
    );
    expect(appFromEnvironment(env, [sessions, connect, dueQueue]).deps.killSwitch).toBeUndefined();
  });
});
