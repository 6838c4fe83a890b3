/**
 * Timers on EventBridge Scheduler and an SQS "due" queue (the R13 design is in core/timer.ts).
 *
 * A schedule is named from its session and deadline, so arming the same timer twice finds the
 * existing schedule (ConflictException) instead of making a second one.
 */
import { createHash } from 'node:crypto';
import {
  ActionAfterCompletion,
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TimerPayload, Timers } from '../core/ports';
import { atExpression, planTimer } from '../core/timer';
import { DueQueueTimers } from './due-queue-timers';

/** Where schedules go and what they invoke. */
export interface ScheduleTarget {
  readonly client: SchedulerClient;
  /** The stack's own schedule group. */
  readonly groupName: string;
  /** The function a schedule invokes (the timer-fired handler). */
  readonly targetArn: string;
  /** The role Scheduler assumes; it may invoke only `targetArn`. */
  readonly roleArn: string;
  /** Where Scheduler puts a timer it could not deliver. */
  readonly deadLetterArn: string;
}

export interface SchedulerTimersProps {
  /** Needed only by the function that arms timers; the timer handlers only defer. */
  readonly scheduler?: ScheduleTarget | undefined;
  /**
   * The due queue that carries the last stretch before a deadline, and its client; absent for a
   * function that only cancels schedules (agent-events).
   */
  readonly due?: { readonly sqs: SQSClient; readonly dueQueueUrl: string } | undefined;
}

/** Scheduler's retries of a failed invocation: a few, quickly, since the deadline is near. */
export const SCHEDULE_RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 300 } as const;

export class SchedulerTimers implements Timers {
  private readonly due: DueQueueTimers | undefined;

  constructor(private readonly props: SchedulerTimersProps) {
    this.due = props.due === undefined ? undefined : new DueQueueTimers(props.due);
  }

  async arm(payload: TimerPayload, now: Date): Promise<void> {
    const plan = planTimer(now, new Date(payload.deadline));
    if (plan.kind === 'delay') return this.defer(payload, plan.delaySeconds);
    const scheduler = this.props.scheduler;
    if (scheduler === undefined)
      throw new Error('This function has no Scheduler settings: it cannot arm timers');
    try {
      await scheduler.client.send(
        new CreateScheduleCommand({
          Name: scheduleName(payload),
          GroupName: scheduler.groupName,
          ScheduleExpression: atExpression(plan.at),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
          ActionAfterCompletion: ActionAfterCompletion.DELETE,
          Target: {
            Arn: scheduler.targetArn,
            RoleArn: scheduler.roleArn,
            Input: JSON.stringify(payload),
            RetryPolicy: SCHEDULE_RETRY_POLICY,
            DeadLetterConfig: { Arn: scheduler.deadLetterArn },
          },
          Description: `connect-acw wrap-up end, deadline ${payload.deadline}`,
        }),
      );
    } catch (error) {
      // The same timer armed by an earlier delivery: it is already there.
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async cancel(payload: TimerPayload): Promise<void> {
    // A short wrap-up's timer is a queue message that cannot be recalled: its stale deadline makes
    // it do nothing when it arrives (R13). Only a schedule can be removed.
    const scheduler = this.props.scheduler;
    if (scheduler === undefined)
      throw new Error('This function has no Scheduler settings: it cannot cancel timers');
    try {
      await scheduler.client.send(
        new DeleteScheduleCommand({ Name: scheduleName(payload), GroupName: scheduler.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }

  async defer(payload: TimerPayload, delaySeconds: number): Promise<void> {
    if (this.due === undefined) throw new Error('This function has no due queue: it cannot defer timers');
    return this.due.defer(payload, delaySeconds);
  }
}

/**
 * A schedule name for one session's deadline: `acw-` + 56 hex characters of a hash of contact,
 * agent and deadline. Always 60 characters of `[0-9a-f-]`, within Scheduler's 64 `[0-9a-zA-Z-_.]`;
 * hashed because a contact id and an agent id alone already take 72.
 */
export function scheduleName(payload: TimerPayload): string {
  const digest = createHash('sha256')
    .update(`${payload.contactId}\n${payload.agentId}\n${payload.deadline}`)
    .digest('hex');
  return `acw-${digest.slice(0, 56)}`;
}
