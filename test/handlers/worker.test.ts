/**
 * R15: the wrap-up worker is the contact events' and the due timers' function, so that the holds
 * and the restores wait in one line for PutUserStatus. Each record goes to its queue's handler.
 */
import type { SQSRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import type { App } from '../../lambda/handlers/runtime';
import { makeWorkerHandler, queueNameOfUrl } from '../../lambda/handlers/worker';
import { RecordingDeadLetters } from '../support/dead-letters';
import { useSessionStore } from '../support/dynamo';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import { type FakeClock, type RecordingAgents, testDeps } from '../support/fakes';
import { sqsRecord } from '../support/sqs';

const AGENT = '87654321-4321-4321-4321-210987654321';
const DUE_QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/111122223333/acw-due';
const DUE_ARN = 'arn:aws:sqs:us-west-2:111122223333:acw-due';
const INTAKE_ARN = 'arn:aws:sqs:us-west-2:111122223333:acw-intake';

let clock: FakeClock;
let agents: RecordingAgents;
let app: App;
const db = useSessionStore();
beforeEach(() => {
  let deps: Deps;
  ({ clock, agents, deps } = testDeps(db.store, '2026-03-02T09:00:02.000Z'));
  app = { deps, config: { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({}).policies) } };
});

function from(arn: string, record: SQSRecord): SQSRecord {
  return { ...record, eventSourceARN: arn };
}

describe('wrap-up worker (R15: one function, one PutUserStatus line)', () => {
  it('R15: the queue name is the last part of the due queue URL', () => {
    expect(queueNameOfUrl(DUE_QUEUE_URL)).toBe('acw-due');
    expect(() => queueNameOfUrl('https://sqs.us-west-2.amazonaws.com/111122223333/')).toThrow(
      'Not an SQS queue URL',
    );
  });

  it('R1, R7, R15: a contact event from the intake holds the agent; the due timer from the due queue restores them, on the same app', async () => {
    const worker = makeWorkerHandler(app, queueNameOfUrl(DUE_QUEUE_URL));

    const started = await worker({
      Records: [
        from(
          INTAKE_ARN,
          sqsRecord('e-1', rawDisconnect({ contactId: 'w-1', disconnectedAt: '2026-03-02T09:00:00Z' })),
        ),
      ],
    });
    clock.set('2026-03-02T09:01:29.600Z');
    const ended = await worker({
      Records: [
        from(
          DUE_ARN,
          sqsRecord('t-1', { contactId: 'w-1', agentId: AGENT, deadline: '2026-03-02T09:01:30.000Z' }),
        ),
      ],
    });

    expect(started).toEqual({ batchItemFailures: [] });
    expect(ended).toEqual({ batchItemFailures: [] });
    expect(agents.calls.map((c) => c.status)).toEqual(['WRAP_UP', 'ROUTABLE']);
    expect(await db.store.get('w-1', AGENT)).toMatchObject({ state: 'CLOSED_COMPLETE', endReason: 'TIMER' });
    // The line's due times: the hold 5 s after the disconnect, the restore 1.9 s after the end,
    // announced by its timer 400 ms ahead of the deadline.
    expect(agents.dueBy).toEqual(['2026-03-02T09:00:05.000Z', '2026-03-02T09:01:31.900Z']);
    expect(agents.announced).toEqual([{ at: '2026-03-02T09:01:30.000Z', dueBy: '2026-03-02T09:01:31.900Z' }]);
  });

  it("R16: a malformed record is refused by its own queue's handler: a timer as timer-due, an event as contact-events", async () => {
    const deadLetters = new RecordingDeadLetters();
    const worker = makeWorkerHandler({ ...app, deadLetters }, 'acw-due');
    const timer = { contactId: 'c', agentId: AGENT, deadline: 'soon' };

    const response = await worker({
      Records: [from(DUE_ARN, sqsRecord('t-bad', timer)), from(INTAKE_ARN, sqsRecord('e-bad', timer))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters.kept.map((letter) => letter.source).sort()).toEqual(['contact-events', 'timer-due']);
    expect(deadLetters.kept.find((letter) => letter.source === 'timer-due')?.error).toContain(
      'deadline must be an ISO-8601 UTC timestamp',
    );
    expect(agents.calls).toEqual([]);
  });

  it('R16: failures of both handlers are reported together, each record alone', async () => {
    const worker = makeWorkerHandler(app, 'acw-due');

    const response = await worker({
      Records: [from(DUE_ARN, sqsRecord('t-bad', 'nope')), from(INTAKE_ARN, sqsRecord('e-bad', 'nope'))],
    });

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual([
      'e-bad',
      't-bad',
    ]);
  });
});
