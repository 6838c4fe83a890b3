/**
 * The agent event stream's consumer (Kinesis, R8, R11): keeps each agent's status as Connect
 * reports it, and ends the wrap-up of an agent who chose another status.
 *
 * Records of a shard are handled in order. A record that fails is reported with its sequence
 * number and the rest of the batch is left for the retry (Lambda resumes a Kinesis batch from the
 * first failed record), so nothing is skipped; after the event source's retries it goes to the
 * on-failure queue. A malformed record is kept in the dead-letter queue at once and the batch
 * goes on (R16): it can never succeed, and must not hold up the events behind it.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { onAgentEvent } from '../core/agent-events';
import { BadInput, parseAgentEvent } from './events';
import { report } from './outcome';
import { type App, deployedApp } from './runtime';

export function makeAgentEventsHandler(app: App) {
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const log = app.deps.log;
    try {
      for (const record of event.Records) {
        const sequenceNumber = record.kinesis.sequenceNumber;
        const body = textOf(record);
        try {
          const agentEvent = parseAgentEvent(body);
          for (const outcome of await onAgentEvent(app.deps, app.config, agentEvent)) report(app, outcome);
        } catch (error) {
          if (error instanceof BadInput && app.deadLetters !== undefined && (await kept(app, body, error))) {
            continue;
          }
          log.error('Agent event failed; it and the records after it will be retried', {
            sequenceNumber,
            error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
          });
          return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
        }
      }
      return { batchItemFailures: [] };
    } finally {
      app.metrics?.publishStoredMetrics();
    }
  };
}

/** Keeps a malformed record in the dead-letter queue; false when that failed (it is retried then). */
async function kept(app: App, body: string, error: BadInput): Promise<boolean> {
  try {
    await app.deadLetters?.keep({ source: 'agent-events', body, error: error.message });
    // The error names the fields; the record itself is not logged (it names the agent).
    app.deps.log.error('Malformed agent event kept in the dead-letter queue', { error: error.message });
    return true;
  } catch (keepError) {
    app.deps.log.error('Could not keep a malformed agent event in the dead-letter queue', {
      error: keepError instanceof Error ? keepError.message : String(keepError),
    });
    return false;
  }
}

function textOf(record: KinesisStreamRecord): string {
  return Buffer.from(record.kinesis.data, 'base64').toString('utf8');
}

export const handler = (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> =>
  makeAgentEventsHandler(deployedApp())(event);
