/**
 * A simulated Kinesis data stream feeding Lambda: Connect's agent event stream and its consumer
 * (event source mapping with ReportBatchItemFailures, one record per batch).
 *
 * - A record is `kinesis.data` = base64 of the JSON Connect wrote, with a sequence number
 *   increasing in the order records were put, the agent's ARN as partition key, and the stream's
 *   `eventSourceARN`.
 * - A record reported in `batchItemFailures` (or a handler that throws) is retried after a short
 *   backoff (1 s, doubling), at most `maxRetryAttempts` times; then it goes to the on-failure
 *   destination (the dead-letter list). The real mapping retries from the failed record and holds
 *   the shard meanwhile; the simulator retries the record alone and lets the others through (the
 *   agent events of different agents are on different partition keys, hence usually shards).
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { VirtualClock } from './clock';
import type { DeadLetter } from './sqs';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const SHARD = 'shardId-000000000000';
/** Kinesis sequence numbers are 56-digit decimals; the first one of the simulated shard. */
const FIRST_SEQUENCE = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;
const FIRST_RETRY_MS = 1_000;

/** One record put on the stream, across its deliveries. */
export interface StreamRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** The JSON text Connect wrote. */
  readonly data: string;
  readonly putAt: number;
  /** Deliveries to the consumer so far. */
  attempts: number;
  /** What put it there (a scenario step), for the trace. */
  readonly origin?: unknown;
}

export interface SimStreamProps {
  readonly name: string;
  /** The stream's ARN (default: the name's in the simulated account). */
  readonly arn?: string | undefined;
  readonly clock: VirtualClock;
  /** Retries of a failed record before it goes to the on-failure destination. */
  readonly maxRetryAttempts: number;
  /** The consuming function; throwing fails the whole (one-record) batch. */
  readonly consume: (event: KinesisStreamEvent, record: StreamRecord) => Promise<KinesisStreamBatchResponse>;
}

export class SimStream {
  readonly arn: string;
  /** Records that failed every retry (the mapping's on-failure destination). */
  readonly deadLetters: DeadLetter[] = [];
  /** Records put. */
  put = 0;
  /** Deliveries to the consumer, first ones and retries. */
  received = 0;

  constructor(private readonly props: SimStreamProps) {
    this.arn = props.arn ?? `arn:aws:kinesis:${REGION}:${ACCOUNT}:stream/${props.name}`;
  }

  /** PutRecord by the producer at `at` (now or later), delivered to the consumer then. */
  putAt(at: number, data: string, partitionKey: string, origin?: unknown): StreamRecord {
    const record: StreamRecord = {
      sequenceNumber: (FIRST_SEQUENCE + BigInt(this.put++)).toString(),
      partitionKey,
      data,
      putAt: at,
      attempts: 0,
      origin,
    };
    this.props.clock.schedule(at, `${this.props.name} ${record.sequenceNumber}`, () => this.deliver(record));
    return record;
  }

  private async deliver(record: StreamRecord): Promise<void> {
    const { clock, maxRetryAttempts, name } = this.props;
    record.attempts++;
    this.received++;
    let failed: boolean;
    try {
      const response = await this.props.consume({ Records: [this.eventRecordOf(record)] }, record);
      failed = response.batchItemFailures.some((failure) => failure.itemIdentifier === record.sequenceNumber);
    } catch {
      failed = true;
    }
    if (!failed) return;
    const retries = record.attempts - 1;
    if (retries >= maxRetryAttempts) {
      this.deadLetters.push({
        queue: name,
        messageId: record.sequenceNumber,
        body: record.data,
        receiveCount: record.attempts,
        at: clock.nowMs(),
      });
      return;
    }
    clock.schedule(
      clock.nowMs() + FIRST_RETRY_MS * 2 ** retries,
      `${name} ${record.sequenceNumber} (retry)`,
      () => this.deliver(record),
    );
  }

  private eventRecordOf(record: StreamRecord): KinesisStreamRecord {
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: record.sequenceNumber,
        data: Buffer.from(record.data, 'utf8').toString('base64'),
        approximateArrivalTimestamp: record.putAt / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD}:${record.sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${ACCOUNT}:role/connect-acw-agent-events`,
      awsRegion: REGION,
      eventSourceARN: this.arn,
    };
  }
}
