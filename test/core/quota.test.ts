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
  it('R15: a full bucket serves `burst` calls at once, then one every 1/rate s', () => {
    const budget = new ApiBudget(SETTINGS);
    for (let i = 0; i < 5; i++) expect(budget.take(budget.enqueue(i, T0 + 2_000), T0)).toBe(0);
    const sixth = budget.enqueue(5, T0 + 2_000);
    expect(budget.take(sixth, T0)).toBe(500);
    expect(budget.take(sixth, T0 + 500)).toBe(0);
  });

  it('R15: the line is served earliest due first, whatever the arrival order; equal due times in arrival order', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    expect(budget.take(budget.enqueue(0, T0), T0)).toBe(0);
    const earlyEventHold = budget.enqueue(1, T0 + 4_500);
    const restore = budget.enqueue(2, T0 + 2_000);
    const lateEventHold = budget.enqueue(3, T0 + 1_000);
    const sameDue = budget.enqueue(4, T0 + 1_000);
    // Only the first in line is served; the others are told to look again after its token.
    expect(budget.take(earlyEventHold, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(restore, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(sameDue, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(lateEventHold, T0 + 500)).toBe(0);
    expect(budget.take(sameDue, T0 + 1_000)).toBe(0);
    expect(budget.take(restore, T0 + 1_500)).toBe(0);
    expect(budget.take(earlyEventHold, T0 + 2_000)).toBe(0);
  });

  it('R15: a call already past its due time goes 5 s further back, behind one that can still be on time', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    expect(budget.take(budget.enqueue(0, T0), T0)).toBe(0);
    const late = budget.enqueue(1, T0 + 400);
    const onTime = budget.enqueue(2, T0 + 3_000);
    // At T0 + 500 the first is 100 ms late: it counts as due at T0 + 5_400, after the other.
    expect(budget.take(late, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(onTime, T0 + 500)).toBe(0);
    expect(budget.take(late, T0 + 1_000)).toBe(0);
  });

  it('R15: a late call still goes before one due more than 5 s after it', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    expect(budget.take(budget.enqueue(0, T0), T0)).toBe(0);
    const late = budget.enqueue(1, T0 + 400);
    const record = budget.enqueue(2, T0 + 60_000);
    expect(budget.take(record, T0 + 500)).toBeGreaterThan(0);
    expect(budget.take(late, T0 + 500)).toBe(0);
  });

  it('R13, R15: a restore announced for its deadline keeps a token from calls due later, not from calls due sooner', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    // One token now; the restore will ask for it in 200 ms (too soon for a refill), due 1.9 s after.
    budget.announce(T0 + 200, T0 + 1_950);
    const hold = budget.enqueue(0, T0 + 4_000);
    expect(budget.take(hold, T0)).toBe(50);
    budget.leave(hold);
    const lateEventHold = budget.enqueue(1, T0 + 900);
    expect(budget.take(lateEventHold, T0)).toBe(0);
  });

  it('R13, R15: an announced restore far enough ahead for the refill, or past its time, keeps nothing', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    // 600 ms ahead: the bucket refills by then.
    budget.announce(T0 + 600, T0 + 2_350);
    expect(budget.take(budget.enqueue(0, T0 + 4_000), T0)).toBe(0);
    // Announced for T0 + 700, not asked for by T0 + 800 + 100 ms of grace: dropped.
    budget.announce(T0 + 700, T0 + 2_450);
    expect(budget.take(budget.enqueue(1, T0 + 9_000), T0 + 901)).toBe(0);
  });

  it('R15: a call that leaves the line no longer holds up the ones behind it', () => {
    const budget = new ApiBudget({ requestsPerSecond: 2, burst: 1 });
    expect(budget.take(budget.enqueue(0, T0), T0)).toBe(0);
    const first = budget.enqueue(1, T0 + 1_000);
    const second = budget.enqueue(2, T0 + 2_000);
    budget.leave(first);
    expect(budget.take(second, T0 + 500)).toBe(0);
  });

  it('R15: a throttle alone empties the bucket and keeps the pace (someone else took the token)', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'HOLD');
    expect(budget.pace).toBe(2);
    // Empty: even the first in line waits for the next token.
    expect(budget.take(budget.enqueue(0, T0), T0)).toBe(500);
  });

  it('R15: throttles within 10 s of each other slow holds and restores by an eighth, down to three quarters', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'RESTORE');
    budget.throttled(T0 + 9_000, 'RESTORE');
    expect(budget.pace).toBe(1.75);
    for (let i = 1; i <= 10; i++) budget.throttled(T0 + 9_000 + i * 100, 'HOLD');
    expect(budget.pace).toBe(1.5);
    // Far apart, a throttle does not slow it further.
    budget.throttled(T0 + 60_000, 'HOLD');
    expect(budget.pace).toBe(1.5);
  });

  it('R15: repeated throttles of a record or check slow the pace by a quarter, down to half; successes climb back', () => {
    const budget = new ApiBudget(SETTINGS);
    budget.throttled(T0, 'OTHER');
    budget.throttled(T0 + 1, 'OTHER');
    expect(budget.pace).toBe(1.5);
    expect(budget.take(budget.enqueue(0, T0 + 60_000), T0 + 1)).toBe(667);
    for (let i = 0; i < 10; i++) budget.throttled(T0 + 2 + i, 'OTHER');
    expect(budget.pace).toBe(1);
    // A restore's higher floor never speeds up a pace slowed by the others.
    budget.throttled(T0 + 20, 'RESTORE');
    expect(budget.pace).toBe(1);
    for (let i = 0; i < 100; i++) budget.succeeded();
    expect(budget.pace).toBe(2);
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

  it('R15: a RESTORE and a HOLD waiting on an empty bucket together: by default the RESTORE (due in 2 s) is sent first', async () => {
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

  it('R15: a hold due sooner than a restore (its contact event came late) goes first', async () => {
    const time = new SharedTime(START);
    const g = gate({ clock: time, quota: { requestsPerSecond: 2, burst: 1 } });
    const sent: string[] = [];
    await g.call('OTHER', 'PutUserStatus', async () => {});

    await Promise.all([
      time.run(() =>
        g.call('RESTORE', 'PutUserStatus', async () => sent.push('restore'), new Date(T0 + 2_000)),
      ),
      time.run(() => g.call('HOLD', 'PutUserStatus', async () => sent.push('late hold'), new Date(T0 + 800))),
    ]);

    expect(sent).toEqual(['late hold', 'restore']);
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

  it('R15: a throttled call is retried with the next token and succeeds; repeated, the throttle slows this API only, and is reported', async () => {
    const throttled: string[] = [];
    const g = gate({ onThrottle: (api) => throttled.push(api) });
    const call = connectCall(throttle(), throttle());

    expect(await g.call('RESTORE', 'PutUserStatus', call.send)).toBe('ok');

    expect(call.calls).toBe(3);
    // Each throttle emptied the bucket: the retries waited for a token (500 ms, then 571 ms at the
    // pace slowed by an eighth by the second throttle), plus under 10 ms of jitter each.
    expect(elapsed()).toBeGreaterThanOrEqual(1_071);
    expect(elapsed()).toBeLessThan(1_100);
    expect(throttled).toEqual(['PutUserStatus', 'PutUserStatus']);
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
    readonly dueBy: Array<string | undefined> = [];
    override call<T>(priority: CallPriority, api: string, send: () => Promise<T>, dueBy?: Date): Promise<T> {
      this.asked.push([priority, api]);
      this.dueBy.push(dueBy?.toISOString());
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
    await agents.set(INSTANCE_ARN, 'agent-1', 'WRAP_UP', new Date('2026-03-02T09:00:05.000Z'));

    expect(gate.asked).toEqual([
      ['RESTORE', 'PutUserStatus'],
      ['HOLD', 'PutUserStatus'],
    ]);
    // The due time the caller gave is the one the line is served by.
    expect(gate.dueBy).toEqual([undefined, '2026-03-02T09:00:05.000Z']);
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

  it("R8, R15: the sweep's poll of many agents spends one GetCurrentUserData token per 100 agents, behind restores", async () => {
    const { gate } = setup();
    const asked: number[] = [];
    const presence = new GatedPresence(
      {
        current: async () => undefined,
        currentOfAgents: async (_instanceArn, agentIds) => {
          asked.push(agentIds.length);
          return new Map(
            agentIds.map((id) => [id, { name: 'Wrap Up', since: START, kind: 'WRAP_UP' as const }]),
          );
        },
      },
      gate,
    );
    const ids = Array.from({ length: 201 }, (_, index) => `agent-${index}`);

    const reports = await presence.currentOfAgents(INSTANCE_ARN, [...ids, 'agent-0']);

    expect(asked).toEqual([100, 100, 1]);
    expect(gate.asked).toEqual([
      ['OTHER', 'GetCurrentUserData'],
      ['OTHER', 'GetCurrentUserData'],
      ['OTHER', 'GetCurrentUserData'],
    ]);
    expect([...reports.keys()]).toEqual(ids);
  });

  it('GatedPresence around a presence that reads one agent at a time refuses to read many', async () => {
    const { gate } = setup();
    const presence = new GatedPresence({ current: async () => undefined }, gate);
    await expect(presence.currentOfAgents(INSTANCE_ARN, ['a'])).rejects.toThrow(/several agents/);
    expect(gate.asked).toEqual([]);
  });
});
