/**
 * Runs an SQS batch record by record, reporting each failed record alone (partial batch
 * response) so one bad or failing record never fails or blocks the rest (R16).
 */
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Log } from '../core/ports';

export async function eachRecord(
  records: readonly SQSRecord[],
  log: Log,
  handle: (record: SQSRecord) => Promise<void>,
  options: { readonly parallel?: boolean } = {},
): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const run = async (record: SQSRecord): Promise<void> => {
    try {
      await handle(record);
    } catch (error) {
      log.error('Record failed; it will be retried and, if it keeps failing, kept in the dead-letter queue', {
        messageId: record.messageId,
        receiveCount: record.attributes.ApproximateReceiveCount,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  };
  if (options.parallel) {
    await Promise.all(records.map(run));
  } else {
    for (const record of records) await run(record);
  }
  return { batchItemFailures };
}
