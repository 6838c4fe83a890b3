/**
 * When the countdown is spoken. A screen reader reading every second would drown the agent, so
 * the polite live region speaks at moments only: each whole minute, 30 s, 10 s and time up, and
 * when a wrap-up starts, is extended or ends.
 */
import { spokenDuration } from './clock';

/** Seconds left at which the countdown is announced, below the minutes. */
const LAST_MOMENTS = [30, 10, 0] as const;

/**
 * The announcement moment crossed between two readings of the countdown (seconds left), or
 * undefined. A moment `t` is crossed when `previous > t >= current`. When several were crossed at
 * once (the tab slept), only the latest is worth saying. No moment on the first reading: the start
 * has its own announcement.
 */
export function crossedMoment(previous: number | undefined, current: number): number | undefined {
  if (previous === undefined || current >= previous) return undefined;
  // The lowest moment at or above `current`: one of the last moments, or the next whole minute.
  const lowest = Math.min(
    ...LAST_MOMENTS.filter((t) => t >= current),
    Math.max(60, Math.ceil(current / 60) * 60),
  );
  return lowest < previous ? lowest : undefined;
}

/** What is said at a moment; `subject` names the wrap-up when the agent has several (e.g. "Chat"). */
export function momentText(secondsLeft: number, subject?: string): string {
  const prefix = subject ? `${subject}: ` : '';
  if (secondsLeft <= 0) return `${prefix}wrap-up time is up`;
  return `${prefix}${spokenDuration(secondsLeft)} of wrap-up left`;
}

/** Said when a wrap-up appears. */
export function startedText(channel: string, secondsLeft: number | null): string {
  const left = secondsLeft === null ? 'no time limit' : `${spokenDuration(secondsLeft)} left`;
  return `Wrap-up started for the ${channel.toLowerCase()} contact: ${left}`;
}

/** Said after Extend. */
export function extendedText(secondsLeft: number | null): string {
  return secondsLeft === null ? 'Wrap-up extended' : `Wrap-up extended: ${spokenDuration(secondsLeft)} left`;
}
