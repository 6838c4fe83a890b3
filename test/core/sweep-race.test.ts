import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { SessionStore } from '../../lambda/core/ports';
import { record } from '../../lambda/core/session';
import { startWrapUp } from '../../lambda/core/start';
import { SWEEP_MARGIN_MS, sweepOverdue } from '../../lambda/core/sweep';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(parseAcwConfig({ policies: { default: { durationSeconds: 90 } } }).policies),
};

/** A store where, just before the first close is written, someone else saves a note on the session. */
function noteWinsTheRace(inner: MemorySessionStore): SessionStore {
  let raced = false;
  const store = Object.create(inner) as SessionStore;
  store.save = async (session) => {
    if (!raced && session.state === 'CLOSED_COMPLETE') {
      raced = true;
      const current = await inner.get(session.contactId, session.agentId);
      if (current === undefined) throw new Error('expected the session');
      await inner.save(
        record(current, { at: current.updatedAt, what: 'UPDATED', by: 'agent:agent-1', detail: 'notes' }),
      );
    }
    return inner.save(session);
  };
  return store;
}

describe('R15: the sweep, racing another writer', () => {
  it('R15, R14: a note saved between the sweep reading an overdue wrap-up and closing it does not save it from the sweep', async () => {
    const inner = new MemorySessionStore();
    const { clock, agents, deps } = testDeps(noteWinsTheRace(inner), '2026-03-02T09:00:02.000Z');
    await startWrapUp(
      deps,
      config,
      disconnect({
        contactId: 'raced',
        agentId: 'agent-1',
        queueId: 'q',
        disconnectedAt: '2026-03-02T09:00:00.000Z',
      }),
    );
    clock.set(Date.parse('2026-03-02T09:01:30.000Z') + SWEEP_MARGIN_MS + 1);

    const result = await sweepOverdue(deps);

    expect(result).toEqual({ open: 1, overdue: 1, ended: 1, failed: 0, statusesChosen: 0 });
    const stored = await inner.get('raced', 'agent-1');
    expect(stored).toMatchObject({ state: 'CLOSED_COMPLETE', endReason: 'SWEEP', restore: 'DONE' });
    expect(stored?.history.map((entry) => entry.what)).toContain('UPDATED');
    expect(agents.calls.map((call) => call.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
  });
});
