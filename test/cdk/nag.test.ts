import { Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';
import { addNagChecks } from '../../lib/nag';
import { logicalId, testApp } from './support';

function findings(app: ReturnType<typeof testApp>): string[] {
  return new AwsSolutionsChecks()
    .validateScope(app)
    .violations.filter((v) => v.severity === 'error' || v.severity === 'warning')
    .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));
}

function acknowledgements(stack: ConnectAcwStack): { path: string; id: string; reason: string }[] {
  return stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path.replace(/^Acw\//, ''),
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it('finds no unacknowledged error or warning in the stack', () => {
    const app = testApp();
    new ConnectAcwStack(app, 'Acw');

    expect(findings(app)).toEqual([]);
  });

  it('registered as bin/ does, lets the stack synthesize', () => {
    const app = testApp();
    new ConnectAcwStack(app, 'Acw');
    addNagChecks(app);

    expect(() => app.synth()).not.toThrow();
  });

  it('still fails synthesis on a wildcard grant nobody acknowledged (the check is live)', () => {
    const app = testApp();
    const stack = new ConnectAcwStack(app, 'Acw');
    stack.intake.function.addToRolePolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] }),
    );
    addNagChecks(app);

    expect(findings(app)).toEqual([
      'AwsSolutions-IAM5[Resource::*] at Acw/Intake/ContactEvents/Role/DefaultPolicy/Resource',
    ]);
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Resource::\*\]/);
  });

  it('acknowledges only these findings, each on its own construct and with a reason of its own', () => {
    const stack = new ConnectAcwStack(testApp(), 'Acw');
    const schedules =
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/' +
      `<${stack.resolve(stack.timers.scheduleGroup.logicalId)}>/*]`;
    const widgetObjects = `AwsSolutions-IAM5[Resource::<${logicalId(stack.widgetHosting.bucket)}.Arn>/*]`;
    const assetObjects =
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]';

    const acks = acknowledgements(stack);

    expect(acks.map(({ path, id }) => `${path} ${id}`).sort()).toEqual(
      [
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent/*]',
        // R20: the catalog of names lists the instance's agent hierarchy groups.
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-group/*]',
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-state/*]',
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/contact/*]',
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/queue/*]',
        'AgentApi/Handler AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/routing-profile/*]',
        `AgentApi/Handler ${schedules}`,
        'AgentApi/Handler/Function AwsSolutions-L1',
        'AgentApi/Users AwsSolutions-COG2',
        'AgentApi/Users AwsSolutions-COG8',
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent/*]',
        // R8 without a stream: GetCurrentUserData on the four resource types it requires.
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-group/*]',
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/routing-profile/*]',
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-state/*]',
        `Intake/ContactEvents ${schedules}`,
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/contact/*]',
        'Intake/ContactEvents AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/queue/*]',
        'Intake/ContactEvents/Function AwsSolutions-L1',
        'Intake/RuleDeadLetterQueue AwsSolutions-SQS3',
        'ReportRollups/DeadLetters AwsSolutions-SQS3',
        'ReportRollups/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/queue/*]',
        'ReportRollups/Function/Function AwsSolutions-L1',
        'ContactFlow/Function/Function AwsSolutions-L1',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent/*]',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-group/*]',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-state/*]',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/contact/*]',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/queue/*]',
        'Sweep/Function AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/routing-profile/*]',
        'Sweep/Function/Function AwsSolutions-L1',
        'Timers/FiredFailureQueue AwsSolutions-SQS3',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent/*]',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-group/*]',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/routing-profile/*]',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/agent-state/*]',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/contact/*]',
        'Timers/Fired AwsSolutions-IAM5[Resource::<ConnectInstanceArn>/queue/*]',
        'Timers/Fired/Function AwsSolutions-L1',
        'Timers/SchedulerDeadLetterQueue AwsSolutions-SQS3',
        'Widget/Logs AwsSolutions-S1',
        'Widget/Distribution AwsSolutions-CFR1',
        'Widget/Distribution AwsSolutions-CFR2',
        'Widget/Distribution AwsSolutions-CFR4',
        `WidgetFiles/Role ${assetObjects}`,
        `WidgetFiles/Role ${widgetObjects}`,
        'Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C/Resource AwsSolutions-L1',
      ].sort(),
    );
    for (const { id, reason } of acks) expect(reason.length, id).toBeGreaterThan(80);
  });
});
