/**
 * R22: calibration. How long agents actually needed for their wrap-ups, per queue and channel, and
 * the window that follows from it. Pure: the sessions and the period are passed in.
 *
 * 1. Each ended wrap-up becomes a time (start to end) and what that time says:
 *    - an *observation* when the agent ended it (All Done, another status, an outbound call): the
 *      agent needed exactly that long;
 *    - *censored* when the system ended it first (the timer, the sweep, the kill switch, a contact
 *      connected to the agent): the agent needed at least that long, perhaps longer. Counting it as
 *      an observation would pull every estimate towards the window already set;
 *    - left out when it says nothing about the time needed: a late event (the agent was never
 *      held) and an agent gone offline (closed at the deadline, whenever the agent left).
 * 2. Per queue and channel, the Kaplan-Meier estimate of the share still wrapping up after t
 *    seconds (the survival curve), which uses censored times as the lower bounds they are.
 * 3. Its median and 80th percentile; a quantile the curve never falls to cannot be estimated.
 * 4. The recommendation is withheld below a minimum sample, or when more than half the wrap-ups
 *    were censored: only then can the median fail to be estimated.
 * 5. The change in agent hours a day if the window were set to the median (see agentHoursPerDay).
 */
import type { EndReason } from './session';

/** Below this many ended wrap-ups a queue and channel get no recommendation. */
export const DEFAULT_MIN_SAMPLE = 30;

const MS_PER_DAY = 86_400_000;
/** Products of ratios are not exact: a curve at 0.5000000000000001 has reached one half. */
const EPSILON = 1e-9;

/**
 * What calibration reads of a wrap-up session. The simulator's output sessions, the table's
 * sessions (`Session`) and the CLI's file all have this shape.
 */
export interface WrapUpRecord {
  /** Absent (null) for outbound contacts: they form their own group. */
  readonly queueId?: string | null | undefined;
  readonly channel: string;
  /** ISO-8601: the wrap-up began (the agent's leg of the contact ended). */
  readonly startedAt: string;
  /** ISO-8601; absent while the wrap-up is open. */
  readonly endedAt?: string | null | undefined;
  readonly endReason?: EndReason | null | undefined;
  /** ISO-8601, moved later by each extension; absent in `untimed` mode. */
  readonly deadline?: string | null | undefined;
  readonly extensionsUsed: number;
  /** The policy the wrap-up followed, where known (the table has it, the simulator's output does not). */
  readonly policy?: { readonly durationSeconds: number; readonly mode: string } | undefined;
}

/** One queue and channel's recommendation: the public contract of `npm run recommend` and the API. */
export interface Recommendation {
  readonly queueId: string | null;
  readonly channel: string;
  /** Every session of the queue and channel (issue 13's contract), whatever its end. */
  readonly sampleSize: number;
  /** Of those, the ones the timer ended (`TIMER`). */
  readonly censored: number;
  /** Seconds by which half the agents had finished; null when withheld. */
  readonly medianSeconds: number | null;
  /** Seconds by which four in five had finished ("rarely rushed"); null when withheld or not estimable. */
  readonly p80Seconds: number | null;
  /** The window of the latest wrap-ups (their policy's `durationSeconds`); null when untimed or unknown. */
  readonly currentSeconds: number | null;
  /** Agent hours a day gained (negative: saved) with the window at the median; null when withheld or no current window. */
  readonly agentHoursPerDayChange: number | null;
  readonly withheld: boolean;
  /** Why it is withheld; null when it is not. */
  readonly reason: string | null;
}

export interface CalibrationOptions {
  /** Fewer ended wrap-ups than this withhold a recommendation. @default 30 */
  readonly minSample?: number;
  /**
   * The days the sessions cover, to turn them into contacts a day. @default the span from the
   * earliest to the latest start, at least one day (a shorter file counts as one day's contacts)
   */
  readonly periodDays?: number;
}

/** What one ended wrap-up's time says about the time the agent needed. */
export type Outcome = 'observed' | 'censored' | 'excluded';

/** Step 1: which end reasons are observations, which are censored, which say nothing. */
export function outcomeOf(endReason: EndReason): Outcome {
  switch (endReason) {
    case 'AGENT_DONE':
    case 'STATUS_CHANGED':
    case 'OUTBOUND':
      return 'observed';
    case 'TIMER':
    case 'SWEEP':
    case 'KILL_SWITCH':
    // A contact connected to the agent took them away from a wrap-up they had not ended.
    case 'INTERRUPTED':
      return 'censored';
    case 'LATE_EVENT':
    case 'AGENT_OFFLINE':
      return 'excluded';
  }
}

/** A wrap-up's time, and whether the agent was seen to finish in it. */
export interface TimedEnd {
  readonly seconds: number;
  readonly observed: boolean;
  /** How many wrap-ups ended so (a histogram's bucket, lambda/core/reports.ts). @default 1 */
  readonly count?: number;
}

/** One step of the survival curve: at `seconds`, `ended` of the `atRisk` agents finished. */
export interface SurvivalStep {
  readonly seconds: number;
  readonly atRisk: number;
  readonly ended: number;
  /** The estimated share of agents still needing time after `seconds`. */
  readonly survival: number;
}

/**
 * Step 2: the Kaplan-Meier survival curve, one step per time at which an agent finished. A time
 * censored at the same second as an observation is still at risk at that second (the usual
 * convention: the censored agent was still working when the other finished).
 */
export function kaplanMeier(ends: readonly TimedEnd[]): SurvivalStep[] {
  const sorted = [...ends].sort((a, b) => a.seconds - b.seconds);
  const curve: SurvivalStep[] = [];
  let atRisk = sorted.reduce((sum, end) => sum + (end.count ?? 1), 0);
  let survival = 1;
  let index = 0;
  while (index < sorted.length) {
    const seconds = sorted[index]?.seconds ?? 0;
    let ended = 0;
    let leaving = 0;
    for (; index < sorted.length && sorted[index]?.seconds === seconds; index++) {
      const count = sorted[index]?.count ?? 1;
      if (sorted[index]?.observed) ended += count;
      leaving += count;
    }
    if (ended > 0) {
      survival *= (atRisk - ended) / atRisk;
      curve.push({ seconds, atRisk, ended, survival });
    }
    atRisk -= leaving;
  }
  return curve;
}

/**
 * Step 3: the time by which the share `p` of agents had finished: the first step where the curve
 * is at or below 1 - p. Null when it never gets there (too many agents still wrapping up when the
 * last of them was seen).
 */
export function quantileOf(curve: readonly SurvivalStep[], p: number): number | null {
  const step = curve.find((candidate) => candidate.survival <= 1 - p + EPSILON);
  return step === undefined ? null : step.seconds;
}

/**
 * The mean time agents would be held under a window of `limit` seconds, each ending at the window
 * or when done, whichever comes first: the area under the curve from 0 to `limit`. Past the last
 * step the curve is taken as flat (the agents not yet seen to finish are held to the window).
 */
export function restrictedMeanSeconds(curve: readonly SurvivalStep[], limit: number): number {
  let area = 0;
  let from = 0;
  let survival = 1;
  for (const step of curve) {
    if (step.seconds >= limit) break;
    area += survival * (step.seconds - from);
    from = step.seconds;
    survival = step.survival;
  }
  return area + survival * Math.max(0, limit - from);
}

/**
 * Step 5: agent hours a day that setting the window from `currentSeconds` to `recommendedSeconds`
 * adds (negative: frees), at `contactsPerDay`: (held time per contact under the recommended window
 * - under the current one) x contacts a day / 3600. The held time per contact is the restricted
 * mean, not the window: agents who finish earlier end earlier under either window. Extensions are
 * left out (agents may extend under either).
 */
export function agentHoursPerDay(
  curve: readonly SurvivalStep[],
  currentSeconds: number,
  recommendedSeconds: number,
  contactsPerDay: number,
): number {
  const perContact =
    restrictedMeanSeconds(curve, recommendedSeconds) - restrictedMeanSeconds(curve, currentSeconds);
  return (perContact * contactsPerDay) / 3600;
}

/** Steps 1-5 for every queue and channel found in `records`, ordered by queue (outbound last), then channel. */
export function recommend(
  records: Iterable<WrapUpRecord>,
  options: CalibrationOptions = {},
): Recommendation[] {
  const minSample = options.minSample ?? DEFAULT_MIN_SAMPLE;
  if (!Number.isInteger(minSample) || minSample < 1) {
    throw new RangeError(`minSample must be a whole number of at least 1, got ${minSample}`);
  }
  if (options.periodDays !== undefined && !(options.periodDays > 0)) {
    throw new RangeError(`periodDays must be more than 0, got ${options.periodDays}`);
  }

  const groups = new Map<string, { queueId: string | null; channel: string; records: WrapUpRecord[] }>();
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const queueId = record.queueId ?? null;
    const key = JSON.stringify([queueId, record.channel]);
    const group = groups.get(key) ?? { queueId, channel: record.channel, records: [] };
    group.records.push(record);
    groups.set(key, group);
    const started = Date.parse(record.startedAt);
    earliest = Math.min(earliest, started);
    latest = Math.max(latest, started);
  }
  const periodDays = options.periodDays ?? Math.max(1, (latest - earliest) / MS_PER_DAY);

  return [...groups.values()]
    .sort((a, b) => compareQueues(a.queueId, b.queueId) || compareText(a.channel, b.channel))
    .map((group) => recommendFor(group.queueId, group.channel, group.records, minSample, periodDays));
}

function recommendFor(
  queueId: string | null,
  channel: string,
  records: readonly WrapUpRecord[],
  minSample: number,
  periodDays: number,
): Recommendation {
  const ends: TimedEnd[] = [];
  for (const record of records) {
    if (!record.endedAt || !record.endReason) continue;
    const outcome = outcomeOf(record.endReason);
    if (outcome === 'excluded') continue;
    const seconds = (Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000;
    ends.push({ seconds, observed: outcome === 'observed' });
  }
  // The contract's counts: every session, and those the timer ended. The estimate uses `ends`: the
  // sessions whose time says something, observed or censored (the sweep's and the kill switch's
  // ends, and interruptions, are censored too).
  return recommendationOf(
    {
      queueId,
      channel,
      sampleSize: records.length,
      censored: records.filter((record) => record.endReason === 'TIMER').length,
      currentSeconds: currentWindow(records),
      ends,
    },
    minSample,
    periodDays,
  );
}

/** What steps 2-5 read of one queue and channel: its counts, its current window and its timed ends. */
export interface CalibrationSample {
  readonly queueId: string | null;
  readonly channel: string;
  /** Every session. */
  readonly sampleSize: number;
  /** The sessions the timer ended. */
  readonly censored: number;
  readonly currentSeconds: number | null;
  /** The ends whose time says something (step 1), each weighted by its `count`. */
  readonly ends: readonly TimedEnd[];
}

/**
 * Steps 2-5 for one queue and channel: from raw sessions (`recommend`) or from the reports'
 * roll-up histograms (lambda/core/reports.ts), which give the same sample in whole seconds.
 */
export function recommendationOf(
  sample: CalibrationSample,
  minSample: number,
  periodDays: number,
): Recommendation {
  const { queueId, channel, sampleSize, censored, currentSeconds, ends } = sample;
  const usable = ends.reduce((sum, end) => sum + (end.count ?? 1), 0);
  const censoredEnds = ends.reduce((sum, end) => sum + (end.observed ? 0 : (end.count ?? 1)), 0);
  const withheldAs = (reason: string): Recommendation => ({
    queueId,
    channel,
    sampleSize,
    censored,
    medianSeconds: null,
    p80Seconds: null,
    currentSeconds,
    agentHoursPerDayChange: null,
    withheld: true,
    reason,
  });

  if (usable < minSample) {
    return withheldAs(
      `only ${usable} ended wrap-ups say how long the agent needed (of ${sampleSize} sessions); at least ${minSample} are needed`,
    );
  }
  const curve = kaplanMeier(ends);
  // With at most half censored the curve always falls to one half (each censored wrap-up passes
  // its weight on to the later ones, never past the last), so "more than half censored" and "the
  // median cannot be estimated" are one condition; the null check keeps the type honest.
  const medianSeconds = censoredEnds * 2 > usable ? null : quantileOf(curve, 0.5);
  if (medianSeconds === null) {
    return withheldAs(
      `${censoredEnds} of ${usable} wrap-ups were ended by the system before the agent was done: with more than half censored, the median time needed cannot be estimated`,
    );
  }
  return {
    queueId,
    channel,
    sampleSize,
    censored,
    medianSeconds,
    p80Seconds: quantileOf(curve, 0.8),
    currentSeconds,
    agentHoursPerDayChange:
      currentSeconds === null
        ? null
        : roundHours(agentHoursPerDay(curve, currentSeconds, medianSeconds, usable / periodDays)),
    withheld: false,
    reason: null,
  };
}

/**
 * The window of the latest wrap-up whose window is known: its policy's `durationSeconds`, or its
 * deadline minus its start when it was never extended (extensions move the deadline). Null when
 * the latest is untimed, or no window is known.
 */
function currentWindow(records: readonly WrapUpRecord[]): number | null {
  const latestFirst = [...records].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
  for (const record of latestFirst) {
    if (record.policy !== undefined) {
      return record.policy.mode === 'untimed' ? null : record.policy.durationSeconds;
    }
    if (!record.deadline) return null;
    if (record.extensionsUsed === 0) {
      return (Date.parse(record.deadline) - Date.parse(record.startedAt)) / 1000;
    }
  }
  return null;
}

/** To the thousandth of an hour (3.6 s), and never -0. */
function roundHours(hours: number): number {
  return Math.round(hours * 1000) / 1000 || 0;
}

function compareQueues(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
