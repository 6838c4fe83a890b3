/**
 * R15: Connect's API quotas. They are defined for each API separately, per account and Region, and
 * they are low (historically 2 requests/s, burst 5, for PutUserStatus). So each API has its own
 * budget here: holds and restores spend only PutUserStatus's, the wrap-up record only
 * UpdateContactAttributes', a status check only GetCurrentUserData's. A record waiting for its
 * budget never delays a hold.
 *
 * A budget is kept in memory by each function instance: a token bucket at the API's configured
 * rate, and one line of the calls waiting for it, served earliest due first. A hold is due 5 s
 * after the disconnect, a restore 1.9 s after the wrap-up's end (session.ts), a record within a
 * minute; a call already past its due time goes 5 s further back, behind the calls that can still
 * be on time; a restore announced by its timer (due at the deadline) is left a token. Holds and restores are made by one function (the wrap-up worker: contact events and due
 * timers), so that they wait in one line instead of two lines fighting over Connect's one bucket.
 * Nothing is polled: a waiting call sleeps until its token is due.
 *
 * Instances do not count each other's calls; Connect does, and says so by throttling. A throttle
 * empties the instance's bucket and the call goes back to the head of its line for the next token;
 * throttles that repeat within seconds also slow the instance's pace (see ON_REPEATED_THROTTLE), so
 * instances that together ask too much slow down until Connect stops refusing them, whoever else
 * (the API's All Done, another tool) shares the quota. Nothing is dropped: a call that waits too
 * long or keeps being refused throws, and its event or timer is retried by its queue, then kept in
 * its DLQ.
 */
import type {
  AgentPresence,
  AgentStatus,
  Clock,
  ContactRecords,
  PresenceReport,
  TargetStatus,
} from './ports';
import { statusCallParts } from './presence';
import { HOLD_WITHIN_MS, RESTORE_WITHIN_MS } from './session';

/** Which calls go first when several wait for the same API. */
export type CallPriority = 'RESTORE' | 'HOLD' | 'OTHER';

/** One API's quota, as configured. */
export interface QuotaSettings {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** The quota of every API this system calls: a default, and the APIs whose quota differs. */
export interface QuotaTable {
  readonly requestsPerSecond: number;
  readonly burst: number;
  /** By Connect operation name (`PutUserStatus`). */
  readonly perApi?: Readonly<Record<string, QuotaSettings>> | undefined;
}

/** Connect's documented default for PutUserStatus and similar calls. */
export const DEFAULT_QUOTA: QuotaSettings = { requestsPerSecond: 2, burst: 5 };

/** The quota of `api`: its own when configured, else the default. */
export function quotaOf(table: QuotaTable, api: string): QuotaSettings {
  const own = table.perApi?.[api];
  return own ?? { requestsPerSecond: table.requestsPerSecond, burst: table.burst };
}

/** A call waited longer than its priority allows for a token: it is retried later by its queue. */
export class ConnectBusy extends Error {
  constructor(call: string, waitedMs: number) {
    super(`${call} waited ${waitedMs} ms for Connect's API quota; it will be retried`);
    this.name = 'ConnectBusy';
  }
}

/** Connect refused the call for the rate (429, ThrottlingException, TooManyRequestsException). */
export function isThrottle(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException' ||
    name === 'LimitExceededException' ||
    $metadata?.httpStatusCode === 429
  );
}

/** A failure worth trying again at once: throttling, or a 5xx from Connect. */
function isTransient(error: unknown): boolean {
  if (isThrottle(error)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 500;
}

/**
 * How an instance slows down when Connect throttles it. A throttle empties the bucket: Connect's
 * is empty, whoever emptied it (an All Done restore from the API function, another tool). A
 * throttle alone is taken as that; one that follows another within THROTTLE_MEMORY_MS says this
 * instance asks for more than its share (other instances share the quota), and its pace is
 * multiplied by `keep`, down to `floor` x the configured rate. Records and checks give way more.
 */
const ON_REPEATED_THROTTLE: Readonly<Record<CallPriority, { keep: number; floor: number }>> = {
  RESTORE: { keep: 7 / 8, floor: 3 / 4 },
  HOLD: { keep: 7 / 8, floor: 3 / 4 },
  OTHER: { keep: 3 / 4, floor: 1 / 2 },
};
/** Two throttles this close together slow the pace; one alone does not. */
const THROTTLE_MEMORY_MS = 10_000;
/** Rate regained per successful call, as a share of the configured rate. */
const RECOVERY_SHARE = 1 / 16;

/**
 * When a call is due by, when its caller does not say: a restore (or a check on its way) within
 * 1.9 s, a hold within 5 s, the rest (records, lookups) within a minute.
 */
export const DEFAULT_DUE_WITHIN_MS: Readonly<Record<CallPriority, number>> = {
  RESTORE: RESTORE_WITHIN_MS,
  HOLD: HOLD_WITHIN_MS,
  OTHER: 60_000,
};

/**
 * How long after its announced time a call is still waited for (the close write before a restore
 * takes a few ms); after that the announcement is dropped (the call is in line by then, or not
 * coming: the agent had already left wrap-up).
 */
const ANNOUNCE_GRACE_MS = 100;
/** How much later a call already past its due time is placed in line (see `firstAt`). */
const LATE_SLACK_MS = 5_000;
/** How often a call holding back for an announced one looks again. */
const ANNOUNCE_RECHECK_MS = 50;

interface Announced {
  readonly atMs: number;
  readonly dueByMs: number;
}

interface Waiter {
  readonly seq: number;
  /** When the call should be made by (epoch ms): the line is served earliest first. */
  readonly dueByMs: number;
}

/**
 * One API's budget in this instance: a token bucket refilled at `rate` (the configured rate, lower
 * after repeated throttles), and the calls waiting for it, earliest due first (then in arrival
 * order). Earliest-due-first is what meets the most of the calls' due times on one line: a hold
 * whose contact event came late (little of its 5 s left) goes before a restore just due (1.9 s left),
 * and a restore before a hold whose event came early.
 */
export class ApiBudget {
  private tokens: number;
  private atMs: number | undefined;
  private rate: number;
  private lastThrottleMs: number | undefined;
  private readonly waiting: Waiter[] = [];
  private announced: Announced[] = [];

  constructor(readonly settings: QuotaSettings) {
    this.tokens = settings.burst;
    this.rate = settings.requestsPerSecond;
  }

  /** The rate this instance paces the API at now (requests/s). */
  get pace(): number {
    return this.rate;
  }

  /** Queues a call due by `dueByMs`; it is served when it is first in line (`firstAt`) and a token is there. */
  enqueue(seq: number, dueByMs: number): Waiter {
    const waiter = { seq, dueByMs };
    this.waiting.push(waiter);
    return waiter;
  }

  leave(waiter: Waiter): void {
    const at = this.waiting.indexOf(waiter);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  /**
   * A call due by `dueByMs` will join the line at `atMs` (a restore at its wrap-up's deadline, whose
   * timer came a little early): from now on, calls due later take a token only if the bucket still
   * has one for it then. Without this, a hold with seconds to spare could take the last token a
   * moment before the deadline, and the restore would wait for the next one.
   */
  announce(atMs: number, dueByMs: number): void {
    this.announced.push({ atMs, dueByMs });
  }

  /** Takes a token for `waiter` at `nowMs` (0), or says how many ms until it may try again. */
  take(waiter: Waiter, nowMs: number): number {
    this.refill(nowMs);
    const first = this.firstAt(nowMs) === waiter;
    if (first && this.tokens >= 1) {
      if (!this.leavesEnoughFor(waiter, nowMs)) return ANNOUNCE_RECHECK_MS;
      this.tokens -= 1;
      this.leave(waiter);
      return 0;
    }
    const untilToken = Math.max(1, Math.ceil(((1 - this.tokens) / this.rate) * 1000));
    // Not first: look again when the token after the first one's is due.
    return first ? untilToken : untilToken + Math.ceil(1000 / this.rate);
  }

  /**
   * The first in line at `nowMs`: the earliest due, where a call already past its due time counts
   * as due LATE_SLACK_MS later (then arrival order). When more calls wait than the quota serves in
   * time (a burst of disconnects and deadlines together), the ones that can still be on time go
   * first, and the few already late follow within seconds, instead of every call in the burst
   * being made a little late.
   */
  private firstAt(nowMs: number): Waiter | undefined {
    let best: Waiter | undefined;
    let bestKey = Number.POSITIVE_INFINITY;
    for (const waiter of this.waiting) {
      const key = waiter.dueByMs < nowMs ? waiter.dueByMs + LATE_SLACK_MS : waiter.dueByMs;
      if (key < bestKey || (key === bestKey && best !== undefined && waiter.seq < best.seq)) {
        best = waiter;
        bestKey = key;
      }
    }
    return best;
  }

  /**
   * Whether taking a token now leaves one, at its time, for each announced call due before
   * `waiter` (the i-th of them, by time, needs i + 1 tokens: what is left now plus the refill).
   */
  private leavesEnoughFor(waiter: Waiter, nowMs: number): boolean {
    this.announced = this.announced.filter((call) => call.atMs + ANNOUNCE_GRACE_MS >= nowMs);
    const before = this.announced
      .filter((call) => call.dueByMs < waiter.dueByMs)
      .sort((a, b) => a.atMs - b.atMs);
    return before.every(
      (call, i) =>
        this.tokens - 1 + (Math.max(0, call.atMs - nowMs) / 1000) * this.rate >= i + 1 ||
        // Beyond the burst's reach, the refill alone decides: nothing to keep now.
        call.atMs - nowMs > (this.settings.burst / this.rate) * 1000,
    );
  }

  /** Connect refused a call of `priority` for the rate: nothing left now, and maybe a slower pace. */
  throttled(nowMs: number, priority: CallPriority = 'OTHER'): void {
    this.refill(nowMs);
    this.tokens = 0;
    const repeated = this.lastThrottleMs !== undefined && nowMs - this.lastThrottleMs < THROTTLE_MEMORY_MS;
    this.lastThrottleMs = nowMs;
    if (!repeated) return;
    const { keep, floor } = ON_REPEATED_THROTTLE[priority];
    // Never faster than before: a restore's higher floor does not undo the others' slowing down.
    this.rate = Math.min(this.rate, Math.max(this.settings.requestsPerSecond * floor, this.rate * keep));
  }

  /** A call went through: the pace climbs back towards the configured rate. */
  succeeded(): void {
    this.rate = Math.min(
      this.settings.requestsPerSecond,
      this.rate + this.settings.requestsPerSecond * RECOVERY_SHARE,
    );
  }

  private refill(nowMs: number): void {
    if (this.atMs === undefined || nowMs < this.atMs) {
      this.atMs = this.atMs ?? nowMs;
      return;
    }
    this.tokens = Math.min(this.settings.burst, this.tokens + ((nowMs - this.atMs) / 1000) * this.rate);
    this.atMs = nowMs;
  }
}

export interface ConnectGateProps {
  /** Each API's quota. */
  readonly quota: QuotaTable;
  readonly clock: Clock;
  /** [0, 1): jitter (Math.random deployed, seeded in the simulator). */
  readonly random: () => number;
  /** Longest wait for a token before giving the call back to its queue (default 12 s restores, 10 s holds, 8 s others). */
  readonly maxWaitMs?: Readonly<Record<CallPriority, number>>;
  /** Attempts of one call that Connect keeps throttling or failing (default 8). */
  readonly maxAttempts?: number;
  /** Told of every throttle, by API (a metric). */
  readonly onThrottle?: ((api: string) => void) | undefined;
}

/** Below every calling function's timeout (the API 15 s, the worker 30 s), so a wait ends in a retry, not a timeout. */
const DEFAULT_MAX_WAIT_MS: Record<CallPriority, number> = { RESTORE: 12_000, HOLD: 10_000, OTHER: 8_000 };
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;

/** Runs Connect calls within each API's quota, restores first (see the module comment). */
export class ConnectGate {
  private readonly budgets = new Map<string, ApiBudget>();
  private seq = 0;

  constructor(private readonly props: ConnectGateProps) {}

  /** This instance's budget of `api`. */
  budget(api: string): ApiBudget {
    let budget = this.budgets.get(api);
    if (budget === undefined) {
      budget = new ApiBudget(quotaOf(this.props.quota, api));
      this.budgets.set(api, budget);
    }
    return budget;
  }

  /**
   * Sends `send` when it is first in `api`'s line and a token is there; the line is served by
   * `dueBy` (default: DEFAULT_DUE_WITHIN_MS[priority] from now), earliest first.
   */
  async call<T>(priority: CallPriority, api: string, send: () => Promise<T>, dueBy?: Date): Promise<T> {
    const { clock, random } = this.props;
    const attempts = this.props.maxAttempts ?? 8;
    const budget = this.budget(api);
    const started = clock.now().getTime();
    // The arrival order is kept across retries: a throttled call goes back to the head of its line.
    const seq = this.seq++;
    const dueByMs = dueBy?.getTime() ?? started + DEFAULT_DUE_WITHIN_MS[priority];
    for (let attempt = 1; ; attempt++) {
      await this.acquire(budget, priority, seq, dueByMs, api, started);
      try {
        const result = await send();
        budget.succeeded();
        return result;
      } catch (error) {
        if (!isTransient(error) || attempt >= attempts) throw error;
        if (isThrottle(error)) {
          // Back at the head of its line (same due time, same arrival), for the next token.
          budget.throttled(clock.now().getTime(), priority);
          this.props.onThrottle?.(api);
        } else {
          // Full jitter on a 5xx: a random wait up to the exponential bound.
          const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
          await clock.sleep(Math.floor(random() * bound));
        }
      }
    }
  }

  private async acquire(
    budget: ApiBudget,
    priority: CallPriority,
    seq: number,
    dueByMs: number,
    api: string,
    started: number,
  ): Promise<void> {
    const { clock, random } = this.props;
    const maxWait = (this.props.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)[priority];
    const waiter = budget.enqueue(seq, dueByMs);
    for (;;) {
      const now = clock.now().getTime();
      const wait = budget.take(waiter, now);
      if (wait === 0) return;
      const waited = now - started;
      if (waited + wait > maxWait) {
        budget.leave(waiter);
        throw new ConnectBusy(api, waited);
      }
      // A little jitter, so instances refused together do not come back together.
      await clock.sleep(wait + Math.floor(random() * 10));
    }
  }
}

/**
 * AgentStatus through the gate: putting an agent in wrap-up is a HOLD; every other status (the
 * routable one, or the one the agent chose to land in, R19) ends a wrap-up: a RESTORE.
 */
export class GatedAgentStatus implements AgentStatus {
  constructor(
    private readonly inner: AgentStatus,
    private readonly gate: ConnectGate,
  ) {}

  announceRestore(at: Date, dueBy: Date): void {
    this.gate.budget('PutUserStatus').announce(at.getTime(), dueBy.getTime());
  }

  set(instanceArn: string, agentId: string, status: TargetStatus, dueBy?: Date): Promise<void> {
    return this.gate.call(
      status === 'WRAP_UP' ? 'HOLD' : 'RESTORE',
      'PutUserStatus',
      () => this.inner.set(instanceArn, agentId, status),
      dueBy,
    );
  }
}

/** ContactRecords through the gate, on UpdateContactAttributes' own quota. */
export class GatedContactRecords implements ContactRecords {
  constructor(
    private readonly inner: ContactRecords,
    private readonly gate: ConnectGate,
  ) {}

  write(instanceArn: string, contactId: string, attributes: Record<string, string>): Promise<void> {
    return this.gate.call('OTHER', 'UpdateContactAttributes', () =>
      this.inner.write(instanceArn, contactId, attributes),
    );
  }
}

/** A status check on the way to a restore, on GetCurrentUserData's own quota, with the restore's priority. */
export class GatedPresence implements AgentPresence {
  constructor(
    private readonly inner: AgentPresence,
    private readonly gate: ConnectGate,
  ) {}

  current(instanceArn: string, agentId: string): Promise<PresenceReport | undefined> {
    return this.gate.call('RESTORE', 'GetCurrentUserData', () => this.inner.current(instanceArn, agentId));
  }

  /**
   * The sweep's poll (R8): on the same quota, behind any restore's status check. One gated call
   * per 100 agents (`statusCallParts`), so that each spends one token of GetCurrentUserData's.
   */
  async currentOfAgents(
    instanceArn: string,
    agentIds: readonly string[],
  ): Promise<ReadonlyMap<string, PresenceReport>> {
    const many = this.inner.currentOfAgents?.bind(this.inner);
    if (many === undefined) throw new Error('the status of several agents at once is not available here');
    const reports = new Map<string, PresenceReport>();
    for (const part of statusCallParts(agentIds)) {
      const found = await this.gate.call('OTHER', 'GetCurrentUserData', () => many(instanceArn, part));
      for (const [agentId, report] of found) reports.set(agentId, report);
    }
    return reports;
  }
}
