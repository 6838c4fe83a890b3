/**
 * Issue 13: the reports' roll-ups. An hourly schedule runs lambda/handlers/report-rollup.ts, which
 * sums each finished UTC day's complete sessions (and the current day's so far) (read through the `byQueueDay` index, one Query
 * per queue) into roll-up items in the session table (`#REPORT#QUEUE`, `#REPORT#AGENT`,
 * `#REPORT#STATE`: lambda/adapters/dynamo-report-store.ts). Failed runs are retried twice by
 * Lambda, then kept in a dead-letter queue; the next run resumes at the first day not rolled up.
 *
 * `grantReportReads` gives the API what the report routes read.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { REPORT_ITEMS } from '../lambda/adapters/report-keys';
import { SESSION_TABLE } from '../lambda/adapters/session-keys';
import { ENV } from '../lambda/handlers/env';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { acknowledgeWildcardResource } from './nag';
import { deadLetterQueue } from './queues';
import type { SessionTable } from './session-table';

/** The partitions of the roll-up items, as IAM's `dynamodb:LeadingKeys` matches them. */
const REPORT_PARTITIONS = `${REPORT_ITEMS.prefix}*`;

/** Properties of the roll-ups. */
export interface ReportRollupsProps {
  /** Shared function settings. */
  readonly functionSettings: AcwFunctionSettings;
  /** The session table: read through `byQueueDay`, the roll-up items written beside the sessions. */
  readonly sessions: SessionTable;
  /** The Amazon Connect instance whose queues are listed (ListQueues). */
  readonly instanceArn: string;
  /**
   * When the roll-up runs.
   * @default Schedule.cron({ minute: '15' }) (every hour at :15; a day is rolled up from 02:15 UTC)
   */
  readonly schedule?: Schedule;
}

export class ReportRollups extends Construct {
  /** The roll-up function. */
  readonly function: AcwFunction;
  /** The schedule that runs it. */
  readonly rule: Rule;
  /** Runs that failed after Lambda's retries, and schedule deliveries that failed. */
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ReportRollupsProps) {
    super(scope, id);
    if (props.instanceArn === '') throw new Error('ReportRollups: props.instanceArn must not be empty');

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetters',
      'the roll-up function’s failed runs (a Lambda on-failure destination) and failed schedule deliveries (the rule target’s dead-letter queue)',
    );
    this.function = new AcwFunction(this, 'Function', {
      settings: props.functionSettings,
      entry: handlerEntry('report-rollup'),
      description: 'Reports: rolls up each finished day of wrap-up sessions for the reports API (issue 13)',
      // A day of a 1,000-agent center is ~50k sessions read in ~1 MB pages: minutes at most (bench).
      timeout: Duration.minutes(10),
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
    this.rule = new Rule(this, 'Schedule', {
      description: 'connect-acw: rolls up finished days of wrap-up sessions for the reports',
      schedule: props.schedule ?? Schedule.cron({ minute: '15' }),
      targets: [
        new LambdaFunction(this.function.function, {
          retryAttempts: 2,
          deadLetterQueue: this.deadLetterQueue,
        }),
      ],
    });

    const table = props.sessions.table;
    this.function.addEnvironment(ENV.tableName, table.tableName);
    // Reads: complete sessions by queue and day.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${SESSION_TABLE.byQueueDayIndex}`],
      }),
    );
    // Writes: the roll-up items only (their partitions), never a session; and the days marked to
    // be rolled up again (`#REPORT#LATE`), which it lists (Query) and clears (DeleteItem).
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:Query',
          'dynamodb:DeleteItem',
        ],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [REPORT_PARTITIONS] } },
      }),
    );
    table.encryptionKey?.grantEncryptDecrypt(this.function);
    // The queues whose sessions are read: ListQueues on this instance.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:ListQueues'],
        resources: [props.instanceArn, `${props.instanceArn}/queue/*`],
      }),
    );
    acknowledgeWildcardResource(
      this.function,
      `${props.instanceArn}/queue/*`,
      'ListQueues is authorised on the instance and its queue resources, instance/ID/queue/ID; the roll-up lists ' +
        'the queues of this one instance to read their sessions, so the grant covers the queues of this instance only.',
    );
  }
}

/**
 * Issue 13: lets the API read the reports: the roll-up items (GetItem and Query on the `#REPORT#`
 * partitions only) and complete sessions through `byQueueDay` (the days not rolled up yet). The
 * queue catalog's ListQueues comes with `ConnectInstance.grantNames`, which the API already has.
 */
export function grantReportReads(sessions: SessionTable, fn: AcwFunction): void {
  const table = sessions.table;
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [table.tableArn],
      conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [REPORT_PARTITIONS] } },
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['dynamodb:Query'],
      resources: [`${table.tableArn}/index/${SESSION_TABLE.byQueueDayIndex}`],
    }),
  );
  table.encryptionKey?.grantDecrypt(fn);
}
