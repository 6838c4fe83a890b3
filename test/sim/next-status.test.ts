/**
 * R19 in the simulator: an `update` with `nextStatus` chooses the status the agent lands in when
 * the wrap-up ends; a status the simulated instance does not have is refused (UNKNOWN_STATUS).
 */
import { describe, expect, it } from 'vitest';
import { runSimulation, type SimulationRun } from '../../sim/engine';
import { parseScenario, ScenarioError } from '../../sim/scenario';
import { AGENT_ID, agentEvent, disconnected, msBetween, scenarioOf } from './support';

const quiet = { quiet: true } as const;
/** The fixture's event arrives 3 s after its disconnect (17:38:37); 90 s policy → deadline 17:40:07. */
const ARRIVES = '2021-08-04T17:38:40Z';
const CONTACT_ID = '11111111-1111-1111-1111-111111111111';
const SECOND_CONTACT_ID = '22222222-2222-2222-2222-222222222222';
const DEADLINE = '2021-08-04T17:40:07.000Z';

function update(
  at: string,
  fields: Record<string, unknown>,
): { at: string; agentAction: Record<string, unknown> } {
  return { at, agentAction: { agentId: AGENT_ID, action: 'update', ...fields } };
}

function run(steps: Array<{ at: string } & Record<string, unknown>>): Promise<SimulationRun> {
  return runSimulation(
    scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }, ...steps], {
      config: { policies: { default: { durationSeconds: 90 } } },
    }),
    quiet,
  );
}

function statusNames(run: SimulationRun): string[] {
  return run.result.statusChanges.map((change) => change.status);
}

describe('R19 the status after wrap-up, in the simulator', () => {
  it('R19: an agent who chose Lunch lands in Lunch when the timer ends the wrap-up (R7)', async () => {
    const simulation = await run([update('2021-08-04T17:39:00Z', { nextStatus: 'Lunch' })]);
    const { result } = simulation;

    expect(result.errors).toEqual([]);
    expect(statusNames(simulation)).toEqual(['Wrap Up', 'Lunch']);
    const restore = result.statusChanges[1];
    expect(msBetween(DEADLINE, restore?.at ?? null)).toBeGreaterThanOrEqual(0);
    expect(msBetween(DEADLINE, restore?.at ?? null)).toBeLessThanOrEqual(2_000);
    expect(result.sessions[0]).toMatchObject({ endReason: 'TIMER', systemWrapUp: true, nextStatus: 'Lunch' });
    expect(result.agents).toContainEqual({ agentId: AGENT_ID, status: 'Lunch' });
    expect(result.stuck).toEqual([]);
    // R17: the choice goes to the contact with the rest of the wrap-up record.
    expect(simulation.contactAttributes.get(CONTACT_ID)).toMatchObject({ acw_next_status: 'Lunch' });
    // The history says who chose it and when.
    const history = simulation.storedSessions[0]?.history ?? [];
    expect(history).toContainEqual(
      expect.objectContaining({ what: 'NEXT_STATUS_CHOSEN', by: `agent:${AGENT_ID}`, detail: 'Lunch' }),
    );
  });

  it('R19: choosing does not end the wrap-up; All Done then lands the agent in the chosen status (R6)', async () => {
    const simulation = await run([
      update('2021-08-04T17:39:00Z', { nextStatus: 'Training' }),
      { at: '2021-08-04T17:39:20Z', agentAction: { agentId: AGENT_ID, action: 'allDone' } },
    ]);

    expect(simulation.result.errors).toEqual([]);
    expect(simulation.result.sessions[0]).toMatchObject({
      endReason: 'AGENT_DONE',
      endedAt: '2021-08-04T17:39:20.000Z',
      nextStatus: 'Training',
    });
    expect(statusNames(simulation)).toEqual(['Wrap Up', 'Training']);
  });

  it('R19: the latest choice wins, and null goes back to the routable status', async () => {
    const simulation = await run([
      update('2021-08-04T17:39:00Z', { nextStatus: 'Lunch' }),
      update('2021-08-04T17:39:10Z', { nextStatus: 'Break' }),
      update('2021-08-04T17:39:20Z', { nextStatus: null }),
    ]);

    expect(simulation.result.errors).toEqual([]);
    expect(simulation.result.sessions[0]?.nextStatus).toBeNull();
    expect(statusNames(simulation)).toEqual(['Wrap Up', 'Available']);
  });

  it.each([
    ['a status the instance does not have', 'Lunchh'],
    ['the wrap-up status itself', 'Wrap Up'],
  ])('R19: %s is refused with UNKNOWN_STATUS and changes nothing', async (_name, nextStatus) => {
    const simulation = await run([
      update('2021-08-04T17:39:00Z', { nextStatus: 'Break' }),
      update('2021-08-04T17:39:10Z', { nextStatus, notes: 'kept only if the whole update is' }),
    ]);
    const { result } = simulation;

    expect(result.errors).toEqual([
      { at: '2021-08-04T17:39:10.000Z', agentId: AGENT_ID, contactId: CONTACT_ID, code: 'UNKNOWN_STATUS' },
    ]);
    // The earlier choice stands, and the refused update's notes were not saved.
    expect(result.sessions[0]).toMatchObject({ nextStatus: 'Break', notes: null, endReason: 'TIMER' });
    expect(statusNames(simulation)).toEqual(['Wrap Up', 'Break']);
  });

  it('R19: nextStatus with an action other than update is a malformed scenario, naming the field', () => {
    const scenario = scenarioOf([
      { at: ARRIVES, agentAction: { agentId: AGENT_ID, action: 'extend', nextStatus: 'Lunch' } },
    ]);

    expect(() => parseScenario(scenario)).toThrow(ScenarioError);
    expect(() => parseScenario(scenario)).toThrow(
      /steps\[0\]\.agentAction\.nextStatus goes with "update" only/,
    );
  });

  it('R19: a nextStatus that is not a name is a malformed scenario; an unknown name is not', () => {
    const bad = scenarioOf([update(ARRIVES, { nextStatus: '' })]);
    const unknown = scenarioOf([update(ARRIVES, { nextStatus: 'Gardening' })]);

    expect(() => parseScenario(bad)).toThrow(
      /steps\[0\]\.agentAction\.nextStatus must be an agent status name/,
    );
    expect(() => parseScenario(unknown)).not.toThrow();
  });

  it('R19/R8: a status the agent sets themselves during wrap-up wins over their choice', async () => {
    const simulation = await run([
      update('2021-08-04T17:39:00Z', { nextStatus: 'Lunch' }),
      {
        at: '2021-08-04T17:39:30Z',
        agentEvent: agentEvent({ at: '2021-08-04T17:39:30.000Z', status: 'Break' }),
      },
    ]);

    expect(simulation.result.sessions[0]).toMatchObject({ endReason: 'STATUS_CHANGED', nextStatus: 'Lunch' });
    // The system set only the wrap-up status: never Lunch over the agent's Break.
    expect(statusNames(simulation)).toEqual(['Wrap Up']);
    expect(simulation.result.agents).toContainEqual({ agentId: AGENT_ID, status: 'Break' });
  });

  it('R19/R12: a choice made on a wrap-up that ends first applies when the last one ends', async () => {
    // Two contacts (chats) of the same agent: the first ends at 17:40:07, the second 60 s later.
    const second = disconnected((detail) => {
      detail.contactId = SECOND_CONTACT_ID;
      detail.initialContactId = SECOND_CONTACT_ID;
      detail.channel = 'CHAT';
      detail.disconnectTimestamp = '2021-08-04T17:39:37.000Z';
    });
    const simulation = await run([
      { at: '2021-08-04T17:39:40Z', contactEvent: second },
      update('2021-08-04T17:39:50Z', { contactId: CONTACT_ID, nextStatus: 'Lunch' }),
    ]);
    const { result } = simulation;

    expect(result.errors).toEqual([]);
    const [first, last] = result.sessions;
    expect(first).toMatchObject({ contactId: CONTACT_ID, endReason: 'TIMER', nextStatus: 'Lunch' });
    expect(last).toMatchObject({ contactId: SECOND_CONTACT_ID, endReason: 'TIMER', nextStatus: 'Lunch' });
    // Held once, restored once: into Lunch, when the second wrap-up ended.
    expect(statusNames(simulation).filter((status) => status !== 'Wrap Up')).toEqual(['Lunch']);
    const landed = result.statusChanges.find((change) => change.status === 'Lunch');
    expect(msBetween(last?.deadline ?? '', landed?.at ?? null)).toBeGreaterThanOrEqual(0);
    expect(result.agents).toContainEqual({ agentId: AGENT_ID, status: 'Lunch' });
  });
});
