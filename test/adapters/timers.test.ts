import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ServiceQuotaExceededException,
} from '@aws-sdk/client-scheduler';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DueQueueTimers } from '../../lambda/adapters/due-queue-timers';
import { SCHEDULE_RETRY_POLICY, SchedulerTimers, scheduleName } from '../../lambda/adapters/timers';

const scheduler = mockClient(SchedulerClient);
const sqs = mockClient(SQSClient);

const target = {
  client: new SchedulerClient({ region: 'us-east-1' }),
  groupName: 'acw-stack-acw',
  targetArn: 'arn:aws:lambda:us-east-1:111122223333:function:timer-fired',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler-role',
  deadLetterArn: 'arn:aws:sqs:us-east-1:111122223333:scheduler-dlq',
};
const dueQueueUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/due';
const timers = new SchedulerTimers({
  scheduler: target,
  due: { sqs: new SQSClient({ region: 'us-east-1' }), dueQueueUrl },
});

const payload = {
  contactId: '11111111-1111-1111-1111-111111111111',
  agentId: '87654321-4321-4321-4321-210987654321',
  deadline: '2026-03-02T09:05:30.000Z',
};

beforeEach(() => {
  scheduler.reset();
  sqs.reset();
});

describe('SchedulerTimers (R13)', () => {
  it('R13: arms a long wrap-up as a one-time schedule in the minute before the deadline minute', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await timers.arm(payload, new Date('2026-03-02T09:00:05.000Z'));
    const calls = scheduler.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: scheduleName(payload),
      GroupName: 'acw-stack-acw',
      ScheduleExpression: 'at(2026-03-02T09:04:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: target.targetArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: SCHEDULE_RETRY_POLICY,
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
      Description: 'connect-acw wrap-up end, deadline 2026-03-02T09:05:30.000Z',
    });
    expect(sqs.calls()).toHaveLength(0);
  });

  it('R13: arms a short wrap-up as a delayed message on the due queue, no schedule', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    await timers.arm(
      { ...payload, deadline: '2026-03-02T09:01:35.000Z' },
      new Date('2026-03-02T09:00:05.400Z'),
    );
    expect(scheduler.calls()).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: dueQueueUrl,
      MessageBody: JSON.stringify({ ...payload, deadline: '2026-03-02T09:01:35.000Z' }),
      DelaySeconds: 89,
    });
  });

  it('R14: arming a timer that already exists (a duplicate delivery) succeeds without a second schedule', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await expect(timers.arm(payload, new Date('2026-03-02T09:00:05.000Z'))).resolves.toBeUndefined();
  });

  it('R15: any other Scheduler failure propagates so that the event is retried', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ServiceQuotaExceededException({ message: 'quota', Message: 'quota', $metadata: {} }));
    await expect(timers.arm(payload, new Date('2026-03-02T09:00:05.000Z'))).rejects.toThrow('quota');
  });

  it('a function without Scheduler settings refuses to arm a schedule, naming why', async () => {
    const deferOnly = new SchedulerTimers({
      due: { sqs: new SQSClient({ region: 'us-east-1' }), dueQueueUrl },
    });
    await expect(deferOnly.arm(payload, new Date('2026-03-02T09:00:05.000Z'))).rejects.toThrow(
      /no Scheduler settings/,
    );
  });

  it('a function that only cancels schedules (no due queue) cancels, and refuses to defer, naming why', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    const cancelOnly = new SchedulerTimers({ scheduler: target });
    await cancelOnly.cancel(payload);
    await expect(cancelOnly.defer(payload, 5)).rejects.toThrow(/no due queue/);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
    expect(sqs.calls()).toHaveLength(0);
  });

  it('defers a timer with the given delay', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-2' });
    await timers.defer(payload, 47);
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toMatchObject({
      DelaySeconds: 47,
      QueueUrl: dueQueueUrl,
    });
  });

  it('names schedules within 64 characters of [0-9a-zA-Z-_.], distinct per session and deadline', () => {
    const names = [
      scheduleName(payload),
      scheduleName({ ...payload, deadline: '2026-03-02T09:06:30.000Z' }),
      scheduleName({ ...payload, agentId: 'other' }),
      scheduleName({ ...payload, contactId: 'x'.repeat(256) }),
    ];
    for (const name of names) expect(name).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    expect(new Set(names).size).toBe(names.length);
    expect(scheduleName(payload)).toBe(scheduleName({ ...payload }));
  });

  it('R6: cancels a timer by deleting its schedule from the group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await timers.cancel(payload);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: scheduleName(payload),
      GroupName: 'acw-stack-acw',
    });
  });

  it('R6: cancelling a timer whose schedule is gone (fired, or a queue delay) is fine', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(timers.cancel(payload)).resolves.toBeUndefined();
  });
});

describe('DueQueueTimers (R13): the due queue alone, for a function that only defers timers', () => {
  const due = new DueQueueTimers({ sqs: new SQSClient({ region: 'us-east-1' }), dueQueueUrl });

  it('R13: defers a timer to the due queue with the given delay, carrying the payload', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-3' });
    await due.defer(payload, 12);
    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: dueQueueUrl, MessageBody: JSON.stringify(payload), DelaySeconds: 12 },
    ]);
    expect(scheduler.calls()).toHaveLength(0);
  });

  it('R13: arms a deadline near enough for an SQS delay on the queue, and refuses one that needs a schedule, naming why', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-4' });
    // 09:05:30 from 09:05:00: 30 s, an SQS delay (29 s: it arrives a little before the deadline).
    await due.arm(payload, new Date('2026-03-02T09:05:00.000Z'));
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(29);
    // From 09:00:00 it needs a schedule: this function has none.
    await expect(due.arm(payload, new Date('2026-03-02T09:00:00.000Z'))).rejects.toThrow(
      /no Scheduler settings/,
    );
    await expect(due.cancel()).rejects.toThrow(/cannot cancel timers/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('a send that fails propagates, so that the timer is retried', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('queue unavailable'));
    await expect(due.defer(payload, 5)).rejects.toThrow('queue unavailable');
  });
});
