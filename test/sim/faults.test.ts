/**
 * A scenario's `faults` (issue 4, R14, R15): each applied by the simulated services, seeded, and
 * survived by the system: no session lost or doubled, nobody restored twice, nobody stuck.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, runSimulation, type SimulationRun } from '../../sim/engine';
import { parseScenario, ScenarioError } from '../../sim/scenario';
import { agentEvent, disconnected, INSTANCE_ARN, scenarioOf } from './support';

const quiet = { quiet: true } as const;
const BASE = Date.parse('2021-08-04T17:38:37.000Z');

/**
 * `count` agents each ending a contact at BASE + index × `spacingMs`, delivered 3 s later;
 * `change` adjusts each contact's `detail`.
 */
function floor(
  count: number,
  spacingMs: number,
  config: Record<string, unknown> = {},
  change: (detail: Record<string, unknown>, index: number) => void = () => {},
) {
  const agents = Array.from({ length: count }, (_, index) => ({
    id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
    status: 'Available',
  }));
  const steps = agents.map((agent, index) => {
    const disconnectAt = BASE + index * spacingMs;
    return {
      at: new Date(disconnectAt + 3_000).toISOString(),
      contactEvent: disconnected((detail) => {
        detail.contactId = `c0000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`;
        detail.disconnectTimestamp = new Date(disconnectAt).toISOString();
        detail.agentInfo = {
          agentArn: `${INSTANCE_ARN}/agent/${agent.id}`,
          connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z',
        };
        change(detail, index);
      }),
    };
  });
  return scenarioOf(steps, { agents, config, until: '2021-08-04T18:10:00Z' });
}

/**
 * Every contact has exactly one session, ended; every agent was held, then restored exactly once
 * (R14: a retry may set the wrap-up status again, never the routable one).
 */
function expectEveryWrapUpHeldAndRestoredOnce(run: SimulationRun, contacts: number): void {
  const { sessions, statusChanges, stuck, agents } = run.result;
  expect(sessions).toHaveLength(contacts);
  expect(new Set(sessions.map((session) => `${session.contactId}/${session.agentId}`)).size).toBe(contacts);
  for (const session of sessions) expect(session.state).toBe('CLOSED_COMPLETE');
  for (const session of sessions) {
    const changes = statusChanges
      .filter((change) => change.agentId === session.agentId)
      .map((change) => change.status);
    expect(changes[0]).toBe('Wrap Up');
    expect(changes.at(-1)).toBe('Available');
    expect(changes.filter((status) => status === 'Available')).toHaveLength(1);
    expect(new Set(changes)).toEqual(new Set(['Wrap Up', 'Available']));
  }
  expect(agents.every((agent) => agent.status === 'Available')).toBe(true);
  expect(stuck).toEqual([]);
}

describe('faults: validation (errors name the field)', () => {
  const problemsOf = (faults: unknown): readonly string[] => {
    try {
      parseScenario({ ...scenarioOf([]), faults });
    } catch (error) {
      if (error instanceof ScenarioError) return error.problems;
      throw error;
    }
    throw new Error('the scenario was accepted');
  };

  it.each([
    ['connectThrottleRate', 1.2, 'faults.connectThrottleRate must be a probability: a number 0-1, got 1.2'],
    ['dynamoErrorRate', -0.1, 'faults.dynamoErrorRate must be a probability: a number 0-1, got -0.1'],
    ['lostTimerRate', '5%', 'faults.lostTimerRate must be a probability: a number 0-1, got "5%"'],
    ['duplicateRate', 2, 'faults.duplicateRate must be a probability: a number 0-1, got 2'],
    [
      'connectRatePerSecond',
      0,
      'faults.connectRatePerSecond must be a number of requests per second > 0, got 0',
    ],
    ['reorderWindowSeconds', -5, 'faults.reorderWindowSeconds must be a number of seconds >= 0, got -5'],
  ])('refuses %s = %j', (field, value, problem) => {
    expect(problemsOf({ [field]: value })).toEqual([problem]);
  });

  it('refuses an unknown fault and a faults that is not an object', () => {
    expect(problemsOf({ lostTimers: 0.1 })).toEqual(['faults has unknown field "lostTimers"']);
    expect(problemsOf([0.1])).toEqual([expect.stringMatching(/^faults must be an object/)]);
  });

  it('accepts every fault, each optional; absent ones are left out', () => {
    const all = {
      connectThrottleRate: 0.2,
      connectRatePerSecond: 2,
      dynamoErrorRate: 0.05,
      lostTimerRate: 0.05,
      duplicateRate: 0.3,
      reorderWindowSeconds: 5,
    };
    expect(parseScenario({ ...scenarioOf([]), faults: all }).faults).toEqual(all);
    expect(parseScenario({ ...scenarioOf([]), faults: { duplicateRate: 0 } }).faults).toEqual({
      duplicateRate: 0,
    });
    expect(parseScenario(scenarioOf([])).faults).toEqual({});
  });
});

describe('faults are seeded and independent', () => {
  it('the same scenario, seed and faults give identical output', async () => {
    const scenario = {
      ...floor(6, 20_000, { policies: { default: { durationSeconds: 300 } } }),
      faults: { connectThrottleRate: 0.3, dynamoErrorRate: 0.1, duplicateRate: 0.5, reorderWindowSeconds: 5 },
    };
    const first = await runSimulation(scenario, quiet);
    const second = await runSimulation(scenario, quiet);
    expect(second.result).toEqual(first.result);
    expect(second.stats.faults).toEqual(first.stats.faults);
  });

  it('a fault that never strikes changes nothing else: each fault draws from its own stream', async () => {
    const scenario = floor(4, 30_000, { policies: { default: { durationSeconds: 600 } } });
    const fireTimes = (run: SimulationRun) =>
      run.invocations
        .filter((invocation) => invocation.fn === 'timer-fired')
        .map((invocation) => invocation.at);
    const clean = await runSimulation(scenario, quiet);
    const idle = await runSimulation(
      {
        ...scenario,
        faults: { connectThrottleRate: 0, lostTimerRate: 0, dynamoErrorRate: 0, reorderWindowSeconds: 0 },
      },
      quiet,
    );
    expect(fireTimes(idle)).toEqual(fireTimes(clean));
    expect(idle.result).toEqual(clean.result);
  });
});

describe('R15: Connect throttling and the account quota', () => {
  it('R15: with half of all Connect calls throttled, every wrap-up is still held and restored exactly once', async () => {
    const run = await runSimulation({ ...floor(8, 15_000), faults: { connectThrottleRate: 0.5 } }, quiet);
    expect(run.stats.faults.connectThrottled).toBeGreaterThan(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 8);
  });

  it('R15: 20 wrap-ups at once over a 1 request/s quota are throttled and queued, never dropped', async () => {
    const run = await runSimulation({ ...floor(20, 0), faults: { connectRatePerSecond: 1 } }, quiet);
    expect(run.stats.faults.connectOverQuota).toBeGreaterThan(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 20);
  });

  it('within the quota nothing is refused', async () => {
    const run = await runSimulation({ ...floor(3, 60_000), faults: { connectRatePerSecond: 5 } }, quiet);
    expect(run.stats.faults.connectOverQuota).toBe(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 3);
  });
});

describe('R15: DynamoDB errors', () => {
  it('R15: with 20% of DynamoDB attempts failing, the SDK retries and every wrap-up ends on its timer', async () => {
    const run = await runSimulation({ ...floor(6, 10_000), faults: { dynamoErrorRate: 0.2 } }, quiet);
    expect(run.stats.faults.dynamoErrors).toBeGreaterThan(0);
    expect(run.stats.faults.dynamoRetries).toBeGreaterThan(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 6);
  });
});

describe('R15: lost timers', () => {
  it('R15: with lost timers the sweep ends the sessions and nobody is stuck', async () => {
    // Short wrap-ups (due queue only) and long ones (Scheduler, then the due queue).
    const config = {
      policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 600 } } },
    };
    const scenario = floor(4, 20_000, config, (detail, index) => {
      if (index < 2) return;
      detail.channel = 'CHAT';
      delete detail.queueInfo;
    });
    const run = await runSimulation({ ...scenario, faults: { lostTimerRate: 1 } }, quiet);

    expect(run.stats.faults.lostDueMessages).toBeGreaterThan(0);
    expect(run.stats.faults.lostSchedules).toBeGreaterThan(0);
    expect(run.invocations.filter((invocation) => invocation.fn === 'timer-due')).toEqual([]);
    for (const session of run.result.sessions) {
      expect(session).toMatchObject({ state: 'CLOSED_COMPLETE', endReason: 'SWEEP', systemWrapUp: true });
      // Ended by the first sweep after deadline + 60 s: within two minutes of the deadline.
      const late = Date.parse(session.endedAt ?? '') - Date.parse(session.deadline ?? '');
      expect(late).toBeGreaterThan(60_000);
      expect(late).toBeLessThanOrEqual(120_000 + 1_000);
    }
    expectEveryWrapUpHeldAndRestoredOnce(run, 4);
  });

  it('the sweep runs every minute from the first step to until', async () => {
    const run = await runSimulation(
      scenarioOf([{ at: '2021-08-04T17:38:40Z', contactEvent: disconnected() }], {
        until: '2021-08-04T17:43:40Z',
      }),
      quiet,
    );
    const sweeps = run.invocations.filter((invocation) => invocation.fn === 'sweep');
    expect(sweeps.map((invocation) => new Date(invocation.at).toISOString())).toEqual([
      '2021-08-04T17:38:40.000Z',
      '2021-08-04T17:39:40.000Z',
      '2021-08-04T17:40:40.000Z',
      '2021-08-04T17:41:40.000Z',
      '2021-08-04T17:42:40.000Z',
      '2021-08-04T17:43:40.000Z',
    ]);
  });
});

describe('R14: duplicates and reordering', () => {
  it('R14: every event and timer delivered twice still gives one session per contact and one restore', async () => {
    const scenario = floor(3, 30_000, { policies: { default: { durationSeconds: 600 } } });
    const run = await runSimulation({ ...scenario, faults: { duplicateRate: 1 } }, quiet);

    expect(run.stats.faults.duplicateContactEvents).toBe(3);
    expect(run.invocations.filter((invocation) => invocation.fn === 'contact-events')).toHaveLength(6);
    expect(run.stats.duplicateFires).toBe(run.stats.scheduleFires);
    expect(run.stats.faults.duplicateDueMessages).toBeGreaterThan(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 3);
  });

  it('R14: agent events are delivered twice too (a second Kinesis record)', async () => {
    const run = await runSimulation(
      {
        ...scenarioOf([
          {
            at: '2021-08-04T17:30:00Z',
            agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Lunch' }),
          },
        ]),
        faults: { duplicateRate: 1 },
      },
      quiet,
    );
    expect(run.stats.faults.duplicateAgentEvents).toBe(1);
    expect(run.stats.deliveries.agentEvents).toBe(2);
  });

  it('R14: events reach their function within the reorder window after their step, not in step order', async () => {
    const scenario = floor(10, 1_000);
    const run = await runSimulation({ ...scenario, faults: { reorderWindowSeconds: 30 } }, quiet);

    const deliveries = run.invocations.filter((invocation) => invocation.fn === 'contact-events');
    expect(deliveries).toHaveLength(10);
    for (const delivery of deliveries) {
      const stepAt = run.scenario.steps.find((step) => step.index === delivery.stepIndex)?.at ?? Number.NaN;
      expect(delivery.at - stepAt).toBeGreaterThanOrEqual(0);
      expect(delivery.at - stepAt).toBeLessThanOrEqual(30_000);
    }
    const order = deliveries.map((delivery) => delivery.stepIndex);
    expect(order).not.toEqual([...order].sort((a, b) => (a ?? 0) - (b ?? 0)));
    expect(run.stats.faults.delayedEvents).toBeGreaterThan(0);
    expectEveryWrapUpHeldAndRestoredOnce(run, 10);
  });

  it("the world's truth changes at the step's time, even when the event reaches its function later", async () => {
    // A ten-minute window and until one second after the step: the record arrives after until.
    const result = await runSimulation(
      {
        ...scenarioOf(
          [
            {
              at: '2021-08-04T17:30:00Z',
              agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Lunch' }),
            },
          ],
          {
            until: '2021-08-04T17:30:01Z',
          },
        ),
        faults: { reorderWindowSeconds: 600 },
      },
      quiet,
    );
    expect(result.stats.deliveries.agentEvents).toBe(0);
    expect(result.result.agents.find((agent) => agent.status === 'Lunch')).toBeDefined();
  });
});

describe('every fault at once (the bench fault run, small)', () => {
  it('R14/R15: sessions neither lost nor doubled, and nobody stuck', async () => {
    const result = await runScenario(
      {
        ...floor(12, 7_000, {
          policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 400 } } },
        }),
        faults: {
          connectThrottleRate: 0.2,
          connectRatePerSecond: 2,
          dynamoErrorRate: 0.05,
          lostTimerRate: 0.05,
          duplicateRate: 0.3,
          reorderWindowSeconds: 5,
        },
      },
      quiet,
    );
    expect(result.sessions).toHaveLength(12);
    expect(result.sessions.every((session) => session.state === 'CLOSED_COMPLETE')).toBe(true);
    expect(result.stuck).toEqual([]);
    expect(result.errors).toEqual([]);
  });
});
