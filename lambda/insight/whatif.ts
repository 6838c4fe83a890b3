/**
 * What-if (issue 13): replays exported Connect contact events under two `acw` configurations, the
 * current one (baseline) and a proposed one, and totals per queue and channel what each would
 * have cost in agent time. Pure: no file, no clock; `bin/whatif.ts` streams the file into it.
 *
 * The replay model, per contact (the README's "What-if" says the same for users):
 *
 * 1. A DISCONNECTED event starts a wrap-up as the product decides it (R1, R2, R21, monitoring legs),
 *    with the core's own predicates; its policy is resolved under each configuration (R3: the
 *    `acwProfile` tag > queue > channel > default). A contact in an agent's queue (a quick-connect
 *    transfer, R10) takes the queue of the contact it came from, and a contact without a tag the
 *    profile of the contact it came from, when that contact was replayed within the horizon. What
 *    a contact flow chose through the contact-flow function is not in the events: not replayed.
 * 2. The time the agent needed is Connect's own After Contact Work of the contact:
 *    `agentInfo.afterContactWorkDuration` of its COMPLETED event (else the difference of its
 *    `afterContactWorkStartTimestamp`/`EndTimestamp`), or unknown when there is none.
 * 3. Under each policy (`replayWrapUp`): `timed`, D seconds: the agent ends it at `needed` when
 *    needed < D; otherwise, when the policy allows extensions, the agent extends as often as it
 *    takes (each `extensionSeconds`, at most `maxExtensions`) and ends it at `needed` if that is
 *    enough, else the system ends it at the last deadline. Unknown `needed`: the system ends it at
 *    D, no extension. `forced`: the same extensions, but it always lasts to its (last) deadline,
 *    ended by the system. `untimed`: it lasts `needed`, ended by the agent; with `needed` unknown
 *    its length is unknown (counted in `unmeasured`, not in the hours). A 0 s policy: no wrap-up.
 * 4. Per queue and channel and configuration: agentHours = the wrap-ups' seconds / 3600,
 *    systemEndedShare = system-ended / wrap-ups, extensions = uses counted.
 *
 * Memory: a contact is kept only until both of its events are seen (in either order), then as a
 * small marker (its queue and profile, for duplicates and for the contacts transferred from it)
 * until the horizon passes: entries whose first event is more than `horizonHours` of event time
 * older than the newest event seen are flushed; a DISCONNECTED flushed without its COMPLETED is
 * replayed with `needed` unknown.
 */
import type { AcwConfig } from '../config/acw-config';
import type { Policy } from '../core/config';
import {
  AGENT_DIALLED_METHODS,
  type ContactEvent,
  isMonitoringLeg,
  isUnansweredOutbound,
  reachedAgent,
} from '../core/contact';
import { indexPolicies, type PolicyIndex, PROFILE_TAG, resolvePolicy } from '../core/policy';

/** How long (event time) a contact waits for its other event, by default. */
export const DEFAULT_HORIZON_HOURS = 24;

/** The part of a policy the replay reads. */
export type ReplayPolicy = Pick<Policy, 'durationSeconds' | 'mode' | 'extensionSeconds' | 'maxExtensions'>;

/** One wrap-up as a policy would have run it. */
export interface ReplayedWrapUp {
  /** How long it lasted; undefined when unknown (untimed, and the time needed unknown). */
  readonly seconds: number | undefined;
  readonly systemEnded: boolean;
  readonly extensions: number;
}

/**
 * Step 3 of the model: how a wrap-up under `policy` would have gone for an agent who needed
 * `neededSeconds` (undefined: unknown). Undefined when the policy gives no wrap-up (0 s).
 */
export function replayWrapUp(
  policy: ReplayPolicy,
  neededSeconds: number | undefined,
): ReplayedWrapUp | undefined {
  const window = policy.durationSeconds;
  if (window === 0) return undefined;
  if (policy.mode === 'untimed') return { seconds: neededSeconds, systemEnded: false, extensions: 0 };
  if (neededSeconds === undefined) return { seconds: window, systemEnded: true, extensions: 0 };
  let extensions = 0;
  if (neededSeconds > window && policy.maxExtensions > 0) {
    extensions = Math.min(
      policy.maxExtensions,
      Math.ceil((neededSeconds - window) / policy.extensionSeconds),
    );
  }
  const deadline = window + extensions * policy.extensionSeconds;
  if (policy.mode === 'timed' && neededSeconds < deadline) {
    return { seconds: neededSeconds, systemEnded: false, extensions };
  }
  return { seconds: deadline, systemEnded: true, extensions };
}

/** What the event tells about the time the agent needed: its COMPLETED event's ACW, in seconds. */
export function neededSecondsOf(detail: unknown): number | undefined {
  const agentInfo = isRecord(detail) ? detail.agentInfo : undefined;
  if (!isRecord(agentInfo)) return undefined;
  const duration = agentInfo.afterContactWorkDuration;
  if (typeof duration === 'number' && Number.isFinite(duration) && duration >= 0) return duration;
  const start = timeOf(agentInfo.afterContactWorkStartTimestamp);
  const end = timeOf(agentInfo.afterContactWorkEndTimestamp);
  if (start === undefined || end === undefined || end < start) return undefined;
  return Math.round((end - start) / 1000);
}

/** One configuration's totals for one queue and channel. */
export interface WhatIfFigures {
  readonly agentHours: number;
  /** System-ended / wrap-ups; null without wrap-ups. */
  readonly systemEndedShare: number | null;
  readonly extensions: number;
  /** Wrap-ups this configuration gives the queue and channel's contacts. */
  readonly wrapUps: number;
  /** Of which those whose length is unknown (untimed, time needed unknown): not in agentHours. */
  readonly unmeasured: number;
}

/** One queue and channel under both configurations. */
export interface WhatIfQueue {
  /** The standard queue whose policy applied; null for contacts without one (outbound, unknown transfers). */
  readonly queueId: string | null;
  readonly channel: string;
  readonly baseline: WhatIfFigures;
  readonly proposed: WhatIfFigures;
}

/** What the replay saw, for the progress and the summary on standard error. */
export interface ReplayStats {
  /** Contact events replayed (every event type). */
  events: number;
  disconnects: number;
  completed: number;
  /** Contacts whose DISCONNECTED starts a wrap-up under at least one configuration. */
  wrapUpContacts: number;
  /** Of those, contacts whose time needed was known. */
  neededKnown: number;
  /** A DISCONNECTED or COMPLETED seen again for the same contact: not counted twice. */
  duplicates: number;
  /** COMPLETED events whose DISCONNECTED never came within the horizon. */
  unpairedCompleted: number;
  /** Contacts held for their other event at the moment (a bound the horizon keeps). */
  pending: number;
  /** Most contacts held at once. */
  peakPending: number;
}

/** What is kept of a contact until its pair is seen and the horizon passes. */
interface Entry {
  /** Event time (ms) of its first event: the horizon counts from it. */
  readonly firstSeen: number;
  queueId: string | undefined;
  profile: string | undefined;
  /** Set by its DISCONNECTED: the group and each configuration's policy (undefined: no wrap-up). */
  wrapUp?: { readonly group: string; readonly policies: readonly [ReplayPolicy?, ReplayPolicy?] } | undefined;
  disconnected: boolean;
  completed: boolean;
  needed: number | undefined;
  /** Tallied (or nothing to tally): kept as a marker only. */
  done: boolean;
}

interface Totals {
  seconds: number;
  wrapUps: number;
  systemEnded: number;
  extensions: number;
  unmeasured: number;
}

/** Caps the memo of resolved policies: profile names come from contact tags, so are not bounded. */
const MAX_MEMO = 10_000;

/** Replays contact events one by one; `result()` gives the totals. */
export class WhatIfReplay {
  readonly stats: ReplayStats = {
    events: 0,
    disconnects: 0,
    completed: 0,
    wrapUpContacts: 0,
    neededKnown: 0,
    duplicates: 0,
    unpairedCompleted: 0,
    pending: 0,
    peakPending: 0,
  };
  private readonly indexes: readonly [PolicyIndex, PolicyIndex];
  private readonly horizonMs: number;
  /** In insertion order, about event-time order: flushed from the front. */
  private readonly entries = new Map<string, Entry>();
  private readonly groups = new Map<string, [Totals, Totals]>();
  private readonly memo = new Map<string, readonly [ReplayPolicy?, ReplayPolicy?]>();
  private newest = Number.NEGATIVE_INFINITY;

  constructor(baseline: AcwConfig, proposed: AcwConfig, options: { horizonHours?: number } = {}) {
    this.indexes = [indexPolicies(baseline.policies), indexPolicies(proposed.policies)];
    this.horizonMs = (options.horizonHours ?? DEFAULT_HORIZON_HOURS) * 3_600_000;
  }

  /**
   * Replays one contact event, read by the intake's parser; `detail` is the event's raw `detail`,
   * for the COMPLETED event's ACW fields the parser does not keep.
   */
  add(event: ContactEvent, detail: unknown): void {
    this.stats.events++;
    const at = event.eventTime.getTime();
    if (event.eventType === 'DISCONNECTED') this.onDisconnected(event, at);
    else if (event.eventType === 'COMPLETED') this.onCompleted(event, detail, at);
    if (at > this.newest) {
      this.newest = at;
      this.flush(this.newest - this.horizonMs);
    }
  }

  /** The totals per queue and channel, every held contact replayed as it stands. */
  result(): { queues: WhatIfQueue[] } {
    this.flush(Number.POSITIVE_INFINITY);
    const queues = [...this.groups.entries()].map(([group, [baseline, proposed]]) => {
      const { queueId, channel } = parseGroup(group);
      return { queueId, channel, baseline: figuresOf(baseline), proposed: figuresOf(proposed) };
    });
    queues.sort(
      (a, b) =>
        (a.queueId === null ? 1 : 0) - (b.queueId === null ? 1 : 0) ||
        (a.queueId ?? '').localeCompare(b.queueId ?? '') ||
        a.channel.localeCompare(b.channel),
    );
    return { queues };
  }

  private onDisconnected(event: ContactEvent, at: number): void {
    this.stats.disconnects++;
    const entry = this.entryOf(event.contactId, at);
    if (entry.disconnected) {
      this.stats.duplicates++;
      return;
    }
    entry.disconnected = true;
    const before = this.transferredFrom(event);
    // R10: a contact in an agent's queue takes the standard queue it came from.
    entry.queueId = event.queueId ?? (event.agentQueueOf === undefined ? undefined : before?.queueId);
    entry.profile = event.tags[PROFILE_TAG] ?? before?.profile;
    const policies = startsWrapUp(event) ? this.policiesOf(event, entry) : undefined;
    if (policies === undefined || (policies[0] === undefined && policies[1] === undefined)) {
      entry.done = true;
      return;
    }
    entry.wrapUp = { group: groupOf(entry.queueId, event.channel), policies };
    this.stats.wrapUpContacts++;
    if (entry.completed) this.tally(entry);
  }

  private onCompleted(event: ContactEvent, detail: unknown, at: number): void {
    this.stats.completed++;
    const entry = this.entryOf(event.contactId, at);
    if (entry.completed) {
      this.stats.duplicates++;
      return;
    }
    entry.completed = true;
    entry.needed = neededSecondsOf(detail);
    if (!entry.disconnected) entry.queueId = event.queueId;
    else if (entry.wrapUp !== undefined && !entry.done) this.tally(entry);
  }

  /** The contact this one was transferred from (its previous, else its initial contact), if still held. */
  private transferredFrom(event: ContactEvent): Entry | undefined {
    for (const id of [event.previousContactId, event.initialContactId]) {
      if (id === undefined || id === event.contactId) continue;
      const entry = this.entries.get(id);
      if (entry !== undefined) return entry;
    }
    return undefined;
  }

  /** R3 under each configuration, and R21's choice for an unanswered outbound call. */
  private policiesOf(event: ContactEvent, entry: Entry): readonly [ReplayPolicy?, ReplayPolicy?] {
    const unanswered = isUnansweredOutbound(event);
    // R3, R20: the agent's hierarchy groups (the ending leg's agent) are a level of their own.
    const groups = event.agentGroupIds ?? [];
    const key = `${event.channel}\u0000${entry.queueId ?? ''}\u0000${entry.profile ?? ''}\u0000${unanswered}\u0000${groups.join(',')}`;
    const memoised = this.memo.get(key);
    if (memoised !== undefined) return memoised;
    const subject = {
      channel: event.channel,
      queueId: entry.queueId,
      profile: entry.profile,
      agentGroupIds: groups,
    };
    const [baseline, proposed] = this.indexes.map((index) => {
      const { policy } = resolvePolicy(index, subject);
      if (policy.durationSeconds === 0) return undefined;
      if (unanswered && policy.unansweredOutbound !== true) return undefined;
      const { durationSeconds, mode, extensionSeconds, maxExtensions } = policy;
      return { durationSeconds, mode, extensionSeconds, maxExtensions };
    });
    const policies = [baseline, proposed] as const;
    if (this.memo.size >= MAX_MEMO) this.memo.clear();
    this.memo.set(key, policies);
    return policies;
  }

  private entryOf(contactId: string, at: number): Entry {
    let entry = this.entries.get(contactId);
    if (entry === undefined) {
      entry = {
        firstSeen: at,
        queueId: undefined,
        profile: undefined,
        disconnected: false,
        completed: false,
        needed: undefined,
        done: false,
      };
      this.entries.set(contactId, entry);
      this.stats.pending = this.entries.size;
      if (this.entries.size > this.stats.peakPending) this.stats.peakPending = this.entries.size;
    }
    return entry;
  }

  /** Adds a contact's wrap-up under both configurations to its group's totals. */
  private tally(entry: Entry): void {
    entry.done = true;
    const wrapUp = entry.wrapUp;
    if (wrapUp === undefined) return;
    if (entry.needed !== undefined) this.stats.neededKnown++;
    let totals = this.groups.get(wrapUp.group);
    if (totals === undefined) {
      totals = [emptyTotals(), emptyTotals()];
      this.groups.set(wrapUp.group, totals);
    }
    wrapUp.policies.forEach((policy, index) => {
      const replayed = policy === undefined ? undefined : replayWrapUp(policy, entry.needed);
      const into = totals[index];
      if (replayed === undefined || into === undefined) return;
      into.wrapUps++;
      if (replayed.seconds === undefined) into.unmeasured++;
      else into.seconds += replayed.seconds;
      if (replayed.systemEnded) into.systemEnded++;
      into.extensions += replayed.extensions;
    });
  }

  /** Flushes the entries first seen before `before`, from the front (about the oldest). */
  private flush(before: number): void {
    for (const [contactId, entry] of this.entries) {
      if (entry.firstSeen >= before) break;
      if (!entry.done && entry.disconnected) this.tally(entry);
      else if (!entry.done && !entry.disconnected && entry.completed) this.stats.unpairedCompleted++;
      this.entries.delete(contactId);
    }
    this.stats.pending = this.entries.size;
  }
}

/** R1, R2, monitoring legs: whether the product starts a wrap-up for this DISCONNECTED (policy aside). */
function startsWrapUp(event: ContactEvent): boolean {
  if (event.agentId === undefined || isMonitoringLeg(event)) return false;
  const dialled = event.initiationMethod !== undefined && AGENT_DIALLED_METHODS.has(event.initiationMethod);
  return dialled || reachedAgent(event);
}

function groupOf(queueId: string | undefined, channel: string): string {
  return `${queueId ?? ''}\u0000${channel}`;
}

function parseGroup(group: string): { queueId: string | null; channel: string } {
  const [queueId = '', channel = ''] = group.split('\u0000');
  return { queueId: queueId === '' ? null : queueId, channel };
}

function emptyTotals(): Totals {
  return { seconds: 0, wrapUps: 0, systemEnded: 0, extensions: 0, unmeasured: 0 };
}

function figuresOf(totals: Totals): WhatIfFigures {
  return {
    agentHours: round(totals.seconds / 3600, 3),
    systemEndedShare: totals.wrapUps === 0 ? null : round(totals.systemEnded / totals.wrapUps, 4),
    extensions: totals.extensions,
    wrapUps: totals.wrapUps,
    unmeasured: totals.unmeasured,
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
