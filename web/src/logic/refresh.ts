/**
 * When the pages ask the API again, and which answer wins. The state always comes from the API
 * (a reload loses nothing); an answer that may predate the agent's last action is dropped, so a
 * slow poll never brings back the deadline an Extend just moved.
 */
import { keyOf, type WrapUp } from './wrap-up';

/** Refresh delays, ms. */
export const REFRESH = {
  /** A wrap-up is open: the countdown and the supervisor's changes stay current. */
  open: 5_000,
  /** A countdown reached 0: ask until the server has closed it (within about 2 s, R13). */
  expired: 1_000,
  /** Nothing open: a safety net for a missed Connect event. */
  idle: 30_000,
  /** The supervisor board. */
  board: 5_000,
  /** Longest wait after failures. */
  maxBackoff: 30_000,
} as const;

/** What the next refresh depends on. */
export interface RefreshInput {
  /** Open wrap-ups shown. */
  readonly open: number;
  /** One of them has a countdown at 0. */
  readonly expired: boolean;
  /** Failed refreshes in a row. */
  readonly failures: number;
  /** The page's own period when something is open (the board's), default REFRESH.open. */
  readonly period?: number;
}

/** Milliseconds until the next refresh: fast while expired, every few seconds while open, backing off on failures. */
export function refreshDelayMs(input: RefreshInput): number {
  if (input.failures > 0) {
    return Math.min(REFRESH.maxBackoff, 2_000 * 2 ** Math.min(input.failures - 1, 4));
  }
  if (input.expired) return REFRESH.expired;
  return input.open > 0 ? (input.period ?? REFRESH.open) : REFRESH.idle;
}

/**
 * After Connect says a wrap-up started, the contact event still has to reach the backend (a few
 * seconds): ask again at these delays (ms after the event) until the wrap-up shows.
 */
export const ACW_STARTED_RETRIES: readonly number[] = [300, 1_500, 3_000, 6_000, 10_000, 20_000];

/**
 * Whether a list answer may replace what is shown: not when its request left before the answer
 * of the last action arrived, because the server may have answered it with the state before the action.
 */
export function acceptList(listSentAt: number, lastActionAnsweredAt: number): boolean {
  return listSentAt >= lastActionAnsweredAt;
}

/**
 * The list after an action's answer: the returned wrap-up replaces its old self, or leaves the
 * list when it has ended (a closed one is no longer in wrap-up).
 */
export function withResult(list: readonly WrapUp[], result: WrapUp): WrapUp[] {
  const key = keyOf(result);
  if (result.state !== 'WRAP_UP') return list.filter((w) => keyOf(w) !== key);
  const found = list.some((w) => keyOf(w) === key);
  return found ? list.map((w) => (keyOf(w) === key ? result : w)) : [...list, result];
}

/** Wrap-ups in `next` that were not in `previous`: the ones to announce as started. */
export function newlyOpened(previous: readonly WrapUp[], next: readonly WrapUp[]): WrapUp[] {
  const known = new Set(previous.map(keyOf));
  return next.filter((w) => !known.has(keyOf(w)));
}

/** Wrap-ups of `previous` gone from `next`: ended (by the timer, the agent, a supervisor, R8-R11). */
export function gone(previous: readonly WrapUp[], next: readonly WrapUp[]): WrapUp[] {
  const kept = new Set(next.map(keyOf));
  return previous.filter((w) => !kept.has(keyOf(w)));
}
