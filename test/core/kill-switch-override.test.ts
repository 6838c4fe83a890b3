/**
 * R18, R20: the kill switch in force is an administrator's override when one is set, else the
 * deployed switch (the SSM parameter), else on; read with the live policies (one document read per
 * instance per minute for both).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { killSwitchOf, OverridableKillSwitch } from '../../lambda/core/kill-switch';
import { indexPolicies } from '../../lambda/core/policy';
import { LivePolicies } from '../../lambda/core/policy-live';
import type { KillSwitch, KillSwitchState } from '../../lambda/core/ports';
import { FakeClock, RecordingLog } from '../support/fakes';
import { MemoryPolicyStore } from '../support/memory-store';

const BASELINE = parseAcwConfig({}).policies;
const AT = '2026-03-02T09:00:00.000Z';

class Deployed implements KillSwitch {
  reads = 0;
  constructor(public on: boolean) {}
  async isOn(): Promise<boolean> {
    this.reads += 1;
    return this.on;
  }
}

let store: MemoryPolicyStore;
let clock: FakeClock;
let log: RecordingLog;
let live: LivePolicies;

beforeEach(() => {
  store = new MemoryPolicyStore();
  clock = new FakeClock(AT);
  log = new RecordingLog();
  live = new LivePolicies({ store, baseline: BASELINE, clock, log });
});

async function setOverride(state: KillSwitchState | null): Promise<void> {
  const { version } = await store.read();
  await store.writeKillSwitch({ state, expectedVersion: version, by: 'admin:jo', reason: 'test', at: AT });
}

describe('OverridableKillSwitch (R18, R20)', () => {
  it.each([
    ['off overrides a parameter that is on', 'off', true, false],
    ['on overrides a parameter that is off', 'on', false, true],
  ] as const)('R18, R20: %s', async (_name, override, parameterOn, expected) => {
    await setOverride(override);
    const deployed = new Deployed(parameterOn);

    const killSwitch = new OverridableKillSwitch({ overrides: live, deployed, log });

    expect(await killSwitch.isOn()).toBe(expected);
    expect(deployed.reads).toBe(0);
  });

  it('R18: without an override the deployed parameter decides; without either ACW is on', async () => {
    expect(
      await new OverridableKillSwitch({ overrides: live, deployed: new Deployed(false), log }).isOn(),
    ).toBe(false);
    expect(await new OverridableKillSwitch({ overrides: live, log }).isOn()).toBe(true);
  });

  it('R20: a removed override brings the parameter back', async () => {
    await setOverride('on');
    await setOverride(null);

    expect(
      await new OverridableKillSwitch({ overrides: live, deployed: new Deployed(false), log }).isOn(),
    ).toBe(false);
  });

  it('R20: a change is seen within 60 s, on the one read a minute the live policies make', async () => {
    const killSwitch = new OverridableKillSwitch({ overrides: live, deployed: new Deployed(true), log });
    expect(await killSwitch.isOn()).toBe(true);
    await live.index();

    await setOverride('off');
    const readsBefore = store.reads;
    clock.advance(30_000);
    const halfway = await killSwitch.isOn();
    clock.advance(30_000);
    const after = await killSwitch.isOn();
    await live.index();

    expect([halfway, after]).toEqual([true, false]);
    expect(store.reads - readsBefore).toBe(1);
  });

  it('R18: when the document cannot be read, the deployed switch decides, and it is logged', async () => {
    const failing = {
      killSwitchOverride: async (): Promise<KillSwitchState | undefined> => {
        throw new Error('DynamoDB unavailable');
      },
    };

    const killSwitch = new OverridableKillSwitch({ overrides: failing, deployed: new Deployed(false), log });

    expect(await killSwitch.isOn()).toBe(false);
    expect(log.lines).toEqual([
      expect.objectContaining({ level: 'warn', fields: { error: 'DynamoDB unavailable' } }),
    ]);
  });
});

describe('killSwitchOf', () => {
  it('R20: overridable when the live policies can carry an override; else the deployed switch alone', () => {
    const deployed = new Deployed(true);
    const baselineOnly = { index: async () => indexPolicies(BASELINE) };

    expect(killSwitchOf(live, deployed, log)).toBeInstanceOf(OverridableKillSwitch);
    expect(killSwitchOf(baselineOnly, deployed, log)).toBe(deployed);
    expect(killSwitchOf(undefined, undefined, log)).toBeUndefined();
  });
});
