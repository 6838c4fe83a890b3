/**
 * R8, R11: the consumer of the instance's agent event stream. The stream is the one Connect
 * already writes to (Data streaming → Agent events): the stack only reads it, with an event
 * source mapping on the agents-events function.
 *
 * Nothing is lost: a record the function fails is retried (the batch resumes from it, in shard
 * order), then sent with its batch's position to the on-failure queue; a malformed record goes to
 * the same queue at once (R16). The queue is alarmed like every dead-letter queue.
 */
import { Duration, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { KINESIS_STREAM_ARN } from '../lambda/config/agent-event-stream';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';
import { deadLetterQueue, grantKeepRefused, type NamedQueue } from './queues';

/** Properties of the agent event stream consumer. */
export interface AgentEventStreamProps {
  /** Settings shared by every ACW function. */
  readonly functionSettings: AcwFunctionSettings;
  /** The Kinesis data stream Connect writes agent events to. */
  readonly streamArn: string;
  /** The stream's KMS key, when it is encrypted with a customer managed key. */
  readonly kmsKeyArn?: string;
  /**
   * Retries of a failing record before its batch's position goes to the on-failure queue.
   * @default 10
   */
  readonly retryAttempts?: number;
  /**
   * Records per invocation.
   * @default 100
   */
  readonly batchSize?: number;
}

export class AgentEventStream extends Construct {
  /** The agent-events function. */
  readonly function: AcwFunction;
  /** Failed batches' positions and malformed records. */
  readonly failureQueue: Queue;
  /** The queues that hold failures, for alarms. */
  readonly deadLetterQueues: readonly NamedQueue[];

  constructor(scope: Construct, id: string, props: AgentEventStreamProps) {
    super(scope, id);
    validate(props);
    this.function = new AcwFunction(this, 'AgentEvents', {
      settings: props.functionSettings,
      entry: handlerEntry('agent-events'),
      description: 'Agent event stream: ends the wrap-up of an agent who chose another status (R8, R11)',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['agent-events']),
    });
    this.failureQueue = deadLetterQueue(
      this,
      'FailureQueue',
      'the on-failure destination of the agent event stream consumer, and where malformed agent events are kept',
    );
    grantKeepRefused(this.function, this.failureQueue);

    const stream = Stream.fromStreamArn(this, 'Stream', props.streamArn);
    this.function.function.addEventSource(
      new KinesisEventSource(stream, {
        startingPosition: StartingPosition.LATEST,
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: Duration.seconds(1),
        // Shard order matters (a newer status must not be overtaken): one batch per shard at a time.
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        retryAttempts: props.retryAttempts ?? 10,
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
    if (props.kmsKeyArn !== undefined) {
      this.function.addToRolePolicy(
        new PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.kmsKeyArn] }),
      );
    }
    this.deadLetterQueues = [{ name: 'AgentEventsFailures', queue: this.failureQueue }];
  }
}

function validate(props: AgentEventStreamProps): void {
  if (!Token.isUnresolved(props.streamArn) && !KINESIS_STREAM_ARN.test(props.streamArn)) {
    throw new Error(
      `AgentEventStream: props.streamArn must be a Kinesis data stream ARN, got ${props.streamArn}`,
    );
  }
  const retries = props.retryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 10_000)) {
    throw new Error(`AgentEventStream: props.retryAttempts must be an integer 0-10000, got ${retries}`);
  }
  const batch = props.batchSize;
  if (batch !== undefined && (!Number.isInteger(batch) || batch < 1 || batch > 10_000)) {
    throw new Error(`AgentEventStream: props.batchSize must be an integer 1-10000, got ${batch}`);
  }
}
