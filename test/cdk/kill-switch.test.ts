import { describe, expect, it } from 'vitest';
import { ENV } from '../../lambda/handlers/env';
import { logicalId, propertiesOf, resourcesAllowed, statementsOfRole, synth } from './support';

describe('KillSwitch (R18)', () => {
  it('R18, R20: an SSM parameter, on by default, read by the intake, the sweep and the API (which reports it), not the timers', () => {
    const { stack, template } = synth();
    const parameterId = logicalId(stack.killSwitch.parameter);
    expect(propertiesOf(template, parameterId)).toMatchObject({ Type: 'String', Value: 'on' });

    for (const fn of [stack.intake.function, stack.sweep.function, stack.agentApi.function]) {
      const env = (
        propertiesOf(template, logicalId(fn.function)).Environment as { Variables: Record<string, unknown> }
      ).Variables;
      expect(env[ENV.switchParameter], fn.node.path).toEqual({ Ref: parameterId });
      expect(resourcesAllowed(template, logicalId(fn.role), 'ssm:GetParameter'), fn.node.path).toHaveLength(
        1,
      );
    }
    for (const fn of stack.timers.functions) {
      expect(resourcesAllowed(template, logicalId(fn.role), 'ssm:GetParameter'), fn.node.path).toEqual([]);
    }
  });

  it('R18: the readers may GetParameter, the one call they make, and no other SSM action', () => {
    const { stack, template } = synth();
    for (const fn of [stack.intake.function, stack.sweep.function, stack.agentApi.function]) {
      const ssmActions = statementsOfRole(template, logicalId(fn.role))
        .flatMap((statement) => [statement.Action].flat())
        .filter((action) => String(action).startsWith('ssm:'));
      expect(ssmActions, fn.node.path).toEqual(['ssm:GetParameter']);
    }
  });
});
