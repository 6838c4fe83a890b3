/**
 * R7, R13, R14: an end timer fires (from Scheduler or the due queue).
 *
 * 1. More than FINAL_WAIT_MS before its deadline: come back later through the due queue, without
 *    reading the session (Scheduler fires a minute or two early: the read would be wasted).
 * 2. One Query lists the agent's open wrap-ups: this one and the others (R12), and with the agent
 *    event stream the agent's last reported status (R8, R11). Only the current deadline of a
 *    still-open session acts; anything else is a stale or duplicate delivery and does nothing (but
 *    a close whose restore did not finish is finished).
 * 3. Otherwise wait out the last fraction, close (TIMER, systemWrapUp) conditionally, then put
 *    the agent back in the routable status and record it.
 */
import { completeClose } from './complete-close';
import type { Outcome } from './lifecycle';
import type { Deps, TimerPayload } from './ports';
import { restoreVerdict } from './presence';
import {
  closeByAgentActivity,
  closeBySystem,
  closeIsPending,
  heldSince,
  restoreDueAt,
  type Session,
} from './session';
import { stepTimer } from './timer';
import { type Decision, retryOnConflict, StepInProgress, withinLease } from './write-loop';

/** Ends the wrap-up of `payload` if its deadline is the current one and has come (see the module comment). */
export async function endOnTimer(deps: Deps, payload: TimerPayload): Promise<Outcome> {
  const early = stepTimer(deps.clock.now(), new Date(payload.deadline));
  if (early.kind === 'delay') {
    await deps.timers.defer(payload, early.delaySeconds);
    return { kind: 'DEFERRED', delaySeconds: early.delaySeconds, timer: payload };
  }
  const deadline = new Date(payload.deadline);
  // One Query lists the agent's open wrap-ups: this one and the others R12 asks about (each
  // confirmed after the close). The index's copy of this one is used only when it is open with this
  // deadline, which leads to the close, written conditionally: a copy out of date is refused and
  // the table read instead. Anything else (a close, another deadline, none) is read from the table.
  // With the agent event stream, the same Query returns the agent's last reported status (R8, R11).
  const listing = await deps.store.listAgent(payload.agentId);
  const listed = listing.sessions;
  const mine = listed.find((session) => session.contactId === payload.contactId);
  const copy = mine?.state === 'WRAP_UP' && mine.deadline === payload.deadline ? mine : undefined;
  // R13: a copy open with a later deadline was extended past this timer: a stale timer, whatever
  // the index lags (a deadline only ever moves later, and a session never reopens). An earlier
  // deadline may be the index lagging behind the extension this timer is for: read the table.
  if (
    mine?.state === 'WRAP_UP' &&
    mine.deadline !== undefined &&
    Date.parse(mine.deadline) > deadline.getTime()
  ) {
    return { kind: 'IGNORED', reason: 'STALE_DEADLINE', session: mine };
  }
  const decide = async (session: Session | undefined): Promise<Decision<Outcome>> => {
    if (session === undefined) return { done: { kind: 'IGNORED', reason: 'UNKNOWN_SESSION' } };
    if (session.state !== 'WRAP_UP') {
      if (!closeIsPending(session)) return { done: { kind: 'IGNORED', reason: 'ALREADY_CLOSED', session } };
      if (withinLease(session, deps.clock.now())) {
        throw new StepInProgress(session, 'restoring the routable status');
      }
      return { done: { kind: 'RESTORED', session: await completeClose(deps, session) } };
    }
    if (session.deadline === undefined || session.deadline !== payload.deadline) {
      return { done: { kind: 'IGNORED', reason: 'STALE_DEADLINE', session } };
    }
    // R8, R11: read while waiting out the last fraction, so the check costs no lateness.
    const waitMs = deadline.getTime() - deps.clock.now().getTime();
    // R15: the restore will ask for PutUserStatus at the deadline: calls due later leave it a token.
    if (waitMs > 0) deps.agents.announceRestore?.(deadline, restoreDueAt(deadline));
    const [verdict] = await Promise.all([
      restoreVerdict(deps, session.instanceArn, session.agentId, heldSince(session), listing),
      waitMs > 0 ? deps.clock.sleep(waitMs) : undefined,
    ]);

    const now = deps.clock.now();
    const closed = verdict.restore
      ? closeBySystem(session, now, 'TIMER')
      : verdict.reason === 'AGENT_OFFLINE'
        ? closeBySystem(session, now, 'AGENT_OFFLINE')
        : closeByAgentActivity(session, verdict.since, 'STATUS_CHANGED', verdict.detail);
    return {
      save: closed,
      after: async (saved) => ({
        kind: 'CLOSED',
        session: await completeClose(deps, saved, { statusChecked: true, listing }),
      }),
    };
  };
  return retryOnConflict(deps, payload, decide, copy === undefined ? {} : { first: copy });
}
