/**
 * Alarms (R15, R16): every dead-letter queue that holds a message, every function error, and holds
 * that come after Connect's own ACW has ended notify an encrypted SNS topic (and an email address
 * when `acw.alarmEmail` is set). And the operations dashboard (R17, R22): wrap-up time by queue
 * and channel, the share the system ended, time to hold and restore lateness at p99, errors,
 * dead-letter depth, open sessions, Connect's throttles, and the alarms.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { AcwFunction } from './acw-function';
import { denyGrantsButForAwsServices } from './keys';
import type { NamedQueue } from './queues';

/** A function with a name for its alarm. */
export interface NamedFunction {
  /** Stable name, used in the alarm's construct id. */
  readonly name: string;
  /** The function. */
  readonly fn: AcwFunction;
}

/** Properties of the monitoring. */
export interface MonitoringProps {
  /** Queues where failures end up: each alarms when it holds a message. */
  readonly deadLetterQueues: readonly NamedQueue[];
  /** Functions: each alarms on any error in five minutes. */
  readonly functions: readonly NamedFunction[];
  /**
   * An email address subscribed to the alarm topic.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * R15: the After Contact Work timeout of the instance's agents (Connect's own ACW), in seconds:
   * the `TimeToHoldMs` alarm fires when holds take longer (`acw.monitoring.nativeAcwSeconds`).
   * @default 10
   */
  readonly nativeAcwSeconds?: number;
  /**
   * The `service` dimension the functions publish their metrics with (Powertools' service name).
   * @default 'connect-acw'
   */
  readonly serviceName?: string;
}

/** The ACW functions' CloudWatch namespace (lambda/handlers/runtime.ts). */
const NAMESPACE = 'ConnectAcw';
/** The alarm on holds, named apart from the queues' and functions' alarms. */
const TIME_TO_HOLD = 'TimeToHold';

const NAME = /^[A-Za-z][A-Za-z0-9]*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The alarm topic, its key and the alarms. */
export class Monitoring extends Construct {
  /** Where every alarm goes. */
  readonly topic: Topic;
  /** The alarms, by name. */
  readonly alarms: ReadonlyMap<string, Alarm>;
  /** The operations dashboard (R17, R22). */
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    validate(props);

    // A customer managed key: CloudWatch cannot publish to a topic encrypted with the AWS managed
    // SNS key, whose policy cannot be changed. DESTROY: the key protects only messages in flight.
    const key = new Key(this, 'TopicKey', {
      description: 'connect-acw alarm topic encryption',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    denyGrantsButForAwsServices(key);

    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'connect-acw alarms',
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy CloudFormation writes (the HTTPS-only Deny) replaces SNS's default one, whose
    // Allow for the account's principals is what lets an alarm publish: without this statement no
    // alarm notification would reach the topic. Only this account's alarms.
    const stack = Stack.of(this);
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': stack.account },
        },
      }),
    );
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const action = new SnsAction(this.topic);
    const alarms = new Map<string, Alarm>();
    for (const { name, queue } of props.deadLetterQueues) {
      const alarm = new Alarm(this, `${name}Alarm`, {
        alarmDescription:
          `Messages in ${name}: wrap-up work that failed and was kept. Inspect the messages, fix the cause, ` +
          'then redrive them (the handlers are idempotent).',
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: Stats.MAXIMUM,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarms.set(name, alarm);
    }
    for (const { name, fn } of props.functions) {
      const alarm = new Alarm(this, `${name}ErrorsAlarm`, {
        alarmDescription: `The ${name} function failed in the last 5 minutes: see its log group.`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      alarms.set(`${name}Errors`, alarm);
    }
    const toHold = this.timeToHoldAlarm(props.nativeAcwSeconds ?? 10, props.serviceName ?? 'connect-acw');
    toHold.addAlarmAction(action);
    alarms.set(TIME_TO_HOLD, toHold);
    this.alarms = alarms;
    this.dashboard = this.operationsDashboard(
      props,
      props.nativeAcwSeconds ?? 10,
      props.serviceName ?? 'connect-acw',
    );
  }

  /**
   * Shows an alarm made elsewhere (the sweep's `OverdueSessions`, which needs the topic first) on
   * the dashboard, in a row of its own under the others.
   */
  showAlarm(title: string, alarm: Alarm): void {
    this.dashboard.addWidgets(new AlarmStatusWidget({ title, width: 24, height: 3, alarms: [alarm] }));
  }

  /**
   * R17, R22: one dashboard for the contact center's operations. The wrap-up metrics are published
   * per queue, channel and end reason (lambda/handlers/wrap-up-metrics.ts): SEARCH expressions
   * draw every queue and channel there is, and sum them for the share the system ended.
   */
  private operationsDashboard(
    props: MonitoringProps,
    nativeAcwSeconds: number,
    serviceName: string,
  ): Dashboard {
    const period = Duration.minutes(5);
    const wrapUps = (metricName: string, statistic: string) =>
      `SEARCH('{${NAMESPACE},channel,endReason,queue,service} MetricName="${metricName}" service="${serviceName}"', '${statistic}', ${period.toSeconds()})`;
    const service = (metricName: string, statistic: string) =>
      new Metric({
        namespace: NAMESPACE,
        metricName,
        dimensionsMap: { service: serviceName },
        statistic,
        period,
      });
    const width = 12;
    const height = 6;
    return new Dashboard(this, 'Dashboard', {
      widgets: [
        [
          new GraphWidget({
            title: 'Wrap-up seconds by queue, channel and end reason (average)',
            width,
            height,
            left: [
              new MathExpression({ expression: wrapUps('WrapUpSeconds', 'Average'), label: '', period }),
            ],
          }),
          new GraphWidget({
            title: 'Share of wrap-ups the system ended (%)',
            width,
            height,
            left: [
              new MathExpression({
                expression: '100 * SUM(bySystem) / (SUM(bySystem) + SUM(byAgent))',
                label: 'ended by the system',
                period,
                usingMetrics: {
                  bySystem: new MathExpression({ expression: wrapUps('EndedBySystem', 'Sum'), period }),
                  byAgent: new MathExpression({ expression: wrapUps('EndedByAgent', 'Sum'), period }),
                },
              }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Time to hold and restore lateness, p99 (ms)',
            width,
            height,
            left: [service('TimeToHoldMs', Stats.p(99)), service('RestoreLatenessMs', Stats.p(99))],
            leftAnnotations: [
              { value: nativeAcwSeconds * 1000, label: "Connect's own ACW (nativeAcwSeconds)" },
            ],
          }),
          new GraphWidget({
            title: 'Open wrap-ups, and extensions used',
            width,
            height,
            left: [service('OpenSessions', Stats.MAXIMUM)],
            right: [
              new MathExpression({
                expression: `SUM(${wrapUps('ExtensionsUsed', 'Sum')})`,
                label: 'extensions',
                period,
              }),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Function errors',
            width,
            height,
            left: props.functions.map(({ name, fn }) =>
              fn.function.metricErrors({ period, statistic: Stats.SUM, label: name }),
            ),
          }),
          new GraphWidget({
            title: 'Dead-letter queue depth',
            width,
            height,
            left: props.deadLetterQueues.map(({ name, queue }) =>
              queue.metricApproximateNumberOfMessagesVisible({
                period,
                statistic: Stats.MAXIMUM,
                label: name,
              }),
            ),
          }),
        ],
        [
          new GraphWidget({
            title: "Connect's throttles by API",
            width,
            height,
            left: [
              new MathExpression({
                expression: `SEARCH('{${NAMESPACE},api,service} MetricName="ConnectThrottles" service="${serviceName}"', 'Sum', ${period.toSeconds()})`,
                label: '',
                period,
              }),
            ],
          }),
          new AlarmStatusWidget({ title: 'Alarms', width, height, alarms: [...this.alarms.values()] }),
        ],
      ],
    });
  }

  /**
   * R15: p99 of `TimeToHoldMs` (disconnect to wrap-up status) above Connect's own ACW in 3 of 5
   * minutes: agents were routable before they were held, so holds are queueing behind
   * PutUserStatus's quota (README, Sizing). p99 rather than the maximum: one hold retried after its
   * queue's visibility timeout is one lost wrap-up, not overload, and a sustained backlog delays
   * every hold, so p99 and the maximum cross together; below 100 holds a minute, p99 is the
   * maximum anyway. 3 of 5 one-minute periods: a burst the quota drains within a minute or two
   * (a shift change) does not page, a rate the quota cannot carry does. No holds is no data, and
   * not breaching.
   */
  private timeToHoldAlarm(nativeAcwSeconds: number, serviceName: string): Alarm {
    return new Alarm(this, `${TIME_TO_HOLD}Alarm`, {
      alarmDescription:
        `Agents were put in the wrap-up status more than ${nativeAcwSeconds} s (acw.monitoring.nativeAcwSeconds, ` +
        "Connect's own ACW) after their contact ended, at p99, in 3 of 5 minutes: they were routable before " +
        'they were held. The PutUserStatus quota is too low for the contact rate: see the README, Sizing.',
      metric: new Metric({
        namespace: NAMESPACE,
        metricName: 'TimeToHoldMs',
        dimensionsMap: { service: serviceName },
        statistic: Stats.p(99),
        period: Duration.minutes(1),
      }),
      threshold: nativeAcwSeconds * 1000,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}

function validate(props: MonitoringProps): void {
  const names = [...props.deadLetterQueues.map((q) => q.name), ...props.functions.map((f) => f.name)];
  const seen = new Set<string>();
  for (const name of names) {
    if (!NAME.test(name)) {
      throw new Error(
        `Monitoring: props names must be letters and digits starting with a letter, got ${JSON.stringify(name)}`,
      );
    }
    if (name === TIME_TO_HOLD) {
      throw new Error(`Monitoring: props name ${JSON.stringify(name)} is the time-to-hold alarm's`);
    }
    if (seen.has(name)) throw new Error(`Monitoring: props name ${JSON.stringify(name)} is used twice`);
    seen.add(name);
  }
  const native = props.nativeAcwSeconds;
  if (native !== undefined && !(Number.isInteger(native) && native >= 1 && native <= 3600)) {
    throw new Error(`Monitoring: props.nativeAcwSeconds must be an integer 1-3600, got ${native}`);
  }
  if (props.serviceName !== undefined && props.serviceName.trim() === '') {
    throw new Error('Monitoring: props.serviceName must not be empty');
  }
  if (props.alarmEmail !== undefined && !EMAIL.test(props.alarmEmail)) {
    throw new Error(
      `Monitoring: props.alarmEmail must be an email address, got ${JSON.stringify(props.alarmEmail)}`,
    );
  }
}
