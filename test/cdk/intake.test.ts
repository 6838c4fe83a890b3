import { describe, expect, it } from 'vitest';
import { INTAKE_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT } from '../../lib/queue-settings';
import { logicalId, propertiesOf, synth } from './support';

describe('ContactEventIntake', () => {
  it('R1, R9, R10: the rule takes only DISCONNECTED, CONNECTED_TO_AGENT and outbound INITIATED contact events of the instance named by the ConnectInstanceArn parameter', () => {
    const { stack, template } = synth();

    const rule = propertiesOf(template, logicalId(stack.intake.rule));

    expect(rule.EventPattern).toEqual({
      source: ['aws.connect'],
      'detail-type': ['Amazon Connect Contact Event'],
      detail: {
        instanceArn: [{ Ref: 'ConnectInstanceArn' }],
        $or: [
          { eventType: ['DISCONNECTED', 'CONNECTED_TO_AGENT'] },
          { eventType: ['INITIATED'], initiationMethod: ['OUTBOUND'] },
        ],
      },
    });
    expect(rule.State).toBe('ENABLED');
    expect(rule.EventBusName).toBeUndefined();
  });

  it('R15: the rule delivers to the intake queue with retries, then to its own dead-letter queue', () => {
    const { stack, template } = synth();

    const rule = propertiesOf(template, logicalId(stack.intake.rule));

    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack.intake.ruleDeadLetterQueue), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 },
      },
    ]);
  });

  it('R14, R15: the intake queue redrives a record failed 5 times to its dead-letter queue, and hides a record 2x the function timeout (a hold given back returns while it still matters)', () => {
    const { stack, template } = synth();

    const queue = propertiesOf(template, logicalId(stack.intake.queue));
    const fn = propertiesOf(template, logicalId(stack.intake.function.function));

    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.intake.queueDeadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(fn.Timeout).toBe(30);
    expect(queue.VisibilityTimeout).toBe(60);
    // The simulator's intake queue is the deployed one's (sim/engine.ts).
    expect(queue.VisibilityTimeout).toBe(INTAKE_VISIBILITY_SECONDS);
    expect(queue.RedrivePolicy).toMatchObject({ maxReceiveCount: MAX_RECEIVE_COUNT });
  });

  it('R16: the contact-events function reads the queue 10 records at a time and reports partial batch failures', () => {
    const { stack, template } = synth();

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.intake.function.function) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('only this rule may send to the intake queue, and only over TLS', () => {
    const { stack, template } = synth();
    const queueArn = { 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] };

    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find(
      (p) => JSON.stringify(p.Properties.Queues) === JSON.stringify([{ Ref: logicalId(stack.intake.queue) }]),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];

    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: queueArn,
        Condition: {
          ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.intake.rule), 'Arn'] } },
        },
      }),
    );
  });
});
