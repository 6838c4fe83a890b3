/**
 * Runs a batch record by record, reporting each failed record alone (partial batch response) so
 * one bad or failing record never fails or blocks the rest (R16).
 *
 * A record can end three ways:
 * - done: handled;
 * - refused: it can never succeed (malformed: `BadInput`), so it is logged and kept in the
 *   dead-letter sink at once and acknowledged, instead of being retried until the queue gives up;
 * - failed: anything else (a throttled call, a lost race), or a refusal that could not be kept:
 *   reported in `batchItemFailures` and retried by the event source, so nothing is lost.
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { DeadLetterSink, DeadLetterSource } from '../core/dead-letter-port';
import type { Log } from '../core/ports';
import { BadInput } from './events';

/** R16: how records that can never succeed are kept. */
export interface Refusals {
  /** The function that refuses them: the dead letter's `source`. */
  readonly source: DeadLetterSource;
  /** Where they are kept; without one a refused record is failed and retried like any other. */
  readonly sink: DeadLetterSink | undefined;
  /**
   * Which errors mean the record can never succeed.
   * @default error instanceof BadInput
   */
  readonly isRefusal?: (error: unknown) => boolean;
}

/** How one record ended. */
export type RecordOutcome = 'done' | 'refused' | 'failed';

/** One record as `runRecord` sees it, whatever its event source. */
export interface BatchItem {
  /** What the event source identifies it by (SQS messageId, Kinesis sequenceNumber): logged. */
  readonly id: string;
  /** The record as it arrived (JSON text): what a refusal keeps. */
  readonly body: string;
  /**
   * The fields that identify it in log lines (never the body: contact events carry phone numbers).
   * @default { id }
   */
  readonly logFields?: Readonly<Record<string, unknown>>;
}

/**
 * Runs `handle` for one record and says how it ended; never throws. A refusal is logged with the
 * error and the record's id (not its body) and kept in `refusals.sink`.
 */
export async function runRecord(
  item: BatchItem,
  log: Log,
  handle: () => Promise<void>,
  refusals?: Refusals,
): Promise<RecordOutcome> {
  try {
    await handle();
    return 'done';
  } catch (error) {
    const fields = { ...(item.logFields ?? { id: item.id }), error: describeError(error) };
    if (refusals === undefined || !(refusals.isRefusal ?? isBadInput)(error)) {
      log.error(
        'Record failed; it will be retried and, if it keeps failing, kept in the dead-letter queue',
        fields,
      );
      return 'failed';
    }
    if (refusals.sink === undefined) {
      log.error('Record refused; no dead-letter sink here, so it is failed and retried', {
        ...fields,
        source: refusals.source,
      });
      return 'failed';
    }
    try {
      await refusals.sink.keep({ source: refusals.source, body: item.body, error: errorText(error) });
    } catch (keepError) {
      log.error('Record refused but could not be kept; it is failed and will be retried', {
        ...fields,
        source: refusals.source,
        keepError: describeError(keepError),
      });
      return 'failed';
    }
    log.error('Record refused and kept in the dead-letter queue', { ...fields, source: refusals.source });
    return 'refused';
  }
}

/** Options of `eachRecord`. */
export interface EachRecordOptions {
  /** Run the records concurrently (each one's failure is still its own). */
  readonly parallel?: boolean;
  /** R16: keep malformed records at once instead of retrying them. */
  readonly refusals?: Refusals;
}

/** Runs an SQS batch with `runRecord`; the failed records are the partial batch response. */
export async function eachRecord(
  records: readonly SQSRecord[],
  log: Log,
  handle: (record: SQSRecord) => Promise<void>,
  options: EachRecordOptions = {},
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const run = async (record: SQSRecord): Promise<void> => {
    const item: BatchItem = {
      id: record.messageId,
      body: record.body,
      logFields: { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount },
    };
    const outcome = await runRecord(item, log, () => handle(record), options.refusals);
    if (outcome === 'failed') batchItemFailures.push({ itemIdentifier: record.messageId });
  };
  if (options.parallel) {
    await Promise.all(records.map(run));
  } else {
    for (const record of records) await run(record);
  }
  return { batchItemFailures };
}

function isBadInput(error: unknown): boolean {
  return error instanceof BadInput;
}

/** The error as kept with a refused record: its message, which names the field. */
function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeError(error: unknown): unknown {
  return error instanceof Error ? { name: error.name, message: error.message } : String(error);
}
