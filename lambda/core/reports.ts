/**
 * Issue 13, R22: the wrap-up reports, the time-needed distribution and the recommendations, from
 * roll-ups. Pure arithmetic plus use cases over two ports (`ReportStore`, `QueueCatalog`); time is
 * passed in.
 *
 * A month of a 1,000-agent center is about 1.5 million sessions: too many to read per request.
 * Sessions are therefore summed once per UTC day into *tallies* (counts, sums and a sparse
 * histogram of the whole seconds agents needed, observed and censored apart, R22) that merge by
 * addition, so that any set of days gives the same figures as its raw sessions:
 * - per day, queue and channel (`QueueCell`): serves groupBy=queue, channel and day, the
 *   distribution and the recommendations;
 * - per day and agent (`AgentCell`): serves groupBy=agent.
 * A request reads the rolled-up days as cells, the current day's cells so far (rolled up each
 * hour) and, as raw sessions tallied the same way, the rest: the current day since its cells
 * stop, days the job has not reached, the partial days at the edges of a range given in times
 * (`planRange`).
 *
 * The needed time is counted in whole seconds (rounded down), in the raw path as in the roll-ups,
 * so the medians here can be up to a second below `npm run recommend`'s, which uses the exact
 * times.
 */
import {
  outcomeOf,
  quantileOf,
  type Recommendation,
  recommendationOf,
  type SurvivalStep,
  type TimedEnd,
} from './calibration';
import { ROLL_UP_SETTLE_MS } from './late-completions';
import type { EndReason } from './session';

export const GROUP_BYS = ['queue', 'agent', 'channel', 'day'] as const;
/** How a report's rows are grouped. */
export type GroupBy = (typeof GROUP_BYS)[number];

const MS_PER_DAY = 86_400_000;

/** What the reports read of a complete session: the `byQueueDay` index's projection. */
export interface ReportSession {
  readonly agentId: string;
  /** Absent (null) for contacts without a queue (agent-initiated outbound). */
  readonly queueId?: string | null | undefined;
  readonly channel: string;
  /** ISO-8601: the wrap-up began. */
  readonly startedAt: string;
  readonly endedAt?: string | null | undefined;
  readonly endReason?: EndReason | null | undefined;
  /** Ended by the system (timer, sweep, kill switch), not the agent. */
  readonly systemWrapUp?: boolean | null | undefined;
  readonly extensionsUsed: number;
  readonly deadline?: string | null | undefined;
  readonly policy?: { readonly durationSeconds: number; readonly mode: string } | null | undefined;
}

/** One second of the needed-time histogram: wrap-ups seen to end in it, and those censored in it. */
export interface NeededCount {
  ended: number;
  censored: number;
}

/**
 * Sums over a set of sessions. `mergeTally` of two tallies equals the tally of the two sets
 * together: that is what lets roll-ups stand for raw sessions.
 */
export interface Tally {
  /** Sessions (contacts handled, one per contact and agent). */
  contacts: number;
  /** Total wrap-up time, start to end, in milliseconds. */
  wrapUpMs: number;
  extensions: number;
  /** Sessions ended by the system (`systemWrapUp`). */
  systemEnded: number;
  /** Sessions the timer ended (`TIMER`): the recommendations' `censored`. */
  timerEnded: number;
  /** R22: whole seconds needed to the number of wrap-ups observed and censored at it. */
  needed: Map<number, NeededCount>;
  /** The latest session whose window is known, and that window (null: untimed). */
  latest: { startedAt: string; windowSeconds: number | null } | undefined;
}

/** A day's tally of one queue and channel (`queueId` null: no queue). */
export interface QueueCell {
  readonly day: string;
  readonly queueId: string | null;
  readonly channel: string;
  readonly tally: Tally;
}

/** A day's tally of one agent, all queues and channels together. */
export interface AgentCell {
  readonly day: string;
  readonly agentId: string;
  readonly tally: Tally;
}

/** An empty tally. */
export function emptyTally(): Tally {
  return {
    contacts: 0,
    wrapUpMs: 0,
    extensions: 0,
    systemEnded: 0,
    timerEnded: 0,
    needed: new Map(),
    latest: undefined,
  };
}

/** R22: the whole seconds a session's wrap-up took, and whether that is the time needed or a lower bound. */
export function neededOf(session: ReportSession): { seconds: number; observed: boolean } | undefined {
  if (!session.endedAt || !session.endReason) return undefined;
  const outcome = outcomeOf(session.endReason);
  if (outcome === 'excluded') return undefined;
  const ms = Date.parse(session.endedAt) - Date.parse(session.startedAt);
  return { seconds: Math.max(0, Math.floor(ms / 1000)), observed: outcome === 'observed' };
}

/**
 * The window a session had (its policy's `durationSeconds`, null when untimed), or, without a
 * policy, its deadline minus its start when never extended; undefined when unknown.
 */
function windowOf(session: ReportSession): number | null | undefined {
  if (session.policy) return session.policy.mode === 'untimed' ? null : session.policy.durationSeconds;
  if (session.deadline && session.extensionsUsed === 0) {
    return (Date.parse(session.deadline) - Date.parse(session.startedAt)) / 1000;
  }
  return undefined;
}

/** Adds one session to `tally`. */
export function addSession(tally: Tally, session: ReportSession): void {
  tally.contacts += 1;
  if (session.endedAt) {
    tally.wrapUpMs += Math.max(0, Date.parse(session.endedAt) - Date.parse(session.startedAt));
  }
  tally.extensions += session.extensionsUsed;
  if (session.systemWrapUp === true) tally.systemEnded += 1;
  if (session.endReason === 'TIMER') tally.timerEnded += 1;
  const needed = neededOf(session);
  if (needed !== undefined) {
    const count = tally.needed.get(needed.seconds) ?? { ended: 0, censored: 0 };
    if (needed.observed) count.ended += 1;
    else count.censored += 1;
    tally.needed.set(needed.seconds, count);
  }
  const windowSeconds = windowOf(session);
  if (windowSeconds !== undefined) {
    tally.latest = laterOf(tally.latest, { startedAt: session.startedAt, windowSeconds });
  }
}

/** Adds `source` into `target` (the union of their sessions). */
export function mergeTally(target: Tally, source: Tally): void {
  target.contacts += source.contacts;
  target.wrapUpMs += source.wrapUpMs;
  target.extensions += source.extensions;
  target.systemEnded += source.systemEnded;
  target.timerEnded += source.timerEnded;
  for (const [seconds, count] of source.needed) {
    const into = target.needed.get(seconds) ?? { ended: 0, censored: 0 };
    into.ended += count.ended;
    into.censored += count.censored;
    target.needed.set(seconds, into);
  }
  if (source.latest !== undefined) target.latest = laterOf(target.latest, source.latest);
}

/**
 * The union of many tallies at once (what a report's group is): the histograms summed in one
 * dense array of seconds rather than map by map, which is what keeps a month of agent cells
 * (30,000) fast to merge.
 */
export function mergeTallies(tallies: readonly Tally[]): Tally {
  const total = emptyTally();
  let longest = -1;
  for (const tally of tallies) {
    total.contacts += tally.contacts;
    total.wrapUpMs += tally.wrapUpMs;
    total.extensions += tally.extensions;
    total.systemEnded += tally.systemEnded;
    total.timerEnded += tally.timerEnded;
    if (tally.latest !== undefined) total.latest = laterOf(total.latest, tally.latest);
    for (const seconds of tally.needed.keys()) if (seconds > longest) longest = seconds;
  }
  const ended = new Float64Array(longest + 1);
  const censored = new Float64Array(longest + 1);
  for (const tally of tallies) {
    for (const [seconds, count] of tally.needed) {
      ended[seconds] = (ended[seconds] ?? 0) + count.ended;
      censored[seconds] = (censored[seconds] ?? 0) + count.censored;
    }
  }
  for (let seconds = 0; seconds <= longest; seconds++) {
    const e = ended[seconds] ?? 0;
    const c = censored[seconds] ?? 0;
    if (e > 0 || c > 0) total.needed.set(seconds, { ended: e, censored: c });
  }
  return total;
}

/** The later of two latest sessions; at the same start the longer window, so merging is order-free. */
function laterOf(a: Tally['latest'], b: NonNullable<Tally['latest']>): NonNullable<Tally['latest']> {
  if (a === undefined) return b;
  const byTime = Date.parse(a.startedAt) - Date.parse(b.startedAt);
  if (byTime !== 0) return byTime > 0 ? a : b;
  return (a.windowSeconds ?? -1) >= (b.windowSeconds ?? -1) ? a : b;
}

/** The UTC day (`YYYY-MM-DD`) of an ISO-8601 time. */
export function dayOf(iso: string): string {
  return new Date(Date.parse(iso)).toISOString().slice(0, 10);
}

/** Sessions tallied per day, queue and channel. */
export function queueCellsOf(sessions: Iterable<ReportSession>): QueueCell[] {
  const cells = new Map<string, QueueCell>();
  for (const session of sessions) {
    const day = dayOf(session.startedAt);
    const queueId = session.queueId ?? null;
    const key = JSON.stringify([day, queueId, session.channel]);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { day, queueId, channel: session.channel, tally: emptyTally() };
      cells.set(key, cell);
    }
    addSession(cell.tally, session);
  }
  return [...cells.values()];
}

/** Sessions tallied per day and agent. */
export function agentCellsOf(sessions: Iterable<ReportSession>): AgentCell[] {
  const cells = new Map<string, AgentCell>();
  for (const session of sessions) {
    const day = dayOf(session.startedAt);
    const key = JSON.stringify([day, session.agentId]);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { day, agentId: session.agentId, tally: emptyTally() };
      cells.set(key, cell);
    }
    addSession(cell.tally, session);
  }
  return [...cells.values()];
}

/**
 * R22: the Kaplan-Meier curve of a tally's needed-time histogram: `kaplanMeier` of
 * lambda/core/calibration.ts on its counts (a time censored at a second is still at risk at it),
 * computed on the histogram directly.
 */
export function survivalOf(tally: Tally): SurvivalStep[] {
  const seconds = [...tally.needed.keys()].sort((a, b) => a - b);
  let atRisk = 0;
  for (const count of tally.needed.values()) atRisk += count.ended + count.censored;
  const curve: SurvivalStep[] = [];
  let survival = 1;
  for (const second of seconds) {
    const count = tally.needed.get(second);
    if (count === undefined) continue;
    if (count.ended > 0) {
      survival *= (atRisk - count.ended) / atRisk;
      curve.push({ seconds: second, atRisk, ended: count.ended, survival });
    }
    atRisk -= count.ended + count.censored;
  }
  return curve;
}

function timedEndsOf(tally: Tally): TimedEnd[] {
  const ends: TimedEnd[] = [];
  for (const [seconds, count] of tally.needed) {
    if (count.ended > 0) ends.push({ seconds, observed: true, count: count.ended });
    if (count.censored > 0) ends.push({ seconds, observed: false, count: count.censored });
  }
  return ends;
}

/** The figures of a report row, whatever it is grouped by. */
export interface ReportFigures {
  readonly contacts: number;
  readonly totalWrapUpSeconds: number;
  /** The seeds' formula: total wrap-up time / contacts handled. */
  readonly averageWrapUpSeconds: number;
  /** R22: Kaplan-Meier median of the time needed, censored timer ends as lower bounds; null when not estimable. */
  readonly medianNeededSeconds: number | null;
  /** R22: the same for four in five; null when not estimable. */
  readonly p80NeededSeconds: number | null;
  readonly extensionsPerContact: number;
  /** Share of sessions ended by the system (timer, sweep, kill switch), 0-1. */
  readonly systemEndedShare: number;
}

/** A tally's figures, rounded: seconds to the tenth, ratios to the thousandth. */
export function figuresOf(tally: Tally): ReportFigures {
  const curve = survivalOf(tally);
  const contacts = tally.contacts;
  return {
    contacts,
    totalWrapUpSeconds: round(tally.wrapUpMs / 1000, 1),
    averageWrapUpSeconds: contacts === 0 ? 0 : round(tally.wrapUpMs / 1000 / contacts, 1),
    medianNeededSeconds: quantileOf(curve, 0.5),
    p80NeededSeconds: quantileOf(curve, 0.8),
    extensionsPerContact: contacts === 0 ? 0 : round(tally.extensions / contacts, 3),
    systemEndedShare: contacts === 0 ? 0 : round(tally.systemEnded / contacts, 3),
  };
}

/** The key fields of a row: one of these, after `groupBy`. */
export type RowKey =
  | { readonly queueId: string | null; readonly queueName: string | null }
  | { readonly agentId: string; readonly agentName: string | null }
  | { readonly channel: string }
  | { readonly day: string };

/** One row of a report: its group's key fields and figures. */
export type ReportRow = RowKey & ReportFigures;

/** Names of queues and agents, by id (the directory's; a missing id has no name). */
export interface RowNames {
  readonly queues: ReadonlyMap<string, string>;
  readonly agents: ReadonlyMap<string, string>;
}

/** The cells a report reads: the queue cells, and for groupBy=agent the agent cells. */
export interface ReportCells {
  readonly queues: readonly QueueCell[];
  readonly agents: readonly AgentCell[];
}

/** The rows of a report grouped by `groupBy`, ordered by their key (no queue last). */
export function reportRows(groupBy: GroupBy, cells: ReportCells, names: RowNames): ReportRow[] {
  const groups = new Map<string, { key: RowKey; sort: string; tallies: Tally[] }>();
  const add = (id: string, key: () => RowKey, sort: string, tally: Tally) => {
    let group = groups.get(id);
    if (group === undefined) {
      group = { key: key(), sort, tallies: [] };
      groups.set(id, group);
    }
    group.tallies.push(tally);
  };
  if (groupBy === 'agent') {
    for (const cell of cells.agents) {
      add(
        cell.agentId,
        () => ({ agentId: cell.agentId, agentName: names.agents.get(cell.agentId) ?? null }),
        `0${cell.agentId}`,
        cell.tally,
      );
    }
  } else {
    for (const cell of cells.queues) {
      if (groupBy === 'queue') {
        const id = cell.queueId;
        add(
          JSON.stringify(id),
          () => ({ queueId: id, queueName: id === null ? null : (names.queues.get(id) ?? null) }),
          id === null ? '1' : `0${id}`,
          cell.tally,
        );
      } else if (groupBy === 'channel') {
        add(cell.channel, () => ({ channel: cell.channel }), cell.channel, cell.tally);
      } else {
        add(cell.day, () => ({ day: cell.day }), cell.day, cell.tally);
      }
    }
  }
  return [...groups.values()]
    .sort((a, b) => compareText(a.sort, b.sort))
    .map((group) => ({ ...group.key, ...figuresOf(mergeTallies(group.tallies)) }));
}

/** The columns of each grouping, in the order of the JSON rows and the CSV. */
export const REPORT_COLUMNS: Readonly<Record<GroupBy, readonly string[]>> = (() => {
  const figures = [
    'contacts',
    'totalWrapUpSeconds',
    'averageWrapUpSeconds',
    'medianNeededSeconds',
    'p80NeededSeconds',
    'extensionsPerContact',
    'systemEndedShare',
  ];
  return {
    queue: ['queueId', 'queueName', ...figures],
    agent: ['agentId', 'agentName', ...figures],
    channel: ['channel', ...figures],
    day: ['day', ...figures],
  };
})();

/**
 * A report as CSV (RFC 4180): a header row of the JSON fields, one record per row, CRLF line
 * ends, a field quoted when it holds a comma, a quote or a line break (quotes doubled); null is
 * an empty field.
 */
export function reportCsv(groupBy: GroupBy, rows: readonly ReportRow[]): string {
  const columns = REPORT_COLUMNS[groupBy];
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    const values = new Map<string, unknown>(Object.entries(row));
    lines.push(columns.map((column) => csvField(values.get(column))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One bar of the distribution: wrap-ups that took `fromSeconds` to before `toSeconds`. */
export interface DistributionBucket {
  readonly fromSeconds: number;
  readonly toSeconds: number;
  /** Seen to end there (the agent ended them): the time they needed. */
  readonly ended: number;
  /** Ended there by the system: they needed at least that long. */
  readonly censored: number;
}

/** The time needed in one queue and channel (or all), for the Insights view's chart. */
export interface Distribution {
  readonly contacts: number;
  /** The width of each bucket: the smallest of 1, 2, 5, 10, 15, 30, 60... giving at most 60 buckets. */
  readonly bucketSeconds: number;
  readonly buckets: readonly DistributionBucket[];
  /** R22: the Kaplan-Meier steps: after `seconds`, the share `survival` still needed time. */
  readonly survival: readonly { readonly seconds: number; readonly survival: number }[];
  readonly medianNeededSeconds: number | null;
  readonly p80NeededSeconds: number | null;
  /** The window of the latest wrap-ups (null: untimed or unknown). */
  readonly currentSeconds: number | null;
  /** Per UTC day: contacts and the average wrap-up (total / contacts). */
  readonly days: readonly {
    readonly day: string;
    readonly contacts: number;
    readonly averageWrapUpSeconds: number;
  }[];
}

const BUCKET_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
const MAX_BUCKETS = 60;

/** The distribution of the cells given (already filtered to a queue and channel, if any). */
export function distributionOf(cells: readonly QueueCell[]): Distribution {
  const total = mergeTallies(cells.map((cell) => cell.tally));
  const byDay = new Map<string, Tally[]>();
  for (const cell of cells) {
    const day = byDay.get(cell.day) ?? [];
    day.push(cell.tally);
    byDay.set(cell.day, day);
  }
  let longest = -1;
  for (const seconds of total.needed.keys()) if (seconds > longest) longest = seconds;
  const bucketSeconds =
    BUCKET_WIDTHS.find((width) => Math.ceil((longest + 1) / width) <= MAX_BUCKETS) ?? 3600;
  const buckets: DistributionBucket[] = [];
  for (let from = 0; from <= longest; from += bucketSeconds) {
    buckets.push({ fromSeconds: from, toSeconds: from + bucketSeconds, ended: 0, censored: 0 });
  }
  for (const [seconds, count] of total.needed) {
    const bucket = buckets[Math.floor(seconds / bucketSeconds)];
    if (bucket === undefined) continue;
    buckets[Math.floor(seconds / bucketSeconds)] = {
      ...bucket,
      ended: bucket.ended + count.ended,
      censored: bucket.censored + count.censored,
    };
  }
  const figures = figuresOf(total);
  return {
    contacts: total.contacts,
    bucketSeconds,
    buckets,
    survival: survivalOf(total).map((step) => ({ seconds: step.seconds, survival: round(step.survival, 4) })),
    medianNeededSeconds: figures.medianNeededSeconds,
    p80NeededSeconds: figures.p80NeededSeconds,
    currentSeconds: total.latest?.windowSeconds ?? null,
    days: [...byDay.entries()]
      .sort(([a], [b]) => compareText(a, b))
      .map(([day, tallies]) => {
        const tally = mergeTallies(tallies);
        return { day, contacts: tally.contacts, averageWrapUpSeconds: figuresOf(tally).averageWrapUpSeconds };
      }),
  };
}

/**
 * R22: the recommendations of `npm run recommend` (lambda/core/calibration.ts), from the queue
 * cells' histograms: one per queue and channel, ordered by queue (no queue last), then channel.
 * `periodDays`: the days the range covers (contacts a day for the hours changed).
 */
export function recommendationsOf(
  cells: readonly QueueCell[],
  minSample: number,
  periodDays: number,
): Recommendation[] {
  const grouped = new Map<string, { queueId: string | null; channel: string; tallies: Tally[] }>();
  for (const cell of cells) {
    const key = JSON.stringify([cell.queueId, cell.channel]);
    const group = grouped.get(key) ?? { queueId: cell.queueId, channel: cell.channel, tallies: [] };
    group.tallies.push(cell.tally);
    grouped.set(key, group);
  }
  const groups = [...grouped.values()].map((group) => ({ ...group, tally: mergeTallies(group.tallies) }));
  return groups
    .sort(
      (a, b) =>
        compareText(a.queueId === null ? '1' : `0${a.queueId}`, b.queueId === null ? '1' : `0${b.queueId}`) ||
        compareText(a.channel, b.channel),
    )
    .map((group) =>
      recommendationOf(
        {
          queueId: group.queueId,
          channel: group.channel,
          sampleSize: group.tally.contacts,
          censored: group.tally.timerEnded,
          currentSeconds: group.tally.latest?.windowSeconds ?? null,
          ends: timedEndsOf(group.tally),
        },
        minSample,
        periodDays,
      ),
    );
}

// ---------------------------------------------------------------------------------------------
// Ranges and the use cases over the ports.

/** A report's time range: sessions that started at or after `from` and before `to`. */
export interface ReportRange {
  readonly from: Date;
  readonly to: Date;
}

/** A part of a range read from raw sessions: one UTC day, the sessions of [from, to) within it. */
export interface RawSlice {
  readonly day: string;
  readonly from: Date;
  readonly to: Date;
}

/** The current day rolled up so far: its sessions that started before `until`. */
export interface PartialRollUp {
  readonly day: string;
  readonly until: Date;
}

/** Where each part of a range is read from. */
export interface RangePlan {
  /** Whole days already rolled up, first and last (inclusive); undefined when none. */
  readonly rolled: { readonly fromDay: string; readonly toDay: string } | undefined;
  /** The day whose cells so far are read (the rest of it is in `raw`); undefined when none. */
  readonly partialDay?: string | undefined;
  /** The rest, day by day, from raw sessions. */
  readonly raw: readonly RawSlice[];
}

/**
 * Splits a range: whole UTC days up to `rolledThrough` (inclusive) are read from the roll-ups,
 * the rest (a partial first or last day, days after `rolledThrough`) from raw sessions. The day
 * rolled up so far (`partial`), when the range covers it from its start to at least `until`, is
 * read from its cells, and raw from `until` on. Days after `now` are left out: nothing has
 * started there yet.
 */
export function planRange(
  range: ReportRange,
  rolledThrough: string | undefined,
  now: Date,
  partial?: PartialRollUp,
): RangePlan {
  const end = Math.min(range.to.getTime(), Math.max(range.from.getTime(), endOfDay(now.getTime())));
  const rolledEnd =
    rolledThrough === undefined ? Number.NEGATIVE_INFINITY : Date.parse(rolledThrough) + MS_PER_DAY;
  let fromDay: string | undefined;
  let toDay: string | undefined;
  let partialDay: string | undefined;
  const raw: RawSlice[] = [];
  for (let dayStart = startOfDay(range.from.getTime()); dayStart < end; dayStart += MS_PER_DAY) {
    const dayEnd = dayStart + MS_PER_DAY;
    const whole = range.from.getTime() <= dayStart && end >= dayEnd;
    const day = new Date(dayStart).toISOString().slice(0, 10);
    if (whole && dayEnd <= rolledEnd) {
      fromDay ??= day;
      toDay = day;
    } else if (
      partial !== undefined &&
      partial.day === day &&
      dayEnd > rolledEnd &&
      range.from.getTime() <= dayStart &&
      end >= partial.until.getTime()
    ) {
      partialDay = day;
      if (partial.until.getTime() < Math.min(dayEnd, end)) {
        raw.push({ day, from: partial.until, to: new Date(Math.min(dayEnd, end)) });
      }
    } else {
      raw.push({
        day,
        from: new Date(Math.max(dayStart, range.from.getTime())),
        to: new Date(Math.min(dayEnd, end)),
      });
    }
  }
  return {
    rolled: fromDay === undefined || toDay === undefined ? undefined : { fromDay, toDay },
    partialDay,
    raw,
  };
}

function startOfDay(ms: number): number {
  return Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
}

function endOfDay(ms: number): number {
  return startOfDay(ms) + MS_PER_DAY;
}

/**
 * The roll-ups and the sessions they are made from (lambda/adapters/dynamo-report-store.ts names
 * the items and the index serving each read).
 */
export interface ReportStore {
  /** The last day rolled up (all days up to it are), or undefined before the first roll-up. */
  rolledThrough(): Promise<string | undefined>;
  /** The queue cells of the days from `fromDay` to `toDay` (inclusive): one Query. */
  queueCells(fromDay: string, toDay: string): Promise<QueueCell[]>;
  /** The agent cells of the days from `fromDay` to `toDay` (inclusive): one Query. */
  agentCells(fromDay: string, toDay: string): Promise<AgentCell[]>;
  /**
   * The complete sessions of one queue (null: no queue) that started on `day` (`byQueueDay`), at
   * or after `from` when given.
   */
  sessionsOf(queueId: string | null, day: string, from?: Date): Promise<ReportSession[]>;
  /** Writes a day's cells (replacing any of that day) and then marks the day rolled up. */
  putDay(day: string, cells: ReportCells): Promise<void>;
  /** The current day rolled up so far, if any. */
  partial(): Promise<PartialRollUp | undefined>;
  /** The days marked to be rolled up again (late-completions.ts), oldest first. */
  lateDays(): Promise<LateDay[]>;
  /** Writes a day's cells again, replacing the ones written, without moving `rolledThrough`. */
  rewriteDay(cells: ReportCells): Promise<void>;
  /** Removes a day's mark, unless it was marked again since `late` was read. */
  clearLateDay(late: LateDay): Promise<void>;
  /** Writes the cells of `day` so far (its sessions started before `until`) and marks them so. */
  putPartial(partial: PartialRollUp, cells: ReportCells, rolledThrough: string | undefined): Promise<void>;
}

/** The queues whose sessions are read raw: every standard queue of the instance. */
export interface QueueCatalog {
  queueIds(): Promise<string[]>;
}

/** What the report use cases need. */
export interface ReportPorts {
  readonly store: ReportStore;
  readonly catalog: QueueCatalog;
  /** Queues to read besides the catalog's (e.g. those named in the policies). */
  readonly extraQueueIds?: readonly string[] | undefined;
  /** How many raw Queries run at once. @default 8 */
  readonly concurrency?: number | undefined;
}

/**
 * The cells of a range: the rolled-up days from the roll-ups (one Query per family), the rest
 * from the sessions of every queue (catalog, extra queues, no queue), tallied alike.
 * 1. plan the range (`planRange`); 2. read the roll-ups; 3. read the raw slices, each queue's
 * day in one Query, keeping the sessions inside the slice; 4. tally them.
 */
export async function cellsOf(
  ports: ReportPorts,
  range: ReportRange,
  now: Date,
  families: { readonly agents: boolean },
): Promise<ReportCells> {
  const [rolledThrough, partial] = await Promise.all([ports.store.rolledThrough(), ports.store.partial()]);
  const plan = planRange(range, rolledThrough, now, partial);
  const queues: QueueCell[] = [];
  const agents: AgentCell[] = [];
  const spans = [
    ...(plan.rolled === undefined ? [] : [plan.rolled]),
    ...(plan.partialDay === undefined ? [] : [{ fromDay: plan.partialDay, toDay: plan.partialDay }]),
  ];
  for (const { fromDay, toDay } of spans) {
    const [queueCells, agentCells] = await Promise.all([
      ports.store.queueCells(fromDay, toDay),
      families.agents ? ports.store.agentCells(fromDay, toDay) : Promise.resolve([]),
    ]);
    queues.push(...queueCells);
    agents.push(...agentCells);
  }
  if (plan.raw.length > 0) {
    const queueIds = await queuesToRead(ports);
    const reads = plan.raw.flatMap((slice) => queueIds.map((queueId) => ({ slice, queueId })));
    const sessions = (
      await mapBounded(reads, ports.concurrency ?? 8, async ({ slice, queueId }) =>
        (
          await ports.store.sessionsOf(queueId, slice.day, slice.from)
        ).filter((session) => {
          const started = Date.parse(session.startedAt);
          return started >= slice.from.getTime() && started < slice.to.getTime();
        }),
      )
    ).flat();
    queues.push(...queueCellsOf(sessions));
    if (families.agents) agents.push(...agentCellsOf(sessions));
  }
  return { queues, agents };
}

async function queuesToRead(ports: ReportPorts): Promise<(string | null)[]> {
  const ids = new Set([...(await ports.catalog.queueIds()), ...(ports.extraQueueIds ?? [])]);
  return [...[...ids].sort(compareText), null];
}

/** A day marked to be rolled up again: a session of it completed after its roll-up. */
export interface LateDay {
  readonly day: string;
  /** When it was last marked (ISO-8601). */
  readonly markedAt: string;
}

/** What one run of the roll-up did. */
export interface RollUpResult {
  /** The days rolled up, in order. */
  readonly days: readonly string[];
  /** The days rolled up again for sessions that completed after their roll-up. */
  readonly reRolled: readonly string[];
  readonly sessions: number;
  /** The last day rolled up after the run. */
  readonly rolledThrough: string | undefined;
  /** The current day rolled up so far by this run, and its sessions. */
  readonly partial?: { readonly day: string; readonly until: string; readonly sessions: number } | undefined;
}

/** When and how far the roll-up goes. */
export interface RollUpOptions {
  /**
   * How long after a day ends it is rolled up: sessions that started before midnight complete
   * after it (their restore and record), and only complete sessions are in `byQueueDay`. One that
   * completes later still marks its day, which the next run rolls up again (late-completions.ts).
   * @default 2 hours (`ROLL_UP_SETTLE_MS`)
   */
  readonly settleMs?: number;
  /**
   * A day's mark is removed by the first run that rolls it up again at least this long after it
   * was marked: the mark is written just before the completion it announces, so an earlier run
   * may not see that session yet.
   * @default 15 minutes
   */
  readonly lateSettleMs?: number;
  /** Days rolled up per run at most (a backlog is caught up over several runs). @default 7 */
  readonly maxDaysPerRun?: number;
  /** Before the first roll-up, how many past days to start with. @default 7 */
  readonly backfillDays?: number;
  /**
   * The current day is also rolled up so far, to the last full hour at least this long ago, so
   * that a report reads raw only the sessions since (false: not). Sessions that complete later
   * than this after they started are missed until the day's own roll-up.
   * @default 15 minutes
   */
  readonly partialSettleMs?: number | false;
}

/**
 * The scheduled roll-up: each finished day (ended at least `settleMs` ago) after the last one
 * rolled up, oldest first, at most `maxDaysPerRun`:
 * 1. read every queue's complete sessions of the day (`byQueueDay`, one Query per queue);
 * 2. tally them per queue and channel and per agent;
 * 3. write the day's cells and mark it rolled up, so a failed run resumes at that day.
 * Rolling a day up again writes the same items: a retried run is harmless.
 */
export async function rollUp(
  ports: ReportPorts,
  now: Date,
  options: RollUpOptions = {},
): Promise<RollUpResult> {
  const settleMs = options.settleMs ?? ROLL_UP_SETTLE_MS;
  const maxDays = options.maxDaysPerRun ?? 7;
  const backfill = options.backfillDays ?? 7;
  const lastReady = startOfDay(now.getTime() - settleMs) - MS_PER_DAY;
  const through = await ports.store.rolledThrough();
  let next =
    through === undefined ? lastReady - (backfill - 1) * MS_PER_DAY : Date.parse(through) + MS_PER_DAY;
  const days: string[] = [];
  let sessions = 0;
  let rolledThrough = through;
  const queueIds = next <= lastReady ? await queuesToRead(ports) : [];
  for (; next <= lastReady && days.length < maxDays; next += MS_PER_DAY) {
    const day = new Date(next).toISOString().slice(0, 10);
    const read = (
      await mapBounded(queueIds, ports.concurrency ?? 8, (queueId) => ports.store.sessionsOf(queueId, day))
    ).flat();
    await ports.store.putDay(day, { queues: queueCellsOf(read), agents: agentCellsOf(read) });
    days.push(day);
    sessions += read.length;
    rolledThrough = day;
  }
  const reRolled = await rollUpLateDays(ports, now, options, rolledThrough, maxDays, queueIds);
  const partial =
    options.partialSettleMs === false
      ? undefined
      : await rollUpSoFar(ports, now, options.partialSettleMs ?? 15 * 60_000, rolledThrough);
  return {
    days,
    reRolled: reRolled.days,
    sessions: sessions + reRolled.sessions,
    rolledThrough,
    ...(partial === undefined ? {} : { partial }),
  };
}

/**
 * The rolled-up days marked since (a session of theirs completed after their roll-up), oldest
 * first, at most `maxDays`: each rolled up again from its complete sessions, then its mark removed
 * once it has settled (`lateSettleMs`). Days not rolled up yet keep their marks for later.
 */
async function rollUpLateDays(
  ports: ReportPorts,
  now: Date,
  options: RollUpOptions,
  rolledThrough: string | undefined,
  maxDays: number,
  queueIdsRead: readonly (string | null)[],
): Promise<{ days: string[]; sessions: number }> {
  if (rolledThrough === undefined) return { days: [], sessions: 0 };
  const late = (await ports.store.lateDays()).filter((mark) => mark.day <= rolledThrough).slice(0, maxDays);
  if (late.length === 0) return { days: [], sessions: 0 };
  const lateSettleMs = options.lateSettleMs ?? 15 * 60_000;
  const queueIds = queueIdsRead.length > 0 ? queueIdsRead : await queuesToRead(ports);
  const days: string[] = [];
  let sessions = 0;
  for (const mark of late) {
    const read = (
      await mapBounded(queueIds, ports.concurrency ?? 8, (queueId) =>
        ports.store.sessionsOf(queueId, mark.day),
      )
    ).flat();
    await ports.store.rewriteDay({ queues: queueCellsOf(read), agents: agentCellsOf(read) });
    if (Date.parse(mark.markedAt) <= now.getTime() - lateSettleMs) await ports.store.clearLateDay(mark);
    days.push(mark.day);
    sessions += read.length;
  }
  return { days, sessions };
}

/**
 * The day of the last full hour ended `settleMs` ago, so far: its sessions that started before
 * that hour's end; nothing when that day is already rolled up or the hour is its first instant.
 */
async function rollUpSoFar(
  ports: ReportPorts,
  now: Date,
  settleMs: number,
  rolledThrough: string | undefined,
): Promise<RollUpResult['partial']> {
  const until = Math.floor((now.getTime() - settleMs) / 3_600_000) * 3_600_000;
  const dayStart = startOfDay(until - 1);
  if (rolledThrough !== undefined && dayStart < Date.parse(rolledThrough) + MS_PER_DAY) return undefined;
  const day = new Date(dayStart).toISOString().slice(0, 10);
  const queueIds = await queuesToRead(ports);
  const read = (
    await mapBounded(queueIds, ports.concurrency ?? 8, (queueId) => ports.store.sessionsOf(queueId, day))
  )
    .flat()
    .filter((session) => Date.parse(session.startedAt) < until);
  const partial = { day, until: new Date(until) };
  await ports.store.putPartial(
    partial,
    { queues: queueCellsOf(read), agents: agentCellsOf(read) },
    rolledThrough,
  );
  return { day, until: partial.until.toISOString(), sessions: read.length };
}

/** `fn` over `items`, at most `limit` at once, results in the items' order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let index = 0;
  const worker = async () => {
    while (index < items.length) {
      const at = index++;
      results[at] = await fn(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor || 0;
}

function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
