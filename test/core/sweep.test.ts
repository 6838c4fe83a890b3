import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp } from '../../lambda/core/actions';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { AgentPresence, Deps, PresenceReport } from '../../lambda/core/ports';
import { classifyStatus } from '../../lambda/core/presence';
import { startWrapUp } from '../../lambda/core/start';
import { MAX_STATUS_READS_PER_SWEEP, SWEEP_MARGIN_MS, sweepOverdue } from '../../lambda/core/sweep';
import { makeSweepHandler } from '../../lambda/handlers/sweep';
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

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: { default: { durationSeconds: 90 }, queues: { untimed: { mode: 'untimed' } } },
    }).policies,
  ),
};
const db = useMemorySessionStore();
let clock: FakeClock;
let agents: RecordingAgents;
let contacts: RecordingContacts;
let deps: Deps;

beforeEach(() => {
  ({ clock, agents, contacts, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
});

async function open(contactId: string, agentId: string, queueId = 'q') {
  await startWrapUp(
    deps,
    config,
    disconnect({ contactId, agentId, queueId, disconnectedAt: '2026-03-02T09:00:00.000Z' }),
  );
}

describe('R15: the sweep ends what its timer did not', () => {
  it('R15: a wrap-up whose timer was lost is ended SWEEP once it is past deadline + margin, and its agent restored', async () => {
    await open('lost', 'agent-1');
    clock.set(Date.parse('2026-03-02T09:01:30.000Z') + SWEEP_MARGIN_MS + 1);

    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 1, overdue: 1, ended: 1, failed: 0, statusesChosen: 0 });
    expect(await db.store.get('lost', 'agent-1')).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'SWEEP',
      systemWrapUp: true,
      restore: 'DONE',
      contactRecord: 'DONE',
    });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
    expect(contacts.writes[0]?.attributes.acw_end_reason).toBe('SWEEP');
  });

  it('R15: within the margin, untimed, or already ended: the sweep leaves it alone', async () => {
    await open('recent', 'agent-1');
    await open('untimed', 'agent-2', 'untimed');
    await open('done', 'agent-3');
    await finishWrapUp(deps, { contactId: 'done', agentId: 'agent-3', by: 'agent:agent-3' });
    clock.set(Date.parse('2026-03-02T09:01:30.000Z') + SWEEP_MARGIN_MS);

    expect(await sweepOverdue(deps)).toEqual({ open: 2, overdue: 0, ended: 0, failed: 0, statusesChosen: 0 });
    expect((await db.store.get('recent', 'agent-1'))?.state).toBe('WRAP_UP');
    expect((await db.store.get('untimed', 'agent-2'))?.state).toBe('WRAP_UP');
  });

  it('R15: one session that cannot be ended does not stop the others, and is counted', async () => {
    await open('a', 'agent-1');
    await open('b', 'agent-2');
    clock.set('2026-03-02T09:05:00.000Z');
    agents.failNext = 1;

    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 2, overdue: 2, ended: 1, failed: 1, statusesChosen: 0 });
    // The failed one is closed with its restore pending: a later sweep or timer retry finishes it.
    const states = [await db.store.get('a', 'agent-1'), await db.store.get('b', 'agent-2')].map(
      (s) => s?.restore,
    );
    expect(states.sort()).toEqual(['DONE', 'PENDING']);

    // R15: the next sweep finishes the close that failed: the agent is not left in wrap-up.
    clock.set('2026-03-02T09:06:00.000Z');
    expect(await sweepOverdue(deps)).toEqual({ open: 0, overdue: 1, ended: 1, failed: 0, statusesChosen: 0 });
    const after = [await db.store.get('a', 'agent-1'), await db.store.get('b', 'agent-2')];
    expect(after.map((s) => s?.restore)).toEqual(['DONE', 'DONE']);
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(2);
  });

  it('the sweep handler reports what it found', async () => {
    await open('h', 'agent-1');
    clock.set('2026-03-02T09:05:00.000Z');
    const result = await makeSweepHandler({ deps, config })();
    expect(result).toEqual({ open: 1, overdue: 1, ended: 1, failed: 0, statusesChosen: 0 });
  });
});

/** GetCurrentUserData as the sweep's poll sees it: each agent's status, and the calls made. */
class PolledPresence implements AgentPresence {
  readonly polls: string[][] = [];
  singleReads = 0;
  failNext = false;
  constructor(readonly statuses: Map<string, { name: string; since: string }>) {}
  async current(): Promise<PresenceReport | undefined> {
    this.singleReads += 1;
    return undefined;
  }
  async currentOfAgents(
    _instanceArn: string,
    agentIds: readonly string[],
  ): Promise<Map<string, PresenceReport>> {
    this.polls.push([...agentIds]);
    if (this.failNext) {
      this.failNext = false;
      throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    }
    return new Map(
      agentIds.map((agentId) => {
        const status = this.statuses.get(agentId) ?? { name: 'Offline', since: '2026-03-02T09:00:30.000Z' };
        return [agentId, { ...status, kind: classifyStatus(status) }];
      }),
    );
  }
}

describe('R8 without the agent event stream: the sweep ends the wrap-ups whose agent chose a status', () => {
  let presence: PolledPresence;
  let timers: RecordingTimers;
  let log: RecordingLog;

  beforeEach(async () => {
    ({ clock, agents, contacts, timers, log, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
    presence = new PolledPresence(
      new Map([
        ['agent-lunch', { name: 'Lunch', since: '2026-03-02T09:00:20.000Z' }],
        ['agent-held', { name: 'Wrap Up', since: '2026-03-02T09:00:02.000Z' }],
        // Their status from before the hold (Connect's own ACW on the contact): not a choice.
        ['agent-before', { name: 'Available', since: '2026-03-02T08:59:00.000Z' }],
        ['agent-available', { name: 'Available', since: '2026-03-02T09:00:30.000Z' }],
      ]),
    );
    deps = { ...deps, presence };
    // Held at 09:00:02, deadlines 09:01:30; agent-offline is not listed (Offline).
    for (const agentId of ['agent-lunch', 'agent-held', 'agent-before', 'agent-available', 'agent-offline']) {
      await open(`c-${agentId}`, agentId);
    }
    await open('c-lunch-2', 'agent-lunch');
    clock.set('2026-03-02T09:00:40.000Z');
  });

  it("R8, R11: one read for the agents in wrap-up; each wrap-up of an agent who chose a status ends STATUS_CHANGED when they chose it, unrestored, its record written; an Offline agent's waits for its deadline", async () => {
    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 6, overdue: 0, ended: 0, failed: 0, statusesChosen: 3 });
    expect(presence.polls).toHaveLength(1);
    expect([...new Set(presence.polls[0])].sort()).toEqual([
      'agent-available',
      'agent-before',
      'agent-held',
      'agent-lunch',
      'agent-offline',
    ]);
    for (const [contactId, agentId, since] of [
      ['c-agent-lunch', 'agent-lunch', '2026-03-02T09:00:20.000Z'],
      ['c-lunch-2', 'agent-lunch', '2026-03-02T09:00:20.000Z'],
      ['c-agent-available', 'agent-available', '2026-03-02T09:00:30.000Z'],
    ] as const) {
      expect(await db.store.get(contactId, agentId)).toMatchObject({
        state: 'CLOSED_COMPLETE',
        endReason: 'STATUS_CHANGED',
        endedAt: since,
        systemWrapUp: false,
      });
      expect(contacts.writes.filter((write) => write.contactId === contactId)).toHaveLength(1);
    }
    expect(log.lines.some((line) => line.message.includes('Sweep could not'))).toBe(false);
    // R8: their choice is kept: only the holds were sent, no restore.
    expect(agents.calls.every((call) => call.status === 'WRAP_UP')).toBe(true);
    // Wrap Up, Offline (R11: it closes at its deadline) and a status from before the hold: left open.
    for (const agentId of ['agent-held', 'agent-offline', 'agent-before']) {
      expect(await db.store.get(`c-${agentId}`, agentId)).toMatchObject({ state: 'WRAP_UP' });
    }
    // The sweep has no Scheduler: the schedules are left to fire and find their wrap-ups closed (R13).
    expect(timers.cancelled).toEqual([]);
    expect(presence.singleReads).toBe(0);
  });

  it('R8, R14: the next sweep finds nothing more to end, and reads again only for the wrap-ups still open', async () => {
    await sweepOverdue(deps);
    clock.set('2026-03-02T09:01:10.000Z');

    const again = await sweepOverdue(deps);

    expect(again).toEqual({ open: 3, overdue: 0, ended: 0, failed: 0, statusesChosen: 0 });
    expect([...new Set(presence.polls[1])].sort()).toEqual(['agent-before', 'agent-held', 'agent-offline']);
    expect(contacts.writes).toHaveLength(3);
  });

  it('R15: a failed read ends nothing and fails nothing else: it is counted and logged, and the deadline still decides', async () => {
    presence.failNext = true;

    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 6, overdue: 0, ended: 0, failed: 1, statusesChosen: 0 });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: "Sweep could not read the statuses of the agents in wrap-up; their deadlines' checks decide",
      }),
    );
    expect(await db.store.get('c-agent-lunch', 'agent-lunch')).toMatchObject({ state: 'WRAP_UP' });
  });

  it('R8, R15: a floor too large for one sweep is read over several, untimed wrap-ups first, then the latest deadlines; a failed read skips its hundred only', async () => {
    const many = new PolledPresence(new Map());
    deps = { ...deps, presence: many };
    const ids = Array.from({ length: 150 }, (_, index) => `agent-${String(index).padStart(3, '0')}`);
    for (const agentId of ids) {
      many.statuses.set(agentId, { name: 'Lunch', since: '2026-03-02T09:00:50.000Z' });
      await open(`c-${agentId}`, agentId);
    }
    many.statuses.set('agent-untimed', { name: 'Break', since: '2026-03-02T09:00:50.000Z' });
    await open('c-untimed', 'agent-untimed', 'untimed');
    // Held at 09:00:40, their choices at 09:00:50; the deadlines (09:01:30) are still to come.
    clock.set('2026-03-02T09:01:00.000Z');

    const first = await sweepOverdue(deps, SWEEP_MARGIN_MS, 1);

    expect(many.polls).toHaveLength(1);
    expect(many.polls[0]).toHaveLength(100);
    expect(many.polls[0]?.[0]).toBe('agent-untimed');
    expect(await db.store.get('c-untimed', 'agent-untimed')).toMatchObject({ endReason: 'STATUS_CHANGED' });
    // Of the 157 agents in wrap-up (the 6 of beforeEach too), 100 were read: those with a status
    // of their own chosen ended; the rest wait for the next sweep.
    const read = new Set(many.polls[0]);
    expect(first.statusesChosen).toBe([...read].filter((id) => many.statuses.has(id)).length);
    expect(first.statusesChosen).toBeLessThan(ids.length);

    many.failNext = true;
    const second = await sweepOverdue(deps, SWEEP_MARGIN_MS, 2);
    expect(many.polls).toHaveLength(2);
    expect(second).toMatchObject({ failed: 1, statusesChosen: 0 });
    const third = await sweepOverdue(deps, SWEEP_MARGIN_MS, 2);
    expect(third.failed).toBe(0);
    for (const agentId of ids) {
      expect(await db.store.get(`c-${agentId}`, agentId)).toMatchObject({ endReason: 'STATUS_CHANGED' });
    }
    expect(MAX_STATUS_READS_PER_SWEEP).toBe(10);
  });

  it("R8: the overdue wrap-ups are the sweep's to end (SWEEP), not read again; with the stream (no poll) nothing is read", async () => {
    clock.set('2026-03-02T09:02:31.000Z');
    const overdue = await sweepOverdue(deps);
    expect(overdue).toMatchObject({ open: 6, overdue: 6, ended: 6, statusesChosen: 0 });
    expect(presence.polls).toEqual([]);

    const streamDeps: Deps = { ...deps, presence: { current: async () => undefined } };
    await startWrapUp(
      deps,
      config,
      disconnect({
        contactId: 'c-late',
        agentId: 'agent-lunch',
        queueId: 'q',
        disconnectedAt: '2026-03-02T09:02:30.000Z',
      }),
    );
    expect(await sweepOverdue(streamDeps)).toMatchObject({ statusesChosen: 0, failed: 0 });
    expect(await db.store.get('c-late', 'agent-lunch')).toMatchObject({ state: 'WRAP_UP' });
  });
});
