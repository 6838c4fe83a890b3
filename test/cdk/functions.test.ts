import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { ENV } from '../../lambda/handlers/runtime';
import { EXAMPLE_ACW, exampleWith, logicalId, propertiesOf, synth } from './support';

type Fn = ReturnType<typeof synth>['stack']['intake']['function'];

function allFunctions(stack: ReturnType<typeof synth>['stack']): Fn[] {
  return [stack.intake.function, ...stack.timers.functions];
}

function environmentOf(template: ReturnType<typeof synth>['template'], fn: Fn): Record<string, unknown> {
  return (
    propertiesOf(template, logicalId(fn.function)).Environment as { Variables: Record<string, unknown> }
  ).Variables;
}

describe('ACW functions', () => {
  it('run Node.js 22 on arm64 with 256 MB, 20 s (intake 30 s), JSON logs in their own log group', () => {
    const { stack, template } = synth();

    for (const fn of allFunctions(stack)) {
      const props = propertiesOf(template, logicalId(fn.function));

      expect(props, fn.node.path).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalId(fn.logGroup) } },
      });
      expect(props.Timeout, fn.node.path).toBe(fn === stack.intake.function ? 30 : 20);
    }
  });

  it('keep their logs a year, and keep the log groups when the stack goes', () => {
    const { stack, template } = synth();

    for (const fn of allFunctions(stack)) {
      const logGroup = template.toJSON().Resources[logicalId(fn.logGroup)];

      expect(logGroup.Properties.RetentionInDays, fn.node.path).toBe(365);
      expect(logGroup.DeletionPolicy, fn.node.path).toBe('Retain');
    }
  });

  it('write only to their own log group (no AWSLambdaBasicExecutionRole)', () => {
    const { stack, template } = synth();

    for (const fn of allFunctions(stack)) {
      const role = propertiesOf(template, logicalId(fn.role));
      const logs = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: logicalId(fn.role) }]))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a.startsWith('logs:')));

      expect(role.ManagedPolicyArns, fn.node.path).toBeUndefined();
      expect(logs, fn.node.path).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logicalId(fn.logGroup), 'Arn'] },
        },
      ]);
    }
  });

  it('get the configuration, instance, default duration, table, due queue and Powertools settings', () => {
    const { stack, template } = synth();

    for (const fn of allFunctions(stack)) {
      const env = environmentOf(template, fn);

      expect(Object.keys(env), fn.node.path).toEqual(
        expect.arrayContaining([
          ENV.config,
          ENV.instanceArn,
          ENV.defaultDuration,
          ENV.tableName,
          ENV.dueQueueUrl,
          'POWERTOOLS_SERVICE_NAME',
          'POWERTOOLS_LOG_LEVEL',
        ]),
      );
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('connect-acw');
      expect(env.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
  });

  it('ACW_CONFIG is the validated configuration without connectInstanceArn and without the policies (issue 12: they are in the bundle)', () => {
    const { stack, template } = synth();
    const { connectInstanceArn: _arn, policies, ...expected } = parseAcwConfig(EXAMPLE_ACW);

    for (const fn of allFunctions(stack)) {
      const config = JSON.parse(String(environmentOf(template, fn)[ENV.config])) as Record<string, unknown>;

      expect(config, fn.node.path).not.toHaveProperty('connectInstanceArn');
      expect(config, fn.node.path).not.toHaveProperty('policies');
      expect(config, fn.node.path).toEqual(expected);
      expect(parseAcwConfig({ ...config, policies }), fn.node.path).toEqual({ ...expected, policies });
    }
  });

  it("keeps the alarm email address out of the functions' environment", () => {
    const { stack, template } = synth(exampleWith({ alarmEmail: 'ops@example.com' }));

    for (const fn of allFunctions(stack)) {
      const raw = String(environmentOf(template, fn)[ENV.config]);
      expect(raw, fn.node.path).not.toContain('ops@example.com');
      expect(JSON.parse(raw), fn.node.path).not.toHaveProperty('alarmEmail');
    }
  });
});
