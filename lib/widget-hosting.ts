/**
 * Where the agent widget and the supervisor board are served from: a private S3 bucket
 * behind CloudFront with origin access control, HTTPS only, and response headers that let Amazon
 * Connect's pages (and only them) frame the widget.
 *
 * The content itself is deployed by `WidgetDeployment` (lib/widget-deployment.ts); this construct
 * only knows where the files live and which headers go with them.
 */
import { Aws, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  S3OriginAccessControl,
  Signing,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { AcwConfig } from '../lambda/core/config';
import { acknowledgeRule } from './nag';

/** Properties of the widget's hosting. */
export interface WidgetHostingProps {
  /**
   * Origins allowed to frame the widget (CSP `frame-ancestors`): the Connect instance's Agent
   * Workspace (`https://ALIAS.my.connect.aws`, `https://*.awsapps.com`) and any custom CCP page.
   */
  readonly frameAncestors: readonly string[];
  /**
   * Origins the pages may call besides their own (CSP `connect-src`): the agent API and the
   * identity provider's token endpoint.
   */
  readonly connectSources: readonly string[];
  /**
   * Origins the pages may frame (CSP `frame-src`): the Connect instance, when the widget opens the
   * CCP itself (a custom CCP).
   * @default - none: the pages frame nothing
   */
  readonly frameSources?: readonly string[];
  /**
   * How long CloudFront's and S3's access logs are kept.
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;
  /**
   * How long a replaced or deleted object (a page of an earlier deploy, a deleted log) is kept.
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
}

/** CloudFront's limit on the Content-Security-Policy value of a response headers policy. */
export const MAX_CSP_LENGTH = 1783;

/**
 * The widget's Content-Security-Policy: everything from its own origin, calls to `connectSources`,
 * framed only by `frameAncestors`. No inline script or style, no plugins, no `<base>`.
 */
export function contentSecurityPolicy(props: WidgetHostingProps): string {
  const directives = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...props.connectSources].join(' ')}`,
    ...(props.frameSources === undefined || props.frameSources.length === 0
      ? []
      : [`frame-src ${props.frameSources.join(' ')}`]),
    `frame-ancestors ${props.frameAncestors.length === 0 ? "'none'" : props.frameAncestors.join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ];
  return directives.join('; ');
}

/**
 * The last segment of the stack id (a UUID): unique to this stack in its account and Region, and
 * stable across updates, for names that CloudFront requires to be unique in the whole account.
 */
export function stackUuid(): string {
  return Fn.select(2, Fn.split('/', Aws.STACK_ID));
}

/**
 * The origins of a Connect instance's pages (Agent Workspace, the CCP): `https://ALIAS.my.connect.aws`
 * and `https://ALIAS.awsapps.com` for the instance `alias`, else those of any instance.
 */
export function connectInstanceOrigins(alias: string | undefined): string[] {
  if (alias === undefined) return ['https://*.my.connect.aws', 'https://*.awsapps.com'];
  const host = alias.toLowerCase();
  return [`https://${host}.my.connect.aws`, `https://${host}.awsapps.com`];
}

/**
 * Who may frame the widget (CSP frame-ancestors): `acw.widget.frameAncestors` (by default any
 * `*.awsapps.com` instance) and the instance's my.connect.aws domain, `https://ALIAS.my.connect.aws`
 * with `connectAlias`, else `https://*.my.connect.aws`.
 */
export function frameAncestorsOf(widget: AcwConfig['widget']): string[] {
  const myConnect =
    widget.connectAlias === undefined
      ? 'https://*.my.connect.aws'
      : `https://${widget.connectAlias.toLowerCase()}.my.connect.aws`;
  return [...new Set([...widget.frameAncestors, myConnect])];
}

/** A private bucket served by CloudFront with the widget's security headers. */
export class WidgetHosting extends Construct {
  /** The bucket holding the pages, bundles and `config.json`; only CloudFront reads it. */
  readonly bucket: Bucket;
  /** The bucket of CloudFront's and S3's access logs. */
  readonly logBucket: Bucket;
  /** The response headers policy: CSP with frame-ancestors, HSTS, nosniff, referrer policy. */
  readonly headersPolicy: ResponseHeadersPolicy;
  /** The CloudFront distribution. */
  readonly distribution: Distribution;
  /** The widget's origin, `https://d111111abcdef8.cloudfront.net` (a token). */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: WidgetHostingProps) {
    super(scope, id);
    validate(props);
    const logRetention = props.logRetention ?? Duration.days(365);
    // Versioned (CT.S3.PR.11): an object overwritten or deleted, by a deploy or by hand, can be
    // restored for this long, then lifecycle rules (CT.S3.PR.6) remove it.
    const noncurrentVersionExpiration = props.noncurrentVersionRetention ?? Duration.days(30);
    const abortIncompleteMultipartUploadAfter = Duration.days(7);

    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL grant to the log delivery account.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      lifecycleRules: [
        { expiration: logRetention, noncurrentVersionExpiration, abortIncompleteMultipartUploadAfter },
      ],
      // Who loaded the widget from where is an audit trail: it outlives a stack deletion.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    notifyEventBridge(this.logBucket);
    acknowledgeRule(
      this.logBucket,
      'S1',
      'This is the access log bucket of the widget bucket and the distribution; logging its own accesses into ' +
        'itself would loop, and a third bucket for it would only move the same finding there.',
    );

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3/',
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration, abortIncompleteMultipartUploadAfter }],
      // Deleting the stack keeps the bucket: it is not empty, and nothing else may empty it.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    notifyEventBridge(this.bucket);

    this.headersPolicy = new ResponseHeadersPolicy(this, 'Headers', {
      responseHeadersPolicyName: Fn.join('-', ['acw-widget', stackUuid()]),
      comment: 'connect-acw widget: CSP framed by Amazon Connect only, HSTS, nosniff',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(props), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
          override: true,
        },
        // No frameOptions: X-Frame-Options cannot name Connect's origins (ALLOW-FROM is obsolete)
        // and would stop Agent Workspace from framing the widget; frame-ancestors does that job.
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'connect-acw agent widget and supervisor board',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new S3OriginAccessControl(this, 'OriginAccess', {
            originAccessControlName: Fn.join('-', ['acw-widget', stackUuid()]),
            description: 'connect-acw widget: CloudFront signs every request to the bucket',
            signing: Signing.SIGV4_ALWAYS,
          }),
        }),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headersPolicy,
        compress: true,
      },
    });
    acknowledgeRule(
      this.distribution,
      'CFR1',
      'Agents and supervisors sign in from wherever the contact center works, which the stack cannot know; the ' +
        'files are public static code, and what they show comes from the API behind its JWT authorizer.',
    );
    acknowledgeRule(
      this.distribution,
      'CFR2',
      'The distribution serves static files only (no data, no forms to the origin); the data is behind the ' +
        "API's JWT authorizer and stage throttling. A web ACL for CloudFront lives in us-east-1 and is billed monthly.",
    );
    acknowledgeRule(
      this.distribution,
      'CFR4',
      "The widget is served on CloudFront's default *.cloudfront.net certificate, whose security policy CloudFront " +
        'fixes; browsers that Agent Workspace supports negotiate TLS 1.2 or 1.3 with it anyway.',
    );

    this.origin = `https://${this.distribution.distributionDomainName}`;
  }

  /** The https URL of a file of the widget, e.g. `urlOf('board.html')`. */
  urlOf(path: string): string {
    return `${this.origin}/${path}`;
  }
}

/**
 * Sends the bucket's object events to EventBridge's default bus (CT.S3.PR.4): a change to the code
 * agents run, or to its logs, is there for the account's security tooling; nothing in the stack
 * subscribes. Set on the CloudFormation bucket itself: `eventBridgeEnabled` would add CDK's
 * notifications custom resource, a Lambda function, for the same setting.
 */
function notifyEventBridge(bucket: Bucket): void {
  const cfnBucket = bucket.node.defaultChild;
  if (!(cfnBucket instanceof CfnBucket)) throw new Error(`${bucket.node.path} has no AWS::S3::Bucket`);
  cfnBucket.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}

/** A token inside a string, as CDK encodes it until synthesis. */
const ENCODED_TOKEN = /\$\{Token\[[^\]]+\]\}/g;

/** What a CSP source may not hold: whitespace or `;` would end it and start another directive. */
const UNSAFE_SOURCE = /[\s;,]/;

function validate(props: WidgetHostingProps): void {
  const lists = {
    frameAncestors: props.frameAncestors,
    connectSources: props.connectSources,
    frameSources: props.frameSources ?? [],
  };
  for (const [name, sources] of Object.entries(lists)) {
    for (const source of sources) {
      if (!Token.isUnresolved(source) && (UNSAFE_SOURCE.test(source) || !source.startsWith('https://'))) {
        throw new Error(
          `WidgetHosting: props.${name} must hold https origins only, got ${JSON.stringify(source)}`,
        );
      }
    }
  }
  // Deploy-time values (Region, ids) count as 40 characters each: longer than any of them here.
  const length = contentSecurityPolicy(props).replace(ENCODED_TOKEN, 'x'.repeat(40)).length;
  const noncurrent = props.noncurrentVersionRetention?.toDays({ integral: false });
  if (noncurrent !== undefined && (!Number.isInteger(noncurrent) || noncurrent < 1)) {
    throw new Error(
      `WidgetHosting: props.noncurrentVersionRetention must be a whole number of days, at least 1, got ${noncurrent}`,
    );
  }
  if (length > MAX_CSP_LENGTH) {
    throw new Error(
      `WidgetHosting: the Content-Security-Policy would be about ${length} characters, more than CloudFront's ` +
        `${MAX_CSP_LENGTH}: shorten props.frameAncestors or props.connectSources`,
    );
  }
}
