/**
 * R19 The status after wrap-up: the agent chooses, during wrap-up, the status they land in when it
 * ends; every restore by the system (R6, R7, R15, R18) puts them there; R8, R11 and R12 still hold.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp, UnknownStatus, updateWrapUp } from '../../lambda/core/actions';
import { completeClose } from '../../lambda/core/complete-close';
import { endOnTimer } from '../../lambda/core/end-on-time';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import {
  type AgentPresence,
  type ChoosableStatus,
  type Deps,
  type ObservedStatus,
  type StatusDirectory,
  type StatusKind,
  StatusUnavailable,
  type TargetStatus,
} from '../../lambda/core/ports';
import type { Session } from '../../lambda/core/session';
import { closeBySystem, timerOf } from '../../lambda/core/session';
import { startWrapUp } from '../../lambda/core/start';
import { sweepOverdue } from '../../lambda/core/sweep';
import { saveStep } from '../../lambda/core/write-loop';
import { useSessionStore } from '../support/dynamo';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { type FakeClock, type RecordingAgents, type RecordingContacts, testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const AGENT = '87654321-4321-4321-4321-210987654321';
const DISCONNECT = '2026-03-02T09:00:00.000Z';
/** 90 s default policy: deadline 09:01:30. */
const DEADLINE = '2026-03-02T09:01:30.000Z';

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(parseAcwConfig({ policies: { default: { durationSeconds: 90 } } }).policies),
};

/** The instance's enabled statuses but the wrap-up status, as the adapter lists them. */
class FakeDirectory implements StatusDirectory {
  calls = 0;
  constructor(
    readonly statuses: ChoosableStatus[] = [
      { name: 'Available', type: 'ROUTABLE' },
      { name: 'Offline', type: 'OFFLINE' },
      { name: 'Lunch', type: 'CUSTOM' },
      { name: 'Break', type: 'CUSTOM' },
      { name: 'Training', type: 'CUSTOM' },
    ],
  ) {}
  async choosable(instanceArn: string): Promise<readonly ChoosableStatus[]> {
    expect(instanceArn).toBe(INSTANCE_ARN);
    this.calls += 1;
    return this.statuses;
  }
}

/** The agent's status as the agent event stream reported it. */
class FakePresence implements AgentPresence {
  status: (ObservedStatus & { kind: StatusKind }) | undefined;
  async current(): Promise<(ObservedStatus & { kind: StatusKind }) | undefined> {
    return this.status;
  }
}

let store: MemorySessionStore;
let clock: FakeClock;
let agents: RecordingAgents;
let contacts: RecordingContacts;
let deps: Deps;
let directory: FakeDirectory;
let contactSeq = 0;

beforeEach(() => {
  store = new MemorySessionStore();
  directory = new FakeDirectory();
  const made = testDeps(store, '2026-03-02T09:00:04.000Z');
  ({ clock, agents, contacts } = made);
  deps = { ...made.deps, statuses: directory };
});

/** Starts (and holds) a wrap-up of AGENT for a new contact disconnected at `at`. */
async function started(at = DISCONNECT, channel = 'CHAT'): Promise<Session> {
  contactSeq += 1;
  const contactId = `contact-${contactSeq}`;
  const outcome = await startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: at, channel }));
  if (outcome.session === undefined) throw new Error(`wrap-up not started: ${outcome.kind}`);
  return outcome.session;
}

function choose(session: Session, nextStatus: string | null, by: `agent:${string}` = `agent:${AGENT}`) {
  return updateWrapUp(deps, { contactId: session.contactId, agentId: AGENT, by, nextStatus });
}

/** The statuses the system set after putting the agent in wrap-up. */
function restores(): TargetStatus[] {
  return agents.calls.map((call) => call.status).filter((status) => status !== 'WRAP_UP');
}

async function stored(session: Session): Promise<Session> {
  const current = await store.get(session.contactId, session.agentId);
  if (current === undefined) throw new Error('session disappeared');
  return current;
}

describe('R19 choosing the status after wrap-up', () => {
  it('R19: a choice is recorded with when and by whom, and the wrap-up stays open', async () => {
    const session = await started();
    clock.set('2026-03-02T09:00:20.000Z');

    const updated = await choose(session, 'Lunch');

    expect(updated).toMatchObject({
      state: 'WRAP_UP',
      nextStatus: 'Lunch',
      nextStatusAt: '2026-03-02T09:00:20.000Z',
    });
    expect(updated.history.at(-1)).toEqual({
      at: '2026-03-02T09:00:20.000Z',
      what: 'NEXT_STATUS_CHOSEN',
      by: `agent:${AGENT}`,
      detail: 'Lunch',
    });
    expect(restores()).toEqual([]);
  });

  it('R19: a status the instance does not offer is refused, naming it, and changes nothing', async () => {
    const session = await started();
    await choose(session, 'Break');
    const before = await stored(session);

    const attempt = updateWrapUp(deps, {
      contactId: session.contactId,
      agentId: AGENT,
      by: `agent:${AGENT}`,
      nextStatus: 'Wrap Up',
      notes: 'not saved either',
    });

    await expect(attempt).rejects.toBeInstanceOf(UnknownStatus);
    await expect(attempt).rejects.toThrow(
      /"Wrap Up" is not an enabled agent status.*Available, Offline, Lunch/,
    );
    expect(await stored(session)).toEqual(before);
  });

  it('R19: without a status directory a choice cannot be checked and is not saved', async () => {
    const session = await started();
    const withoutDirectory: Deps = { ...deps, statuses: undefined };

    await expect(
      updateWrapUp(withoutDirectory, {
        contactId: session.contactId,
        agentId: AGENT,
        by: `agent:${AGENT}`,
        nextStatus: 'Lunch',
      }),
    ).rejects.toThrow(/No status directory/);
    expect((await stored(session)).nextStatus).toBeUndefined();
  });

  it('R19: disposition and notes alone never ask the directory', async () => {
    const session = await started();

    await updateWrapUp(deps, {
      contactId: session.contactId,
      agentId: AGENT,
      by: `agent:${AGENT}`,
      notes: 'n',
    });

    expect(directory.calls).toBe(0);
  });

  it('R19: null clears the choice: the agent goes back to the routable status', async () => {
    const session = await started();
    await choose(session, 'Lunch');

    const cleared = await choose(session, null);
    clock.set(DEADLINE);
    await endOnTimer(deps, timerOf(cleared));

    expect(cleared.nextStatus).toBeUndefined();
    expect(cleared.nextStatusAt).toBeUndefined();
    expect(restores()).toEqual(['ROUTABLE']);
  });
});

describe('R19 every restore by the system uses the choice', () => {
  it('R19/R7: the timer puts the agent in the chosen status and the record carries acw_next_status', async () => {
    const session = await started();
    await choose(session, 'Lunch');
    clock.set(DEADLINE);

    const outcome = await endOnTimer(deps, timerOf(session));

    expect(outcome.kind).toBe('CLOSED');
    expect(restores()).toEqual([{ name: 'Lunch' }]);
    expect(outcome.session?.history).toContainEqual(
      expect.objectContaining({ what: 'ROUTABLE_STATUS_RESTORED', detail: "to Lunch, the agent's choice" }),
    );
    expect(contacts.writes.at(-1)?.attributes).toMatchObject({
      acw_next_status: 'Lunch',
      acw_end_reason: 'TIMER',
    });
  });

  it('R19: a wrap-up with no choice restores the routable status and writes no acw_next_status', async () => {
    const session = await started();
    clock.set(DEADLINE);

    await endOnTimer(deps, timerOf(session));

    expect(restores()).toEqual(['ROUTABLE']);
    expect(contacts.writes.at(-1)?.attributes).not.toHaveProperty('acw_next_status');
  });

  it('R19/R6: All Done puts the agent in the chosen status', async () => {
    const session = await started();
    await choose(session, 'Training');

    const closed = await finishWrapUp(deps, {
      contactId: session.contactId,
      agentId: AGENT,
      by: `agent:${AGENT}`,
    });

    expect(closed).toMatchObject({ endReason: 'AGENT_DONE', restore: 'DONE', nextStatus: 'Training' });
    expect(restores()).toEqual([{ name: 'Training' }]);
  });

  it('R19/R15: the sweep ending an overdue wrap-up puts the agent in the chosen status', async () => {
    const session = await started();
    await choose(session, 'Break');
    clock.set('2026-03-02T09:03:00.000Z');

    const result = await sweepOverdue(deps);

    expect(result.ended).toBe(1);
    expect((await stored(session)).endReason).toBe('SWEEP');
    expect(restores()).toEqual([{ name: 'Break' }]);
  });

  it('R19/R18: the kill switch ending a wrap-up puts the agent in the chosen status', async () => {
    const session = await started();
    await choose(session, 'Offline');
    const switchedOff: Deps = { ...deps, killSwitch: { isOn: async () => false } };

    await sweepOverdue(switchedOff);

    expect((await stored(session)).endReason).toBe('KILL_SWITCH');
    expect(restores()).toEqual([{ name: 'Offline' }]);
  });

  it('R19/R15: a chosen status Connect no longer has falls back to the routable status, never stuck', async () => {
    const session = await started();
    await choose(session, 'Lunch');
    const refusing: Deps = {
      ...deps,
      agents: {
        async set(instanceArn, agentId, status) {
          if (typeof status === 'object') throw new StatusUnavailable(status.name, 'disabled since');
          await agents.set(instanceArn, agentId, status);
        },
      },
    };
    clock.set(DEADLINE);

    const outcome = await endOnTimer(refusing, timerOf(session));

    expect(outcome.session).toMatchObject({ restore: 'DONE' });
    expect(restores()).toEqual(['ROUTABLE']);
    expect(outcome.session?.history).toContainEqual(
      expect.objectContaining({
        what: 'ROUTABLE_STATUS_RESTORED',
        detail: "to the routable status: Lunch, the agent's choice, cannot be set",
      }),
    );
  });

  it('R19: any other failure to set the chosen status is thrown for the retry, the restore left PENDING', async () => {
    const session = await started();
    await choose(session, 'Lunch');
    agents.failNext = 1;
    clock.set('2026-03-02T09:00:30.000Z');

    await expect(
      finishWrapUp(deps, { contactId: session.contactId, agentId: AGENT, by: `agent:${AGENT}` }),
    ).rejects.toThrow(/TooManyRequestsException/);
    expect(await stored(session)).toMatchObject({ state: 'CLOSED_COMPLETE', restore: 'PENDING' });
  });
});

describe('R19 with R8, R11 and R12', () => {
  it('R19/R8: a status the agent set themselves during wrap-up is kept over their choice', async () => {
    const presence = new FakePresence();
    const session = await started();
    await choose(session, 'Lunch');
    presence.status = { name: 'Break', since: '2026-03-02T09:00:50.000Z', kind: 'OTHER' };
    clock.set(DEADLINE);

    const outcome = await endOnTimer({ ...deps, presence }, timerOf(session));

    expect(outcome.session).toMatchObject({ endReason: 'STATUS_CHANGED', restore: 'SKIPPED' });
    expect(restores()).toEqual([]);
  });

  it('R19/R11: an agent who went offline is never changed, whatever they chose', async () => {
    const presence = new FakePresence();
    const session = await started();
    await choose(session, 'Lunch');
    presence.status = { name: 'Offline', since: '2026-03-02T09:00:50.000Z', kind: 'OFFLINE' };
    clock.set(DEADLINE);

    const outcome = await endOnTimer({ ...deps, presence }, timerOf(session));

    expect(outcome.session).toMatchObject({ endReason: 'AGENT_OFFLINE', restore: 'SKIPPED' });
    expect(restores()).toEqual([]);
  });

  it('R19/R12: a choice on a wrap-up that ends first goes to the open one and applies when it ends', async () => {
    const first = await started(DISCONNECT);
    const last = await started('2026-03-02T09:00:30.000Z');
    clock.set('2026-03-02T09:00:40.000Z');
    await choose(first, 'Lunch');

    clock.set(DEADLINE);
    await endOnTimer(deps, timerOf(first));
    expect(restores()).toEqual([]);
    expect(await stored(last)).toMatchObject({
      nextStatus: 'Lunch',
      nextStatusAt: '2026-03-02T09:00:40.000Z',
    });

    clock.set('2026-03-02T09:02:00.000Z');
    await endOnTimer(deps, timerOf(last));
    expect(restores()).toEqual([{ name: 'Lunch' }]);
  });

  it('R19/R12: the latest choice wins: an older one handed over does not replace a newer one', async () => {
    const first = await started(DISCONNECT);
    const last = await started('2026-03-02T09:00:30.000Z');
    clock.set('2026-03-02T09:00:40.000Z');
    await choose(first, 'Lunch');
    clock.set('2026-03-02T09:00:50.000Z');
    await choose(last, 'Training');

    clock.set(DEADLINE);
    await endOnTimer(deps, timerOf(first));
    clock.set('2026-03-02T09:02:00.000Z');
    await endOnTimer(deps, timerOf(last));

    expect((await stored(last)).nextStatus).toBe('Training');
    expect(restores()).toEqual([{ name: 'Training' }]);
  });

  it('R19/R12: a newer choice on the wrap-up that ends first replaces an older one on the open one', async () => {
    const first = await started(DISCONNECT);
    const last = await started('2026-03-02T09:00:30.000Z');
    clock.set('2026-03-02T09:00:40.000Z');
    await choose(last, 'Training');
    clock.set('2026-03-02T09:00:50.000Z');
    await choose(first, 'Break');

    await finishWrapUp(deps, { contactId: first.contactId, agentId: AGENT, by: `agent:${AGENT}` });
    const handedOver = await stored(last);
    clock.set('2026-03-02T09:02:00.000Z');
    await endOnTimer(deps, timerOf(last));

    expect(handedOver.history.at(-1)).toMatchObject({
      what: 'NEXT_STATUS_CHOSEN',
      by: 'system',
      detail: `Break (chosen on contact ${first.contactId}, which ended first)`,
    });
    expect(restores()).toEqual([{ name: 'Break' }]);
  });
});

describe('R19 with R12: wrap-ups of one agent ending at the same moment', () => {
  it('R19/R12: two timers at one deadline, in parallel (one batch): the agent lands in the choice made on either', async () => {
    const chosen = await started(DISCONNECT);
    const other = await started(DISCONNECT);
    clock.set('2026-03-02T09:00:40.000Z');
    await choose(chosen, 'Lunch');

    clock.set(DEADLINE);
    await Promise.all([endOnTimer(deps, timerOf(other)), endOnTimer(deps, timerOf(chosen))]);

    expect((await stored(chosen)).state).toBe('CLOSED_COMPLETE');
    expect((await stored(other)).state).toBe('CLOSED_COMPLETE');
    // R14: each close finds the other closed; only the one that claims their restore first restores.
    expect(restores()).toEqual([{ name: 'Lunch' }]);
    const restoreStates = [(await stored(chosen)).restore, (await stored(other)).restore].sort();
    expect(restoreStates).toEqual(['DONE', 'SKIPPED']);
  });

  it('R19/R12: of two choices on wrap-ups ending together, the later one applies', async () => {
    const first = await started(DISCONNECT);
    const second = await started(DISCONNECT);
    clock.set('2026-03-02T09:00:40.000Z');
    await choose(second, 'Break');
    clock.set('2026-03-02T09:00:50.000Z');
    await choose(first, 'Training');

    clock.set(DEADLINE);
    await Promise.all([endOnTimer(deps, timerOf(first)), endOnTimer(deps, timerOf(second))]);

    expect(restores()).toEqual([{ name: 'Training' }]);
  });

  it('R14, R15: the close that claimed the restore fails to make it: the other has skipped, and the retry of the claimant restores, once', async () => {
    const first = await started(DISCONNECT);
    const second = await started(DISCONNECT);
    clock.set(DEADLINE);
    agents.failNext = 1;

    const ends = await Promise.allSettled([
      endOnTimer(deps, timerOf(first)),
      endOnTimer(deps, timerOf(second)),
    ]);

    expect(ends.map((end) => end.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(restores()).toEqual([]);
    const states = [(await stored(first)).restore, (await stored(second)).restore].sort();
    expect(states).toEqual(['PENDING', 'SKIPPED']);

    // Past the lease, the sweep finishes the claimant's close: its claim is still its own.
    clock.set(Date.parse(DEADLINE) + 20_000);
    await sweepOverdue(deps);
    expect(restores()).toEqual(['ROUTABLE']);
    expect([(await stored(first)).restore, (await stored(second)).restore].sort()).toEqual([
      'DONE',
      'SKIPPED',
    ]);
  });
});

describe('R14 with R12: three wrap-ups of one agent closing together', () => {
  /** Writes the timer's close of `session` (TIMER, restore PENDING), as endOnTimer's save does, without what follows. */
  async function closeOnly(session: Session): Promise<Session> {
    return saveStep(deps, await stored(session), (s) =>
      s.state === 'WRAP_UP' ? closeBySystem(s, clock.now(), 'TIMER') : undefined,
    );
  }

  it('R14: closes that saw different sets of siblings (one completed between their listings) restore the agent once', async () => {
    const [first, second, third] = [await started(), await started(), await started()];
    clock.set(DEADLINE);
    // The second's timer lists the agent's wrap-ups: all three open.
    const secondListing = await store.listAgent(AGENT);
    // The first closes and completes: the others are open, so it skips (R12) and leaves the index.
    await endOnTimer(deps, timerOf(first));
    // The third's timer lists after that: the second and itself.
    const thirdListing = await store.listAgent(AGENT);
    const closedSecond = await closeOnly(second);
    const closedThird = await closeOnly(third);

    // Each finds the others closed: the second sees {first, third}, the third sees {second}.
    await completeClose(deps, closedSecond, { statusChecked: true, listing: secondListing });
    await completeClose(deps, closedThird, { statusChecked: true, listing: thirdListing });

    expect(secondListing.sessions.map((s) => s.contactId).sort()).toEqual(
      [first, second, third].map((s) => s.contactId).sort(),
    );
    expect(thirdListing.sessions.map((s) => s.contactId).sort()).toEqual(
      [second, third].map((s) => s.contactId).sort(),
    );
    expect(restores()).toEqual(['ROUTABLE']);
    const states = await Promise.all([first, second, third].map(async (s) => (await stored(s)).restore));
    expect(states).toEqual(['SKIPPED', 'DONE', 'SKIPPED']);
  });

  it('R14, R12: a later wrap-up of the agent, held after the last shared restore, restores them again', async () => {
    const [first, second] = [await started(), await started()];
    clock.set(DEADLINE);
    await Promise.all([endOnTimer(deps, timerOf(first)), endOnTimer(deps, timerOf(second))]);
    expect(restores()).toEqual(['ROUTABLE']);

    // Two more contacts end later: the same race, a new claim.
    const later = '2026-03-02T09:05:00.000Z';
    clock.set('2026-03-02T09:05:04.000Z');
    const [third, fourth] = [await started(later), await started(later)];
    clock.set('2026-03-02T09:06:30.000Z');
    await Promise.all([endOnTimer(deps, timerOf(third)), endOnTimer(deps, timerOf(fourth))]);

    expect(restores()).toEqual(['ROUTABLE', 'ROUTABLE']);
  });
});

describe('R19 on DynamoDB (dynalite)', () => {
  const db = useSessionStore();

  it('R19: the choice and when it was made survive the DynamoDB store; clearing it removes both', async () => {
    const dynamoDeps: Deps = { ...deps, store: db.store };
    const outcome = await startWrapUp(
      dynamoDeps,
      config,
      disconnect({ contactId: 'contact-dynamo', disconnectedAt: DISCONNECT }),
    );
    const session = outcome.session;
    if (session === undefined) throw new Error('wrap-up not started');
    clock.set('2026-03-02T09:00:20.000Z');
    const request = { contactId: session.contactId, agentId: AGENT, by: `agent:${AGENT}` } as const;

    await updateWrapUp(dynamoDeps, { ...request, nextStatus: 'Lunch' });
    const chosen = await db.store.get(session.contactId, AGENT);
    await updateWrapUp(dynamoDeps, { ...request, nextStatus: null });
    const cleared = await db.store.get(session.contactId, AGENT);

    expect(chosen).toMatchObject({ nextStatus: 'Lunch', nextStatusAt: '2026-03-02T09:00:20.000Z' });
    expect(cleared?.nextStatus).toBeUndefined();
    expect(cleared?.nextStatusAt).toBeUndefined();
    expect(
      cleared?.history.filter((entry) => entry.what === 'NEXT_STATUS_CHOSEN').map((e) => e.detail),
    ).toEqual(['Lunch', 'routable status']);
  });
});
