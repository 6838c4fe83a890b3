/**
 * R6, R12, R17, R19: what follows every close, whatever ended the wrap-up (a timer, All Done, the
 * sweep, the agent's own doing). What was done is recorded in one write after both parts, so a
 * retry (the same delivery again, or the sweep) does only what is left:
 *
 * 1. Restore the agent (`restore: PENDING`): to the status they chose (R19), else the routable
 *    status; unless another wrap-up of theirs is still open (R12: it hands its choice over) or the
 *    agent's own status says to leave them (R8, R11).
 * 2. Write the wrap-up record to the Connect contact as contact attributes (R17).
 */
import { lateRollUpDay } from './late-completions';
import type { AgentListing, Deps } from './ports';
import { StatusUnavailable } from './ports';
import { restoreVerdict } from './presence';
import {
  chooseNextStatus,
  closeIsPending,
  contactAttributesOf,
  hasLaterChoice,
  heldSince,
  markContactRecordWritten,
  markRestored,
  restoreDueBy,
  restoreTargetOf,
  type Session,
} from './session';
import { saveStep } from './write-loop';

/**
 * Finishes a closed session: restore, then record (see the module comment). `statusChecked`: the
 * caller read the agent's status just before closing (the timer does), so it is not read again.
 */
export async function completeClose(
  deps: Deps,
  closed: Session,
  options: {
    readonly statusChecked?: boolean;
    /**
     * The agent's listing as the caller read it (`listAgent`) before the close, so that it is not
     * read again: their open wrap-ups, each still confirmed after the close (`openSessionsOf`), and
     * the status the stream last reported (R8, R11).
     */
    readonly listing?: AgentListing;
  } = {},
): Promise<Session> {
  const session = closed;
  // What is done is recorded in one write at the end (each step keeps its own time in the history).
  let restored: ((s: Session) => Session) | undefined;
  if (session.restore === 'PENDING') {
    const listing = options.listing ?? (await deps.store.listAgent(session.agentId));
    const siblings = await siblingsOf(deps, session.agentId, session.contactId, listing.sessions);
    const others = siblings.open;
    // R8, R11: the agent's own status (Offline, or one they chose) is never overridden.
    const verdict =
      others > 0 || options.statusChecked
        ? undefined
        : await restoreVerdict(deps, session.instanceArn, session.agentId, heldSince(session), listing);
    if (others > 0 || (verdict !== undefined && !verdict.restore)) {
      // R12: the agent stays in wrap-up until their last open session ends; R19: a status they
      // chose here goes with them to the wrap-ups still open, so the latest choice is not lost.
      if (others > 0) await handOverChoice(deps, session);
      const detail =
        verdict !== undefined && !verdict.restore
          ? verdict.detail
          : `agent still has ${others} open wrap-up${others > 1 ? 's' : ''}`;
      const at = deps.clock.now();
      restored = (s) => markRestored(s, at, 'SKIPPED', detail);
    } else if (!(await restoresForTheGroup(deps, session, siblings.closed))) {
      // R14: a wrap-up of theirs that closed at the same moment restores them.
      const at = deps.clock.now();
      restored = (s) =>
        markRestored(
          s,
          at,
          'SKIPPED',
          'another wrap-up of the agent, closed at the same time, restores them',
        );
    } else {
      // R12, R19: a wrap-up of theirs that closed at the same moment may carry a later choice (it
      // could not hand it over: this one was closing too); the latest applies, whichever restores.
      const detail = await restoreAgent(deps, session, latestChoice(session, siblings.closed));
      const at = deps.clock.now();
      restored = (s) => markRestored(s, at, 'DONE', detail);
    }
  }
  let written: Date | undefined;
  if (session.contactRecord === 'PENDING') {
    try {
      await deps.contacts.write(session.instanceArn, session.contactId, contactAttributesOf(session));
      written = deps.clock.now();
    } catch (error) {
      // The record is the least urgent call (R15: restores first): the close and the restore are
      // done and stand. It stays PENDING, listed for the sweep, which writes it within a minute or two.
      deps.log.warn('Wrap-up record not written yet; the sweep will write it', {
        contactId: session.contactId,
        agentId: session.agentId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (restored === undefined && written === undefined) return session;
  // Issue 13: a wrap-up completing after its day was rolled up marks the day first, so the next
  // roll-up counts it (a failure here fails the step, and its retry marks again).
  const leftPending =
    (session.restore === 'PENDING' && restored === undefined) ||
    (session.contactRecord === 'PENDING' && written === undefined);
  const lateDay = leftPending ? undefined : lateRollUpDay(session.startedAt, deps.clock.now());
  if (lateDay !== undefined) await deps.lateCompletions?.mark(lateDay, deps.clock.now());
  // Whether this write completes the session (the last attempt's: a conflict re-reads and decides again).
  let completes = false;
  const saved = await saveStep(deps, session, (s) => {
    let next = s;
    if (restored !== undefined && next.restore === 'PENDING') next = restored(next);
    if (written !== undefined && next.contactRecord === 'PENDING')
      next = markContactRecordWritten(next, written);
    completes = next !== s && closeIsPending(s) && !closeIsPending(next);
    return next === s ? undefined : next;
  });
  if (completes) deps.observer?.completed(saved);
  return saved;
}

/**
 * R19: puts the agent in the status they chose (else the routable status). A chosen status the
 * instance no longer offers (deleted, disabled since) falls back to the routable status: the agent
 * is never left in wrap-up for it (R15). Returns what the history says of it.
 */
async function restoreAgent(
  deps: Deps,
  session: Session,
  choice: { readonly from: Session; readonly sibling: boolean } = { from: session, sibling: false },
): Promise<string | undefined> {
  const target = restoreTargetOf(choice.from);
  const dueBy = restoreDueBy(session);
  if (target === 'ROUTABLE' || target === 'WRAP_UP') {
    await deps.agents.set(session.instanceArn, session.agentId, 'ROUTABLE', dueBy);
    return undefined;
  }
  try {
    await deps.agents.set(session.instanceArn, session.agentId, target, dueBy);
    return choice.sibling
      ? `to ${target.name}, the agent's choice on contact ${choice.from.contactId}, which ended at the same time`
      : `to ${target.name}, the agent's choice`;
  } catch (error) {
    if (!(error instanceof StatusUnavailable)) throw error;
    deps.log.warn('The status the agent chose cannot be set; restoring the routable status', {
      contactId: session.contactId,
      agentId: session.agentId,
      nextStatus: target.name,
      error: error.message,
    });
    await deps.agents.set(session.instanceArn, session.agentId, 'ROUTABLE', dueBy);
    return `to the routable status: ${target.name}, the agent's choice, cannot be set`;
  }
}

/**
 * R12, R19: the session closes while others of the agent are open: its choice of status goes to
 * each of them that has no choice or an older one, so the latest choice applies when the last one
 * ends. A session that closed meanwhile is left alone (its own close decides).
 */
async function handOverChoice(deps: Deps, closing: Session): Promise<void> {
  if (closing.nextStatus === undefined) return;
  const nextStatus = closing.nextStatus;
  const chosenAt = new Date(closing.nextStatusAt ?? closing.updatedAt);
  const others = (await deps.store.listOpenByAgent(closing.agentId)).filter(
    (other) => other.contactId !== closing.contactId && other.state === 'WRAP_UP',
  );
  for (const candidate of others) {
    const current = await deps.store.get(candidate.contactId, candidate.agentId);
    if (current === undefined) continue;
    await saveStep(deps, current, (s) =>
      s.state === 'WRAP_UP' && hasLaterChoice(closing, s)
        ? chooseNextStatus(s, {
            nextStatus,
            now: deps.clock.now(),
            chosenAt,
            by: 'system',
            detail: `chosen on contact ${closing.contactId}, which ended first`,
          })
        : undefined,
    );
  }
}

/**
 * R12: how many wrap-ups of the agent (but `except`) are still open. The index lists candidates (it
 * lags a little; `listed`: as the caller listed them); each is confirmed with a consistent read,
 * so of two sessions closing at the same moment the later check always sees the other closed and
 * restores: the agent is never left in wrap-up with nothing open.
 */
export async function openSessionsOf(
  deps: Deps,
  agentId: string,
  except: string | undefined,
  listed?: readonly Session[],
): Promise<number> {
  return (await siblingsOf(deps, agentId, except, listed)).open;
}

/**
 * `openSessionsOf`, and the agent's other wrap-ups closed but listed still: those listed closed
 * (their close not complete yet, or just completed and still in the index), and those listed open
 * that the consistent read finds closed (closed since the listing: at about the same moment as
 * this one, when the caller listed just before).
 */
async function siblingsOf(
  deps: Deps,
  agentId: string,
  except: string | undefined,
  listed?: readonly Session[],
): Promise<{ open: number; closed: Session[] }> {
  const others = (listed ?? (await deps.store.listOpenByAgent(agentId))).filter(
    (other) => other.contactId !== except,
  );
  const candidates = others.filter((other) => other.state === 'WRAP_UP');
  let open = 0;
  const closed: Session[] = others.filter((other) => other.state !== 'WRAP_UP');
  for (const candidate of candidates) {
    const current = await deps.store.get(candidate.contactId, candidate.agentId);
    if (current?.state === 'WRAP_UP') open += 1;
    else if (current !== undefined) closed.push(current);
  }
  return { open, closed };
}

/** How long a claim on a shared restore is kept: longer than any retry of the closes it settles. */
const SHARED_RESTORE_RETENTION_MS = 86_400_000;

/**
 * R12, R14: whether this close restores the agent, when other wrap-ups of theirs were found closed
 * too (listed closed, or listed open and read closed after this close). Each of those closes may
 * find the others closed in turn and restore: of the ones the system closed (the agent's own doing
 * restores nobody), only the first to claim the agent's restore does. The claim is one item per
 * agent, kept with its time, not one per group: closes that saw different sets of siblings (one
 * completed between their listings, say) still meet on it. A claim made since this wrap-up's
 * hold restored its agent already; an older one was an earlier wrap-up's. With no such sibling,
 * this one restores without a claim, as before: a sibling that restores has read this one closed,
 * so this close, which listed it before, reads it closed too (and claims) or open (and skips).
 */
async function restoresForTheGroup(
  deps: Deps,
  session: Session,
  closedSiblings: readonly Session[],
): Promise<boolean> {
  const rivals = closedSiblings.filter(
    (sibling) => sibling.endReason === undefined || !UNRESTORED_ENDS.has(sibling.endReason),
  );
  if (rivals.length === 0) return true;
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + SHARED_RESTORE_RETENTION_MS);
  return deps.store.claimSharedRestore(
    session.agentId,
    session.contactId,
    heldSince(session),
    now,
    expiresAt,
  );
}

/** Ends after which nobody restores the agent (R8-R11): a choice made on them does not apply. */
const UNRESTORED_ENDS: ReadonlySet<string> = new Set([
  'STATUS_CHANGED',
  'OUTBOUND',
  'INTERRUPTED',
  'AGENT_OFFLINE',
]);

/**
 * R19: the session whose choice applies: the latest choice of `session` and of the `siblings` that
 * the system ended (one the agent's own doing ended carries no restore, so no choice).
 */
function latestChoice(
  session: Session,
  siblings: readonly Session[],
): { readonly from: Session; readonly sibling: boolean } {
  let from = session;
  for (const sibling of siblings) {
    if (sibling.endReason !== undefined && UNRESTORED_ENDS.has(sibling.endReason)) continue;
    if (hasLaterChoice(sibling, from)) from = sibling;
  }
  return { from, sibling: from !== session };
}
