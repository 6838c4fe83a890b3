/**
 * R20: the catalog of names is listed by the sweep (its schedule) and by the API (on a miss), each
 * List call granted on this instance and the resource type it lists (queue/*, agent-group/*,
 * agent-state/*), every wildcard acknowledged to cdk-nag with a reason; no other function may list.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { API_ROUTES } from '../../lambda/handlers/api-routes';
import { AcwFunction, handlerEntry } from '../../lib/acw-function';
import { ConnectInstance } from '../../lib/connect-instance';
import { logicalId, resourcesAllowed, synth, testApp, underInstance } from './support';

const LISTINGS = [
  ['connect:ListQueues', '/queue/*'],
  ['connect:ListUserHierarchyGroups', '/agent-group/*'],
  ['connect:ListAgentStatuses', '/agent-state/*'],
] as const;

/** A function with only `grantCatalog`, in a stack of its own. */
function granted() {
  const app = testApp();
  const stack = new Stack(app, 'Catalog');
  const instanceArn = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';
  const instance = new ConnectInstance(stack, 'Instance', {
    instanceArn,
    wrapUpStatus: { name: 'Wrap Up', create: false },
  });
  const fn = new AcwFunction(stack, 'Fn', {
    settings: { config: parseAcwConfig({}), instanceArn, defaultDurationSeconds: '60' },
    entry: handlerEntry('sweep'),
    description: 'test',
  });
  instance.grantCatalog(fn);
  return { app, stack, fn, instanceArn };
}

describe('the catalog of names in the stack (R20)', () => {
  it.each(LISTINGS)(
    'R20: the sweep and the API may call %s on the instance and its %s only',
    (action, resources) => {
      const { stack, template } = synth();

      for (const fn of [stack.sweep.function, stack.agentApi.function]) {
        const allowed = resourcesAllowed(template, logicalId(fn.role), action);
        expect(allowed, fn.node.path).toEqual(
          expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance(resources)]),
        );
        expect(new Set(allowed.map((r) => JSON.stringify(r))).size, fn.node.path).toBe(2);
      }
    },
  );

  it('R20: no other function may list the catalog (ListUserHierarchyGroups)', () => {
    const { stack, template } = synth();
    const others = [stack.intake.function, ...stack.timers.functions, stack.contactFlow.function];

    for (const fn of others) {
      expect(resourcesAllowed(template, logicalId(fn.role), 'connect:ListUserHierarchyGroups')).toEqual([]);
    }
  });

  it('R20: grantCatalog grants each List call on concrete ARNs under the instance, never "*"', () => {
    const { stack, fn, instanceArn } = granted();
    const template = Template.fromStack(stack);
    const role = logicalId(fn.role);

    for (const [action, resources] of LISTINGS) {
      expect(resourcesAllowed(template, role, action)).toEqual([instanceArn, `${instanceArn}${resources}`]);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('"Resource":"*"');
  });

  it('R20: every wildcard of grantCatalog is acknowledged to cdk-nag with its reason, so no finding is left', () => {
    const { app, fn, instanceArn } = granted();

    const findings = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'))
      .flatMap((v) => v.violatingResources.map((r) => r.constructPath));
    const acknowledged = fn.node
      .findAll()
      .concat(fn)
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      );

    expect(findings).toEqual([]);
    for (const [action, resources] of LISTINGS) {
      const ack = acknowledged.find(([id]) => id.includes(`${instanceArn}${resources}`));
      expect(ack, resources).toBeDefined();
      expect(ack?.[1]).toContain(action.replace('connect:', ''));
    }
  });

  it('R20: API Gateway serves GET /v1/admin/directory behind the JWT authorizer', () => {
    const { stack } = synth();

    expect(API_ROUTES.some((route) => route.path === '/v1/admin/directory')).toBe(true);
    expect(stack.agentApi.routes.has('GET /v1/admin/directory')).toBe(true);
  });
});
