/**
 * R1-R3, R21, R14: a DISCONNECTED contact event for an agent starts their wrap-up; the policy
 * comes from the contact's flow choice, inherited along its transfers (R3, R10), else its tag,
 * queue, channel or the default.
 */
import { completeClose } from './complete-close';
import {
  AGENT_DIALLED_METHODS,
  type ContactEvent,
  isMonitoringLeg,
  isUnansweredOutbound,
  reachedAgent,
} from './contact';
import { endInterruptingLeg } from './interrupt';
import type { LifecycleConfig, Outcome } from './lifecycle';
import { type FlowChoice, PROFILE_TAG, resolveContactPolicy } from './policy';
import type { ContactOverride, Deps } from './ports';
import {
  closeIsPending,
  closeSession,
  holdDueBy,
  markHeld,
  openSession,
  type Session,
  timerOf,
} from './session';
import { mustExist, retryOnConflict, StepInProgress, withinLease } from './write-loop';

/**
 * R1-R3, R14: a contact event arrives; a DISCONNECTED one for an agent starts their wrap-up.
 *
 * 1. Ignore what starts nothing: other event types and instances, no agent (R2), a 0 s policy.
 * 2. Resolve the policy (R3) and open the session at the disconnect time (R1).
 * 3. If its deadline has already passed (a very late event), record it closed and touch nobody.
 * 4. A duplicate or a retry found its stored session in the first read: it resumes the hold.
 * 5. Otherwise hold the agent (the end timer, the wrap-up status), then create the session already
 *    held, conditionally: one write. A duplicate that loses the create resumes instead.
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
  // R2: a contact that never reached the agent (a call cancelled while it rang them, say): it
  // interrupted nothing either. A call the agent dialled is theirs from the start: whether it was
  // answered is R21's to decide.
  const dialled = event.initiationMethod !== undefined && AGENT_DIALLED_METHODS.has(event.initiationMethod);
  if (!dialled && !reachedAgent(event)) return { kind: 'IGNORED', reason: 'NO_AGENT' };

  // R3, R10: the contact's own choice, else the one it inherited through transfers; and, for a
  // contact in an agent's queue, the standard queue it came from.
  const leg = await legChoice(deps, event, agentId);
  const outcome = await startAgentWrapUp(deps, config, event, agentId, leg);
  // R9, R10: if this contact interrupted a wrap-up of the agent's, its end may have to restore them.
  // Recorded after the session exists (if any), so that the restore sees it open (R12). Not needed
  // when this contact's own wrap-up is open and no interruption is recorded yet: that wrap-up
  // restores the agent when it ends, and a CONNECTED_TO_AGENT processed later finds it
  // (interruptWrapUp). Most contacts end so: one write fewer.
  if (leg.interrupted || !opensWrapUp(outcome)) await endInterruptingLeg(deps, event, agentId);
  return outcome;
}

/** Whether an outcome leaves the leg's own wrap-up open. */
function opensWrapUp(outcome: Outcome): boolean {
  return 'session' in outcome && outcome.session?.state === 'WRAP_UP';
}

async function startAgentWrapUp(
  deps: Deps,
  config: LifecycleConfig,
  event: ContactEvent,
  agentId: string,
  leg: LegChoice,
): Promise<Outcome> {
  const profileTag = event.tags[PROFILE_TAG];
  // R20: the live policies (the baseline with administrators' changes) when the function has them.
  const policies = deps.policies === undefined ? config.policies : await deps.policies.index();
  const resolved = resolveContactPolicy(
    policies,
    { channel: event.channel, queueId: leg.queueId, profile: profileTag, agentGroupIds: event.agentGroupIds },
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

  // A duplicate or a retry finds its session in the same read as the choices: it resumes what is left.
  if (leg.stored !== undefined) return resume(deps, leg.stored, now);
  // A new wrap-up: hold the agent first, then create the session already held, in one write. A
  // failure before the create leaves nothing stored, and the event's retry starts again (the hold
  // and the timer are idempotent); a duplicate racing this one loses the create and resumes.
  const { held, failure } = await holdFresh(deps, fresh);
  const { created, session } = await deps.store.create(held);
  if (!created) return resume(deps, session, deps.clock.now());
  if (failure !== undefined) throw failure.error;
  return { kind: 'STARTED', session };
}

/** A wrap-up whose session was stored already: do what is left of its hold, if anything. */
async function resume(deps: Deps, session: Session, now: Date): Promise<Outcome> {
  if (isHalfDone(session) && withinLease(session, now))
    throw new StepInProgress(session, 'holding the agent');
  const held = await holdAgent(deps, session);
  if (held !== session) return { kind: 'RESUMED', session: held };
  return { kind: 'IGNORED', reason: session.state === 'WRAP_UP' ? 'DUPLICATE' : 'ALREADY_CLOSED', session };
}

/**
 * Arms the end timer and puts the agent in the wrap-up status for a session not stored yet. Both
 * are tried even when one fails, so that what succeeded is recorded with the session.
 */
async function holdFresh(
  deps: Deps,
  fresh: Session,
): Promise<{ held: Session; failure: { error: unknown } | undefined }> {
  // Together: the hold does not wait for Scheduler (R15: every millisecond of a hold counts).
  const [timer, status] = await Promise.allSettled([
    fresh.deadline === undefined ? undefined : deps.timers.arm(timerOf(fresh), deps.clock.now()),
    deps.agents.set(fresh.instanceArn, fresh.agentId, 'WRAP_UP', holdDueBy(fresh)),
  ]);
  const failed = [timer, status].find((result) => result.status === 'rejected');
  return {
    held: markHeld(fresh, deps.clock.now(), status.status === 'fulfilled', timer.status === 'fulfilled'),
    failure: failed === undefined ? undefined : { error: failed.reason },
  };
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
  /** The agent's session of this contact, when one exists already (a duplicate, a retry). */
  readonly stored?: Session | undefined;
  /** The contact is recorded as having interrupted a wrap-up of the agent's (R9, R10). */
  readonly interrupted: boolean;
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
async function legChoice(deps: Deps, event: ContactEvent, agentId: string): Promise<LegChoice> {
  const previous = event.previousContactId === event.contactId ? undefined : event.previousContactId;
  const initial = event.initialContactId === event.contactId ? undefined : event.initialContactId;
  const chain = [event.contactId, previous, initial].filter((id): id is string => id !== undefined);
  const read = await deps.store.readLeg(chain, { contactId: event.contactId, agentId });
  const stored = read.overrides;
  const found = { stored: read.session, interrupted: read.interrupted };
  const own = stored.get(event.contactId);
  const before =
    (previous === undefined ? undefined : stored.get(previous)) ??
    (initial === undefined ? undefined : stored.get(initial));

  let queueId = event.queueId;
  if (queueId === undefined && event.agentQueueOf !== undefined) {
    queueId = own?.queueId ?? before?.queueId ?? (await previousLegQueue(deps, previous));
  }

  const profileTag = event.tags[PROFILE_TAG];
  if (own !== undefined) return { choice: choiceOf(own), queueId, ...found };
  if (profileTag !== undefined) {
    return { queueId, toRecord: { profile: profileTag, queueId, inheritedFrom: 'tag' }, ...found };
  }
  if (before === undefined) return { queueId, ...found };
  const inherited = choiceOf(before);
  deps.log.info('Contact inherits the wrap-up chosen for the contact it was transferred from', {
    contactId: event.contactId,
    from: before.contactId,
  });
  return {
    choice: inherited,
    queueId,
    toRecord: { ...inherited, queueId, inheritedFrom: before.contactId },
    ...found,
  };
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
  return retryOnConflict<Session>(
    deps,
    initial,
    async (stored) => {
      const session = mustExist(initial, stored);
      if (session.state !== 'WRAP_UP' || (session.wrapUpStatusSet && session.timerArmed)) {
        return { done: session };
      }
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
          await deps.agents.set(session.instanceArn, session.agentId, 'WRAP_UP', holdDueBy(session));
          statusSet = true;
        } catch (error) {
          failure ??= { error };
        }
      }
      return {
        save: markHeld(session, deps.clock.now(), statusSet, timerArmed),
        after: (saved) => {
          if (failure !== undefined) throw failure.error;
          return saved;
        },
      };
    },
    { first: initial },
  );
}

function isHalfDone(session: Session): boolean {
  return session.state === 'WRAP_UP' && !(session.wrapUpStatusSet && session.timerArmed);
}
