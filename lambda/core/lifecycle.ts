/**
 * The wrap-up lifecycle's use cases: start on disconnect (R1-R3), end on time (R7, R13), each
 * safe to run more than once and in any order (R14).
 *
 * Every step is "read, decide purely, write conditionally, then act": the conditional write is
 * what makes a duplicate a no-op, and the flags it leaves behind (`wrapUpStatusSet`,
 * `timerArmed`, `restore: PENDING`) are what lets a retry finish work a crash interrupted.
 */
import type { ContactEvent } from './contact';
import { type PolicyIndex, PROFILE_TAG, resolveContactPolicy } from './policy';
import type { Deps, TimerPayload } from './ports';
import { VersionConflict } from './ports';
import {
  closeBySystem,
  closeSession,
  contactAttributesOf,
  markAttributesWritten,
  markHeld,
  markRestored,
  openSession,
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
}

/** Why an event or timer changed nothing. */
export type IgnoredReason =
  | 'NOT_A_DISCONNECT'
  | 'OTHER_INSTANCE'
  | 'NO_AGENT'
  | 'NO_WRAP_UP_POLICY'
  | 'SWITCHED_OFF'
  | 'UNKNOWN_SESSION'
  | 'DUPLICATE'
  | 'ALREADY_CLOSED'
  | 'STALE_DEADLINE';

/** What a use case did, for the handler's log line and metrics. */
export type Outcome =
  | { readonly kind: 'IGNORED'; readonly reason: IgnoredReason; readonly session?: Session }
  | { readonly kind: 'STARTED' | 'RESUMED' | 'LATE' | 'CLOSED' | 'RESTORED'; readonly session: Session }
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
): Promise<Outcome> {
  return startWrapUp(deps, config, event);
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
  if (event.agentId === undefined || event.connectedToAgentAt === undefined) {
    return { kind: 'IGNORED', reason: 'NO_AGENT' };
  }

  // R3: a contact flow's choice for this contact (stored by the flow Lambda) comes first.
  const flow = await deps.store.getOverride(event.contactId);
  const resolved = resolveContactPolicy(
    config.policies,
    { channel: event.channel, queueId: event.queueId, profile: event.tags[PROFILE_TAG] },
    flow,
  );
  if (resolved.unknownProfile !== undefined) {
    deps.log.warn('Contact names an unknown wrap-up profile; using the queue, channel or default policy', {
      contactId: event.contactId,
      profile: resolved.unknownProfile,
    });
  }
  if (resolved.policy.durationSeconds === 0) return { kind: 'IGNORED', reason: 'NO_WRAP_UP_POLICY' };
  // R18: switched off, no new wrap-up starts (the sweep ends the open ones).
  if (deps.killSwitch !== undefined && !(await deps.killSwitch.isOn())) {
    return { kind: 'IGNORED', reason: 'SWITCHED_OFF' };
  }

  const fresh = openSession({
    contactId: event.contactId,
    agentId: event.agentId,
    instanceArn: event.instanceArn,
    channel: event.channel,
    queueId: event.queueId,
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

/**
 * Puts the agent in the wrap-up status and arms the end timer, each only if not done yet, then
 * records both. Returns the session unchanged when there was nothing to do.
 */
async function holdAgent(deps: Deps, initial: Session): Promise<Session> {
  let session = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (session.state !== 'WRAP_UP' || (session.wrapUpStatusSet && session.timerArmed)) return session;
    if (!session.wrapUpStatusSet) await deps.agents.set(session.instanceArn, session.agentId, 'WRAP_UP');
    // An untimed wrap-up has no timer: it ends when the agent ends it.
    if (!session.timerArmed && session.deadline !== undefined) {
      await deps.timers.arm(timerOf(session), deps.clock.now());
    }
    try {
      return await deps.store.save(markHeld(session, deps.clock.now(), true, true));
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      session = await mustGet(deps, session);
    }
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
    if (step.waitMs > 0) await deps.clock.sleep(step.waitMs);

    const closed = closeBySystem(session, deps.clock.now(), 'TIMER');
    let saved: Session;
    try {
      saved = await deps.store.save(closed);
    } catch (error) {
      if (error instanceof VersionConflict) continue;
      throw error;
    }
    return { kind: 'CLOSED', session: await completeClose(deps, saved) };
  }
  throw new VersionConflict(payload.contactId, payload.agentId);
}

/**
 * The work after a close, each part recorded as soon as it is done so a retry does only what is
 * left: put the agent back in the routable status (unless the close skipped it), then write the
 * wrap-up record to the Connect contact (R17).
 */
export async function completeClose(deps: Deps, closed: Session): Promise<Session> {
  let session = closed;
  if (session.restore === 'PENDING') {
    const others = await otherOpenSessions(deps, session);
    if (others > 0) {
      // R12: the agent stays in wrap-up until their last open session ends.
      const detail = `agent still has ${others} open wrap-up${others > 1 ? 's' : ''}`;
      session = await saveStep(deps, session, (s) =>
        s.restore === 'PENDING' ? markRestored(s, deps.clock.now(), 'SKIPPED', detail) : undefined,
      );
    } else {
      await deps.agents.set(session.instanceArn, session.agentId, 'ROUTABLE');
      session = await saveStep(deps, session, (s) =>
        s.restore === 'PENDING' ? markRestored(s, deps.clock.now(), 'DONE') : undefined,
      );
    }
  }
  if (session.attributes === 'PENDING') {
    await deps.contacts.write(session.instanceArn, session.contactId, contactAttributesOf(session));
    session = await saveStep(deps, session, (s) =>
      s.attributes === 'PENDING' ? markAttributesWritten(s, deps.clock.now()) : undefined,
    );
  }
  return session;
}

/**
 * R12: how many other wrap-ups of the same agent are still open. The index lists candidates (it
 * lags a little); each is confirmed with a consistent read, so of two sessions closing at the same
 * moment the later check always sees the other closed and restores: the agent is never left in
 * wrap-up with nothing open.
 */
async function otherOpenSessions(deps: Deps, session: Session): Promise<number> {
  const candidates = (await deps.store.listOpenByAgent(session.agentId)).filter(
    (other) => other.contactId !== session.contactId,
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
