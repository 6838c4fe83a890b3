/**
 * EventBridge Scheduler's target: a wrap-up timer fired somewhere in the minute before its
 * deadline (R13). It hands over to the due queue for the last stretch; a failure throws so that
 * Lambda's asynchronous retries and then the on-failure queue keep the timer.
 */
import { endOnTimer } from '../core/lifecycle';
import { parseTimerPayload } from './events';
import { report } from './outcome';
import { type App, deployedApp } from './runtime';

export function makeTimerFiredHandler(app: App) {
  return async (event: unknown): Promise<void> => {
    const payload = parseTimerPayload(event);
    report(app, await endOnTimer(app.deps, payload));
    app.metrics?.publishStoredMetrics();
  };
}

export const handler = (event: unknown): Promise<void> => makeTimerFiredHandler(deployedApp())(event);
