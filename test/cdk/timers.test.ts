import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import { DUE_VISIBILITY_SECONDS } from '../../lib/queue-settings';
import { scheduleGroupNameFor } from '../../lib/wrap-up-timers';
import {
  logicalId,
  propertiesOf,
  resourcesAllowed,
  statementsAllowing,
  statementsOfRole,
  synth,
} from './support';

const SCHEDULE_ENV = [ENV.scheduleGroup, ENV.scheduleTargetArn, ENV.scheduleRoleArn, ENV.scheduleDlqArn];

describe('WrapUpTimers', () => {
  it('R13: timers live in a schedule group named after the stack', () => {
    const { stack, template } = synth();

    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(propertiesOf(template, logicalId(stack.timers.scheduleGroup))).toEqual({ Name: 'Acw-acw' });
  });

  it('R13: a stack name too long for Scheduler gives a valid, distinct group name of at most 64 characters', () => {
    const long = `Stack${'x'.repeat(120)}`;

    const first = scheduleGroupNameFor(`${long}A`);
    const second = scheduleGroupNameFor(`${long}B`);

    expect(first).toMatch(/^[0-9a-zA-Z\-_.]{1,64}$/);
    expect(first).toMatch(/-acw$/);
    expect(second).not.toBe(first);
    expect(scheduleGroupNameFor('ConnectAcw')).toBe('ConnectAcw-acw');
  });

  it("R13: Scheduler assumes the timer role only for the schedules of this stack's group, in this account", () => {
    const { stack, template } = synth();

    const role = propertiesOf(template, logicalId(stack.timers.schedulerRole));

    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              // Scheduler's source is the schedule group (its ARN), never a single schedule.
              'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.timers.scheduleGroup), 'Arn'] },
            },
          },
        },
      ],
    });
  });

  it('R13: the Scheduler role may invoke only the timer-fired function and send only to the scheduler dead-letter queue', () => {
    const { stack, template } = synth();

    const statements = statementsOfRole(template, logicalId(stack.timers.schedulerRole));

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': [logicalId(stack.timers.firedFunction.function), 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': [logicalId(stack.timers.schedulerDeadLetterQueue), 'Arn'] },
      },
    ]);
  });

  it('R15: a failed timer-fired invocation is retried twice, then kept in the timer failure queue', () => {
    const { stack, template } = synth();

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId(stack.timers.firedFunction.function) },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack.timers.firedFailureQueue), 'Arn'] } },
      },
    });
    expect(
      resourcesAllowed(template, logicalId(stack.timers.firedFunction.role), 'sqs:SendMessage'),
    ).toContainEqual({ 'Fn::GetAtt': [logicalId(stack.timers.firedFailureQueue), 'Arn'] });
  });

  it('R13: the due queue hides a message 60 s and redrives one failed 5 times to its dead-letter queue', () => {
    const { stack, template } = synth();

    const queue = propertiesOf(template, logicalId(stack.timers.dueQueue));

    expect(queue.VisibilityTimeout).toBe(60);
    // The simulator's due queue is the deployed one's (sim/engine.ts).
    expect(queue.VisibilityTimeout).toBe(DUE_VISIBILITY_SECONDS);
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.timers.dueDeadLetterQueue), 'Arn'] },
      maxReceiveCount: 5,
    });
  });

  it('R13, R15: the wrap-up worker (the intake function) reads the due queue 10 at a time, with partial batch failures and no batching window', () => {
    const { stack, template } = synth();

    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.timers.dueQueue), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.intake.function.function) },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
  });

  it('R15: holds and restores are made by one function: no other function reads the intake or the due queue', () => {
    const { stack, template } = synth();
    const worker = JSON.stringify({ Ref: logicalId(stack.intake.function.function) });
    const consumers = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))
      .map((mapping) => mapping.Properties as { EventSourceArn: unknown; FunctionName: unknown })
      .filter((p) =>
        [stack.timers.dueQueue, stack.intake.queue].some(
          (queue) =>
            JSON.stringify(p.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] }),
        ),
      );

    expect(consumers).toHaveLength(2);
    for (const mapping of consumers) expect(JSON.stringify(mapping.FunctionName)).toBe(worker);
  });

  it('R13: the intake function may create and delete schedules only in the stack schedule group', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.intake.function.role);

    const statements = statementsAllowing(template, role, 'scheduler:CreateSchedule');

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':scheduler:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':schedule/',
              { Ref: logicalId(stack.timers.scheduleGroup) },
              '/*',
            ],
          ],
        },
      },
    ]);
  });

  it('R13: the intake function may pass only the Scheduler role, and only to Scheduler', () => {
    const { stack, template } = synth();

    const statements = statementsAllowing(template, logicalId(stack.intake.function.role), 'iam:PassRole');

    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [logicalId(stack.timers.schedulerRole), 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('R13: the intake function is told where to arm timers: group, target, role and dead-letter queue', () => {
    const { stack, template } = synth();

    const env = (
      propertiesOf(template, logicalId(stack.intake.function.function)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;

    expect(env[ENV.scheduleGroup]).toEqual({ Ref: logicalId(stack.timers.scheduleGroup) });
    expect(env[ENV.scheduleTargetArn]).toEqual({
      'Fn::GetAtt': [logicalId(stack.timers.firedFunction.function), 'Arn'],
    });
    expect(env[ENV.scheduleRoleArn]).toEqual({
      'Fn::GetAtt': [logicalId(stack.timers.schedulerRole), 'Arn'],
    });
    expect(env[ENV.scheduleDlqArn]).toEqual({
      'Fn::GetAtt': [logicalId(stack.timers.schedulerDeadLetterQueue), 'Arn'],
    });
  });

  it('R13: the timer functions cannot arm timers: no SCHEDULE_* variables, no Scheduler or PassRole permission', () => {
    const { stack, template } = synth();

    for (const fn of stack.timers.functions) {
      const env = (
        propertiesOf(template, logicalId(fn.function)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      const role = logicalId(fn.role);

      for (const name of SCHEDULE_ENV) expect(env, `${fn.node.path} ${name}`).not.toHaveProperty(name);
      expect(statementsAllowing(template, role, 'scheduler:CreateSchedule')).toEqual([]);
      expect(statementsAllowing(template, role, 'iam:PassRole')).toEqual([]);
    }
  });

  it('R13: every function may send to the due queue, and is given its URL', () => {
    const { stack, template } = synth();
    const dueQueue = logicalId(stack.timers.dueQueue);

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      const env = (
        propertiesOf(template, logicalId(fn.function)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      expect(env[ENV.dueQueueUrl], fn.node.path).toEqual({ Ref: dueQueue });
      expect(resourcesAllowed(template, logicalId(fn.role), 'sqs:SendMessage'), fn.node.path).toContainEqual({
        'Fn::GetAtt': [dueQueue, 'Arn'],
      });
    }
  });
});
