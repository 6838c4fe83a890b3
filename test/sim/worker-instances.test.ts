/**
 * R15: the wrap-up worker as several instances, each with its own App and so its own
 * PutUserStatus line (as Lambda runs one instance per concurrent invocation). One line paces the
 * holds to the quota; several lines each spend their own burst, and Connect refuses the excess.
 */
import { describe, expect, it } from 'vitest';
import { composeFunctions } from '../../lambda/app/functions';
import { runSimulation } from '../../sim/engine';
import { disconnected, scenarioOf } from './support';

const AGENTS = Array.from({ length: 12 }, (_, i) => `87654321-4321-4321-4321-${String(i).padStart(12, '0')}`);
const INSTANCE = 'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';

/** Twelve agents hang up in the same second: twelve holds for a quota of 2/s, burst 5. */
function burst() {
  return scenarioOf(
    AGENTS.map((agentId, i) => ({
      at: '2021-08-04T17:38:38Z',
      contactEvent: disconnected((detail) => {
        detail.contactId = `11111111-1111-1111-1111-${String(i).padStart(12, '0')}`;
        detail.agentInfo = { ...(detail.agentInfo as object), agentArn: `${INSTANCE}/agent/${agentId}` };
      }),
    })),
    {
      agents: AGENTS.map((id) => ({ id, status: 'Available' })),
      until: '2021-08-04T17:45:00Z',
    },
  );
}

describe('wrap-up worker instances (R15: one line per instance)', () => {
  it('R15: one line paces a burst to the quota; four lines each spend their own burst and Connect refuses many more; everyone is held and restored either way', async () => {
    const scenario = { ...burst(), faults: { connectRatePerSecond: 2 } };
    const one = await runSimulation(scenario, { quiet: true, callLatency: true });
    const four = await runSimulation(scenario, { quiet: true, callLatency: true, workerInstances: 4 });

    const refused = (run: typeof one) => run.stats.faults.connectOverQuotaByApi.PutUserStatus ?? 0;
    // One line is refused only when a call lands a little early (Connect's bucket counts arrivals,
    // the line counts sends); four lines spend four bursts (measured: 2 and 23).
    expect(refused(one)).toBeLessThanOrEqual(3);
    expect(refused(four)).toBeGreaterThanOrEqual(4 * refused(one) + 5);
    for (const run of [one, four]) {
      expect(run.result.stuck).toEqual([]);
      const statuses = (agentId: string) =>
        run.result.statusChanges
          .filter((change) => change.agentId === agentId)
          .map((change) => change.status);
      for (const agentId of AGENTS) expect(statuses(agentId)).toEqual(['Wrap Up', 'Available']);
    }
  });

  it('R15: the number of instances must be an integer 1-100', () => {
    const wiring = {} as Parameters<typeof composeFunctions>[0];
    expect(() => composeFunctions(wiring, { workerInstances: 0 })).toThrow(
      'workerInstances must be an integer 1-100, got 0',
    );
    expect(() => composeFunctions(wiring, { workerInstances: 1.5 })).toThrow(
      'workerInstances must be an integer 1-100, got 1.5',
    );
  });
});
