/** Issue 11's honest bench: the arithmetic its figures are made of (bench/measure.ts, bench/cost.ts). */
import { describe, expect, it } from 'vitest';
import { timeoutMsOfHandler } from '../../bench/capacity';
import { costPer1000Contacts, gbSeconds, PRICES } from '../../bench/cost';
import {
  backlogSamples,
  holdTimes,
  invocationLengths,
  percentile,
  percentileWithMissing,
  slope,
} from '../../bench/measure';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/function-timeouts';

describe('issue 11 bench: percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([], 0.99)).toBeNaN();
  });

  it('counts what never arrived as later than everything: p99 fails when more than 1% never arrived', () => {
    const values = Array.from({ length: 99 }, () => 10);
    expect(percentileWithMissing(values, 1, 0.99)).toBe(10);
    expect(percentileWithMissing(values, 2, 0.99)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('issue 11 bench: hold time from the disconnect', () => {
  it("takes the agent's first Wrap Up at or after the disconnect and before their next leg's", () => {
    const legs = [
      { key: 'c1/a', agentId: 'a', disconnectedAt: 1_000 },
      { key: 'c2/a', agentId: 'a', disconnectedAt: 100_000 },
      { key: 'c3/b', agentId: 'b', disconnectedAt: 5_000 },
    ];
    const changes = [
      { agentId: 'a', status: 'Wrap Up', at: 3_500 },
      { agentId: 'a', status: 'Available', at: 60_000 },
      // c2's hold never came: a's next Wrap Up is not counted for it; b's is never Wrap Up.
      { agentId: 'b', status: 'Available', at: 6_000 },
    ];
    const holds = holdTimes(legs, changes);
    expect(holds.get('c1/a')).toBe(3_500);
    expect(holds.get('c2/a')).toBeUndefined();
    expect(holds.get('c3/b')).toBeUndefined();
  });

  it("never counts a later contact's hold for an earlier one", () => {
    const legs = [
      { key: 'c1/a', agentId: 'a', disconnectedAt: 1_000 },
      { key: 'c2/a', agentId: 'a', disconnectedAt: 50_000 },
    ];
    const holds = holdTimes(legs, [{ agentId: 'a', status: 'Wrap Up', at: 51_000 }]);
    expect(holds.get('c1/a')).toBeUndefined();
    expect(holds.get('c2/a')).toBe(51_000);
  });
});

describe('issue 11 bench: backlog and its slope', () => {
  it('samples how many wait at each minute: from their start until they are served, or for good', () => {
    const waiting = [
      { from: 0, to: 90_000 },
      { from: 30_000, to: undefined },
      { from: 61_000, to: 62_000 },
    ];
    expect(backlogSamples(waiting, 0, 180_000, 60_000)).toEqual([1, 2, 1, 1]);
  });

  it('a backlog growing by 2 a minute has slope 2; a steady one 0', () => {
    expect(slope([0, 2, 4, 6, 8])).toBeCloseTo(2, 10);
    expect(slope([3, 3, 3, 3])).toBe(0);
    expect(slope([5])).toBe(0);
  });
});

describe('issue 11 bench: invocations past their timeout', () => {
  it('counts, by handler, the invocations that ran longer than their function lets them, and the longest', () => {
    const timeouts: Record<string, number> = { 'contact-events': 30_000, api: 15_000 };
    const lengths = invocationLengths(
      [
        { fn: 'contact-events', at: 0, endedAt: 29_999 },
        { fn: 'contact-events', at: 1_000, endedAt: 31_001 },
        { fn: 'api', at: 5_000, endedAt: 20_000 },
        { fn: 'api', at: 0, endedAt: 15_001 },
      ],
      (fn) => timeouts[fn] ?? 0,
    );
    expect(lengths).toEqual({
      'contact-events': { count: 2, maxMs: 30_001, timeoutMs: 30_000, pastTimeout: 1 },
      api: { count: 2, maxMs: 15_001, timeoutMs: 15_000, pastTimeout: 1 },
    });
  });

  it("each simulated handler takes its deployed function's timeout; an unknown one is refused", () => {
    expect(timeoutMsOfHandler('contact-events')).toBe(FUNCTION_TIMEOUT_SECONDS.worker * 1000);
    expect(timeoutMsOfHandler('timer-due')).toBe(FUNCTION_TIMEOUT_SECONDS.worker * 1000);
    expect(timeoutMsOfHandler('api')).toBe(FUNCTION_TIMEOUT_SECONDS.api * 1000);
    expect(() => timeoutMsOfHandler('report-rollup')).toThrow(
      /no function runs a handler named report-rollup/,
    );
  });

  it('an invocation that ends exactly at its timeout is within it', () => {
    expect(invocationLengths([{ fn: 'sweep', at: 10, endedAt: 50_010 }], () => 50_000)).toEqual({
      sweep: { count: 1, maxMs: 50_000, timeoutMs: 50_000, pastTimeout: 0 },
    });
  });
});

describe('issue 11 bench: cost per 1,000 contacts', () => {
  it('multiplies the counted units by the list prices, per 1,000 contacts', () => {
    const cost = costPer1000Contacts({
      contacts: 2_000,
      dynamoReadUnits: 8_000,
      dynamoWriteUnits: 16_000,
      lambdaInvocations: 4_000,
      lambdaGbSeconds: 500,
      sqsRequests: 10_000,
      schedulerInvocations: 2_000,
    });
    expect(cost.dynamodb).toBeCloseTo((8_000 * 0.125e-6 + 16_000 * 0.625e-6) / 2, 12);
    expect(cost.lambda).toBeCloseTo((4_000 * 0.2e-6 + 500 * 0.0000133334) / 2, 12);
    expect(cost.sqs).toBeCloseTo((10_000 * 0.4e-6) / 2, 12);
    expect(cost.scheduler).toBeCloseTo(1e-3, 12);
    expect(cost.total).toBeCloseTo(cost.dynamodb + cost.lambda + cost.sqs + cost.scheduler, 12);
    expect(PRICES.region).toBe('us-east-1');
  });

  it('refuses a run without contacts', () => {
    expect(() =>
      costPer1000Contacts({
        contacts: 0,
        dynamoReadUnits: 0,
        dynamoWriteUnits: 0,
        lambdaInvocations: 0,
        lambdaGbSeconds: 0,
        sqsRequests: 0,
        schedulerInvocations: 0,
      }),
    ).toThrow(/contacts must be > 0/);
  });

  it('bills each invocation to the millisecond, rounded up, at the memory set', () => {
    expect(gbSeconds([0.2, 999.1, 1_000], 256)).toBeCloseTo(((1 + 1_000 + 1_000) / 1000) * 0.25, 12);
  });
});
