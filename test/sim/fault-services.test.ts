/**
 * The simulated services under a scenario's faults, one at a time: Connect's quota and throttling
 * (one attempt per call, as deployed), GetCurrentUserData, DynamoDB errors below the SDK's retries,
 * lost and duplicated timers, and the agent event stream's retries.
 */
import {
  GetCurrentUserDataCommand,
  type GetCurrentUserDataCommandOutput,
  InvalidParameterException,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
  ThrottlingException,
  UpdateContactAttributesCommand,
} from '@aws-sdk/client-connect';
import { CreateScheduleCommand } from '@aws-sdk/client-scheduler';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../sim/clock';
import { SimConnect } from '../../sim/connect';
import { startDynamo } from '../../sim/dynamo';
import { ApiQuotas, burstOf, retryErrorTypeOf, TokenBucket, VirtualRetryStrategy } from '../../sim/faults';
import { SimStream } from '../../sim/kinesis';
import { NO_LATENCY } from '../../sim/latency';
import { Random } from '../../sim/random';
import { SimScheduler } from '../../sim/scheduler';
import { SimQueue, SimSqs } from '../../sim/sqs';

const T0 = Date.parse('2026-03-02T09:00:05Z');
const INSTANCE_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const INSTANCE = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;

describe("Connect's quotas: a token bucket per API on the virtual clock", () => {
  it('burst = ceil(2.5 × rate): Connect documents 2 requests/s, burst 5', () => {
    expect(burstOf(2)).toBe(5);
    expect(burstOf(1)).toBe(3);
    expect(burstOf(0.5)).toBe(2);
  });

  it('gives the burst at once, then one token per 1/rate seconds', () => {
    const bucket = new TokenBucket(2);
    expect(Array.from({ length: 6 }, () => bucket.take(T0))).toEqual([true, true, true, true, true, false]);
    expect(bucket.take(T0 + 499)).toBe(false);
    expect(bucket.take(T0 + 500)).toBe(true);
    expect(bucket.take(T0 + 500)).toBe(false);
    // Refills never beyond the burst.
    expect(Array.from({ length: 6 }, () => bucket.take(T0 + 3_600_000))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('a call stamped earlier than the last takes from what is left, with no refill', () => {
    const bucket = new TokenBucket(1, 1);
    expect(bucket.take(T0 + 10_000)).toBe(true);
    expect(bucket.take(T0 + 5_000)).toBe(false);
    expect(bucket.take(T0 + 11_000)).toBe(true);
  });

  it('R15: each API has its own bucket at the same rate and burst: one API spent leaves the others full', () => {
    const quotas = new ApiQuotas(2);
    expect(quotas.burst).toBe(5);
    expect(Array.from({ length: 6 }, () => quotas.take('PutUserStatus', T0))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(Array.from({ length: 6 }, () => quotas.take('UpdateContactAttributes', T0))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(quotas.take('PutUserStatus', T0 + 499)).toBe(false);
    expect(quotas.take('PutUserStatus', T0 + 500)).toBe(true);
    expect(quotas.apis).toEqual(['PutUserStatus', 'UpdateContactAttributes']);
  });
});

describe('simulated Amazon Connect under faults', () => {
  const connect = (faults: { quota?: ApiQuotas; throttleRate?: number } = {}) => {
    const clock = new VirtualClock(T0);
    const sim = new SimConnect({
      clock,
      instanceArns: [INSTANCE],
      agents: [{ id: 'agent-1', status: 'Available' }],
      wrapUpStatus: { name: 'Wrap Up' },
      routableStatus: { name: 'Available' },
      latency: NO_LATENCY,
      quota: faults.quota,
      throttle:
        faults.throttleRate === undefined ? undefined : { rate: faults.throttleRate, random: new Random(9) },
    });
    const put = (status = 'Wrap Up') =>
      new PutUserStatusCommand({
        InstanceId: INSTANCE_ID,
        UserId: 'agent-1',
        AgentStatusId: sim.statusIdOf(status),
      });
    return { clock, sim, client: sim.client(), put };
  };

  it('a call over the quota fails with the SDK ThrottlingException, HTTP 429, and changes nothing', async () => {
    const { client, sim, put } = connect({ quota: new ApiQuotas(1, 1) });
    await client.send(put('Wrap Up'));
    const refused = client.send(put('Available'));
    await expect(refused).rejects.toBeInstanceOf(ThrottlingException);
    await expect(refused).rejects.toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429 },
    });
    expect(sim.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
    expect(sim.faultCounts).toEqual({ throttled: 0, overQuota: 1, overQuotaByApi: { PutUserStatus: 1 } });
    expect(sim.calls.PutUserStatusCommand).toBe(2);
  });

  it('R15: the quota is per API: each operation spends only its own bucket', async () => {
    const { client, sim } = connect({ quota: new ApiQuotas(1, 1) });
    const userData = () =>
      client.send(
        new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Agents: ['agent-1'] } }),
      );
    await client.send(new ListAgentStatusesCommand({ InstanceId: INSTANCE_ID }));
    // GetCurrentUserData has a bucket of its own: ListAgentStatuses did not spend it.
    await userData();
    await expect(userData()).rejects.toBeInstanceOf(ThrottlingException);
    await expect(
      client.send(new ListAgentStatusesCommand({ InstanceId: INSTANCE_ID })),
    ).rejects.toBeInstanceOf(ThrottlingException);
    expect(sim.faultCounts.overQuotaByApi).toEqual({ GetCurrentUserData: 1, ListAgentStatuses: 1 });
    expect(sim.faultCounts.overQuota).toBe(2);
  });

  it("R15, R17: record writes (UpdateContactAttributes) do not spend PutUserStatus's budget", async () => {
    const { client, sim, put } = connect({ quota: new ApiQuotas(2) });
    const record = (contact: string) =>
      client.send(
        new UpdateContactAttributesCommand({
          InstanceId: INSTANCE_ID,
          InitialContactId: contact,
          Attributes: { acwDisposition: 'Resolved' },
        }),
      );
    // Five records spend UpdateContactAttributes' whole burst...
    for (let index = 0; index < 5; index++) await record(`c-${index}`);
    await expect(record('c-5')).rejects.toBeInstanceOf(ThrottlingException);
    // ...and PutUserStatus still has all of its own: five status changes at the same instant.
    for (let index = 0; index < 5; index++) await client.send(put(index % 2 === 0 ? 'Wrap Up' : 'Available'));
    await expect(client.send(put())).rejects.toBeInstanceOf(ThrottlingException);
    expect(sim.statusChanges).toHaveLength(5);
    expect(sim.contactAttributes.size).toBe(5);
    expect(sim.faultCounts.overQuotaByApi).toEqual({ UpdateContactAttributes: 1, PutUserStatus: 1 });
  });

  it('connectThrottleRate applies to each call of every API independently', async () => {
    const { client, sim, put } = connect({ throttleRate: 1 });
    await expect(client.send(put())).rejects.toBeInstanceOf(ThrottlingException);
    await expect(
      client.send(new ListAgentStatusesCommand({ InstanceId: INSTANCE_ID })),
    ).rejects.toBeInstanceOf(ThrottlingException);
    expect(sim.faultCounts).toEqual({ throttled: 2, overQuota: 0, overQuotaByApi: {} });
  });

  it('connectThrottleRate 1 throttles every call; 0 none', async () => {
    const always = connect({ throttleRate: 1 });
    await expect(always.client.send(always.put())).rejects.toBeInstanceOf(ThrottlingException);
    expect(always.sim.faultCounts.throttled).toBe(1);
    const never = connect({ throttleRate: 0 });
    await never.client.send(never.put());
    expect(never.sim.faultCounts.throttled).toBe(0);
  });

  it('the client makes one attempt per call, as deployed (the quota gate does the retrying)', async () => {
    const { client, sim, put } = connect({ throttleRate: 1 });
    await expect(client.send(put())).rejects.toBeInstanceOf(ThrottlingException);
    expect(sim.calls.PutUserStatusCommand).toBe(1);
  });

  it('classifies errors as the SDK does: 429 and throttling names, then 5xx', () => {
    expect(
      retryErrorTypeOf(new ThrottlingException({ message: 'x', $metadata: { httpStatusCode: 429 } })),
    ).toBe('THROTTLING');
    expect(
      retryErrorTypeOf({
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      }),
    ).toBe('THROTTLING');
    expect(retryErrorTypeOf({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })).toBe(
      'TRANSIENT',
    );
    expect(
      retryErrorTypeOf({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } }),
    ).toBe('CLIENT_ERROR');
    expect(retryErrorTypeOf('boom')).toBe('CLIENT_ERROR');
  });

  it('the DynamoDB retry strategy retries throttling and transient errors 4 times, sleeping the backoff on the virtual clock', async () => {
    const clock = new VirtualClock(T0);
    const retried: string[] = [];
    const strategy = new VirtualRetryStrategy({
      clock,
      random: new Random(1),
      onRetry: (type) => {
        retried.push(type);
      },
    });
    let token = await strategy.acquireInitialRetryToken('');
    for (let retry = 1; retry <= 4; retry++) {
      token = await strategy.refreshRetryTokenForRetry(token, {
        errorType: retry % 2 ? 'THROTTLING' : 'TRANSIENT',
      });
      expect(token.getRetryCount()).toBe(retry);
      expect(token.getRetryDelay()).toBe(0);
    }
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow(
      /No retry token/,
    );
    await expect(
      strategy.refreshRetryTokenForRetry(await strategy.acquireInitialRetryToken(''), {
        errorType: 'CLIENT_ERROR',
      }),
    ).rejects.toThrow(/No retry token/);
    expect(retried).toEqual(['THROTTLING', 'TRANSIENT', 'THROTTLING', 'TRANSIENT']);
    expect(clock.nowMs()).toBeGreaterThan(T0);
  });
});

describe('simulated Amazon Connect: GetCurrentUserData and the world it reports', () => {
  const connect = () => {
    const clock = new VirtualClock(T0);
    const sim = new SimConnect({
      clock,
      instanceArns: [INSTANCE],
      agents: [{ id: 'agent-1', status: 'Available' }],
      wrapUpStatus: { name: 'Wrap Up' },
      routableStatus: { name: 'Available' },
      latency: NO_LATENCY,
    });
    return { clock, sim, client: sim.client() };
  };
  const userData = async (client: ReturnType<typeof connect>['client'], agent: string) =>
    (await client.send(
      new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Agents: [agent] } }),
    )) as GetCurrentUserDataCommandOutput;

  it("returns the agent's current status (name, ARN, since when) and User.Id", async () => {
    const { client, sim, clock } = connect();
    await clock.sleep(5_000);
    sim.agentChoseStatus('agent-1', 'Lunch');
    const answer = await userData(client, 'agent-1');
    expect(answer.UserDataList).toHaveLength(1);
    expect(answer.UserDataList?.[0]?.User?.Id).toBe('agent-1');
    expect(answer.UserDataList?.[0]?.Status).toEqual({
      StatusName: 'Lunch',
      StatusArn: `${INSTANCE}/agent-state/${sim.statusIdOf('Lunch')}`,
      StatusStartTimestamp: new Date(T0 + 5_000),
    });
  });

  it('accepts an agent ARN as the filter, and reports a status the system set', async () => {
    const { client, sim } = connect();
    await client.send(
      new PutUserStatusCommand({
        InstanceId: INSTANCE_ID,
        UserId: 'agent-1',
        AgentStatusId: sim.statusIdOf('Wrap Up'),
      }),
    );
    const answer = await userData(client, `${INSTANCE}/agent/agent-1`);
    expect(answer.UserDataList?.[0]?.Status?.StatusName).toBe('Wrap Up');
  });

  it("lists the agent's contacts in progress until they end", async () => {
    const { client, sim } = connect();
    sim.contactStarted('agent-1', {
      contactId: 'c-1',
      channel: 'CHAT',
      initiationMethod: 'INBOUND',
      since: T0,
    });
    expect((await userData(client, 'agent-1')).UserDataList?.[0]?.Contacts).toEqual([
      expect.objectContaining({ ContactId: 'c-1', Channel: 'CHAT', AgentContactState: 'CONNECTED' }),
    ]);
    sim.contactEnded('agent-1', 'c-1');
    expect((await userData(client, 'agent-1')).UserDataList?.[0]?.Contacts).toEqual([]);
    expect(sim.contactsOf('agent-1')).toEqual([]);
  });

  it('an agent-made status change is not one of the statusChanges the system made', () => {
    const { sim } = connect();
    sim.agentChoseStatus('agent-1', 'Offline');
    expect(sim.statusOf('agent-1')).toBe('Offline');
    expect(sim.statusChanges).toEqual([]);
  });

  it('refuses a request without an Agents filter', async () => {
    const { client } = connect();
    await expect(
      client.send(new GetCurrentUserDataCommand({ InstanceId: INSTANCE_ID, Filters: { Queues: ['q'] } })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });
});

describe('simulated DynamoDB: dynamoErrorRate below the SDK retries', () => {
  it('each attempt fails with the given probability; the SDK retries 5 attempts, backing off on the virtual clock', async () => {
    const clock = new VirtualClock(T0);
    const dynamo = await startDynamo({
      clock,
      retryRandom: new Random(1),
      errors: { rate: 1, random: new Random(2) },
    });
    try {
      const attempt = dynamo.doc.send(
        new GetCommand({ TableName: dynamo.tableName, Key: { contactId: 'c-1', agentId: 'a-1' } }),
      );
      await expect(attempt).rejects.toMatchObject({ $metadata: { attempts: 5 } });
      expect(dynamo.counts).toMatchObject({ injectedErrors: 5, retries: 4, reads: 1 });
      expect(clock.nowMs()).toBeGreaterThan(T0);
    } finally {
      await dynamo.close();
    }
  });

  it('an attempt that gets through reads the table; the final scan is never failed', async () => {
    const clock = new VirtualClock(T0);
    const dynamo = await startDynamo({
      clock,
      retryRandom: new Random(1),
      errors: { rate: 0.5, random: new Random(7) },
    });
    try {
      for (let index = 0; index < 5; index++) {
        const read = await dynamo.doc.send(
          new GetCommand({ TableName: dynamo.tableName, Key: { contactId: `c-${index}`, agentId: 'a-1' } }),
        );
        expect(read.Item).toBeUndefined();
      }
      expect(dynamo.counts.injectedErrors).toBeGreaterThan(0);
      expect(dynamo.counts.injectedErrors).toBe(dynamo.counts.retries);
      await expect(dynamo.scanSessions()).resolves.toEqual([]);
    } finally {
      await dynamo.close();
    }
  });
});

describe('lost and duplicated timers', () => {
  it('lostTimerRate 1: a schedule is created, then deleted at its time without invoking its target', async () => {
    const clock = new VirtualClock(T0);
    const fired: unknown[] = [];
    const scheduler = new SimScheduler({
      clock,
      random: new Random(1),
      groupName: 'connect-acw',
      duplicateProbability: 0,
      latency: NO_LATENCY,
      invokeTarget: async (input) => {
        fired.push(input);
      },
      lost: { rate: 1, random: new Random(2) },
    });
    await scheduler.client().send(
      new CreateScheduleCommand({
        Name: 'acw-1',
        GroupName: 'connect-acw',
        ScheduleExpression: 'at(2026-03-02T09:04:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: 'arn:aws:lambda:us-east-1:1:function:f',
          RoleArn: 'arn:aws:iam::1:role/r',
          Input: '{}',
        },
      }),
    );
    await clock.runUntil(T0 + 3_600_000);
    expect(fired).toEqual([]);
    expect(scheduler.lost).toBe(1);
    expect(scheduler.created).toBe(1);
    expect(scheduler.pending).toBe(0);
  });

  const dueQueue = (faults: { lost?: number; duplicate?: number }) => {
    const clock = new VirtualClock(T0);
    const received: number[] = [];
    const due = new SimQueue({
      name: 'due',
      clock,
      random: new Random(3),
      maxLatencyMs: 300,
      maxReceiveCount: 5,
      visibilityTimeoutMs: 60_000,
      consume: async () => {
        received.push(clock.nowMs());
        return { batchItemFailures: [] };
      },
      lost: faults.lost === undefined ? undefined : { rate: faults.lost, random: new Random(5) },
      duplicate:
        faults.duplicate === undefined ? undefined : { rate: faults.duplicate, random: new Random(6) },
    });
    return { clock, received, due, client: new SimSqs([due], NO_LATENCY).client() };
  };

  it('lostTimerRate 1: a due-queue message is accepted and never delivered', async () => {
    const { clock, received, due, client } = dueQueue({ lost: 1 });
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: due.url, MessageBody: '{}', DelaySeconds: 5 }),
    );
    expect(sent.MessageId).toBeDefined();
    await clock.runUntil(T0 + 3_600_000);
    expect(received).toEqual([]);
    expect(due.lost).toBe(1);
  });

  it('duplicateRate 1: a due-queue message is delivered twice, the copy 1-10 s after the first', async () => {
    const { clock, received, due, client } = dueQueue({ duplicate: 1 });
    await client.send(new SendMessageCommand({ QueueUrl: due.url, MessageBody: '{}', DelaySeconds: 5 }));
    await clock.runUntil(T0 + 3_600_000);
    expect(received).toHaveLength(2);
    const gap = (received[1] ?? 0) - (received[0] ?? 0);
    expect(gap).toBeGreaterThanOrEqual(1_000);
    expect(gap).toBeLessThanOrEqual(10_000);
    expect(due.duplicated).toBe(1);
  });
});

describe('simulated Kinesis agent event stream', () => {
  it('retries a failed record after a backoff (1 s, doubling), then sends it to the on-failure destination', async () => {
    const clock = new VirtualClock(T0);
    const attempts: number[] = [];
    const stream = new SimStream({
      name: 'agent-events',
      clock,
      maxRetryAttempts: 3,
      consume: async (event) => {
        attempts.push(clock.nowMs() - T0);
        const sequenceNumber = event.Records[0]?.kinesis.sequenceNumber ?? '';
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      },
    });
    const record = stream.putAt(T0, '{"AgentARN":"x"}', 'x');
    await clock.runUntil(T0 + 3_600_000);
    expect(attempts).toEqual([0, 1_000, 3_000, 7_000]);
    expect(stream.deadLetters).toEqual([
      {
        queue: 'agent-events',
        messageId: record.sequenceNumber,
        body: '{"AgentARN":"x"}',
        receiveCount: 4,
        at: T0 + 7_000,
      },
    ]);
  });

  it('a record the consumer handled is not retried; a thrown error retries it like a reported failure', async () => {
    const clock = new VirtualClock(T0);
    let calls = 0;
    const stream = new SimStream({
      name: 'agent-events',
      clock,
      maxRetryAttempts: 5,
      consume: async () => {
        calls++;
        if (calls === 1) throw new Error('crashed');
        return { batchItemFailures: [] };
      },
    });
    stream.putAt(T0, '{}', 'x');
    await clock.runUntil(T0 + 3_600_000);
    expect(calls).toBe(2);
    expect(stream.deadLetters).toEqual([]);
    expect(stream.received).toBe(2);
  });
});
