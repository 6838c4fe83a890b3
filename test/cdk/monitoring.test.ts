import { Match } from 'aws-cdk-lib/assertions';
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
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("R15: this account's alarms may publish to the topic: its policy replaces SNS's default one, which let them", () => {
    const { stack, template } = synth();
    const topic = logicalId(stack.monitoring.topic);

    const policies = template.findResources('AWS::SNS::TopicPolicy', {
      Properties: { Topics: [{ Ref: topic }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) => (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
    );
    const allows = statements.filter((statement) => statement.Effect === 'Allow');

    expect(allows).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: { Ref: topic },
        Condition: {
          ArnLike: {
            'aws:SourceArn': {
              'Fn::Join': [
                '',
                [
                  'arn:',
                  { Ref: 'AWS::Partition' },
                  ':cloudwatch:',
                  { Ref: 'AWS::Region' },
                  ':',
                  { Ref: 'AWS::AccountId' },
                  ':alarm:*',
                ],
              ],
            },
          },
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        },
      },
    ]);
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

  it("R15: holds slower than Connect's own ACW alarm: TimeToHoldMs p99 over 10 s (the default) in 3 of 5 minutes, to the topic", () => {
    const { stack, template } = synth();

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ConnectAcw',
      MetricName: 'TimeToHoldMs',
      // What the functions publish it with (lambda/handlers/outcome.ts): the service, nothing else.
      Dimensions: [{ Name: 'service', Value: 'connect-acw' }],
      ExtendedStatistic: 'p99',
      Period: 60,
      Threshold: 10_000,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
    });
    expect(stack.config.monitoring.nativeAcwSeconds).toBe(10);
  });

  it('R15: the time-to-hold threshold follows acw.monitoring.nativeAcwSeconds', () => {
    const { stack, template } = synth(exampleWith({ monitoring: { nativeAcwSeconds: 15 } }));
    const alarm = stack.monitoring.alarms.get('TimeToHold');

    expect(alarm).toBeDefined();
    expect(propertiesOf(template, logicalId(alarm as NonNullable<typeof alarm>))).toMatchObject({
      MetricName: 'TimeToHoldMs',
      Threshold: 15_000,
    });
    expect(template.findResources('AWS::CloudWatch::Alarm', { Properties: { Threshold: 10_000 } })).toEqual(
      {},
    );
  });

  it('has one alarm per dead-letter queue and per function, no more', () => {
    const { template } = synth();

    // 6 dead-letter queues, 6 functions (the report roll-up's, issue 13, among them), the sweep's
    // overdue sessions and catalog refresh, and the time to hold.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6 + 6 + 1 + 1 + 1);
  });
});

describe('R17, R22: the operations dashboard', () => {
  /** The dashboard body with its tokens resolved to their logical ids (enough to read it). */
  function dashboardBody(): string {
    const { stack, template } = synth();
    const body = propertiesOf(template, logicalId(stack.monitoring.dashboard)).DashboardBody as {
      'Fn::Join': [string, unknown[]];
    };
    return body['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
      .join('');
  }

  it('R22: shows wrap-up time by queue and channel, the share the system ended, and the extensions', () => {
    const body = dashboardBody();
    expect(body).toContain('MetricName=\\"WrapUpSeconds\\"');
    expect(body).toContain('{ConnectAcw,channel,endReason,queue,service}');
    expect(body).toContain('100 * SUM(bySystem) / (SUM(bySystem) + SUM(byAgent))');
    expect(body).toContain('MetricName=\\"EndedBySystem\\"');
    expect(body).toContain('MetricName=\\"EndedByAgent\\"');
    expect(body).toContain('MetricName=\\"ExtensionsUsed\\"');
  });

  it('R13, R15: shows time to hold and restore lateness at p99, with the native ACW line, open sessions and throttles', () => {
    const body = dashboardBody();
    expect(body).toContain('"TimeToHoldMs"');
    expect(body).toContain('"RestoreLatenessMs"');
    expect(body).toContain('"stat":"p99"');
    expect(body).toContain('"value":10000');
    expect(body).toContain('"OpenSessions"');
    expect(body).toContain('MetricName=\\"ConnectThrottles\\"');
  });

  it("R15, R16: shows every function's errors, every dead-letter queue's depth and every alarm", () => {
    const { stack } = synth();
    const body = dashboardBody();
    expect(body.match(/"Errors"/g)?.length).toBe((stack.agentEvents === undefined ? 0 : 1) + 6);
    expect(body).toContain('"ApproximateNumberOfMessagesVisible"');
    expect(body).toContain('"type":"alarm"');
    for (const alarm of stack.monitoring.alarms.values()) {
      expect(body).toContain(logicalId(alarm));
    }
    // The sweep's alarm, made after the monitoring (it needs the topic), is shown too.
    const overdue = stack.node.findAll().find((c) => c.node.path.endsWith('/OverdueSessionsAlarm'));
    if (overdue === undefined) throw new Error('no OverdueSessionsAlarm');
    expect(body).toContain(logicalId(overdue));
    const catalog = stack.node.findAll().find((c) => c.node.path.endsWith('/CatalogRefreshAlarm'));
    if (catalog === undefined) throw new Error('no CatalogRefreshAlarm');
    expect(body).toContain(logicalId(catalog));
  });
});
