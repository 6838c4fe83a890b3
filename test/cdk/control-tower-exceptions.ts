/**
 * The AWS Control Tower proactive controls the stack does not pass, each with why and how an
 * account that enforces it can comply. The one list: test/cdk/control-tower.test.ts fails on any
 * other failing control and on a listed one that passes, and test/cdk/control-tower-readme.test.ts
 * keeps the README's table ("AWS Control Tower controls") equal to it, row for row.
 */

/** A control the stack does not pass. */
export interface ControlTowerException {
  /** The control's id, e.g. `CT.LAMBDA.PR.3`. */
  readonly control: string;
  /** What the control asks, in a few words. */
  readonly title: string;
  /** Why the stack does not pass it. */
  readonly reason: string;
  /** What an account that enforces the control can do. */
  readonly howToComply: string;
}

export const CONTROL_TOWER_EXCEPTIONS: readonly ControlTowerException[] = [
  {
    control: 'CT.CLOUDFRONT.PR.4',
    title: 'origin failover',
    reason: 'a second origin would need a second copy of the widget, in a bucket of another Region',
    howToComply:
      "replicate the widget bucket to a bucket in a second Region (S3 Replication) and give the distribution's default behaviour an origin group of both",
  },
  {
    control: 'CT.CLOUDFRONT.PR.6',
    title: 'custom certificate',
    reason:
      "the widget is served on CloudFront's default `*.cloudfront.net` certificate: the stack has no domain of yours",
    howToComply:
      'serve it on your domain: an ACM certificate in us-east-1 and the domain as an alternate name of the distribution (`certificate` and `domainNames` of `WidgetHosting.distribution`)',
  },
  {
    control: 'CT.CLOUDFRONT.PR.7',
    title: 'SNI',
    reason: 'SNI is a setting of a custom certificate; the default one has none',
    howToComply: "comes with your own certificate (CT.CLOUDFRONT.PR.6): CDK's `Distribution` uses SNI",
  },
  {
    control: 'CT.CLOUDFRONT.PR.9',
    title: 'TLS 1.2 minimum',
    reason:
      "the minimum TLS version is a setting of a custom certificate; CloudFront fixes the default certificate's",
    howToComply: "with your own certificate, `minimumProtocolVersion` `TLSv1.2_2021` (CDK's default)",
  },
  {
    control: 'CT.LAMBDA.PR.2',
    title: 'no public function',
    reason:
      "the API Gateway and Connect permissions are scoped by `SourceArn`, but as expressions (the API's ARN joined from its id, the `ConnectInstanceArn` parameter), and the rule run on a template accepts only a literal or a reference to one of its resources",
    howToComply:
      'nothing to do: Control Tower runs the control as a hook on the resolved properties, where `SourceArn` is the literal ARN; the test runs it that way too, and every permission passes',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    title: 'functions in a VPC',
    reason:
      'the functions run outside a VPC: they call only AWS APIs (DynamoDB, SQS, Scheduler, Connect, SSM) and serve nothing in a network',
    howToComply:
      'attach them to private subnets of a VPC with endpoints for DynamoDB (gateway), SQS, EventBridge Scheduler, Amazon Connect, SSM, CloudWatch Logs and KMS (interface); no route to the internet is needed',
  },
  {
    control: 'CT.S3.PR.2',
    title: 'bucket access logging',
    reason:
      'the log bucket takes the access logs of the widget bucket and the distribution; logging its own accesses into itself would loop',
    howToComply:
      "send the log bucket's server access logs to a bucket outside the stack (the account's central access-log bucket), with an escape hatch on `WidgetHosting.logBucket`",
  },
  {
    control: 'CT.S3.PR.9',
    title: 'Object Lock',
    reason:
      'S3 delivers no server access logs into a bucket with an Object Lock default retention (older S3 guides: with Object Lock at all), and Object Lock without one protects nothing, so the log bucket cannot use it; on the widget bucket, rewritten and pruned on each deploy, it could never be turned off again',
    howToComply:
      'take the logs out of S3 (CloudTrail data events for the widget bucket, CloudFront standard logging v2 to CloudWatch Logs), drop the log bucket, and turn on Object Lock in governance mode on the widget bucket',
  },
  {
    control: 'CT.S3.PR.10',
    title: 'SSE-KMS',
    reason:
      "both buckets use SSE-S3: the widget bucket holds the widget's public code, and the log bucket takes S3's and CloudFront's log deliveries, whose writers a customer managed key would each have to name",
    howToComply:
      "encrypt the widget bucket with a customer managed key (CDK's `S3BucketOrigin.withOriginAccessControl` lets the distribution decrypt; the deployment role needs `kms:GenerateDataKey`), and the log bucket with a key whose policy lets S3's and CloudFront's log delivery encrypt, as the S3 and CloudFront guides describe",
  },
];
