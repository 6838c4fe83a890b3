/**
 * The stack's customer managed KMS keys: rotated yearly, and no grants but those AWS services make
 * for AWS resources (Control Tower CT.KMS.PR.1, CT.KMS.PR.3). The log key encrypts every log
 * group of the stack (CT.CLOUDWATCH.PR.3).
 */
import { ArnFormat, Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Denies `kms:CreateGrant` on `key` to every principal unless the grant is for an AWS resource
 * and asked by an AWS service (CT.KMS.PR.3): nobody can hand out the key's use by a grant, which
 * the key policy would not show.
 */
export function denyGrantsButForAwsServices(key: Key): void {
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DenyGrantsButForAwsServices',
      effect: Effect.DENY,
      principals: [new AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/** Properties of the log key. */
export interface LogEncryptionKeyProps {
  /**
   * What happens to the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN - the retained log groups stay readable
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A KMS key for the stack's CloudWatch Logs log groups: CloudWatch Logs of this Region may use it
 * for the log groups of this account and Region only (the `aws:logs:arn` encryption context).
 */
export class LogEncryptionKey extends Construct {
  /** The key; give it to a log group as its `encryptionKey`. */
  readonly key: Key;

  constructor(scope: Construct, id: string, props: LogEncryptionKeyProps = {}) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'connect-acw log groups encryption',
      enableKeyRotation: true,
      // The functions' logs and the API's access logs outlive the stack (RETAIN): so must their key.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Stack.of(this).formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    denyGrantsButForAwsServices(this.key);
  }
}
