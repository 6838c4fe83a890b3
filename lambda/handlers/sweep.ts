/**
 * The sweep (R15), run every minute by an EventBridge schedule: ends open wrap-ups that are
 * overdue and publishes how many it found (`OverdueSessions`, alarmed on).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { type SweepResult, sweepOverdue } from '../core/sweep';
import { type App, connect, deployedApp, dueQueue, killSwitch, sessions } from './runtime';

export function makeSweepHandler(app: App) {
  return async (): Promise<SweepResult> => {
    const result = await sweepOverdue(app.deps);
    app.deps.log.info('Sweep done', { ...result });
    if (app.metrics !== undefined) {
      app.metrics.addMetric('OverdueSessions', MetricUnit.Count, result.overdue);
      app.metrics.addMetric('SweepFailures', MetricUnit.Count, result.failed);
      // R22: the open wrap-ups, once a minute (the dashboard's open sessions).
      app.metrics.addMetric('OpenSessions', MetricUnit.Count, result.open);
      app.metrics.publishStoredMetrics();
    }
    return result;
  };
}

const app = deployedApp(sessions, connect, dueQueue, killSwitch);

export const handler = (): Promise<SweepResult> => makeSweepHandler(app())();
