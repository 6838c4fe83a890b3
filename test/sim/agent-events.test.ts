/**
 * `agentEvent` steps (issue 4): agent event stream records reach the consumer as Kinesis records,
 * and change the world's truth (the agent's status in Connect) at their step time; the outputs
 * `agents` and `stuck` (R15) read that truth at `until`.
 */
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { runScenario, runSimulation } from '../../sim/engine';
import {
  AGENT_ID,
  agentEvent,
  contactEventOfType,
  DISCONNECTED_AT,
  disconnected,
  INSTANCE_ARN,
  OTHER_AGENT_ID,
  scenarioOf,
} from './support';

const quiet = { quiet: true } as const;
/** The fixture's DISCONNECTED arrives 3 s after its disconnect; 90 s policy → deadline 17:40:07. */
const ARRIVES = '2021-08-04T17:38:40Z';
const CONTACT_ID = '11111111-1111-1111-1111-111111111111';

describe('agentEvent steps: Connect → Kinesis → the agent-event consumer', () => {
  it('delivers the record at its step time as a Kinesis record: base64 data, sequence numbers, the stream ARN', async () => {
    const first = agentEvent({ at: '2021-08-04T17:30:00.000Z', status: 'Available' });
    const second = agentEvent({ at: '2021-08-04T17:31:00.000Z', status: 'Lunch' });
    const run = await runSimulation(
      scenarioOf([
        { at: '2021-08-04T17:31:00Z', agentEvent: second },
        { at: '2021-08-04T17:30:00Z', agentEvent: first },
      ]),
      quiet,
    );

    const deliveries = run.invocations.filter((invocation) => invocation.fn === 'agent-events');
    expect(deliveries.map((invocation) => new Date(invocation.at).toISOString())).toEqual([
      '2021-08-04T17:30:00.000Z',
      '2021-08-04T17:31:00.000Z',
    ]);
    const records = deliveries.map((invocation) => (invocation.input as KinesisStreamEvent).Records[0]);
    expect(
      records.map((record) => JSON.parse(Buffer.from(record?.kinesis.data ?? '', 'base64').toString())),
    ).toEqual([first, second]);
    for (const record of records) {
      expect(record).toMatchObject({
        eventSource: 'aws:kinesis',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/connect-acw-agent-events',
        kinesis: { partitionKey: `${INSTANCE_ARN}/agent/${AGENT_ID}` },
      });
      expect(record?.kinesis.sequenceNumber).toMatch(/^\d{56}$/);
    }
    const [a, b] = records.map((record) => BigInt(record?.kinesis.sequenceNumber ?? '0'));
    expect(b).toBeGreaterThan(a ?? 0n);
    expect(run.stats.deliveries.agentEvents).toBe(2);
  });

  it('R8, R10: the stream reports the statuses the system sets too (the hold, the restore), as STATE_CHANGE records from the previous status', async () => {
    const run = await runSimulation(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]), quiet);

    const reports = run.invocations
      .filter((invocation) => invocation.fn === 'agent-events' && invocation.stepIndex === undefined)
      .map((invocation) => (invocation.input as KinesisStreamEvent).Records[0])
      .map((record) => JSON.parse(Buffer.from(record?.kinesis.data ?? '', 'base64').toString()));
    const changes = run.result.statusChanges.filter((change) => change.agentId === AGENT_ID);

    expect(changes.map((change) => change.status)).toEqual(['Wrap Up', 'Available']);
    expect(
      reports.map((report) => ({
        type: report.EventType,
        status: report.CurrentAgentSnapshot.AgentStatus.Name,
        since: report.CurrentAgentSnapshot.AgentStatus.StartTimestamp,
        previous: report.PreviousAgentSnapshot?.AgentStatus.Name,
      })),
    ).toEqual([
      { type: 'STATE_CHANGE', status: 'Wrap Up', since: changes[0]?.at, previous: 'Available' },
      { type: 'STATE_CHANGE', status: 'Available', since: changes[1]?.at, previous: 'Wrap Up' },
    ]);
    // Without the stream, Connect writes no record of them.
    const without = await runSimulation(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]), {
      ...quiet,
      agentEventStream: false,
    });
    expect(without.stats.invocations['agent-events']).toBe(0);
  });

  it("the agent's status in Connect becomes the record's AgentStatus.Name; it is not a status the system set", async () => {
    const result = await runScenario(
      scenarioOf([
        {
          at: '2021-08-04T17:30:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Lunch' }),
        },
      ]),
      quiet,
    );
    expect(result.agents).toEqual([
      { agentId: OTHER_AGENT_ID, status: 'Available' },
      { agentId: AGENT_ID, status: 'Lunch' },
    ]);
    expect(result.statusChanges).toEqual([]);
    expect(result.stuck).toEqual([]);
  });

  it('a record without a readable AgentStatus (a heartbeat) leaves the status as it was', async () => {
    const heartbeat = agentEvent({ at: '2021-08-04T17:30:00Z', eventType: 'HEART_BEAT' });
    const result = await runScenario(
      scenarioOf([{ at: '2021-08-04T17:30:00Z', agentEvent: heartbeat }], {
        agents: [{ id: AGENT_ID, status: 'Training' }],
      }),
      quiet,
    );
    expect(result.agents).toEqual([{ agentId: AGENT_ID, status: 'Training' }]);
  });

  it('R8: the agent chooses Break during wrap-up: the session ends STATUS_CHANGED and the system never restores over Break', async () => {
    const result = await runScenario(
      scenarioOf([
        { at: ARRIVES, contactEvent: disconnected() },
        {
          at: '2021-08-04T17:39:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:39:00.000Z', status: 'Break' }),
        },
      ]),
      quiet,
    );
    expect(result.sessions).toEqual([
      expect.objectContaining({ contactId: CONTACT_ID, endReason: 'STATUS_CHANGED', systemWrapUp: false }),
    ]);
    expect(result.statusChanges.map((change) => change.status)).toEqual(['Wrap Up']);
    expect(result.agents.find((agent) => agent.agentId === AGENT_ID)?.status).toBe('Break');
    expect(result.stuck).toEqual([]);
  });
});

describe('R16: a malformed agent event is data, not a scenario error', () => {
  it('R16: a malformed agent event is listed in errors and the run goes on', async () => {
    const noTimestamp = agentEvent({ at: '2021-08-04T17:38:45Z', status: 'Break' });
    delete noTimestamp.EventTimestamp;
    const run = await runSimulation(
      scenarioOf([
        { at: '2021-08-04T17:38:30Z', agentEvent: { hello: 'world' } },
        { at: ARRIVES, contactEvent: disconnected() },
        { at: '2021-08-04T17:38:45Z', agentEvent: noTimestamp },
      ]),
      quiet,
    );

    expect(run.result.errors).toEqual([
      { at: '2021-08-04T17:38:30.000Z', agentId: null, contactId: null, code: 'MALFORMED_EVENT' },
      { at: '2021-08-04T17:38:45.000Z', agentId: AGENT_ID, contactId: null, code: 'MALFORMED_EVENT' },
    ]);
    // Refused once each (not retried), kept with the error naming what is wrong.
    expect(run.deadLetters).toEqual([
      expect.objectContaining({
        queue: 'connect-acw-agent-events',
        receiveCount: 1,
        error: expect.any(String),
      }),
      expect.objectContaining({
        queue: 'connect-acw-agent-events',
        receiveCount: 1,
        error: expect.any(String),
      }),
    ]);
    // The two refused records; the stream's reports of the system's own status changes (the hold,
    // the restore) are consumed too, by invocations of their own.
    const fromScenario = run.invocations.filter(
      (invocation) => invocation.fn === 'agent-events' && invocation.stepIndex !== undefined,
    );
    expect(fromScenario).toHaveLength(2);
    expect(fromScenario.every((invocation) => invocation.failed === false)).toBe(true);
    // The wrap-up went on as if nothing had happened.
    expect(run.result.sessions).toEqual([expect.objectContaining({ endReason: 'TIMER' })]);
    expect(run.result.stuck).toEqual([]);
  });
});

describe('the output: agents', () => {
  it("lists every agent's final status: the scenario's agents and every agent an event named, sorted by agentId", async () => {
    const stranger = 'ffffffff-0000-0000-0000-000000000001';
    const newcomer = '00000000-0000-0000-0000-0000000000aa';
    const result = await runScenario(
      scenarioOf(
        [
          {
            at: ARRIVES,
            contactEvent: disconnected((detail) => {
              detail.agentInfo = {
                agentArn: `${INSTANCE_ARN}/agent/${stranger}`,
                connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z',
              };
            }),
          },
          {
            at: '2021-08-04T17:45:00Z',
            agentEvent: agentEvent({ at: '2021-08-04T17:45:00Z', status: 'Offline', agentId: newcomer }),
          },
        ],
        { agents: [{ id: AGENT_ID, status: 'Break' }] },
      ),
      quiet,
    );
    expect(result.agents).toEqual([
      { agentId: newcomer, status: 'Offline' },
      { agentId: AGENT_ID, status: 'Break' },
      { agentId: stranger, status: 'Available' },
    ]);
  });
});

describe('R15: the output stuck', () => {
  it('R15: an agent left in the wrap-up status with no open session and no contact in progress is stuck', async () => {
    // The agent puts themselves in "Wrap Up" in Connect: nothing of the system's holds them there.
    const result = await runScenario(
      scenarioOf([
        {
          at: '2021-08-04T17:30:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Wrap Up' }),
        },
      ]),
      quiet,
    );
    expect(result.stuck).toEqual([
      { agentId: AGENT_ID, reason: 'WRAP_UP_STATUS_WITH_NOTHING_OPEN', contactId: null, status: 'Wrap Up' },
    ]);
  });

  it('R15: an agent in the wrap-up status with a contact in progress is not stuck (Connect returns them to it after the contact)', async () => {
    const connected = contactEventOfType('CONNECTED_TO_AGENT', (detail) => {
      detail.contactId = '33333333-3333-3333-3333-333333333333';
    });
    const result = await runScenario(
      scenarioOf([
        {
          at: '2021-08-04T17:30:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Wrap Up' }),
        },
        { at: '2021-08-04T17:31:00Z', contactEvent: connected },
      ]),
      quiet,
    );
    expect(result.stuck).toEqual([]);
  });

  it('R15: the contact is in progress only until its DISCONNECTED for that agent', async () => {
    const connected = contactEventOfType('CONNECTED_TO_AGENT');
    const result = await runScenario(
      scenarioOf(
        [
          {
            at: '2021-08-04T17:30:00Z',
            agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Wrap Up' }),
          },
          { at: '2021-08-04T17:31:00Z', contactEvent: connected },
          // The contact ends with no wrap-up of its own (0 s policy): nothing holds the agent.
          { at: ARRIVES, contactEvent: disconnected() },
        ],
        { config: { policies: { default: { durationSeconds: 0 } } } },
      ),
      quiet,
    );
    expect(result.sessions).toEqual([]);
    expect(result.stuck).toEqual([
      { agentId: AGENT_ID, reason: 'WRAP_UP_STATUS_WITH_NOTHING_OPEN', contactId: null, status: 'Wrap Up' },
    ]);
  });

  it('R15: an outbound contact the agent INITIATED is in progress too', async () => {
    const outbound = contactEventOfType('INITIATED', (detail) => {
      detail.contactId = '44444444-4444-4444-4444-444444444444';
      detail.initiationMethod = 'OUTBOUND';
      delete detail.queueInfo;
      detail.agentInfo = { agentArn: `${INSTANCE_ARN}/agent/${AGENT_ID}` };
    });
    const result = await runScenario(
      scenarioOf([
        {
          at: '2021-08-04T17:30:00Z',
          agentEvent: agentEvent({ at: '2021-08-04T17:30:00Z', status: 'Wrap Up' }),
        },
        { at: '2021-08-04T17:31:00Z', contactEvent: outbound },
      ]),
      quiet,
    );
    expect(result.stuck).toEqual([]);
  });

  it('R15: an open session more than the sweep margin past its deadline at until is OVERDUE_SESSION', async () => {
    // Every timer lost; until falls 83 s after the deadline, before the sweep's next run would end it.
    const result = await runScenario(
      {
        ...scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { until: '2021-08-04T17:41:30Z' }),
        faults: { lostTimerRate: 1 },
      },
      quiet,
    );
    expect(result.sessions).toEqual([
      expect.objectContaining({ state: 'WRAP_UP', deadline: '2021-08-04T17:40:07.000Z' }),
    ]);
    expect(result.stuck).toEqual([
      { agentId: AGENT_ID, reason: 'OVERDUE_SESSION', contactId: CONTACT_ID, status: 'Wrap Up' },
    ]);
  });

  it('R15: an open session within the margin of its deadline is not stuck yet', async () => {
    const result = await runScenario(
      {
        ...scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }], { until: '2021-08-04T17:41:00Z' }),
        faults: { lostTimerRate: 1 },
      },
      quiet,
    );
    expect(result.sessions[0]?.state).toBe('WRAP_UP');
    expect(result.stuck).toEqual([]);
  });

  it('a healthy run has nobody stuck, the session starting at the disconnect', async () => {
    const result = await runScenario(scenarioOf([{ at: ARRIVES, contactEvent: disconnected() }]), quiet);
    expect(result.sessions[0]?.startedAt).toBe(DISCONNECTED_AT);
    expect(result.stuck).toEqual([]);
    expect(result.agents).toEqual([
      { agentId: OTHER_AGENT_ID, status: 'Available' },
      { agentId: AGENT_ID, status: 'Available' },
    ]);
  });
});

describe('agentStreamRepeats: the records Connect writes that repeat the agent status unchanged', () => {
  /** The agent-event records delivered without a step (the system's sets and the repeats), in order. */
  function streamRecords(run: Awaited<ReturnType<typeof runSimulation>>) {
    return run.invocations
      .filter((invocation) => invocation.fn === 'agent-events' && invocation.stepIndex === undefined)
      .map((invocation) => (invocation.input as KinesisStreamEvent).Records[0])
      .map((record) => JSON.parse(Buffer.from(record?.kinesis.data ?? '', 'base64').toString()))
      .map((report) => ({
        type: report.EventType as string,
        at: report.EventTimestamp as string,
        status: report.CurrentAgentSnapshot.AgentStatus.Name as string,
        since: report.CurrentAgentSnapshot.AgentStatus.StartTimestamp as string,
      }));
  }

  it('R8: a contact reaching the agent or ending repeats their status (STATE_CHANGE), and a heartbeat comes 120-130 s after their last record; off by default', async () => {
    const connectedAt = '2021-08-04T17:33:00Z';
    const scenario = {
      ...scenarioOf([
        { at: connectedAt, contactEvent: contactEventOfType('CONNECTED_TO_AGENT') },
        { at: ARRIVES, contactEvent: disconnected() },
      ]),
      until: '2021-08-04T17:46:00Z',
    };

    const plain = await runSimulation(scenario, quiet);
    const run = await runSimulation(scenario, { ...quiet, agentStreamRepeats: true });
    const records = streamRecords(run);

    expect(streamRecords(plain).map((record) => record.type)).toEqual(['STATE_CHANGE', 'STATE_CHANGE']);
    // The contact's two changes repeat the status they come in (Available since the run began).
    const repeats = records.filter(
      (record) => record.status === 'Available' && record.type === 'STATE_CHANGE',
    );
    expect(repeats.slice(0, 2).map((record) => record.at)).toEqual([
      new Date(connectedAt).toISOString(),
      new Date(ARRIVES).toISOString(),
    ]);
    expect(new Set(repeats.slice(0, 2).map((record) => record.since)).size).toBe(1);
    const heartbeats = records.filter((record) => record.type === 'HEART_BEAT');
    expect(heartbeats.length).toBeGreaterThan(0);
    let last = Date.parse(connectedAt);
    for (const record of records) {
      const at = Date.parse(record.at);
      if (record.type === 'HEART_BEAT') {
        expect(at - last).toBeGreaterThanOrEqual(120_000);
        expect(at - last).toBeLessThanOrEqual(130_000);
      }
      last = at;
    }
  });

  it('R8, R11: the consumer writes a repeated status once: the repeats cost no DynamoDB write, and nothing ends or restores differently', async () => {
    const scenario = {
      ...scenarioOf([
        { at: '2021-08-04T17:33:00Z', contactEvent: contactEventOfType('CONNECTED_TO_AGENT') },
        { at: ARRIVES, contactEvent: disconnected() },
      ]),
      until: '2021-08-04T17:46:00Z',
    };

    const plain = await runSimulation(scenario, quiet);
    const run = await runSimulation(scenario, { ...quiet, agentStreamRepeats: true });

    expect(run.stats.deliveries.agentEvents).toBeGreaterThan(plain.stats.deliveries.agentEvents + 4);
    // One write more than without the repeats: the first report of the status the run began in.
    expect(run.stats.dynamo.byCommand.PutItemCommand).toBe(
      (plain.stats.dynamo.byCommand.PutItemCommand ?? 0) + 1,
    );
    expect(run.result.sessions).toEqual(plain.result.sessions);
    expect(run.result.statusChanges).toEqual(plain.result.statusChanges);
  });
});
