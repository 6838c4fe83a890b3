/**
 * The board's Insights view (issue 13), without the DOM: the reports, recommendations and
 * distribution answers checked on arrival, the period and the requests' query strings, numbers in
 * words, the charts' data and the sentences that summarise each chart for a screen reader.
 *
 * Extra fields in an answer are ignored, so the API may add some without breaking a deployed page.
 */
import { channelLabel, MalformedAnswer } from './wrap-up';

/** How a report's rows are grouped (`groupBy`). */
export type GroupBy = 'queue' | 'agent' | 'channel' | 'day';

/** The groupings in the order the picker offers them, with their labels. */
export const GROUP_BYS: readonly { readonly value: GroupBy; readonly label: string }[] = [
  { value: 'queue', label: 'Queue' },
  { value: 'agent', label: 'Agent' },
  { value: 'channel', label: 'Channel' },
  { value: 'day', label: 'Day' },
];

/** One row of `GET /v1/reports/acw`: what it is grouped on, and its figures. */
export interface ReportRow {
  readonly queueId: string | null;
  readonly queueName: string | null;
  readonly agentId: string | null;
  readonly agentName: string | null;
  readonly channel: string | null;
  /** `YYYY-MM-DD` (UTC) with `groupBy=day`. */
  readonly day: string | null;
  readonly contacts: number;
  readonly totalWrapUpSeconds: number;
  /** Total wrap-up seconds / contacts handled (the seeds' formula); null without contacts. */
  readonly averageWrapUpSeconds: number | null;
  /** R22: from the Kaplan-Meier estimate; null when it cannot be estimated. */
  readonly medianNeededSeconds: number | null;
  readonly p80NeededSeconds: number | null;
  readonly extensionsPerContact: number | null;
  /** 0..1: the share of wrap-ups the system ended (the timer, the sweep...). */
  readonly systemEndedShare: number | null;
}

/** `GET /v1/reports/acw`. */
export interface Report {
  readonly from: string;
  readonly to: string;
  readonly groupBy: GroupBy;
  readonly rows: readonly ReportRow[];
}

/** One queue and channel of `GET /v1/recommendations` (lambda/core/calibration.ts `Recommendation`). */
export interface RecommendationView {
  readonly queueId: string | null;
  /** Shown instead of the id when the API sends it. */
  readonly queueName: string | null;
  readonly channel: string;
  readonly sampleSize: number;
  readonly censored: number;
  readonly medianSeconds: number | null;
  readonly p80Seconds: number | null;
  readonly currentSeconds: number | null;
  readonly agentHoursPerDayChange: number | null;
  readonly withheld: boolean;
  readonly reason: string | null;
}

/** One bar of the distribution: wrap-ups whose time fell in [fromSeconds, toSeconds). */
export interface Bucket {
  readonly fromSeconds: number;
  readonly toSeconds: number;
  /** Ended by the agent: the time needed. */
  readonly ended: number;
  /** Ended by the system: the agent needed at least that long. */
  readonly censored: number;
}

/** One step of the Kaplan-Meier curve: after `seconds`, the share `survival` was still wrapping up. */
export interface SurvivalPoint {
  readonly seconds: number;
  readonly survival: number;
}

/** `GET /v1/reports/acw/distribution`: one queue and channel. */
export interface Distribution {
  readonly queueId: string | null;
  readonly channel: string | null;
  readonly buckets: readonly Bucket[];
  readonly survival: readonly SurvivalPoint[];
  /** The window the latest wrap-ups had; null when untimed or unknown. */
  readonly currentSeconds: number | null;
}

type Obj = Record<string, unknown>;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedAnswer(path, 'must be an object');
  }
  return value as Obj;
}

function array(o: Obj, key: string, path: string): unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new MalformedAnswer(`${path}.${key}`, 'must be a list');
  return value;
}

function string(o: Obj, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new MalformedAnswer(`${path}.${key}`, 'must be a string');
  return value;
}

function nullableString(o: Obj, key: string, path: string): string | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new MalformedAnswer(`${path}.${key}`, 'must be a string or null');
  return value;
}

function number(o: Obj, key: string, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new MalformedAnswer(`${path}.${key}`, 'must be a number of 0 or more');
  }
  return value;
}

function nullableNumber(o: Obj, key: string, path: string): number | null {
  return o[key] === null || o[key] === undefined ? null : number(o, key, path);
}

/** A signed number (the change in agent hours may be negative), or null. */
function nullableSigned(o: Obj, key: string, path: string): number | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new MalformedAnswer(`${path}.${key}`, 'must be a number or null');
  }
  return value;
}

function boolean(o: Obj, key: string, path: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new MalformedAnswer(`${path}.${key}`, 'must be true or false');
  return value;
}

function isGroupBy(value: unknown): value is GroupBy {
  return GROUP_BYS.some((entry) => entry.value === value);
}

/** Checks `GET /v1/reports/acw`'s JSON answer. */
export function parseReport(body: unknown): Report {
  const o = object(body, 'report');
  const groupBy = o.groupBy;
  if (!isGroupBy(groupBy)) {
    throw new MalformedAnswer('report.groupBy', 'must be one of queue, agent, channel, day');
  }
  const rows = array(o, 'rows', 'report').map((value, index): ReportRow => {
    const path = `report.rows[${index}]`;
    const row = object(value, path);
    return {
      queueId: nullableString(row, 'queueId', path),
      queueName: nullableString(row, 'queueName', path),
      agentId: nullableString(row, 'agentId', path),
      agentName: nullableString(row, 'agentName', path),
      channel: nullableString(row, 'channel', path),
      day: nullableString(row, 'day', path),
      contacts: number(row, 'contacts', path),
      totalWrapUpSeconds: number(row, 'totalWrapUpSeconds', path),
      averageWrapUpSeconds: nullableNumber(row, 'averageWrapUpSeconds', path),
      medianNeededSeconds: nullableNumber(row, 'medianNeededSeconds', path),
      p80NeededSeconds: nullableNumber(row, 'p80NeededSeconds', path),
      extensionsPerContact: nullableNumber(row, 'extensionsPerContact', path),
      systemEndedShare: nullableNumber(row, 'systemEndedShare', path),
    };
  });
  return { from: string(o, 'from', 'report'), to: string(o, 'to', 'report'), groupBy, rows };
}

/** Checks `GET /v1/recommendations`'s answer. */
export function parseRecommendations(body: unknown): RecommendationView[] {
  const o = object(body, 'answer');
  return array(o, 'recommendations', 'answer').map((value, index) => {
    const path = `recommendations[${index}]`;
    const r = object(value, path);
    return {
      queueId: nullableString(r, 'queueId', path),
      queueName: nullableString(r, 'queueName', path),
      channel: string(r, 'channel', path),
      sampleSize: number(r, 'sampleSize', path),
      censored: number(r, 'censored', path),
      medianSeconds: nullableNumber(r, 'medianSeconds', path),
      p80Seconds: nullableNumber(r, 'p80Seconds', path),
      currentSeconds: nullableNumber(r, 'currentSeconds', path),
      agentHoursPerDayChange: nullableSigned(r, 'agentHoursPerDayChange', path),
      withheld: boolean(r, 'withheld', path),
      reason: nullableString(r, 'reason', path),
    };
  });
}

/** Checks `GET /v1/reports/acw/distribution`'s answer; buckets and steps come back in order. */
export function parseDistribution(body: unknown): Distribution {
  const o = object(body, 'distribution');
  const buckets = array(o, 'buckets', 'distribution').map((value, index): Bucket => {
    const path = `distribution.buckets[${index}]`;
    const b = object(value, path);
    const bucket = {
      fromSeconds: number(b, 'fromSeconds', path),
      toSeconds: number(b, 'toSeconds', path),
      ended: number(b, 'ended', path),
      censored: number(b, 'censored', path),
    };
    if (bucket.toSeconds <= bucket.fromSeconds) {
      throw new MalformedAnswer(`${path}.toSeconds`, 'must be more than fromSeconds');
    }
    return bucket;
  });
  const survival = array(o, 'survival', 'distribution').map((value, index): SurvivalPoint => {
    const path = `distribution.survival[${index}]`;
    const s = object(value, path);
    const share = number(s, 'survival', path);
    if (share > 1) throw new MalformedAnswer(`${path}.survival`, 'must be between 0 and 1');
    return { seconds: number(s, 'seconds', path), survival: share };
  });
  return {
    queueId: nullableString(o, 'queueId', 'distribution'),
    channel: nullableString(o, 'channel', 'distribution'),
    buckets: [...buckets].sort((a, b) => a.fromSeconds - b.fromSeconds),
    survival: [...survival].sort((a, b) => a.seconds - b.seconds),
    currentSeconds: nullableNumber(o, 'currentSeconds', 'distribution'),
  };
}

// ---------------------------------------------------------------------------------------------
// The period and the requests

/** The days a report covers, both included, as the date pickers give them (`YYYY-MM-DD`, UTC). */
export interface Period {
  readonly fromDay: string;
  readonly toDay: string;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** `YYYY-MM-DD` of an epoch ms, in UTC. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The last `days` days up to and including today (UTC). */
export function lastDays(now: number, days = 7): Period {
  return { fromDay: dayOf(now - (days - 1) * DAY_MS), toDay: dayOf(now) };
}

/** What is wrong with a period, in words; undefined when it can be asked for. */
export function periodProblem(period: Period): string | undefined {
  if (!DAY.test(period.fromDay) || Number.isNaN(Date.parse(period.fromDay))) return 'Choose the first day.';
  if (!DAY.test(period.toDay) || Number.isNaN(Date.parse(period.toDay))) return 'Choose the last day.';
  if (period.toDay < period.fromDay) return 'The last day is before the first day.';
  return undefined;
}

/**
 * The API's `from` and `to`: the first day's start and the end of the last day (the next day's
 * start, excluded), ISO-8601 in UTC.
 */
export function periodRange(period: Period): { from: string; to: string } {
  return {
    from: new Date(Date.parse(period.fromDay)).toISOString(),
    to: new Date(Date.parse(period.toDay) + DAY_MS).toISOString(),
  };
}

/** `from=...&to=...` and the further parameters given, encoded, in the order given. */
export function insightsQuery(period: Period, extra: Record<string, string | null | undefined> = {}): string {
  const { from, to } = periodRange(period);
  const params = new URLSearchParams({ from, to });
  for (const [name, value] of Object.entries(extra)) {
    if (value !== null && value !== undefined) params.set(name, value);
  }
  return params.toString();
}

/** The name the CSV download is saved under. */
export function csvFileName(groupBy: GroupBy, period: Period): string {
  return `wrap-up-report-by-${groupBy}-${period.fromDay}-to-${period.toDay}.csv`;
}

// ---------------------------------------------------------------------------------------------
// Numbers in words

/** A duration the way people say it: `45 s`, `1 min 40 s`, `2 h 5 min`; rounded to the second. */
export function formatSeconds(seconds: number | null, unknown = 'not estimable'): string {
  if (seconds === null) return unknown;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  if (whole < 3600) {
    const minutes = Math.floor(whole / 60);
    const rest = whole % 60;
    return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  }
  const hours = Math.floor(whole / 3600);
  const minutes = Math.round((whole % 3600) / 60);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** A share of 0..1 as a percentage with at most one decimal: `12.5 %`. */
export function formatShare(share: number | null): string {
  if (share === null) return 'not known';
  return `${Math.round(share * 1000) / 10} %`;
}

/** Extensions per contact, two decimals at most. */
export function formatRatio(value: number | null): string {
  if (value === null) return 'not known';
  return String(Math.round(value * 100) / 100);
}

/** The change in agent hours a day, signed: `+1.25 h a day`, `−0.5 h a day` (a real minus sign). */
export function formatHoursChange(hours: number | null): string {
  if (hours === null) return 'not estimated';
  const rounded = Math.round(hours * 100) / 100;
  if (rounded === 0) return 'no change';
  return `${rounded > 0 ? '+' : '\u2212'}${Math.abs(rounded)} h a day`;
}

/** `2026-03-05` as `5 Mar 2026` (UTC, English, as the rest of the page). */
export function formatDay(day: string): string {
  const time = Date.parse(day);
  if (!DAY.test(day) || Number.isNaN(time)) return day;
  return new Date(time).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A queue as people know it: its name, else its id; outbound contacts have none. */
export function queueText(queueId: string | null, queueName: string | null = null): string {
  return queueName ?? queueId ?? 'Outbound (no queue)';
}

/** What a report row is about, in words (its first column). */
export function rowLabel(groupBy: GroupBy, row: ReportRow): string {
  switch (groupBy) {
    case 'queue':
      return queueText(row.queueId, row.queueName);
    case 'agent':
      return row.agentName ?? row.agentId ?? 'Unknown agent';
    case 'channel':
      return row.channel === null ? 'Unknown channel' : channelLabel(row.channel);
    case 'day':
      return row.day === null ? 'Unknown day' : formatDay(row.day);
  }
}

/** The report's first column's heading. */
export function groupByLabel(groupBy: GroupBy): string {
  return GROUP_BYS.find((entry) => entry.value === groupBy)?.label ?? groupBy;
}

/** A recommendation's queue and channel, as a picker and a chart name them: `Sales, voice`. */
export function recommendationLabel(
  r: Pick<RecommendationView, 'queueId' | 'queueName' | 'channel'>,
): string {
  return `${queueText(r.queueId, r.queueName)}, ${r.channel.toLowerCase()}`;
}

/** A stable key of a queue and channel (the picker's option values). */
export function queueChannelKey(r: Pick<RecommendationView, 'queueId' | 'channel'>): string {
  return `${r.queueId ?? ''}|${r.channel}`;
}

/** The recommendation in one sentence: what to set, or why none is given. */
export function recommendationWords(r: RecommendationView): string {
  if (r.withheld) return `Withheld: ${r.reason ?? 'no reason given'}`;
  if (r.medianSeconds === null) return 'Withheld: the median cannot be estimated';
  if (r.currentSeconds === null)
    return `Set the window to ${formatSeconds(r.medianSeconds)} (no current window).`;
  if (Math.round(r.currentSeconds) === Math.round(r.medianSeconds)) {
    return `Keep the window at ${formatSeconds(r.currentSeconds)}: it is the median.`;
  }
  const direction = r.medianSeconds < r.currentSeconds ? 'Shorten' : 'Lengthen';
  return `${direction} the window from ${formatSeconds(r.currentSeconds)} to ${formatSeconds(r.medianSeconds)}.`;
}

// ---------------------------------------------------------------------------------------------
// The charts' data (uPlot's aligned columns: x values first, then one list per series)

/**
 * The share still wrapping up after t seconds, as a step line from (0, 1) through every step of
 * the Kaplan-Meier curve; null where the curve is not known (never: it starts at 1).
 */
export function survivalSeries(distribution: Distribution): [number[], number[]] {
  const xs: number[] = [0];
  const ys: number[] = [1];
  for (const point of distribution.survival) {
    if (point.seconds === 0) {
      ys[0] = point.survival;
      continue;
    }
    xs.push(point.seconds);
    ys.push(point.survival);
  }
  // Carry the last level on to the last bucket, so the curve spans the histogram's range.
  const end = distribution.buckets.at(-1)?.toSeconds;
  const lastX = xs.at(-1) ?? 0;
  if (end !== undefined && end > lastX) {
    xs.push(end);
    ys.push(ys.at(-1) ?? 1);
  }
  return [xs, ys];
}

/** The curve's level after `seconds`: the last step at or before it (1 before the first). */
export function survivalAt(distribution: Distribution, seconds: number): number {
  let level = 1;
  for (const point of distribution.survival) {
    if (point.seconds > seconds) break;
    level = point.survival;
  }
  return level;
}

/** The first time by which the share `p` had finished (the curve at or below 1 - p); null when never. */
export function quantileFrom(distribution: Distribution, p: number): number | null {
  const step = distribution.survival.find((point) => point.survival <= 1 - p + 1e-9);
  return step === undefined ? null : step.seconds;
}

/** The x axis's end: past the last bucket, the last step and the current window, so the marker shows. */
export function distributionSpan(distribution: Distribution): number {
  const candidates = [
    distribution.buckets.at(-1)?.toSeconds ?? 0,
    distribution.survival.at(-1)?.seconds ?? 0,
    distribution.currentSeconds === null ? 0 : distribution.currentSeconds * 1.1,
  ];
  return Math.max(60, ...candidates);
}

/** The day rows as `[epoch seconds of each day's start (UTC)], [average wrap-up seconds or null]`, by day. */
export function wrapUpTrendSeries(report: Report): [number[], (number | null)[]] {
  const days = report.rows
    .filter((row): row is ReportRow & { day: string } => row.day !== null && DAY.test(row.day))
    .sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return [days.map((row) => Date.parse(row.day) / 1000), days.map((row) => row.averageWrapUpSeconds)];
}

// ---------------------------------------------------------------------------------------------
// The charts in words (their role="img" label)

/** The distribution chart in one paragraph. */
export function distributionSummary(label: string, distribution: Distribution): string {
  const ended = distribution.buckets.reduce((total, bucket) => total + bucket.ended, 0);
  const censored = distribution.buckets.reduce((total, bucket) => total + bucket.censored, 0);
  if (ended + censored === 0) return `Time agents needed in ${label}: no ended wrap-ups in this period.`;
  const median = quantileFrom(distribution, 0.5);
  const p80 = quantileFrom(distribution, 0.8);
  const parts = [
    `Time agents needed in ${label}: ${ended + censored} wrap-ups, ${censored} ended by the system before the agent was done.`,
    median === null
      ? 'Half were not yet done by the longest time seen: the median cannot be estimated.'
      : `Half were done by ${formatSeconds(median)}`,
  ];
  if (median !== null) {
    parts[1] += p80 === null ? ', four in five: not estimable.' : `, four in five by ${formatSeconds(p80)}.`;
  }
  if (distribution.currentSeconds === null) {
    parts.push('There is no current window (untimed).');
  } else {
    const still = survivalAt(distribution, distribution.currentSeconds);
    parts.push(
      `The current window, ${formatSeconds(distribution.currentSeconds)}, is marked; ${formatShare(still)} were still wrapping up when it ended.`,
    );
  }
  return parts.join(' ');
}

/** The wrap-up-per-contact trend in one paragraph. */
export function trendSummary(report: Report): string {
  const days = report.rows.filter(
    (row): row is ReportRow & { day: string; averageWrapUpSeconds: number } =>
      row.day !== null && row.averageWrapUpSeconds !== null,
  );
  if (days.length === 0) return 'Wrap-up per contact over time: no contacts in this period.';
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : 1));
  const lowest = days.reduce((best, row) =>
    row.averageWrapUpSeconds < best.averageWrapUpSeconds ? row : best,
  );
  const highest = days.reduce((best, row) =>
    row.averageWrapUpSeconds > best.averageWrapUpSeconds ? row : best,
  );
  const first = sorted[0] ?? lowest;
  const last = sorted.at(-1) ?? highest;
  return (
    `Wrap-up per contact over ${days.length} ${days.length === 1 ? 'day' : 'days'}, ` +
    `${formatDay(first.day)} to ${formatDay(last.day)}: ` +
    `lowest ${formatSeconds(lowest.averageWrapUpSeconds)} on ${formatDay(lowest.day)}, ` +
    `highest ${formatSeconds(highest.averageWrapUpSeconds)} on ${formatDay(highest.day)}, ` +
    `latest ${formatSeconds(last.averageWrapUpSeconds)}.`
  );
}
