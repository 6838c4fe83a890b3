/**
 * R15: the sweep. Every minute it looks for open wrap-ups whose deadline passed more than a
 * margin ago (a lost timer, an end that kept failing) and ends them (`SWEEP`, systemWrapUp), so
 * no agent stays in the wrap-up status much past their deadline whatever failed.
 */
import { endOnChosenStatus } from './agent-events';
import { completeClose } from './complete-close';
import type { Deps, PresenceReport } from './ports';
import { statusCallParts } from './presence';
import { closeBySystem, closeIsPending, type Session } from './session';
import { retryOnConflict, STEP_LEASE_MS } from './write-loop';

/** How long past its deadline an open wrap-up may be before the sweep ends it. */
export const SWEEP_MARGIN_MS = 60_000;

/** What one sweep found and did. */
export interface SweepResult {
  /** Open wrap-ups when the sweep looked (R22: the open sessions metric). */
  readonly open: number;
  /** Open wrap-ups past deadline + margin when the sweep looked. */
  readonly overdue: number;
  /** Of those, ended by this sweep. */
  readonly ended: number;
  /** Of those, that could not be ended now (they are tried again at the next sweep). */
  readonly failed: number;
  /**
   * R8 without the agent event stream: open wrap-ups ended because their agent had chosen a
   * status (`STATUS_CHANGED`), as the sweep's poll of Connect found (`endOnStatusesChosen`).
   */
  readonly statusesChosen: number;
}

/**
 * 1. List open wrap-ups (the sparse index) and keep those past deadline + margin.
 * 2. For each, re-read it consistently: only a still-open session with the same deadline is
 *    ended (a timer or an agent may have got there meanwhile).
 * 3. Close it SWEEP, then restore the agent and write the record like any close (R12, R17).
 * When ACW is switched off (R18), every open wrap-up is ended (`KILL_SWITCH`) and its agent restored.
 * 4. Finish closes whose restore or record failed and that nobody retried (past the lease).
 * 5. Without the agent event stream, end the wrap-ups whose agent chose a status meanwhile (R8,
 *    `endOnStatusesChosen`), so that their end and record come within a minute of the choice, not
 *    at the deadline.
 * One failing session never stops the others.
 */
export async function sweepOverdue(
  deps: Deps,
  marginMs = SWEEP_MARGIN_MS,
  statusReads = MAX_STATUS_READS_PER_SWEEP,
): Promise<SweepResult> {
  const now = deps.clock.now();
  const listed = await deps.store.listOpen();
  // R18: switched off, every open wrap-up ends now, its agent restored.
  const switchedOff = deps.killSwitch !== undefined && !(await deps.killSwitch.isOn());
  // A close whose restore or record failed and was not retried (its delivery is gone).
  const unfinished = listed.filter(
    (session) =>
      closeIsPending(session) && now.getTime() - new Date(session.updatedAt).getTime() >= STEP_LEASE_MS,
  );
  const isOverdue = (session: Session) =>
    session.deadline !== undefined && new Date(session.deadline).getTime() + marginMs < now.getTime();
  const overdue = listed.filter(
    (session) => session.state === 'WRAP_UP' && (switchedOff || isOverdue(session)),
  );
  let ended = 0;
  let failed = 0;
  for (const candidate of overdue) {
    try {
      if (await endOverdue(deps, candidate, switchedOff ? 'KILL_SWITCH' : 'SWEEP')) ended += 1;
    } catch (error) {
      failed += 1;
      deps.log.error('Sweep could not end an overdue wrap-up; the next sweep tries again', {
        contactId: candidate.contactId,
        agentId: candidate.agentId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  for (const session of unfinished) {
    try {
      await completeClose(deps, session);
      ended += 1;
    } catch (error) {
      failed += 1;
      deps.log.error('Sweep could not finish a closed wrap-up; the next sweep tries again', {
        contactId: session.contactId,
        agentId: session.agentId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const ending = new Set(overdue);
  const chosen = switchedOff
    ? { ended: 0, failed: 0 }
    : await endOnStatusesChosen(
        deps,
        listed.filter((session) => session.state === 'WRAP_UP' && !ending.has(session)),
        statusReads,
      );
  const open = listed.filter((session) => session.state === 'WRAP_UP').length;
  return {
    open,
    overdue: overdue.length + unfinished.length,
    ended,
    failed: failed + chosen.failed,
    statusesChosen: chosen.ended,
  };
}

/**
 * The most GetCurrentUserData calls (100 agents each) one sweep makes for R8: a floor with more
 * agents in wrap-up than that has them read over several sweeps, the wrap-ups furthest from their
 * deadline first, and the sweep keeps its time for its other work.
 */
export const MAX_STATUS_READS_PER_SWEEP = 10;

/**
 * R8 without the agent event stream: the agent's status is otherwise read only at the deadline, so
 * a wrap-up they left by choosing a status (Lunch, Available...) would end, and be recorded, only
 * then, minutes after their choice (an untimed one, never). Each sweep reads the statuses of the
 * agents it found in wrap-up (held by the system), one GetCurrentUserData call per 100 agents on
 * that API's own quota (never PutUserStatus's), at most `maxReads` calls, the agents whose wrap-ups
 * end last first (untimed ones first of all: no deadline will check them); and it ends each
 * wrap-up whose agent entered another status after being held, as the stream's consumer does
 * (`endOnChosenStatus`: at the time they entered it, not restored). The wrap-up's schedule is left
 * to fire and find it closed: the sweep has no Scheduler.
 *
 * Only where the presence can read several agents at once (GetCurrentUserData: not with the
 * stream, whose consumer ends these wrap-ups as the reports come). A failed read ends nothing of
 * its hundred agents: their deadlines' own status checks still decide, as before.
 */
async function endOnStatusesChosen(
  deps: Deps,
  open: readonly Session[],
  maxReads: number,
): Promise<{ ended: number; failed: number }> {
  const read = deps.presence?.currentOfAgents?.bind(deps.presence);
  const held = open.filter((session) => session.wrapUpStatusSet);
  if (read === undefined || held.length === 0) return { ended: 0, failed: 0 };
  let ended = 0;
  let failed = 0;
  let reads = 0;
  for (const [instanceArn, sessions] of groupBy(held, (session) => session.instanceArn)) {
    const reports = new Map<string, PresenceReport>();
    const agents = [...sessions].sort(byLatestEnd).map((session) => session.agentId);
    for (const part of statusCallParts(agents)) {
      if (reads >= maxReads) break;
      reads += 1;
      try {
        for (const [agentId, report] of await read(instanceArn, part)) reports.set(agentId, report);
      } catch (error) {
        failed += 1;
        deps.log.warn(
          "Sweep could not read the statuses of the agents in wrap-up; their deadlines' checks decide",
          {
            agents: part.length,
            error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          },
        );
      }
    }
    for (const session of sessions) {
      const report = reports.get(session.agentId);
      if (report === undefined || report.kind === 'WRAP_UP' || report.kind === 'OFFLINE') continue;
      try {
        const closed = await endOnChosenStatus(
          deps,
          session,
          { name: report.name, since: new Date(report.since) },
          { keepTimer: true },
        );
        if (closed !== undefined) ended += 1;
      } catch (error) {
        failed += 1;
        deps.log.error(
          'Sweep could not end a wrap-up its agent left by choosing a status; the next sweep tries again',
          {
            contactId: session.contactId,
            agentId: session.agentId,
            error: error instanceof Error ? error.message : String(error),
          },
        );
      }
    }
  }
  return { ended, failed };
}

/** Untimed wrap-ups first, then the latest deadline first. */
function byLatestEnd(a: Session, b: Session): number {
  const end = (session: Session) =>
    session.deadline === undefined ? Number.POSITIVE_INFINITY : Date.parse(session.deadline);
  return end(b) - end(a) || 0;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * Ends one overdue wrap-up, re-read consistently: only a still-open session with the deadline the
 * sweep listed is ended. False when a timer, an extension or the agent got there meanwhile.
 */
async function endOverdue(deps: Deps, candidate: Session, reason: 'SWEEP' | 'KILL_SWITCH'): Promise<boolean> {
  return retryOnConflict<boolean>(deps, candidate, (session) => {
    if (session === undefined || session.state !== 'WRAP_UP' || session.deadline !== candidate.deadline) {
      return { done: false };
    }
    return {
      save: closeBySystem(session, deps.clock.now(), reason),
      after: async (saved) => {
        deps.log.warn(
          reason === 'SWEEP' ? 'Sweep ended an overdue wrap-up' : 'ACW is switched off: wrap-up ended',
          {
            contactId: saved.contactId,
            agentId: saved.agentId,
            deadline: saved.deadline,
          },
        );
        await completeClose(deps, saved);
        return true;
      },
    };
  });
}
