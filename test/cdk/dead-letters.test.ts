import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import { logicalId, propertiesOf, resourcesAllowed, synth } from './support';

type Synth = ReturnType<typeof synth>;
type Fn = Synth['stack']['intake']['function'];

function environmentOf(template: Synth['template'], fn: Fn): Record<string, unknown> {
  return (
    propertiesOf(template, logicalId(fn.function)).Environment as { Variables: Record<string, unknown> }
  ).Variables;
}

/** Each function that refuses malformed records, and the queue it keeps them in (the worker: two). */
function refusers(stack: Synth['stack']) {
  return [
    { fn: stack.intake.function, queue: stack.intake.queueDeadLetterQueue },
    { fn: stack.timers.firedFunction, queue: stack.timers.firedFailureQueue },
  ];
}

describe('R16: refused records are kept in their source dead-letter queue', () => {
  it("R16: the worker and timer-fired are each told their own dead-letter queue; the worker the due queue's too, for refused timers", () => {
    const { stack, template } = synth();

    for (const { fn, queue } of refusers(stack)) {
      expect(environmentOf(template, fn)[ENV.deadLetterQueueUrl], fn.node.path).toEqual({
        Ref: logicalId(queue),
      });
    }
    expect(environmentOf(template, stack.intake.function)[ENV.dueDeadLetterQueueUrl]).toEqual({
      Ref: logicalId(stack.timers.dueDeadLetterQueue),
    });
    expect(environmentOf(template, stack.timers.firedFunction)).not.toHaveProperty(ENV.dueDeadLetterQueueUrl);
  });

  it('R16: each may send to its own dead-letter queue and to no other', () => {
    const { stack, template } = synth();
    const deadLetterQueues = [
      stack.intake.queueDeadLetterQueue,
      stack.intake.ruleDeadLetterQueue,
      stack.timers.dueDeadLetterQueue,
      stack.timers.firedFailureQueue,
      stack.timers.schedulerDeadLetterQueue,
    ].map((queue) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }));

    const kept = [
      {
        fn: stack.intake.function,
        queues: [stack.intake.queueDeadLetterQueue, stack.timers.dueDeadLetterQueue],
      },
      { fn: stack.timers.firedFunction, queues: [stack.timers.firedFailureQueue] },
    ];
    for (const { fn, queues } of kept) {
      const allowed = resourcesAllowed(template, logicalId(fn.role), 'sqs:SendMessage');
      const own = queues.map((queue) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }));

      for (const arn of own) expect(allowed, fn.node.path).toContainEqual(arn);
      expect(
        allowed.filter((arn) => deadLetterQueues.some((dlq) => JSON.stringify(dlq) === JSON.stringify(arn))),
        fn.node.path,
      ).toHaveLength(own.length);
    }
  });

  it('R16: the functions that read no queue of their own keep nothing (no DEAD_LETTER_QUEUE_URL)', () => {
    const { stack, template } = synth();

    for (const fn of [stack.agentApi.function, stack.contactFlow.function, stack.sweep.function]) {
      expect(environmentOf(template, fn), fn.node.path).not.toHaveProperty(ENV.deadLetterQueueUrl);
    }
  });
});
