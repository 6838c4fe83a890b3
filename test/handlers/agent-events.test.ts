/**
 * R8, R11, R16: the agent event stream's consumer (Kinesis), on a real store (dynalite) with the
 * recording stand-ins for Connect and the timers.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { KeptStatuses } from '../../lambda/core/agent-events';
import { endOnTimer } from '../../lambda/core/end-on-time';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps, SessionStore } from '../../lambda/core/ports';
import { ObservedPresence } from '../../lambda/core/presence';
import type { Session } from '../../lambda/core/session';
import { timerOf } from '../../lambda/core/session';
import { startWrapUp } from '../../lambda/core/start';
import { makeAgentEventsHandler } from '../../lambda/handlers/agent-events';
import { parseAgentEvent } from '../../lambda/handlers/events';
import type { App } from '../../lambda/handlers/runtime';
import { RecordingDeadLetters } from '../support/dead-letters';
import { useSessionStore } from '../support/dynamo';
import { disconnect, fixture, INSTANCE_ARN } from '../support/events';
import {
  type FakeClock,
  type RecordingAgents,
  type RecordingContacts,
  type RecordingLog,
  type RecordingTimers,
  testDeps,
} from '../support/fakes';

const AGENT = '87654321-4321-4321-4321-210987654321';
const OTHER_INSTANCE = 'arn:aws:connect:us-west-2:111122223333:instance/99999999-9999-9999-9999-999999999999';
const DISCONNECTED_AT = '2026-03-02T09:00:00.000Z';
/** When the system put the agent in the wrap-up status (the fake clock at the start). */
const HELD_AT = '2026-03-02T09:00:02.000Z';
const DEADLINE = '2026-03-02T09:01:30.000Z';

let clock: FakeClock;
let agents: RecordingAgents;
let timers: RecordingTimers;
let contacts: RecordingContacts;
let log: RecordingLog;
let deps: Deps;
let app: App;

const db = useSessionStore();
beforeEach(() => {
  let base: Deps;
  ({ clock, agents, timers, contacts, log, deps: base } = testDeps(db.store, HELD_AT));
  // With the stream configured, restores read the stream's reports (as connectPorts wires it).
  deps = { ...base, presence: new ObservedPresence(db.store) };
  app = {
    deps,
    config: {
      instanceArn: INSTANCE_ARN,
      policies: indexPolicies(parseAcwConfig({}).policies),
      agentEventStream: true,
    },
  };
});

interface AgentEventOptions {
  eventType?: string;
  agentId?: string;
  instanceArn?: string;
  status?: string;
  statusId?: string;
  since?: string;
  eventTime?: string;
}

/** An agent event stream record like Connect's (the fixture), with the given changes. */
function agentEvent(options: AgentEventOptions = {}): Record<string, unknown> {
  const base = fixture('agent-event-state-change.json') as {
    CurrentAgentSnapshot: Record<string, unknown>;
  };
  const instanceArn = options.instanceArn ?? INSTANCE_ARN;
  const status = options.status ?? 'Lunch';
  return {
    ...base,
    AgentARN: `${instanceArn}/agent/${options.agentId ?? AGENT}`,
    InstanceARN: instanceArn,
    EventType: options.eventType ?? 'STATE_CHANGE',
    EventTimestamp: options.eventTime ?? options.since ?? '2026-03-02T09:00:30.000Z',
    CurrentAgentSnapshot: {
      ...base.CurrentAgentSnapshot,
      AgentStatus: {
        ARN: `${instanceArn}/agent-state/${options.statusId ?? `status-${status.toLowerCase().replace(' ', '-')}`}`,
        Name: status,
        StartTimestamp: options.since ?? '2026-03-02T09:00:30.000Z',
      },
    },
  };
}

let sequence = 0;

/** A Kinesis record carrying `body` (an object as JSON, or raw text) as base64. */
function kinesisRecord(body: unknown): KinesisStreamRecord {
  sequence += 1;
  const sequenceNumber = `4959${String(sequence).padStart(20, '0')}`;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    awsRegion: 'us-west-2',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    eventSource: 'aws:kinesis',
    eventSourceARN: 'arn:aws:kinesis:us-west-2:111122223333:stream/agent-events',
    eventVersion: '1.0',
    invokeIdentityArn: 'arn:aws:iam::111122223333:role/agent-events',
    kinesis: {
      approximateArrivalTimestamp: 1_772_442_030,
      data: Buffer.from(text, 'utf8').toString('base64'),
      kinesisSchemaVersion: '1.0',
      partitionKey: AGENT,
      sequenceNumber,
    },
  };
}

function batch(...records: KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: records };
}

/** Starts a wrap-up (R1) for the agent, held at HELD_AT, ending at DEADLINE. */
async function wrapUp(contactId = 'c-1'): Promise<Session> {
  const outcome = await startWrapUp(
    deps,
    app.config,
    disconnect({ contactId, disconnectedAt: DISCONNECTED_AT }),
  );
  if (outcome.session === undefined) throw new Error(`no wrap-up started: ${outcome.kind}`);
  expect(outcome.session.wrapUpStatusSet).toBe(true);
  return outcome.session;
}

async function stored(contactId = 'c-1'): Promise<Session | undefined> {
  return db.store.get(contactId, AGENT);
}

const routableCalls = () => agents.calls.filter((call) => call.status === 'ROUTABLE');

describe('parseAgentEvent', () => {
  it('R8: reads the STATE_CHANGE fixture as Connect writes it to the stream', () => {
    expect(parseAgentEvent(fixture('agent-event-state-change.json'))).toEqual({
      eventId: '477f2c4f-cd1a-4785-b1a8-97023dc1229d',
      eventType: 'STATE_CHANGE',
      agentId: 'agent-ARN',
      instanceArn: 'arn:aws:connect:us-east-1:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111',
      eventTime: new Date('2018-10-25T18:55:32.032Z'),
      status: {
        name: 'Available',
        arn: 'arn:aws:connect:us-east-1:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111/agent-state/agent-state-ARN',
        since: new Date('2018-10-25T18:43:59.059Z'),
      },
    });
  });

  it('R8: reads the record as the JSON text Kinesis carries; a record without a status has none', () => {
    const record = agentEvent({ eventType: 'HEART_BEAT' });
    (record.CurrentAgentSnapshot as Record<string, unknown>).AgentStatus = null;

    const event = parseAgentEvent(JSON.stringify(record));

    expect(event.eventType).toBe('HEART_BEAT');
    expect(event.agentId).toBe(AGENT);
    expect(event.status).toBeUndefined();
  });
});

describe('agent-events handler', () => {
  it('R8: an agent in wrap-up who chooses "Lunch" ends it (STATUS_CHANGED) at the status start, and is not made routable', async () => {
    const session = await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');

    const response = await makeAgentEventsHandler(app)(
      batch(kinesisRecord(agentEvent({ status: 'Lunch', since: '2026-03-02T09:00:30.000Z' }))),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await stored()).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'STATUS_CHANGED',
      systemWrapUp: false,
      restore: 'SKIPPED',
      endedAt: '2026-03-02T09:00:30.000Z',
      contactRecord: 'DONE',
    });
    expect(timers.cancelled).toEqual([timerOf(session)]);
    expect(routableCalls()).toEqual([]);
    expect(contacts.writes.map((w) => w.attributes.acw_end_reason)).toEqual(['STATUS_CHANGED']);
    expect(await db.store.listOpenByAgent(AGENT)).toEqual([]);
  });

  it('R8, R12: every open wrap-up of the agent ends on their choice', async () => {
    await wrapUp('c-1');
    await wrapUp('c-2');
    clock.set('2026-03-02T09:00:31.000Z');

    await makeAgentEventsHandler(app)(batch(kinesisRecord(agentEvent({ status: 'Break' }))));

    expect((await stored('c-1'))?.endReason).toBe('STATUS_CHANGED');
    expect((await stored('c-2'))?.endReason).toBe('STATUS_CHANGED');
    expect(routableCalls()).toEqual([]);
  });

  it('R8: a report of the wrap-up status itself ends nothing, and the timer then restores as usual', async () => {
    const session = await wrapUp();

    const response = await makeAgentEventsHandler(app)(
      batch(kinesisRecord(agentEvent({ status: 'Wrap Up', since: '2026-03-02T09:00:03.000Z' }))),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await stored())?.state).toBe('WRAP_UP');
    expect(timers.cancelled).toEqual([]);
    expect(await db.store.getAgentStatus(AGENT)).toMatchObject({ name: 'Wrap Up' });

    clock.set(DEADLINE);
    const outcome = await endOnTimer(deps, timerOf(session));
    expect(outcome.session).toMatchObject({ endReason: 'TIMER', systemWrapUp: true, restore: 'DONE' });
    expect(routableCalls()).toHaveLength(1);
  });

  it('R8, R11: a report repeating a kept status (a heartbeat, a contact changing state) costs no request on the instance that kept it; a newer status is written and acts', async () => {
    const puts: string[] = [];
    const store = Object.create(db.store) as SessionStore;
    store.putAgentStatus = async (agentId, status, expiresAt) => {
      puts.push(status.name);
      return db.store.putAgentStatus(agentId, status, expiresAt);
    };
    const counted: App = { ...app, deps: { ...deps, store } };
    const handle = makeAgentEventsHandler(counted);
    const available = agentEvent({
      status: 'Available',
      since: '2026-03-02T08:50:00.000Z',
      eventTime: '2026-03-02T08:50:00.000Z',
    });
    const heartbeat = { ...available, EventType: 'HEART_BEAT', EventTimestamp: '2026-03-02T08:52:00.000Z' };

    await handle(batch(kinesisRecord(available)));
    await handle(batch(kinesisRecord(heartbeat), kinesisRecord(available)));
    expect(puts).toEqual(['Available']);

    await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');
    await handle(batch(kinesisRecord(agentEvent({ status: 'Lunch', since: '2026-03-02T09:00:30.000Z' }))));
    expect(puts).toEqual(['Available', 'Lunch']);
    expect((await stored())?.endReason).toBe('STATUS_CHANGED');

    // Another instance has kept nothing: it asks the table, which refuses the old status.
    await makeAgentEventsHandler(counted)(batch(kinesisRecord(heartbeat)));
    expect(puts).toEqual(['Available', 'Lunch', 'Available']);
    expect(await db.store.getAgentStatus(AGENT)).toMatchObject({ name: 'Lunch' });
  });

  it('R8: a kept status is trusted for an hour and for the 20,000 agents reported last', () => {
    const kept = new KeptStatuses(2, 3_600_000);
    kept.keep('a', 1_000, 0);
    kept.keep('b', 1_000, 0);
    expect(kept.isStale('a', 1_000, 10)).toBe(true);
    expect(kept.isStale('a', 999, 10)).toBe(true);
    expect(kept.isStale('a', 1_001, 10)).toBe(false);
    expect(kept.isStale('a', 1_000, 3_600_000)).toBe(false);
    // A refused older report never lowers what is kept.
    kept.keep('a', 500, 20);
    expect(kept.isStale('a', 1_000, 30)).toBe(true);
    // A third agent: the least recently reported ('b') is forgotten.
    kept.keep('c', 1_000, 40);
    expect(kept.isStale('b', 1_000, 50)).toBe(false);
    expect(kept.isStale('a', 1_000, 50)).toBe(true);
    expect(new KeptStatuses().isStale('x', 0, 0)).toBe(false);
  });

  it('R8: a stale report (a status entered before the agent was held) ends nothing', async () => {
    await wrapUp();

    await makeAgentEventsHandler(app)(
      batch(kinesisRecord(agentEvent({ status: 'Lunch', since: '2026-03-02T08:59:00.000Z' }))),
    );

    expect((await stored())?.state).toBe('WRAP_UP');
    expect(timers.cancelled).toEqual([]);
    expect(routableCalls()).toEqual([]);
  });

  it('R11: going Offline ends nothing; the timer then closes the wrap-up AGENT_OFFLINE, without a restore', async () => {
    const session = await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');

    await makeAgentEventsHandler(app)(
      batch(kinesisRecord(agentEvent({ status: 'Offline', since: '2026-03-02T09:00:30.000Z' }))),
    );

    expect((await stored())?.state).toBe('WRAP_UP');
    expect(timers.cancelled).toEqual([]);

    clock.set(DEADLINE);
    const outcome = await endOnTimer(deps, timerOf(session));

    expect(outcome.kind).toBe('CLOSED');
    expect(await stored()).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'AGENT_OFFLINE',
      systemWrapUp: true,
      restore: 'SKIPPED',
      endedAt: DEADLINE,
    });
    expect(routableCalls()).toEqual([]);
  });

  it('R11: a LOGOUT counts as Offline, whatever its snapshot still says', async () => {
    const session = await wrapUp();

    await makeAgentEventsHandler(app)(
      batch(
        kinesisRecord(
          agentEvent({
            eventType: 'LOGOUT',
            status: 'Wrap Up',
            since: '2026-03-02T09:00:03.000Z',
            eventTime: '2026-03-02T09:00:40.000Z',
          }),
        ),
      ),
    );

    expect((await stored())?.state).toBe('WRAP_UP');
    expect(await db.store.getAgentStatus(AGENT)).toEqual({
      name: 'Offline',
      since: '2026-03-02T09:00:40.000Z',
    });

    clock.set(DEADLINE);
    await endOnTimer(deps, timerOf(session));

    expect(await stored()).toMatchObject({ endReason: 'AGENT_OFFLINE', restore: 'SKIPPED' });
    expect(routableCalls()).toEqual([]);
  });

  it('R16: malformed records (not JSON, no AgentARN, a bad timestamp) are kept with an error naming the field; the records after them are still handled', async () => {
    await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');
    const deadLetters = new RecordingDeadLetters();
    const notJson = 'this is not JSON';
    const noArn = agentEvent();
    delete noArn.AgentARN;
    const badTime = agentEvent({ eventTime: 'half past nine' });
    const bodies = [notJson, JSON.stringify(noArn), JSON.stringify(badTime)];

    const response = await makeAgentEventsHandler({ ...app, deadLetters })(
      batch(...bodies.map(kinesisRecord), kinesisRecord(agentEvent({ status: 'Lunch' }))),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.kept).toEqual([
      {
        source: 'agent-events',
        body: notJson,
        error: expect.stringMatching(/^Not an Amazon Connect agent event: \(root\)/),
      },
      { source: 'agent-events', body: bodies[1], error: expect.stringContaining('AgentARN') },
      {
        source: 'agent-events',
        body: bodies[2],
        error: expect.stringContaining('EventTimestamp must be an ISO-8601 timestamp'),
      },
    ]);
    // The good record behind them was handled.
    expect((await stored())?.endReason).toBe('STATUS_CHANGED');
  });

  it('R16: a malformed record changes no state', async () => {
    await wrapUp();
    const deadLetters = new RecordingDeadLetters();
    const badStart = agentEvent({ status: 'Lunch', since: 'soon' });

    await makeAgentEventsHandler({ ...app, deadLetters })(batch(kinesisRecord(badStart)));

    expect(deadLetters.kept.map((k) => k.error)).toEqual([
      expect.stringContaining('CurrentAgentSnapshot.AgentStatus.StartTimestamp'),
    ]);
    expect((await stored())?.state).toBe('WRAP_UP');
    expect(await db.store.getAgentStatus(AGENT)).toBeUndefined();
  });

  it('R16: without a dead-letter sink, a malformed record is the single failure and the records after it wait (Kinesis resumes from it)', async () => {
    await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');
    const before = kinesisRecord(agentEvent({ agentId: 'agent-before', status: 'Break' }));
    const bad = kinesisRecord('{"EventType":"STATE_CHANGE"}');
    const after = kinesisRecord(agentEvent({ status: 'Lunch' }));

    const response = await makeAgentEventsHandler(app)(batch(before, bad, after));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.kinesis.sequenceNumber }] });
    expect(await db.store.getAgentStatus('agent-before')).toMatchObject({ name: 'Break' });
    expect(await db.store.getAgentStatus(AGENT)).toBeUndefined();
    expect((await stored())?.state).toBe('WRAP_UP');
    expect(log.lines.find((l) => l.level === 'error')?.fields).toMatchObject({
      sequenceNumber: bad.kinesis.sequenceNumber,
    });
  });

  it('R16: a malformed record that cannot be kept is the single failure, so it is never lost', async () => {
    const deadLetters = new RecordingDeadLetters();
    deadLetters.failNext = 1;
    const bad = kinesisRecord('not JSON');
    const after = kinesisRecord(agentEvent({ status: 'Lunch' }));

    const response = await makeAgentEventsHandler({ ...app, deadLetters })(batch(bad, after));

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.kinesis.sequenceNumber }] });
    expect(deadLetters.kept).toEqual([]);
    expect(await db.store.getAgentStatus(AGENT)).toBeUndefined();
  });

  it('R15, R16: when the store fails, that record is the single failure and the records after it are not handled', async () => {
    const failing = failingFor(db.store, 'agent-broken');
    const failingApp: App = { ...app, deps: { ...deps, store: failing } };
    const first = kinesisRecord(agentEvent({ agentId: 'agent-first', status: 'Break' }));
    const broken = kinesisRecord(agentEvent({ agentId: 'agent-broken', status: 'Break' }));
    const after = kinesisRecord(agentEvent({ agentId: 'agent-after', status: 'Break' }));

    const deadLetters = new RecordingDeadLetters();

    const response = await makeAgentEventsHandler({ ...failingApp, deadLetters })(
      batch(first, broken, after),
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: broken.kinesis.sequenceNumber }] });
    // A failure that may pass on a retry is not a malformed record: it is retried, not kept.
    expect(deadLetters.kept).toEqual([]);
    expect(await db.store.getAgentStatus('agent-first')).toMatchObject({ name: 'Break' });
    expect(await db.store.getAgentStatus('agent-after')).toBeUndefined();
  });

  it('events of another instance change nothing', async () => {
    await wrapUp();
    clock.set('2026-03-02T09:00:31.000Z');

    const response = await makeAgentEventsHandler(app)(
      batch(kinesisRecord(agentEvent({ instanceArn: OTHER_INSTANCE, status: 'Lunch' }))),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect((await stored())?.state).toBe('WRAP_UP');
    expect(await db.store.getAgentStatus(AGENT)).toBeUndefined();
    expect(timers.cancelled).toEqual([]);
  });
});

/** The store, except that keeping `agentId`'s status fails like a DynamoDB outage. */
function failingFor(store: SessionStore, agentId: string): SessionStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'putAgentStatus') {
        return (
          id: string,
          ...rest: Parameters<SessionStore['putAgentStatus']> extends [string, ...infer R] ? R : never
        ) => {
          if (id === agentId) return Promise.reject(new Error('ProvisionedThroughputExceededException'));
          return target.putAgentStatus(id, ...rest);
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
