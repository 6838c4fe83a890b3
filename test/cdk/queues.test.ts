import { describe, expect, it } from 'vitest';
import { logicalId, propertiesOf, synth } from './support';

describe('SQS queues', () => {
  it('R15: every queue is encrypted and refuses plain HTTP', () => {
    const { template } = synth();
    const queues = template.findResources('AWS::SQS::Queue');
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));

    expect(Object.keys(queues)).toHaveLength(8);
    for (const [id, queue] of Object.entries(queues)) {
      const denies = policies
        .filter((p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: id }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');

      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      expect(denies, id).toHaveLength(1);
    }
  });

  it('R14: the two queues the functions read redrive a message to a dead-letter queue after 5 receives', () => {
    const { stack, template } = synth();

    for (const queue of [stack.intake.queue, stack.timers.dueQueue]) {
      const redrive = propertiesOf(template, logicalId(queue)).RedrivePolicy as Record<string, unknown>;

      expect(redrive.maxReceiveCount, queue.node.path).toBe(5);
      expect(redrive.deadLetterTargetArn, queue.node.path).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'],
      });
    }
  });

  it('R15: the six dead-letter queues keep a failed message 14 days and redrive nowhere', () => {
    const { stack, template } = synth();
    const working = new Set([logicalId(stack.intake.queue), logicalId(stack.timers.dueQueue)]);

    const deadLetter = Object.entries(template.findResources('AWS::SQS::Queue')).filter(
      ([id]) => !working.has(id),
    );

    expect(deadLetter).toHaveLength(6);
    for (const [id, queue] of deadLetter) {
      expect(queue.Properties.RedrivePolicy, id).toBeUndefined();
      expect(queue.Properties.MessageRetentionPeriod, id).toBe(14 * 24 * 3600);
    }
  });
});
