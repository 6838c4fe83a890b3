import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  FIRST_BACKOFF_SECONDS,
  MAX_BACKOFF_SECONDS,
  retryBackoffSeconds,
  SqsRedelivery,
} from '../../lambda/adapters/sqs-redelivery';

const sqs = mockClient(SQSClient);
const intakeUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/Acw-IntakeQueue';
const dueUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/Acw-DueQueue';
const redelivery = (random = () => 0.5) =>
  new SqsRedelivery({
    client: new SQSClient({ region: 'us-east-1' }),
    queueUrls: [intakeUrl, dueUrl],
    random,
  });

beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
});

describe('retryBackoffSeconds (R15: retries with backoff and jitter)', () => {
  it('doubles from 4 s with each receive, to 60 s at most', () => {
    const longest = (receiveCount: number) => retryBackoffSeconds(receiveCount, () => 1);

    expect([1, 2, 3, 4, 5, 6, 40].map(longest)).toEqual([4, 8, 16, 32, 60, 60, 60]);
    expect(FIRST_BACKOFF_SECONDS).toBe(4);
    expect(MAX_BACKOFF_SECONDS).toBe(60);
  });

  it('keeps half of the backoff and draws the other half, so a burst of failures comes back spread', () => {
    const shortest = (receiveCount: number) => retryBackoffSeconds(receiveCount, () => 0);
    const drawn = new Set(Array.from({ length: 50 }, (_, index) => retryBackoffSeconds(4, () => index / 50)));

    expect([1, 2, 3, 4, 5].map(shortest)).toEqual([2, 4, 8, 16, 30]);
    expect(Math.min(...drawn)).toBe(16);
    expect(Math.max(...drawn)).toBe(32);
    expect(drawn.size).toBeGreaterThan(10);
  });

  it('is a whole number of seconds, at least 1, even for a receive count SQS never gives', () => {
    for (const receiveCount of [0, -1, Number.NaN, 1.5]) {
      const seconds = retryBackoffSeconds(receiveCount, () => 0);

      expect(Number.isInteger(seconds), String(receiveCount)).toBe(true);
      expect(seconds, String(receiveCount)).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('SqsRedelivery (R15)', () => {
  it('makes the failed record visible again on its own queue after the backoff for its receive count', async () => {
    await redelivery().backOff({
      queueArn: 'arn:aws:sqs:us-east-1:111122223333:Acw-DueQueue',
      receiptHandle: 'handle-1',
      receiveCount: 2,
    });

    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
    expect(calls.map((call) => call.args[0].input)).toEqual([
      { QueueUrl: dueUrl, ReceiptHandle: 'handle-1', VisibilityTimeout: 6 },
    ]);
  });

  it('refuses a record of a queue the function does not read, naming the ones it reads', async () => {
    await expect(
      redelivery().backOff({
        queueArn: 'arn:aws:sqs:us-east-1:111122223333:Other',
        receiptHandle: 'h',
        receiveCount: 1,
      }),
    ).rejects.toThrow(
      'No queue URL for arn:aws:sqs:us-east-1:111122223333:Other: this function reads Acw-IntakeQueue, Acw-DueQueue',
    );
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });
});
