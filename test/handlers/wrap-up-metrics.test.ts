/**
 * R17, R22: each completed wrap-up publishes its metrics once (WrapUpSeconds, ExtensionsUsed,
 * EndedBySystem / EndedByAgent by queue, channel and end reason; RestoreLatenessMs), Connect's
 * throttles are counted by API, and the sweep publishes the open sessions.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { finishWrapUp } from '../../lambda/core/actions';
import { endOnTimer } from '../../lambda/core/end-on-time';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps, WrapUpObserver } from '../../lambda/core/ports';
import type { Session } from '../../lambda/core/session';
import { timerOf } from '../../lambda/core/session';
import { startWrapUp } from '../../lambda/core/start';
import { sweepOverdue } from '../../lambda/core/sweep';
import { restoreLatenessMs, throttleMetric, WrapUpMetrics } from '../../lambda/handlers/wrap-up-metrics';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { type FakeClock, testDeps } from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

type Emf = ReturnType<Metrics['serializeMetrics']>;

const AGENT = '87654321-4321-4321-4321-210987654321';
const config = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(parseAcwConfig({ policies: { default: { durationSeconds: 90 } } }).policies),
};

/** Metrics objects that keep the EMF documents they would write to stdout. */
function capturing(): { factory: () => Metrics; published: Emf[] } {
  const published: Emf[] = [];
  const factory = () => {
    const metrics = new Metrics({ namespace: 'ConnectAcw', serviceName: 'connect-acw' });
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
      if (metrics.hasStoredMetrics()) published.push(metrics.serializeMetrics());
      metrics.clearMetrics();
      return metrics;
    });
    return metrics;
  };
  return { factory, published };
}

/** The dimension names of an EMF document. */
function dimensionsOf(emf: Emf): string[] {
  return [...(emf._aws.CloudWatchMetrics[0]?.Dimensions[0] ?? [])].sort();
}

const db = useMemorySessionStore();
let clock: FakeClock;
let deps: Deps;
let completed: Session[];

beforeEach(() => {
  ({ clock, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
  completed = [];
  const observer: WrapUpObserver = { completed: (session) => completed.push(session) };
  deps = { ...deps, observer };
});

async function started(contactId: string): Promise<Session> {
  await startWrapUp(
    deps,
    config,
    disconnect({
      contactId,
      agentId: AGENT,
      queueId: 'queue-billing',
      disconnectedAt: '2026-03-02T09:00:00.000Z',
    }),
  );
  const session = await db.store.get(contactId, AGENT);
  if (session === undefined) throw new Error('no session');
  return session;
}

describe('R22: the observer is told of each wrap-up once, when it is complete', () => {
  it('R22: a wrap-up the timer ended is reported once, complete; a duplicate timer reports nothing more', async () => {
    const session = await started('c-timer');
    expect(completed).toEqual([]);
    clock.set('2026-03-02T09:01:30.000Z');
    await endOnTimer(deps, timerOf(session));
    await endOnTimer(deps, timerOf(session));
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      contactId: 'c-timer',
      endReason: 'TIMER',
      restore: 'DONE',
      contactRecord: 'DONE',
    });
  });

  it('R22: All Done is reported once', async () => {
    await started('c-done');
    clock.set('2026-03-02T09:00:40.000Z');
    await finishWrapUp(deps, { contactId: 'c-done', agentId: AGENT, by: `agent:${AGENT}` });
    expect(completed.map((s) => s.endReason)).toEqual(['AGENT_DONE']);
  });

  it('R22: the sweep counts the open wrap-ups', async () => {
    await started('c-open-1');
    await started('c-open-2');
    const result = await sweepOverdue(deps);
    expect(result.open).toBeGreaterThanOrEqual(2);
    expect(result.overdue).toBe(0);
  });
});

describe('R17, R22: WrapUpMetrics', () => {
  it('R22: one document per completed wrap-up: seconds, extensions, who ended it, by queue, channel and end reason', async () => {
    const session = await started('c-metrics');
    clock.set('2026-03-02T09:01:30.250Z');
    await endOnTimer(deps, timerOf(session));
    const { factory, published } = capturing();
    const done = completed[0];
    if (done === undefined) throw new Error('not completed');
    new WrapUpMetrics(factory).completed(done);

    const [wrapUp, restore] = published;
    expect(wrapUp).toMatchObject({
      queue: 'queue-billing',
      channel: 'VOICE',
      endReason: 'TIMER',
      WrapUpSeconds: 90.25,
      ExtensionsUsed: 0,
      EndedBySystem: 1,
      EndedByAgent: 0,
    });
    expect(dimensionsOf(wrapUp as Emf)).toEqual(['channel', 'endReason', 'queue', 'service']);
    expect(restore).toMatchObject({ RestoreLatenessMs: restoreLatenessMs(done) });
    expect(JSON.stringify(published)).not.toContain(AGENT);
    expect(JSON.stringify(published)).not.toContain('c-metrics');
  });

  it('R22: an agent-ended wrap-up counts for the agent and has no restore lateness', async () => {
    await started('c-agent');
    clock.set('2026-03-02T09:00:40.000Z');
    await finishWrapUp(deps, { contactId: 'c-agent', agentId: AGENT, by: `agent:${AGENT}` });
    const { factory, published } = capturing();
    const done = completed[0];
    if (done === undefined) throw new Error('not completed');
    new WrapUpMetrics(factory).completed(done);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      endReason: 'AGENT_DONE',
      EndedBySystem: 0,
      EndedByAgent: 1,
      WrapUpSeconds: 40,
    });
    expect(restoreLatenessMs(done)).toBeUndefined();
  });

  it('R13: restore lateness is the restore entry minus the deadline', () => {
    const session = {
      deadline: '2026-03-02T09:01:30.000Z',
      endReason: 'TIMER',
      restore: 'DONE',
      history: [{ at: '2026-03-02T09:01:30.480Z', what: 'ROUTABLE_STATUS_RESTORED', by: 'system' }],
    } as unknown as Session;
    expect(restoreLatenessMs(session)).toBe(480);
    expect(restoreLatenessMs({ ...session, restore: 'SKIPPED' })).toBeUndefined();
    expect(restoreLatenessMs({ ...session, endReason: 'AGENT_DONE' })).toBeUndefined();
  });

  it('R15: each throttle is counted under its API', () => {
    const { factory, published } = capturing();
    const onThrottle = throttleMetric(factory);
    onThrottle('PutUserStatus');
    onThrottle('UpdateContactAttributes');
    expect(published).toEqual([
      expect.objectContaining({ api: 'PutUserStatus', ConnectThrottles: 1 }),
      expect.objectContaining({ api: 'UpdateContactAttributes', ConnectThrottles: 1 }),
    ]);
  });
});
