import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/engine';
import { parseScenario, ScenarioError } from '../../sim/scenario';
import { disconnected, scenarioOf } from './support';

/** The problems a scenario is refused with (fails the test if it is accepted). */
function problemsOf(input: unknown): readonly string[] {
  try {
    parseScenario(input);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario validation: an invalid scenario is refused with a message naming the problem', () => {
  it('names a step whose time is not an ISO-8601 timestamp', () => {
    const scenario = scenarioOf([
      { at: '2021-08-04T17:38:40Z', contactEvent: disconnected() },
      { at: '2021-08-04T17:38:41Z', contactEvent: disconnected() },
      { at: 'yesterday at 9', contactEvent: disconnected() },
    ]);
    expect(problemsOf(scenario)).toEqual([
      expect.stringContaining('steps[2].at must be an ISO-8601 timestamp'),
    ]);
  });

  it('names a bad config field by its path (R3: bad configuration is refused naming the field)', () => {
    const scenario = scenarioOf([], {
      config: { policies: { queues: { billing: { durationSeconds: -1 } } } },
    });
    expect(problemsOf(scenario)).toEqual([
      'config.policies.queues["billing"].durationSeconds must be an integer 0-86400, got -1',
    ]);
  });

  it('names an unknown config field', () => {
    const problems = problemsOf(scenarioOf([], { config: { policy: {} } }));
    expect(problems).toEqual([expect.stringContaining('config has unknown field "policy"')]);
  });

  it('names missing and ill-typed top-level fields', () => {
    const problems = problemsOf({ seed: 'one', agents: {}, steps: [] });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('seed must be an integer'),
        expect.stringContaining('agents must be a list of agents'),
        expect.stringMatching(/^until is required/),
      ]),
    );
  });

  it('refuses an unknown step kind, naming it and the known ones', () => {
    const scenario = scenarioOf([]);
    scenario.steps = [{ at: '2021-08-04T17:38:40Z', agentStatus: { action: 'extend' } }];
    expect(problemsOf(scenario)).toEqual([
      'steps[0] has unknown step kind "agentStatus": must be one of contactEvent, agentAction, contactFlowEvent, agentEvent, adminAction',
    ]);
  });

  it('refuses a step with no step kind', () => {
    const scenario = scenarioOf([]);
    scenario.steps = [{ at: '2021-08-04T17:38:40Z' }];
    expect(problemsOf(scenario)).toEqual([expect.stringContaining('steps[0] has no step kind')]);
  });

  it('refuses a contactEvent that is not an object', () => {
    const scenario = scenarioOf([]);
    scenario.steps = [{ at: '2021-08-04T17:38:40Z', contactEvent: 'DISCONNECTED' }];
    expect(problemsOf(scenario)).toEqual([
      expect.stringContaining('steps[0].contactEvent must be an object'),
    ]);
  });

  it('refuses an until before a step, naming both', () => {
    const scenario = scenarioOf([{ at: '2021-08-04T17:38:40Z', contactEvent: disconnected() }], {
      until: '2021-08-04T17:00:00Z',
    });
    expect(problemsOf(scenario)).toEqual([
      expect.stringMatching(/^until \(2021-08-04T17:00:00Z\) is before steps\[0\]\.at/),
    ]);
  });

  it('refuses an agent listed twice', () => {
    const scenario = scenarioOf([], { agents: [{ id: 'a-1' }, { id: 'a-1' }] });
    expect(problemsOf(scenario)).toEqual(['agents[1].id "a-1" repeats agents[0].id']);
  });

  it('refuses text that is not JSON', () => {
    expect(problemsOf('{ "seed": 1,')).toEqual([expect.stringMatching(/^scenario is not valid JSON/)]);
  });

  it('reports every problem at once', () => {
    const scenario = scenarioOf([{ at: 'soon', contactEvent: disconnected() }], {
      config: { sessionRetentionDays: 0 },
    });
    (scenario.steps as unknown[]).push({ at: '2021-08-04T17:38:40Z', agentStatus: {} });
    const problems = problemsOf(scenario);
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toContain('steps[0].at');
    expect(problems.join('\n')).toContain('config.sessionRetentionDays');
    expect(problems.join('\n')).toContain('steps[1] has unknown step kind "agentStatus"');
  });

  it('runScenario rejects an invalid scenario with the same ScenarioError', async () => {
    await expect(runScenario(scenarioOf([], { until: 'never' }), { quiet: true })).rejects.toThrow(
      /until must be an ISO-8601 timestamp/,
    );
  });
});

describe('scenario parsing', () => {
  it('sorts steps stably by time and fills in the defaults', () => {
    const first = disconnected((detail) => {
      detail.contactId = 'first';
    });
    const second = disconnected((detail) => {
      detail.contactId = 'second';
    });
    const third = disconnected((detail) => {
      detail.contactId = 'third';
    });
    const parsed = parseScenario({
      agents: [{ id: 'a-1' }],
      steps: [
        { at: '2021-08-04T17:40:00Z', contactEvent: third },
        { at: '2021-08-04T17:39:00Z', contactEvent: first },
        { at: '2021-08-04T18:39:00+01:00', contactEvent: second },
      ],
      until: '2021-08-04T18:00:00Z',
    });
    expect(parsed.steps.map((step) => step.index)).toEqual([1, 2, 0]);
    expect(parsed.seed).toBe(1);
    expect(parsed.agents).toEqual([{ id: 'a-1', status: 'Available' }]);
    expect(parsed.config.policies.default.durationSeconds).toBe(90);
  });
});

describe('R20: admin action steps (scenario shape)', () => {
  const AT = '2021-08-04T17:38:40Z';

  it('R20: accepts setPolicy and removePolicy at every level, key optional for the default', () => {
    const scenario = parseScenario(
      scenarioOf([
        { at: AT, adminAction: { action: 'setPolicy', level: 'default', policy: { durationSeconds: 30 } } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'channel', key: 'CHAT', policy: {} } },
        {
          at: AT,
          adminAction: { action: 'setPolicy', level: 'queue', key: 'q-1', policy: { mode: 'untimed' } },
        },
        { at: AT, adminAction: { action: 'removePolicy', level: 'profile', key: 'tier3' } },
        { at: AT, adminAction: { action: 'removePolicy', level: 'agentGroup', key: 'g-1' } },
        { at: AT, adminAction: { action: 'removePolicy', level: 'default', key: '-' } },
      ]),
    );
    expect(scenario.steps.map((step) => step.kind)).toEqual(Array(6).fill('adminAction'));
    expect(scenario.steps[2]?.payload).toEqual({
      action: 'setPolicy',
      level: 'queue',
      key: 'q-1',
      policy: { mode: 'untimed' },
    });
  });

  it('R20: names each field of an admin action that is wrong', () => {
    const problems = problemsOf(
      scenarioOf([
        { at: AT, adminAction: { action: 'setPolicies', level: 'queue', key: 'q-1', policy: {} } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'team', key: 'q-1', policy: {} } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'queue', policy: {} } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'queue', key: 'q-1' } },
        { at: AT, adminAction: { action: 'removePolicy', level: 'queue', key: 'q-1', policy: {} } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'default', key: 'x', policy: {} } },
        { at: AT, adminAction: { action: 'setPolicy', level: 'queue', key: 'q-1', policy: 5 } },
        { at: AT, adminAction: { action: 'removePolicy', level: 'queue', key: 'q-1', by: 'me' } },
        { at: AT, adminAction: 'setPolicy' },
      ]),
    );
    expect(problems).toEqual([
      'steps[0].adminAction.action must be one of setPolicy, removePolicy, got "setPolicies"',
      'steps[1].adminAction.level must be one of default, channel, queue, profile, agentGroup, got "team"',
      'steps[2].adminAction.key is required for the queue level: the queue id',
      "steps[3].adminAction.policy is required for setPolicy: the level's whole override (the policy fields it sets)",
      'steps[4].adminAction.policy goes with "setPolicy" only',
      'steps[5].adminAction.key must be left out (or "-") for the default level',
      "steps[6].adminAction.policy must be an object: the level's whole override (the policy fields it sets), got 5",
      'steps[7].adminAction has unknown field "by"',
      expect.stringMatching(/^steps\[8\]\.adminAction must be an admin action: /),
    ]);
  });
});
