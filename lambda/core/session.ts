/**
 * R4: the wrap-up session and its transitions. Pure functions: each returns a new session with
 * the transition appended to its history; none reads a clock or touches AWS.
 */
import type { Channel, Policy } from './config';
import type { TargetStatus, TimerPayload } from './ports';

export type SessionState = 'WRAP_UP' | 'CLOSED_COMPLETE';

/**
 * Why a session ended. TIMER is R7; AGENT_DONE R6; STATUS_CHANGED R8 (the agent chose another
 * status); OUTBOUND R9; INTERRUPTED R10 (a contact was connected to the agent); AGENT_OFFLINE R11
 * (closed at its deadline, the agent offline); SWEEP R15; KILL_SWITCH R18; LATE_EVENT is a contact
 * event that arrived after the wrap-up it asked for was already over, so the agent was never held.
 */
export const END_REASONS = [
  'TIMER',
  'AGENT_DONE',
  'STATUS_CHANGED',
  'OUTBOUND',
  'INTERRUPTED',
  'AGENT_OFFLINE',
  'SWEEP',
  'KILL_SWITCH',
  'LATE_EVENT',
] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Who did something to a session: the system, or a person by Connect user id. */
export type Actor = 'system' | `agent:${string}` | `supervisor:${string}`;

/** One transition, kept forever in the session's history (R4). */
export interface HistoryEntry {
  readonly at: string;
  readonly what:
    | 'STARTED'
    | 'WRAP_UP_STATUS_SET'
    | 'TIMER_ARMED'
    | 'EXTENDED'
    | 'UPDATED'
    | 'NEXT_STATUS_CHOSEN'
    | 'CLOSED'
    | 'ROUTABLE_STATUS_RESTORED'
    | 'RESTORE_SKIPPED'
    | 'CONTACT_ATTRIBUTES_WRITTEN';
  readonly by: Actor;
  readonly detail?: string;
}

/** Where the agent's routable status stands after the session closed. */
export type RestoreState = 'PENDING' | 'DONE' | 'SKIPPED';

/** One agent's wrap-up of one contact. Keyed by contact and agent: a transfer gives each agent their own. */
export interface Session {
  readonly contactId: string;
  readonly agentId: string;
  readonly instanceArn: string;
  readonly channel: Channel | string;
  readonly queueId?: string | undefined;
  readonly policy: Policy;
  readonly policySource: string;
  readonly state: SessionState;
  readonly startedAt: string;
  /** When the wrap-up ends by itself; none in `untimed` mode. */
  readonly deadline?: string | undefined;
  readonly endedAt?: string | undefined;
  readonly endReason?: EndReason | undefined;
  readonly systemWrapUp?: boolean | undefined;
  readonly extensionsUsed: number;
  /** One of the policy's disposition codes, chosen by the agent (or the timeout default, R7). */
  readonly disposition?: string | undefined;
  readonly notes?: string | undefined;
  /**
   * R19: the status the agent chose to land in when the wrap-up ends (a status name of the
   * instance), instead of the routable status; undefined when none was chosen.
   */
  readonly nextStatus?: string | undefined;
  /** When `nextStatus` was chosen (ISO-8601): with several open wrap-ups the latest choice wins (R12). */
  readonly nextStatusAt?: string | undefined;
  /** The agent has been put in the wrap-up status. */
  readonly wrapUpStatusSet: boolean;
  /** The end timer for the current deadline exists (or none is needed: `untimed`). */
  readonly timerArmed: boolean;
  readonly restore?: RestoreState | undefined;
  /**
   * R17: whether the wrap-up record has been written to the Connect contact (as contact
   * attributes) after the close: PENDING until that call succeeded. Stored in the table under its
   * first name, `attributes` (SESSION_TABLE.contactRecordAttribute), so items written before the
   * rename still read.
   */
  readonly contactRecord?: 'PENDING' | 'DONE' | undefined;
  readonly history: readonly HistoryEntry[];
  /** When the session last changed (the lease that keeps two deliveries from acting at once). */
  readonly updatedAt: string;
  /** Optimistic-lock counter: every write expects the version it read. */
  readonly version: number;
}

/** What a new session is made from. */
export interface SessionStart {
  readonly contactId: string;
  readonly agentId: string;
  readonly instanceArn: string;
  readonly channel: string;
  readonly queueId?: string | undefined;
  readonly policy: Policy;
  readonly policySource: string;
  /** The agent's leg of the contact ended (R1: the disconnect time, not the arrival time). */
  readonly startedAt: Date;
  /** When the system learned of it. */
  readonly now: Date;
}

/** R1: a new open session, its deadline `durationSeconds` after the disconnect. */
export function openSession(start: SessionStart): Session {
  const startedAt = start.startedAt.toISOString();
  return {
    contactId: start.contactId,
    agentId: start.agentId,
    instanceArn: start.instanceArn,
    channel: start.channel,
    queueId: start.queueId,
    policy: start.policy,
    policySource: start.policySource,
    state: 'WRAP_UP',
    startedAt,
    deadline:
      start.policy.mode === 'untimed'
        ? undefined
        : new Date(start.startedAt.getTime() + start.policy.durationSeconds * 1000).toISOString(),
    extensionsUsed: 0,
    wrapUpStatusSet: false,
    timerArmed: false,
    history: [{ at: startedAt, what: 'STARTED', by: 'system', detail: `policy ${start.policySource}` }],
    updatedAt: start.now.toISOString(),
    version: 0,
  };
}

/** Appends one history entry. */
export function record(session: Session, entry: HistoryEntry): Session {
  return { ...session, history: [...session.history, entry], updatedAt: entry.at };
}

/** Marks the agent as put in the wrap-up status and the end timer as armed. */
export function markHeld(session: Session, now: Date, statusSet: boolean, timerArmed: boolean): Session {
  const at = now.toISOString();
  let next: Session = { ...session, wrapUpStatusSet: statusSet, timerArmed, updatedAt: at };
  if (statusSet && !session.wrapUpStatusSet)
    next = record(next, { at, what: 'WRAP_UP_STATUS_SET', by: 'system' });
  if (timerArmed && !session.timerArmed) {
    const detail = session.deadline === undefined ? 'untimed: no timer' : `deadline ${session.deadline}`;
    next = record(next, { at, what: 'TIMER_ARMED', by: 'system', detail });
  }
  return next;
}

/**
 * R4, R7: closes an open session. `restore` says whether the agent must now be put back in the
 * routable status (PENDING until that call succeeded) or left alone (SKIPPED).
 */
export function closeSession(
  session: Session,
  close: {
    at: Date;
    reason: EndReason;
    by: Actor;
    systemWrapUp: boolean;
    restore: 'PENDING' | 'SKIPPED';
    disposition?: string | undefined;
    notes?: string | undefined;
    /** Said in the history after the reason. */
    detail?: string | undefined;
  },
): Session {
  if (session.state !== 'WRAP_UP') {
    throw new Error(`Session ${session.contactId}/${session.agentId} is already ${session.state}`);
  }
  const at = close.at.toISOString();
  return record(
    {
      ...session,
      state: 'CLOSED_COMPLETE',
      endedAt: at,
      endReason: close.reason,
      systemWrapUp: close.systemWrapUp,
      timerArmed: false,
      restore: close.restore,
      // Whatever the reason, the record goes to the contact (R17).
      contactRecord: 'PENDING',
      disposition: close.disposition ?? session.disposition,
      notes: close.notes ?? session.notes,
    },
    {
      at,
      what: 'CLOSED',
      by: close.by,
      detail: close.detail === undefined ? close.reason : `${close.reason}: ${close.detail}`,
    },
  );
}

/** The agent is routable again (or the restore was deliberately skipped). */
export function markRestored(
  session: Session,
  now: Date,
  outcome: 'DONE' | 'SKIPPED',
  detail?: string,
): Session {
  return record(
    { ...session, restore: outcome },
    {
      at: now.toISOString(),
      what: outcome === 'DONE' ? 'ROUTABLE_STATUS_RESTORED' : 'RESTORE_SKIPPED',
      by: 'system',
      ...(detail === undefined ? {} : { detail }),
    },
  );
}

/**
 * R7: the system ends a wrap-up (timer, sweep, kill switch): systemWrapUp, the agent to be
 * restored, and a required disposition nobody gave becomes the policy's timeout default.
 */
export function closeBySystem(
  session: Session,
  at: Date,
  reason: 'TIMER' | 'SWEEP' | 'KILL_SWITCH' | 'AGENT_OFFLINE',
): Session {
  const fallback = session.policy.requireDisposition ? session.policy.defaultDispositionOnTimeout : undefined;
  return closeSession(session, {
    at,
    reason,
    by: 'system',
    systemWrapUp: true,
    // R11: an offline agent is never made routable.
    restore: reason === 'AGENT_OFFLINE' ? 'SKIPPED' : 'PENDING',
    disposition: session.disposition ?? fallback,
  });
}

/**
 * R8-R10: the agent's own doing ended the wrap-up (another status, an outbound contact, a contact
 * connected to them): nobody restores them, the status they are in is theirs.
 */
export function closeByAgentActivity(
  session: Session,
  at: Date,
  reason: 'STATUS_CHANGED' | 'OUTBOUND' | 'INTERRUPTED',
  detail: string,
): Session {
  return closeSession(session, {
    // Never before the wrap-up began (a status change stamped a moment before it).
    at: new Date(Math.max(at.getTime(), Date.parse(session.startedAt))),
    reason,
    by: `agent:${session.agentId}`,
    systemWrapUp: false,
    restore: 'SKIPPED',
    detail,
  });
}

/**
 * R19: records the status the agent will land in when the wrap-up ends (`null` clears the choice:
 * back to the routable status). `at` is when the choice was made, which decides between the
 * choices of several wrap-ups (R12: the latest applies).
 */
export function chooseNextStatus(
  session: Session,
  choice: {
    readonly nextStatus: string | null;
    /** When the change is recorded. */
    readonly now: Date;
    /** When the agent made the choice (default `now`; earlier when handed over from another wrap-up). */
    readonly chosenAt?: Date;
    readonly by: Actor;
    readonly detail?: string;
  },
): Session {
  const chosenAt = (choice.chosenAt ?? choice.now).toISOString();
  return record(
    {
      ...session,
      nextStatus: choice.nextStatus ?? undefined,
      nextStatusAt: choice.nextStatus === null ? undefined : chosenAt,
    },
    {
      at: choice.now.toISOString(),
      what: 'NEXT_STATUS_CHOSEN',
      by: choice.by,
      detail:
        (choice.nextStatus === null ? 'routable status' : choice.nextStatus) +
        (choice.detail === undefined ? '' : ` (${choice.detail})`),
    },
  );
}

/**
 * R12, R19: whether `from`'s choice of status is later than `to`'s, so that handing it over keeps
 * the latest choice when `from` closes before `to`.
 */
export function hasLaterChoice(from: Session, to: Session): boolean {
  if (from.nextStatus === undefined || from.nextStatusAt === undefined) return false;
  return to.nextStatusAt === undefined || Date.parse(from.nextStatusAt) > Date.parse(to.nextStatusAt);
}

/** R19: where the agent goes when this wrap-up restores them: their choice, else the routable status. */
export function restoreTargetOf(session: Session): TargetStatus {
  return session.nextStatus === undefined ? 'ROUTABLE' : { name: session.nextStatus };
}

/** A closed session whose restore or record is not done yet. */
export function closeIsPending(session: Session): boolean {
  return (
    session.state !== 'WRAP_UP' && (session.restore === 'PENDING' || session.contactRecord === 'PENDING')
  );
}

/** The timer that ends this session at its current deadline. */
export function timerOf(session: Session): TimerPayload {
  if (session.deadline === undefined) {
    throw new Error(`Session ${session.contactId}/${session.agentId} is untimed: it has no timer`);
  }
  return { contactId: session.contactId, agentId: session.agentId, deadline: session.deadline };
}

/**
 * How soon the agent should be held after hanging up, and restored after the wrap-up ends: the
 * moments Connect's quota line serves calls by, earliest first (R15). Five seconds leaves the
 * hold inside Connect's own ACW (10-15 s) with the contact event's delay (up to about 4 s). A
 * restore is aimed a tenth of a second inside R13's 2 s, for what follows its token: Connect's
 * call itself.
 */
export const HOLD_WITHIN_MS = 5_000;
export const RESTORE_WITHIN_MS = 1_900;

/** When the hold of `session` is due by: its start (the disconnect) plus HOLD_WITHIN_MS. */
export function holdDueBy(session: Session): Date {
  return new Date(Date.parse(session.startedAt) + HOLD_WITHIN_MS);
}

/** When the restore of a wrap-up that ends at `end` is due by: RESTORE_WITHIN_MS later. */
export function restoreDueAt(end: Date): Date {
  return new Date(end.getTime() + RESTORE_WITHIN_MS);
}

/** When the restore of a closed `session` is due by (restoreDueAt its end). */
export function restoreDueBy(session: Session): Date | undefined {
  return session.endedAt === undefined ? undefined : restoreDueAt(new Date(session.endedAt));
}

/** When the agent was put in the wrap-up status (the start, when not recorded). */
export function heldSince(session: Session): Date {
  const held = session.history.find((entry) => entry.what === 'WRAP_UP_STATUS_SET');
  return new Date(held?.at ?? session.startedAt);
}

/** The contact attributes that carry the wrap-up record into Connect's contact records (R17). */
export function contactAttributesOf(session: Session): Record<string, string> {
  const attributes: Record<string, string> = {
    acw_end_reason: session.endReason ?? '',
    acw_system_wrap_up: String(session.systemWrapUp ?? false),
    acw_extensions: String(session.extensionsUsed),
    acw_policy: session.policySource,
  };
  if (session.endedAt !== undefined) {
    const seconds = (new Date(session.endedAt).getTime() - new Date(session.startedAt).getTime()) / 1000;
    attributes.acw_seconds = String(Math.max(0, Math.round(seconds)));
  }
  if (session.disposition !== undefined) attributes.acw_disposition = session.disposition;
  if (session.notes !== undefined) attributes.acw_notes = session.notes;
  // R19: the status the agent chose to land in (absent: the routable status).
  if (session.nextStatus !== undefined) attributes.acw_next_status = session.nextStatus;
  return attributes;
}

/** The wrap-up record is on the Connect contact, as its contact attributes (R17). */
export function markContactRecordWritten(session: Session, now: Date): Session {
  return record(
    { ...session, contactRecord: 'DONE' },
    { at: now.toISOString(), what: 'CONTACT_ATTRIBUTES_WRITTEN', by: 'system' },
  );
}
