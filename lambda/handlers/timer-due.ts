/**
 * The due queue's consumer: a timer within a second or two of its deadline ends the session on
 * time and puts the agent back in the routable status (R7, R13). Duplicates and stale deadlines
 * do nothing (R14); a malformed timer is kept in the dead-letter queue at once (R16).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { endOnTimer } from '../core/end-on-time';
import { eachRecord } from './batch';
import { parseTimerPayload } from './events';
import { report } from './outcome';
import { type App, connect, deadLetters, deployedApp, dueQueue, sessions } from './runtime';

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

const app = deployedApp(sessions, connect, dueQueue, deadLetters);

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> => makeTimerDueHandler(app())(event);
