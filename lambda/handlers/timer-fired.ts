/**
 * EventBridge Scheduler's target: a wrap-up timer fired somewhere in the minute before its
 * deadline (R13). It hands over to the due queue for the last stretch; a failure throws so that
 * Lambda's asynchronous retries and then the on-failure queue keep the timer.
 *
 * A malformed payload can never succeed: it is kept in the dead-letter sink (the on-failure
 * queue) at once and the invocation ends normally, without retries (R16). Without a sink, or if
 * keeping it fails, it throws like any other failure.
 */
import { endOnTimer } from '../core/end-on-time';
import { runRecord } from './batch';
import { parseTimerPayload } from './events';
import { report } from './outcome';
import { type App, connect, deadLetters, deployedApp, dueQueue, sessions } from './runtime';

export function makeTimerFiredHandler(app: App) {
  return async (event: unknown, context?: { readonly awsRequestId?: string }): Promise<void> => {
    let failure: unknown;
    const requestId = context?.awsRequestId ?? 'unknown';
    const outcome = await runRecord(
      { id: requestId, body: jsonText(event), logFields: { requestId } },
      app.deps.log,
      async () => {
        try {
          report(app, await endOnTimer(app.deps, parseTimerPayload(event)));
        } catch (error) {
          failure = error;
          throw error;
        }
      },
      { source: 'timer-fired', sink: app.deadLetters },
    );
    app.metrics?.publishStoredMetrics();
    // Rethrown as it was, so Lambda's failure record names the real error.
    if (outcome === 'failed') throw failure;
  };
}

/** The event as the JSON text it arrived as. */
function jsonText(event: unknown): string {
  try {
    return JSON.stringify(event) ?? String(event);
  } catch {
    return String(event);
  }
}

const app = deployedApp(sessions, connect, dueQueue, deadLetters);

export const handler = (event: unknown, context?: { readonly awsRequestId?: string }): Promise<void> =>
  makeTimerFiredHandler(app())(event, context);
