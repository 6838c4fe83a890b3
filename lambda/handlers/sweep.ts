/**
 * The sweep (R15), run every minute by an EventBridge schedule: ends open wrap-ups that are
 * overdue and publishes how many it found (`OverdueSessions`, alarmed on).
 *
 * R20: then, as a step of its own, it keeps the catalog of names (queues, agent groups, statuses)
 * fresh: listed again from Connect when the kept one is 15 minutes old. A step of the sweep rather
 * than a function and a schedule of their own: it is a few paged calls every 15 minutes, each on
 * its own API's quota (never PutUserStatus's, so never in the way of the sweep's restores), and
 * the sweep already runs every minute with the Connect client, the table and alarms on its
 * errors. Its failure never fails the sweep: it is logged and counted (`CatalogRefreshFailures`),
 * and the next minute's sweep, finding the catalog still due, tries again.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { refreshCatalogIfDue } from '../core/catalog';
import { type SweepResult, sweepOverdue } from '../core/sweep';
import { type App, catalog, connect, deployedApp, killSwitch, sessions } from './runtime';

export function makeSweepHandler(app: App) {
  return async (): Promise<SweepResult> => {
    const result = await sweepOverdue(app.deps);
    app.deps.log.info('Sweep done', { ...result });
    const catalogFailed = await refreshCatalog(app);
    if (app.metrics !== undefined) {
      app.metrics.addMetric('OverdueSessions', MetricUnit.Count, result.overdue);
      app.metrics.addMetric('SweepFailures', MetricUnit.Count, result.failed);
      // R22: the open wrap-ups, once a minute (the dashboard's open sessions).
      app.metrics.addMetric('OpenSessions', MetricUnit.Count, result.open);
      if (catalogFailed !== undefined) {
        app.metrics.addMetric('CatalogRefreshFailures', MetricUnit.Count, catalogFailed ? 1 : 0);
      }
      app.metrics.publishStoredMetrics();
    }
    return result;
  };
}

/** R20: the catalog's scheduled refresh; true when it failed, undefined when there is none to keep. */
async function refreshCatalog(app: App): Promise<boolean | undefined> {
  const { catalog: ports, clock, log } = app.deps;
  const instanceArn = app.config.instanceArn;
  if (ports === undefined || instanceArn === undefined) return undefined;
  try {
    const done = await refreshCatalogIfDue(ports, instanceArn, clock.now());
    if (done.refreshed) log.info('Catalog of names refreshed', { refreshedAt: done.refreshedAt });
    return false;
  } catch (error) {
    log.warn('Could not refresh the catalog of names: the next sweep tries again', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return true;
  }
}

const app = deployedApp(sessions, connect, catalog, killSwitch);

export const handler = (): Promise<SweepResult> => makeSweepHandler(app())();
