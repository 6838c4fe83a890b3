/**
 * The Lambda a contact flow's "Invoke AWS Lambda function" block calls to choose a contact's
 * wrap-up (R3), and Connect's permission to invoke it, limited to this instance.
 *
 * The stack associates the function with the instance (`AWS::Connect::IntegrationAssociation`), so
 * it appears in the block's function list; add the block to a flow before the contact is
 * transferred to a queue, with parameters `profile`, `durationSeconds` and/or `mode`.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { CfnIntegrationAssociation } from 'aws-cdk-lib/aws-connect';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';

/** Properties of the contact flow function. */
export interface ContactFlowFunctionProps {
  /** Shared function settings; its `instanceArn` is the only source Connect may invoke from. */
  readonly functionSettings: AcwFunctionSettings;
}

export class ContactFlowFunction extends Construct {
  /** The flow Lambda. */
  readonly function: AcwFunction;

  constructor(scope: Construct, id: string, props: ContactFlowFunctionProps) {
    super(scope, id);
    this.function = new AcwFunction(this, 'Function', {
      settings: props.functionSettings,
      entry: handlerEntry('contact-flow'),
      description: "Contact flows: stores a contact's wrap-up choice (profile, duration, mode)",
      // Connect waits 8 seconds at most for the block; fail before it does.
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS['contact-flow']),
    });
    this.function.function.addPermission('ConnectInvoke', {
      principal: new ServicePrincipal('connect.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn: props.functionSettings.instanceArn,
      sourceAccount: Stack.of(this).account,
    });
    new CfnIntegrationAssociation(this, 'Association', {
      instanceId: props.functionSettings.instanceArn,
      integrationType: 'LAMBDA_FUNCTION',
      integrationArn: this.function.functionArn,
    });
  }
}
