import { describe, expect, it } from 'vitest';
import { logicalId, propertiesOf, resourcesAllowed, synth } from './support';

describe('ContactFlowFunction (R3: contact flows choose the wrap-up)', () => {
  it('only Amazon Connect, from this instance and account, may invoke the flow function', () => {
    const { stack, template } = synth();
    const fnId = logicalId(stack.contactFlow.function.function);

    const permissions = Object.values(template.findResources('AWS::Lambda::Permission')).filter((resource) =>
      JSON.stringify(resource.Properties.FunctionName).includes(fnId),
    );

    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'connect.amazonaws.com',
      SourceArn: { Ref: 'ConnectInstanceArn' },
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('is associated with the instance so that flows can pick it', () => {
    const { stack, template } = synth();
    template.hasResourceProperties('AWS::Connect::IntegrationAssociation', {
      InstanceId: { Ref: 'ConnectInstanceArn' },
      IntegrationType: 'LAMBDA_FUNCTION',
      IntegrationArn: { 'Fn::GetAtt': [logicalId(stack.contactFlow.function.function), 'Arn'] },
    });
  });

  it('answers within Connect 8-second limit and touches no Connect API', () => {
    const { stack, template } = synth();
    const fn = stack.contactFlow.function;
    expect(propertiesOf(template, logicalId(fn.function)).Timeout).toBeLessThan(8);
    for (const action of ['connect:PutUserStatus', 'connect:UpdateContactAttributes']) {
      expect(resourcesAllowed(template, logicalId(fn.role), action), action).toEqual([]);
    }
    expect(resourcesAllowed(template, logicalId(fn.role), 'dynamodb:PutItem')).toHaveLength(1);
  });
});
