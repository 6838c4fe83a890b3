import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import { logicalId, propertiesOf, resourcesAllowed, synth } from './support';

describe('Sweep (R15: nobody stuck)', () => {
  it('R15: runs the sweep function every minute', () => {
    const { stack, template } = synth();
    const rule = propertiesOf(template, logicalId(stack.sweep.rule));
    expect(rule.ScheduleExpression).toBe('rate(1 minute)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [logicalId(stack.sweep.function.function), 'Arn'] } }),
    ]);
  });

  it('R15: may list open sessions only through the sparse index, and restore and record like the timers', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.sweep.function.role);
    const table = logicalId(stack.sessions.table);
    expect(resourcesAllowed(template, role, 'dynamodb:Scan')).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/openByAgent']] },
    ]);
    expect(resourcesAllowed(template, role, 'connect:PutUserStatus')).toHaveLength(3);
    expect(resourcesAllowed(template, role, 'connect:UpdateContactAttributes')).toHaveLength(1);
  });

  it('R15: the sweep and the contact-flow function never send to the due queue: neither may, nor is told its URL; the functions that defer timers may', () => {
    const { stack, template } = synth();
    const variables = (fn: { function: unknown }) =>
      (
        propertiesOf(template, logicalId(fn.function as never)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
    const dueQueue = { 'Fn::GetAtt': [logicalId(stack.timers.dueQueue), 'Arn'] };

    for (const fn of [stack.sweep.function, stack.contactFlow.function]) {
      expect(
        resourcesAllowed(template, logicalId(fn.role), 'sqs:SendMessage'),
        fn.node.path,
      ).not.toContainEqual(dueQueue);
      expect(variables(fn), fn.node.path).not.toHaveProperty(ENV.dueQueueUrl);
    }
    for (const fn of [stack.intake.function, ...stack.timers.functions, stack.agentApi.function]) {
      expect(resourcesAllowed(template, logicalId(fn.role), 'sqs:SendMessage'), fn.node.path).toContainEqual(
        dueQueue,
      );
      expect(variables(fn), fn.node.path).toHaveProperty(ENV.dueQueueUrl);
    }
  });

  it('R20: alarms to the topic when the catalog of names failed to refresh twice within an hour', () => {
    const { stack, template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ConnectAcw',
      MetricName: 'CatalogRefreshFailures',
      Dimensions: [{ Name: 'service', Value: 'connect-acw' }],
      Statistic: 'Sum',
      Period: 3600,
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
    });
  });

  it('R15: alarms to the topic when the sweep finds any overdue wrap-up', () => {
    const { stack, template } = synth();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ConnectAcw',
      MetricName: 'OverdueSessions',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: logicalId(stack.monitoring.topic) }],
    });
  });
});
