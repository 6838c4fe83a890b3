/**
 * The deployed default configuration, no agent event stream (`SimulationOptions.agentEventStream:
 * false`): agent events still change the agent's status in Connect, but no function consumes them,
 * and the handlers read the agent's status with GetCurrentUserData before each restore (R8, R11).
 */
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../sim/engine';
import { AGENT_ID, agentEvent, disconnected, msBetween, scenarioOf } from './support';

/** The fixture's DISCONNECTED arrives 3 s after its disconnect; 90 s policy → deadline 17:40:07. */
const ARRIVES = '2021-08-04T17:38:40Z';
const DEADLINE = '2021-08-04T17:40:07.000Z';
const CONTACT_ID = '11111111-1111-1111-1111-111111111111';
const withoutStream = { quiet: true, agentEventStream: false } as const;

describe('the default configuration: no agent event stream', () => {
  it('R7: the agent is held, then restored within 2 s of the deadline after GetCurrentUserData says they are still in Wrap Up', async () => {
    const run = await runSimulation(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]),
      withoutStream,
    );

    expect(run.result.sessions).toEqual([
      expect.objectContaining({ contactId: CONTACT_ID, endReason: 'TIMER', systemWrapUp: true }),
    ]);
    const changes = run.result.statusChanges.filter((change) => change.agentId === AGENT_ID);
    expect(changes.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
    const restoredAfter = msBetween(DEADLINE, changes[1]?.at ?? null);
    expect(restoredAfter).toBeGreaterThanOrEqual(0);
    expect(restoredAfter).toBeLessThanOrEqual(2_000);
    // One status check before the restore, and one read by each sweep that found them in wrap-up (R8).
    const held = Date.parse(changes[0]?.at ?? '');
    const sweepsDuring = run.invocations.filter(
      (invocation) =>
        invocation.fn === 'sweep' && invocation.at >= held && invocation.at < Date.parse(DEADLINE),
    ).length;
    expect(sweepsDuring).toBeGreaterThanOrEqual(1);
    expect(run.stats.connectCalls.GetCurrentUserDataCommand).toBe(1 + sweepsDuring);
    expect(run.result.stuck).toEqual([]);
  });

  it('R8: a status the agent chose during wrap-up reaches no function, is read with GetCurrentUserData, and is kept', async () => {
    const run = await runSimulation(
      scenarioOf([
        { at: ARRIVES, contactEvent: disconnected() },
        {
          at: '2021-08-04T17:39:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:39:00.000Z', status: 'Break' }),
        },
      ]),
      withoutStream,
    );

    expect(run.invocations.filter((invocation) => invocation.fn === 'agent-events')).toEqual([]);
    expect(run.stats.invocations['agent-events']).toBe(0);
    expect(run.stats.deliveries.agentEvents).toBe(0);
    expect(run.stats.connectCalls.GetCurrentUserDataCommand).toBeGreaterThanOrEqual(1);
    expect(run.result.sessions).toEqual([
      expect.objectContaining({
        contactId: CONTACT_ID,
        endReason: 'STATUS_CHANGED',
        systemWrapUp: false,
        endedAt: '2021-08-04T17:39:00.000Z',
      }),
    ]);
    // The sweep read it within the minute: the record is written well before the deadline.
    const written = run.storedSessions[0]?.history.find(
      (entry) => entry.what === 'CONTACT_ATTRIBUTES_WRITTEN',
    );
    expect(msBetween('2021-08-04T17:39:00.000Z', written?.at ?? null)).toBeLessThanOrEqual(61_000);
    expect(Date.parse(written?.at ?? '')).toBeLessThan(Date.parse(DEADLINE));
    expect(run.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
    expect(run.result.agents.find((agent) => agent.agentId === AGENT_ID)?.status).toBe('Break');
    expect(run.result.stuck).toEqual([]);
  });

  it('R11: an agent who went Offline during wrap-up is never made routable', async () => {
    const run = await runSimulation(
      scenarioOf([
        { at: ARRIVES, contactEvent: disconnected() },
        {
          at: '2021-08-04T17:39:10Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:39:10.000Z', status: 'Offline', eventType: 'LOGOUT' }),
        },
      ]),
      withoutStream,
    );

    expect(run.stats.invocations['agent-events']).toBe(0);
    expect(run.result.sessions).toEqual([
      expect.objectContaining({ contactId: CONTACT_ID, endReason: 'AGENT_OFFLINE' }),
    ]);
    expect(run.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
    expect(run.result.agents.find((agent) => agent.agentId === AGENT_ID)?.status).toBe('Offline');
  });

  it('with the stream (the default option) the same scenario is consumed by the agent-event function and calls no GetCurrentUserData', async () => {
    const run = await runSimulation(
      scenarioOf([
        { at: ARRIVES, contactEvent: disconnected() },
        {
          at: '2021-08-04T17:39:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:39:00.000Z', status: 'Break' }),
        },
      ]),
      { quiet: true },
    );

    // The agent's Break, and the stream's report of the hold (Connect reports the system's changes too).
    expect(run.stats.invocations['agent-events']).toBe(2);
    expect(
      run.invocations.filter(
        (invocation) => invocation.fn === 'agent-events' && invocation.stepIndex !== undefined,
      ),
    ).toHaveLength(1);
    expect(run.stats.connectCalls.GetCurrentUserDataCommand).toBeUndefined();
    expect(run.result.sessions).toEqual([expect.objectContaining({ endReason: 'STATUS_CHANGED' })]);
  });
});
