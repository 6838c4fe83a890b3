import {
  ResourceNotFoundException as ConnectNotFound,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
} from '@aws-sdk/client-connect';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock';
import { SimConnect } from '../../sim/connect';
import { NO_LATENCY } from '../../sim/latency';
import { Random } from '../../sim/random';
import { type ScheduleFire, SimScheduler } from '../../sim/scheduler';
import { SimQueue, SimSqs } from '../../sim/sqs';

const T0 = Date.parse('2026-03-02T09:00:05Z');
const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('virtual clock', () => {
  it('runs actions by time then by queue order, and nothing due after until', async () => {
    const clock = new VirtualClock(T0);
    const ran: string[] = [];
    clock.schedule(T0 + 2_000, 'b', async () => {
      ran.push(`b@${clock.nowMs() - T0}`);
    });
    clock.schedule(T0 + 1_000, 'a1', async () => {
      ran.push('a1');
      await clock.sleep(5_000);
      ran.push(`a1 slept to ${clock.nowMs() - T0}`);
    });
    clock.schedule(T0 + 1_000, 'a2', async () => {
      ran.push(`a2@${clock.nowMs() - T0}`);
    });
    clock.schedule(T0 + 9_000, 'late', async () => {
      ran.push('late');
    });

    const count = await clock.runUntil(T0 + 8_000);

    // a1 is parked while it sleeps: what is due meanwhile runs at its own time.
    expect(ran).toEqual(['a1', 'a2@1000', 'b@2000', 'a1 slept to 6000']);
    expect(count).toBe(3);
    expect(clock.pending).toBe(1);
  });

  it('each task has its own time; parallel branches of one task share it, ending at the latest wake-up', async () => {
    const clock = new VirtualClock(T0);
    const seen: Array<[string, number]> = [];
    clock.schedule(T0, 'parallel', async () => {
      await Promise.all([clock.sleep(300), clock.sleep(1_000)]);
      seen.push(['parallel', clock.nowMs() - T0]);
    });
    clock.schedule(T0 + 500, 'other', async () => {
      seen.push(['other', clock.nowMs() - T0]);
    });
    await clock.runUntil(T0 + 10_000);
    expect(seen).toEqual([
      ['other', 500],
      ['parallel', 1_000],
    ]);
  });

  it('waits for busy real I/O before running anything else, but not while it sleeps', async () => {
    const clock = new VirtualClock(T0);
    const order: string[] = [];
    clock.schedule(T0, 'io', async () => {
      await clock.trackBusy(async () => {
        // Real I/O takes a few event-loop turns.
        for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
        order.push('io done');
        await clock.sleepReleasingBusy(1_000);
        order.push(`io resumed at ${clock.nowMs() - T0}`);
      });
    });
    clock.schedule(T0, 'next', async () => {
      order.push('next');
    });
    clock.schedule(T0 + 500, 'meanwhile', async () => {
      order.push('meanwhile');
    });
    await clock.runUntil(T0 + 10_000);
    expect(order).toEqual(['io done', 'next', 'meanwhile', 'io resumed at 1000']);
  });

  it('rethrows what an action threw', async () => {
    const clock = new VirtualClock(T0);
    clock.schedule(T0, 'bad', async () => {
      throw new Error('boom');
    });
    await expect(clock.runUntil(T0 + 1_000)).rejects.toThrow('boom');
  });
});

describe('seeded random numbers', () => {
  it('the same seed gives the same numbers; a fork is independent of later draws on its parent', () => {
    const a = new Random(42);
    const b = new Random(42);
    expect([a.float(), a.float(), a.int(0, 9)]).toEqual([b.float(), b.float(), b.int(0, 9)]);
    const forkBefore = new Random(7).fork('scheduler').float();
    const parent = new Random(7);
    parent.float();
    expect(parent.fork('scheduler').float()).toBe(forkBefore);
    expect(new Random(8).fork('scheduler').float()).not.toBe(forkBefore);
  });
});

function scheduleInput(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'acw-0123456789abcdef',
    GroupName: 'connect-acw',
    ScheduleExpression: 'at(2026-03-02T09:04:00)',
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: 'arn:aws:lambda:us-east-1:1:function:f',
      RoleArn: 'arn:aws:iam::1:role/r',
      Input: '{"a":1}',
    },
    ...overrides,
  };
}

function scheduler(seed = 1, duplicateProbability = 0) {
  const clock = new VirtualClock(T0);
  const fires: Array<{ input: unknown; fire: ScheduleFire }> = [];
  const sim = new SimScheduler({
    clock,
    random: new Random(seed),
    groupName: 'connect-acw',
    latency: NO_LATENCY,
    duplicateProbability,
    invokeTarget: async (input, fire) => {
      fires.push({ input, fire });
    },
  });
  return { clock, fires, sim, client: sim.client() };
}

describe('simulated EventBridge Scheduler', () => {
  it('fires a one-time schedule once, somewhere in its scheduled minute, with the parsed Input', async () => {
    const { clock, fires, client } = scheduler();
    await client.send(new CreateScheduleCommand(scheduleInput()));
    await clock.runUntil(T0 + 3_600_000);

    expect(fires).toHaveLength(1);
    const minute = Date.parse('2026-03-02T09:04:00Z');
    expect(fires[0]?.fire.at).toBeGreaterThanOrEqual(minute);
    expect(fires[0]?.fire.at).toBeLessThan(minute + 60_000);
    expect(fires[0]?.input).toEqual({ a: 1 });
  });

  it('delivers a firing twice when at-least-once delivery strikes', async () => {
    const { clock, fires, client } = scheduler(1, 1);
    await client.send(new CreateScheduleCommand(scheduleInput()));
    await clock.runUntil(T0 + 3_600_000);
    expect(fires.map((entry) => entry.fire.duplicate)).toEqual([false, true]);
    expect((fires[1]?.fire.at ?? 0) - (fires[0]?.fire.at ?? 0)).toBeGreaterThan(0);
  });

  it('refuses a second schedule of the same name with ConflictException, until the first has fired', async () => {
    const { clock, client } = scheduler();
    await client.send(new CreateScheduleCommand(scheduleInput()));
    await expect(client.send(new CreateScheduleCommand(scheduleInput()))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await clock.runUntil(T0 + 3_600_000);
    await expect(
      client.send(
        new CreateScheduleCommand(scheduleInput({ ScheduleExpression: 'at(2026-03-02T11:00:00)' })),
      ),
    ).resolves.toBeDefined();
  });

  it.each([
    ['a name over 64 characters', { Name: 'x'.repeat(65) }, /Name must be 1-64/],
    ['a name with a bad character', { Name: 'acw/1' }, /Name must be 1-64/],
    ['a cron expression', { ScheduleExpression: 'cron(0 9 * * ? *)' }, /at\(yyyy-mm-ddThh:mm:ss\)/],
    ['an impossible date', { ScheduleExpression: 'at(2026-02-30T09:00:00)' }, /at\(yyyy-mm-ddThh:mm:ss\)/],
    [
      'a flexible time window',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' as const, MaximumWindowInMinutes: 5 } },
      /OFF/,
    ],
    ['no delete after completion', { ActionAfterCompletion: 'NONE' as const }, /DELETE/],
    [
      'an Input that is not JSON',
      {
        Target: {
          Arn: 'arn:aws:lambda:us-east-1:1:function:f',
          RoleArn: 'arn:aws:iam::1:role/r',
          Input: 'x',
        },
      },
      /Input must be JSON/,
    ],
  ])('refuses %s with ValidationException', async (_what, overrides, message) => {
    const { client } = scheduler();
    const attempt = client.send(new CreateScheduleCommand(scheduleInput(overrides)));
    await expect(attempt).rejects.toBeInstanceOf(ValidationException);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('simulated Amazon Connect', () => {
  const connect = () => {
    const clock = new VirtualClock(T0);
    const sim = new SimConnect({
      clock,
      instanceArns: [INSTANCE],
      agents: [{ id: 'agent-1', status: 'Lunch' }],
      wrapUpStatus: { name: 'Wrap Up' },
      routableStatus: { name: 'Available' },
      latency: NO_LATENCY,
    });
    return { clock, sim, client: sim.client() };
  };

  it('lists Available (ROUTABLE), Offline, the wrap-up status, Lunch, Break, Training (R19) and the agents’ own statuses', async () => {
    const { client } = connect();
    const page = await client.send(
      new ListAgentStatusesCommand({ InstanceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }),
    );
    expect(page.AgentStatusSummaryList?.map((status) => [status.Name, status.Type])).toEqual([
      ['Available', 'ROUTABLE'],
      ['Offline', 'OFFLINE'],
      ['Wrap Up', 'CUSTOM'],
      ['Lunch', 'CUSTOM'],
      ['Break', 'CUSTOM'],
      ['Training', 'CUSTOM'],
    ]);
  });

  it('records a status change by name at the current virtual time', async () => {
    const { client, sim } = connect();
    const page = await client.send(
      new ListAgentStatusesCommand({ InstanceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' }),
    );
    const wrapUp = page.AgentStatusSummaryList?.find((status) => status.Name === 'Wrap Up')?.Id;
    await client.send(
      new PutUserStatusCommand({
        InstanceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        UserId: 'agent-1',
        AgentStatusId: wrapUp,
      }),
    );
    expect(sim.statusChanges).toEqual([{ at: T0, agentId: 'agent-1', status: 'Wrap Up' }]);
    expect(sim.agentStatus.get('agent-1')).toBe('Wrap Up');
  });

  it('accepts an agent the scenario does not list, as an agent of the instance starting Available', async () => {
    const { client, sim } = connect();
    await client.send(
      new PutUserStatusCommand({
        InstanceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        UserId: 'unlisted',
        AgentStatusId: sim.statusIdOf('Wrap Up'),
      }),
    );
    expect(sim.statusChanges).toEqual([{ at: T0, agentId: 'unlisted', status: 'Wrap Up' }]);
  });

  it.each([
    ['a user id that is not one', { UserId: 'no/body' }],
    ['an unknown instance', { InstanceId: 'ffffffff-ffff-ffff-ffff-ffffffffffff' }],
    ['an unknown status', { AgentStatusId: 'no-such-status' }],
  ])('refuses PutUserStatus for %s with ResourceNotFoundException', async (_what, overrides) => {
    const { client, sim } = connect();
    const attempt = client.send(
      new PutUserStatusCommand({
        InstanceId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        UserId: 'agent-1',
        AgentStatusId: sim.statusIdOf('Available'),
        ...overrides,
      }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ConnectNotFound);
    expect(sim.statusChanges).toEqual([]);
  });
});

describe('simulated SQS', () => {
  const queue = (failing: boolean) => {
    const clock = new VirtualClock(T0);
    const received: Array<{ at: number; count: string }> = [];
    const due = new SimQueue({
      name: 'due',
      clock,
      random: new Random(3),
      maxLatencyMs: 300,
      maxReceiveCount: 5,
      visibilityTimeoutMs: 60_000,
      consume: async (event) => {
        const record = event.Records[0];
        received.push({ at: clock.nowMs(), count: record?.attributes.ApproximateReceiveCount ?? '' });
        return { batchItemFailures: failing && record ? [{ itemIdentifier: record.messageId }] : [] };
      },
    });
    return { clock, received, due, client: new SimSqs([due], NO_LATENCY).client() };
  };

  it('delivers a delayed message after its delay plus at most 300 ms', async () => {
    const { clock, received, due, client } = queue(false);
    await client.send(new SendMessageCommand({ QueueUrl: due.url, MessageBody: '{}', DelaySeconds: 30 }));
    await clock.runUntil(T0 + 600_000);
    expect(received).toHaveLength(1);
    expect((received[0]?.at ?? 0) - T0).toBeGreaterThanOrEqual(30_000);
    expect((received[0]?.at ?? 0) - T0).toBeLessThanOrEqual(30_300);
  });

  it('redelivers a failed record after the visibility timeout, then dead-letters it after 5 receives', async () => {
    const { clock, received, due, client } = queue(true);
    await client.send(new SendMessageCommand({ QueueUrl: due.url, MessageBody: '{}', DelaySeconds: 0 }));
    await clock.runUntil(T0 + 3_600_000);
    expect(received.map((entry) => entry.count)).toEqual(['1', '2', '3', '4', '5']);
    expect((received[1]?.at ?? 0) - (received[0]?.at ?? 0)).toBe(60_000);
    expect(due.deadLetters).toHaveLength(1);
  });

  it('refuses a delay over 900 s and an unknown queue', async () => {
    const { due, client } = queue(false);
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: due.url, MessageBody: '{}', DelaySeconds: 901 })),
    ).rejects.toThrow(/DelaySeconds must be an integer 0-900/);
    await expect(
      client.send(new SendMessageCommand({ QueueUrl: `${due.url}-nope`, MessageBody: '{}' })),
    ).rejects.toThrow(/does not exist/);
  });
});
