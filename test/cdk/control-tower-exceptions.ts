/**
 * The AWS Control Tower proactive controls the stack does not pass, each with why and how an
 * account that enforces it can comply. The one list: test/cdk/control-tower.test.ts fails on any
 * other failing control and on a listed one that passes, and test/cdk/control-tower-readme.test.ts
 * keeps the README's table ("AWS Control Tower controls") naming exactly these controls.
 */

/** A control the stack does not pass. */
export interface ControlTowerException {
  /** The control's id, e.g. `CT.LAMBDA.PR.3`. */
  readonly control: string;
  /** Why the stack does not pass it. */
  readonly reason: string;
  /** What an account that enforces the control can do. */
  readonly howToComply: string;
}

export const CONTROL_TOWER_EXCEPTIONS: readonly ControlTowerException[] = [
  {
    control: 'CT.CLOUDFRONT.PR.4',
    reason: 'origin failover needs a second origin holding the widget (a replica bucket in another Region)',
    howToComply:
      "replicate the widget bucket to a bucket in a second Region (S3 Replication) and add an origin group with both buckets to the distribution's default behaviour",
  },
  {
    control: 'CT.CLOUDFRONT.PR.6',
    reason:
      "the widget is served on CloudFront's default *.cloudfront.net certificate: the stack has no domain",
    howToComply:
      'serve the widget on a domain of your own: an ACM certificate in us-east-1 and an alternate domain name on the distribution (certificate and domainNames of the Distribution)',
  },
  {
    control: 'CT.CLOUDFRONT.PR.7',
    reason: 'SNI is a setting of a custom certificate; the default certificate has none',
    howToComply: "with your own certificate (CT.CLOUDFRONT.PR.6), CDK's Distribution uses SNI by default",
  },
  {
    control: 'CT.CLOUDFRONT.PR.9',
    reason:
      "the minimum TLS version is a setting of a custom certificate; CloudFront fixes the default certificate's policy",
    howToComply:
      'with your own certificate (CT.CLOUDFRONT.PR.6), set minimumProtocolVersion to TLSv1.2_2021 (what CDK chooses by default)',
  },
  {
    control: 'CT.LAMBDA.PR.2',
    reason:
      "the API Gateway and Connect permissions are scoped by SourceArn, but as CloudFormation expressions (the API's ARN joined from its id, the ConnectInstanceArn parameter), and the rule run on a template accepts only a literal or a reference to a resource of the template",
    howToComply:
      'nothing to change: Control Tower runs the control as a CloudFormation hook on the resolved properties, where SourceArn is the literal ARN of this API or instance; the test runs it that way too, and every permission passes',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    reason:
      'the functions run outside a VPC: they call only AWS APIs (DynamoDB, SQS, Scheduler, Connect, SSM) and serve nothing in a network',
    howToComply:
      'attach the functions to private subnets of a VPC with interface or gateway endpoints for DynamoDB, SQS, EventBridge Scheduler, Amazon Connect, SSM, CloudWatch Logs and KMS (no route to the internet needed)',
  },
  {
    control: 'CT.S3.PR.2',
    reason:
      'the log bucket receives the access logs of the widget bucket and the distribution; logging its own accesses into itself would loop',
    howToComply:
      "point the log bucket's server access logs at a bucket outside the stack (the account's central access-log bucket), by an escape hatch on WidgetHosting.logBucket",
  },
  {
    control: 'CT.S3.PR.9',
    reason:
      'S3 delivers no server access logs into a bucket with Object Lock, so the log bucket cannot have it; the widget bucket is rewritten and pruned on each deploy, and Object Lock once on can never be turned off',
    howToComply:
      "take the logs out of S3 server access logging (CloudTrail data events for the widget bucket, CloudFront's standard logging v2 to CloudWatch Logs), drop the log bucket, and turn on Object Lock (governance mode) on the widget bucket",
  },
  {
    control: 'CT.S3.PR.10',
    reason:
      "both buckets use SSE-S3: the widget bucket holds the widget's public code, and the log bucket takes S3's and CloudFront's log deliveries, whose writers a customer managed key would each have to name",
    howToComply:
      "encrypt the widget bucket with a customer managed key (CDK's S3BucketOrigin.withOriginAccessControl lets the distribution decrypt; the deployment role needs kms:GenerateDataKey), and the log bucket with a key whose policy lets S3's and CloudFront's log delivery encrypt, as their guides describe",
  },
];
