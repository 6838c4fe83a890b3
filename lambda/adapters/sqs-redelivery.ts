/**
 * R15: a failed record back on its queue after a short, growing backoff (`ChangeMessageVisibility`
 * on its receipt handle), rather than after the queue's visibility timeout.
 */
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { FailedRecord, Redelivery } from '../core/redelivery-port';

/** The first retry's backoff, in seconds; each receive after it doubles it. */
export const FIRST_BACKOFF_SECONDS = 4;
/** The longest backoff, in seconds. */
export const MAX_BACKOFF_SECONDS = 60;

/**
 * The backoff after the `receiveCount`th receive failed: 4, 8, 16, 32, then 60 s at most, with
 * "equal jitter" (half of it fixed, half drawn from `random`), so records that failed together
 * (a burst refused by Connect) do not all come back in the same second. Whole seconds, at least 1.
 */
export function retryBackoffSeconds(receiveCount: number, random: () => number): number {
  const count = Number.isFinite(receiveCount) ? Math.floor(receiveCount) : 1;
  const exponent = Math.max(0, Math.min(count, 16) - 1);
  const cap = Math.min(MAX_BACKOFF_SECONDS, FIRST_BACKOFF_SECONDS * 2 ** exponent);
  return Math.max(1, Math.round(cap / 2 + random() * (cap / 2)));
}

export interface SqsRedeliveryProps {
  readonly client: SQSClient;
  /** The URLs of the queues the function reads (a record names its queue by ARN). */
  readonly queueUrls: readonly string[];
  /** Jitter's source, [0, 1). */
  readonly random: () => number;
}

export class SqsRedelivery implements Redelivery {
  private readonly urlByName: ReadonlyMap<string, string>;

  constructor(private readonly props: SqsRedeliveryProps) {
    this.urlByName = new Map(props.queueUrls.map((url) => [queueNameOf(url, '/'), url]));
  }

  async backOff(record: FailedRecord): Promise<void> {
    const name = queueNameOf(record.queueArn, ':');
    const queueUrl = this.urlByName.get(name);
    if (queueUrl === undefined) {
      throw new Error(
        `No queue URL for ${record.queueArn}: this function reads ${[...this.urlByName.keys()].join(', ')}`,
      );
    }
    await this.props.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: retryBackoffSeconds(record.receiveCount, this.props.random),
      }),
    );
  }
}

/** The queue name: the last part of its URL (`/`) or ARN (`:`). */
function queueNameOf(id: string, separator: '/' | ':'): string {
  return id.slice(id.lastIndexOf(separator) + 1);
}
