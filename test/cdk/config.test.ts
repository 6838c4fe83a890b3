import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseAcwConfig } from '../../lambda/config/acw-config';
import { configEnvironmentValue, MAX_CONFIG_ENV_BYTES } from '../../lib/acw-function';
import { acwConfigFromContext } from '../../lib/config-context';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';
import { EXAMPLE_ACW, exampleWith, synth, testApp } from './support';

function build(acw: unknown): ConnectAcwStack {
  return new ConnectAcwStack(testApp(acw), 'Acw');
}

describe('acw configuration from context', () => {
  it('takes the configuration as an object', () => {
    const config = acwConfigFromContext(testApp(EXAMPLE_ACW));

    expect(config.connectInstanceArn).toBe(EXAMPLE_ACW.connectInstanceArn);
    expect(config.policies.channels.CHAT).toEqual({ durationSeconds: 60 });
  });

  it('takes the configuration as JSON text, as `cdk deploy -c acw=...` passes it', () => {
    const config = acwConfigFromContext(testApp(JSON.stringify(EXAMPLE_ACW)));

    expect(config).toEqual(acwConfigFromContext(testApp(EXAMPLE_ACW)));
  });

  it('R3: refuses JSON text that does not parse, saying so', () => {
    expect(() => build('{"policies": ')).toThrow(ConfigError);
    expect(() => build('{"policies": ')).toThrow(/acw is not valid JSON/);
  });

  it('R3: refuses a bad queue duration, naming the field and the value', () => {
    const acw = exampleWith({ policies: { queues: { billing: { durationSeconds: -1 } } } });

    expect(() => build(acw)).toThrow(
      'acw.policies.queues["billing"].durationSeconds must be an integer 0-86400, got -1',
    );
  });

  it('R3: refuses an instance ARN that is not a Connect instance ARN, naming the field', () => {
    const acw = exampleWith({ connectInstanceArn: 'arn:aws:lambda:us-east-1:111122223333:function:x' });

    expect(() => build(acw)).toThrow(/acw\.connectInstanceArn must be an Amazon Connect instance ARN/);
  });

  it('R3: refuses an unknown field, naming it', () => {
    const acw = exampleWith({ wrapupStatus: { name: 'Wrap Up' } });

    expect(() => build(acw)).toThrow('acw has unknown field "wrapupStatus"');
  });

  it('R3: refuses create without a name for the wrap-up status', () => {
    const acw = exampleWith({ wrapUpStatus: { id: 'abc', create: true } });

    expect(() => build(acw)).toThrow(/acw\.wrapUpStatus\.create needs "name"/);
  });

  it.each([
    [0, 'acw.monitoring.nativeAcwSeconds must be an integer 1-3600, got 0'],
    [2.5, 'acw.monitoring.nativeAcwSeconds must be an integer 1-3600, got 2.5'],
    [3601, 'acw.monitoring.nativeAcwSeconds must be an integer 1-3600, got 3601'],
    ['10', 'acw.monitoring.nativeAcwSeconds must be an integer 1-3600, got "10"'],
  ])('R15: refuses monitoring.nativeAcwSeconds %j, naming the field and the value', (seconds, message) => {
    expect(() => build(exampleWith({ monitoring: { nativeAcwSeconds: seconds } }))).toThrow(message);
  });

  it('R15: refuses an unknown monitoring field, naming it', () => {
    expect(() => build(exampleWith({ monitoring: { nativeAcw: 10 } }))).toThrow(
      'acw.monitoring has unknown field "nativeAcw"',
    );
  });

  it('R15: monitoring.nativeAcwSeconds is 10 when left out, alone or with its section', () => {
    expect(acwConfigFromContext(testApp(exampleWith({ monitoring: undefined }))).monitoring).toEqual({
      nativeAcwSeconds: 10,
    });
    expect(acwConfigFromContext(testApp(exampleWith({ monitoring: {} }))).monitoring).toEqual({
      nativeAcwSeconds: 10,
    });
  });

  it('without acw context, the configuration is all defaults', () => {
    const config = acwConfigFromContext(new App());

    expect(config.connectInstanceArn).toBeUndefined();
    expect(config.policies.default).toMatchObject({ durationSeconds: 90, mode: 'timed', maxExtensions: 1 });
    expect(config.wrapUpStatus).toEqual({ name: 'Wrap Up', create: false });
  });

  it('builds from an empty configuration: defaults, and a ConnectInstanceArn parameter without default', () => {
    const { template } = synth({});

    template.hasParameter('DefaultDurationSeconds', { Default: 90 });
    expect(template.toJSON().Parameters.ConnectInstanceArn).not.toHaveProperty('Default');
  });

  it('issue 12: 2,000 queue policies (by ARN) and 200 profiles synthesize, none of them in an environment variable', () => {
    const arn = String(EXAMPLE_ACW.connectInstanceArn);
    const queues = Object.fromEntries(
      Array.from({ length: 2_000 }, (_, i) => [
        `${arn}/queue/${String(i).padStart(36, '0')}`,
        { durationSeconds: i % 600, maxExtensions: i % 3 },
      ]),
    );
    const profiles = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`profile-${i}`, { durationSeconds: 60 + i }]),
    );
    const acw = exampleWith({ policies: { queues, profiles } });

    const { template } = synth(acw);

    const variables = Object.values(template.findResources('AWS::Lambda::Function')).map(
      (fn) => (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables,
    );
    expect(variables.length).toBeGreaterThan(0);
    for (const env of variables) {
      const bytes = Buffer.byteLength(JSON.stringify(env), 'utf8');
      expect(bytes).toBeLessThan(4_096);
      expect(JSON.stringify(env)).not.toContain('profile-199');
    }
  });

  it(`still bounds the rest of the configuration to ${MAX_CONFIG_ENV_BYTES} bytes of environment`, () => {
    const config = parseAcwConfig(EXAMPLE_ACW);
    const big = {
      ...config,
      widget: {
        ...config.widget,
        frameAncestors: Array.from({ length: 200 }, (_, i) => `https://site-${i}.example.com`),
      },
    };
    expect(() => configEnvironmentValue(big)).toThrow(/without its policies\) is \d+ bytes/);
  });
});
