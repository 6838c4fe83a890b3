/**
 * Issue 13, R17: a wrap-up that completes after its day was rolled up. The roll-up reads a day's
 * complete sessions once, `ROLL_UP_SETTLE_MS` after the day ends (reports.ts `rollUp`); a session
 * that started that day and completes later (a long or untimed wrap-up, a close the sweep
 * finished late) would be missing from the day's cells for good. So the write that completes it
 * first marks its day (`LateCompletions.mark`), and the next roll-up rolls the day up again.
 *
 * Only this small module is in the wrap-up functions' bundles, not the reports.
 */

const MS_PER_DAY = 86_400_000;

/** How long after a day ends it is rolled up: sessions started before midnight complete after it. */
export const ROLL_UP_SETTLE_MS = 2 * 3_600_000;

/** Where the days to roll up again are marked (the session table's `#REPORT#LATE` partition). */
export interface LateCompletions {
  /** Marks `day` (YYYY-MM-DD, UTC) to be rolled up again, as of `at` (a later mark replaces it). */
  mark(day: string, at: Date): Promise<void>;
}

/**
 * The UTC day (YYYY-MM-DD) a session that started at `startedAt` belongs to in the reports, when
 * completing it at `completedAt` comes too late for that day's roll-up; else undefined.
 */
export function lateRollUpDay(
  startedAt: string,
  completedAt: Date,
  settleMs = ROLL_UP_SETTLE_MS,
): string | undefined {
  // The day as the byQueueDay index files the session (session-keys.ts `queueDayOf`).
  const day = startedAt.slice(0, 10);
  const dayStart = Date.parse(`${day}T00:00:00.000Z`);
  if (Number.isNaN(dayStart)) return undefined;
  return completedAt.getTime() < dayStart + MS_PER_DAY + settleMs ? undefined : day;
}
