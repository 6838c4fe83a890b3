/**
 * R18: ACW's runtime switch, an SSM parameter (`on` / `off`). Switching it off, with no redeploy
 * (`aws ssm put-parameter --name NAME --value off --overwrite`), stops new wrap-ups at once and
 * makes the next sweep end the open ones, restoring their agents. Functions re-read it at most
 * every 30 seconds. R20: an administrator's override (`PUT /v1/admin/kill-switch`, kept with the
 * policies in the session table) wins over it until removed (lambda/core/kill-switch.ts).
 */

import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { ENV } from '../lambda/handlers/env';
import type { AcwFunction } from './acw-function';

export class KillSwitch extends Construct {
  /** The parameter; its value `off` switches ACW off. */
  readonly parameter: StringParameter;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.parameter = new StringParameter(this, 'Parameter', {
      description: 'connect-acw switch: "on", or "off" to stop wrap-ups and end the open ones (R18)',
      stringValue: 'on',
      tier: ParameterTier.STANDARD,
    });
  }

  /**
   * Lets `fn` read the switch: sets `ACW_SWITCH_PARAMETER` and grants `ssm:GetParameter` on that
   * parameter only (the one call lambda/adapters/ssm-kill-switch.ts makes).
   */
  grantRead(fn: AcwFunction): void {
    fn.addEnvironment(ENV.switchParameter, this.parameter.parameterName);
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.parameter.parameterArn] }),
    );
  }
}
