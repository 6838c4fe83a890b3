import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { makeContactEventsHandler } from '../../lambda/handlers/contact-events';
import type { App } from '../../lambda/handlers/runtime';
import { makeTimerDueHandler } from '../../lambda/handlers/timer-due';
import { makeTimerFiredHandler } from '../../lambda/handlers/timer-fired';
import { RecordingDeadLetters } from '../support/dead-letters';
import { useSessionStore } from '../support/dynamo';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import {
  type FakeClock,
  type RecordingAgents,
  type RecordingLog,
  type RecordingTimers,
  testDeps,
} from '../support/fakes';
import { sqsRecord } from '../support/sqs';

const AGENT = '87654321-4321-4321-4321-210987654321';
let clock: FakeClock;
let agents: RecordingAgents;
let timers: RecordingTimers;
let log: RecordingLog;
let app: App;

const db = useSessionStore();
beforeEach(() => {
  let deps: Deps;
  ({ clock, agents, timers, log, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
  app = { deps, config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) } };
});

function batch(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

describe('contact-events handler', () => {
  it('R16: a malformed record is kept in the dead-letter queue at once and acknowledged; the good records of its batch start their wrap-ups', async () => {
    const deadLetters = new RecordingDeadLetters();
    const body = '{"detail-type":"Amazon Connect Contact Event"}';

    const response = await makeContactEventsHandler({ ...app, deadLetters })(
      batch(
        sqsRecord('good-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' })),
        sqsRecord('bad', body),
        sqsRecord('good-2', rawDisconnect({ contactId: 'h-2', disconnectedAt: '2026-03-02T09:00:00Z' })),
      ),
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.kept).toEqual([
      {
        source: 'contact-events',
        body,
        error: expect.stringMatching(/Not an Amazon Connect contact event: .*detail/),
      },
    ]);
    expect((await db.store.get('h-1', AGENT))?.state).toBe('WRAP_UP');
    expect((await db.store.get('h-2', AGENT))?.state).toBe('WRAP_UP');
    const refusal = log.lines.find((l) => l.level === 'error');
    expect(refusal?.message).toMatch(/refused and kept/);
    expect(refusal?.fields).toMatchObject({ messageId: 'bad', source: 'contact-events' });
  });

  it('R16: a malformed record changes nothing: no session, no status, no timer', async () => {
    const deadLetters = new RecordingDeadLetters();
    const noContactId = rawDisconnect({ contactId: 'h-x', disconnectedAt: '2026-03-02T09:00:00Z' });
    delete (noContactId.detail as Record<string, unknown>).contactId;
    const badTime = rawDisconnect({ contactId: 'h-y', disconnectedAt: 'yesterday' });

    const response = await makeContactEventsHandler({ ...app, deadLetters })(
      batch(sqsRecord('b-1', noContactId), sqsRecord('b-2', badTime)),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters.kept.map((k) => k.error)).toEqual([
      expect.stringContaining('detail.contactId'),
      expect.stringContaining('detail.disconnectTimestamp must be an ISO-8601 timestamp'),
    ]);
    expect(await db.store.get('h-y', AGENT)).toBeUndefined();
    expect(await db.store.listOpen()).toEqual([]);
    expect(agents.calls).toEqual([]);
    expect(timers.armed).toEqual([]);
    expect(timers.deferred).toEqual([]);
  });

  it('R16: a refused contact event is logged by message id and error, never with its phone numbers', async () => {
    const deadLetters = new RecordingDeadLetters();
    const event = rawDisconnect({ contactId: 'h-p', disconnectedAt: 'not a time' });

    await makeContactEventsHandler({ ...app, deadLetters })(batch(sqsRecord('p', event)));

    expect(deadLetters.kept[0]?.body).toContain('+11234567890');
    expect(JSON.stringify(log.lines)).not.toContain('+11234567890');
  });

  it('R16: a malformed record that cannot be kept is failed and retried, so it is never lost', async () => {
    const deadLetters = new RecordingDeadLetters();
    deadLetters.failNext = 1;

    const response = await makeContactEventsHandler({ ...app, deadLetters })(
      batch(
        sqsRecord('bad', 'nope'),
        sqsRecord('good', rawDisconnect({ contactId: 'h-k', disconnectedAt: '2026-03-02T09:00:00Z' })),
      ),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(deadLetters.kept).toEqual([]);
    expect((await db.store.get('h-k', AGENT))?.state).toBe('WRAP_UP');
    expect(log.lines.find((l) => l.level === 'error')?.fields?.keepError).toMatchObject({
      message: 'SQS unavailable',
    });
  });

  it('R15: a record that fails for another reason is retried, not kept, even with a dead-letter sink', async () => {
    const deadLetters = new RecordingDeadLetters();
    agents.failNext = 1;

    const response = await makeContactEventsHandler({ ...app, deadLetters })(
      batch(
        sqsRecord('throttled', rawDisconnect({ contactId: 'h-t', disconnectedAt: '2026-03-02T09:00:00Z' })),
      ),
    );

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throttled' }]);
    expect(deadLetters.kept).toEqual([]);
  });

  it('R16: without a dead-letter sink a malformed record fails alone; the good records of its batch start their wrap-ups', async () => {
    const handler = makeContactEventsHandler(app);
    const response = await handler(
      batch(
        sqsRecord('good-1', rawDisconnect({ contactId: 'h-1', disconnectedAt: '2026-03-02T09:00:00Z' })),
        sqsRecord('bad', '{"detail-type":"Amazon Connect Contact Event"}'),
        sqsRecord('good-2', rawDisconnect({ contactId: 'h-2', disconnectedAt: '2026-03-02T09:00:00Z' })),
      ),
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect((await db.store.get('h-1', AGENT))?.state).toBe('WRAP_UP');
    expect((await db.store.get('h-2', AGENT))?.state).toBe('WRAP_UP');
    const failure = log.lines.find((l) => l.level === 'error');
    expect(failure?.fields?.messageId).toBe('bad');
    expect(JSON.stringify(failure?.fields)).toMatch(/Not an Amazon Connect contact event/);
  });

  it('R15: a record whose Connect call fails is reported for retry, the rest of the batch goes on', async () => {
    agents.failNext = 1;
    const response = await makeContactEventsHandler(app)(
      batch(
        sqsRecord('throttled', rawDisconnect({ contactId: 'h-3', disconnectedAt: '2026-03-02T09:00:00Z' })),
        sqsRecord('fine', rawDisconnect({ contactId: 'h-4', disconnectedAt: '2026-03-02T09:00:00Z' })),
      ),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throttled' }]);
    expect((await db.store.get('h-4', AGENT))?.wrapUpStatusSet).toBe(true);
  });

  it('logs each outcome keyed by contactId and agentId, never the customer phone number', async () => {
    await makeContactEventsHandler(app)(
      batch(sqsRecord('m', rawDisconnect({ contactId: 'h-5', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );
    const started = log.lines.find((l) => l.fields?.outcome === 'STARTED');
    expect(started?.fields).toMatchObject({ contactId: 'h-5', agentId: AGENT });
    expect(JSON.stringify(log.lines)).not.toContain('+11234567890');
  });
});

describe('timer handlers', () => {
  it('R13: timer-fired, a minute early, hands the timer to the due queue', async () => {
    await makeContactEventsHandler(app)(
      batch(sqsRecord('m', rawDisconnect({ contactId: 'h-6', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );
    clock.set('2026-03-02T09:00:41.000Z');
    const payload = { contactId: 'h-6', agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' };
    await makeTimerFiredHandler(app)(payload);
    expect(timers.deferred.map((d) => d.delaySeconds)).toEqual([48]);
    expect((await db.store.get('h-6', AGENT))?.state).toBe('WRAP_UP');
  });

  it('R16: timer-fired keeps a malformed payload in its failure queue at once and ends normally (no retries)', async () => {
    const deadLetters = new RecordingDeadLetters();

    await makeTimerFiredHandler({ ...app, deadLetters })({ contactId: 'x' }, { awsRequestId: 'req-1' });

    expect(deadLetters.kept).toEqual([
      {
        source: 'timer-fired',
        body: '{"contactId":"x"}',
        error: expect.stringMatching(/Not a wrap-up timer: .*agentId/),
      },
    ]);
    expect(log.lines.find((l) => l.level === 'error')?.fields).toMatchObject({ requestId: 'req-1' });
    expect(timers.deferred).toEqual([]);
  });

  it('R16: timer-fired throws on a malformed payload it cannot keep, so Lambda retries it and then keeps it', async () => {
    const deadLetters = new RecordingDeadLetters();
    deadLetters.failNext = 1;

    await expect(makeTimerFiredHandler({ ...app, deadLetters })({ contactId: 'x' })).rejects.toThrow(
      /Not a wrap-up timer/,
    );
    await expect(makeTimerFiredHandler(app)({ contactId: 'x' })).rejects.toThrow(/Not a wrap-up timer/);
  });

  it('R16: timer-due keeps a malformed timer at once and acknowledges it', async () => {
    const deadLetters = new RecordingDeadLetters();

    const response = await makeTimerDueHandler({ ...app, deadLetters })(
      batch(sqsRecord('t-bad', { contactId: 'c', agentId: AGENT, deadline: 'soon' })),
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(deadLetters.kept).toEqual([
      {
        source: 'timer-due',
        body: JSON.stringify({ contactId: 'c', agentId: AGENT, deadline: 'soon' }),
        error: expect.stringContaining('deadline must be an ISO-8601 UTC timestamp'),
      },
    ]);
    expect(agents.calls).toEqual([]);
  });

  it('R7: timer-due at the deadline closes the session and restores the agent; bad records fail alone without a sink', async () => {
    await makeContactEventsHandler(app)(
      batch(sqsRecord('m', rawDisconnect({ contactId: 'h-7', disconnectedAt: '2026-03-02T09:00:00Z' }))),
    );
    clock.set('2026-03-02T09:01:29.600Z');
    const response = await makeTimerDueHandler(app)(
      batch(
        sqsRecord('t-bad', 'nope'),
        sqsRecord('t-ok', { contactId: 'h-7', agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' }),
      ),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 't-bad' }]);
    expect(await db.store.get('h-7', AGENT)).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'TIMER',
      endedAt: '2026-03-02T09:01:30.000Z',
    });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
  });
});
