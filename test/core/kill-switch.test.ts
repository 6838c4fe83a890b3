import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SsmKillSwitch } from '../../lambda/adapters/ssm-kill-switch';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { startWrapUp } from '../../lambda/core/start';
import { sweepOverdue } from '../../lambda/core/sweep';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { type FakeClock, type RecordingAgents, RecordingLog, testDeps } from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({ policies: { queues: { untimed: { mode: 'untimed' } } } }).policies,
  ),
};
const db = useMemorySessionStore();
let clock: FakeClock;
let agents: RecordingAgents;
let deps: Deps;
let on: boolean;

beforeEach(() => {
  on = true;
  const built = testDeps(db.store, '2026-03-02T09:00:02.000Z');
  ({ clock, agents } = built);
  deps = { ...built.deps, killSwitch: { isOn: async () => on } };
});

function disconnected(contactId: string, agentId: string, queueId = 'q') {
  return disconnect({ contactId, agentId, queueId, disconnectedAt: '2026-03-02T09:00:00.000Z' });
}

describe('R18: the kill switch', () => {
  it('R18: switched off, a disconnect starts no wrap-up and sets no status', async () => {
    on = false;
    const outcome = await startWrapUp(deps, config, disconnected('off-1', 'agent-1'));
    expect(outcome).toEqual({ kind: 'IGNORED', reason: 'SWITCHED_OFF' });
    expect(await db.store.get('off-1', 'agent-1')).toBeUndefined();
    expect(agents.calls).toEqual([]);
  });

  it('R18: switched off, the sweep ends every open wrap-up (timed or not) and restores their agents', async () => {
    await startWrapUp(deps, config, disconnected('open-1', 'agent-1'));
    await startWrapUp(deps, config, disconnected('open-2', 'agent-2', 'untimed'));
    on = false;
    clock.set('2026-03-02T09:00:10.000Z');

    expect(await sweepOverdue(deps)).toEqual({ open: 2, overdue: 2, ended: 2, failed: 0, statusesChosen: 0 });
    for (const [contactId, agentId] of [
      ['open-1', 'agent-1'],
      ['open-2', 'agent-2'],
    ] as const) {
      expect(await db.store.get(contactId, agentId)).toMatchObject({
        state: 'CLOSED_COMPLETE',
        endReason: 'KILL_SWITCH',
        systemWrapUp: true,
        restore: 'DONE',
      });
    }
    expect(
      agents.calls
        .filter((c) => c.status === 'ROUTABLE')
        .map((c) => c.agentId)
        .sort(),
    ).toEqual(['agent-1', 'agent-2']);
  });

  it('R18: switched on again, wrap-up starts as before', async () => {
    on = false;
    await startWrapUp(deps, config, disconnected('x', 'agent-1'));
    on = true;
    expect((await startWrapUp(deps, config, disconnected('y', 'agent-1'))).kind).toBe('STARTED');
  });
});

describe('SsmKillSwitch', () => {
  const ssm = mockClient(SSMClient);
  let now = 0;
  const killSwitch = () =>
    new SsmKillSwitch({
      client: new SSMClient({ region: 'us-east-1' }),
      parameterName: '/acw/switch',
      log: new RecordingLog(),
      cacheMs: 30_000,
      now: () => now,
    });
  beforeEach(() => {
    ssm.reset();
    now = 0;
  });

  it('R18: "off" switches ACW off; any other value is on', async () => {
    ssm.on(GetParameterCommand, { Name: '/acw/switch' }).resolves({ Parameter: { Value: ' OFF ' } });
    expect(await killSwitch().isOn()).toBe(false);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    expect(await killSwitch().isOn()).toBe(true);
  });

  it('R18: reads the parameter at most once per cache period, then again', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
    const sw = killSwitch();
    await sw.isOn();
    now = 29_999;
    await sw.isOn();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    now = 30_000;
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    expect(await sw.isOn()).toBe(true);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('a parameter that cannot be read leaves ACW on', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'nope', $metadata: {} }));
    expect(await killSwitch().isOn()).toBe(true);
  });
});
