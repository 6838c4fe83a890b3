import { describe, expect, it } from 'vitest';
import { exampleWith, logicalId, propertiesOf, synth } from './support';

describe('Monitoring', () => {
  it('R15: the alarm topic is encrypted with a rotating customer managed key and refuses plain HTTP', () => {
    const { stack, template } = synth();
    const topic = logicalId(stack.monitoring.topic);

    const props = propertiesOf(template, topic);
    const keyId = (props.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

    expect(propertiesOf(template, keyId).EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    });
  });

  it('R15: CloudWatch may use the topic key, so alarms can publish to the encrypted topic', () => {
    const { stack, template } = synth();
    const keyId = (
      propertiesOf(template, logicalId(stack.monitoring.topic)).KmsMasterKeyId as {
        'Fn::GetAtt': [string, string];
      }
    )['Fn::GetAtt'][0];

    const statements = (propertiesOf(template, keyId).KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;

    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      }),
    );
  });

  it('subscribes alarmEmail to the topic when it is set, and nothing when it is not', () => {
    const withEmail = synth(exampleWith({ alarmEmail: 'ops@example.com' }));
    const without = synth();

    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalId(withEmail.stack.monitoring.topic) },
    });
    without.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('R15: every dead-letter queue alarms on one visible message, to the topic', () => {
    const { stack, template } = synth();
    const queues = [
      stack.intake.queueDeadLetterQueue,
      stack.intake.ruleDeadLetterQueue,
      stack.timers.schedulerDeadLetterQueue,
      stack.timers.firedFailureQueue,
      stack.timers.dueDeadLetterQueue,
    ];

    for (const queue of queues) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(queue), 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
      });
    }
  });

  it('R15: every function alarms on one error in five minutes, to the topic', () => {
    const { stack, template } = synth();

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: logicalId(fn.function) } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
      });
    }
  });

  it('has one alarm per dead-letter queue and per function, no more', () => {
    const { template } = synth();

    // 5 dead-letter queues, 6 functions, and the sweep's overdue sessions.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5 + 6 + 1);
  });
});
