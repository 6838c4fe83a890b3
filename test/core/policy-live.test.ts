/**
 * R20: functions see an administrator's change within a minute and apply it to contacts that
 * disconnect after it; open sessions keep their policy; at most one read per instance per minute.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import { applyPolicyChange } from '../../lambda/core/policy-change';
import { LivePolicies } from '../../lambda/core/policy-live';
import type { Deps, PolicyOverrides } from '../../lambda/core/ports';
import { startWrapUp } from '../../lambda/core/start';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { type FakeClock, RecordingLog, testDeps } from '../support/fakes';
import { MemoryPolicyStore, useMemorySessionStore } from '../support/memory-store';

const BASELINE = parseAcwConfig({ policies: { queues: { billing: { durationSeconds: 300 } } } }).policies;
const config: LifecycleConfig = { instanceArn: INSTANCE_ARN, policies: indexPolicies(BASELINE) };
const START = '2026-03-02T09:00:00.000Z';

const db = useMemorySessionStore();
let clock: FakeClock;
let policyStore: MemoryPolicyStore;
let live: LivePolicies;
let deps: Deps;

beforeEach(() => {
  const built = testDeps(db.store, START);
  clock = built.clock;
  policyStore = new MemoryPolicyStore();
  live = new LivePolicies({ store: policyStore, baseline: BASELINE, clock, log: built.log });
  deps = { ...built.deps, policies: live };
});

function disconnectedNow(contactId: string, agentId: string) {
  return disconnect({ contactId, agentId, queueId: 'billing', disconnectedAt: clock.now().toISOString() });
}

async function change(durationSeconds: number | null, expectedVersion: number) {
  await applyPolicyChange(
    policyStore,
    BASELINE,
    {
      level: 'queue',
      key: 'billing',
      policy: durationSeconds === null ? null : { durationSeconds },
      expectedVersion,
      by: 'admin-1',
      reason: 'test',
    },
    clock.now(),
  );
}

describe('R20: live policies', () => {
  it('R20: a change applies to contacts that disconnect after the cache refresh, not to open sessions', async () => {
    await startWrapUp(deps, config, disconnectedNow('before', 'agent-1'));
    await change(120, 0);

    clock.advance(30_000);
    await startWrapUp(deps, config, disconnectedNow('within-the-minute', 'agent-2'));
    clock.advance(30_000);
    await startWrapUp(deps, config, disconnectedNow('after', 'agent-3'));

    expect((await db.store.get('before', 'agent-1'))?.policy.durationSeconds).toBe(300);
    // Sooner is allowed, later than a minute is not: this instance read before the change.
    expect((await db.store.get('within-the-minute', 'agent-2'))?.policy.durationSeconds).toBe(300);
    expect(await db.store.get('after', 'agent-3')).toMatchObject({
      policy: { durationSeconds: 120 },
      policySource: 'queue:billing',
    });
    // The open session kept its policy.
    expect((await db.store.get('before', 'agent-1'))?.policy.durationSeconds).toBe(300);
  });

  it('R20: removing the override brings the baseline back after the refresh', async () => {
    await change(120, 0);
    await change(null, 1);
    await startWrapUp(deps, config, disconnectedNow('c', 'agent-1'));
    expect((await db.store.get('c', 'agent-1'))?.policy.durationSeconds).toBe(300);
  });

  it('R20: at most one read of the overrides per instance per minute', async () => {
    for (let second = 0; second < 180; second += 1) {
      await live.index();
      clock.advance(1_000);
    }
    expect(policyStore.reads).toBe(3);
  });

  it('R20: concurrent callers share one read', async () => {
    await Promise.all([live.index(), live.index(), live.index()]);
    expect(policyStore.reads).toBe(1);
  });

  it('R20: a failed read keeps the last policies for another minute and is logged; none read yet, it fails', async () => {
    const log = new RecordingLog();
    let fail = true;
    const flaky = {
      reads: 0,
      async read(): Promise<PolicyOverrides> {
        this.reads += 1;
        if (fail) throw new Error('ProvisionedThroughputExceededException');
        return policyStore.read();
      },
    };
    const instance = new LivePolicies({ store: flaky, baseline: BASELINE, clock, log });
    await expect(instance.index()).rejects.toThrow('ProvisionedThroughputExceededException');

    fail = false;
    await change(120, 0);
    const first = await instance.index();
    expect(first.queues.get('billing')?.durationSeconds).toBe(120);

    fail = true;
    clock.advance(60_000);
    expect(await instance.index()).toBe(first);
    clock.advance(30_000);
    expect(await instance.index()).toBe(first);
    expect(flaky.reads).toBe(3);
    expect(log.lines.map((line) => line.level)).toEqual(['warn']);
  });
});
