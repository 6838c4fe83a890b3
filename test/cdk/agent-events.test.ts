import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';
import { exampleWith, logicalId, propertiesOf, statementsAllowing, synth, testApp } from './support';

const STREAM = 'arn:aws:kinesis:us-east-1:123456789012:stream/connect-agent-events';
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('AgentEventStream (R8, R11)', () => {
  it('R8: consumes the configured stream in shard order, reporting failed records, with an on-failure queue', () => {
    const { stack, template } = synth(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    const consumer = stack.agentEvents;
    if (consumer === undefined) throw new Error('no consumer');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: STREAM,
      FunctionName: { Ref: logicalId(consumer.function.function) },
      StartingPosition: 'LATEST',
      ParallelizationFactor: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(consumer.failureQueue), 'Arn'] } },
      },
    });
    // R16: malformed records go to the same queue at once.
    const env = (
      propertiesOf(template, logicalId(consumer.function.function)).Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env[ENV.deadLetterQueueUrl]).toEqual({ Ref: logicalId(consumer.failureQueue) });
    // R15: the failure queue is alarmed.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(consumer.failureQueue), 'QueueName'] } },
      ],
    });
  });

  it('R8: with a stream, restores read its reports: no function is given GetCurrentUserData', () => {
    const { stack, template } = synth(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    for (const fn of [stack.intake.function, ...stack.timers.functions, stack.sweep.function]) {
      expect(statementsAllowing(template, logicalId(fn.role), 'connect:GetCurrentUserData')).toEqual([]);
    }
  });

  it('R8: without a stream there is no consumer, and every restoring function may call GetCurrentUserData on the four resource types it requires, of this instance only', () => {
    const { stack, template } = synth();
    expect(stack.agentEvents).toBeUndefined();
    // The intake and the due queue only.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 2);
    for (const fn of [
      stack.intake.function,
      ...stack.timers.functions,
      stack.sweep.function,
      stack.agentApi.function,
    ]) {
      // The Service Authorization Reference requires users, hierarchy groups, queues and routing
      // profiles for GetCurrentUserData: without the users, a call filtered by agent is refused.
      expect(statementsAllowing(template, logicalId(fn.role), 'connect:GetCurrentUserData')).toEqual([
        {
          Effect: 'Allow',
          Action: 'connect:GetCurrentUserData',
          Resource: expect.arrayContaining(
            ['agent', 'agent-group', 'queue', 'routing-profile'].map((type) => ({
              'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, `/${type}/*`]],
            })),
          ),
        },
      ]);
      const [statement] = statementsAllowing(template, logicalId(fn.role), 'connect:GetCurrentUserData');
      expect(statement?.Resource).toHaveLength(4);
    }
  });

  it("R8: the consumer may cancel its wrap-ups' schedules, and no more: no CreateSchedule, no PassRole, no due queue", () => {
    const { stack, template } = synth(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    const fn = stack.agentEvents?.function;
    if (fn === undefined) throw new Error('no consumer');
    const role = logicalId(fn.role);
    const variables = (propertiesOf(template, logicalId(fn.function)).Environment as { Variables: object })
      .Variables;

    expect(statementsAllowing(template, role, 'scheduler:DeleteSchedule')).toHaveLength(1);
    expect(statementsAllowing(template, role, 'scheduler:CreateSchedule')).toEqual([]);
    expect(statementsAllowing(template, role, 'iam:PassRole')).toEqual([]);
    expect(variables).toHaveProperty(ENV.scheduleGroup);
    expect(variables).not.toHaveProperty(ENV.dueQueueUrl);
    // The worker still arms them.
    expect(
      statementsAllowing(template, logicalId(stack.intake.function.role), 'scheduler:CreateSchedule'),
    ).toHaveLength(1);
  });

  it('decrypts with the stream key only when one is configured', () => {
    const keyed = synth(exampleWith({ agentEventStream: { streamArn: STREAM, kmsKeyArn: KEY } }));
    const role = logicalId(keyed.stack.agentEvents?.function.role ?? keyed.stack.intake.function.role);
    expect(statementsAllowing(keyed.template, role, 'kms:Decrypt')).toEqual([
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY },
    ]);
    const plain = synth(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    const plainRole = logicalId(plain.stack.agentEvents?.function.role ?? plain.stack.intake.function.role);
    expect(statementsAllowing(plain.template, plainRole, 'kms:Decrypt')).toEqual([]);
  });

  it('reads only the configured stream', () => {
    const { stack, template } = synth(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    const role = logicalId(stack.agentEvents?.function.role ?? stack.intake.function.role);
    const reads = statementsAllowing(template, role, 'kinesis:GetRecords');
    expect(reads).toHaveLength(1);
    expect(reads[0]?.Resource).toEqual(STREAM);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Resource: STREAM })]) },
    });
  });

  it('leaves cdk-nag nothing unacknowledged with the stream configured', () => {
    const app = testApp(exampleWith({ agentEventStream: { streamArn: STREAM } }));
    new ConnectAcwStack(app, 'Acw');
    const findings = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((v) => v.severity === 'error' || v.severity === 'warning')
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
    expect(findings).toEqual([]);
  });

  it('refuses a stream ARN that is not one, naming the field', () => {
    expect(() => synth(exampleWith({ agentEventStream: { streamArn: 'stream/x' } }))).toThrow(
      /acw\.agentEventStream\.streamArn must be a Kinesis data stream ARN/,
    );
  });
});

describe('Bounded concurrency (R15)', () => {
  it('R15: the worker reads the intake with at most 10 concurrent invocations and the due queue (restores) with 20', () => {
    const { stack, template } = synth();
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.intake.queue), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.intake.function.function) },
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.timers.dueQueue), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.intake.function.function) },
      ScalingConfig: { MaximumConcurrency: 20 },
    });
  });
});
