import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp } from '../../lambda/core/actions';
import { endOnTimer } from '../../lambda/core/end-on-time';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { timerOf } from '../../lambda/core/session';
import { startWrapUp } from '../../lambda/core/start';
import { STEP_LEASE_MS, StepInProgress } from '../../lambda/core/write-loop';
import { disconnect, INSTANCE_ARN } from '../support/events';
import {
  type FakeClock,
  type RecordingAgents,
  type RecordingContacts,
  type RecordingLog,
  type RecordingTimers,
  testDeps,
} from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

const DISCONNECT = '2026-03-02T09:00:00.000Z';
const AGENT = '87654321-4321-4321-4321-210987654321';

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90 },
        channels: { CHAT: { durationSeconds: 60 } },
        queues: { 'queue-billing': { durationSeconds: 300 }, 'queue-none': { durationSeconds: 0 } },
        profiles: { tier3: { durationSeconds: 600 } },
      },
    }).policies,
  ),
};

let clock: FakeClock;
let agents: RecordingAgents;
let timers: RecordingTimers;
let log: RecordingLog;
let contacts: RecordingContacts;
let deps: Deps;
let contactSeq = 0;

const db = useMemorySessionStore();

beforeEach(() => {
  ({ clock, agents, timers, contacts, deps, log } = testDeps(db.store, '2026-03-02T09:00:04.000Z'));
});

function newContactId(): string {
  contactSeq += 1;
  return `contact-${contactSeq.toString().padStart(4, '0')}-${Date.now()}`;
}

async function started(options: Parameters<typeof disconnect>[0] = {}) {
  const contactId = options.contactId ?? newContactId();
  const outcome = await startWrapUp(
    deps,
    config,
    disconnect({ disconnectedAt: DISCONNECT, ...options, contactId }),
  );
  return { contactId, outcome };
}

describe('R1: wrap-up starts when the agent leg of a contact ends', () => {
  it('R1: a DISCONNECTED event with an agent opens a WRAP_UP session from the disconnect time, not the arrival time', async () => {
    const { contactId, outcome } = await started();
    expect(outcome.kind).toBe('STARTED');
    const session = await db.store.get(contactId, AGENT);
    expect(session).toMatchObject({
      state: 'WRAP_UP',
      startedAt: DISCONNECT,
      deadline: '2026-03-02T09:01:30.000Z',
      channel: 'VOICE',
      queueId: '12345678-1234-1234-1234-123456789012',
      policySource: 'default',
      wrapUpStatusSet: true,
      timerArmed: true,
      extensionsUsed: 0,
    });
  });

  it('R1: the agent is put in the wrap-up status and the end timer armed for the deadline', async () => {
    const { contactId } = await started();
    expect(agents.calls).toEqual([
      { at: clock.now().toISOString(), instanceArn: INSTANCE_ARN, agentId: AGENT, status: 'WRAP_UP' },
    ]);
    expect(timers.armed.map((a) => a.payload)).toEqual([
      { contactId, agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' },
    ]);
  });

  it.each(['VOICE', 'Voice', 'CHAT', 'TASK', 'EMAIL'])(
    'R1: every channel starts wrap-up (%s)',
    async (channel) => {
      const { outcome } = await started({ channel, queueId: 'queue-other' });
      expect(outcome.kind).toBe('STARTED');
      expect(outcome.session?.channel).toBe(channel.toUpperCase());
    },
  );

  it('R1: other contact event types start nothing', async () => {
    const { contactId, outcome } = await started({ eventType: 'CONNECTED_TO_AGENT' });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'NOT_A_DISCONNECT' });
    expect(await db.store.get(contactId, AGENT)).toBeUndefined();
  });

  it('R1: events of another Connect instance start nothing', async () => {
    const other = 'arn:aws:connect:us-west-2:111122223333:instance/99999999-1234-1234-1234-123456789012';
    const { outcome } = await started({ instanceArn: other });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'OTHER_INSTANCE' });
    expect(agents.calls).toEqual([]);
  });
});

describe('R2: no agent, no wrap-up', () => {
  it('R2: a contact abandoned in queue (no agentInfo) starts nothing and touches no status', async () => {
    const { contactId, outcome } = await started({ agentId: null });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'NO_AGENT' });
    expect(await db.store.get(contactId, AGENT)).toBeUndefined();
    expect(agents.calls).toEqual([]);
    expect(timers.armed).toEqual([]);
  });

  it('R2: an outbound call cancelled before it connected (no connectedToAgentTimestamp) starts nothing', async () => {
    const { contactId, outcome } = await started({ connected: false, queueId: null });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'NO_AGENT' });
    expect(await db.store.get(contactId, AGENT)).toBeUndefined();
  });
});

describe('R3: the contact gets its most specific policy', () => {
  it('R3: the queue policy decides the deadline', async () => {
    const { outcome } = await started({ queueId: 'queue-billing' });
    expect(outcome.session?.deadline).toBe('2026-03-02T09:05:00.000Z');
    expect(outcome.session?.policySource).toBe('queue:queue-billing');
  });

  it('R3: a contact tagged acwProfile=tier3 by its flow gets the profile over its queue', async () => {
    const { outcome } = await started({ queueId: 'queue-billing', tags: { acwProfile: 'tier3' } });
    expect(outcome.session?.deadline).toBe('2026-03-02T09:10:00.000Z');
    expect(outcome.session?.policy).toMatchObject({ durationSeconds: 600, mode: 'timed' });
  });

  it('R3: a contact naming an unknown profile gets its queue policy and a warning', async () => {
    const { outcome } = await started({ queueId: 'queue-billing', tags: { acwProfile: 'tier9' } });
    expect(outcome.session?.policySource).toBe('queue:queue-billing');
    expect(log.lines.some((l) => l.level === 'warn' && l.fields?.profile === 'tier9')).toBe(true);
  });

  it('R3: durationSeconds 0 means no session and no status change', async () => {
    const { contactId, outcome } = await started({ queueId: 'queue-none' });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'NO_WRAP_UP_POLICY' });
    expect(await db.store.get(contactId, AGENT)).toBeUndefined();
    expect(agents.calls).toEqual([]);
  });
});

describe('R4, R7: the timer ends wrap-up and the agent is routable again', () => {
  it('R7: at the deadline the session closes CLOSED_COMPLETE, TIMER, systemWrapUp, and the agent is restored', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:30.000Z');
    const outcome = await endOnTimer(deps, {
      contactId,
      agentId: AGENT,
      deadline: '2026-03-02T09:01:30.000Z',
    });
    expect(outcome.kind).toBe('CLOSED');
    const session = await db.store.get(contactId, AGENT);
    expect(session).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endedAt: '2026-03-02T09:01:30.000Z',
      endReason: 'TIMER',
      systemWrapUp: true,
      restore: 'DONE',
    });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
    expect(agents.calls[1]?.at).toBe('2026-03-02T09:01:30.000Z');
  });

  it('R4: every transition is kept in the history with when and by whom', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:30.000Z');
    await endOnTimer(deps, { contactId, agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' });
    const history = (await db.store.get(contactId, AGENT))?.history ?? [];
    expect(history.map((h) => h.what)).toEqual([
      'STARTED',
      'WRAP_UP_STATUS_SET',
      'TIMER_ARMED',
      'CLOSED',
      'ROUTABLE_STATUS_RESTORED',
      'CONTACT_ATTRIBUTES_WRITTEN',
    ]);
    expect(history.every((h) => h.by === 'system')).toBe(true);
    expect(history[0]?.at).toBe(DISCONNECT);
    expect(history[3]).toMatchObject({ at: '2026-03-02T09:01:30.000Z', detail: 'TIMER' });
  });

  it('R13: a timer arriving up to the final wait early waits and closes exactly at the deadline', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:29.200Z');
    await endOnTimer(deps, { contactId, agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' });
    expect((await db.store.get(contactId, AGENT))?.endedAt).toBe('2026-03-02T09:01:30.000Z');
  });

  it('R13: a timer fired a minute early comes back through the due queue and changes nothing yet', async () => {
    const { contactId } = await started({ queueId: 'queue-billing' });
    clock.set('2026-03-02T09:04:12.400Z');
    const payload = { contactId, agentId: AGENT, deadline: '2026-03-02T09:05:00.000Z' };
    const outcome = await endOnTimer(deps, payload);
    expect(outcome.kind).toBe('DEFERRED');
    expect(timers.deferred).toEqual([{ payload, delaySeconds: 47, at: '2026-03-02T09:04:12.400Z' }]);
    expect((await db.store.get(contactId, AGENT))?.state).toBe('WRAP_UP');
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP']);
  });

  it('R13: a timer carrying a deadline that is no longer the session one does nothing', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:30.000Z');
    const outcome = await endOnTimer(deps, {
      contactId,
      agentId: AGENT,
      deadline: '2026-03-02T09:01:00.000Z',
    });
    expect(outcome.kind).toBe('IGNORED');
    expect(outcome.kind === 'IGNORED' && outcome.reason).toBe('STALE_DEADLINE');
    expect((await db.store.get(contactId, AGENT))?.state).toBe('WRAP_UP');
  });

  it('R13: a timer for a session that does not exist does nothing', async () => {
    const outcome = await endOnTimer(deps, {
      contactId: 'nope',
      agentId: AGENT,
      deadline: new Date(clock.now().getTime() + 1_000).toISOString(),
    });
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'UNKNOWN_SESSION' });
    expect(agents.calls).toEqual([]);
  });

  it("R13: a timer at its deadline reads once (one Query lists the session and the agent's other wrap-ups) and writes twice", async () => {
    const { contactId } = await started();
    const session = await db.store.get(contactId, AGENT);
    if (session === undefined) throw new Error('no session');
    clock.set('2026-03-02T09:01:29.500Z');
    const before = { reads: db.store.reads, writes: db.store.writes };
    const outcome = await endOnTimer(deps, timerOf(session));
    expect(outcome.kind).toBe('CLOSED');
    // The close (with its lease), then the restore and the record in one write.
    expect({ reads: db.store.reads - before.reads, writes: db.store.writes - before.writes }).toEqual({
      reads: 1,
      writes: 2,
    });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
  });

  it("R6, R14: an index copy older than an All Done is refused by the close's condition: the table is read, nothing restored twice", async () => {
    const { contactId } = await started();
    const open = await db.store.get(contactId, AGENT);
    if (open === undefined) throw new Error('no session');
    clock.set('2026-03-02T09:01:29.000Z');
    await finishWrapUp(deps, { contactId, agentId: AGENT, by: `agent:${AGENT}` });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
    // The index lags: it still lists the session open.
    const lagging = {
      ...deps,
      store: Object.assign(Object.create(db.store), { listOpenByAgent: async () => [open] }),
    };
    clock.set('2026-03-02T09:01:29.800Z');
    const outcome = await endOnTimer(lagging, timerOf(open));
    expect(outcome).toMatchObject({ kind: 'IGNORED', reason: 'ALREADY_CLOSED' });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
    expect(await db.store.get(contactId, AGENT)).toMatchObject({ endReason: 'AGENT_DONE' });
  });

  it('R13: a timer far from its deadline goes back to the due queue unread: no session read, no call', async () => {
    const timer = {
      contactId: 'nope',
      agentId: AGENT,
      deadline: new Date(clock.now().getTime() + 30_500).toISOString(),
    };
    let reads = 0;
    const counting = {
      ...deps,
      store: {
        ...deps.store,
        get: async (contactId: string, agentId: string) => {
          reads += 1;
          return deps.store.get(contactId, agentId);
        },
      },
    };
    const outcome = await endOnTimer(counting, timer);
    expect(outcome).toEqual({ kind: 'DEFERRED', delaySeconds: 30, timer });
    expect(reads).toBe(0);
    expect(agents.calls).toEqual([]);
  });
});

describe('R14: exactly once, whatever arrives', () => {
  it('R14: a duplicated DISCONNECTED event creates no second session and sets the status once', async () => {
    const { contactId } = await started();
    clock.advance(STEP_LEASE_MS + 1);
    const again = await startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT }));
    expect(again).toMatchObject({ kind: 'IGNORED', reason: 'DUPLICATE' });
    expect(agents.calls).toHaveLength(1);
    expect(timers.armed).toHaveLength(1);
    expect((await db.store.get(contactId, AGENT))?.history.filter((h) => h.what === 'STARTED')).toHaveLength(
      1,
    );
  });

  it('R14: a duplicated or late timer after the close neither closes again nor restores twice', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:30.000Z');
    const payload = { contactId, agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' };
    await endOnTimer(deps, payload);
    const closed = await db.store.get(contactId, AGENT);
    clock.set('2026-03-02T09:02:10.000Z');
    const again = await endOnTimer(deps, payload);
    expect(again.kind).toBe('IGNORED');
    expect(await db.store.get(contactId, AGENT)).toEqual(closed);
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(1);
  });

  it('R14: a retry after Connect failed to set the wrap-up status resumes the start without a second session', async () => {
    const contactId = newContactId();
    agents.failNext = 1;
    await expect(
      startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT })),
    ).rejects.toThrow(/Rate exceeded/);
    expect((await db.store.get(contactId, AGENT))?.wrapUpStatusSet).toBe(false);

    clock.advance(STEP_LEASE_MS);
    const retry = await startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT }));
    expect(retry.kind).toBe('RESUMED');
    expect(await db.store.get(contactId, AGENT)).toMatchObject({ wrapUpStatusSet: true, timerArmed: true });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP']);
    expect(timers.armed).toHaveLength(1);
  });

  it('R15: a hold Connect refuses (quota) still leaves the end timer armed and recorded, so the wrap-up ends on time', async () => {
    const contactId = newContactId();
    agents.failNext = 1;
    await expect(
      startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT })),
    ).rejects.toThrow(/Rate exceeded/);
    expect(timers.armed.map((a) => a.payload.deadline)).toEqual(['2026-03-02T09:01:30.000Z']);
    expect(await db.store.get(contactId, AGENT)).toMatchObject({ timerArmed: true, wrapUpStatusSet: false });
  });

  it('R14: a duplicate arriving while the first delivery is still holding the agent backs off for a retry', async () => {
    const contactId = newContactId();
    timers.failNextArm = 1;
    await expect(
      startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT })),
    ).rejects.toThrow();
    await expect(
      startWrapUp(deps, config, disconnect({ contactId, disconnectedAt: DISCONNECT })),
    ).rejects.toBeInstanceOf(StepInProgress);
    expect(agents.calls).toHaveLength(1);
  });

  it('R14: a restore that failed is finished by the retry, once', async () => {
    const { contactId } = await started();
    clock.set('2026-03-02T09:01:30.000Z');
    const payload = { contactId, agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' };
    agents.failNext = 1;
    await expect(endOnTimer(deps, payload)).rejects.toThrow(/Rate exceeded/);
    expect(await db.store.get(contactId, AGENT)).toMatchObject({
      state: 'CLOSED_COMPLETE',
      restore: 'PENDING',
    });

    // A duplicate within the lease leaves the restore to the delivery that is retrying it.
    await expect(endOnTimer(deps, payload)).rejects.toBeInstanceOf(StepInProgress);

    clock.advance(60_000);
    const retry = await endOnTimer(deps, payload);
    expect(retry.kind).toBe('RESTORED');
    expect(await db.store.get(contactId, AGENT)).toMatchObject({
      restore: 'DONE',
      endedAt: '2026-03-02T09:01:30.000Z',
    });
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(1);
  });

  it('R14: a DISCONNECTED event arriving after its whole wrap-up would have ended is recorded but holds nobody', async () => {
    clock.set('2026-03-02T09:03:00.000Z');
    const { contactId, outcome } = await started();
    expect(outcome.kind).toBe('LATE');
    expect(await db.store.get(contactId, AGENT)).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'LATE_EVENT',
      endedAt: '2026-03-02T09:01:30.000Z',
      systemWrapUp: true,
      restore: 'SKIPPED',
      contactRecord: 'DONE',
    });
    expect(agents.calls).toEqual([]);
    expect(timers.armed).toEqual([]);
    // R17: the record still reaches the contact.
    expect(contacts.writes.map((w) => w.attributes.acw_end_reason)).toEqual(['LATE_EVENT']);
  });

  it('R14: the timer payload of a session is its current deadline', async () => {
    const { outcome } = await started();
    expect(outcome.session && timerOf(outcome.session).deadline).toBe('2026-03-02T09:01:30.000Z');
  });
});

describe('R12: several contacts', () => {
  it('R12: the agent is put back in the routable status only when their last open wrap-up ends', async () => {
    const chat1 = await started({ channel: 'CHAT', queueId: 'queue-chat' });
    const chat2 = await started({
      channel: 'CHAT',
      queueId: 'queue-chat',
      disconnectedAt: '2026-03-02T09:00:20.000Z',
    });

    clock.set('2026-03-02T09:01:00.000Z');
    const first = await endOnTimer(deps, {
      contactId: chat1.contactId,
      agentId: AGENT,
      deadline: '2026-03-02T09:01:00.000Z',
    });
    expect(first.session).toMatchObject({ state: 'CLOSED_COMPLETE', restore: 'SKIPPED' });
    expect(first.session?.history.at(-2)).toMatchObject({
      what: 'RESTORE_SKIPPED',
      detail: 'agent still has 1 open wrap-up',
    });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'WRAP_UP']);

    clock.set('2026-03-02T09:01:20.000Z');
    const last = await endOnTimer(deps, {
      contactId: chat2.contactId,
      agentId: AGENT,
      deadline: '2026-03-02T09:01:20.000Z',
    });
    expect(last.session?.restore).toBe('DONE');
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'WRAP_UP', 'ROUTABLE']);
  });

  it('R12: another agent open wrap-up does not hold this agent', async () => {
    const mine = await started();
    await started({ agentId: 'someone-else' });
    clock.set('2026-03-02T09:01:30.000Z');
    const outcome = await endOnTimer(deps, {
      contactId: mine.contactId,
      agentId: AGENT,
      deadline: '2026-03-02T09:01:30.000Z',
    });
    expect(outcome.session?.restore).toBe('DONE');
  });
});
