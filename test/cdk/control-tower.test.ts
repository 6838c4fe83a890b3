/**
 * Issue 10: AWS Control Tower's proactive controls (the Guard rules of
 * @cdklabs/cdk-validator-cfnguard) over the stack in the configurations that change its resources.
 * Every control that applies passes, or is a documented exception (control-tower-exceptions.ts);
 * a listed exception that passes fails the test too, so the list and the README stay true.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';
import {
  type ControlResults,
  controlRules,
  hookInput,
  README_SECTION,
  readmeSection,
  resolveIntrinsics,
  rulesFor,
  runControls,
  runControlsOn,
  type TemplateJson,
  type TemplateJsonWithParameters,
} from './control-tower';
import { CONTROL_TOWER_EXCEPTIONS } from './control-tower-exceptions';
import { exampleWith, testApp } from './support';

/** The configurations whose templates differ in resources (features that add or remove some). */
const CONFIGURATIONS: Record<string, unknown> = {
  default: exampleWith({}),
  agentEventStream: exampleWith({
    agentEventStream: {
      streamArn: 'arn:aws:kinesis:us-east-1:111122223333:stream/connect-agent-events',
      kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/12345678-1234-1234-1234-123456789012',
    },
  }),
  widgetRegistered: exampleWith({
    widget: { connectAlias: 'example', registerApp: true },
    alarmEmail: 'ops@example.com',
  }),
  oidc: exampleWith({
    api: { oidc: { issuer: 'https://idp.example.com', audience: ['connect-acw'] } },
    widget: {
      oidc: {
        authorizeUrl: 'https://idp.example.com/oauth2/authorize',
        tokenUrl: 'https://idp.example.com/oauth2/token',
        clientId: 'connect-acw-widget',
      },
    },
  }),
};

/** A template with one queue that has no dead-letter queue: CT.SQS.PR.1 must fail on it. */
const PROBE: TemplateJson = {
  Resources: { Bare: { Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } } },
};

const EXCEPTIONS = new Set(CONTROL_TOWER_EXCEPTIONS.map((exception) => exception.control));

/** A permission for API Gateway with no source: CT.LAMBDA.PR.2 must fail on it, hook or not. */
const UNSCOPED_PERMISSION = {
  Action: 'lambda:InvokeFunction',
  FunctionName: 'arn:aws:lambda:us-east-1:111122223333:function:anything',
  Principal: 'apigateway.amazonaws.com',
};

let results: Map<string, ControlResults>;
/** CT.LAMBDA.PR.2 on each Lambda permission of the stack as the deploy-time hook sees it. */
let permissionsAtDeploy: Map<string, ControlResults>;

beforeAll(() => {
  const templates: Record<string, TemplateJsonWithParameters> = { probe: PROBE };
  for (const [name, acw] of Object.entries(CONFIGURATIONS)) {
    templates[name] = Template.fromStack(new ConnectAcwStack(testApp(acw), 'Acw')).toJSON();
  }
  results = runControls(templates);

  const hookDocuments: Record<string, unknown> = {
    unscoped: hookInput('AWS::Lambda::Permission', UNSCOPED_PERMISSION),
  };
  for (const [name, template] of Object.entries(templates)) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Permission') continue;
      const resolved = resolveIntrinsics(resource.Properties, template);
      hookDocuments[`${name}-${id}`] = hookInput('AWS::Lambda::Permission', resolved);
    }
  }
  permissionsAtDeploy = runControlsOn(hookDocuments, ['CT.LAMBDA.PR.2']);
}, 300_000);

function resultsOf(name: string): ControlResults {
  const found = results.get(name);
  if (found === undefined) throw new Error(`no Control Tower results for ${name}`);
  return found;
}

describe('AWS Control Tower proactive controls', () => {
  it('reads every rule file of the pack: its control, its rules and the resource types it reports on', () => {
    const rules = controlRules();

    expect(rules.length).toBeGreaterThan(200);
    expect(rules.find((rule) => rule.control === 'CT.SQS.PR.1')?.reportsOn).toEqual(['AWS::SQS::Queue']);
  });

  it('runs the rules that name a type of the template, in their header or their type constants, whatever the case', () => {
    const controls = (type: string): string[] =>
      rulesFor([{ Resources: { Thing: { Type: type } } }]).map((rule) => rule.control);

    expect(controls('AWS::SQS::Queue').sort()).toEqual(['CT.SQS.PR.1', 'CT.SQS.PR.2']);
    // Its header says AWS::AutoScaling::AutoscalingGroup; its selection uses the type's real name.
    expect(controls('AWS::AutoScaling::AutoScalingGroup')).toContain('CT.AUTOSCALING.PR.6');
    expect(controls('AWS::Connect::AgentStatus')).toEqual([]);
  });

  it('fails a control on a template that breaks it (the run is live)', () => {
    expect([...resultsOf('probe').failed.keys()]).toEqual(['CT.SQS.PR.1']);
    expect(resultsOf('probe').failed.get('CT.SQS.PR.1')).toEqual(['/Resources/Bare']);
    expect(resultsOf('probe').passed).toContain('CT.SQS.PR.2');
  });

  it('lists each exception once, with a reason and a way to comply', () => {
    expect(EXCEPTIONS.size).toBe(CONTROL_TOWER_EXCEPTIONS.length);
    for (const exception of CONTROL_TOWER_EXCEPTIONS) {
      expect(exception.control).toMatch(/^CT\.[A-Z0-9-]+\.PR\.\d+$/);
      expect(exception.reason.length, exception.control).toBeGreaterThan(30);
      expect(exception.howToComply.length, exception.control).toBeGreaterThan(30);
    }
  });

  it('CT.LAMBDA.PR.2: passes on every Lambda permission as the deploy-time hook sees it (SourceArn resolved)', () => {
    const outcomes = [...permissionsAtDeploy].map(([name, outcome]) => ({
      name,
      passed: outcome.passed.has('CT.LAMBDA.PR.2'),
      failed: outcome.failed.has('CT.LAMBDA.PR.2'),
    }));

    expect(outcomes.find((outcome) => outcome.name === 'unscoped')).toEqual({
      name: 'unscoped',
      passed: false,
      failed: true,
    });
    const ours = outcomes.filter((outcome) => outcome.name !== 'unscoped');
    // Each configuration has the sweep's, the contact flow's and one per API route.
    expect(ours.length).toBeGreaterThanOrEqual(4 * 9);
    expect(ours.filter((outcome) => !outcome.passed || outcome.failed)).toEqual([]);
  });

  it("README: its count of the controls that pass is the example configuration's", () => {
    const { passed, failed } = resultsOf('default');
    const said = /\*\*(\d+) of the (\d+) controls that apply pass\*\*/.exec(readmeSection(README_SECTION));

    expect(said?.slice(1, 3)).toEqual([String(passed.size), String(passed.size + failed.size)]);
  });

  describe.each(Object.keys(CONFIGURATIONS))('the stack, %s', (name) => {
    it('passes every control that applies, but the documented exceptions', () => {
      const unexpected = [...resultsOf(name).failed].filter(([control]) => !EXCEPTIONS.has(control));

      expect(Object.fromEntries(unexpected)).toEqual({});
    });

    it('still fails every documented exception (an exception that passes leaves the list)', () => {
      const failed = resultsOf(name).failed;

      expect([...EXCEPTIONS].filter((control) => !failed.has(control))).toEqual([]);
    });

    it('is checked against the controls of its resources (DynamoDB, SQS, Lambda, S3, CloudFront, KMS, logs)', () => {
      const applied = [...resultsOf(name).passed, ...resultsOf(name).failed.keys()];

      for (const control of [
        'CT.DYNAMODB.PR.1',
        'CT.SQS.PR.2',
        'CT.LAMBDA.PR.3',
        'CT.S3.PR.1',
        'CT.CLOUDFRONT.PR.1',
        'CT.KMS.PR.1',
        'CT.CLOUDWATCH.PR.2',
        'CT.APIGATEWAY.PR.4',
      ]) {
        expect(applied, control).toContain(control);
      }
    });
  });
});
