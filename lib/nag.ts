/**
 * cdk-nag (3.x): the AwsSolutions checks, and acknowledgements that name the exact finding.
 *
 * cdk-nag 3 runs as a CDK policy-validation plugin and reads acknowledgements recorded with
 * `Validations.of(construct).acknowledge(...)`; each IAM5 finding is acknowledged one by one as
 * `AwsSolutions-IAM5[Resource::<flattened ARN>]`, never the whole rule.
 */
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Registers the AwsSolutions rule pack on `app`; synthesis fails on an unacknowledged error. */
export function addNagChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(checks);
  return checks;
}

/** Acknowledges one AwsSolutions rule on `scope` and everything under it. */
export function acknowledgeRule(scope: IConstruct, rule: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${rule}`, reason });
}

/**
 * Acknowledges the IAM5 finding for one wildcard resource ARN granted under `scope`.
 * @param resource the ARN exactly as granted (tokens allowed)
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(resource));
  if (!flat.includes('*')) {
    throw new Error(`acknowledgeWildcardResource: ${flat} has no wildcard to acknowledge`);
  }
  // Two grants may cover the same wildcard on one function (GetCurrentUserData and ListQueues on
  // queues): the finding is acknowledged once, with the first grant's reason.
  const done = acknowledged.get(scope) ?? new Set<string>();
  if (done.has(flat)) return;
  done.add(flat);
  acknowledged.set(scope, done);
  acknowledgeRule(scope, `IAM5[Resource::${flat}]`, reason);
}

/** The wildcard resources acknowledged so far, by construct. */
const acknowledged = new WeakMap<IConstruct, Set<string>>();

/** Renders a resolved CloudFormation value the way cdk-nag names it in a finding. */
export function flattenReference(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (isRecord(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map(flattenReference).join(join[0]);
    }
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if ('Ref' in value) return `<${flattenReference(value.Ref)}>`;
    if ('Fn::Sub' in value) return flattenReference(value['Fn::Sub']);
  }
  return JSON.stringify(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
