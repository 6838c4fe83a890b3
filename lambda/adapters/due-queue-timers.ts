/**
 * Timers on the SQS "due" queue alone (the R13 design is in core/timer.ts): what a function that
 * only defers timers uses (the timer-fired handler), so that its code holds no Scheduler client.
 * The functions that arm or cancel schedules use SchedulerTimers (timers.ts), which defers
 * through this.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { TimerPayload, Timers } from '../core/ports';
import { planTimer } from '../core/timer';

export interface DueQueueTimersProps {
  readonly sqs: SQSClient;
  /** The due queue that carries the last stretch before a deadline. */
  readonly dueQueueUrl: string;
}

export class DueQueueTimers implements Timers {
  constructor(private readonly props: DueQueueTimersProps) {}

  /** A deadline near enough for an SQS delay is deferred; one that needs a schedule is refused. */
  async arm(payload: TimerPayload, now: Date): Promise<void> {
    const plan = planTimer(now, new Date(payload.deadline));
    if (plan.kind === 'delay') return this.defer(payload, plan.delaySeconds);
    throw new Error('This function has no Scheduler settings: it cannot arm timers');
  }

  async cancel(): Promise<void> {
    throw new Error('This function has no Scheduler settings: it cannot cancel timers');
  }

  async defer(payload: TimerPayload, delaySeconds: number): Promise<void> {
    await this.props.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.props.dueQueueUrl,
        MessageBody: JSON.stringify(payload),
        DelaySeconds: delaySeconds,
      }),
    );
  }
}
