/**
 * The bench's arithmetic over a run's output (issue 11, "An honest bench"): only figures that can
 * fail. Pure: times are epoch milliseconds, passed in.
 *
 * - hold: from a leg's disconnect (the contact event's disconnectTimestamp) to the agent's Wrap Up
 *   status change in the simulated Connect;
 * - restore lateness: from the session's deadline to the status change that put the agent back
 *   (the routable status, or the one they chose, R19), never the close stamp (at the deadline by
 *   construction);
 * - records: from the close to the wrap-up record on the contact (R17), unwritten ones counted;
 * - backlog: legs disconnected but not yet held, sampled every simulated minute, and its slope;
 * - invocations past their timeout: the simulator runs every invocation to its end, however long
 *   it waits, where Lambda would stop it at its function's timeout; so a figure resting on one is
 *   not a figure, and the bench counts them.
 */

/** Nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * Nearest-rank percentile where `missing` values never arrived (they sort after every value):
 * Infinity when the rank falls among them, so that a figure with too many missing cannot pass.
 */
export function percentileWithMissing(sorted: readonly number[], missing: number, p: number): number {
  const total = sorted.length + missing;
  if (total === 0) return Number.NaN;
  const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
  return rank <= sorted.length ? (sorted[rank - 1] ?? Number.NaN) : Number.POSITIVE_INFINITY;
}

/** An agent leg that must be held in wrap-up: who, and when their contact disconnected. */
export interface Leg {
  readonly key: string;
  readonly agentId: string;
  readonly disconnectedAt: number;
}

/** A status the simulated Connect set, when it took effect. */
export interface StatusAt {
  readonly agentId: string;
  readonly status: string;
  readonly at: number;
}

/**
 * When each leg's agent was put in `wrapUpStatus`: their first such change at or after the
 * disconnect and before their next leg's disconnect (so a later contact's hold is never counted
 * for this one). Undefined: never held.
 */
export function holdTimes(
  legs: readonly Leg[],
  changes: readonly StatusAt[],
  wrapUpStatus = 'Wrap Up',
): Map<string, number | undefined> {
  const holds = new Map<string, number[]>();
  for (const change of changes) {
    if (change.status !== wrapUpStatus) continue;
    const times = holds.get(change.agentId) ?? [];
    times.push(change.at);
    holds.set(change.agentId, times);
  }
  for (const times of holds.values()) times.sort((a, b) => a - b);
  const byAgent = new Map<string, Leg[]>();
  for (const leg of legs) byAgent.set(leg.agentId, [...(byAgent.get(leg.agentId) ?? []), leg]);
  const result = new Map<string, number | undefined>();
  for (const [agentId, agentLegs] of byAgent) {
    const ordered = [...agentLegs].sort((a, b) => a.disconnectedAt - b.disconnectedAt);
    const times = holds.get(agentId) ?? [];
    ordered.forEach((leg, index) => {
      const next = ordered[index + 1]?.disconnectedAt ?? Number.POSITIVE_INFINITY;
      result.set(
        leg.key,
        times.find((at) => at >= leg.disconnectedAt && at < next),
      );
    });
  }
  return result;
}

/** An interval during which something waited: from `from` until `to` (undefined: still waiting). */
export interface Waiting {
  readonly from: number;
  readonly to: number | undefined;
}

/** How many were waiting at each sample time `start + k * stepMs` (k = 0 .. while <= end). */
export function backlogSamples(
  waiting: readonly Waiting[],
  start: number,
  end: number,
  stepMs: number,
): number[] {
  const samples: number[] = [];
  for (let at = start; at <= end; at += stepMs) {
    samples.push(
      waiting.filter((entry) => entry.from <= at && (entry.to === undefined || entry.to > at)).length,
    );
  }
  return samples;
}

/** Least-squares slope of evenly spaced samples, per sample step (0 with fewer than two). */
export function slope(samples: readonly number[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((sum, value) => sum + value, 0) / n;
  let numerator = 0;
  let denominator = 0;
  samples.forEach((value, index) => {
    numerator += (index - meanX) * (value - meanY);
    denominator += (index - meanX) ** 2;
  });
  return numerator / denominator;
}

/** Sorted ascending copy. */
export function sorted(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** One invocation's span, as the simulator records it (`Invocation`). */
export interface InvocationSpan {
  readonly fn: string;
  readonly at: number;
  readonly endedAt: number;
}

/** How long one handler's invocations ran beside its function's timeout. */
export interface InvocationLengths {
  readonly count: number;
  readonly maxMs: number;
  readonly timeoutMs: number;
  /** Invocations that ran longer than the timeout: Lambda would have stopped them. */
  readonly pastTimeout: number;
}

/** By handler: the longest invocation and how many outran `timeoutMsOf(handler)`. */
export function invocationLengths(
  invocations: Iterable<InvocationSpan>,
  timeoutMsOf: (fn: string) => number,
): Record<string, InvocationLengths> {
  const byFn: Record<string, InvocationLengths> = {};
  for (const { fn, at, endedAt } of invocations) {
    const ms = endedAt - at;
    const timeoutMs = timeoutMsOf(fn);
    const seen = byFn[fn] ?? { count: 0, maxMs: 0, timeoutMs, pastTimeout: 0 };
    byFn[fn] = {
      count: seen.count + 1,
      maxMs: Math.max(seen.maxMs, ms),
      timeoutMs,
      pastTimeout: seen.pastTimeout + (ms > timeoutMs ? 1 : 0),
    };
  }
  return byFn;
}
