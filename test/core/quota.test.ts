/**
 * R15: Connect's API quota. The token arithmetic, and the gate every Connect call goes through,
 * on a real DynamoTokenBucket (dynalite) and virtual time.
 */
import {
  InternalServiceException,
  InvalidParameterException,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoTokenBucket } from '../../lambda/adapters/dynamo-token-bucket';
import type { Clock, ObservedStatus, StatusKind } from '../../lambda/core/ports';
import {
  type CallPriority,
  ConnectBusy,
  ConnectGate,
  DEFAULT_QUOTA,
  GatedAgentStatus,
  GatedContactRecords,
  GatedPresence,
  isThrottle,
  msUntil,
  type QuotaSettings,
  type TokenBucket,
  tokensAt,
  tokensNeeded,
} from '../../lambda/core/quota';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { FakeClock, RecordingAgents, RecordingContacts } from '../support/fakes';

const SETTINGS: QuotaSettings = { requestsPerSecond: 2, burst: 5 };
const START = '2026-03-02T09:00:00.000Z';
const T0 = Date.parse(START);
const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';

/** A seeded [0, 1) generator (mulberry32), so the gate's jitter is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function throttle(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
}

describe('quota arithmetic (R15)', () => {
  it('R15: a bucket never written holds `burst` tokens', () => {
    expect(tokensAt(undefined, T0, SETTINGS)).toBe(5);
  });

  it('R15: tokens refill at the configured rate since the state was written, up to `burst`', () => {
    const state = { tokens: 0, atMs: T0 };
    expect(tokensAt(state, T0, SETTINGS)).toBe(0);
    expect(tokensAt(state, T0 + 500, SETTINGS)).toBe(1);
    expect(tokensAt(state, T0 + 1_250, SETTINGS)).toBe(2.5);
    expect(tokensAt(state, T0 + 60_000, SETTINGS)).toBe(5);
    expect(tokensAt({ tokens: 1, atMs: T0 }, T0 + 100, { requestsPerSecond: 10, burst: 3 })).toBe(2);
  });

  it('R15: a state written "later" than now (another instance) counts no refill and no negative one', () => {
    expect(tokensAt({ tokens: 2, atMs: T0 + 1_000 }, T0, SETTINGS)).toBe(2);
  });

  it('R15: restores may take the last token, holds must leave one, other calls two', () => {
    expect(tokensNeeded('RESTORE', SETTINGS)).toBe(1);
    expect(tokensNeeded('HOLD', SETTINGS)).toBe(2);
    expect(tokensNeeded('OTHER', SETTINGS)).toBe(3);
  });

  it('R15: what a call needs never exceeds `burst` (it could never be served) nor falls below 1', () => {
    const tiny = { requestsPerSecond: 1, burst: 1 };
    expect(tokensNeeded('RESTORE', tiny)).toBe(1);
    expect(tokensNeeded('HOLD', tiny)).toBe(1);
    expect(tokensNeeded('OTHER', tiny)).toBe(1);
    expect(tokensNeeded('OTHER', { requestsPerSecond: 1, burst: 2 })).toBe(2);
  });

  it('R15: msUntil is the time the missing tokens take to refill, rounded up, at least 1 ms', () => {
    expect(msUntil(0, 1, SETTINGS)).toBe(500);
    expect(msUntil(0, 2, SETTINGS)).toBe(1_000);
    expect(msUntil(1.5, 2, SETTINGS)).toBe(250);
    expect(msUntil(0.9999, 1, SETTINGS)).toBe(1);
    expect(msUntil(3, 2, SETTINGS)).toBe(1);
    expect(msUntil(0, 1, { requestsPerSecond: 3, burst: 5 })).toBe(334);
  });

  it("R15: the default quota is Connect's documented 2 requests/s, burst 5", () => {
    expect(DEFAULT_QUOTA).toEqual({ requestsPerSecond: 2, burst: 5 });
  });

  it('R15: throttling is recognised by name or by HTTP 429; a 400 is not throttling', () => {
    expect(isThrottle(throttle())).toBe(true);
    expect(isThrottle({ name: 'TooManyRequestsException' })).toBe(true);
    expect(isThrottle({ name: 'Whatever', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(
      isThrottle(new InvalidParameterException({ message: 'bad', $metadata: { httpStatusCode: 400 } })),
    ).toBe(false);
    expect(isThrottle(undefined)).toBe(false);
    expect(isThrottle('ThrottlingException')).toBe(false);
  });
});

/**
 * Virtual time shared by several concurrent callers. FakeClock's sleep advances time at once, so
 * two callers sleeping "together" would add their waits up; here time moves only when every
 * running caller is asleep, to the earliest wake-up, as it would for callers really waiting side
 * by side.
 */
class SharedTime implements Clock {
  private t: number;
  private running = 0;
  private seq = 0;
  private readonly sleepers: Array<{ at: number; seq: number; wake: () => void }> = [];
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  now(): Date {
    return new Date(this.t);
  }
  sleep(ms: number): Promise<void> {
    return new Promise<void>((wake) => {
      this.sleepers.push({ at: this.t + ms, seq: this.seq++, wake });
      this.tick();
    });
  }
  /** Runs `task` as one of the concurrent callers. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.tick();
    }
  }
  private tick(): void {
    if (this.running === 0 || this.sleepers.length < this.running) return;
    this.sleepers.sort((x, y) => x.at - y.at || x.seq - y.seq);
    const next = this.sleepers.shift();
    if (next === undefined) return;
    this.t = Math.max(this.t, next.at);
    next.wake();
  }
}

describe('ConnectGate (R15: every Connect call within the shared quota, restores first)', () => {
  let dynamo: TestDynamo;
  let bucket: DynamoTokenBucket;
  let clock: FakeClock;

  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  beforeEach(async () => {
    const { tableName } = await dynamo.newStore();
    bucket = new DynamoTokenBucket({ client: dynamo.client, tableName });
    clock = new FakeClock(START);
  });
  afterAll(() => dynamo.close());

  function gate(
    options: { clock?: Clock; maxAttempts?: number; maxWaitMs?: Record<CallPriority, number> } = {},
  ) {
    return new ConnectGate({
      bucket,
      settings: SETTINGS,
      clock: options.clock ?? clock,
      random: seeded(42),
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.maxWaitMs === undefined ? {} : { maxWaitMs: options.maxWaitMs }),
    });
  }

  /** A Connect call stand-in: fails with the given errors in turn, then succeeds; counts its calls. */
  function connectCall(...failures: unknown[]) {
    const call = {
      calls: 0,
      send: async (): Promise<string> => {
        call.calls += 1;
        const failure = failures.shift();
        if (failure !== undefined) throw failure;
        return 'ok';
      },
    };
    return call;
  }

  const elapsed = (c: Clock = clock) => c.now().getTime() - T0;

  it('R15: calls within the quota go at once', async () => {
    const g = gate();
    const call = connectCall();

    for (let i = 0; i < SETTINGS.burst; i++) {
      expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');
    }

    expect(call.calls).toBe(5);
    expect(elapsed()).toBe(0);
  });

  it('R15: the (burst+1)th call waits about 1/rate s for its token, then goes', async () => {
    const g = gate();
    const call = connectCall();
    for (let i = 0; i < SETTINGS.burst; i++) await g.call('RESTORE', 'PutUserStatus', call.send);

    await g.call('RESTORE', 'PutUserStatus', call.send);

    expect(call.calls).toBe(6);
    // 500 ms for the token, plus a restore's jitter of under 20 ms.
    expect(elapsed()).toBeGreaterThanOrEqual(500);
    expect(elapsed()).toBeLessThan(520);
  });

  it('R15: a HOLD leaves the last token for restores: its burst is one less', async () => {
    const g = gate();
    const call = connectCall();
    for (let i = 0; i < SETTINGS.burst - 1; i++) await g.call('HOLD', 'PutUserStatus', call.send);
    expect(elapsed()).toBe(0);

    await g.call('HOLD', 'PutUserStatus', call.send);

    expect(call.calls).toBe(5);
    // One token is there; a HOLD waits for a second (500 ms), plus its 20-100 ms of jitter.
    expect(elapsed()).toBeGreaterThanOrEqual(520);
    expect(elapsed()).toBeLessThan(600);
  });

  it('R15: a RESTORE and a HOLD waiting on an empty bucket together: the RESTORE is sent first', async () => {
    const time = new SharedTime(START);
    const g = gate({ clock: time });
    await bucket.drain(time.now());
    const sent: Array<{ priority: CallPriority; atMs: number }> = [];
    const send = (priority: CallPriority) => async () => {
      sent.push({ priority, atMs: time.now().getTime() - T0 });
    };

    // The HOLD is started first, and still goes second.
    await Promise.all([
      time.run(() => g.call('HOLD', 'PutUserStatus', send('HOLD'))),
      time.run(() => g.call('RESTORE', 'PutUserStatus', send('RESTORE'))),
    ]);

    expect(sent.map((s) => s.priority)).toEqual(['RESTORE', 'HOLD']);
    // The restore got the first token back (500 ms, plus under 20 ms jitter); the hold the next ones.
    expect(sent[0]?.atMs).toBeGreaterThanOrEqual(500);
    expect(sent[0]?.atMs).toBeLessThan(520);
    expect(sent[1]?.atMs).toBeGreaterThan(1_000);
  });

  it('R15: a RESTORE that arrives while a HOLD is already waiting takes the first token back; the HOLD keeps waiting', async () => {
    const time = new SharedTime(START);
    const g = gate({ clock: time });
    await bucket.drain(time.now());
    const sent: Array<{ priority: CallPriority; atMs: number }> = [];
    const send = (priority: CallPriority) => async () => {
      sent.push({ priority, atMs: time.now().getTime() - T0 });
    };

    await Promise.all([
      time.run(() => g.call('HOLD', 'PutUserStatus', send('HOLD'))),
      time.run(async () => {
        // 1.4 tokens are back by then: enough for a restore, not for a hold (which needs 2).
        await time.sleep(700);
        await g.call('RESTORE', 'PutUserStatus', send('RESTORE'));
      }),
    ]);

    expect(sent).toEqual([
      { priority: 'RESTORE', atMs: 700 },
      { priority: 'HOLD', atMs: expect.any(Number) },
    ]);
    // The hold waited for two tokens after the restore's: 2 tokens at 2/s after 700 ms, less the 0.4 left.
    expect(sent[1]?.atMs).toBeGreaterThanOrEqual(1_500);
  });

  it('R15: a throttled call is retried with backoff and succeeds, and the throttle drains the shared bucket', async () => {
    const g = gate();
    const call = connectCall(throttle());

    const result = await g.call('RESTORE', 'PutUserStatus', call.send);

    expect(result).toBe('ok');
    expect(call.calls).toBe(2);
    // The retry waited for the bucket to refill after the drain: at least one token's time.
    expect(elapsed()).toBeGreaterThanOrEqual(500);
    // The bucket (shared by every instance) is empty: 4 tokens were left before the throttle.
    expect(await bucket.take(1, clock.now(), SETTINGS)).toBeGreaterThan(0);
  });

  it('R15: after maxAttempts throttles the throttle is thrown, nothing swallowed', async () => {
    const g = gate({ maxAttempts: 3 });
    const error = throttle();
    const call = connectCall(error, error, error, error);

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBe(error);

    expect(call.calls).toBe(3);
  });

  it('R15: the default is 6 attempts', async () => {
    const g = gate();
    const call = connectCall(...Array.from({ length: 10 }, () => throttle()));

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBeInstanceOf(ThrottlingException);

    expect(call.calls).toBe(6);
  });

  it('R15: a 5xx from Connect is retried without draining the bucket', async () => {
    const g = gate();
    const call = connectCall(
      new InternalServiceException({ message: 'boom', $metadata: { httpStatusCode: 500 } }),
    );

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(2);
    // Two tokens used, three left: not drained.
    expect(await bucket.take(3, clock.now(), SETTINGS)).toBe(0);
  });

  it('R15: a non-transient error (400) is thrown at once, without retry, and leaves the bucket alone', async () => {
    const g = gate();
    const error = new InvalidParameterException({
      message: 'AgentStatusId is invalid',
      $metadata: { httpStatusCode: 400 },
    });
    const call = connectCall(error);

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBe(error);

    expect(call.calls).toBe(1);
    expect(elapsed()).toBe(0);
    expect(await bucket.take(4, clock.now(), SETTINGS)).toBe(0);
  });

  it('R15: a call that would wait longer than maxWaitMs throws ConnectBusy naming it, and is never sent', async () => {
    const g = gate({ maxWaitMs: { RESTORE: 400, HOLD: 400, OTHER: 400 } });
    await bucket.drain(clock.now());
    const call = connectCall();

    const attempt = g.call('RESTORE', 'PutUserStatus', call.send);

    await expect(attempt).rejects.toBeInstanceOf(ConnectBusy);
    await expect(attempt).rejects.toThrow(/PutUserStatus waited 0 ms for Connect's API quota/);
    expect(call.calls).toBe(0);
  });

  it('R15: a wait within maxWaitMs is waited out', async () => {
    const g = gate({ maxWaitMs: { RESTORE: 600, HOLD: 600, OTHER: 600 } });
    await bucket.drain(clock.now());
    const call = connectCall();

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(1);
  });
});

describe('Gated ports (R15: which priority each Connect call gets)', () => {
  /** A bucket that always has a token and records what each take needed. */
  class RecordingBucket implements TokenBucket {
    readonly needs: number[] = [];
    async take(need: number): Promise<number> {
      this.needs.push(need);
      return 0;
    }
    async drain(): Promise<void> {}
  }

  function setup() {
    const clock = new FakeClock(START);
    const bucket = new RecordingBucket();
    const gate = new ConnectGate({ bucket, settings: SETTINGS, clock, random: seeded(7) });
    return { clock, bucket, gate };
  }

  it('R15: GatedAgentStatus sends ROUTABLE as a RESTORE (need 1) and WRAP_UP as a HOLD (need 2)', async () => {
    const { clock, bucket, gate } = setup();
    const inner = new RecordingAgents(clock);
    const agents = new GatedAgentStatus(inner, gate);

    await agents.set(INSTANCE_ARN, 'agent-1', 'ROUTABLE');
    await agents.set(INSTANCE_ARN, 'agent-1', 'WRAP_UP');

    expect(bucket.needs).toEqual([tokensNeeded('RESTORE', SETTINGS), tokensNeeded('HOLD', SETTINGS)]);
    expect(bucket.needs).toEqual([1, 2]);
    expect(inner.calls.map((c) => [c.instanceArn, c.agentId, c.status])).toEqual([
      [INSTANCE_ARN, 'agent-1', 'ROUTABLE'],
      [INSTANCE_ARN, 'agent-1', 'WRAP_UP'],
    ]);
  });

  it('R15: GatedContactRecords writes the wrap-up record as OTHER (after restores and holds)', async () => {
    const { bucket, gate } = setup();
    const inner = new RecordingContacts();

    await new GatedContactRecords(inner, gate).write(INSTANCE_ARN, 'c-1', { acw_end_reason: 'TIMER' });

    expect(bucket.needs).toEqual([3]);
    expect(inner.writes).toEqual([
      { instanceArn: INSTANCE_ARN, contactId: 'c-1', attributes: { acw_end_reason: 'TIMER' } },
    ]);
  });

  it("R15: GatedPresence reads the agent's status with the restore's priority", async () => {
    const { bucket, gate } = setup();
    const status: ObservedStatus & { kind: StatusKind } = {
      name: 'Lunch',
      since: START,
      kind: 'OTHER',
    };
    const seen: string[] = [];
    const presence = new GatedPresence(
      {
        current: async (instanceArn, agentId) => {
          seen.push(`${instanceArn}|${agentId}`);
          return status;
        },
      },
      gate,
    );

    expect(await presence.current(INSTANCE_ARN, 'agent-1')).toBe(status);

    expect(bucket.needs).toEqual([1]);
    expect(seen).toEqual([`${INSTANCE_ARN}|agent-1`]);
  });
});
