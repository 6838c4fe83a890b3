/**
 * Builds the stack for assertions: the example configuration and feature flags from cdk.json, no
 * bundling (`aws:cdk:bundling-stacks: []`) and no built-in CloudFormation validation, so a test
 * takes under a second. test/cdk/synth.test.ts keeps both for the real synth.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';

interface CdkJson {
  readonly context: Record<string, unknown> & { readonly acw: Record<string, unknown> };
}

const cdkJson = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../cdk.json', import.meta.url)), 'utf8'),
) as CdkJson;

/** The example configuration in cdk.json. */
export const EXAMPLE_ACW: Readonly<Record<string, unknown>> = cdkJson.context.acw;

/** The example configuration with some top-level fields replaced (or removed, when `undefined`). */
export function exampleWith(fields: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = { ...structuredClone(EXAMPLE_ACW), ...fields };
  for (const [key, value] of Object.entries(fields)) if (value === undefined) delete config[key];
  return config;
}

/** cdk.json's context without the example configuration: the feature flags. */
export function featureFlags(): Record<string, unknown> {
  const { acw: _example, ...flags } = cdkJson.context;
  return flags;
}

/** An App with cdk.json's feature flags and `acw` set to `acw`, for fast tests. */
export function testApp(acw: unknown = EXAMPLE_ACW): App {
  return new App({
    context: { ...featureFlags(), 'aws:cdk:bundling-stacks': [], acw },
    builtinCloudFormationValidation: false,
  });
}

/** A synthesized stack and its template. Shared: read it, never add to it. */
export interface Synthesized {
  readonly stack: ConnectAcwStack;
  readonly template: Template;
}

/** Stacks already synthesized, by their configuration as JSON (a configuration is synthesized once). */
const synthesized = new Map<string, Synthesized>();

/**
 * The stack built from `acw`, and its template: synthesized once per configuration and shared by
 * every test (of a file, or of the files a `cdk` project worker runs: see vitest.config.ts), since
 * a synth takes a second or more. A configuration the stack refuses throws on every call.
 */
export function synth(acw: unknown = EXAMPLE_ACW): Synthesized {
  const key = JSON.stringify(acw);
  const known = synthesized.get(key);
  if (known !== undefined) return known;
  const stack = new ConnectAcwStack(testApp(acw), 'Acw');
  const result = { stack, template: Template.fromStack(stack) };
  synthesized.set(key, result);
  return result;
}

/** The logical id of a CloudFormation element, or of a construct's default child. */
export function logicalId(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation element`);
  return Stack.of(element).resolve(element.logicalId) as string;
}

/** One IAM policy statement as synthesized. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** Every statement of the policies attached to the role `roleId`. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

/** The statements of a role that allow `action`. */
export function statementsAllowing(template: Template, roleId: string, action: string): Statement[] {
  return statementsOfRole(template, roleId).filter(
    (statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes(action),
  );
}

/** Every resource a role's statements allow `action` on. */
export function resourcesAllowed(template: Template, roleId: string, action: string): unknown[] {
  return statementsAllowing(template, roleId, action).flatMap((statement) => [statement.Resource].flat());
}

/** A template's resource properties by logical id. */
export function propertiesOf(template: Template, id: string): Record<string, unknown> {
  const resource = template.toJSON().Resources[id];
  if (resource === undefined) throw new Error(`no resource ${id}`);
  return resource.Properties as Record<string, unknown>;
}

/** `{"Fn::Join": ["", [instance ARN parameter, suffix]]}`: an ARN under the instance. */
export function underInstance(suffix: string): unknown {
  return { 'Fn::Join': ['', [{ Ref: 'ConnectInstanceArn' }, suffix]] };
}
