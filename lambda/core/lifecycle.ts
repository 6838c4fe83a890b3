/**
 * The wrap-up lifecycle's use cases: start on disconnect (R1-R3), end on time (R7, R13), each
 * safe to run more than once and in any order (R14).
 *
 * Every step is "read, decide purely, write conditionally, then act": the conditional write is
 * what makes a duplicate a no-op, and the flags it leaves behind (`wrapUpStatusSet`,
 * `timerArmed`, `restore: PENDING`) are what lets a retry finish work a crash interrupted.
 */
import {
  AGENT_DIALLED_METHODS,
  type ContactEvent,
  isMonitoringLeg,
  isUnansweredOutbound,
  reachedAgent,
} from './contact';
import { type FlowChoice, type PolicyIndex, PROFILE_TAG, resolveContactPolicy } from './policy';
import type { ContactOverride, Deps, TimerPayload } from './ports';
import { StatusUnavailable, VersionConflict } from './ports';
import { type ConfiguredStatuses, restoreVerdict } from './presence';
import {
  chooseNextStatus,
  closeByAgentActivity,
  closeBySystem,
  closeSession,
  contactAttributesOf,
  hasLaterChoice,
  heldSince,
  markAttributesWritten,
  markHeld,
  markRestored,
  openSession,
  restoreTargetOf,
  type Session,
} from './session';
import { stepTimer } from './timer';

/** What the lifecycle needs from the configuration. */
export interface LifecycleConfig {
  readonly policies: PolicyIndex;
  /** Events from any other instance are ignored; undefined accepts every instance. */
  readonly instanceArn?: string | undefined;
  /**
   * R8, R11: the agent event stream is consumed, so a status the agent chose ends their wrap-up
   * as it happens. Without it, the agent's current status is read before each restore.
   */
  readonly agentEventStream?: boolean | undefined;
  /** The wrap-up and routable statuses, to tell them from the agent's own (default "Wrap Up", "Available"). */
  readonly statuses?: ConfiguredStatuses | undefined;
}

/** Why an event or timer changed nothing. */
export type IgnoredReason =
  | 'NOT_A_DISCONNECT'
  | 'OTHER_INSTANCE'
  | 'NO_AGENT'
  | 'NO_WRAP_UP_POLICY'
  | 'UNANSWERED_OUTBOUND'
  | 'MONITORING'
  | 'SWITCHED_OFF'
  | 'UNKNOWN_SESSION'
  | 'DUPLICATE'
  | 'ALREADY_CLOSED'
  | 'STALE_DEADLINE'
  | 'NOT_HANDLED'
  | 'NOTHING_TO_INTERRUPT'
  | 'NO_STATUS'
  | 'STALE_STATUS'
  | 'STATUS_KEPT';

/** What a use case did, for the handler's log line and metrics. */
export type Outcome =
  | { readonly kind: 'IGNORED'; readonly reason: IgnoredReason; readonly session?: Session }
  | {
      readonly kind: 'STARTED' | 'RESUMED' | 'LATE' | 'CLOSED' | 'RESTORED' | 'ENDED_BY_AGENT';
      readonly session: Session;
    }
  /** R10: the agent was put back in the routable status after the contact that interrupted their wrap-up. */
  | {
      readonly kind: 'AGENT_RESTORED';
      readonly agentId: string;
      readonly contactId: string;
      readonly session?: undefined;
    }
  | { readonly kind: 'DEFERRED'; readonly delaySeconds: number; readonly session: Session };

/** How often a use case re-reads after losing a conditional write before giving up (and retrying later). */
const MAX_ATTEMPTS = 5;

/**
 * How long a half-done step (agent not yet held, restore not yet recorded) belongs to the
 * delivery that began it. A duplicate arriving within it backs off instead of making the same
 * Connect call again (R14: never restore an agent twice); after it, the duplicate takes over,
 * since the first delivery has evidently failed.
 */
export const STEP_LEASE_MS = 15_000;

/** Another delivery of the same event or timer is doing this step now: retry later. */
export class StepInProgress extends Error {
  constructor(session: Session, step: string) {
    super(`Session ${session.contactId}/${session.agentId}: ${step} is in progress in another delivery`);
    this.name = 'StepInProgress';
  }
}

/**
 * Every contact event the intake receives: DISCONNECTED starts a wrap-up (R1); an agent's
 * CONNECTED_TO_AGENT, or an outbound contact naming them, interrupts one (R9, R10).
 */
export async function onContactEvent(
  deps: Deps,
  config: LifecycleConfig,
  event: ContactEvent,
): Promise<Outcome[]> {
  if (config.instanceArn !== undefined && event.instanceArn !== config.instanceArn) {
    return [{ kind: 'IGNORED', reason: 'OTHER_INSTANCE' }];
  }
  // A supervisor's silent monitor or barge is not a contact they handle: it neither starts a
  // wrap-up of theirs nor ends one (they are watching someone else's contact, not taking one).
  if (isMonitoringLeg(event)) return [{ kind: 'IGNORED', reason: 'MONITORING' }];
  if (event.eventType === 'DISCONNECTED') return [await startWrapUp(deps, config, event)];
  const outbound = event.initiationMethod === 'OUTBOUND';
  if (event.eventType === 'CONNECTED_TO_AGENT' || (event.eventType === 'INITIATED' && outbound)) {
    return interruptWrapUp(deps, event, outbound ? 'OUTBOUND' : 'INTERRUPTED');
  }
  return [{ kind: 'IGNORED', reason: 'NOT_HANDLED' }];
}

/** How long an interruption record is kept: longer than any contact. */
const INTERRUPTION_RETENTION_MS = 7 * 86_400_000;

/**
 * R9, R10: a contact is connected to the agent (or the agent starts an outbound contact, whichever
 * of its events names them first). Every wrap-up of theirs that began before it ends
 * (`INTERRUPTED` or `OUTBOUND`), and they are not made routable: they are on the new contact.
 *
 * When that contact ends, its own policy decides (a new wrap-up), or, where it has none, the
 * agent is restored (Connect puts them back in the status they had before it: the wrap-up status).
 * The two events may arrive in either order: each records its side of the interruption, and the
 * one that finds both sides recorded does the restore (`restoreAfterInterruption`).
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
  // Recorded first, so that a delivery failing half-way still leaves the agent to be restored
  // when the contact ends; the restore itself waits until nothing is open (R12).
  await deps.store.markInterruption(event.contactId, agentId, 'INTERRUPTED', expiresAt);
  const outcomes: Outcome[] = [];
  for (const candidate of candidates) {
    const ended = await endByAgentActivity(deps, candidate, at, reason, detail);
    if (ended !== undefined) outcomes.push({ kind: 'ENDED_BY_AGENT', session: ended });
  }
  const sides = await deps.store.markInterruption(event.contactId, agentId, 'INTERRUPTED', expiresAt);
  // The interrupting contact is over already (its events came first): restore now if nothing is open.
  if (sides.ended) {
    outcomes.push(...(await restoreAfterInterruption(deps, event.instanceArn, agentId, event.contactId)));
  }
  return outcomes.length > 0 ? outcomes : [{ kind: 'IGNORED', reason: 'NOTHING_TO_INTERRUPT' }];
}

/**
 * R8-R10: ends a still-open wrap-up that began before `at` because of what the agent did; the
 * agent is not restored. Undefined when it was not open (any more) or began later.
 */
export async function endByAgentActivity(
  deps: Deps,
  candidate: Session,
  at: Date,
  reason: 'STATUS_CHANGED' | 'OUTBOUND' | 'INTERRUPTED',
  detail: string,
  /** What `at` must be after for the activity to end the session; undefined: it cannot end it. */
  notBefore: (session: Session) => Date | undefined = (session) => new Date(session.startedAt),
): Promise<Session | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const session = await deps.store.get(candidate.contactId, candidate.agentId);
    if (session === undefined || session.state !== 'WRAP_UP') return undefined;
    const bound = notBefore(session);
    if (bound === undefined || at.getTime() <= bound.getTime()) return undefined;
    let saved: Session;
    try {
      saved = await deps.store.save(closeByAgentActivity(session, at, reason, detail));
    } catch (error) {
      if (error instanceof VersionConflict) continue;
      throw error;
    }
    if (session.deadline !== undefined && session.timerArmed) await deps.timers.cancel(timerOf(session));
    return completeClose(deps, saved);
  }
  throw new VersionConflict(candidate.contactId, candidate.agentId);
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
  // R12: an open wrap-up (the contact's own, or another) restores the agent when it ends.
  if ((await openSessionsOf(deps, agentId, undefined)) > 0) return [];
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - STEP_LEASE_MS);
  if (!(await deps.store.claimInterruptionRestore(contactId, agentId, now, staleBefore))) return [];
  // Connect has put them back in the status they had before the contact: only the wrap-up status is ours.
  const verdict = await restoreVerdict(deps, instanceArn, agentId, undefined);
  if (verdict.restore) {
    await deps.agents.set(instanceArn, agentId, 'ROUTABLE');
    deps.log.info('Agent restored after the contact that interrupted their wrap-up', { agentId, contactId });
  } else {
    deps.log.info('Agent not restored after an interruption', { agentId, contactId, detail: verdict.detail });
  }
  await deps.store.markInterruptionRestored(contactId, agentId);
  return verdict.restore ? [{ kind: 'AGENT_RESTORED', agentId, contactId }] : [];
}

/**
 * The agent's leg of a contact ended. If that contact had interrupted a wrap-up of theirs (R9,
 * R10), record it, and when this side completes the interruption restore them (unless the
 * contact's own wrap-up, open now, will).
 */
async function endInterruptingLeg(deps: Deps, event: ContactEvent, agentId: string): Promise<Outcome[]> {
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
 * R1-R3, R14: a contact event arrives; a DISCONNECTED one for an agent starts their wrap-up.
 *
 * 1. Ignore what starts nothing: other event types and instances, no agent (R2), a 0 s policy.
 * 2. Resolve the policy (R3) and open the session at the disconnect time (R1).
 * 3. If its deadline has already passed (a very late event), record it closed and touch nobody.
 * 4. Create it conditionally: a duplicate finds the stored session instead.
 * 5. Hold the agent: wrap-up status, then the end timer, then record both (a retry resumes here).
 */
export async function startWrapUp(
  deps: Deps,
  config: LifecycleConfig,
  event: ContactEvent,
): Promise<Outcome> {
  if (event.eventType !== 'DISCONNECTED') return { kind: 'IGNORED', reason: 'NOT_A_DISCONNECT' };
  if (config.instanceArn !== undefined && event.instanceArn !== config.instanceArn) {
    return { kind: 'IGNORED', reason: 'OTHER_INSTANCE' };
  }
  const agentId = event.agentId;
  if (agentId === undefined) return { kind: 'IGNORED', reason: 'NO_AGENT' };
  if (isMonitoringLeg(event)) return { kind: 'IGNORED', reason: 'MONITORING' };
  const outcome = await startAgentWrapUp(deps, config, event, agentId);
  // After the session exists (if any), so that a restore for an interruption sees it open (R12).
  await endInterruptingLeg(deps, event, agentId);
  return outcome;
}

async function startAgentWrapUp(
  deps: Deps,
  config: LifecycleConfig,
  event: ContactEvent,
  agentId: string,
): Promise<Outcome> {
  // R2: a contact that never reached the agent (a call cancelled while it rang them, say). A call
  // the agent dialled is theirs from the start: whether it was answered is R21's to decide.
  const dialled = event.initiationMethod !== undefined && AGENT_DIALLED_METHODS.has(event.initiationMethod);
  if (!dialled && !reachedAgent(event)) return { kind: 'IGNORED', reason: 'NO_AGENT' };

  // R3, R10: the contact's own choice, else the one it inherited through transfers; and, for a
  // contact in an agent's queue, the standard queue it came from.
  const leg = await legChoice(deps, event);
  const profileTag = event.tags[PROFILE_TAG];
  const resolved = resolveContactPolicy(
    config.policies,
    { channel: event.channel, queueId: leg.queueId, profile: profileTag },
    leg.choice,
  );
  if (resolved.unknownProfile !== undefined) {
    deps.log.warn('Contact names an unknown wrap-up profile; using the queue, channel or default policy', {
      contactId: event.contactId,
      profile: resolved.unknownProfile,
    });
  }
  // Recorded before anything can stop here, so that the contacts this one is transferred into
  // inherit the choice even when this leg itself has no wrap-up.
  if (leg.toRecord !== undefined) {
    await deps.store.putOverride(
      { ...leg.toRecord, contactId: event.contactId, setAt: deps.clock.now().toISOString() },
      new Date(deps.clock.now().getTime() + CHOICE_RETENTION_MS),
    );
  }
  if (resolved.policy.durationSeconds === 0) return { kind: 'IGNORED', reason: 'NO_WRAP_UP_POLICY' };
  // R21: an outbound call the customer never answered gets a wrap-up only when its policy asks.
  if (isUnansweredOutbound(event) && resolved.policy.unansweredOutbound !== true) {
    return { kind: 'IGNORED', reason: 'UNANSWERED_OUTBOUND' };
  }
  // R18: switched off, no new wrap-up starts (the sweep ends the open ones).
  if (deps.killSwitch !== undefined && !(await deps.killSwitch.isOn())) {
    return { kind: 'IGNORED', reason: 'SWITCHED_OFF' };
  }

  const fresh = openSession({
    contactId: event.contactId,
    agentId,
    instanceArn: event.instanceArn,
    channel: event.channel,
    queueId: leg.queueId,
    policy: resolved.policy,
    policySource: resolved.source,
    startedAt: event.disconnectedAt ?? event.eventTime,
    now: deps.clock.now(),
  });

  const now = deps.clock.now();
  const deadline = fresh.deadline === undefined ? undefined : new Date(fresh.deadline);
  if (deadline !== undefined && deadline.getTime() <= now.getTime()) {
    const late = closeSession(fresh, {
      at: deadline,
      reason: 'LATE_EVENT',
      by: 'system',
      systemWrapUp: true,
      restore: 'SKIPPED',
    });
    const { created, session } = await deps.store.create(late);
    if (closeIsPending(session)) {
      const recorded = await completeClose(deps, session);
      return created ? { kind: 'LATE', session: recorded } : { kind: 'RESUMED', session: recorded };
    }
    return created ? { kind: 'LATE', session } : { kind: 'IGNORED', reason: 'ALREADY_CLOSED', session };
  }

  const { created, session } = await deps.store.create(fresh);
  if (!created && isHalfDone(session) && withinLease(session, now))
    throw new StepInProgress(session, 'holding the agent');
  const held = await holdAgent(deps, session);
  if (created) return { kind: 'STARTED', session: held };
  if (held !== session) return { kind: 'RESUMED', session: held };
  return { kind: 'IGNORED', reason: session.state === 'WRAP_UP' ? 'DUPLICATE' : 'ALREADY_CLOSED', session };
}

/** How long a choice recorded for a transferred contact is kept: as long as the flow's own (7 days). */
const CHOICE_RETENTION_MS = 7 * 86_400_000;

/** What applies to one leg of a contact besides its event: R3's choice and R10's queue. */
interface LegChoice {
  /** The flow's choice for this leg: its own, else inherited through the transfer chain. */
  readonly choice?: FlowChoice | undefined;
  /** The standard queue whose policy applies: the event's, or for an agent's queue the one it came from. */
  readonly queueId?: string | undefined;
  /** A choice this leg inherited (or took from its tag), to be recorded for the legs after it. */
  readonly toRecord?: Omit<ContactOverride, 'contactId' | 'setAt'> | undefined;
}

/**
 * R3, R10: the choice and the queue that apply to one leg of a transferred contact.
 *
 * 1. One BatchGetItem reads the choices stored for the leg, its previous and its initial contact.
 * 2. The leg's own flow choice wins ("a flow chooses again"); then its own `acwProfile` tag (a Tag
 *    contact block in its flow is a choice too); then the previous contact's choice, then the
 *    initial contact's. A choice a leg inherited, or took from its tag, is recorded as that leg's
 *    own, so a chain longer than previous + initial keeps it (A chooses, B inherits and records
 *    it, C finds it on B).
 * 3. A contact in an agent's queue (a quick connect to that agent) gets the policy of the standard
 *    queue it was in before: the one recorded with its previous contact's choice, else the queue of
 *    the previous contact's sessions (one Query), else none (its channel's policy).
 */
async function legChoice(deps: Deps, event: ContactEvent): Promise<LegChoice> {
  const previous = event.previousContactId === event.contactId ? undefined : event.previousContactId;
  const initial = event.initialContactId === event.contactId ? undefined : event.initialContactId;
  const chain = [event.contactId, previous, initial].filter((id): id is string => id !== undefined);
  const stored = await deps.store.getOverrides(chain);
  const own = stored.get(event.contactId);
  const before =
    (previous === undefined ? undefined : stored.get(previous)) ??
    (initial === undefined ? undefined : stored.get(initial));

  let queueId = event.queueId;
  if (queueId === undefined && event.agentQueueOf !== undefined) {
    queueId = own?.queueId ?? before?.queueId ?? (await previousLegQueue(deps, previous));
  }

  const profileTag = event.tags[PROFILE_TAG];
  if (own !== undefined) return { choice: choiceOf(own), queueId };
  if (profileTag !== undefined) {
    return { queueId, toRecord: { profile: profileTag, queueId, inheritedFrom: 'tag' } };
  }
  if (before === undefined) return { queueId };
  const inherited = choiceOf(before);
  deps.log.info('Contact inherits the wrap-up chosen for the contact it was transferred from', {
    contactId: event.contactId,
    from: before.contactId,
  });
  return { choice: inherited, queueId, toRecord: { ...inherited, queueId, inheritedFrom: before.contactId } };
}

function choiceOf(override: ContactOverride): FlowChoice {
  return {
    profile: override.profile,
    durationSeconds: override.durationSeconds,
    mode: override.mode,
    unansweredOutbound: override.unansweredOutbound,
  };
}

/** R10: the standard queue of the previous leg's sessions, if any recorded one. */
async function previousLegQueue(deps: Deps, previous: string | undefined): Promise<string | undefined> {
  if (previous === undefined) return undefined;
  const sessions = await deps.store.listByContact(previous);
  return sessions.find((session) => session.queueId !== undefined)?.queueId;
}

/**
 * Puts the agent in the wrap-up status and arms the end timer, each only if not done yet, then
 * records both. Returns the session unchanged when there was nothing to do.
 */
async function holdAgent(deps: Deps, initial: Session): Promise<Session> {
  let session = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (session.state !== 'WRAP_UP' || (session.wrapUpStatusSet && session.timerArmed)) return session;
    // Both are tried even when one fails (a hold waiting on Connect's quota, Scheduler down), so a
    // failed hold never leaves the wrap-up without its end timer, nor the other way round; what
    // succeeded is recorded, and the failure is thrown for the retry to do what is left.
    // An untimed wrap-up has no timer: it ends when the agent ends it.
    let failure: { error: unknown } | undefined;
    let timerArmed = session.timerArmed || session.deadline === undefined;
    if (!timerArmed) {
      try {
        await deps.timers.arm(timerOf(session), deps.clock.now());
        timerArmed = true;
      } catch (error) {
        failure = { error };
      }
    }
    let statusSet = session.wrapUpStatusSet;
    if (!statusSet) {
      try {
        await deps.agents.set(session.instanceArn, session.agentId, 'WRAP_UP');
        statusSet = true;
      } catch (error) {
        failure ??= { error };
      }
    }
    let saved: Session;
    try {
      saved = await deps.store.save(markHeld(session, deps.clock.now(), statusSet, timerArmed));
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      session = await mustGet(deps, session);
      continue;
    }
    if (failure !== undefined) throw failure.error;
    return saved;
  }
  throw new VersionConflict(initial.contactId, initial.agentId);
}

/**
 * R7, R13, R14: an end timer fires (from Scheduler or the due queue).
 *
 * 1. Only the current deadline of a still-open session acts; anything else is a stale or
 *    duplicate delivery and does nothing (but a close whose restore did not finish is finished).
 * 2. More than FINAL_WAIT_MS early: come back later through the due queue.
 * 3. Otherwise wait out the last fraction, close (TIMER, systemWrapUp) conditionally, then put
 *    the agent back in the routable status and record it.
 */
export async function endOnTimer(deps: Deps, payload: TimerPayload): Promise<Outcome> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const session = await deps.store.get(payload.contactId, payload.agentId);
    if (session === undefined) return { kind: 'IGNORED', reason: 'UNKNOWN_SESSION' };
    if (session.state !== 'WRAP_UP') {
      if (!closeIsPending(session)) return { kind: 'IGNORED', reason: 'ALREADY_CLOSED', session };
      if (withinLease(session, deps.clock.now())) {
        throw new StepInProgress(session, 'restoring the routable status');
      }
      return { kind: 'RESTORED', session: await completeClose(deps, session) };
    }
    if (session.deadline === undefined || session.deadline !== payload.deadline) {
      return { kind: 'IGNORED', reason: 'STALE_DEADLINE', session };
    }

    const step = stepTimer(deps.clock.now(), new Date(session.deadline));
    if (step.kind === 'delay') {
      await deps.timers.defer(payload, step.delaySeconds);
      return { kind: 'DEFERRED', delaySeconds: step.delaySeconds, session };
    }
    // R8, R11: read while waiting out the last fraction, so the check costs no lateness.
    const [verdict] = await Promise.all([
      restoreVerdict(deps, session.instanceArn, session.agentId, heldSince(session)),
      step.waitMs > 0 ? deps.clock.sleep(step.waitMs) : undefined,
    ]);

    const now = deps.clock.now();
    const closed = verdict.restore
      ? closeBySystem(session, now, 'TIMER')
      : verdict.reason === 'AGENT_OFFLINE'
        ? closeBySystem(session, now, 'AGENT_OFFLINE')
        : closeByAgentActivity(session, verdict.since, 'STATUS_CHANGED', verdict.detail);
    let saved: Session;
    try {
      saved = await deps.store.save(closed);
    } catch (error) {
      if (error instanceof VersionConflict) continue;
      throw error;
    }
    return { kind: 'CLOSED', session: await completeClose(deps, saved, { statusChecked: true }) };
  }
  throw new VersionConflict(payload.contactId, payload.agentId);
}

/**
 * The work after a close, each part recorded as soon as it is done so a retry does only what is
 * left: put the agent back in the routable status (unless the close skipped it), then write the
 * wrap-up record to the Connect contact (R17).
 */
export async function completeClose(
  deps: Deps,
  closed: Session,
  options: { readonly statusChecked?: boolean } = {},
): Promise<Session> {
  let session = closed;
  if (session.restore === 'PENDING') {
    const others = await openSessionsOf(deps, session.agentId, session.contactId);
    // R8, R11: the agent's own status (Offline, or one they chose) is never overridden.
    const verdict =
      others > 0 || options.statusChecked
        ? undefined
        : await restoreVerdict(deps, session.instanceArn, session.agentId, heldSince(session));
    if (others > 0 || (verdict !== undefined && !verdict.restore)) {
      // R12: the agent stays in wrap-up until their last open session ends; R19: a status they
      // chose here goes with them to the wrap-ups still open, so the latest choice is not lost.
      if (others > 0) await handOverChoice(deps, session);
      const detail =
        verdict !== undefined && !verdict.restore
          ? verdict.detail
          : `agent still has ${others} open wrap-up${others > 1 ? 's' : ''}`;
      session = await saveStep(deps, session, (s) =>
        s.restore === 'PENDING' ? markRestored(s, deps.clock.now(), 'SKIPPED', detail) : undefined,
      );
    } else {
      const detail = await restoreAgent(deps, session);
      session = await saveStep(deps, session, (s) =>
        s.restore === 'PENDING' ? markRestored(s, deps.clock.now(), 'DONE', detail) : undefined,
      );
    }
  }
  if (session.attributes === 'PENDING') {
    try {
      await deps.contacts.write(session.instanceArn, session.contactId, contactAttributesOf(session));
    } catch (error) {
      // The record is the least urgent call (R15: restores first): the close and the restore are
      // done and stand. It stays PENDING, listed for the sweep, which writes it within a minute or two.
      deps.log.warn('Wrap-up record not written yet; the sweep will write it', {
        contactId: session.contactId,
        agentId: session.agentId,
        error: error instanceof Error ? error.message : String(error),
      });
      return session;
    }
    session = await saveStep(deps, session, (s) =>
      s.attributes === 'PENDING' ? markAttributesWritten(s, deps.clock.now()) : undefined,
    );
  }
  return session;
}

/**
 * R19: puts the agent in the status they chose (else the routable status). A chosen status the
 * instance no longer offers (deleted, disabled since) falls back to the routable status: the agent
 * is never left in wrap-up for it (R15). Returns what the history says of it.
 */
async function restoreAgent(deps: Deps, session: Session): Promise<string | undefined> {
  const target = restoreTargetOf(session);
  if (target === 'ROUTABLE' || target === 'WRAP_UP') {
    await deps.agents.set(session.instanceArn, session.agentId, 'ROUTABLE');
    return undefined;
  }
  try {
    await deps.agents.set(session.instanceArn, session.agentId, target);
    return `to ${target.name}, the agent's choice`;
  } catch (error) {
    if (!(error instanceof StatusUnavailable)) throw error;
    deps.log.warn('The status the agent chose cannot be set; restoring the routable status', {
      contactId: session.contactId,
      agentId: session.agentId,
      nextStatus: target.name,
      error: error.message,
    });
    await deps.agents.set(session.instanceArn, session.agentId, 'ROUTABLE');
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
 * lags a little); each is confirmed with a consistent read, so of two sessions closing at the same
 * moment the later check always sees the other closed and restores: the agent is never left in
 * wrap-up with nothing open.
 */
async function openSessionsOf(deps: Deps, agentId: string, except: string | undefined): Promise<number> {
  const candidates = (await deps.store.listOpenByAgent(agentId)).filter(
    (other) => other.contactId !== except && other.state === 'WRAP_UP',
  );
  let open = 0;
  for (const candidate of candidates) {
    const current = await deps.store.get(candidate.contactId, candidate.agentId);
    if (current?.state === 'WRAP_UP') open += 1;
  }
  return open;
}

/** A closed session whose restore or record is not done yet. */
export function closeIsPending(session: Session): boolean {
  return session.state !== 'WRAP_UP' && (session.restore === 'PENDING' || session.attributes === 'PENDING');
}

/** Saves `apply(session)`, re-reading on a conflict; stops when `apply` finds nothing left to do. */
export async function saveStep(
  deps: Deps,
  initial: Session,
  apply: (session: Session) => Session | undefined,
): Promise<Session> {
  let session = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = apply(session);
    if (next === undefined) return session;
    try {
      return await deps.store.save(next);
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      // Someone else recorded the step meanwhile (a duplicate delivery), or changed the session.
      session = await mustGet(deps, session);
    }
  }
  throw new VersionConflict(initial.contactId, initial.agentId);
}

function isHalfDone(session: Session): boolean {
  return session.state === 'WRAP_UP' && !(session.wrapUpStatusSet && session.timerArmed);
}

function withinLease(session: Session, now: Date): boolean {
  return now.getTime() - new Date(session.updatedAt).getTime() < STEP_LEASE_MS;
}

/** The timer that ends this session at its current deadline. */
export function timerOf(session: Session): TimerPayload {
  if (session.deadline === undefined) {
    throw new Error(`Session ${session.contactId}/${session.agentId} is untimed: it has no timer`);
  }
  return { contactId: session.contactId, agentId: session.agentId, deadline: session.deadline };
}

async function mustGet(deps: Deps, session: Session): Promise<Session> {
  const stored = await deps.store.get(session.contactId, session.agentId);
  if (stored === undefined) {
    throw new Error(`Session ${session.contactId}/${session.agentId} disappeared from the store`);
  }
  return stored;
}
