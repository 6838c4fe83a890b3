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
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { KeptStatuses, onAgentEvent } from '../core/agent-events';
import { runRecord } from './batch';
import { readAgentEvent } from './events';
import { report } from './outcome';
import { type App, connect, deadLetters, deployedApp, schedules, sessions } from './runtime';

export function makeAgentEventsHandler(app: App) {
  // Kept for the container's life: a repeated report (a heartbeat, a contact's change of state)
  // costs no request.
  const kept = new KeptStatuses();
  return async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
    const refusals = { source: 'agent-events' as const, sink: app.deadLetters };
    try {
      for (const record of event.Records) {
        const sequenceNumber = record.kinesis.sequenceNumber;
        const body = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
        // The record names the agent: logs carry its sequence number, not its body.
        const item = { id: sequenceNumber, body, logFields: { sequenceNumber } };
        const outcome = await runRecord(
          item,
          app.deps.log,
          async () => {
            const { event: agentEvent, warnings } = readAgentEvent(body);
            // R16: a field the parser could not read was left out, and the event is handled without it.
            if (warnings.length > 0) {
              app.deps.log.warn('Agent event fields left out', { sequenceNumber, fields: warnings });
            }
            for (const result of await onAgentEvent(app.deps, app.config, agentEvent, kept)) {
              report(app, result);
            }
          },
          refusals,
        );
        // Lambda resumes a Kinesis batch from the first failed record: stop here, nothing is skipped.
        if (outcome === 'failed') return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
      return { batchItemFailures: [] };
    } finally {
      app.metrics?.publishStoredMetrics();
    }
  };
}

const app = deployedApp(sessions, connect, schedules, deadLetters);

let handle: ReturnType<typeof makeAgentEventsHandler> | undefined;

/** The deployed handler: made once per container, so that what it keeps lasts between invocations. */
export const handler = (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
  handle ??= makeAgentEventsHandler(app());
  return handle(event);
};
