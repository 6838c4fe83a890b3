/**
 * The project's SQS queues: always encrypted (SQS managed SSE), TLS only, and kept for the
 * longest retention when they hold failures.
 */
import { Duration } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type DeadLetterQueue, Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../lambda/handlers/env';
import type { AcwFunction } from './acw-function';
import { acknowledgeRule } from './nag';

/** A queue with a name for its alarm, for monitoring. */
export interface NamedQueue {
  /** Stable name, used in the alarm's construct id. */
  readonly name: string;
  /** The queue. */
  readonly queue: Queue;
}

/** Longest time SQS keeps a message: failures wait there for someone to look. */
const FOURTEEN_DAYS = Duration.days(14);

/**
 * A queue where failed deliveries end up. `usedBy` names the service that puts them there when it
 * is not a queue redriving into it (Scheduler, a Lambda destination, an EventBridge target), which
 * cdk-nag's SQS3 cannot see, so the rule is acknowledged with that.
 *
 * Its `RedriveAllowPolicy` says it is a dead-letter queue (Control Tower's CT.SQS.PR.1 asks every
 * other queue for a dead-letter queue of its own). It is `allowAll`, SQS's own default made
 * explicit: `byQueue` would name the source queue's ARN while the source names this queue's, a
 * cycle CloudFormation refuses, and only queues of this account and Region can name it anyway.
 */
export function deadLetterQueue(scope: Construct, id: string, usedBy?: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: FOURTEEN_DAYS,
    redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
  });
  if (usedBy !== undefined) {
    acknowledgeRule(
      queue,
      'SQS3',
      `This queue is itself a dead-letter queue: ${usedBy}. A dead-letter queue of a dead-letter queue would only ` +
        'move the same messages again; its depth alarm is the follow-up.',
    );
  }
  return queue;
}

/** A working queue with its dead-letter queue. */
export function workQueue(
  scope: Construct,
  id: string,
  props: { readonly visibilityTimeout: Duration; readonly deadLetterQueue: DeadLetterQueue },
): Queue {
  return new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: props.visibilityTimeout,
    deadLetterQueue: props.deadLetterQueue,
  });
}

/**
 * R16: lets `fn` keep the records it refuses in `queue` (its source's dead-letter queue): sets
 * `DEAD_LETTER_QUEUE_URL` and grants `sqs:SendMessage` on that queue only. The project's queues
 * are encrypted with SQS-managed keys, so no KMS grant is needed.
 */
export function grantKeepRefused(fn: AcwFunction, queue: Queue): void {
  fn.addEnvironment(ENV.deadLetterQueueUrl, queue.queueUrl);
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}
