import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import {
  exampleWith,
  logicalId,
  propertiesOf,
  resourcesAllowed,
  statementsOfRole,
  synth,
  underInstance,
} from './support';

function environmentOf(template: ReturnType<typeof synth>['template'], id: string): Record<string, unknown> {
  return (propertiesOf(template, id).Environment as { Variables: Record<string, unknown> }).Variables;
}

describe('ConnectInstance', () => {
  it('creates the wrap-up status (CUSTOM, ENABLED, retained) on the parameter instance when create is true', () => {
    const { template } = synth(exampleWith({ wrapUpStatus: { name: 'Wrap Up', create: true } }));

    const statuses = Object.values(template.findResources('AWS::Connect::AgentStatus'));

    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.Properties).toMatchObject({
      InstanceArn: { Ref: 'ConnectInstanceArn' },
      Name: 'Wrap Up',
      State: 'ENABLED',
      Type: 'CUSTOM',
      Description: expect.stringContaining('connect-acw'),
    });
    expect(statuses[0]?.DeletionPolicy).toBe('Retain');
    expect(statuses[0]?.UpdateReplacePolicy).toBe('Retain');
  });

  it('gives every function the created status id, the last segment of its ARN', () => {
    const { stack, template } = synth(exampleWith({ wrapUpStatus: { name: 'Wrap Up', create: true } }));
    const status = stack.connectInstance.wrapUpStatus;
    if (status === undefined) throw new Error('expected the stack to create the wrap-up status');
    const statusId = logicalId(status);

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      expect(environmentOf(template, logicalId(fn.function))[ENV.wrapUpStatusId], fn.node.path).toEqual({
        'Fn::Select': [3, { 'Fn::Split': ['/', { 'Fn::GetAtt': [statusId, 'AgentStatusArn'] }] }],
      });
    }
  });

  it('creates no status when create is false, and lets the functions resolve the name at run time', () => {
    const { stack, template } = synth(exampleWith({ wrapUpStatus: { name: 'After Call' } }));

    const env = environmentOf(template, logicalId(stack.intake.function.function));

    template.resourceCountIs('AWS::Connect::AgentStatus', 0);
    expect(env).not.toHaveProperty(ENV.wrapUpStatusId);
    expect(JSON.parse(String(env[ENV.config])).wrapUpStatus).toEqual({ name: 'After Call', create: false });
  });

  it('passes a configured status id to the functions without creating a status', () => {
    const { stack, template } = synth(exampleWith({ wrapUpStatus: { id: 'aaaa-bbbb-1234' } }));

    template.resourceCountIs('AWS::Connect::AgentStatus', 0);
    expect(environmentOf(template, logicalId(stack.intake.function.function))[ENV.wrapUpStatusId]).toBe(
      'aaaa-bbbb-1234',
    );
  });

  it('grants PutUserStatus only on the instance, its agents and its agent statuses (all three required), and ListAgentStatuses only on the instance and its statuses', () => {
    const { stack, template } = synth();

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      const connect = statementsOfRole(template, logicalId(fn.role)).filter((s) =>
        [s.Action]
          .flat()
          .some((action) => action === 'connect:PutUserStatus' || action === 'connect:ListAgentStatuses'),
      );

      expect(connect, fn.node.path).toHaveLength(2);
      expect(connect, fn.node.path).toContainEqual({
        Effect: 'Allow',
        Action: 'connect:PutUserStatus',
        Resource: expect.arrayContaining([
          { Ref: 'ConnectInstanceArn' },
          underInstance('/agent/*'),
          underInstance('/agent-state/*'),
        ]),
      });
      expect(
        connect.find((statement) => statement.Action === 'connect:PutUserStatus')?.Resource,
        fn.node.path,
      ).toHaveLength(3);
      expect(connect, fn.node.path).toContainEqual({
        Effect: 'Allow',
        Action: 'connect:ListAgentStatuses',
        Resource: expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/agent-state/*')]),
      });
      expect(
        connect.find((statement) => statement.Action === 'connect:ListAgentStatuses')?.Resource,
        fn.node.path,
      ).toHaveLength(2);
    }
  });
});

describe('R17: the wrap-up record on the contact', () => {
  it('only the functions that close sessions may write contact attributes, and only on this instance', () => {
    const { stack, template } = synth();

    for (const fn of [stack.intake.function, ...stack.timers.functions]) {
      expect(
        resourcesAllowed(template, logicalId(fn.role), 'connect:UpdateContactAttributes'),
        fn.node.path,
      ).toEqual([underInstance('/contact/*')]);
    }
    const flow = stack.contactFlow.function;
    expect(resourcesAllowed(template, logicalId(flow.role), 'connect:UpdateContactAttributes')).toEqual([]);
  });
});
