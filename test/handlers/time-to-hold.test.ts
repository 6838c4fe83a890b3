/**
 * R15: the contact-events handler publishes TimeToHoldMs, the time from a disconnect to the agent's
 * wrap-up status, once per hold, as one series (the service its only dimension) the stack alarms on.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { closeBySystem, markHeld, openSession, type Session } from '../../lambda/core/session';
import { makeContactEventsHandler } from '../../lambda/handlers/contact-events';
import { timeToHoldMs } from '../../lambda/handlers/outcome';
import type { App } from '../../lambda/handlers/runtime';
import { useSessionStore } from '../support/dynamo';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import { type FakeClock, type RecordingAgents, testDeps } from '../support/fakes';
import { sqsRecord } from '../support/sqs';

type Emf = ReturnType<Metrics['serializeMetrics']>;

let clock: FakeClock;
let agents: RecordingAgents;
let app: App;
/** The EMF documents the handler published, one per flush. */
let published: Emf[];

const db = useSessionStore();
beforeEach(() => {
  let deps: Deps;
  ({ clock, agents, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
  const metrics = new Metrics({ namespace: 'ConnectAcw', serviceName: 'connect-acw' });
  published = [];
  // The document Powertools would write to stdout, kept here instead.
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    if (metrics.hasStoredMetrics()) published.push(metrics.serializeMetrics());
    metrics.clearMetrics();
    metrics.clearDimensions();
    return metrics;
  });
  app = {
    deps,
    config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) },
    metrics,
  };
});

function batch(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** Every TimeToHoldMs value published, in order. */
function timesToHold(): number[] {
  return published.flatMap((emf) => {
    const value = emf.TimeToHoldMs;
    if (value === undefined) return [];
    return Array.isArray(value) ? value.map(Number) : [Number(value)];
  });
}

describe('TimeToHoldMs (contact-events handler)', () => {
  it('R15: a disconnect that holds the agent publishes the time from its disconnectTimestamp to the wrap-up status', async () => {
    const handler = makeContactEventsHandler(app);

    await handler(
      batch(sqsRecord('m-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );

    expect(agents.calls.map((call) => call.status)).toEqual(['WRAP_UP']);
    expect(timesToHold()).toEqual([2000]);
  });

  it('R15: TimeToHoldMs is one series in ConnectAcw, in milliseconds, its only dimension the service: no contact or agent id', async () => {
    const handler = makeContactEventsHandler(app);

    await handler(
      batch(sqsRecord('m-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );

    const [emf] = published;
    const directive = emf?._aws.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('ConnectAcw');
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(directive?.Metrics).toContainEqual({ Name: 'TimeToHoldMs', Unit: 'Milliseconds' });
    expect(emf?.service).toBe('connect-acw');
    expect(JSON.stringify(emf)).not.toContain('h-1');
    expect(JSON.stringify(emf)).not.toContain('87654321-4321-4321-4321-210987654321');
  });

  it('R15: each hold of a batch is one value, its own time', async () => {
    const handler = makeContactEventsHandler(app);

    await handler(
      batch(
        sqsRecord('m-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' })),
        sqsRecord('m-2', rawDisconnect({ contactId: 'h-2', disconnectedAt: '2026-03-02T08:59:59.500Z' })),
      ),
    );

    expect(timesToHold().sort((a, b) => a - b)).toEqual([2000, 2500]);
  });

  it('R14, R15: a duplicate of the disconnect holds nobody again and publishes no second value', async () => {
    const handler = makeContactEventsHandler(app);
    const event = rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' });

    await handler(batch(sqsRecord('m-1', event)));
    clock.advance(5000);
    await handler(batch(sqsRecord('m-2', event)));

    expect(agents.calls).toHaveLength(1);
    expect(timesToHold()).toEqual([2000]);
  });

  it('R15: a hold refused by Connect publishes nothing; the retry that holds the agent publishes the whole wait, from the disconnect', async () => {
    const handler = makeContactEventsHandler(app);
    const event = rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' });
    agents.failNext = 1;

    const first = await handler(batch(sqsRecord('m-1', event)));
    const afterFailure = timesToHold();
    clock.advance(30_000);
    await handler(batch(sqsRecord('m-1', event)));

    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(afterFailure).toEqual([]);
    expect(timesToHold()).toEqual([32_000]);
  });

  it('R15: an event that arrives after its wrap-up would have ended holds nobody and publishes no time to hold', async () => {
    const handler = makeContactEventsHandler(app);
    // The default policy is 90 s: this disconnect's wrap-up ended a minute ago.
    clock.set('2026-03-02T09:02:30.000Z');

    await handler(
      batch(sqsRecord('m-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );

    expect(agents.calls.filter((call) => call.status === 'WRAP_UP')).toEqual([]);
    expect(published.flatMap((emf) => Object.keys(emf))).toContain('OutcomeLATE');
    expect(timesToHold()).toEqual([]);
  });
});

describe('timeToHoldMs', () => {
  const disconnectedAt = new Date('2026-03-02T09:00:00.000Z');
  const open: Session = openSession({
    contactId: 'c-1',
    agentId: 'agent-1',
    instanceArn: INSTANCE_ARN,
    channel: 'CHAT',
    policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 90 },
    policySource: 'default',
    startedAt: disconnectedAt,
    now: new Date('2026-03-02T09:00:01.000Z'),
  });
  const held = markHeld(open, new Date('2026-03-02T09:00:03.250Z'), true, true);

  it.each([
    ['STARTED, held: 3250 ms', { kind: 'STARTED', session: held } as const, 3250],
    ['RESUMED, held by the retry: 3250 ms', { kind: 'RESUMED', session: held } as const, 3250],
    [
      'STARTED, the status not set',
      { kind: 'STARTED', session: markHeld(open, disconnectedAt, false, true) } as const,
      undefined,
    ],
    [
      'RESUMED, closed (a late duplicate finishing a close): none',
      {
        kind: 'RESUMED',
        session: closeBySystem(held, new Date('2026-03-02T09:01:30.000Z'), 'TIMER'),
      } as const,
      undefined,
    ],
    [
      'CLOSED',
      {
        kind: 'CLOSED',
        session: closeBySystem(held, new Date('2026-03-02T09:01:30.000Z'), 'TIMER'),
      } as const,
      undefined,
    ],
    ['IGNORED duplicate: none', { kind: 'IGNORED', reason: 'DUPLICATE', session: held } as const, undefined],
  ])('R15: %s', (_name, outcome, expected) => {
    expect(timeToHoldMs(outcome)).toBe(expected);
  });
});
