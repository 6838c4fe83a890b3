/**
 * Issue 13: the reports' roll-up, run every hour by an EventBridge schedule (lib/report-rollups.ts).
 * Each run rolls up the finished days not rolled up yet (lambda/core/reports.ts `rollUp`: a day two
 * hours after it ends, at most seven a run), then the current day so far (to the last full hour
 * at least 15 minutes back), and logs what it did. Days that a session completed after (a long or
 * untimed wrap-up) are marked, and rolled up again (`reRolled`). A failure is thrown: Lambda
 * retries the run twice, then keeps the event in the roll-up's dead-letter queue; the next hourly
 * run starts again at the first day not rolled up, so nothing is skipped.
 */
import type { Clock, Log } from '../core/ports';
import { type RollUpOptions, type RollUpResult, rollUp } from '../core/reports';
import type { ReportsParts } from './api-reports';
import { deployedReports, logger, powertoolsLog } from './runtime';

/** What the roll-up handler is built from; tests pass a dynalite store and fakes. */
export interface ReportRollupDeps {
  readonly reports: Pick<ReportsParts, 'ports'>;
  readonly clock: Pick<Clock, 'now'>;
  readonly log: Log;
  readonly options?: RollUpOptions | undefined;
}

export function makeReportRollupHandler(deps: ReportRollupDeps) {
  return async (): Promise<RollUpResult> => {
    const result = await rollUp(deps.reports.ports, deps.clock.now(), deps.options);
    deps.log.info('Reports rolled up', {
      days: result.days,
      sessions: result.sessions,
      rolledThrough: result.rolledThrough ?? null,
      ...(result.reRolled.length === 0 ? {} : { reRolled: result.reRolled }),
      ...(result.partial === undefined ? {} : { soFar: result.partial }),
    });
    return result;
  };
}

const reports = deployedReports();
const log = powertoolsLog(logger);

export const handler = (): Promise<RollUpResult> =>
  makeReportRollupHandler({ reports: reports(), clock: { now: () => new Date() }, log })();
