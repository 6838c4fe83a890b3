import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp } from '../../lambda/core/actions';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { startWrapUp } from '../../lambda/core/start';
import { SWEEP_MARGIN_MS, sweepOverdue } from '../../lambda/core/sweep';
import { makeSweepHandler } from '../../lambda/handlers/sweep';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { type FakeClock, type RecordingAgents, type RecordingContacts, testDeps } from '../support/fakes';
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

    expect(result).toEqual({ open: 1, overdue: 1, ended: 1, failed: 0 });
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

    expect(await sweepOverdue(deps)).toEqual({ open: 2, overdue: 0, ended: 0, failed: 0 });
    expect((await db.store.get('recent', 'agent-1'))?.state).toBe('WRAP_UP');
    expect((await db.store.get('untimed', 'agent-2'))?.state).toBe('WRAP_UP');
  });

  it('R15: one session that cannot be ended does not stop the others, and is counted', async () => {
    await open('a', 'agent-1');
    await open('b', 'agent-2');
    clock.set('2026-03-02T09:05:00.000Z');
    agents.failNext = 1;

    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 2, overdue: 2, ended: 1, failed: 1 });
    // The failed one is closed with its restore pending: a later sweep or timer retry finishes it.
    const states = [await db.store.get('a', 'agent-1'), await db.store.get('b', 'agent-2')].map(
      (s) => s?.restore,
    );
    expect(states.sort()).toEqual(['DONE', 'PENDING']);

    // R15: the next sweep finishes the close that failed: the agent is not left in wrap-up.
    clock.set('2026-03-02T09:06:00.000Z');
    expect(await sweepOverdue(deps)).toEqual({ open: 0, overdue: 1, ended: 1, failed: 0 });
    const after = [await db.store.get('a', 'agent-1'), await db.store.get('b', 'agent-2')];
    expect(after.map((s) => s?.restore)).toEqual(['DONE', 'DONE']);
    expect(agents.calls.filter((c) => c.status === 'ROUTABLE')).toHaveLength(2);
  });

  it('the sweep handler reports what it found', async () => {
    await open('h', 'agent-1');
    clock.set('2026-03-02T09:05:00.000Z');
    const result = await makeSweepHandler({ deps, config })();
    expect(result).toEqual({ open: 1, overdue: 1, ended: 1, failed: 0 });
  });
});
