/**
 * Simulated SQS queues feeding Lambda (event source mapping, batch size 1, partial batch
 * responses), and the SQS client behind the SDK's `send(command)`:
 *
 * - SendMessage with DelaySeconds arrives after the delay plus a seeded latency (0-300 ms);
 * - a record reported in `batchItemFailures` (or a handler that throws) becomes visible again
 *   after the visibility timeout, up to `maxReceiveCount` receives, then goes to the dead-letter
 *   list (the queue's redrive policy).
 *
 * Faults, for messages sent with SendMessage (the due queue's timers): `lostTimerRate`, a message
 * is accepted but never delivered; `duplicateRate`, it is delivered twice (at least once), the
 * copy a few seconds after the first.
 */
import { createHash } from 'node:crypto';
import {
  InvalidMessageContents,
  QueueDoesNotExist,
  SendMessageCommand,
  type SendMessageCommandOutput,
  type SQSClient,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { VirtualClock } from './clock';
import { commandName } from './connect';
import { type Chance, strikes } from './faults';
import { stableUuid } from './ids';
import type { Latency } from './latency';
import type { Random } from './random';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const MAX_DELAY_SECONDS = 900;
const SQS_MAX_MESSAGE_BYTES = 262_144;

/** One message, across its receives. */
export interface QueuedMessage {
  readonly id: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** What put it there (a scenario step), for the trace. */
  readonly origin?: unknown;
}

/**
 * A record kept in a dead-letter queue: one that failed `maxReceiveCount` times (or every retry of
 * its stream), or one its function refused as malformed and kept at once (R16, with `error`).
 */
export interface DeadLetter {
  /** The queue or stream it came from. */
  readonly queue: string;
  /** Its SQS message id or Kinesis sequence number. */
  readonly messageId: string;
  readonly body: string;
  /** Deliveries it had. */
  readonly receiveCount: number;
  readonly at: number;
  /** Why its function refused it (a malformed record), naming what is wrong. */
  readonly error?: string | undefined;
}

export interface SimQueueProps {
  readonly name: string;
  readonly clock: VirtualClock;
  readonly random: Random;
  /** Largest extra delivery latency of a sent message, in ms. */
  readonly maxLatencyMs: number;
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutMs: number;
  /** The consuming function; throwing fails the whole (one-record) batch. */
  readonly consume: (event: SQSEvent, message: QueuedMessage) => Promise<SQSBatchResponse>;
  /** `lostTimerRate`: a sent message is never delivered with probability `rate`, drawn from `random`. */
  readonly lost?: Chance;
  /** `duplicateRate`: a sent message is delivered twice with probability `rate`, drawn from `random`. */
  readonly duplicate?: Chance;
}

export class SimQueue {
  readonly url: string;
  readonly arn: string;
  readonly deadLetters: DeadLetter[] = [];
  /** Messages accepted. */
  sent = 0;
  /** Deliveries to the consumer, first ones and redeliveries. */
  received = 0;
  /** Sent messages lost by the `lostTimerRate` fault. */
  lost = 0;
  /** Sent messages delivered twice by the `duplicateRate` fault. */
  duplicated = 0;
  private nextId = 1;

  constructor(private readonly props: SimQueueProps) {
    this.url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${props.name}`;
    this.arn = `arn:aws:sqs:${REGION}:${ACCOUNT}:${props.name}`;
  }

  /** SendMessage: delivered after `delaySeconds` plus the queue's latency (unless a fault strikes). */
  send(body: string, delaySeconds: number, origin?: unknown): string {
    const { clock, random, maxLatencyMs, lost, duplicate } = this.props;
    const message = this.accept(body, origin);
    const at = clock.nowMs() + delaySeconds * 1000 + random.int(0, maxLatencyMs);
    if (strikes(lost)) {
      this.lost++;
      return message.id;
    }
    clock.schedule(at, `${this.props.name} ${message.id}`, () => this.deliver(message));
    if (duplicate !== undefined && strikes(duplicate)) {
      this.duplicated++;
      // The same message again (same id and body), received as a separate delivery.
      const copy: QueuedMessage = { ...message, receiveCount: 0 };
      const copyAt = at + duplicate.random.int(1_000, 10_000);
      clock.schedule(copyAt, `${this.props.name} ${message.id} (duplicate)`, () => this.deliver(copy));
    }
    return message.id;
  }

  /** Delivers a new message now, inside the running action (a scenario step's event). */
  async deliverNow(body: string, origin?: unknown): Promise<void> {
    await this.deliver(this.accept(body, origin));
  }

  /** Delivers a new message at `at` (an event EventBridge delivers late, or twice). */
  deliverAt(at: number, body: string, origin?: unknown): void {
    const message = this.accept(body, origin);
    this.props.clock.schedule(at, `${this.props.name} ${message.id}`, () => this.deliver(message));
  }

  private accept(body: string, origin: unknown): QueuedMessage {
    this.sent++;
    const id = stableUuid(`${this.props.name}:${this.nextId++}`);
    return { id, body, sentAt: this.props.clock.nowMs(), receiveCount: 0, origin };
  }

  private async deliver(message: QueuedMessage): Promise<void> {
    const { clock } = this.props;
    const receivedAt = clock.nowMs();
    message.receiveCount++;
    message.firstReceivedAt ??= receivedAt;
    this.received++;
    let failed: boolean;
    try {
      const response = await this.props.consume({ Records: [this.recordOf(message)] }, message);
      failed = response.batchItemFailures.some((failure) => failure.itemIdentifier === message.id);
    } catch {
      failed = true;
    }
    if (!failed) return;
    if (message.receiveCount >= this.props.maxReceiveCount) {
      this.deadLetters.push({
        queue: this.props.name,
        messageId: message.id,
        body: message.body,
        receiveCount: message.receiveCount,
        at: clock.nowMs(),
      });
      return;
    }
    clock.schedule(
      receivedAt + this.props.visibilityTimeoutMs,
      `${this.props.name} ${message.id} (again)`,
      () => this.deliver(message),
    );
  }

  private recordOf(message: QueuedMessage): SQSRecord {
    return {
      messageId: message.id,
      receiptHandle: `${message.id}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? this.props.clock.nowMs()),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: REGION,
    };
  }
}

/** The SQS API over the simulated queues. */
export class SimSqs {
  /** API calls by command name, refused ones included. */
  readonly calls: Record<string, number> = {};
  private readonly queues = new Map<string, SimQueue>();

  constructor(
    queues: readonly SimQueue[],
    private readonly latency: Latency,
  ) {
    for (const queue of queues) this.queues.set(queue.url, queue);
  }

  /** The object the adapter uses as its SQSClient. */
  client(): SQSClient {
    return { send: (command: unknown) => this.send(command) } as unknown as SQSClient;
  }

  async send(command: unknown): Promise<unknown> {
    const name = commandName(command);
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    return this.latency.around('sqs', () => {
      if (command instanceof SendMessageCommand) return this.sendMessage(command);
      throw new Error(`The simulated SQS does not implement ${name}`);
    });
  }

  private sendMessage(command: SendMessageCommand): SendMessageCommandOutput {
    const { QueueUrl, MessageBody, DelaySeconds } = command.input;
    const queue = QueueUrl === undefined ? undefined : this.queues.get(QueueUrl);
    if (queue === undefined) {
      throw new QueueDoesNotExist({ message: `The queue ${String(QueueUrl)} does not exist`, $metadata: {} });
    }
    if (typeof MessageBody !== 'string' || MessageBody.length === 0) {
      throw new InvalidMessageContents({ message: 'MessageBody must be a non-empty string', $metadata: {} });
    }
    if (Buffer.byteLength(MessageBody) > SQS_MAX_MESSAGE_BYTES) {
      throw new InvalidMessageContents({
        message: `MessageBody is over ${SQS_MAX_MESSAGE_BYTES} bytes`,
        $metadata: {},
      });
    }
    const delay = DelaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
      throw new SQSServiceException({
        name: 'InvalidParameterValue',
        $fault: 'client',
        message: `DelaySeconds must be an integer 0-${MAX_DELAY_SECONDS}, got ${String(DelaySeconds)}`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    const id = queue.send(MessageBody, delay);
    return {
      MessageId: id,
      MD5OfMessageBody: createHash('md5').update(MessageBody).digest('hex'),
      $metadata: { httpStatusCode: 200 },
    };
  }
}
