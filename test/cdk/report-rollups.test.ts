import { Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { ReportRollups } from '../../lib/report-rollups';
import { SessionTable } from '../../lib/session-table';
import {
  logicalId,
  propertiesOf,
  resourcesAllowed,
  statementsAllowing,
  synth,
  testApp,
  underInstance,
} from './support';

const LEADING_REPORT_KEYS = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#REPORT#*'] } };

describe('ReportRollups (issue 13: reports from roll-ups)', () => {
  it('runs the roll-up every hour at :15, retried twice, failed deliveries to its dead-letter queue', () => {
    const { stack, template } = synth();
    const rollups = stack.reportRollups;
    const rule = propertiesOf(template, logicalId(rollups.rule));
    expect(rule.ScheduleExpression).toBe('cron(15 * * * ? *)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [logicalId(rollups.function.function), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(rollups.deadLetterQueue), 'Arn'] } },
      }),
    ]);
  });

  it('keeps a run that failed after Lambda retried it twice in the dead-letter queue', () => {
    const { stack, template } = synth();
    const rollups = stack.reportRollups;
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(rollups.function.function) },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(rollups.deadLetterQueue), 'Arn'] } },
      },
    });
    expect(propertiesOf(template, logicalId(rollups.deadLetterQueue))).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1_209_600,
    });
  });

  it('reads sessions only through byQueueDay and reads, writes and clears only the #REPORT# partitions (least privilege)', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.reportRollups.function.role);
    const table = { 'Fn::GetAtt': [logicalId(stack.sessions.table), 'Arn'] };
    // The index for the sessions; the table only in the #REPORT# partitions (the days marked late).
    const queries = statementsAllowing(template, role, 'dynamodb:Query');
    expect(queries).toHaveLength(2);
    expect(queries).toContainEqual(
      expect.objectContaining({ Resource: { 'Fn::Join': ['', [table, '/index/byQueueDay']] } }),
    );
    expect(queries).toContainEqual(
      expect.objectContaining({ Resource: table, Condition: LEADING_REPORT_KEYS }),
    );
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
    ]) {
      const statements = statementsAllowing(template, role, action);
      expect(statements, action).toHaveLength(1);
      expect(statements[0]?.Resource).toEqual(table);
      expect(statements[0]?.Condition).toEqual(LEADING_REPORT_KEYS);
    }
    for (const action of ['dynamodb:UpdateItem', 'dynamodb:Scan', 'connect:PutUserStatus']) {
      expect(resourcesAllowed(template, role, action), action).toEqual([]);
    }
    const listQueues = resourcesAllowed(template, role, 'connect:ListQueues');
    expect(listQueues).toHaveLength(2);
    expect(listQueues).toEqual(
      expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/queue/*')]),
    );
  });

  it('lets the API read the roll-up items and byQueueDay, not write roll-ups', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);
    const table = { 'Fn::GetAtt': [logicalId(stack.sessions.table), 'Arn'] };
    const queries = statementsAllowing(template, role, 'dynamodb:Query');
    expect(queries).toContainEqual(
      expect.objectContaining({ Resource: table, Condition: LEADING_REPORT_KEYS }),
    );
    expect(resourcesAllowed(template, role, 'dynamodb:Query')).toContainEqual({
      'Fn::Join': ['', [table, '/index/byQueueDay']],
    });
    expect(resourcesAllowed(template, role, 'dynamodb:BatchWriteItem')).toEqual([]);
  });

  it('alarms on the roll-up function and its dead-letter queue', () => {
    const { stack, template } = synth();
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) =>
      JSON.stringify(a.Properties),
    );
    expect(alarms.some((a) => a.includes(logicalId(stack.reportRollups.deadLetterQueue)))).toBe(true);
    expect(alarms.some((a) => a.includes(logicalId(stack.reportRollups.function.function)))).toBe(true);
  });

  it('takes another schedule, and refuses an empty instance ARN naming the prop', () => {
    const stack = new Stack(testApp(), 'S');
    const sessions = new SessionTable(stack, 'Sessions');
    const functionSettings = {
      config: parseAcwConfig({}),
      instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/abc',
      defaultDurationSeconds: '60',
    };
    const daily = new ReportRollups(stack, 'Daily', {
      functionSettings,
      sessions,
      instanceArn: functionSettings.instanceArn,
      schedule: Schedule.cron({ hour: '3', minute: '0' }),
    });
    expect(
      stack.resolve((daily.rule.node.defaultChild as { scheduleExpression?: string }).scheduleExpression),
    ).toBe('cron(0 3 * * ? *)');
    expect(() => new ReportRollups(stack, 'Bad', { functionSettings, sessions, instanceArn: '' })).toThrow(
      /props.instanceArn/,
    );
  });
});
