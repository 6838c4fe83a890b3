/**
 * R15: the sweep, every minute. It ends open wrap-ups past deadline + margin (a lost timer, an end
 * that kept failing) and finishes closes whose restore did not complete, and it publishes how many
 * it found (`OverdueSessions`), which is alarmed on: a healthy system shows none.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';

/** Properties of the sweep. */
export interface SweepProps {
  /** Shared function settings. */
  readonly functionSettings: AcwFunctionSettings;
  /**
   * How often the sweep runs.
   * @default Duration.minutes(1)
   */
  readonly every?: Duration;
}

export class Sweep extends Construct {
  /** The sweep function. */
  readonly function: AcwFunction;
  /** The schedule that runs it. */
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SweepProps) {
    super(scope, id);
    const every = props.every ?? Duration.minutes(1);
    if (every.toSeconds() < 60 || every.toSeconds() > 900) {
      throw new Error(`Sweep: props.every must be 1-15 minutes, got ${every.toSeconds()} seconds`);
    }
    this.function = new AcwFunction(this, 'Function', {
      settings: props.functionSettings,
      entry: handlerEntry('sweep'),
      description: 'Sweep: ends overdue wrap-ups and finishes closes that did not complete (R15)',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.sweep),
    });
    this.rule = new Rule(this, 'Schedule', {
      description: 'connect-acw: runs the wrap-up sweep',
      schedule: Schedule.rate(every),
      targets: [new LambdaFunction(this.function.function, { retryAttempts: 2 })],
    });
  }

  /** An alarm on the `OverdueSessions` the sweep publishes: anything overdue means a timer failed. */
  alarmOverdue(topic: ITopic, serviceName = 'connect-acw'): Alarm {
    return this.alarmOn(topic, {
      id: 'OverdueSessionsAlarm',
      description: 'connect-acw: wrap-ups found past their deadline + margin by the sweep (R15)',
      metric: sweepMetric('OverdueSessions', serviceName, 'Maximum', Duration.minutes(5)),
      threshold: 1,
    });
  }

  /**
   * R20: alarms when the catalog of names (queues, agent groups, statuses) failed to refresh twice
   * within an hour (it is refreshed every 15 minutes): the pages then show names that may be out
   * of date, or ids.
   */
  alarmCatalogRefresh(topic: ITopic, serviceName = 'connect-acw'): Alarm {
    return this.alarmOn(topic, {
      id: 'CatalogRefreshAlarm',
      description: 'connect-acw: the catalog of names failed to refresh twice within an hour (R20)',
      metric: sweepMetric('CatalogRefreshFailures', serviceName, 'Sum', Duration.hours(1)),
      threshold: 2,
    });
  }

  /** An alarm at `threshold` or more in one period of `metric`, no data meaning none, sent to `topic`. */
  private alarmOn(
    topic: ITopic,
    props: {
      readonly id: string;
      readonly description: string;
      readonly metric: Metric;
      readonly threshold: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, props.id, {
      alarmDescription: props.description,
      metric: props.metric,
      threshold: props.threshold,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new SnsAction(topic));
    return alarm;
  }
}

/** A metric the sweep publishes in the `ConnectAcw` namespace. */
function sweepMetric(metricName: string, serviceName: string, statistic: string, period: Duration): Metric {
  return new Metric({
    namespace: 'ConnectAcw',
    metricName,
    dimensionsMap: { service: serviceName },
    statistic,
    period,
  });
}
