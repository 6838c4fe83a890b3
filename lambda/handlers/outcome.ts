/** One log line and metric per use-case outcome, keyed by contact and agent. */
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
}
