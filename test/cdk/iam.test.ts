import { describe, expect, it } from 'vitest';
import type { Statement } from './support';
import { logicalId, synth } from './support';

describe('IAM across the stack', () => {
  it('no policy allows a wildcard action or Resource "*"', () => {
    const { template } = synth();

    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
    );

    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      expect([statement.Action].flat().filter((action) => action.includes('*'))).toEqual([]);
      expect([statement.Resource].flat()).not.toContain('*');
    }
  });

  it('only the intake and API function roles may pass a role (to arm timers), and only the Scheduler role', () => {
    const { stack, template } = synth();

    const passRole = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as Statement[]).some((s) =>
        [s.Action].flat().includes('iam:PassRole'),
      ),
    );

    expect(passRole.map((policy) => policy.Properties.Roles)).toEqual([
      [{ Ref: logicalId(stack.intake.function.role) }],
      [{ Ref: logicalId(stack.agentApi.function.role) }],
    ]);
  });
});
