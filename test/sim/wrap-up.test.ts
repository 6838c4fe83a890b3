import { describe, expect, it } from 'vitest';
import { runScenario, runSimulation } from '../../sim/engine';
import {
  AGENT_ID,
  DISCONNECTED_AT,
  disconnected,
  INSTANCE_ARN,
  ISO_UTC,
  msBetween,
  OTHER_AGENT_ID,
  QUEUE_ID,
  scenarioOf,
} from './support';

const quiet = { quiet: true } as const;
/** The output of a run that changed nothing: both agents still Available, nobody stuck. */
const NOTHING_HAPPENED = {
  sessions: [],
  statusChanges: [],
  errors: [],
  agents: [
    { agentId: OTHER_AGENT_ID, status: 'Available' },
    { agentId: AGENT_ID, status: 'Available' },
  ],
  stuck: [],
};
/** The fixture's event, delivered 3 s after its disconnect. */
const ARRIVES = '2021-08-04T17:38:40Z';

describe('R1/R7: a DISCONNECTED event for an agent starts a wrap-up that the timer ends on time', () => {
  it('the cleaned Connect fixture gives one session, deadline = disconnect + policy, ended by the timer within 2 s', async () => {
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]), quiet);

    expect(result.sessions).toHaveLength(1);
    const [session] = result.sessions;
    expect(session).toMatchObject({
      agentId: AGENT_ID,
      contactId: '11111111-1111-1111-1111-111111111111',
      channel: 'VOICE',
      queueId: QUEUE_ID,
      state: 'CLOSED_COMPLETE',
      startedAt: DISCONNECTED_AT,
      deadline: '2021-08-04T17:40:07.000Z',
      endReason: 'TIMER',
      systemWrapUp: true,
      extensionsUsed: 0,
    });
    const lateness = msBetween(session?.deadline ?? '', session?.endedAt ?? null);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThanOrEqual(2_000);

    expect(result.statusChanges.map(({ agentId, status }) => ({ agentId, status }))).toEqual([
      { agentId: AGENT_ID, status: 'Wrap Up' },
      { agentId: AGENT_ID, status: 'Available' },
    ]);
    expect(result.statusChanges[0]?.at).toBe('2021-08-04T17:38:40.000Z');
    const restoredAfter = msBetween('2021-08-04T17:40:07.000Z', result.statusChanges[1]?.at ?? null);
    expect(restoredAfter).toBeGreaterThanOrEqual(0);
    expect(restoredAfter).toBeLessThanOrEqual(2_000);
  });

  it('the session starts at the disconnect time, not when the event arrived', async () => {
    const result = await runScenario(
      scenarioOf([{ at: '2021-08-04T17:39:20Z', contactEvent: disconnected() }]),
      quiet,
    );
    expect(result.sessions[0]?.startedAt).toBe(DISCONNECTED_AT);
    expect(result.sessions[0]?.deadline).toBe('2021-08-04T17:40:07.000Z');
  });

  it.each(['CHAT', 'TASK', 'EMAIL'])('R1: a %s contact starts a wrap-up too', async (channel) => {
    const event = disconnected((detail) => {
      detail.channel = channel;
    });
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: event }]), quiet);
    expect(result.sessions.map((session) => [session.channel, session.endReason])).toEqual([
      [channel, 'TIMER'],
    ]);
  });

  it('an outbound contact with no queue gives queueId null', async () => {
    const event = disconnected((detail) => {
      detail.initiationMethod = 'OUTBOUND';
      delete detail.queueInfo;
    });
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: event }]), quiet);
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]?.queueId).toBeNull();
  });

  it('a Scheduler-armed wrap-up (10 min) still ends within 2 s of its deadline (R13)', async () => {
    const config = { policies: { default: { durationSeconds: 600 } } };
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = await runScenario(
        scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config, seed }),
        quiet,
      );
      const session = result.sessions[0];
      expect(session?.deadline).toBe('2021-08-04T17:48:37.000Z');
      const lateness = msBetween(session?.deadline ?? '', session?.endedAt ?? null);
      expect(lateness).toBeGreaterThanOrEqual(0);
      expect(lateness).toBeLessThanOrEqual(2_000);
    }
  });
});

describe('R2: no agent, no wrap-up', () => {
  it('a contact without agentInfo starts nothing and sets no status', async () => {
    const event = disconnected((detail) => {
      delete detail.agentInfo;
    });
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: event }]), quiet);
    expect(result).toEqual(NOTHING_HAPPENED);
  });

  it('a contact never connected to the agent (no connectedToAgentTimestamp) starts nothing', async () => {
    const event = disconnected((detail) => {
      detail.agentInfo = { agentArn: `${INSTANCE_ARN}/agent/${AGENT_ID}` };
    });
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: event }]), quiet);
    expect(result).toEqual(NOTHING_HAPPENED);
  });
});

describe('R3: the policy is resolved profile > queue > channel > default', () => {
  const config = {
    policies: {
      default: { durationSeconds: 90 },
      channels: { CHAT: { durationSeconds: 60 } },
      queues: { [QUEUE_ID]: { durationSeconds: 300 } },
      profiles: { tier3: { durationSeconds: 600 } },
    },
  };
  const durationOf = async (change: (detail: Record<string, unknown>) => void): Promise<number> => {
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected(change) }], { config }),
      quiet,
    );
    const session = result.sessions[0];
    if (session === undefined) throw new Error('no session');
    return msBetween(session.startedAt, session.deadline) / 1000;
  };

  it('queue policy', async () => {
    expect(await durationOf(() => {})).toBe(300);
  });

  it('queue policy keyed by queue ARN', async () => {
    const byArn = {
      policies: { queues: { [`${INSTANCE_ARN}/queue/${QUEUE_ID}`]: { durationSeconds: 240 } } },
    };
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config: byArn }),
      quiet,
    );
    expect(result.sessions[0]?.deadline).toBe('2021-08-04T17:42:37.000Z');
  });

  it('channel policy when the queue has none', async () => {
    expect(
      await durationOf((detail) => {
        detail.channel = 'CHAT';
        detail.queueInfo = { queueArn: `${INSTANCE_ARN}/queue/other-queue` };
      }),
    ).toBe(60);
  });

  it('default policy when neither queue nor channel has one', async () => {
    expect(
      await durationOf((detail) => {
        detail.queueInfo = { queueArn: `${INSTANCE_ARN}/queue/other-queue` };
      }),
    ).toBe(90);
  });

  it('profile chosen by the contact tag acwProfile beats the queue', async () => {
    expect(
      await durationOf((detail) => {
        detail.tags = { acwProfile: 'tier3' };
      }),
    ).toBe(600);
  });

  it('an unknown profile falls back to the queue policy', async () => {
    expect(
      await durationOf((detail) => {
        detail.tags = { acwProfile: 'tier9' };
      }),
    ).toBe(300);
  });

  it('durationSeconds 0 means no wrap-up: no session, no status change', async () => {
    const zero = { policies: { queues: { [QUEUE_ID]: { durationSeconds: 0 } } } };
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config: zero }),
      quiet,
    );
    expect(result).toEqual(NOTHING_HAPPENED);
  });
});

describe('R14: duplicates never create a second session nor restore twice', () => {
  it('a duplicated DISCONNECTED event gives one session and one pair of status changes', async () => {
    const event = disconnected();
    const result = await runScenario(
      scenarioOf([
        { at: ARRIVES, contactEvent: event },
        { at: '2021-08-04T17:38:45Z', contactEvent: event },
      ]),
      quiet,
    );
    expect(result.sessions).toHaveLength(1);
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
  });

  it('the same event again after the wrap-up ended changes nothing', async () => {
    const event = disconnected();
    const result = await runScenario(
      scenarioOf([
        { at: ARRIVES, contactEvent: event },
        { at: '2021-08-04T17:45:00Z', contactEvent: event },
      ]),
      quiet,
    );
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]?.endReason).toBe('TIMER');
    expect(result.statusChanges).toHaveLength(2);
  });

  it('Scheduler firing twice (at least once delivery) still restores the agent once', async () => {
    const config = { policies: { default: { durationSeconds: 600 } } };
    const run = await runSimulation(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config }), {
      quiet: true,
      duplicateFireProbability: 1,
    });
    expect(run.stats.duplicateFires).toBe(1);
    expect(run.result.sessions).toHaveLength(1);
    expect(run.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
  });
});

describe('transfers: each agent leaving a contact gets their own wrap-up', () => {
  it('two agents on one contact give two sessions, sorted by start', async () => {
    const first = disconnected();
    const second = disconnected((detail) => {
      detail.disconnectTimestamp = '2021-08-04T17:41:00.000Z';
      detail.agentInfo = {
        agentArn: `${INSTANCE_ARN}/agent/${OTHER_AGENT_ID}`,
        connectedToAgentTimestamp: '2021-08-04T17:38:00.000Z',
      };
    });
    const result = await runScenario(
      scenarioOf([
        { at: '2021-08-04T17:41:02Z', contactEvent: second },
        { at: ARRIVES, contactEvent: first },
      ]),
      quiet,
    );
    expect(result.sessions.map((session) => [session.agentId, session.startedAt, session.endReason])).toEqual(
      [
        [AGENT_ID, DISCONNECTED_AT, 'TIMER'],
        [OTHER_AGENT_ID, '2021-08-04T17:41:00.000Z', 'TIMER'],
      ],
    );
    expect(result.statusChanges).toHaveLength(4);
  });
});

describe('the output', () => {
  it('a session still open at until is WRAP_UP with endedAt, endReason and systemWrapUp null', async () => {
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { until: '2021-08-04T17:39:30Z' }),
      quiet,
    );
    expect(result.sessions).toEqual([
      expect.objectContaining({ state: 'WRAP_UP', endedAt: null, endReason: null, systemWrapUp: null }),
    ]);
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
  });

  it('every time is ISO-8601 UTC and every field is present', async () => {
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]), quiet);
    for (const session of result.sessions) {
      expect(Object.keys(session)).toEqual([
        'agentId',
        'contactId',
        'channel',
        'queueId',
        'state',
        'startedAt',
        'deadline',
        'endedAt',
        'endReason',
        'systemWrapUp',
        'extensionsUsed',
        'mode',
        'disposition',
        'notes',
        'nextStatus',
      ]);
      for (const time of [session.startedAt, session.deadline, session.endedAt])
        expect(time).toMatch(ISO_UTC);
    }
    for (const change of result.statusChanges) expect(change.at).toMatch(ISO_UTC);
    expect(result.errors).toEqual([]);
  });

  it('R16: a malformed contactEvent is not a scenario error: refused once, kept, listed as MALFORMED_EVENT, and the run goes on', async () => {
    const run = await runSimulation(
      scenarioOf([
        { at: '2021-08-04T17:38:39Z', contactEvent: { source: 'aws.connect', detail: {} } },
        { at: ARRIVES, contactEvent: disconnected() },
      ]),
      quiet,
    );
    expect(run.result.sessions).toHaveLength(1);
    expect(run.result.errors).toEqual([
      { at: '2021-08-04T17:38:39.000Z', agentId: null, contactId: null, code: 'MALFORMED_EVENT' },
    ]);
    // Kept at once (not retried until the queue gives up), with the error naming what is wrong.
    expect(run.deadLetters).toEqual([
      expect.objectContaining({
        queue: 'connect-acw-contact-events',
        receiveCount: 1,
        error: expect.any(String),
      }),
    ]);
    const deliveries = run.invocations.filter(
      (invocation) => invocation.fn === 'contact-events' && invocation.stepIndex === 0,
    );
    expect(deliveries).toHaveLength(1);
    expect(run.result.stuck).toEqual([]);
  });

  it('R16: a malformed event names its agent and contact in errors when they can be read', async () => {
    const event = disconnected((detail) => {
      detail.disconnectTimestamp = 'just now';
    });
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: event }]), quiet);
    expect(result.errors).toEqual([
      {
        at: '2021-08-04T17:38:40.000Z',
        agentId: AGENT_ID,
        contactId: '11111111-1111-1111-1111-111111111111',
        code: 'MALFORMED_EVENT',
      },
    ]);
    expect(result.sessions).toEqual([]);
    expect(result.statusChanges).toEqual([]);
  });

  it('events from another instance than the configured one are ignored', async () => {
    const config = {
      connectInstanceArn:
        'arn:aws:connect:us-west-2:111122223333:instance/99999999-9999-9999-9999-999999999999',
    };
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config }),
      quiet,
    );
    expect(result).toEqual(NOTHING_HAPPENED);
  });

  it('a wrap-up status configured by id is reported by its name', async () => {
    const config = { wrapUpStatus: { id: 'wrap-up-status-id' } };
    const result = await runScenario(
      scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { config }),
      quiet,
    );
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
  });
});

describe('determinism', () => {
  const longWrapUps = scenarioOf(
    [
      { at: ARRIVES, contactEvent: disconnected() },
      {
        at: '2021-08-04T17:39:10Z',
        contactEvent: disconnected((detail) => {
          detail.contactId = '22222222-2222-2222-2222-222222222222';
          detail.disconnectTimestamp = '2021-08-04T17:39:08.500Z';
          detail.agentInfo = {
            agentArn: `${INSTANCE_ARN}/agent/${OTHER_AGENT_ID}`,
            connectedToAgentTimestamp: '2021-08-04T17:30:00.000Z',
          };
        }),
      },
    ],
    { config: { policies: { default: { durationSeconds: 420 } } } },
  );

  it('the same scenario and seed give identical output', async () => {
    const first = await runScenario(longWrapUps, quiet);
    const second = await runScenario(longWrapUps, quiet);
    expect(second).toEqual(first);
  });

  it('different seeds may fire timers at other times but give the same sessions', async () => {
    const runs = await Promise.all(
      [1, 2].map((seed) =>
        runSimulation({ ...longWrapUps, seed }, { quiet: true, duplicateFireProbability: 0 }),
      ),
    );
    const fireTimes = runs.map((run) =>
      run.invocations
        .filter((invocation) => invocation.fn === 'timer-fired')
        .map((invocation) => invocation.at),
    );
    expect(fireTimes[0]).toHaveLength(2);
    expect(fireTimes[1]).not.toEqual(fireTimes[0]);
    expect(runs[1]?.result.sessions.map(({ endedAt: _, ...rest }) => rest)).toEqual(
      runs[0]?.result.sessions.map(({ endedAt: _, ...rest }) => rest),
    );
    for (const run of runs) {
      for (const session of run.result.sessions) {
        const lateness = msBetween(session.deadline ?? '', session.endedAt);
        expect(lateness).toBeGreaterThanOrEqual(0);
        expect(lateness).toBeLessThanOrEqual(2_000);
      }
    }
  });
});
