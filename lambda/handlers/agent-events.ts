/**
 * The agent event stream's consumer (Kinesis): R8 (the agent chose another status) and R11
 * (offline). Work in progress: the interface the simulator and the stack build against.
 */
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { type App, deployedApp } from './runtime';

export function makeAgentEventsHandler(_app: App) {
  return async (_event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => ({ batchItemFailures: [] });
}

export const handler = (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> =>
  makeAgentEventsHandler(deployedApp())(event);
