/**
 * R8-R11: every way a wrap-up ends besides the timer and All Done, against the in-memory store
 * model (test/support/memory-store.ts, held to the DynamoDB adapter by
 * test/adapters/store-contract.test.ts). Connect's side is the recording fakes; the agent's current status is a stand-in
 * for the agent event stream or GetCurrentUserData (`presence`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp } from '../../lambda/core/actions';
import { onAgentEvent } from '../../lambda/core/agent-events';
import type { ContactEvent } from '../../lambda/core/contact';
import { onContactEvent } from '../../lambda/core/contact-events';
import { endOnTimer } from '../../lambda/core/end-on-time';
import { endByAgentActivity } from '../../lambda/core/interrupt';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { AgentPresence, Deps, ObservedStatus, StatusKind } from '../../lambda/core/ports';
import { classifyStatus, ObservedPresence } from '../../lambda/core/presence';
import { timerOf } from '../../lambda/core/session';
import { sweepOverdue } from '../../lambda/core/sweep';
import { parseContactEvent } from '../../lambda/handlers/events';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import type { FakeClock, RecordingAgents, RecordingTimers } from '../support/fakes';
import { testDeps } from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

const AGENT = 'agent-1';
const T0 = '2026-03-02T09:00:00.000Z';
const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90 },
        queues: { 'queue-none': { durationSeconds: 0 }, 'queue-long': { durationSeconds: 300 } },
      },
    }).policies,
  ),
};

/** The agent's status as Connect would report it, set by each test. */
class StubPresence implements AgentPresence {
  status: ObservedStatus | undefined;
  reads = 0;
  async current(): Promise<(ObservedStatus & { kind: StatusKind }) | undefined> {
    this.reads += 1;
    return this.status === undefined ? undefined : { ...this.status, kind: classifyStatus(this.status) };
  }
}

const db = useMemorySessionStore();
let clock: FakeClock;
let agents: RecordingAgents;
let timers: RecordingTimers;
let deps: Deps;
let presence: StubPresence;

beforeEach(() => {
  ({ clock, agents, timers, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
  presence = new StubPresence();
  deps = { ...deps, presence };
});

const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();

/** A contact event for AGENT as Connect sends it. */
function contactEvent(options: {
  contactId: string;
  eventType: 'DISCONNECTED' | 'CONNECTED_TO_AGENT' | 'INITIATED';
  queueId?: string;
  outbound?: boolean;
  initiatedAt?: number;
  connectedAt?: number;
  disconnectedAt?: number;
  /** R21: false for an outbound call the customer never answered (no connectedToSystemTimestamp). */
  answered?: boolean;
}): ContactEvent {
  const raw = rawDisconnect({
    contactId: options.contactId,
    agentId: AGENT,
    eventType: options.eventType,
    queueId: options.queueId ?? 'queue-default',
    disconnectedAt: at(options.disconnectedAt ?? 0),
  }) as { detail: Record<string, unknown>; time: string };
  const detail = raw.detail;
  detail.initiationMethod = options.outbound ? 'OUTBOUND' : 'INBOUND';
  detail.initiationTimestamp = at(options.initiatedAt ?? -60);
  detail.agentInfo = {
    agentArn: `${INSTANCE_ARN}/agent/${AGENT}`,
    ...(options.connectedAt === undefined ? {} : { connectedToAgentTimestamp: at(options.connectedAt) }),
  };
  if (options.eventType !== 'DISCONNECTED') delete detail.disconnectTimestamp;
  if (options.answered === false) delete detail.connectedToSystemTimestamp;
  raw.time = at(options.disconnectedAt ?? options.connectedAt ?? options.initiatedAt ?? 0);
  return parseContactEvent(raw);
}

/** The first contact's leg ends at T0: a 90 s wrap-up to 09:01:30. */
async function inWrapUp(contactId = 'contact-a', queueId?: string) {
  await onContactEvent(
    deps,
    config,
    contactEvent({ contactId, eventType: 'DISCONNECTED', connectedAt: -60, disconnectedAt: 0, queueId }),
  );
  const session = await db.store.get(contactId, AGENT);
  expect(session?.state).toBe('WRAP_UP');
  return session;
}

const restores = () => agents.calls.filter((call) => call.status === 'ROUTABLE');

describe('R10: transfers and interruptions', () => {
  it('R10: CONNECTED_TO_AGENT for an agent in wrap-up ends it INTERRUPTED, and they are not made routable', async () => {
    await inWrapUp();
    clock.set(at(30));
    const outcomes = await onContactEvent(
      deps,
      config,
      contactEvent({ contactId: 'contact-b', eventType: 'CONNECTED_TO_AGENT', connectedAt: 29 }),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['ENDED_BY_AGENT']);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'INTERRUPTED',
      systemWrapUp: false,
      endedAt: at(29),
      restore: 'SKIPPED',
      contactRecord: 'DONE',
    });
    expect(restores()).toEqual([]);
    expect(timers.cancelled).toEqual([{ contactId: 'contact-a', agentId: AGENT, deadline: at(90) }]);
  });

  it('R10: when the interrupting contact ends with no wrap-up of its own (0 s policy), the agent is restored once', async () => {
    await inWrapUp();
    clock.set(at(30));
    const b = { contactId: 'contact-b', queueId: 'queue-none', connectedAt: 29 };
    await onContactEvent(deps, config, contactEvent({ ...b, eventType: 'CONNECTED_TO_AGENT' }));
    clock.set(at(200));
    const disconnected = contactEvent({ ...b, eventType: 'DISCONNECTED', disconnectedAt: 199 });
    await onContactEvent(deps, config, disconnected);
    await onContactEvent(deps, config, disconnected);
    expect(restores()).toEqual([expect.objectContaining({ agentId: AGENT, at: at(200) })]);
    expect(await db.store.get('contact-b', AGENT)).toBeUndefined();
  });

  it('R10, R14: the interrupting contact ending first (events out of order) still restores exactly once', async () => {
    await inWrapUp();
    clock.set(at(200));
    const b = { contactId: 'contact-b', queueId: 'queue-none', connectedAt: 29 };
    await onContactEvent(
      deps,
      config,
      contactEvent({ ...b, eventType: 'DISCONNECTED', disconnectedAt: 199 }),
    );
    expect(restores()).toEqual([]);
    const connected = contactEvent({ ...b, eventType: 'CONNECTED_TO_AGENT' });
    await onContactEvent(deps, config, connected);
    await onContactEvent(deps, config, connected);
    expect(restores()).toHaveLength(1);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'INTERRUPTED',
      restore: 'SKIPPED',
    });
  });

  it('R10: a contact whose own wrap-up opens, and which interrupted nothing, costs two requests: one read, one write', async () => {
    const before = { reads: db.store.reads, writes: db.store.writes };
    const outcomes = await onContactEvent(
      deps,
      config,
      contactEvent({
        contactId: 'contact-a',
        eventType: 'DISCONNECTED',
        connectedAt: -60,
        disconnectedAt: 0,
      }),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['STARTED']);
    expect({ reads: db.store.reads - before.reads, writes: db.store.writes - before.writes }).toEqual({
      reads: 1,
      writes: 1,
    });
  });

  it('R10, R12, R14: the interrupting contact wrapped up and ended before its CONNECTED_TO_AGENT arrived: the agent is restored once', async () => {
    await inWrapUp('contact-a', 'queue-long');
    const b = { contactId: 'contact-b', connectedAt: 29 };
    clock.set(at(40));
    await onContactEvent(deps, config, contactEvent({ ...b, eventType: 'DISCONNECTED', disconnectedAt: 40 }));
    const own = await db.store.get('contact-b', AGENT);
    if (own === undefined) throw new Error('no session');
    clock.set(at(130));
    await endOnTimer(deps, timerOf(own));
    // R12: contact-a's wrap-up looks open (its interruption is not known yet): no restore.
    expect(await db.store.get('contact-b', AGENT)).toMatchObject({ endReason: 'TIMER', restore: 'SKIPPED' });
    expect(restores()).toEqual([]);
    clock.set(at(140));
    const connected = contactEvent({ ...b, eventType: 'CONNECTED_TO_AGENT' });
    await onContactEvent(deps, config, connected);
    await onContactEvent(deps, config, connected);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'INTERRUPTED',
      endedAt: at(29),
    });
    expect(restores()).toEqual([expect.objectContaining({ agentId: AGENT, at: at(140) })]);
  });

  it('R10, R12: an interrupting contact with a wrap-up of its own leaves the restore to that wrap-up', async () => {
    await inWrapUp();
    clock.set(at(30));
    const b = { contactId: 'contact-b', connectedAt: 29 };
    await onContactEvent(deps, config, contactEvent({ ...b, eventType: 'CONNECTED_TO_AGENT' }));
    clock.set(at(100));
    await onContactEvent(
      deps,
      config,
      contactEvent({ ...b, eventType: 'DISCONNECTED', disconnectedAt: 100 }),
    );
    expect(restores()).toEqual([]);
    const own = await db.store.get('contact-b', AGENT);
    expect(own).toMatchObject({ state: 'WRAP_UP', deadline: at(190) });
    if (own === undefined) throw new Error('no session');
    clock.set(at(190));
    await endOnTimer(deps, timerOf(own));
    expect(restores()).toEqual([expect.objectContaining({ at: at(190) })]);
  });

  it('R10: a contact connected before the wrap-up began does not end it', async () => {
    await inWrapUp();
    const outcomes = await onContactEvent(
      deps,
      config,
      contactEvent({ contactId: 'contact-early', eventType: 'CONNECTED_TO_AGENT', connectedAt: -5 }),
    );
    expect(outcomes).toEqual([{ kind: 'IGNORED', reason: 'NOTHING_TO_INTERRUPT' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
  });

  it("R10: on a transfer each agent's wrap-up starts at their own exit from the contact", async () => {
    const first = rawDisconnect({ contactId: 'contact-t', agentId: 'agent-x', disconnectedAt: at(0) });
    const second = rawDisconnect({ contactId: 'contact-t2', agentId: 'agent-y', disconnectedAt: at(40) });
    (second.detail as Record<string, unknown>).previousContactId = 'contact-t';
    clock.set(at(41));
    await onContactEvent(deps, config, parseContactEvent(first));
    await onContactEvent(deps, config, parseContactEvent(second));
    expect((await db.store.get('contact-t', 'agent-x'))?.startedAt).toBe(at(0));
    expect((await db.store.get('contact-t2', 'agent-y'))?.startedAt).toBe(at(40));
  });
});

describe('R9: outbound during wrap-up', () => {
  it('R9: the outbound contact INITIATED by the agent ends the wrap-up OUTBOUND; its CONNECTED_TO_AGENT changes nothing more', async () => {
    await inWrapUp();
    clock.set(at(20));
    const c = { contactId: 'contact-out', outbound: true, initiatedAt: 20 };
    await onContactEvent(deps, config, contactEvent({ ...c, eventType: 'INITIATED' }));
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'OUTBOUND',
      endedAt: at(20),
      systemWrapUp: false,
      restore: 'SKIPPED',
    });
    const later = await onContactEvent(
      deps,
      config,
      contactEvent({ ...c, eventType: 'CONNECTED_TO_AGENT', connectedAt: 25 }),
    );
    expect(later).toEqual([{ kind: 'IGNORED', reason: 'NOTHING_TO_INTERRUPT' }]);
    expect(restores()).toEqual([]);
  });

  it('R9: whichever event names the agent first ends it: CONNECTED_TO_AGENT before INITIATED', async () => {
    await inWrapUp();
    clock.set(at(30));
    const c = { contactId: 'contact-out', outbound: true, initiatedAt: 20 };
    await onContactEvent(
      deps,
      config,
      contactEvent({ ...c, eventType: 'CONNECTED_TO_AGENT', connectedAt: 25 }),
    );
    await onContactEvent(deps, config, contactEvent({ ...c, eventType: 'INITIATED' }));
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({ endReason: 'OUTBOUND', endedAt: at(25) });
  });

  it('R9, R2: an outbound call cancelled before it connected starts no wrap-up but restores the agent when it ends', async () => {
    await inWrapUp();
    clock.set(at(20));
    const c = { contactId: 'contact-out', outbound: true, initiatedAt: 20, answered: false };
    await onContactEvent(deps, config, contactEvent({ ...c, eventType: 'INITIATED' }));
    clock.set(at(35));
    await onContactEvent(deps, config, contactEvent({ ...c, eventType: 'DISCONNECTED', disconnectedAt: 35 }));
    expect(await db.store.get('contact-out', AGENT)).toBeUndefined();
    expect(restores()).toEqual([expect.objectContaining({ at: at(35) })]);
  });

  it('R9: an inbound INITIATED event names no wrap-up to end', async () => {
    await inWrapUp();
    const outcomes = await onContactEvent(
      deps,
      config,
      contactEvent({ contactId: 'contact-in', eventType: 'INITIATED', initiatedAt: 10 }),
    );
    expect(outcomes).toEqual([{ kind: 'IGNORED', reason: 'NOT_HANDLED' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
  });
});

describe('R8: the agent chose another status (without an agent event stream)', () => {
  it('R8: at the deadline a status the agent chose is kept: the session ends STATUS_CHANGED when they chose it, no restore', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    presence.status = { name: 'Lunch', since: at(40) };
    clock.set(at(90));
    await endOnTimer(deps, timerOf(session));
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'STATUS_CHANGED',
      endedAt: at(40),
      systemWrapUp: false,
      restore: 'SKIPPED',
    });
    expect(restores()).toEqual([]);
    expect(presence.reads).toBe(1);
  });

  it('R8: an agent still in the wrap-up status is restored at the deadline (one status check)', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    presence.status = { name: 'Wrap Up', since: at(2) };
    clock.set(at(90));
    await endOnTimer(deps, timerOf(session));
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({ endReason: 'TIMER', restore: 'DONE' });
    expect(restores()).toHaveLength(1);
    expect(presence.reads).toBe(1);
  });

  it('R8: a status entered before the agent was held (reported late) is not their choice: restored', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    presence.status = { name: 'Available', since: at(-300) };
    clock.set(at(90));
    await endOnTimer(deps, timerOf(session));
    expect(restores()).toHaveLength(1);
  });

  it('R8: All Done does not override a status the agent chose meanwhile', async () => {
    await inWrapUp();
    presence.status = { name: 'Break', since: at(30) };
    clock.set(at(45));
    const closed = await finishWrapUp(deps, { agentId: AGENT, contactId: 'contact-a', by: `agent:${AGENT}` });
    expect(closed).toMatchObject({ endReason: 'AGENT_DONE', restore: 'SKIPPED' });
    expect(restores()).toEqual([]);
  });
});

describe('R8, R11: with the agent event stream', () => {
  const stream: LifecycleConfig = { ...config, agentEventStream: true };
  const report = (name: string, since: number, eventType = 'STATE_CHANGE') =>
    onAgentEvent({ ...deps, presence: new ObservedPresence(db.store) }, stream, {
      eventId: `e-${name}-${since}`,
      eventType,
      agentId: AGENT,
      instanceArn: INSTANCE_ARN,
      eventTime: new Date(at(since)),
      status: { name, since: new Date(at(since)) },
    });

  it('R8: a status chosen during wrap-up ends it at once (STATUS_CHANGED) and nobody restores them', async () => {
    await inWrapUp();
    clock.set(at(31));
    const outcomes = await report('Lunch', 30);
    expect(outcomes.map((o) => o.kind)).toEqual(['ENDED_BY_AGENT']);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'STATUS_CHANGED',
      endedAt: at(30),
      restore: 'SKIPPED',
    });
    expect(restores()).toEqual([]);
  });

  it('R11: going Offline ends nothing; at the deadline the session closes AGENT_OFFLINE and the agent stays offline', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    clock.set(at(31));
    expect(await report('Offline', 30)).toEqual([{ kind: 'IGNORED', reason: 'STATUS_KEPT' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
    clock.set(at(90));
    await endOnTimer({ ...deps, presence: new ObservedPresence(db.store) }, timerOf(session));
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'AGENT_OFFLINE',
      systemWrapUp: true,
      endedAt: at(90),
      restore: 'SKIPPED',
    });
    expect(restores()).toEqual([]);
  });

  it("R8: the wrap-up a chosen status ends is closed from its copy in the agent's listing: one read in all", async () => {
    await inWrapUp();
    clock.set(at(31));
    const readsBefore = db.store.reads;
    expect((await report('Break', 30)).map((o) => o.kind)).toEqual(['ENDED_BY_AGENT']);
    expect(db.store.reads - readsBefore).toBe(1);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({
      endReason: 'STATUS_CHANGED',
      endedAt: at(30),
    });
  });

  it('R8: a listed copy that says there is nothing to end (it lags behind the hold) is not believed: the table decides', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    clock.set(at(31));
    const lagging = { ...session, wrapUpStatusSet: false };
    const ended = await endByAgentActivity(
      deps,
      lagging,
      new Date(at(30)),
      'STATUS_CHANGED',
      'agent chose Break',
      (s) => (s.wrapUpStatusSet ? new Date(s.startedAt) : undefined),
    );
    expect(ended).toMatchObject({ endReason: 'STATUS_CHANGED', endedAt: at(30) });
  });

  it("R11: the timer's status check takes the stream's report from the Query that lists the agent's wrap-ups: one read in all", async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    clock.set(at(31));
    await report('Offline', 30);
    clock.set(at(90));
    const readsBefore = db.store.reads;
    await endOnTimer({ ...deps, presence: new ObservedPresence(db.store) }, timerOf(session));
    expect(db.store.reads - readsBefore).toBe(1);
    expect((await db.store.get('contact-a', AGENT))?.endReason).toBe('AGENT_OFFLINE');
    expect(restores()).toEqual([]);
  });

  it("R8: All Done's restore check takes the stream's report from the same listing: a status chosen meanwhile is kept", async () => {
    await inWrapUp();
    clock.set(at(31));
    // Offline: the report ends nothing, and All Done must not make the agent routable (R11).
    await report('Offline', 30);
    clock.set(at(45));
    const readsBefore = db.store.reads;
    const closed = await finishWrapUp(
      { ...deps, presence: new ObservedPresence(db.store) },
      { agentId: AGENT, contactId: 'contact-a', by: `agent:${AGENT}` },
    );
    expect(closed).toMatchObject({ endReason: 'AGENT_DONE', restore: 'SKIPPED' });
    expect(db.store.reads - readsBefore).toBe(1);
    expect(restores()).toEqual([]);
  });

  it('R11: a logout counts as Offline', async () => {
    const session = await inWrapUp();
    if (session === undefined) throw new Error('no session');
    await report('Available', 30, 'LOGOUT');
    clock.set(at(90));
    await endOnTimer({ ...deps, presence: new ObservedPresence(db.store) }, timerOf(session));
    expect((await db.store.get('contact-a', AGENT))?.endReason).toBe('AGENT_OFFLINE');
    expect(restores()).toEqual([]);
  });

  it('R14: a report older than the one kept changes nothing', async () => {
    await inWrapUp();
    await report('Offline', 40);
    expect(await report('Lunch', 30)).toEqual([{ kind: 'IGNORED', reason: 'STALE_STATUS' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
  });

  it('R8: a status entered before the agent was held (e.g. Connect ending its own ACW) is not their choice: the wrap-up goes on', async () => {
    agents.failNext = 1;
    await expect(
      onContactEvent(
        deps,
        config,
        contactEvent({
          contactId: 'contact-a',
          eventType: 'DISCONNECTED',
          connectedAt: -60,
          disconnectedAt: 0,
        }),
      ),
    ).rejects.toThrow(/Rate exceeded/);
    expect((await db.store.get('contact-a', AGENT))?.wrapUpStatusSet).toBe(false);
    expect(await report('Available', 5)).toEqual([{ kind: 'IGNORED', reason: 'STATUS_KEPT' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
  });

  it('R8: the wrap-up status itself (set by the system) ends nothing', async () => {
    await inWrapUp();
    expect(await report('Wrap Up', 2)).toEqual([{ kind: 'IGNORED', reason: 'STATUS_KEPT' }]);
    expect((await db.store.get('contact-a', AGENT))?.state).toBe('WRAP_UP');
  });
});

describe('R11: an offline agent is never made routable', () => {
  it('R11: the sweep ends an overdue wrap-up of an offline agent without a restore', async () => {
    await inWrapUp();
    presence.status = { name: 'Offline', since: at(10) };
    clock.set(at(90 + 120));
    const result = await sweepOverdue(deps);
    expect(result.ended).toBe(1);
    expect(await db.store.get('contact-a', AGENT)).toMatchObject({ endReason: 'SWEEP', restore: 'SKIPPED' });
    expect(restores()).toEqual([]);
  });

  it('R11: nor is one whose interrupting contact ended while they were offline', async () => {
    await inWrapUp();
    const b = { contactId: 'contact-b', queueId: 'queue-none', connectedAt: 29 };
    clock.set(at(30));
    await onContactEvent(deps, config, contactEvent({ ...b, eventType: 'CONNECTED_TO_AGENT' }));
    presence.status = { name: 'Offline', since: at(60) };
    clock.set(at(100));
    await onContactEvent(
      deps,
      config,
      contactEvent({ ...b, eventType: 'DISCONNECTED', disconnectedAt: 100 }),
    );
    expect(restores()).toEqual([]);
  });
});
