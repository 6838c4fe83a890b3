/**
 * Agent actions in the simulator (issue 3): `agentAction` steps run the real actions core with the
 * API function's App; refusals are listed in `errors` and change nothing.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, runSimulation, SIM_SUPERVISOR, type SimulationRun } from '../../sim/engine';
import { parseScenario, ScenarioError } from '../../sim/scenario';
import { AGENT_ID, disconnected, msBetween, OTHER_AGENT_ID, scenarioOf } from './support';

const quiet = { quiet: true } as const;
/** The fixture's event arrives 3 s after its disconnect (17:38:37); 90 s policy → deadline 17:40:07. */
const ARRIVES = '2021-08-04T17:38:40Z';
const CONTACT_ID = '11111111-1111-1111-1111-111111111111';
const DEADLINE = '2021-08-04T17:40:07.000Z';
const EXTENDED_DEADLINE = '2021-08-04T17:41:07.000Z';

const CODES = [
  { code: 'SOLD', label: 'Sold' },
  { code: 'NO_SALE', label: 'No sale' },
];

/** 90 s, one 60 s extension, two disposition codes; `default` fields override. */
function configWith(policy: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    policies: {
      default: {
        durationSeconds: 90,
        extensionSeconds: 60,
        maxExtensions: 1,
        dispositionCodes: CODES,
        ...policy,
      },
    },
  };
}

function act(
  at: string,
  action: Record<string, unknown>,
): { at: string; agentAction: Record<string, unknown> } {
  return { at, agentAction: { agentId: AGENT_ID, ...action } };
}

/** The fixture's contact event, then the given steps. */
function run(
  steps: Array<{ at: string } & Record<string, unknown>>,
  policy: Record<string, unknown> = {},
  until?: string,
): Promise<SimulationRun> {
  return runSimulation(
    scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }, ...steps], {
      config: configWith(policy),
      ...(until === undefined ? {} : { until }),
    }),
    quiet,
  );
}

function statuses(result: SimulationRun['result']): Array<[string, string]> {
  return result.statusChanges.map((change) => [change.at, change.status]);
}

describe('R5 Extend', () => {
  it('R5 extend moves the deadline by extensionSeconds and the session ends at the new deadline', async () => {
    const { result } = await run([act('2021-08-04T17:39:00Z', { action: 'extend' })]);

    expect(result.errors).toEqual([]);
    const [session] = result.sessions;
    expect(session).toMatchObject({
      deadline: EXTENDED_DEADLINE,
      extensionsUsed: 1,
      endReason: 'TIMER',
      systemWrapUp: true,
      mode: 'timed',
    });
    const lateness = msBetween(EXTENDED_DEADLINE, session?.endedAt ?? null);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThanOrEqual(2_000);
    // Nothing happened at the old deadline: the agent stayed in Wrap Up until the new one.
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
    expect(msBetween(EXTENDED_DEADLINE, result.statusChanges[1]?.at ?? null)).toBeGreaterThanOrEqual(0);
    expect(msBetween(EXTENDED_DEADLINE, result.statusChanges[1]?.at ?? null)).toBeLessThanOrEqual(2_000);
  });

  it('R5/R13 extending a Scheduler-armed wrap-up removes the old schedule and ends at the new deadline', async () => {
    // 10 min: the timer is a Scheduler schedule, which the extend deletes and replaces.
    const simulation = await run([act('2021-08-04T17:40:00Z', { action: 'extend' })], {
      durationSeconds: 600,
      extensionSeconds: 120,
    });
    const session = simulation.result.sessions[0];
    expect(session?.deadline).toBe('2021-08-04T17:50:37.000Z');
    expect(session?.endReason).toBe('TIMER');
    const lateness = msBetween('2021-08-04T17:50:37.000Z', session?.endedAt ?? null);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThanOrEqual(2_000);
    expect(simulation.stats.schedulerCalls.DeleteScheduleCommand).toBe(1);
    expect(simulation.stats.schedulesCreated).toBe(2);
    expect(simulation.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
  });

  it('R5/R13 the old due-queue timer (it cannot be recalled) arrives before the new deadline and does nothing', async () => {
    // 30 s: the end timer for 17:39:07 is already a due-queue message when the agent extends.
    const simulation = await run([act('2021-08-04T17:38:50Z', { action: 'extend' })], {
      durationSeconds: 30,
    });
    const session = simulation.result.sessions[0];
    expect(session).toMatchObject({
      deadline: '2021-08-04T17:40:07.000Z',
      endReason: 'TIMER',
      extensionsUsed: 1,
    });
    const stale = simulation.invocations.filter((invocation) =>
      invocation.logs.some((line) => line.fields.reason === 'STALE_DEADLINE'),
    );
    expect(stale.length).toBeGreaterThan(0);
    for (const invocation of stale) {
      expect(invocation.at).toBeLessThan(Date.parse('2021-08-04T17:40:07Z'));
      expect(invocation.statusChanges).toEqual([]);
    }
    expect(simulation.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
    const lateness = msBetween('2021-08-04T17:40:07.000Z', simulation.result.statusChanges[1]?.at ?? null);
    expect(lateness).toBeGreaterThanOrEqual(0);
    expect(lateness).toBeLessThanOrEqual(2_000);
  });

  it('R5 a second extend past maxExtensions is refused (errors has EXTENSION_LIMIT) and changes nothing', async () => {
    const once = await run([act('2021-08-04T17:39:00Z', { action: 'extend' })]);
    const twice = await run([
      act('2021-08-04T17:39:00Z', { action: 'extend' }),
      act('2021-08-04T17:39:30Z', { action: 'extend' }),
    ]);

    expect(twice.result.errors).toEqual([
      { at: '2021-08-04T17:39:30.000Z', agentId: AGENT_ID, contactId: CONTACT_ID, code: 'EXTENSION_LIMIT' },
    ]);
    expect(twice.result.sessions[0]).toMatchObject({ deadline: EXTENDED_DEADLINE, extensionsUsed: 1 });
    expect(twice.result.sessions).toEqual(once.result.sessions);
    expect(twice.result.statusChanges).toEqual(once.result.statusChanges);
    expect(twice.storedSessions[0]?.history.filter((entry) => entry.what === 'EXTENDED')).toHaveLength(1);
  });

  it('R5 maxExtensions 0 refuses the first extend with EXTENSION_LIMIT', async () => {
    const { result } = await run([act('2021-08-04T17:39:00Z', { action: 'extend' })], { maxExtensions: 0 });
    expect(result.errors.map((error) => error.code)).toEqual(['EXTENSION_LIMIT']);
    expect(result.sessions[0]).toMatchObject({ deadline: DEADLINE, extensionsUsed: 0 });
  });

  it('R5 untimed → NOT_EXTENDABLE', async () => {
    const { result } = await run([act('2021-08-04T17:39:00Z', { action: 'extend' })], { mode: 'untimed' });
    expect(result.errors).toEqual([
      { at: '2021-08-04T17:39:00.000Z', agentId: AGENT_ID, contactId: CONTACT_ID, code: 'NOT_EXTENDABLE' },
    ]);
    expect(result.sessions[0]).toMatchObject({
      state: 'WRAP_UP',
      mode: 'untimed',
      deadline: null,
      extensionsUsed: 0,
    });
  });
});

describe('R6 All Done', () => {
  it('R6 All Done closes AGENT_DONE, systemWrapUp false, status Available at the action time, and the old timer does nothing later', async () => {
    // 30 s: the end timer is a due-queue message for 17:39:07, which cannot be recalled.
    const simulation = await run([act('2021-08-04T17:38:50Z', { action: 'allDone', disposition: 'SOLD' })], {
      durationSeconds: 30,
    });
    const { result } = simulation;

    expect(result.errors).toEqual([]);
    expect(result.sessions).toEqual([
      expect.objectContaining({
        state: 'CLOSED_COMPLETE',
        deadline: '2021-08-04T17:39:07.000Z',
        endedAt: '2021-08-04T17:38:50.000Z',
        endReason: 'AGENT_DONE',
        systemWrapUp: false,
        disposition: 'SOLD',
      }),
    ]);
    expect(statuses(result)).toEqual([
      ['2021-08-04T17:38:40.000Z', 'Wrap Up'],
      ['2021-08-04T17:38:50.000Z', 'Available'],
    ]);
    // The old timer still arrived after the All Done and did nothing (R13: its session is closed).
    const later = simulation.invocations.filter(
      (invocation) => invocation.fn === 'timer-due' && invocation.at > Date.parse('2021-08-04T17:38:50Z'),
    );
    expect(later.length).toBeGreaterThan(0);
    for (const invocation of later) {
      expect(invocation.statusChanges).toEqual([]);
      expect(invocation.failed).toBe(false);
    }
    // R17: the record is on the Connect contact.
    expect(simulation.contactAttributes.get(CONTACT_ID)).toMatchObject({
      acw_end_reason: 'AGENT_DONE',
      acw_disposition: 'SOLD',
      acw_system_wrap_up: 'false',
      acw_seconds: '13',
    });
  });

  it('R6 All Done of a Scheduler-armed wrap-up deletes its schedule', async () => {
    const simulation = await run([act('2021-08-04T17:40:00Z', { action: 'allDone' })], {
      durationSeconds: 600,
    });
    expect(simulation.result.sessions[0]).toMatchObject({
      endReason: 'AGENT_DONE',
      endedAt: '2021-08-04T17:40:00.000Z',
    });
    expect(simulation.stats.schedulerCalls.DeleteScheduleCommand).toBe(1);
    expect(simulation.stats.scheduleFires).toBe(0);
    expect(simulation.result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
  });

  it('R6 refused in forced mode (EARLY_END_FORBIDDEN): the wrap-up ends by its timer all the same', async () => {
    const { result } = await run([act('2021-08-04T17:39:00Z', { action: 'allDone' })], { mode: 'forced' });
    expect(result.errors).toEqual([
      {
        at: '2021-08-04T17:39:00.000Z',
        agentId: AGENT_ID,
        contactId: CONTACT_ID,
        code: 'EARLY_END_FORBIDDEN',
      },
    ]);
    expect(result.sessions[0]).toMatchObject({ mode: 'forced', endReason: 'TIMER', deadline: DEADLINE });
    expect(msBetween(DEADLINE, result.statusChanges[1]?.at ?? null)).toBeGreaterThanOrEqual(0);
  });

  it('R6 refused while a required disposition is missing (DISPOSITION_REQUIRED); accepted with one', async () => {
    const { result } = await run(
      [
        act('2021-08-04T17:39:00Z', { action: 'allDone' }),
        act('2021-08-04T17:39:10Z', { action: 'allDone', disposition: 'NO_SALE', notes: 'call back Friday' }),
      ],
      { requireDisposition: true, defaultDispositionOnTimeout: 'NO_SALE' },
    );
    expect(result.errors).toEqual([
      {
        at: '2021-08-04T17:39:00.000Z',
        agentId: AGENT_ID,
        contactId: CONTACT_ID,
        code: 'DISPOSITION_REQUIRED',
      },
    ]);
    expect(result.sessions[0]).toMatchObject({
      endReason: 'AGENT_DONE',
      endedAt: '2021-08-04T17:39:10.000Z',
      disposition: 'NO_SALE',
      notes: 'call back Friday',
    });
    expect(statuses(result)).toEqual([
      ['2021-08-04T17:38:40.000Z', 'Wrap Up'],
      ['2021-08-04T17:39:10.000Z', 'Available'],
    ]);
  });
});

describe('R7 and R17: dispositions and notes', () => {
  const required = { requireDisposition: true, defaultDispositionOnTimeout: 'NO_SALE' };

  it('R7 at the timer a missing required disposition becomes defaultDispositionOnTimeout', async () => {
    const simulation = await run([], required);
    expect(simulation.result.sessions[0]).toMatchObject({ endReason: 'TIMER', disposition: 'NO_SALE' });
    expect(simulation.contactAttributes.get(CONTACT_ID)).toMatchObject({
      acw_end_reason: 'TIMER',
      acw_disposition: 'NO_SALE',
    });
  });

  it('R7 a disposition the agent chose is kept at the timer', async () => {
    const { result } = await run(
      [act('2021-08-04T17:39:00Z', { action: 'update', disposition: 'SOLD' })],
      required,
    );
    expect(result.sessions[0]).toMatchObject({ endReason: 'TIMER', disposition: 'SOLD' });
  });

  it('update sets disposition and notes shown in the output, and leaves the session open', async () => {
    const { result } = await run(
      [
        act('2021-08-04T17:39:00Z', { action: 'update', disposition: 'SOLD' }),
        act('2021-08-04T17:39:05Z', { action: 'update', notes: 'upgraded to the annual plan' }),
      ],
      {},
      '2021-08-04T17:39:30Z',
    );
    expect(result.errors).toEqual([]);
    expect(result.sessions[0]).toMatchObject({
      state: 'WRAP_UP',
      disposition: 'SOLD',
      notes: 'upgraded to the annual plan',
      endedAt: null,
    });
  });

  it('an unknown disposition is refused (UNKNOWN_DISPOSITION) and changes nothing', async () => {
    const { result } = await run([act('2021-08-04T17:39:00Z', { action: 'update', disposition: 'MAYBE' })]);
    expect(result.errors.map((error) => error.code)).toEqual(['UNKNOWN_DISPOSITION']);
    expect(result.sessions[0]).toMatchObject({ disposition: null, notes: null, endReason: 'TIMER' });
  });

  it('a session with no disposition or notes reports them as null', async () => {
    const { result } = await run([]);
    expect(result.sessions[0]).toMatchObject({ disposition: null, notes: null, mode: 'timed' });
  });
});

describe('who acts on which session', () => {
  it('supervisor `as` works on another agent’s session, recorded as the supervisor', async () => {
    const simulation = await run([
      act('2021-08-04T17:39:00Z', { action: 'extend', as: 'supervisor' }),
      act('2021-08-04T17:39:20Z', { action: 'allDone', as: 'supervisor', contactId: CONTACT_ID }),
    ]);
    expect(simulation.result.errors).toEqual([]);
    expect(simulation.result.sessions[0]).toMatchObject({
      extensionsUsed: 1,
      endReason: 'AGENT_DONE',
      endedAt: '2021-08-04T17:39:20.000Z',
      systemWrapUp: false,
    });
    const history = simulation.storedSessions[0]?.history ?? [];
    expect(history.filter((entry) => entry.what === 'EXTENDED' || entry.what === 'CLOSED')).toEqual([
      expect.objectContaining({ what: 'EXTENDED', by: SIM_SUPERVISOR }),
      expect.objectContaining({ what: 'CLOSED', by: SIM_SUPERVISOR }),
    ]);
    expect(SIM_SUPERVISOR).toBe('supervisor:sim-supervisor');
  });

  it('an agent acting records `agent:<agentId>` as the actor', async () => {
    const simulation = await run([act('2021-08-04T17:39:00Z', { action: 'extend' })]);
    const extended = simulation.storedSessions[0]?.history.find((entry) => entry.what === 'EXTENDED');
    expect(extended?.by).toBe(`agent:${AGENT_ID}`);
  });

  it('without contactId the action targets the agent’s open session with the soonest deadline', async () => {
    const later = disconnected((detail) => {
      detail.contactId = '22222222-2222-2222-2222-222222222222';
      detail.disconnectTimestamp = '2021-08-04T17:38:50.000Z';
    });
    const simulation = await runSimulation(
      scenarioOf(
        [
          // The later contact arrives first: the target is chosen by deadline, not arrival.
          { at: '2021-08-04T17:38:52Z', contactEvent: later },
          { at: '2021-08-04T17:38:53Z', contactEvent: disconnected() },
          act('2021-08-04T17:39:00Z', { action: 'extend' }),
        ],
        { config: configWith() },
      ),
      quiet,
    );
    const byContact = Object.fromEntries(
      simulation.result.sessions.map((session) => [session.contactId, session.extensionsUsed]),
    );
    expect(byContact).toEqual({ [CONTACT_ID]: 1, '22222222-2222-2222-2222-222222222222': 0 });
  });

  it('an action on a closed session → SESSION_CLOSED', async () => {
    const { result } = await run([
      act('2021-08-04T17:39:00Z', { action: 'allDone' }),
      act('2021-08-04T17:39:30Z', { action: 'extend', contactId: CONTACT_ID }),
      act('2021-08-04T17:39:40Z', { action: 'update', contactId: CONTACT_ID, notes: 'late note' }),
    ]);
    expect(result.errors).toEqual([
      { at: '2021-08-04T17:39:30.000Z', agentId: AGENT_ID, contactId: CONTACT_ID, code: 'SESSION_CLOSED' },
      { at: '2021-08-04T17:39:40.000Z', agentId: AGENT_ID, contactId: CONTACT_ID, code: 'SESSION_CLOSED' },
    ]);
    expect(result.sessions[0]).toMatchObject({ endReason: 'AGENT_DONE', notes: null, extensionsUsed: 0 });
  });

  it('an agent with no open session → NO_OPEN_SESSION (contactId null); an unknown contact → SESSION_NOT_FOUND', async () => {
    const { result } = await run([
      { at: '2021-08-04T17:39:00Z', agentAction: { agentId: OTHER_AGENT_ID, action: 'allDone' } },
      act('2021-08-04T17:39:00Z', { action: 'extend', contactId: 'no-such-contact' }),
      act('2021-08-04T17:45:00Z', { action: 'extend' }),
    ]);
    expect(result.errors).toEqual([
      { at: '2021-08-04T17:39:00.000Z', agentId: OTHER_AGENT_ID, contactId: null, code: 'NO_OPEN_SESSION' },
      {
        at: '2021-08-04T17:39:00.000Z',
        agentId: AGENT_ID,
        contactId: 'no-such-contact',
        code: 'SESSION_NOT_FOUND',
      },
      // After the timer ended it, the agent has no open session left.
      { at: '2021-08-04T17:45:00.000Z', agentId: AGENT_ID, contactId: null, code: 'NO_OPEN_SESSION' },
    ]);
  });

  it('errors are sorted by time, ties in the order they happened', async () => {
    const result = await runScenario(
      scenarioOf(
        [
          { at: '2021-08-04T17:39:10Z', agentAction: { agentId: OTHER_AGENT_ID, action: 'update' } },
          { at: '2021-08-04T17:39:00Z', agentAction: { agentId: 'b-agent', action: 'extend' } },
          { at: '2021-08-04T17:39:00Z', agentAction: { agentId: 'a-agent', action: 'extend' } },
        ],
        { config: configWith() },
      ),
      quiet,
    );
    expect(result.errors.map((error) => [error.at, error.agentId])).toEqual([
      ['2021-08-04T17:39:00.000Z', 'b-agent'],
      ['2021-08-04T17:39:00.000Z', 'a-agent'],
      ['2021-08-04T17:39:10.000Z', OTHER_AGENT_ID],
    ]);
  });
});

describe('untimed wrap-ups (R3 mode untimed)', () => {
  it('untimed session stays open with deadline null until All Done', async () => {
    const simulation = await run(
      [act('2021-08-04T17:55:00Z', { action: 'allDone', disposition: 'SOLD' })],
      { mode: 'untimed' },
      '2021-08-04T18:00:00Z',
    );
    const { result } = simulation;
    expect(result.sessions[0]).toMatchObject({
      mode: 'untimed',
      deadline: null,
      endedAt: '2021-08-04T17:55:00.000Z',
      endReason: 'AGENT_DONE',
      systemWrapUp: false,
      disposition: 'SOLD',
    });
    // Long past 90 s the agent was still in Wrap Up: nothing timed it out.
    expect(statuses(result)).toEqual([
      ['2021-08-04T17:38:40.000Z', 'Wrap Up'],
      ['2021-08-04T17:55:00.000Z', 'Available'],
    ]);
    expect(simulation.stats.schedulesCreated).toBe(0);
    expect(simulation.stats.invocations['timer-fired'] + simulation.stats.invocations['timer-due']).toBe(0);
  });

  it('without an All Done it is still open at the end of the scenario', async () => {
    const { result } = await run([], { mode: 'untimed' }, '2021-08-04T19:00:00Z');
    expect(result.sessions[0]).toMatchObject({ state: 'WRAP_UP', deadline: null, endedAt: null });
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
  });
});

describe('contactFlowEvent steps (R3: a contact flow chooses the wrap-up)', () => {
  function flowEvent(parameters: Record<string, string>, contactId = CONTACT_ID): Record<string, unknown> {
    return {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: {
          Attributes: {},
          Channel: 'VOICE',
          ContactId: contactId,
          InitialContactId: contactId,
          InitiationMethod: 'INBOUND',
          InstanceARN: 'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012',
          Queue: null,
        },
        Parameters: parameters,
      },
    };
  }

  it('a flow’s durationSeconds and mode decide the contact’s wrap-up; the answer is not in the output', async () => {
    const simulation = await runSimulation(
      scenarioOf(
        [
          {
            at: '2021-08-04T17:30:00Z',
            contactFlowEvent: flowEvent({ durationSeconds: '300', mode: 'forced' }),
          },
          { at: ARRIVES, contactEvent: disconnected() },
        ],
        { config: configWith() },
      ),
      quiet,
    );
    const { result } = simulation;
    expect(result.errors).toEqual([]);
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]).toMatchObject({
      deadline: '2021-08-04T17:43:37.000Z',
      mode: 'forced',
      endReason: 'TIMER',
    });
    expect(Object.keys(result)).toEqual(['sessions', 'statusChanges', 'errors', 'agents', 'stuck']);
    const flow = simulation.invocations.find((invocation) => invocation.fn === 'contact-flow');
    expect(flow?.flowResponse).toMatchObject({ acwSeconds: '300', acwMode: 'forced' });
  });

  it('a flow answer with an error field is listed as BAD_FLOW_PARAMETERS with the event’s contact id', async () => {
    const { result } = await run([
      { at: '2021-08-04T17:38:00Z', contactFlowEvent: flowEvent({ durationSeconds: 'ten minutes' }) },
      { at: '2021-08-04T17:38:01Z', contactFlowEvent: flowEvent({ profile: 'no-such-profile' }, 'c-2') },
      { at: '2021-08-04T17:38:02Z', contactFlowEvent: { Name: 'SomethingElse' } },
    ]);
    expect(result.errors).toEqual([
      { at: '2021-08-04T17:38:00.000Z', agentId: null, contactId: CONTACT_ID, code: 'BAD_FLOW_PARAMETERS' },
      { at: '2021-08-04T17:38:01.000Z', agentId: null, contactId: 'c-2', code: 'BAD_FLOW_PARAMETERS' },
      { at: '2021-08-04T17:38:02.000Z', agentId: null, contactId: null, code: 'BAD_FLOW_PARAMETERS' },
    ]);
    // The refused choice changed nothing: the contact got its configured 90 s.
    expect(result.sessions).toHaveLength(1);
    expect(result.sessions[0]?.deadline).toBe(DEADLINE);
  });
});

describe('scenario validation of agentAction and contactFlowEvent', () => {
  function problemsOf(agentAction: unknown): readonly string[] {
    const scenario = scenarioOf([{ at: ARRIVES, agentAction }]);
    try {
      parseScenario(scenario);
    } catch (error) {
      if (error instanceof ScenarioError) return error.problems;
      throw error;
    }
    throw new Error('the scenario was accepted');
  }

  it('names a bad action, actor and field types by path', () => {
    expect(problemsOf({ agentId: AGENT_ID, action: 'finish' })).toEqual([
      'steps[0].agentAction.action must be one of extend, allDone, update, got "finish"',
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'extend', as: 'admin' })).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction\.as must be "supervisor"/),
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'update', notes: 42, disposition: 7 })).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction\.disposition must be a disposition code/),
      expect.stringMatching(
        /^steps\[0\]\.agentAction\.notes must be a string of at most 2000 characters, got 42/,
      ),
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'update', notes: 'x'.repeat(2001) })).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction\.notes must be a string of at most 2000 characters/),
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'extend', contactId: 'a/b' })).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction\.contactId must be a contact id/),
    ]);
  });

  it('names a missing agentId or action, an unknown field, and a disposition on extend', () => {
    expect(problemsOf({ action: 'extend' })).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction\.agentId is required/),
    ]);
    expect(problemsOf({ agentId: AGENT_ID })).toEqual([
      'steps[0].agentAction.action must be one of extend, allDone, update',
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'allDone', reason: 'tired' })).toEqual([
      'steps[0].agentAction has unknown field "reason"',
    ]);
    expect(problemsOf({ agentId: AGENT_ID, action: 'extend', disposition: 'SOLD' })).toEqual([
      'steps[0].agentAction.disposition goes with "allDone" or "update", not "extend"',
    ]);
    expect(problemsOf('extend')).toEqual([
      expect.stringMatching(/^steps\[0\]\.agentAction must be an agent action/),
    ]);
  });

  it('refuses a contactFlowEvent that is not an object', () => {
    const scenario = scenarioOf([{ at: ARRIVES, contactFlowEvent: [] }]);
    expect(() => parseScenario(scenario)).toThrow(/steps\[0\]\.contactFlowEvent must be an object/);
  });
});
