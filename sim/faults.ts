/**
 * What can go wrong in the simulated account (a scenario's `faults`), and the machinery the
 * simulated services use to apply it: Connect's quotas (a token bucket per API on the virtual
 * clock) and the AWS SDK's retries (as the deployed DynamoDB client is configured), whose backoff
 * is slept on the virtual clock so that a faulty run is no slower in real time.
 *
 * Every fault draws from its own seeded stream (`Random.fork`), so one fault's draws never shift
 * another's, and a run without faults draws exactly what it drew before faults existed.
 */
import type { VirtualClock } from './clock';
import type { Random } from './random';

/** A scenario's `faults`: every field optional, absent = that fault never happens. */
export interface Faults {
  /** Probability that a Connect API call fails with ThrottlingException (429). */
  readonly connectThrottleRate?: number | undefined;
  /**
   * Connect's account quotas: requests per second of each Connect API (operation), each API with
   * its own bucket, burst ceil(2.5 × rate).
   */
  readonly connectRatePerSecond?: number | undefined;
  /** Probability that one DynamoDB request attempt fails with a retryable error. */
  readonly dynamoErrorRate?: number | undefined;
  /** Probability that a Scheduler schedule or a due-queue timer message is lost (never fires). */
  readonly lostTimerRate?: number | undefined;
  /** Probability that a contact event, an agent event or a timer firing is delivered twice. */
  readonly duplicateRate?: number | undefined;
  /** Each contact event and agent event is delivered after a random delay in [0, this] seconds. */
  readonly reorderWindowSeconds?: number | undefined;
}

/** A fault that strikes with probability `rate`, drawn from its own stream. */
export interface Chance {
  readonly rate: number;
  readonly random: Random;
}

/** Whether the fault strikes this time (never when it is not set). */
export function strikes(fault: Chance | undefined): boolean {
  return fault?.random.chance(fault.rate) ?? false;
}

/** Connect's documented PutUserStatus quota is 2 requests/s with a burst of 5: burst = 2.5 × rate. */
export const BURST_PER_RATE = 2.5;

/** The bucket size of a quota of `ratePerSecond`. */
export function burstOf(ratePerSecond: number): number {
  return Math.ceil(BURST_PER_RATE * ratePerSecond);
}

/**
 * A token bucket on the virtual clock: `ratePerSecond` tokens a second, at most `burst` held.
 * The virtual clock runs everything in time order, so calls arrive in time order; should one be
 * stamped earlier than the last, it takes from what is left (refills are credited only when time
 * moves forward, so every second is credited once).
 */
export class TokenBucket {
  private tokens: number;
  private last: number | undefined;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = burstOf(ratePerSecond),
  ) {
    this.tokens = burst;
  }

  /** Takes a token at `atMs`; false when there is none. */
  take(atMs: number): boolean {
    if (this.last === undefined) this.last = atMs;
    if (atMs > this.last) {
      this.tokens = Math.min(this.burst, this.tokens + ((atMs - this.last) / 1000) * this.ratePerSecond);
      this.last = atMs;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Connect's quotas, one token bucket per API: Connect sets its API quotas per API, per account
 * and Region (API reference, best practices), so a call of one operation never spends another's
 * budget. Every API gets the same rate and burst here (`faults.connectRatePerSecond`); a bucket is
 * made, full, at its API's first call.
 */
export class ApiQuotas {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number = burstOf(ratePerSecond),
  ) {}

  /** Takes a token of `api` (an operation name, `PutUserStatus`) at `atMs`; false when it has none. */
  take(api: string, atMs: number): boolean {
    let bucket = this.buckets.get(api);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst);
      this.buckets.set(api, bucket);
    }
    return bucket.take(atMs);
  }

  /** The APIs called so far, each with its own bucket. */
  get apis(): string[] {
    return [...this.buckets.keys()];
  }
}

/**
 * The deployed DynamoDB client's retry budget (lambda/handlers/runtime.ts: `maxAttempts: 5`,
 * adaptive mode). The simulator retries as the SDK's standard strategy does; the adaptive mode's
 * client-side rate limiter (which learns from throttling, per Lambda container, on the real
 * clock) is not simulated. (The deployed Connect client makes one attempt: the quota gate retries.)
 */
export const DEPLOYED_MAX_ATTEMPTS = 5;

/** The SDK's backoff (util-retry, 2026 defaults): base 50 ms, 1 s after throttling, capped at 20 s. */
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 20_000;

/** How the SDK classifies an error for retrying (service-error-classification). */
export type RetryErrorType = 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const TRANSIENT_STATUS = new Set([500, 502, 503, 504]);

/** The SDK's classification of an error, reduced to the errors the simulated services raise. */
export function retryErrorTypeOf(error: unknown): RetryErrorType {
  if (error === null || typeof error !== 'object') return 'CLIENT_ERROR';
  const { name, $metadata } = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  if (status === 429 || (typeof name === 'string' && THROTTLING_NAMES.has(name))) return 'THROTTLING';
  if (typeof status === 'number' && TRANSIENT_STATUS.has(status)) return 'TRANSIENT';
  if (typeof status === 'number' && status >= 500 && status <= 599) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** The SDK retries only throttling and transient errors (StandardRetryStrategy.isRetryableError). */
function isRetryable(type: string): boolean {
  return type === 'THROTTLING' || type === 'TRANSIENT';
}

export interface VirtualRetryProps {
  readonly clock: VirtualClock;
  /** Draws the backoff jitter. */
  readonly random: Random;
  readonly maxAttempts?: number;
  /** How the backoff is slept (default `clock.sleep`). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told of every retry (for the bench's counters). */
  readonly onRetry?: (type: RetryErrorType) => void;
}

/** The backoff before retry number `retryCount + 1`, as the SDK computes it (full jitter). */
function backoffMs(random: Random, type: string, retryCount: number): number {
  const base = type === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random.float() * Math.min(base * 2 ** retryCount, MAX_DELAY_MS));
}

/** A retry token as the SDK's retry middleware reads it. */
interface VirtualRetryToken {
  getRetryCount(): number;
  /** Always 0: the backoff was slept on the virtual clock already, the middleware waits no real time. */
  getRetryDelay(): number;
}

function tokenOf(retryCount: number): VirtualRetryToken {
  return { getRetryCount: () => retryCount, getRetryDelay: () => 0 };
}

/**
 * An SDK v3 retry strategy (RetryStrategyV2) for a real SDK client in the simulator: the standard
 * strategy's decisions and backoff, slept on the virtual clock (so the invocation's time moves on
 * as it would) while the SDK's own wait is 0 ms of real time. The retry quota (500 tokens) is not
 * simulated: at the fault rates a scenario sets it is never exhausted within a function's life.
 */
export class VirtualRetryStrategy {
  readonly mode = 'standard';
  private readonly maxAttempts: number;

  constructor(private readonly props: VirtualRetryProps) {
    this.maxAttempts = props.maxAttempts ?? DEPLOYED_MAX_ATTEMPTS;
  }

  async acquireInitialRetryToken(_scope: string): Promise<VirtualRetryToken> {
    return tokenOf(0);
  }

  async refreshRetryTokenForRetry(
    token: VirtualRetryToken,
    errorInfo: { readonly errorType: string },
  ): Promise<VirtualRetryToken> {
    const retryCount = token.getRetryCount();
    if (!isRetryable(errorInfo.errorType) || retryCount + 1 >= this.maxAttempts) {
      throw new Error('No retry token available');
    }
    this.props.onRetry?.(errorInfo.errorType as RetryErrorType);
    const sleep = this.props.sleep ?? ((ms: number) => this.props.clock.sleep(ms));
    await sleep(backoffMs(this.props.random, errorInfo.errorType, retryCount));
    return tokenOf(retryCount + 1);
  }

  recordSuccess(_token: VirtualRetryToken): void {}
}
