/**
 * Issue 10: what the stack does to pass AWS Control Tower's controls, resource by resource
 * (control-tower.test.ts runs the controls themselves).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { WidgetHosting } from '../../lib/widget-hosting';
import { logicalId, propertiesOf, synth } from './support';

const { stack, template } = synth();
const resources = template.toJSON().Resources as Record<
  string,
  { Type: string; Properties?: Record<string, unknown> }
>;

function ofType(type: string): [string, Record<string, unknown>][] {
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

describe('Control Tower fixes', () => {
  it('CT.SQS.PR.1: every dead-letter queue says it is one, and every other queue has a dead-letter queue', () => {
    const queues = ofType('AWS::SQS::Queue');
    const deadLetters = queues.filter(([, properties]) => properties.RedriveAllowPolicy !== undefined);
    const working = queues.filter(([, properties]) => properties.RedriveAllowPolicy === undefined);

    expect(deadLetters.map(([id]) => id).sort()).toEqual(
      [
        stack.intake.queueDeadLetterQueue,
        stack.intake.ruleDeadLetterQueue,
        stack.timers.schedulerDeadLetterQueue,
        stack.timers.firedFailureQueue,
        stack.timers.dueDeadLetterQueue,
        stack.reportRollups.deadLetterQueue,
      ]
        .map(logicalId)
        .sort(),
    );
    for (const [, properties] of deadLetters) {
      expect(properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
    }
    for (const [id, properties] of working) expect(properties.RedrivePolicy, id).toBeDefined();
  });

  it('CT.CLOUDWATCH.PR.3: every log group is encrypted with the log key, which only CloudWatch Logs of this account and Region may use', () => {
    const key = logicalId(stack.logKey.key);
    const groups = ofType('AWS::Logs::LogGroup');

    expect(groups.length).toBeGreaterThanOrEqual(8);
    for (const [id, properties] of groups) {
      expect(properties.KmsKeyId, id).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
    const statements = (propertiesOf(template, key).KeyPolicy as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toContainEqual({
      Sid: 'CloudWatchLogsOfThisAccount',
      Effect: 'Allow',
      Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
      Resource: '*',
      Condition: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':logs:',
                { Ref: 'AWS::Region' },
                ':',
                { Ref: 'AWS::AccountId' },
                ':log-group:*',
              ],
            ],
          },
        },
      },
    });
    expect(propertiesOf(template, key).EnableKeyRotation).toBe(true);
    // The retained log groups stay readable after a stack deletion.
    expect(resources[key]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  it('CT.KMS.PR.3: every key denies CreateGrant to anyone but an AWS service granting for an AWS resource', () => {
    const keys = ofType('AWS::KMS::Key');

    expect(keys.length).toBe(2);
    for (const [id, properties] of keys) {
      const statements = (properties.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
      expect(statements, id).toContainEqual({
        Sid: 'DenyGrantsButForAwsServices',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:CreateGrant',
        Resource: '*',
        Condition: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      });
    }
  });

  it('CT.S3.PR.11, CT.S3.PR.6: the widget and log buckets are versioned, and replaced or deleted objects go after 30 days', () => {
    for (const bucket of [stack.widgetHosting.bucket, stack.widgetHosting.logBucket]) {
      const properties = propertiesOf(template, logicalId(bucket));

      expect(properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(properties.LifecycleConfiguration).toMatchObject({
        Rules: [
          {
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            Status: 'Enabled',
          },
        ],
      });
    }
  });

  it("CT.S3.PR.4: both buckets send their object events to EventBridge, without CDK's notifications function", () => {
    for (const bucket of [stack.widgetHosting.bucket, stack.widgetHosting.logBucket]) {
      expect(propertiesOf(template, logicalId(bucket)).NotificationConfiguration).toEqual({
        EventBridgeConfiguration: { EventBridgeEnabled: true },
      });
    }
    expect(ofType('Custom::S3BucketNotifications')).toEqual([]);
  });

  it('WidgetHosting refuses a noncurrent version retention that is not a whole number of days', () => {
    const props = { frameAncestors: ['https://example.my.connect.aws'], connectSources: [] };

    expect(
      () =>
        new WidgetHosting(new Stack(), 'Hosting', {
          ...props,
          noncurrentVersionRetention: Duration.hours(36),
        }),
    ).toThrow(/props\.noncurrentVersionRetention must be a whole number of days, at least 1, got 1\.5/);
    const custom = new Stack();
    new WidgetHosting(custom, 'Hosting', { ...props, noncurrentVersionRetention: Duration.days(90) });

    Template.fromStack(custom).hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ NoncurrentVersionExpiration: { NoncurrentDays: 90 } }] },
    });
  });
});
