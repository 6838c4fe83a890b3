/**
 * One log line and metric per use-case outcome, keyed by contact and agent in the log only: the
 * metrics have the service as their only dimension (never a contact or an agent id), so that each
 * is one series an alarm can watch.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Outcome } from '../core/lifecycle';
import type { Log } from '../core/ports';
import type { App } from './runtime';

export function report(app: App, outcome: Outcome, log: Log = app.deps.log): void {
  const session = outcome.session;
  const fields: Record<string, unknown> = {
    outcome: outcome.kind,
    contactId: session?.contactId ?? (outcome.kind === 'DEFERRED' ? outcome.timer.contactId : undefined),
    agentId: session?.agentId ?? (outcome.kind === 'DEFERRED' ? outcome.timer.agentId : undefined),
  };
  if (outcome.kind === 'IGNORED') fields.reason = outcome.reason;
  if (outcome.kind === 'DEFERRED') fields.delaySeconds = outcome.delaySeconds;
  if (session !== undefined && outcome.kind !== 'IGNORED') {
    fields.state = session.state;
    fields.deadline = session.deadline;
    fields.policySource = session.policySource;
  }
  log.info(`Wrap-up ${outcome.kind.toLowerCase()}`, fields);

  const metrics = app.metrics;
  if (metrics === undefined) return;
  metrics.addMetric(`Outcome${outcome.kind}`, MetricUnit.Count, 1);
  if (outcome.kind === 'CLOSED' && session?.endedAt !== undefined && session.deadline !== undefined) {
    const lateness = new Date(session.endedAt).getTime() - new Date(session.deadline).getTime();
    metrics.addMetric('EndLatenessMs', MetricUnit.Milliseconds, Math.max(0, lateness));
  }
  const toHold = timeToHoldMs(outcome);
  if (toHold !== undefined) metrics.addMetric('TimeToHoldMs', MetricUnit.Milliseconds, toHold);
}

/**
 * R1, R15: how long after the disconnect the agent was put in the wrap-up status, for the outcome
 * of a start that held them; undefined for every other outcome. Connect keeps the agent in its
 * own ACW for their configured timeout after the disconnect; a hold that comes later finds them
 * routable, maybe already on the next contact. Holds queue behind PutUserStatus's quota, so this
 * is where an overloaded quota shows first (the stack alarms on it).
 *
 * A start reports its outcome only once the agent is held and the end timer armed (a failure
 * throws, and the retry that finishes the hold reports RESUMED), so each hold is counted once;
 * the time is from the session's history, so a retry counts from the disconnect to the status
 * change, not to the retry.
 */
export function timeToHoldMs(outcome: Outcome): number | undefined {
  if (outcome.kind !== 'STARTED' && outcome.kind !== 'RESUMED') return undefined;
  const session = outcome.session;
  // A late event's session is closed without a hold (LATE, or RESUMED to finish its close).
  if (session.state !== 'WRAP_UP' || !session.wrapUpStatusSet) return undefined;
  const held = session.history.find((entry) => entry.what === 'WRAP_UP_STATUS_SET');
  if (held === undefined) return undefined;
  return Math.max(0, Date.parse(held.at) - Date.parse(session.startedAt));
}
