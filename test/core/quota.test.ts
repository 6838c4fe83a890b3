/**
 * R15: Connect's API quotas, one per API. The gate every Connect call goes through: an in-memory
 * budget per API in each function instance, restores first, slowing down when Connect throttles.
 * On virtual time.
 */
import {
  InternalServiceException,
  InvalidParameterException,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Clock, ObservedStatus, StatusKind } from '../../lambda/core/ports';
import {
  ApiBudget,
  type CallPriority,
  ConnectBusy,
  ConnectGate,
  DEFAULT_QUOTA,
  GatedAgentStatus,
  GatedContactRecords,
  GatedPresence,
  isThrottle,
  type QuotaSettings,
  type QuotaTable,
  quotaOf,
} from '../../lambda/core/quota';
import { FakeClock, RecordingAgents, RecordingContacts } from '../support/fakes';

const SETTINGS: QuotaSettings = { requestsPerSecond: 2, burst: 5 };
const TABLE: QuotaTable = { ...SETTINGS };
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

describe('quota settings (R15: one quota per API)', () => {
  it("R15: the default quota is Connect's documented 2 requests/s, burst 5", () => {
    expect(DEFAULT_QUOTA).toEqual({ requestsPerSecond: 2, burst: 5 });
  });

  it('R15: an API without its own quota gets the default; one named in perApi gets its own', () => {
    const table: QuotaTable = {
      requestsPerSecond: 2,
      burst: 5,
      perApi: { PutUserStatus: { requestsPerSecond: 10, burst: 20 } },
    };
    expect(quotaOf(table, 'PutUserStatus')).toEqual({ requestsPerSecond: 10, burst: 20 });
    expect(quotaOf(table, 'UpdateContactAttributes')).toEqual({ requestsPerSecond: 2, burst: 5 });
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

describe('ApiBudget (R15: one API in one instance)', () => {
  it('R15: a full bucket serves `burst` restores at once, then one every 1/rate s', () => {
    const budget = new ApiBudget(SETTINGS);
    for (let i = 0; i < 5; i++) expect(budget.take(budget.enqueue('RESTORE', i), T0)).toBe(0);
    const sixth = budget.enqueue('RESTORE', 5);
    expect(budget.take(sixth, T0)).toBe(500);
    expect(budget.take(sixth, T0 + 500)).toBe(0);
  });

  it('R15: holds and the other calls leave two fifths of the burst to restores', () => {
    const budget = new ApiBudget(SETTINGS);
    for (let i = 0; i < 3; i++) expect(budget.take(budget.enqueue('HOLD', i), T0)).toBe(0);
    const fourth = budget.enqueue('HOLD', 3);
    // Two tokens are left, the reserve: the hold waits for a third.
    expect(budget.take(fourth, T0)).toBe(500);
    budget.leave(fourth);
    expect(budget.take(budget.enqueue('RESTORE', 4), T0)).toBe(0);
    expect(budget.take(budget.enqueue('RESTORE', 5), T0)).toBe(0);
    expect(budget.take(budget.enqueue('OTHER', 6), T0 + 1_000)).toBe(500);
  });

  it('R15: only the first in line is served: a RESTORE queued after a HOLD goes first', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    expect(budget.take(budget.enqueue('OTHER', 0), T0)).toBe(0);
    const hold = budget.enqueue('HOLD', 1);
    const restore = budget.enqueue('RESTORE', 2);
    expect(budget.take(hold, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(restore, T0 + 500)).toBe(0);
    expect(budget.take(hold, T0 + 1_000)).toBe(0);
  });

  it('R15: a throttled record or check empties the bucket and slows the pace by a quarter, down to half; successes climb back', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'OTHER');
    expect(budget.pace).toBe(1.5);
    // Empty: even a restore waits for the next token, at the slower pace.
    const waiter = budget.enqueue('RESTORE', 0);
    expect(budget.take(waiter, T0)).toBe(667);
    for (let i = 0; i < 10; i++) budget.throttled(T0, 'OTHER');
    expect(budget.pace).toBe(1);
    for (let i = 0; i < 100; i++) budget.succeeded();
    expect(budget.pace).toBe(2);
  });

  it('R15: a throttled hold slows the pace by a quarter and keeps the tokens left (it retries after a short wait)', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'HOLD');
    expect(budget.pace).toBe(1.5);
    expect(budget.take(budget.enqueue('HOLD', 0), T0)).toBe(0);
  });

  it('R15: a throttled restore slows the pace by an eighth only, down to three quarters, and never speeds up a slowed one', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'RESTORE');
    expect(budget.pace).toBe(1.75);
    for (let i = 0; i < 10; i++) budget.throttled(T0, 'RESTORE');
    expect(budget.pace).toBe(1.5);
    budget.throttled(T0, 'HOLD');
    expect(budget.pace).toBe(1.125);
    budget.throttled(T0, 'RESTORE');
    expect(budget.pace).toBe(1.125);
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

describe('ConnectGate (R15: every Connect call within its API quota, restores first)', () => {
  let clock: FakeClock;
  beforeEach(() => {
    clock = new FakeClock(START);
  });

  function gate(
    options: {
      clock?: Clock;
      maxAttempts?: number;
      maxWaitMs?: Record<CallPriority, number>;
      quota?: QuotaTable;
      onThrottle?: (api: string) => void;
    } = {},
  ) {
    return new ConnectGate({
      quota: options.quota ?? TABLE,
      clock: options.clock ?? clock,
      random: seeded(42),
      onThrottle: options.onThrottle,
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
      expect(await g.call(i < 3 ? 'HOLD' : 'RESTORE', 'PutUserStatus', call.send)).toBe('ok');
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
    // 500 ms for the token, plus under 10 ms of jitter.
    expect(elapsed()).toBeGreaterThanOrEqual(500);
    expect(elapsed()).toBeLessThan(510);
  });

  it("R15: each API has its own budget: records never spend PutUserStatus's tokens", async () => {
    const g = gate();
    const call = connectCall();
    for (let i = 0; i < 20; i++) await g.call('OTHER', 'UpdateContactAttributes', call.send);
    const recordsTook = elapsed();
    expect(recordsTook).toBeGreaterThan(7_000);

    const before = elapsed();
    for (let i = 0; i < SETTINGS.burst; i++) await g.call('RESTORE', 'PutUserStatus', call.send);
    expect(elapsed() - before).toBe(0);
  });

  it('R15: perApi gives an API its own rate', async () => {
    const g = gate({
      quota: { ...SETTINGS, perApi: { PutUserStatus: { requestsPerSecond: 10, burst: 1 } } },
    });
    const call = connectCall();
    for (let i = 0; i < 11; i++) await g.call('HOLD', 'PutUserStatus', call.send);
    // 10 calls after the first at 10/s: about 1 s (with under 10 ms of jitter each).
    expect(elapsed()).toBeGreaterThanOrEqual(1_000);
    expect(elapsed()).toBeLessThan(1_100);
  });

  it('R15: a RESTORE and a HOLD waiting on an empty bucket together: the RESTORE is sent first', async () => {
    const time = new SharedTime(START);
    const g = gate({ clock: time, quota: { requestsPerSecond: 2, burst: 1 } });
    const sent: Array<{ priority: CallPriority; atMs: number }> = [];
    const send = (priority: CallPriority) => async () => {
      sent.push({ priority, atMs: time.now().getTime() - T0 });
    };
    await g.call('OTHER', 'PutUserStatus', send('OTHER'));

    // The HOLD is started first, and still goes second.
    await Promise.all([
      time.run(() => g.call('HOLD', 'PutUserStatus', send('HOLD'))),
      time.run(() => g.call('RESTORE', 'PutUserStatus', send('RESTORE'))),
    ]);

    expect(sent.map((s) => s.priority)).toEqual(['OTHER', 'RESTORE', 'HOLD']);
    expect(sent[1]?.atMs).toBeGreaterThanOrEqual(500);
    expect(sent[1]?.atMs).toBeLessThan(510);
    expect(sent[2]?.atMs).toBeGreaterThanOrEqual(1_000);
    expect(sent[2]?.atMs).toBeLessThan(1_020);
  });

  it('R15: calls of the same priority are served in arrival order', async () => {
    const time = new SharedTime(START);
    const g = gate({ clock: time, quota: { requestsPerSecond: 2, burst: 1 } });
    const sent: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((n) =>
        time.run(async () => {
          await time.sleep(n);
          await g.call('HOLD', 'PutUserStatus', async () => {
            sent.push(n);
          });
        }),
      ),
    );
    expect(sent).toEqual([0, 1, 2, 3]);
    expect(elapsed(time)).toBeLessThan(1_600);
  });

  it('R15: a throttled call is retried and succeeds; the throttle slows this API only, and is reported', async () => {
    const throttled: string[] = [];
    const g = gate({ onThrottle: (api) => throttled.push(api) });
    const call = connectCall(throttle());

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(2);
    // A restore asks again after 50-150 ms (its instance's tokens kept), at a pace slowed by an eighth.
    expect(elapsed()).toBeGreaterThanOrEqual(50);
    expect(elapsed()).toBeLessThan(200);
    expect(throttled).toEqual(['PutUserStatus']);
    expect(g.budget('PutUserStatus').pace).toBeLessThan(SETTINGS.requestsPerSecond);
    expect(g.budget('UpdateContactAttributes').pace).toBe(SETTINGS.requestsPerSecond);
  });

  it('R15: after maxAttempts throttles the throttle is thrown, nothing swallowed', async () => {
    const g = gate({ maxAttempts: 3 });
    const error = throttle();
    const call = connectCall(error, error, error, error);

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBe(error);

    expect(call.calls).toBe(3);
  });

  it('R15: the default is 8 attempts', async () => {
    const g = gate({ maxWaitMs: { RESTORE: 600_000, HOLD: 600_000, OTHER: 600_000 } });
    const call = connectCall(...Array.from({ length: 10 }, () => throttle()));

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBeInstanceOf(ThrottlingException);

    expect(call.calls).toBe(8);
  });

  it('R15: a 5xx from Connect is retried with backoff, the pace left alone', async () => {
    const g = gate();
    const call = connectCall(
      new InternalServiceException({ message: 'boom', $metadata: { httpStatusCode: 500 } }),
    );

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(2);
    expect(g.budget('PutUserStatus').pace).toBe(SETTINGS.requestsPerSecond);
  });

  it('R15: a non-transient error (400) is thrown at once, without retry', async () => {
    const g = gate();
    const error = new InvalidParameterException({
      message: 'AgentStatusId is invalid',
      $metadata: { httpStatusCode: 400 },
    });
    const call = connectCall(error);

    await expect(g.call('RESTORE', 'PutUserStatus', call.send)).rejects.toBe(error);

    expect(call.calls).toBe(1);
    expect(elapsed()).toBe(0);
  });

  it('R15: a call that would wait longer than maxWaitMs throws ConnectBusy naming it, and is never sent', async () => {
    const g = gate({ maxWaitMs: { RESTORE: 400, HOLD: 400, OTHER: 400 } });
    const call = connectCall();
    for (let i = 0; i < SETTINGS.burst; i++) await g.call('RESTORE', 'PutUserStatus', call.send);

    const attempt = g.call('RESTORE', 'PutUserStatus', call.send);

    await expect(attempt).rejects.toBeInstanceOf(ConnectBusy);
    await expect(attempt).rejects.toThrow(/PutUserStatus waited 0 ms for Connect's API quota/);
    expect(call.calls).toBe(5);
    // It left the line: the next call is served when the token comes.
    await clock.sleep(500);
    await g.call('RESTORE', 'PutUserStatus', call.send);
    expect(call.calls).toBe(6);
  });

  it('R15: a wait within maxWaitMs is waited out', async () => {
    const g = gate({ maxWaitMs: { RESTORE: 600, HOLD: 600, OTHER: 600 } });
    const call = connectCall();
    for (let i = 0; i < SETTINGS.burst; i++) await g.call('RESTORE', 'PutUserStatus', call.send);

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(6);
  });
});

describe('Gated ports (R15: which API and priority each Connect call gets)', () => {
  /** A gate that records what each call asked for, and sends it at once. */
  class RecordingGate extends ConnectGate {
    readonly asked: Array<[CallPriority, string]> = [];
    override call<T>(priority: CallPriority, api: string, send: () => Promise<T>): Promise<T> {
      this.asked.push([priority, api]);
      return send();
    }
  }

  function setup() {
    const clock = new FakeClock(START);
    const gate = new RecordingGate({ quota: TABLE, clock, random: seeded(7) });
    return { clock, gate };
  }

  it('R15: GatedAgentStatus sends ROUTABLE as a RESTORE and WRAP_UP as a HOLD, both on PutUserStatus', async () => {
    const { clock, gate } = setup();
    const inner = new RecordingAgents(clock);
    const agents = new GatedAgentStatus(inner, gate);

    await agents.set(INSTANCE_ARN, 'agent-1', 'ROUTABLE');
    await agents.set(INSTANCE_ARN, 'agent-1', 'WRAP_UP');

    expect(gate.asked).toEqual([
      ['RESTORE', 'PutUserStatus'],
      ['HOLD', 'PutUserStatus'],
    ]);
    expect(inner.calls.map((c) => [c.instanceArn, c.agentId, c.status])).toEqual([
      [INSTANCE_ARN, 'agent-1', 'ROUTABLE'],
      [INSTANCE_ARN, 'agent-1', 'WRAP_UP'],
    ]);
  });

  it('R15: GatedContactRecords writes the wrap-up record on UpdateContactAttributes, after restores and holds', async () => {
    const { gate } = setup();
    const inner = new RecordingContacts();

    await new GatedContactRecords(inner, gate).write(INSTANCE_ARN, 'c-1', { acw_end_reason: 'TIMER' });

    expect(gate.asked).toEqual([['OTHER', 'UpdateContactAttributes']]);
    expect(inner.writes).toEqual([
      { instanceArn: INSTANCE_ARN, contactId: 'c-1', attributes: { acw_end_reason: 'TIMER' } },
    ]);
  });

  it("R15: GatedPresence reads the agent's status on GetCurrentUserData with the restore's priority", async () => {
    const { gate } = setup();
    const status: ObservedStatus & { kind: StatusKind } = { name: 'Lunch', since: START, kind: 'OTHER' };
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

    expect(gate.asked).toEqual([['RESTORE', 'GetCurrentUserData']]);
    expect(seen).toEqual([`${INSTANCE_ARN}|agent-1`]);
  });
});
