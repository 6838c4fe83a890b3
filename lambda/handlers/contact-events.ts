/**
 * Intake: Amazon Connect contact events (EventBridge → SQS). A DISCONNECTED event for an agent
 * starts their wrap-up (R1-R3); CONNECTED_TO_AGENT and INITIATED may interrupt one (R9, R10);
 * everything else is acknowledged and changes nothing. A field the parser cannot read but no rule
 * needs is logged and left out (R16). A malformed record is kept in the
 * dead-letter queue at once and acknowledged (R16); the rest of its batch goes on.
 *
 * Deployed as one of the two event sources of the wrap-up worker (worker.ts).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { onContactEvent } from '../core/contact-events';
import { eachRecord } from './batch';
import { readContactEvent } from './events';
import { report } from './outcome';
import type { App } from './runtime';

export function makeContactEventsHandler(app: App) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const response = await eachRecord(
      event.Records,
      app.deps.log,
      async (record) => {
        const { event: contact, warnings } = readContactEvent(record.body);
        // R16: a field the parser could not read was left out, and the event is handled without it.
        if (warnings.length > 0) {
          app.deps.log.warn('Contact event fields left out', {
            contactId: contact.contactId,
            eventType: contact.eventType,
            fields: warnings,
          });
        }
        for (const outcome of await onContactEvent(app.deps, app.config, contact)) report(app, outcome);
      },
      // In parallel: a call waiting for Connect's quota (R15) must not hold up the rest of the batch
      // past the function's timeout. Contact events are unordered anyway; the core's writes are
      // conditional (R14).
      { parallel: true, refusals: { source: 'contact-events', sink: app.deadLetters } },
    );
    app.metrics?.publishStoredMetrics();
    return response;
  };
}
