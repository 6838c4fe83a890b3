/**
 * R15: Connect's API quota. Quotas are per account and Region and low (historically 2 requests/s,
 * burst 5, for calls like PutUserStatus), and shared by every function instance, so calls wait
 * for a token from one shared bucket (DynamoDB) refilled at the configured rate.
 *
 * Restores come first: a restore may take the bucket's last token, a wrap-up start must leave one
 * for restores and other calls (the wrap-up record, a status check) two; so when the bucket is
 * empty and both wait, the restore is served as soon as a token comes back. A call Connect still
 * throttles (other tools share the quota) empties the bucket, so every caller backs off, and is
 * retried with exponential backoff and full jitter. Nothing is dropped: a call that waits too long
 * or keeps failing throws, and its event or timer is retried by its queue, then kept in its DLQ.
 */
import type {
  AgentPresence,
  AgentStatus,
  Clock,
  ContactRecords,
  ObservedStatus,
  StatusKind,
  TargetStatus,
} from './ports';

/** Which calls go first when both wait. */
export type CallPriority = 'RESTORE' | 'HOLD' | 'OTHER';

/** The account's quota for the calls this system makes, as configured. */
export interface QuotaSettings {
  readonly requestsPerSecond: number;
  readonly burst: number;
}

/** Connect's documented default for PutUserStatus and similar calls. */
export const DEFAULT_QUOTA: QuotaSettings = { requestsPerSecond: 2, burst: 5 };

/** The shared token bucket. */
export interface TokenBucket {
  /**
   * Takes one token if at least `need` are there at `now`, returning 0; otherwise takes nothing
   * and returns how many milliseconds until there would be.
   */
  take(need: number, now: Date, settings: QuotaSettings): Promise<number>;
  /** Empties the bucket (Connect throttled a call): every caller waits for the refill. */
  drain(now: Date): Promise<void>;
}

/** The bucket's state: tokens at a time. */
export interface BucketState {
  readonly tokens: number;
  readonly atMs: number;
}

/** Tokens in the bucket at `nowMs`, refilled since the state was written, at most `burst`. */
export function tokensAt(state: BucketState | undefined, nowMs: number, settings: QuotaSettings): number {
  if (state === undefined) return settings.burst;
  const refilled = state.tokens + (Math.max(0, nowMs - state.atMs) / 1000) * settings.requestsPerSecond;
  return Math.min(settings.burst, refilled);
}

/** Tokens a call needs to find in the bucket to take one: restores may take the last. */
export function tokensNeeded(priority: CallPriority, settings: QuotaSettings): number {
  const reserve = priority === 'RESTORE' ? 0 : priority === 'HOLD' ? 1 : 2;
  return Math.max(1, Math.min(settings.burst, 1 + reserve));
}

/** Milliseconds until `tokens` have refilled to `need`. */
export function msUntil(tokens: number, need: number, settings: QuotaSettings): number {
  return Math.max(1, Math.ceil(((need - tokens) / settings.requestsPerSecond) * 1000));
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

export interface ConnectGateProps {
  readonly bucket: TokenBucket;
  readonly settings: QuotaSettings;
  readonly clock: Clock;
  /** [0, 1): jitter (Math.random deployed, seeded in the simulator). */
  readonly random: () => number;
  /** Longest wait for a token before giving the call back to its queue (default 12 s restores, 8 s others). */
  readonly maxWaitMs?: Readonly<Record<CallPriority, number>>;
  /** Attempts of one call that Connect keeps throttling (default 6). */
  readonly maxAttempts?: number;
}

/** Below every calling function's timeout (API 15 s, due 20 s), so a wait ends in a retry, not a timeout. */
const DEFAULT_MAX_WAIT_MS: Record<CallPriority, number> = { RESTORE: 12_000, HOLD: 8_000, OTHER: 8_000 };
const BACKOFF_BASE_MS = 100;
const BACKOFF_CAP_MS = 2_000;

/** Runs Connect calls within the quota, restores first. */
export class ConnectGate {
  constructor(private readonly props: ConnectGateProps) {}

  async call<T>(priority: CallPriority, name: string, send: () => Promise<T>): Promise<T> {
    const attempts = this.props.maxAttempts ?? 6;
    for (let attempt = 1; ; attempt++) {
      await this.acquire(priority, name);
      try {
        return await send();
      } catch (error) {
        if (!isTransient(error) || attempt >= attempts) throw error;
        if (isThrottle(error)) await this.props.bucket.drain(this.props.clock.now());
        // Full jitter: a random wait up to the exponential bound, so callers do not retry together.
        const bound = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt);
        await this.props.clock.sleep(Math.floor(this.props.random() * bound));
      }
    }
  }

  private async acquire(priority: CallPriority, name: string): Promise<void> {
    const { bucket, settings, clock, random } = this.props;
    const maxWait = (this.props.maxWaitMs ?? DEFAULT_MAX_WAIT_MS)[priority];
    const need = tokensNeeded(priority, settings);
    const started = clock.now().getTime();
    for (;;) {
      const wait = await bucket.take(need, clock.now(), settings);
      if (wait === 0) return;
      const waited = clock.now().getTime() - started;
      if (waited + wait > maxWait) throw new ConnectBusy(name, waited);
      // Restores retry as soon as the token is due; the others a little later, so restores win ties.
      const jitter = priority === 'RESTORE' ? random() * 20 : 20 + random() * 80;
      await clock.sleep(wait + Math.floor(jitter));
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

  set(instanceArn: string, agentId: string, status: TargetStatus): Promise<void> {
    return this.gate.call(status === 'WRAP_UP' ? 'HOLD' : 'RESTORE', 'PutUserStatus', () =>
      this.inner.set(instanceArn, agentId, status),
    );
  }
}

/** ContactRecords through the gate, after restores and starts. */
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

/** A status check on the way to a restore, through the gate with the restore's priority. */
export class GatedPresence implements AgentPresence {
  constructor(
    private readonly inner: AgentPresence,
    private readonly gate: ConnectGate,
  ) {}

  current(
    instanceArn: string,
    agentId: string,
  ): Promise<(ObservedStatus & { kind: StatusKind }) | undefined> {
    return this.gate.call('RESTORE', 'GetCurrentUserData', () => this.inner.current(instanceArn, agentId));
  }
}
