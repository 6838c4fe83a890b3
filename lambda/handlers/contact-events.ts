/**
 * Intake: Amazon Connect contact events (EventBridge → SQS). A DISCONNECTED event for an agent
 * starts their wrap-up (R1-R3); everything else is acknowledged and changes nothing.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { onContactEvent } from '../core/lifecycle';
import { eachRecord } from './batch';
import { parseContactEvent } from './events';
import { report } from './outcome';
import { type App, deployedApp } from './runtime';

export function makeContactEventsHandler(app: App) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const response = await eachRecord(event.Records, app.deps.log, async (record) => {
      const contact = parseContactEvent(record.body);
      report(app, await onContactEvent(app.deps, app.config, contact));
    });
    app.metrics?.publishStoredMetrics();
    return response;
  };
}

export const handler = (event: SQSEvent): Promise<SQSBatchResponse> =>
  makeContactEventsHandler(deployedApp())(event);
