import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import {
  ActionRefused,
  allOpenWrapUps,
  extendWrapUp,
  finishWrapUp,
  openWrapUpsOf,
  type RefusalCode,
  SessionNotFound,
  updateWrapUp,
} from '../../lambda/core/actions';
import { endOnTimer } from '../../lambda/core/end-on-time';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { AgentListing, Deps, SessionStore } from '../../lambda/core/ports';
import { startWrapUp } from '../../lambda/core/start';
import { sweepOverdue } from '../../lambda/core/sweep';
import { disconnect, INSTANCE_ARN } from '../support/events';
import {
  type FakeClock,
  type RecordingAgents,
  type RecordingContacts,
  type RecordingTimers,
  testDeps,
} from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

const DISCONNECT = '2026-03-02T09:00:00.000Z';
const CODES = [
  { code: 'SOLD', label: 'Sale' },
  { code: 'INFO', label: 'Information' },
];

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90, extensionSeconds: 60, maxExtensions: 2, dispositionCodes: CODES },
        queues: {
          'q-forced': { mode: 'forced' },
          'q-untimed': { mode: 'untimed' },
          'q-required': { requireDisposition: true, defaultDispositionOnTimeout: 'INFO' },
          'q-noext': { maxExtensions: 0 },
        },
      },
    }).policies,
  ),
};

let clock: FakeClock;
let agents: RecordingAgents;
let timers: RecordingTimers;
let contacts: RecordingContacts;
let deps: Deps;
let seq = 0;

const db = useMemorySessionStore();
beforeEach(() => {
  ({ clock, agents, timers, contacts, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
});

async function open(queueId = 'q-plain', agentId = `agent-${++seq}`) {
  const contactId = `action-${++seq}`;
  await startWrapUp(deps, config, disconnect({ contactId, agentId, queueId, disconnectedAt: DISCONNECT }));
  return { contactId, agentId, by: `agent:${agentId}` as const };
}

/** The store, its `listAgent` answering `listing` (an index copy that lags behind the table). */
function withListing(store: SessionStore, listing: AgentListing): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'listAgent') return async () => listing;
      if (property === 'listOpenByAgent') return async () => [...listing.sessions];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function refusal(action: Promise<unknown>): Promise<RefusalCode> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ActionRefused)) throw new Error(`expected a refusal, got ${String(error)}`);
  return error.code;
}

describe('R5: Extend', () => {
  it('R5: extend moves the deadline extensionSeconds later, counts it and arms the new timer', async () => {
    const request = await open();
    const extended = await extendWrapUp(deps, request);
    expect(extended).toMatchObject({
      deadline: '2026-03-02T09:02:30.000Z',
      extensionsUsed: 1,
      timerArmed: true,
    });
    expect(timers.armed.at(-1)?.payload.deadline).toBe('2026-03-02T09:02:30.000Z');
    expect(timers.cancelled.map((t) => t.deadline)).toEqual(['2026-03-02T09:01:30.000Z']);
    expect(extended.history.at(-2)).toMatchObject({ what: 'EXTENDED', by: request.by });
  });

  it('R5, R13: after an extend the old timer does nothing and the new one ends the session', async () => {
    const request = await open();
    await extendWrapUp(deps, request);
    clock.set('2026-03-02T09:01:30.000Z');
    const stale = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:01:30.000Z' });
    expect(stale).toMatchObject({ kind: 'IGNORED', reason: 'STALE_DEADLINE' });
    clock.set('2026-03-02T09:02:30.000Z');
    const ended = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:02:30.000Z' });
    expect(ended.session).toMatchObject({ state: 'CLOSED_COMPLETE', endedAt: '2026-03-02T09:02:30.000Z' });
  });

  it('R13: the old timer of a session listed with a later deadline is stale from the listing alone', async () => {
    const request = await open();
    await extendWrapUp(deps, request);
    clock.set('2026-03-02T09:01:30.000Z');
    const readsBefore = db.store.reads;
    const stale = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:01:30.000Z' });
    expect(stale).toMatchObject({ kind: 'IGNORED', reason: 'STALE_DEADLINE' });
    expect(db.store.reads - readsBefore).toBe(1);
  });

  it('R13: a listing that lags behind an extension (an earlier deadline) is checked in the table: the new timer ends it', async () => {
    const request = await open();
    const lagging = await db.store.listAgent(request.agentId);
    await extendWrapUp(deps, request);
    clock.set('2026-03-02T09:02:30.000Z');
    const ended = await endOnTimer(
      { ...deps, store: withListing(db.store, lagging) },
      { ...request, deadline: '2026-03-02T09:02:30.000Z' },
    );
    expect(ended).toMatchObject({ kind: 'CLOSED', session: { endedAt: '2026-03-02T09:02:30.000Z' } });
  });

  it('R5: a second extend past maxExtensions is refused and changes nothing', async () => {
    const request = await open('q-plain');
    await extendWrapUp(deps, request);
    await extendWrapUp(deps, request);
    const before = await db.store.get(request.contactId, request.agentId);
    expect(await refusal(extendWrapUp(deps, request))).toBe('EXTENSION_LIMIT');
    expect(await db.store.get(request.contactId, request.agentId)).toEqual(before);
  });

  it('R5: a policy with maxExtensions 0 refuses the first extend', async () => {
    expect(await refusal(extendWrapUp(deps, await open('q-noext')))).toBe('EXTENSION_LIMIT');
  });

  it('R5: an untimed wrap-up cannot be extended', async () => {
    expect(await refusal(extendWrapUp(deps, await open('q-untimed')))).toBe('NOT_EXTENDABLE');
  });

  it('R5: a closed session cannot be extended', async () => {
    const request = await open();
    await finishWrapUp(deps, request);
    expect(await refusal(extendWrapUp(deps, request))).toBe('SESSION_CLOSED');
  });

  it('R5: an extension is one write, its new timer armed before it', async () => {
    const request = await open();
    const writesBefore = db.store.writes;
    const extended = await extendWrapUp(deps, request);
    expect(db.store.writes - writesBefore).toBe(1);
    expect(await db.store.get(request.contactId, request.agentId)).toEqual(extended);
    expect(extended.history.slice(-2).map((h) => h.what)).toEqual(['EXTENDED', 'TIMER_ARMED']);
  });

  it('R5, R13: when the new timer cannot be armed the extension fails and changes nothing', async () => {
    const request = await open();
    const before = await db.store.get(request.contactId, request.agentId);
    timers.failNextArm = 1;
    await expect(extendWrapUp(deps, request)).rejects.toThrow('Scheduler unavailable');
    expect(await db.store.get(request.contactId, request.agentId)).toEqual(before);
    expect(timers.cancelled).toEqual([]);
  });

  it('R5: a supervisor may extend an agent wrap-up, and the history says so', async () => {
    const request = await open();
    const extended = await extendWrapUp(deps, { ...request, by: 'supervisor:sup-1' });
    expect(extended.history.some((h) => h.what === 'EXTENDED' && h.by === 'supervisor:sup-1')).toBe(true);
  });
});

describe('R6: All Done', () => {
  it('R6: All Done closes AGENT_DONE, not by the system, cancels the timer and restores the agent', async () => {
    const request = await open();
    clock.set('2026-03-02T09:00:40.000Z');
    const closed = await finishWrapUp(deps, { ...request, disposition: 'SOLD', notes: 'renewed plan' });
    expect(closed).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'AGENT_DONE',
      systemWrapUp: false,
      endedAt: '2026-03-02T09:00:40.000Z',
      disposition: 'SOLD',
      notes: 'renewed plan',
      restore: 'DONE',
      contactRecord: 'DONE',
    });
    expect(timers.cancelled.map((t) => t.deadline)).toEqual(['2026-03-02T09:01:30.000Z']);
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
  });

  it('R6, R17: the record reaches the Connect contact as contact attributes', async () => {
    const request = await open();
    clock.set('2026-03-02T09:00:40.000Z');
    await finishWrapUp(deps, { ...request, disposition: 'SOLD', notes: 'renewed plan' });
    expect(contacts.writes).toEqual([
      {
        instanceArn: INSTANCE_ARN,
        contactId: request.contactId,
        attributes: {
          acw_end_reason: 'AGENT_DONE',
          acw_system_wrap_up: 'false',
          acw_extensions: '0',
          acw_policy: 'default',
          acw_seconds: '40',
          acw_disposition: 'SOLD',
          acw_notes: 'renewed plan',
        },
      },
    ]);
  });

  it('R6: refused in forced mode', async () => {
    const request = await open('q-forced');
    expect(await refusal(finishWrapUp(deps, request))).toBe('EARLY_END_FORBIDDEN');
    expect((await db.store.get(request.contactId, request.agentId))?.state).toBe('WRAP_UP');
  });

  it('R6: refused while a required disposition is missing, accepted once given', async () => {
    const request = await open('q-required');
    expect(await refusal(finishWrapUp(deps, request))).toBe('DISPOSITION_REQUIRED');
    expect((await finishWrapUp(deps, { ...request, disposition: 'SOLD' })).endReason).toBe('AGENT_DONE');
  });

  it('R6: a disposition recorded earlier with update satisfies the requirement', async () => {
    const request = await open('q-required');
    await updateWrapUp(deps, { ...request, disposition: 'INFO' });
    expect((await finishWrapUp(deps, request)).disposition).toBe('INFO');
  });

  it('R6: a disposition that is not one of the policy codes is refused', async () => {
    expect(await refusal(finishWrapUp(deps, { ...(await open()), disposition: 'BOGUS' }))).toBe(
      'UNKNOWN_DISPOSITION',
    );
  });

  it('R6: All Done twice: the second is refused and the agent is restored once', async () => {
    const request = await open();
    await finishWrapUp(deps, request);
    expect(await refusal(finishWrapUp(deps, request))).toBe('SESSION_CLOSED');
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(1);
  });

  it("R6: All Done closes from the copy in the agent's listing: one read, the close and the final write", async () => {
    const request = await open();
    const readsBefore = db.store.reads;
    const writesBefore = db.store.writes;
    await finishWrapUp(deps, request);
    expect(db.store.reads - readsBefore).toBe(1);
    expect(db.store.writes - writesBefore).toBe(2);
  });

  it('R6: a refusal is decided on the table, not on a listed copy that lags behind a disposition just given', async () => {
    const request = await open('q-required');
    const stale = await db.store.listAgent(request.agentId);
    await updateWrapUp(deps, { ...request, disposition: 'INFO' });
    const lagging: Deps = { ...deps, store: withListing(db.store, stale) };
    expect(await finishWrapUp(lagging, request)).toMatchObject({
      endReason: 'AGENT_DONE',
      disposition: 'INFO',
    });
  });

  it('R6, R14: a listed copy still open after the close is refused by the conditional write: closed once, restored once', async () => {
    const request = await open();
    const stale = await db.store.listAgent(request.agentId);
    await finishWrapUp(deps, request);
    const lagging: Deps = { ...deps, store: withListing(db.store, stale) };
    expect(await refusal(finishWrapUp(lagging, request))).toBe('SESSION_CLOSED');
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(1);
  });

  it('R6: an untimed wrap-up has no timer and ends only with All Done', async () => {
    const request = await open('q-untimed');
    const session = await db.store.get(request.contactId, request.agentId);
    expect(session?.deadline).toBeUndefined();
    expect(timers.armed).toEqual([]);
    expect((await finishWrapUp(deps, request)).endReason).toBe('AGENT_DONE');
    expect(timers.cancelled).toEqual([]);
  });

  it('acting on a session that does not exist is SessionNotFound, not a refusal', async () => {
    await expect(
      finishWrapUp(deps, { contactId: 'nope', agentId: 'nobody', by: 'agent:nobody' }),
    ).rejects.toBeInstanceOf(SessionNotFound);
  });
});

describe('R7, R17: dispositions and notes', () => {
  it('R7: at the timer a missing required disposition becomes defaultDispositionOnTimeout', async () => {
    const request = await open('q-required');
    clock.set('2026-03-02T09:01:30.000Z');
    const outcome = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:01:30.000Z' });
    expect(outcome.session).toMatchObject({ endReason: 'TIMER', disposition: 'INFO', contactRecord: 'DONE' });
    expect(contacts.writes.at(-1)?.attributes).toMatchObject({
      acw_disposition: 'INFO',
      acw_end_reason: 'TIMER',
    });
  });

  it('R7: a disposition the agent chose is kept at the timer', async () => {
    const request = await open('q-required');
    await updateWrapUp(deps, { ...request, disposition: 'SOLD' });
    clock.set('2026-03-02T09:01:30.000Z');
    const outcome = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:01:30.000Z' });
    expect(outcome.session?.disposition).toBe('SOLD');
  });

  it('R17: update sets and changes disposition and notes while open, with history', async () => {
    const request = await open();
    await updateWrapUp(deps, { ...request, disposition: 'INFO' });
    const updated = await updateWrapUp(deps, { ...request, notes: 'call back Tuesday' });
    expect(updated).toMatchObject({ disposition: 'INFO', notes: 'call back Tuesday', state: 'WRAP_UP' });
    expect(updated.history.filter((h) => h.what === 'UPDATED').map((h) => h.detail)).toEqual([
      'disposition',
      'notes',
    ]);
  });

  it('R17: update on a closed session is refused', async () => {
    const request = await open();
    await finishWrapUp(deps, request);
    expect(await refusal(updateWrapUp(deps, { ...request, notes: 'late' }))).toBe('SESSION_CLOSED');
  });

  it('R15: a wrap-up record Connect refuses does not fail the close: the restore stands and the sweep writes the record', async () => {
    const request = await open();
    clock.set('2026-03-02T09:01:30.000Z');
    contacts.failNext = 1;
    const closed = await endOnTimer(deps, { ...request, deadline: '2026-03-02T09:01:30.000Z' });
    expect(closed.kind).toBe('CLOSED');
    expect(await db.store.get(request.contactId, request.agentId)).toMatchObject({
      restore: 'DONE',
      contactRecord: 'PENDING',
    });
    clock.advance(60_000);
    await sweepOverdue(deps);
    expect((await db.store.get(request.contactId, request.agentId))?.contactRecord).toBe('DONE');
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(1);
    expect(contacts.writes).toHaveLength(1);
  });
});

describe('open wrap-ups', () => {
  it('lists an agent open sessions, and everyone open filtered by queue', async () => {
    const agentId = `agent-list-${++seq}`;
    const first = await open('q-plain', agentId);
    const second = await open('q-untimed', agentId);
    const closed = await open('q-plain', agentId);
    await finishWrapUp(deps, closed);
    const mine = await openWrapUpsOf(deps, agentId);
    expect(mine.map((s) => s.contactId)).toEqual([first.contactId, second.contactId]);
    const untimed = await allOpenWrapUps(deps, { queueId: 'q-untimed' });
    expect(untimed.map((s) => s.contactId)).toContain(second.contactId);
    expect(untimed.every((s) => s.queueId === 'q-untimed' && s.state === 'WRAP_UP')).toBe(true);
  });
});
