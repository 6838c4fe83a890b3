/**
 * Intake of Amazon Connect contact events (R1, R9, R10, R16): an EventBridge rule on the default
 * bus matches this instance's DISCONNECTED (an agent's leg ended: wrap-up starts),
 * CONNECTED_TO_AGENT and INITIATED (an agent in wrap-up took or started another contact: it is
 * interrupted) contact events and puts them in an SQS queue, which the wrap-up worker function
 * reads in batches with partial batch responses. The worker also reads the due queue
 * (`WrapUpTimers.consumeDue`): one function makes the holds and the restores, one line for
 * PutUserStatus's quota (R15).
 *
 * Nothing is dropped (R15): EventBridge retries delivery to the queue and then keeps the event in
 * the rule's dead-letter queue; a record the function fails five times goes to the queue's
 * dead-letter queue, and a malformed record goes there at once, with the error that names what is
 * wrong (R16).
 */
import { Duration, Token } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INSTANCE_ARN } from '../lambda/core/connect-arns';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { MAX_RECEIVE_COUNT, VISIBILITY_PER_TIMEOUT, WORKER_TIMEOUT_SECONDS } from './queue-settings';
import { deadLetterQueue, grantKeepRefused, type NamedQueue, workQueue } from './queues';

/** Properties of the contact event intake. */
export interface ContactEventIntakeProps {
  /** Settings shared by every ACW function. */
  readonly functionSettings: AcwFunctionSettings;
  /** The Amazon Connect instance whose events are taken (usually the `ConnectInstanceArn` parameter). */
  readonly instanceArn: string;
  /**
   * The worker function's timeout; the intake queue's visibility timeout is twice this.
   * @default Duration.seconds(30)
   */
  readonly functionTimeout?: Duration;
  /**
   * Receives of a record before it goes to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Records per invocation (1-10: there is no batching window).
   * @default 10
   */
  readonly batchSize?: number;
  /**
   * Most concurrent invocations reading the queue (2-1000).
   * @default 10
   */
  readonly maxConcurrency?: number;
  /**
   * EventBridge's retries of a delivery to the queue before the rule's dead-letter queue.
   * @default 20
   */
  readonly ruleRetryAttempts?: number;
  /**
   * How long EventBridge keeps retrying one event.
   * @default Duration.hours(2)
   */
  readonly ruleMaxEventAge?: Duration;
}

/** Connect contact events, as EventBridge names them. */
export const CONTACT_EVENT_SOURCE = 'aws.connect';
export const CONTACT_EVENT_DETAIL_TYPE = 'Amazon Connect Contact Event';
/**
 * The contact events the intake takes (the rule's `$or` on `detail`): DISCONNECTED starts a
 * wrap-up (R1); CONNECTED_TO_AGENT, and INITIATED of an agent's outbound contact, end one the
 * agent is in (R10, R9). An inbound INITIATED names no agent yet: it is not taken.
 */
export const CONTACT_EVENT_FILTER = [
  { eventType: ['DISCONNECTED', 'CONNECTED_TO_AGENT'] },
  { eventType: ['INITIATED'], initiationMethod: ['OUTBOUND'] },
];

/** The rule, the intake queue and its dead-letter queues, and the contact-events function. */
export class ContactEventIntake extends Construct {
  /** The rule on the default event bus. */
  readonly rule: Rule;
  /** Where the rule puts matching events. */
  readonly queue: Queue;
  /** Records the function failed `maxReceiveCount` times. */
  readonly queueDeadLetterQueue: Queue;
  /** Events EventBridge could not deliver to the queue. */
  readonly ruleDeadLetterQueue: Queue;
  /** The contact-events function. */
  readonly function: AcwFunction;
  /** The queues that hold failures, for alarms. */
  readonly deadLetterQueues: readonly NamedQueue[];

  constructor(scope: Construct, id: string, props: ContactEventIntakeProps) {
    super(scope, id);
    validate(props);
    const timeout = props.functionTimeout ?? Duration.seconds(WORKER_TIMEOUT_SECONDS);

    this.function = new AcwFunction(this, 'ContactEvents', {
      settings: props.functionSettings,
      entry: handlerEntry('worker'),
      description:
        'Wrap-up worker: Amazon Connect contact events start wrap-up (hold the agent); due timers end it (restore the agent)',
      timeout,
    });

    this.queueDeadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue');
    this.queue = workQueue(this, 'Queue', {
      // Twice the function timeout, not the six Lambda advises: a hold given back comes back within
      // a minute, while it still matters (lib/queue-settings.ts).
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * VISIBILITY_PER_TIMEOUT),
      deadLetterQueue: {
        queue: this.queueDeadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? MAX_RECEIVE_COUNT,
      },
    });
    grantKeepRefused(this.function, this.queueDeadLetterQueue);
    this.ruleDeadLetterQueue = deadLetterQueue(
      this,
      'RuleDeadLetterQueue',
      'EventBridge puts a contact event here when it cannot deliver it to the intake queue',
    );

    // The id is kept from when the rule took DISCONNECTED only: a new id would replace the rule.
    this.rule = new Rule(this, 'DisconnectedRule', {
      description:
        'connect-acw: DISCONNECTED, CONNECTED_TO_AGENT and outbound INITIATED contact events of one Amazon Connect instance',
      eventPattern: {
        source: [CONTACT_EVENT_SOURCE],
        detailType: [CONTACT_EVENT_DETAIL_TYPE],
        detail: {
          instanceArn: [props.instanceArn],
          $or: CONTACT_EVENT_FILTER,
        },
      },
    });
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        deadLetterQueue: this.ruleDeadLetterQueue,
        retryAttempts: props.ruleRetryAttempts ?? 20,
        maxEventAge: props.ruleMaxEventAge ?? Duration.hours(2),
      }),
    );

    this.function.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        reportBatchItemFailures: true,
        // Bounded concurrency (R15): a burst queues here instead of crowding Connect's API quota.
        maxConcurrency: props.maxConcurrency ?? 10,
      }),
    );

    this.deadLetterQueues = [
      { name: 'IntakeDeadLetter', queue: this.queueDeadLetterQueue },
      { name: 'IntakeRuleDeadLetter', queue: this.ruleDeadLetterQueue },
    ];
  }
}

function validate(props: ContactEventIntakeProps): void {
  if (!Token.isUnresolved(props.instanceArn) && !INSTANCE_ARN.test(props.instanceArn)) {
    throw new Error(
      `ContactEventIntake: props.instanceArn must be an Amazon Connect instance ARN, got ${JSON.stringify(props.instanceArn)}`,
    );
  }
  const concurrency = props.maxConcurrency;
  if (
    concurrency !== undefined &&
    (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000)
  ) {
    throw new Error(`ContactEventIntake: props.maxConcurrency must be an integer 2-1000, got ${concurrency}`);
  }
  const timeout = props.functionTimeout?.toSeconds();
  if (timeout !== undefined && (timeout < 1 || timeout > 900)) {
    throw new Error(`ContactEventIntake: props.functionTimeout must be 1-900 seconds, got ${timeout}`);
  }
  const receives = props.maxReceiveCount;
  if (receives !== undefined && (!Number.isInteger(receives) || receives < 1 || receives > 1000)) {
    throw new Error(`ContactEventIntake: props.maxReceiveCount must be an integer 1-1000, got ${receives}`);
  }
  const batch = props.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 10)) {
    throw new Error(`ContactEventIntake: props.batchSize must be an integer 1-10, got ${batch}`);
  }
  const retries = props.ruleRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 185)) {
    throw new Error(`ContactEventIntake: props.ruleRetryAttempts must be an integer 0-185, got ${retries}`);
  }
  const age = props.ruleMaxEventAge?.toSeconds();
  if (age !== undefined && (age < 60 || age > 86_400)) {
    throw new Error(`ContactEventIntake: props.ruleMaxEventAge must be 60-86400 seconds, got ${age}`);
  }
}
