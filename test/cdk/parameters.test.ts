import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConnectAcwStack, INSTANCE_ARN_PATTERN, instanceArnPatternIn } from '../../lib/connect-acw-stack';
import { EXAMPLE_ACW, exampleWith, logicalId, propertiesOf, synth, testApp } from './support';

describe('CloudFormation parameters', () => {
  it('ConnectInstanceArn is a String that must look like a Connect instance ARN, defaulting to the configured ARN', () => {
    const { template } = synth();

    template.hasParameter('ConnectInstanceArn', {
      Type: 'String',
      AllowedPattern: INSTANCE_ARN_PATTERN,
      Default: EXAMPLE_ACW.connectInstanceArn,
    });
  });

  it('ConnectInstanceArn has no default when the configuration names no instance', () => {
    const { template } = synth(exampleWith({ connectInstanceArn: undefined }));

    const parameter = template.toJSON().Parameters.ConnectInstanceArn;

    expect(parameter.Type).toBe('String');
    expect(parameter).not.toHaveProperty('Default');
  });

  it('the ConnectInstanceArn pattern accepts instance ARNs and refuses queue ARNs and other services', () => {
    const pattern = new RegExp(INSTANCE_ARN_PATTERN);

    expect(
      pattern.test('arn:aws:connect:eu-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012'),
    ).toBe(true);
    expect(
      pattern.test(
        'arn:aws-us-gov:connect:us-gov-west-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
      ),
    ).toBe(true);
    expect(
      pattern.test(
        'arn:aws:connect:eu-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012/queue/abc',
      ),
    ).toBe(false);
    expect(pattern.test('arn:aws:lambda:eu-west-2:111122223333:function:x')).toBe(false);
  });

  it("with the stack's Region known at synth, the parameter takes only an instance of that Region, and a configured instance of another is refused by name", () => {
    const configured = String(EXAMPLE_ACW.connectInstanceArn);
    const home = configured.split(':')[3] as string;
    const away = home === 'eu-west-2' ? 'us-east-1' : 'eu-west-2';
    const stack = new ConnectAcwStack(testApp(), 'Acw', { env: { account: '111122223333', region: home } });
    const parameter = Template.fromStack(stack).toJSON().Parameters.ConnectInstanceArn;
    const pattern = new RegExp(parameter.AllowedPattern);
    const unconfigured = new ConnectAcwStack(testApp(exampleWith({ connectInstanceArn: undefined })), 'Acw', {
      env: { region: away },
    });

    expect(pattern.test(configured)).toBe(true);
    expect(pattern.test(configured.replace(`:${home}:`, `:${away}:`))).toBe(false);
    expect(parameter.ConstraintDescription).toContain(`arn:aws:connect:${home}:`);
    expect(() => new ConnectAcwStack(testApp(), 'Elsewhere', { env: { region: away } })).toThrow(
      `acw.connectInstanceArn: the instance is in ${home} and the stack deploys to ${away}`,
    );
    expect(Template.fromStack(unconfigured).toJSON().Parameters.ConnectInstanceArn.AllowedPattern).toBe(
      instanceArnPatternIn(away),
    );
    expect(() => instanceArnPatternIn('eu-west-2.*')).toThrow(/not a Region name/);
  });

  it('DefaultDurationSeconds is a Number 0-86400 defaulting to policies.default.durationSeconds', () => {
    const { template } = synth(exampleWith({ policies: { default: { durationSeconds: 45 } } }));

    template.hasParameter('DefaultDurationSeconds', {
      Type: 'Number',
      MinValue: 0,
      MaxValue: 86400,
      Default: 45,
    });
  });

  it('the functions read the instance and the default duration from the parameters, not from the context', () => {
    const { stack, template } = synth();

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      const env = (
        propertiesOf(template, logicalId(fn.function)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      expect(env.CONNECT_INSTANCE_ARN, fn.node.path).toEqual({ Ref: 'ConnectInstanceArn' });
      expect(env.DEFAULT_DURATION_SECONDS, fn.node.path).toEqual({ Ref: 'DefaultDurationSeconds' });
    }
  });

  it('the configured instance ARN appears in the template only as the parameter default', () => {
    const { template } = synth();
    const arn = String(EXAMPLE_ACW.connectInstanceArn);

    const { Parameters, ...rest } = template.toJSON();

    expect(Parameters.ConnectInstanceArn.Default).toBe(arn);
    expect(JSON.stringify(rest)).not.toContain(arn);
  });
});
