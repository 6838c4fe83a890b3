/**
 * The due queue's consumer: a timer within a second or two of its deadline ends the session on
 * time and puts the agent back in the routable status (R7, R13). Duplicates and stale deadlines
 * do nothing (R14); a malformed timer is kept in the due queue's dead-letter queue at once (R16).
 *
 * Deployed as one of the two event sources of the wrap-up worker (worker.ts), so that its restores
 * and the contact events' holds share one PutUserStatus line.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { endOnTimer } from '../core/end-on-time';
import { eachRecord } from './batch';
import { parseTimerPayload } from './events';
import { report } from './outcome';
import type { App } from './runtime';

export function makeTimerDueHandler(app: App) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // In parallel: each record waits until its own deadline, and one record's wait or Connect
    // call must not make the others late (R13). Duplicates are safe: writes are conditional (R14).
    const response = await eachRecord(
      event.Records,
      app.deps.log,
      async (record) => {
        report(app, await endOnTimer(app.deps, parseTimerPayload(record.body)));
      },
      { parallel: true, refusals: { source: 'timer-due', sink: app.deadLetters } },
    );
    app.metrics?.publishStoredMetrics();
    return response;
  };
}
