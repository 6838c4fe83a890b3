/**
 * Countdown and clock-skew arithmetic. The deadline is the server's; the browser's clock may be
 * off by seconds or minutes, so every answer's `serverTime` and the request's round trip give an
 * offset (server time ≈ local time + offset) and the countdown runs on the corrected clock.
 *
 * Pure: times are passed in as epoch milliseconds.
 */

/** One measurement: the answer's serverTime and when the request left and its answer arrived (local). */
export interface ClockSample {
  /** `serverTime` of the answer, epoch ms. */
  readonly serverTime: number;
  /** Local time the request was sent, epoch ms. */
  readonly sentAt: number;
  /** Local time the answer arrived, epoch ms. */
  readonly receivedAt: number;
}

/** The estimated offset of the server's clock from the local one. */
export interface ServerClock {
  /** Server time minus local time, ms. */
  readonly offsetMs: number;
  /** How far off the offset may be: half the round trip, ms. */
  readonly uncertaintyMs: number;
  /** Local time of the measurement, epoch ms. */
  readonly measuredAt: number;
}

/** No measurement yet: trust the local clock. */
export const LOCAL_CLOCK: ServerClock = {
  offsetMs: 0,
  uncertaintyMs: Number.POSITIVE_INFINITY,
  measuredAt: 0,
};

/**
 * The server stamped `serverTime` somewhere between sending and receiving: the midpoint of the
 * round trip is the best guess (NTP's reasoning), off by at most half the round trip.
 */
export function measure(sample: ClockSample): ServerClock {
  const roundTrip = Math.max(0, sample.receivedAt - sample.sentAt);
  const midpoint = sample.sentAt + roundTrip / 2;
  return {
    offsetMs: sample.serverTime - midpoint,
    uncertaintyMs: roundTrip / 2,
    measuredAt: sample.receivedAt,
  };
}

/** An older, tighter measurement is kept for at most this long. */
const KEEP_TIGHTER_MS = 5 * 60_000;

/**
 * Keeps the more precise of two measurements, unless they disagree by more than their combined
 * uncertainty (one of the clocks was changed, or the machine slept) or the kept one is old:
 * then the new one wins.
 */
export function combine(previous: ServerClock, next: ServerClock): ServerClock {
  if (!Number.isFinite(previous.uncertaintyMs)) return next;
  const disagree =
    Math.abs(next.offsetMs - previous.offsetMs) > previous.uncertaintyMs + next.uncertaintyMs + 1000;
  const stale = next.measuredAt - previous.measuredAt > KEEP_TIGHTER_MS;
  if (disagree || stale || next.uncertaintyMs <= previous.uncertaintyMs) return next;
  return previous;
}

/** The server's time now, epoch ms. */
export function serverNow(clock: ServerClock, localNow: number): number {
  return localNow + clock.offsetMs;
}

/** Milliseconds to the deadline on the server's clock (negative once passed); null without deadline. */
export function msLeft(deadline: string | null, clock: ServerClock, localNow: number): number | null {
  if (deadline === null) return null;
  const at = Date.parse(deadline);
  if (Number.isNaN(at)) return null;
  return at - serverNow(clock, localNow);
}

/** Whole seconds left, rounded up (as the API's `secondsLeft`), never below 0; null without deadline. */
export function secondsLeft(deadline: string | null, clock: ServerClock, localNow: number): number | null {
  const ms = msLeft(deadline, clock, localNow);
  return ms === null ? null : Math.max(0, Math.ceil(ms / 1000));
}

/** A countdown as digits: `9:05`, `0:09`, `1:02:03`. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
}

/** A duration in words, as a screen reader should say it: `2 minutes 5 seconds`, `1 minute`, `10 seconds`. */
export function spokenDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const part = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const parts = [
    hours > 0 ? part(hours, 'hour') : '',
    minutes > 0 ? part(minutes, 'minute') : '',
    rest > 0 || s === 0 ? part(rest, 'second') : '',
  ];
  return parts.filter(Boolean).join(' ');
}
