/**
 * R15: the sweep. Every minute it looks for open wrap-ups whose deadline passed more than a
 * margin ago (a lost timer, an end that kept failing) and ends them (`SWEEP`, systemWrapUp), so
 * no agent stays in the wrap-up status much past their deadline whatever failed.
 */
import { completeClose } from './complete-close';
import type { Deps } from './ports';
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
}

/**
 * 1. List open wrap-ups (the sparse index) and keep those past deadline + margin.
 * 2. For each, re-read it consistently: only a still-open session with the same deadline is
 *    ended (a timer or an agent may have got there meanwhile).
 * 3. Close it SWEEP, then restore the agent and write the record like any close (R12, R17).
 * When ACW is switched off (R18), every open wrap-up is ended (`KILL_SWITCH`) and its agent restored.
 * 4. Finish closes whose restore or record failed and that nobody retried (past the lease).
 * One failing session never stops the others.
 */
export async function sweepOverdue(deps: Deps, marginMs = SWEEP_MARGIN_MS): Promise<SweepResult> {
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
  const open = listed.filter((session) => session.state === 'WRAP_UP').length;
  return { open, overdue: overdue.length + unfinished.length, ended, failed };
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
