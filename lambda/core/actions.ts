/**
 * What agents and supervisors do to an open wrap-up (R5, R6, R17, R19): extend it, end it (All
 * Done), record a disposition and notes, choose the status to land in when it ends. Every entry
 * point (HTTP API, simulator) uses these.
 *
 * Each action reads the session, decides purely (a refusal changes nothing), writes conditionally
 * on the version read, then acts: arms the new timer, or restores the agent and writes the record.
 */
import { completeClose } from './complete-close';
import type { ChoosableStatus, Deps } from './ports';
import {
  type Actor,
  chooseNextStatus,
  closeSession,
  markHeld,
  record,
  type Session,
  timerOf,
} from './session';
import { type Decision, retryOnConflict } from './write-loop';

/** Why an action was refused. */
export type RefusalCode =
  | 'EXTENSION_LIMIT'
  | 'NOT_EXTENDABLE'
  | 'SESSION_CLOSED'
  | 'EARLY_END_FORBIDDEN'
  | 'DISPOSITION_REQUIRED'
  | 'UNKNOWN_DISPOSITION';

/** Every refusal code, for documents and tests that must list them all. */
export const REFUSAL_CODES: readonly RefusalCode[] = [
  'EXTENSION_LIMIT',
  'NOT_EXTENDABLE',
  'SESSION_CLOSED',
  'EARLY_END_FORBIDDEN',
  'DISPOSITION_REQUIRED',
  'UNKNOWN_DISPOSITION',
];

/** Longest notes an agent may write (Connect allows 32 KB of attributes per contact in all). */
export const MAX_NOTES_LENGTH = 2000;

/** An action that the rules refuse; it changed nothing. */
export class ActionRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    readonly session: Session,
    detail: string,
  ) {
    super(`${code}: contact ${session.contactId}, agent ${session.agentId}: ${detail}`);
    this.name = 'ActionRefused';
  }
}

/** No session for this contact and agent. */
export class SessionNotFound extends Error {
  constructor(contactId: string, agentId: string) {
    super(`No wrap-up for contact ${contactId} and agent ${agentId}`);
    this.name = 'SessionNotFound';
  }
}

/**
 * R19: a status the agent may not choose to land in after wrap-up: the instance has no enabled
 * status of that name, or it is the wrap-up status itself. Nothing changed.
 */
export class UnknownStatus extends Error {
  constructor(
    readonly statusName: string,
    readonly choosable: readonly string[],
  ) {
    super(
      `nextStatus "${statusName}" is not an enabled agent status of the instance an agent may choose ` +
        `(the wrap-up status excluded); choose one of ${choosable.join(', ') || 'none'}`,
    );
    this.name = 'UnknownStatus';
  }
}

/** Who asks what of which session. */
export interface ActionRequest {
  readonly contactId: string;
  readonly agentId: string;
  readonly by: Actor;
  readonly disposition?: string | undefined;
  readonly notes?: string | undefined;
  /** R19 (update only): the status to land in when the wrap-up ends; `null` goes back to the routable status. */
  readonly nextStatus?: string | null | undefined;
}

/**
 * R5 Extend: the deadline moves `extensionSeconds` later while `extensionsUsed < maxExtensions`.
 *
 * 1. Refuse a closed session (SESSION_CLOSED), an untimed one (NOT_EXTENDABLE), one past its
 *    limit (EXTENSION_LIMIT).
 * 2. Arm the timer for the new deadline, then save the new deadline with it armed: one write. A
 *    timer armed for a deadline that is not saved (the write lost to another) carries a stale
 *    deadline and does nothing when it fires (R13); a failed arm saves nothing.
 * 3. The old timer now carries a stale deadline and does nothing when it fires (R13). Its schedule
 *    is removed when there is one.
 */
export async function extendWrapUp(deps: Deps, request: ActionRequest): Promise<Session> {
  let previousDeadline: string | undefined;
  const extended = await change(deps, request, undefined, async (session, now) => {
    refuseIfClosed(session);
    if (session.deadline === undefined || session.policy.mode === 'untimed') {
      throw new ActionRefused('NOT_EXTENDABLE', session, 'an untimed wrap-up has no deadline to extend');
    }
    if (session.extensionsUsed >= session.policy.maxExtensions) {
      throw new ActionRefused(
        'EXTENSION_LIMIT',
        session,
        `already used ${session.extensionsUsed} of ${session.policy.maxExtensions} extensions`,
      );
    }
    previousDeadline = session.deadline;
    const deadline = new Date(new Date(session.deadline).getTime() + session.policy.extensionSeconds * 1000);
    const next = record(
      {
        ...session,
        deadline: deadline.toISOString(),
        extensionsUsed: session.extensionsUsed + 1,
        timerArmed: false,
      },
      {
        at: now.toISOString(),
        what: 'EXTENDED',
        by: request.by,
        detail: `deadline ${deadline.toISOString()}`,
      },
    );
    await deps.timers.arm(timerOf(next), deps.clock.now());
    return markHeld(next, deps.clock.now(), next.wrapUpStatusSet, true);
  });
  if (previousDeadline !== undefined)
    await cancelQuietly(deps, { ...timerOf(extended), deadline: previousDeadline });
  return extended;
}

/**
 * R6 All Done: the agent (or a supervisor) ends the wrap-up early.
 *
 * 1. Refuse a closed session, `forced` mode (EARLY_END_FORBIDDEN), an unknown disposition, and a
 *    missing required one (DISPOSITION_REQUIRED).
 * 2. Close it (AGENT_DONE, systemWrapUp false) with the disposition and notes.
 * 3. Remove the timer (a missing one is fine), put the agent back in the routable status and
 *    write the record to the contact.
 *
 * One Query lists the agent's open wrap-ups first (and, with the agent event stream, their last
 * reported status): the close starts from this session's copy there, written conditionally (a
 * copy out of date is refused and the table read instead), and the restore after it reads nothing
 * more (R8, R11, R12).
 */
export async function finishWrapUp(deps: Deps, request: ActionRequest): Promise<Session> {
  const listing = await deps.store.listAgent(request.agentId);
  const copy = listing.sessions.find(
    (session) => session.contactId === request.contactId && session.state === 'WRAP_UP',
  );
  const closed = await change(deps, request, copy, (session, now) => {
    refuseIfClosed(session);
    if (session.policy.mode === 'forced') {
      throw new ActionRefused('EARLY_END_FORBIDDEN', session, 'a forced wrap-up ends only at its deadline');
    }
    const disposition = checkedDisposition(session, request.disposition) ?? session.disposition;
    if (session.policy.requireDisposition && disposition === undefined) {
      throw new ActionRefused('DISPOSITION_REQUIRED', session, 'choose a disposition before ending wrap-up');
    }
    return closeSession(session, {
      at: now,
      reason: 'AGENT_DONE',
      by: request.by,
      systemWrapUp: false,
      restore: 'PENDING',
      disposition,
      notes: request.notes,
    });
  });
  if (closed.deadline !== undefined) await cancelQuietly(deps, timerOf(closed));
  return completeClose(deps, closed, { listing });
}

/**
 * Sets or changes the disposition and notes of an open wrap-up (R17), and the status the agent
 * will land in when it ends (R19), without ending it.
 *
 * 1. Refuse a closed session, an unknown disposition, and a status the agent may not choose
 *    (UnknownStatus: not an enabled status of the instance, or the wrap-up status), checked
 *    against the instance's statuses through `deps.statuses` (cached by the adapter).
 * 2. Save the changes, each in the history.
 */
export async function updateWrapUp(deps: Deps, request: ActionRequest): Promise<Session> {
  return change(deps, request, undefined, async (session, now) => {
    refuseIfClosed(session);
    const disposition = checkedDisposition(session, request.disposition);
    const nextStatus =
      request.nextStatus === undefined || request.nextStatus === null
        ? request.nextStatus
        : await checkedNextStatus(deps, session.instanceArn, request.nextStatus);
    const changed = [
      disposition === undefined ? '' : 'disposition',
      request.notes === undefined ? '' : 'notes',
    ]
      .filter(Boolean)
      .join(' and ');
    let updated = session;
    if (changed !== '' || nextStatus === undefined) {
      updated = record(
        {
          ...session,
          disposition: disposition ?? session.disposition,
          notes: request.notes ?? session.notes,
        },
        { at: now.toISOString(), what: 'UPDATED', by: request.by, detail: changed || 'nothing' },
      );
    }
    return nextStatus === undefined
      ? updated
      : chooseNextStatus(updated, { nextStatus, now, by: request.by });
  });
}

/**
 * R19: the statuses an agent may choose to land in after wrap-up, in the instance's order.
 * @throws Error when no status directory is wired (a deployment without the R19 port).
 */
export async function choosableStatuses(
  deps: Deps,
  instanceArn: string,
): Promise<readonly ChoosableStatus[]> {
  if (deps.statuses === undefined) {
    throw new Error('No status directory is wired: the statuses an agent may choose are unknown');
  }
  return deps.statuses.choosable(instanceArn);
}

/** R19: `name` if the agent may choose it (matched exactly, as Connect names statuses). */
async function checkedNextStatus(deps: Deps, instanceArn: string, name: string): Promise<string> {
  const statuses = await choosableStatuses(deps, instanceArn);
  if (!statuses.some((status) => status.name === name)) {
    throw new UnknownStatus(
      name,
      statuses.map((status) => status.name),
    );
  }
  return name;
}

/** The agent's open wrap-ups, soonest deadline first. */
export async function openWrapUpsOf(deps: Deps, agentId: string): Promise<Session[]> {
  return sortByDeadline((await deps.store.listOpenByAgent(agentId)).filter((s) => s.state === 'WRAP_UP'));
}

/** Everyone's open wrap-ups (a supervisor's view), optionally of one queue. */
export async function allOpenWrapUps(deps: Deps, filter: { queueId?: string } = {}): Promise<Session[]> {
  const open = (await deps.store.listOpen()).filter((s) => s.state === 'WRAP_UP');
  return sortByDeadline(
    filter.queueId === undefined ? open : open.filter((s) => s.queueId === filter.queueId),
  );
}

function sortByDeadline(sessions: Session[]): Session[] {
  // Untimed sessions (no deadline) last.
  const key = (s: Session) => `${s.deadline ?? '~'}|${s.contactId}`;
  // Code-unit order, not locale order: ISO times sort as text, and '~' after every digit.
  return sessions.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function refuseIfClosed(session: Session): void {
  if (session.state !== 'WRAP_UP') {
    throw new ActionRefused(
      'SESSION_CLOSED',
      session,
      `wrap-up already ended (${session.endReason ?? 'closed'})`,
    );
  }
}

function checkedDisposition(session: Session, disposition: string | undefined): string | undefined {
  if (disposition === undefined) return undefined;
  if (!session.policy.dispositionCodes.some((entry) => entry.code === disposition)) {
    const codes = session.policy.dispositionCodes.map((entry) => entry.code).join(', ') || 'none';
    throw new ActionRefused('UNKNOWN_DISPOSITION', session, `"${disposition}" is not one of ${codes}`);
  }
  return disposition;
}

/**
 * Reads (or starts from `copy`, the index's copy of the session), decides and saves conditionally;
 * a lost race re-reads and decides again. A refusal is never decided on the copy, which may lag
 * behind a change just made (a disposition just given): the session is read and decided again.
 */
async function change(
  deps: Deps,
  request: ActionRequest,
  copy: Session | undefined,
  decide: (session: Session, now: Date) => Session | Promise<Session>,
): Promise<Session> {
  const decideOn = async (session: Session | undefined): Promise<Decision<Session>> => {
    if (session === undefined) throw new SessionNotFound(request.contactId, request.agentId);
    return { save: await decide(session, deps.clock.now()), after: (saved) => saved };
  };
  return retryOnConflict(
    deps,
    request,
    async (session) => {
      if (copy === undefined || session !== copy) return decideOn(session);
      try {
        return await decideOn(session);
      } catch (error) {
        if (!(error instanceof ActionRefused)) throw error;
        return decideOn(await deps.store.get(request.contactId, request.agentId));
      }
    },
    copy === undefined ? {} : { first: copy },
  );
}

/** A timer that cannot be removed still does nothing once its deadline is stale (R13). */
async function cancelQuietly(deps: Deps, payload: Parameters<Deps['timers']['cancel']>[0]): Promise<void> {
  try {
    await deps.timers.cancel(payload);
  } catch (error) {
    deps.log.warn('Could not remove a wrap-up timer; it will fire and do nothing', {
      contactId: payload.contactId,
      agentId: payload.agentId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}
