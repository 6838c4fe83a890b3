/**
 * Wrap-up timers (R13): one-time EventBridge Scheduler schedules fire somewhere in the minute
 * before a deadline and invoke the timer-fired function, which hands the last stretch to the SQS
 * "due" queue (a per-message delay); the wrap-up worker (the contact events' function, see
 * `consumeDue`) reads the due queue and ends the wrap-up on time. One function makes the holds and
 * the restores, so that they wait in one line for PutUserStatus's quota (R15).
 *
 * Failures are kept (R15): Scheduler's dead-letter queue, the timer-fired function's on-failure
 * queue after two asynchronous retries, and the due queue's dead-letter queue. A malformed timer
 * goes at once to the on-failure queue (timer-fired) or the due queue's dead-letter queue
 * (the worker), with the error that names what is wrong (R16).
 */
import { createHash } from 'node:crypto';
import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../lambda/handlers/env';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';
import { acknowledgeWildcardResource } from './nag';
import { DUE_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT } from './queue-settings';
import { deadLetterQueue, grantKeepRefused, type NamedQueue, workQueue } from './queues';

/** Scheduler's rule for a schedule group name. */
const SCHEDULE_GROUP_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const SUFFIX = '-acw';

/**
 * The schedule group name for a stack: `<stackName>-acw`; a stack name too long for Scheduler's
 * 64 characters is cut and given a short hash of the whole name, so two long names still differ.
 */
export function scheduleGroupNameFor(stackName: string): string {
  const safe = stackName.replace(/[^0-9a-zA-Z\-_.]/g, '-');
  const whole = `${safe}${SUFFIX}`;
  if (whole.length <= 64 && safe === stackName) return whole;
  const hash = createHash('sha256').update(stackName).digest('hex').slice(0, 8);
  return `${safe.slice(0, 64 - SUFFIX.length - hash.length - 1)}-${hash}${SUFFIX}`;
}

/** Properties of the wrap-up timers. */
export interface WrapUpTimersProps {
  /** Settings shared by every ACW function. */
  readonly functionSettings: AcwFunctionSettings;
  /**
   * Name of the schedule group that holds this stack's timers (1-64 of `[0-9a-zA-Z-_.]`).
   * @default - `<stackName>-acw`, see `scheduleGroupNameFor`
   */
  readonly scheduleGroupName?: string;
  /**
   * Visibility timeout of the due queue; at least its consumer's timeout (`consumeDue` checks).
   * @default Duration.seconds(60)
   */
  readonly dueQueueVisibilityTimeout?: Duration;
  /**
   * Receives of a due-queue message before it goes to the dead-letter queue.
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Lambda's retries of a failed timer-fired invocation before the on-failure queue (0-2).
   * @default 2
   */
  readonly firedRetryAttempts?: number;
}

/** The schedule group, the Scheduler role, the due queue and the two timer functions. */
export class WrapUpTimers extends Construct {
  /** The schedule group every wrap-up timer is created in. */
  readonly scheduleGroup: CfnScheduleGroup;
  /** Its name, as a reference to the group (so grants depend on it). */
  readonly scheduleGroupName: string;
  /** The role Scheduler assumes to invoke the timer-fired function. */
  readonly schedulerRole: Role;
  /** Where Scheduler puts a timer it could not deliver. */
  readonly schedulerDeadLetterQueue: Queue;
  /** The Scheduler target: a timer fired in the minute before its deadline. */
  readonly firedFunction: AcwFunction;
  /** Where a timer-fired invocation goes after its retries. */
  readonly firedFailureQueue: Queue;
  /** Timers in their last stretch, delayed to the deadline. */
  readonly dueQueue: Queue;
  /** The due queue's dead-letter queue. */
  readonly dueDeadLetterQueue: Queue;
  /** The queues that hold failures, for alarms. */
  readonly deadLetterQueues: readonly NamedQueue[];
  private readonly dueQueueVisibilitySeconds: number;

  constructor(scope: Construct, id: string, props: WrapUpTimersProps) {
    super(scope, id);
    validate(props);
    const groupName = props.scheduleGroupName ?? scheduleGroupNameFor(Stack.of(this).stackName);

    this.scheduleGroup = new CfnScheduleGroup(this, 'ScheduleGroup', { name: groupName });
    this.scheduleGroupName = this.scheduleGroup.ref;

    this.schedulerDeadLetterQueue = deadLetterQueue(
      this,
      'SchedulerDeadLetterQueue',
      'EventBridge Scheduler puts a wrap-up timer here when it cannot invoke the timer-fired function',
    );
    this.firedFailureQueue = deadLetterQueue(
      this,
      'FiredFailureQueue',
      'the on-failure destination of the timer-fired function after its asynchronous retries',
    );

    this.firedFunction = new AcwFunction(this, 'Fired', {
      settings: props.functionSettings,
      entry: handlerEntry('timer-fired'),
      description: 'Wrap-up timer fired by EventBridge Scheduler: hands over to the due queue',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['timer-fired']),
      retryAttempts: props.firedRetryAttempts ?? 2,
      onFailure: new SqsDestination(this.firedFailureQueue),
    });
    grantKeepRefused(this.firedFunction, this.firedFailureQueue);

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'Assumed by EventBridge Scheduler to deliver connect-acw wrap-up timers',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        // Confused-deputy guard: only the schedules of this stack's group, in this account, may use
        // the role. Scheduler's aws:SourceArn is the schedule group's ARN, never a schedule's
        // ("Confused deputy prevention", EventBridge Scheduler User Guide).
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.attrArn,
          },
        },
      }),
    });
    // Only the function itself: no versions or aliases (what grantInvoke would add).
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.firedFunction.functionArn],
      }),
    );
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.schedulerDeadLetterQueue.queueArn],
      }),
    );

    this.dueDeadLetterQueue = deadLetterQueue(this, 'DueDeadLetterQueue');
    this.dueQueueVisibilitySeconds = (
      props.dueQueueVisibilityTimeout ?? Duration.seconds(DUE_VISIBILITY_SECONDS)
    ).toSeconds();
    this.dueQueue = workQueue(this, 'DueQueue', {
      visibilityTimeout: Duration.seconds(this.dueQueueVisibilitySeconds),
      deadLetterQueue: {
        queue: this.dueDeadLetterQueue,
        maxReceiveCount: props.maxReceiveCount ?? MAX_RECEIVE_COUNT,
      },
    });
    this.deadLetterQueues = [
      { name: 'SchedulerDeadLetter', queue: this.schedulerDeadLetterQueue },
      { name: 'TimerFiredFailure', queue: this.firedFailureQueue },
      { name: 'DueDeadLetter', queue: this.dueDeadLetterQueue },
    ];
  }

  /** The functions this construct owns. */
  get functions(): readonly AcwFunction[] {
    return [this.firedFunction];
  }

  /**
   * Makes `fn` (the wrap-up worker) the due queue's consumer: ten records a batch, partial batch
   * failures, no batching window (a due timer acts as soon as its delay ends), and bounded
   * concurrency (R15). The timers it refuses as malformed are kept in the due queue's dead-letter
   * queue (`DUE_DEAD_LETTER_QUEUE_URL`, `sqs:SendMessage` on that queue only, R16).
   */
  consumeDue(fn: AcwFunction): void {
    const timeout = fn.function.timeout?.toSeconds() ?? 3;
    const visibility = this.dueQueueVisibilitySeconds;
    if (visibility < timeout) {
      throw new Error(
        `WrapUpTimers: the due queue's visibility timeout (${visibility} s) must be at least its consumer's timeout (${timeout} s)`,
      );
    }
    fn.addEnvironment(ENV.dueDeadLetterQueueUrl, this.dueDeadLetterQueue.queueUrl);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.dueDeadLetterQueue.queueArn] }),
    );
    fn.function.addEventSource(
      new SqsEventSource(this.dueQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 20,
      }),
    );
  }

  /**
   * Lets `fn` arm timers: sets `SCHEDULE_GROUP_NAME`, `SCHEDULE_TARGET_ARN`, `SCHEDULE_ROLE_ARN` and
   * `SCHEDULE_DLQ_ARN`, grants `scheduler:CreateSchedule` and `scheduler:DeleteSchedule` on this
   * group's schedules only, and `iam:PassRole` on the Scheduler role only, to Scheduler only.
   */
  grantArm(fn: AcwFunction): void {
    this.grantSchedules(fn, ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }

  /**
   * Lets `fn` cancel timers, and only that (a status the agent chose ends their wrap-up, R8): sets
   * the same variables as `grantArm` and grants `scheduler:DeleteSchedule` on this group's schedules.
   */
  grantCancel(fn: AcwFunction): void {
    this.grantSchedules(fn, ['scheduler:DeleteSchedule']);
  }

  private grantSchedules(fn: AcwFunction, actions: readonly string[]): void {
    fn.addEnvironment(ENV.scheduleGroup, this.scheduleGroupName);
    fn.addEnvironment(ENV.scheduleTargetArn, this.firedFunction.functionArn);
    fn.addEnvironment(ENV.scheduleRoleArn, this.schedulerRole.roleArn);
    fn.addEnvironment(ENV.scheduleDlqArn, this.schedulerDeadLetterQueue.queueArn);
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.scheduleGroupName}/*`,
    });
    fn.addToRolePolicy(new PolicyStatement({ actions: [...actions], resources: [schedules] }));
    acknowledgeWildcardResource(
      fn,
      schedules,
      'Schedules are named at run time from the session and deadline (acw-<hash>), so the grant covers the ' +
        "schedules of this stack's own schedule group only: schedule/<group>/*.",
    );
  }

  /**
   * Lets `fn` defer timers to the due queue: sets `DUE_QUEUE_URL` and grants `sqs:SendMessage` on
   * that queue only.
   */
  grantDefer(fn: AcwFunction): void {
    fn.addEnvironment(ENV.dueQueueUrl, this.dueQueue.queueUrl);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.dueQueue.queueArn] }),
    );
  }
}

function validate(props: WrapUpTimersProps): void {
  const name = props.scheduleGroupName;
  if (name !== undefined && !Token.isUnresolved(name) && !SCHEDULE_GROUP_NAME.test(name)) {
    throw new Error(
      `WrapUpTimers: props.scheduleGroupName must be 1-64 characters of [0-9a-zA-Z-_.], got ${JSON.stringify(name)}`,
    );
  }
  const visibility = props.dueQueueVisibilityTimeout?.toSeconds();
  if (visibility !== undefined && (visibility < 1 || visibility > 43_200)) {
    throw new Error(
      `WrapUpTimers: props.dueQueueVisibilityTimeout must be 1-43200 seconds, got ${visibility}`,
    );
  }
  const receives = props.maxReceiveCount;
  if (receives !== undefined && (!Number.isInteger(receives) || receives < 1 || receives > 1000)) {
    throw new Error(`WrapUpTimers: props.maxReceiveCount must be an integer 1-1000, got ${receives}`);
  }
  const retries = props.firedRetryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) {
    throw new Error(`WrapUpTimers: props.firedRetryAttempts must be an integer 0-2, got ${retries}`);
  }
}
