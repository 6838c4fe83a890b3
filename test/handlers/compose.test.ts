import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectDirectory } from '../../lambda/adapters/connect-directory';
import { ConnectUserDirectory } from '../../lambda/adapters/connect-users';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { SqsDeadLetterSink } from '../../lambda/adapters/sqs-dead-letters';
import { SsmKillSwitch } from '../../lambda/adapters/ssm-kill-switch';
import {
  ARMS_SCHEDULES,
  composeApi,
  composeApp,
  FUNCTION_NAMES,
  PortUnavailable,
  USES_NO_TIMERS,
  type Wiring,
} from '../../lambda/app/compose';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { OverridableKillSwitch } from '../../lambda/core/kill-switch';
import { LivePolicies } from '../../lambda/core/policy-live';
import type { Log } from '../../lambda/core/ports';
import { RecordingDeadLetters } from '../support/dead-letters';
import { INSTANCE_ARN } from '../support/events';

const scheduler = new SchedulerClient({ region: 'us-east-1' });
const sqs = new SQSClient({ region: 'us-east-1' });
const schedulerMock = mockClient(scheduler);
const sqsMock = mockClient(sqs);

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };
const NOW = new Date('2026-03-02T09:00:00.000Z');
/** Ten minutes out: armed as a schedule, not deferred to the due queue. */
const payload = { contactId: 'c-1', agentId: 'a-1', deadline: '2026-03-02T09:10:00.000Z' };

function wiring(overrides: Partial<Wiring> = {}): Wiring {
  const connect = new ConnectClient({ region: 'us-east-1' });
  return {
    config: parseAcwConfig({}),
    instanceArn: INSTANCE_ARN,
    agentEventStream: true,
    clients: {
      connect,
      connectDirectory: connect,
      dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      sqs,
      scheduler,
    },
    resources: {
      tableName: 'sessions',
      dueQueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/due',
      schedules: {
        groupName: 'acw',
        targetArn: 'arn:aws:lambda:us-east-1:111122223333:function:fired',
        roleArn: 'arn:aws:iam::111122223333:role/scheduler',
        deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:timers-dlq',
      },
    },
    clock: { now: () => NOW, sleep: async () => {} },
    random: () => () => 0.5,
    log: () => silent,
    ...overrides,
  };
}

beforeEach(() => {
  schedulerMock.reset();
  sqsMock.reset();
  schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('composition root', () => {
  it.each(FUNCTION_NAMES.filter((fn) => ARMS_SCHEDULES.has(fn)))(
    'R13: %s arms a wrap-up timer as a schedule',
    async (fn) => {
      await composeApp(wiring(), fn).deps.timers.arm(payload, NOW);

      const calls = schedulerMock.commandCalls(CreateScheduleCommand);
      expect(calls).toHaveLength(1);
      expect(calls[0]?.args[0].input).toMatchObject({
        GroupName: 'acw',
        Target: { Input: JSON.stringify(payload) },
      });
    },
  );

  it.each(FUNCTION_NAMES.filter((fn) => !ARMS_SCHEDULES.has(fn) && !USES_NO_TIMERS.has(fn)))(
    'R13: %s only defers to the due queue and cannot arm a schedule',
    async (fn) => {
      const timers = composeApp(wiring(), fn).deps.timers;

      await expect(timers.arm(payload, NOW)).rejects.toThrow('This function has no Scheduler settings');
      await timers.defer(payload, 30);
      expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
      expect(sqsMock.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({
        QueueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/due',
        DelaySeconds: 30,
      });
    },
  );

  it.each([...USES_NO_TIMERS])(
    'R13, R15: %s uses no timer: arming, deferring and cancelling are refused, naming the port, as deployed (no timers kit)',
    async (fn) => {
      const timers = composeApp(wiring(), fn).deps.timers;

      for (const call of [
        () => timers.arm(payload, NOW),
        () => timers.defer(payload, 30),
        () => timers.cancel(payload),
      ]) {
        await expect(call()).rejects.toBeInstanceOf(PortUnavailable);
      }
      expect(schedulerMock.calls()).toHaveLength(0);
      expect(sqsMock.calls()).toHaveLength(0);
    },
  );

  it('R13: a deployed container (no name) arms exactly when the stack gave it the schedules', async () => {
    await composeApp(wiring()).deps.timers.arm(payload, NOW);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)).toHaveLength(1);

    const withoutSchedules = wiring({ resources: { ...wiring().resources, schedules: undefined } });
    await expect(composeApp(withoutSchedules).deps.timers.arm(payload, NOW)).rejects.toThrow(
      'This function has no Scheduler settings',
    );
  });

  it('R16: refused records go to the dead-letter queue named, or to the sink given instead', () => {
    const queueUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/intake-dlq';
    const resources = { ...wiring().resources, deadLetterQueueUrl: queueUrl };
    const sink = new RecordingDeadLetters();

    expect(composeApp(wiring({ resources }), 'worker').deadLetters).toBeInstanceOf(SqsDeadLetterSink);
    expect(composeApp(wiring({ resources, keepRefused: sink }), 'worker').deadLetters).toBe(sink);
    expect(composeApp(wiring(), 'worker').deadLetters).toBeUndefined();
  });

  it('R18, R20: the kill switch is the override over its parameter, which needs an SSM client', () => {
    const resources = { ...wiring().resources, switchParameter: '/acw/switch' };

    // Without a parameter, the administrators' override alone (on unless set off).
    expect(composeApp(wiring(), 'sweep').deps.killSwitch).toBeInstanceOf(OverridableKillSwitch);
    const ssm = new SSMClient({ region: 'us-east-1' });
    const withSsm = wiring({ resources, clients: { ...wiring().clients, ssm } });
    expect(composeApp(withSsm, 'sweep').deps.killSwitch).toBeInstanceOf(OverridableKillSwitch);
    expect(() => composeApp(wiring({ resources }), 'sweep')).toThrow(
      'The kill switch /acw/switch needs an SSM client',
    );
  });

  it('R8: the wrap-up status the stack names by id replaces the configured one (to tell it from the agent statuses)', () => {
    const app = composeApp(wiring({ wrapUpStatus: { id: 'status-1' } }), 'agent-events');

    expect(app.config.statuses?.wrapUp).toEqual({ id: 'status-1' });
    expect(app.config.instanceArn).toBe(INSTANCE_ARN);
    expect(app.config.agentEventStream).toBe(true);
  });

  it('R20: every app gets the Connect directory of names (its own client, outside the quota gate)', () => {
    expect(composeApp(wiring(), 'api').deps.directory).toBeInstanceOf(ConnectDirectory);
  });

  it('R20: every app resolves on the live policies (the baseline with the overrides in the table)', () => {
    for (const name of FUNCTION_NAMES)
      expect(composeApp(wiring(), name).deps.policies).toBeInstanceOf(LivePolicies);
  });

  it('the API resolves its callers with SearchUsers unless given its users, and needs the instance', () => {
    const users = { userIdOf: async () => 'a-1' };

    expect(composeApi(wiring()).users).toBeInstanceOf(ConnectUserDirectory);
    expect(composeApi(wiring({ users })).users).toBe(users);
    expect(composeApi(wiring()).api).toEqual(parseAcwConfig({}).api);
    expect(() => composeApi(wiring({ instanceArn: undefined }))).toThrow(
      'The API needs the Connect instance ARN',
    );
  });

  it('R20: the API gets the policy store the administrator routes change, on the baseline, and the deployed switch', () => {
    const resources = { ...wiring().resources, switchParameter: '/acw/switch' };
    const ssm = new SSMClient({ region: 'us-east-1' });

    const { admin } = composeApi(wiring({ resources, clients: { ...wiring().clients, ssm } }));

    expect(admin.store).toBeInstanceOf(DynamoPolicyStore);
    expect(admin.baseline).toEqual(parseAcwConfig({}).policies);
    expect(admin.deployedSwitch).toBeInstanceOf(SsmKillSwitch);
    expect(composeApi(wiring()).admin.deployedSwitch).toBeUndefined();
  });
});
