/**
 * R13: how an end timer lands within 2 s after its deadline although EventBridge Scheduler fires
 * anywhere inside the scheduled minute.
 *
 * 1. Arm: when the deadline is far enough away, a one-time schedule is set for the whole minute
 *    *before* the deadline's minute, so it fires at or before the deadline, never after it
 *    (fires in [floor(deadline) - 60 s, floor(deadline)), i.e. 0-120 s early). A wrap-up too short
 *    for that (the minute before the deadline's has already begun) skips Scheduler and goes
 *    straight to step 2, since an SQS delay of up to 15 minutes covers it.
 * 2. Close the gap: the fired timer puts a message on the due queue with `DelaySeconds` set to the
 *    whole seconds left less `DELIVERY_ALLOWANCE_MS`, rounded down, so it arrives 0.3-1.3 s before
 *    the deadline whatever the queue's delivery latency (at most 300 ms; SQS delay has
 *    whole-second precision). The in-process wait that follows is billed: it is kept short.
 * 3. The due handler waits out the last fraction (at most `FINAL_WAIT_MS`) and ends the session.
 */

/** Longest SQS message delay. */
export const MAX_SQS_DELAY_SECONDS = 900;
/** A timer this close to its deadline ends the session after a short in-process wait. */
export const FINAL_WAIT_MS = 2_000;
/** How early a delayed message is aimed, to absorb the due queue's delivery latency. */
export const DELIVERY_ALLOWANCE_MS = 300;

const MINUTE_MS = 60_000;

/** What to do to have a session end at `deadline`. */
export type TimerPlan =
  | { readonly kind: 'schedule'; readonly at: Date }
  | { readonly kind: 'delay'; readonly delaySeconds: number };

/** What a timer firing at `now` should do about `deadline`. */
export type TimerStep =
  | { readonly kind: 'end'; readonly waitMs: number }
  | { readonly kind: 'delay'; readonly delaySeconds: number };

/** Step 1: a Scheduler schedule, or a direct SQS delay for short wrap-ups. */
export function planTimer(now: Date, deadline: Date): TimerPlan {
  const fireMinute = floorToMinute(deadline.getTime()) - MINUTE_MS;
  // The schedule's minute must not have begun: Scheduler may skip or delay a schedule set for the
  // minute it is already in.
  if (fireMinute >= floorToMinute(now.getTime()) + MINUTE_MS) {
    return { kind: 'schedule', at: new Date(fireMinute) };
  }
  return { kind: 'delay', delaySeconds: delayFor(now, deadline) };
}

/** Steps 2 and 3: wait a little and end, or come back closer to the deadline. */
export function stepTimer(now: Date, deadline: Date): TimerStep {
  const remaining = deadline.getTime() - now.getTime();
  if (remaining <= FINAL_WAIT_MS) return { kind: 'end', waitMs: Math.max(0, remaining) };
  return { kind: 'delay', delaySeconds: delayFor(now, deadline) };
}

/**
 * Whole seconds that bring a message in between 1.3 s and 0.3 s before the deadline, so that the
 * queue's delivery latency (well under a second) is spent waiting, not added to the lateness.
 */
function delayFor(now: Date, deadline: Date): number {
  const seconds = Math.floor((deadline.getTime() - now.getTime() - DELIVERY_ALLOWANCE_MS) / 1000);
  return Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, seconds));
}

function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** Formats a time as Scheduler's one-time expression, `at(yyyy-mm-ddThh:mm:ss)` in UTC. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}
