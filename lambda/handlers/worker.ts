/**
 * The wrap-up worker: one function for the contact events (the intake queue) and the due timers
 * (the due queue), so that the holds the first make and the restores the second make wait in one
 * line for PutUserStatus's quota, earliest due first (R15, lambda/core/quota.ts). Two functions
 * would be two lines, each unaware of the other's calls, meeting only when Connect throttles them.
 *
 * Lambda hands it a batch from one event source mapping at a time; the records are told apart by
 * the queue they came from (`eventSourceARN`): the due queue's are timers, and every other record
 * is a contact event (the intake queue is its only other event source). A record that is not what
 * its handler expects is refused by that handler and kept in that queue's dead-letter queue (R16).
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { makeContactEventsHandler } from './contact-events';
import {
  type App,
  connect,
  deadLetters,
  deployedApp,
  dueQueue,
  ENV,
  killSwitch,
  requireEnv,
  schedules,
  sessions,
} from './runtime';
import { makeTimerDueHandler } from './timer-due';

/** The queue name at the end of an SQS queue URL (`https://sqs.../123456789012/name`). */
export function queueNameOfUrl(queueUrl: string): string {
  const name = queueUrl.split('/').pop();
  if (name === undefined || name === '') throw new Error(`Not an SQS queue URL: ${queueUrl}`);
  return name;
}

/** The queue name at the end of an SQS queue ARN (`arn:aws:sqs:region:account:name`). */
function queueNameOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts.length === 6 && parts[2] === 'sqs' ? parts[5] : undefined;
}

/**
 * The worker's handler: records from the queue named `dueQueueName` are due timers, the others
 * contact events from the intake queue. Both run on the same `app`, and so on the same quota line.
 */
export function makeWorkerHandler(app: App, dueQueueName: string) {
  const onContactEvents = makeContactEventsHandler(app);
  const onDue = makeTimerDueHandler(app);
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const due: SQSRecord[] = [];
    const contacts: SQSRecord[] = [];
    for (const record of event.Records) {
      (queueNameOfArn(record.eventSourceARN) === dueQueueName ? due : contacts).push(record);
    }
    // One event source mapping per batch: in practice one of the two is empty.
    const [fromDue, fromContacts] = await Promise.all([
      due.length === 0 ? { batchItemFailures: [] } : onDue({ Records: due }),
      contacts.length === 0 ? { batchItemFailures: [] } : onContactEvents({ Records: contacts }),
    ]);
    return { batchItemFailures: [...fromDue.batchItemFailures, ...fromContacts.batchItemFailures] };
  };
}

const app = deployedApp(sessions, connect, dueQueue, schedules, deadLetters, killSwitch);
let worker: ((event: SQSEvent) => Promise<SQSBatchResponse>) | undefined;

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => {
  worker ??= makeWorkerHandler(app(), queueNameOfUrl(requireEnv(ENV.dueQueueUrl)));
  return worker(event);
};
