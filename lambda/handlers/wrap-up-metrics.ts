/**
 * R17, R22: the metrics of every completed wrap-up, in the `ConnectAcw` namespace (Powertools
 * Metrics, EMF). Dimensions are few and bounded: the queue (`NONE` without one), the channel and
 * the end reason; never a contact or an agent id.
 *
 * - `WrapUpSeconds`: from the disconnect to the end (the wrap-up time the seeds' productivity
 *   dial adds up, R22);
 * - `ExtensionsUsed`: the extensions the agent took (R5);
 * - `EndedBySystem` and `EndedByAgent`: 1 or 0 each, so that their sums give the share of
 *   wrap-ups the system ended (R7) against those the agent ended;
 * - `RestoreLatenessMs` (service only, one series for the dashboard's p99): from the deadline to
 *   the routable status restored, for wrap-ups the timer or the sweep ended (R13).
 * `TimeToHoldMs` (outcome.ts), `ConnectThrottles` (below) and `OpenSessions` (the sweep) complete
 * the set the dashboard (lib/monitoring.ts) shows.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { WrapUpObserver } from '../core/ports';
import type { Session } from '../core/session';

/** The dimension value of a session without a queue (an agent-initiated outbound call, say). */
export const NO_QUEUE_DIMENSION = 'NONE';

/** Makes the Metrics object of one EMF document (its own dimensions, flushed at once). */
export type MetricsFactory = () => Metrics;

/** Publishes each completed wrap-up's metrics at once: one EMF document per wrap-up. */
export class WrapUpMetrics implements WrapUpObserver {
  constructor(private readonly document: MetricsFactory) {}

  completed(session: Session): void {
    if (session.endedAt === undefined) return;
    const wrapUp = this.document();
    wrapUp.addDimensions({
      queue: session.queueId ?? NO_QUEUE_DIMENSION,
      channel: session.channel,
      endReason: session.endReason ?? 'UNKNOWN',
    });
    const seconds = (Date.parse(session.endedAt) - Date.parse(session.startedAt)) / 1000;
    wrapUp.addMetric('WrapUpSeconds', MetricUnit.Seconds, Math.max(0, seconds));
    wrapUp.addMetric('ExtensionsUsed', MetricUnit.Count, session.extensionsUsed);
    wrapUp.addMetric('EndedBySystem', MetricUnit.Count, session.systemWrapUp === true ? 1 : 0);
    wrapUp.addMetric('EndedByAgent', MetricUnit.Count, session.systemWrapUp === true ? 0 : 1);
    wrapUp.publishStoredMetrics();

    const lateness = restoreLatenessMs(session);
    if (lateness !== undefined) {
      const restore = this.document();
      restore.addMetric('RestoreLatenessMs', MetricUnit.Milliseconds, lateness);
      restore.publishStoredMetrics();
    }
  }
}

/**
 * R13: deadline to restore, for a wrap-up the timer or the sweep ended and whose agent was put back
 * (the history's restore entry); undefined otherwise.
 */
export function restoreLatenessMs(session: Session): number | undefined {
  if (session.deadline === undefined) return undefined;
  if (session.endReason !== 'TIMER' && session.endReason !== 'SWEEP') return undefined;
  if (session.restore !== 'DONE') return undefined;
  const restored = session.history.findLast((entry) => entry.what === 'ROUTABLE_STATUS_RESTORED');
  if (restored === undefined) return undefined;
  return Math.max(0, Date.parse(restored.at) - Date.parse(session.deadline));
}

/** R15: one count per call Connect throttled, by API (`ConnectThrottles`, dimension `api`). */
export function throttleMetric(document: MetricsFactory): (api: string) => void {
  return (api) => {
    const throttle = document();
    throttle.addDimensions({ api });
    throttle.addMetric('ConnectThrottles', MetricUnit.Count, 1);
    throttle.publishStoredMetrics();
  };
}
