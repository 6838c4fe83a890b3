/**
 * R8-R10: the agent's own doing ends their wrap-up, and nobody restores them: a contact connected
 * to them, an outbound contact they start (here), a status they choose (agent-events.ts).
 *
 * When the interrupting contact ends, its own policy decides (a new wrap-up), or, where it has
 * none, the agent is restored (Connect puts them back in the status they had before it: the
 * wrap-up status). The contact's events may arrive in either order: each records its side of the
 * interruption, and the one that finds both sides recorded does the restore.
 */

import { completeClose, openSessionsOf } from './complete-close';
import type { ContactEvent } from './contact';
import type { Outcome } from './lifecycle';
import type { Deps } from './ports';
import { restoreVerdict } from './presence';
import { closeByAgentActivity, type Session, timerOf } from './session';
import { type Decision, retryOnConflict, STEP_LEASE_MS } from './write-loop';

/** How long an interruption record is kept: longer than any contact. */
const INTERRUPTION_RETENTION_MS = 7 * 86_400_000;

/**
 * R9, R10: a contact is connected to the agent (or the agent starts an outbound contact, whichever
 * of its events names them first). Every wrap-up of theirs that began before it ends
 * (`INTERRUPTED` or `OUTBOUND`), and they are not made routable: they are on the new contact.
 *
 * 1. List the agent's open wrap-ups that began before the contact reached them.
 * 2. Record the interruption first, so that a delivery failing half-way still leaves the agent to
 *    be restored when the contact ends.
 * 3. End each wrap-up (`endByAgentActivity`).
 * 4. If the contact is over already (its events came first), restore the agent now.
 *
 * The contact's DISCONNECTED records its side only when it leaves no wrap-up of its own open, or
 * finds the interruption recorded (start.ts): its own open wrap-up restores the agent otherwise.
 */
export async function interruptWrapUp(
  deps: Deps,
  event: ContactEvent,
  reason: 'INTERRUPTED' | 'OUTBOUND',
): Promise<Outcome[]> {
  const agentId = event.agentId;
  if (agentId === undefined) return [{ kind: 'IGNORED', reason: 'NO_AGENT' }];
  const at = event.connectedToAgentAt ?? event.initiatedAt ?? event.eventTime;
  const detail = `${reason === 'OUTBOUND' ? 'outbound contact' : 'contact'} ${event.contactId}`;
  const candidates = (await deps.store.listOpenByAgent(agentId)).filter(
    (candidate) =>
      candidate.contactId !== event.contactId &&
      candidate.state === 'WRAP_UP' &&
      Date.parse(candidate.startedAt) < at.getTime(),
  );
  if (candidates.length === 0) return [{ kind: 'IGNORED', reason: 'NOTHING_TO_INTERRUPT' }];
  const expiresAt = new Date(deps.clock.now().getTime() + INTERRUPTION_RETENTION_MS);
  // The restore itself waits until nothing is open (R12).
  await deps.store.markInterruption(event.contactId, agentId, 'INTERRUPTED', expiresAt);
  const outcomes: Outcome[] = [];
  for (const candidate of candidates) {
    const ended = await endByAgentActivity(deps, candidate, at, reason, detail);
    if (ended !== undefined) outcomes.push({ kind: 'ENDED_BY_AGENT', session: ended });
  }
  const sides = await deps.store.markInterruption(event.contactId, agentId, 'INTERRUPTED', expiresAt);
  // The interrupting contact is over already (its events came first): restore now if nothing is
  // open. Its DISCONNECTED records the ended side only when it left no wrap-up of its own open
  // (start.ts); one that did shows as this contact's session, closed by now or still open (then it
  // restores the agent when it ends).
  if (sides.ended || (await ownWrapUpClosed(deps, event.contactId, agentId))) {
    outcomes.push(...(await restoreAfterInterruption(deps, event.instanceArn, agentId, event.contactId)));
  }
  return outcomes.length > 0 ? outcomes : [{ kind: 'IGNORED', reason: 'NOTHING_TO_INTERRUPT' }];
}

/** Whether the agent's wrap-up of `contactId` exists and has ended. */
async function ownWrapUpClosed(deps: Deps, contactId: string, agentId: string): Promise<boolean> {
  const own = await deps.store.get(contactId, agentId);
  return own !== undefined && own.state !== 'WRAP_UP';
}

/**
 * R8-R10: ends a still-open wrap-up that began before `at` because of what the agent did; the
 * agent is not restored. Undefined when it was not open (any more) or began later.
 *
 * `candidate` is the index's copy (the agent's listing): the close starts from it, written
 * conditionally (a copy out of date is refused and the table read instead). A copy that says there
 * is nothing to end is not believed: the table is read and decides.
 */
export async function endByAgentActivity(
  deps: Deps,
  candidate: Session,
  at: Date,
  reason: 'STATUS_CHANGED' | 'OUTBOUND' | 'INTERRUPTED',
  detail: string,
  /** What `at` must be after for the activity to end the session; undefined: it cannot end it. */
  notBefore: (session: Session) => Date | undefined = (session) => new Date(session.startedAt),
  /**
   * `keepTimer`: leave the session's schedule to fire (it finds the session closed and does
   * nothing, R13), for a function that has no Scheduler (the sweep).
   */
  options: { readonly keepTimer?: boolean } = {},
): Promise<Session | undefined> {
  const decide = (session: Session | undefined): Decision<Session | undefined> => {
    if (session === undefined || session.state !== 'WRAP_UP') return { done: undefined };
    const bound = notBefore(session);
    if (bound === undefined || at.getTime() <= bound.getTime()) return { done: undefined };
    return {
      save: closeByAgentActivity(session, at, reason, detail),
      after: async (saved) => {
        if (session.deadline !== undefined && session.timerArmed && options.keepTimer !== true) {
          await deps.timers.cancel(timerOf(session));
        }
        return completeClose(deps, saved);
      },
    };
  };
  return retryOnConflict<Session | undefined>(
    deps,
    candidate,
    async (session) => {
      const decision = decide(session);
      if (session !== candidate || !('done' in decision)) return decision;
      return decide(await deps.store.get(candidate.contactId, candidate.agentId));
    },
    { first: candidate },
  );
}

/**
 * The agent's leg of a contact ended. If that contact had interrupted a wrap-up of theirs (R9,
 * R10), record it, and when this side completes the interruption restore them (unless the
 * contact's own wrap-up, open now, will).
 */
export async function endInterruptingLeg(
  deps: Deps,
  event: ContactEvent,
  agentId: string,
): Promise<Outcome[]> {
  const sides = await deps.store.markInterruption(
    event.contactId,
    agentId,
    'ENDED',
    new Date(deps.clock.now().getTime() + INTERRUPTION_RETENTION_MS),
  );
  if (!sides.interrupted) return [];
  return restoreAfterInterruption(deps, event.instanceArn, agentId, event.contactId);
}

/**
 * R10, R12: the contact that interrupted the agent's wrap-up is over and left them in the wrap-up
 * status with no wrap-up of its own: put them back in the routable status, once, unless another
 * wrap-up of theirs is open (R12) or they chose a status meanwhile (R8, R11).
 */
async function restoreAfterInterruption(
  deps: Deps,
  instanceArn: string,
  agentId: string,
  contactId: string,
): Promise<Outcome[]> {
  // R12: an open wrap-up (the contact's own, or another) restores the agent when it ends. The same
  // Query brings the agent's last reported status with the agent event stream (R8, R11).
  const listing = await deps.store.listAgent(agentId);
  if ((await openSessionsOf(deps, agentId, undefined, listing.sessions)) > 0) return [];
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - STEP_LEASE_MS);
  if (!(await deps.store.claimInterruptionRestore(contactId, agentId, now, staleBefore))) return [];
  // Connect has put them back in the status they had before the contact: only the wrap-up status is ours.
  const verdict = await restoreVerdict(deps, instanceArn, agentId, undefined, listing);
  if (verdict.restore) {
    await deps.agents.set(instanceArn, agentId, 'ROUTABLE');
    deps.log.info('Agent restored after the contact that interrupted their wrap-up', { agentId, contactId });
  } else {
    deps.log.info('Agent not restored after an interruption', { agentId, contactId, detail: verdict.detail });
  }
  await deps.store.markInterruptionRestored(contactId, agentId);
  return verdict.restore ? [{ kind: 'AGENT_RESTORED', agentId, contactId }] : [];
}
