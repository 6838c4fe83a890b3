/**
 * What the widget's bucket holds: the built widget and supervisor board (web/build.ts,
 * run at synth), and a `config.json` written at deploy time with the values only CloudFormation
 * knows: the API URL, the sign-in endpoints and the app client id.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AssetHashType, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SingletonFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import type { AgentPortKind } from '../lambda/core/config';
import { REPO_ROOT } from './acw-function';
import { acknowledgeRule, acknowledgeWildcardResource } from './nag';

/** The widget's sources, and the module whose `buildWeb(outDir, options)` builds them. */
export const WEB_DIR = join(REPO_ROOT, 'web');
export const WEB_BUILD_MODULE = join(WEB_DIR, 'build.ts');

/** The supervisor board's page. */
export const BOARD_PAGE = 'board.html';
/** The object key of the runtime configuration. */
export const RUNTIME_CONFIG_KEY = 'config.json';
/** What browsers must revalidate on every load (`aws s3 sync` filters): the pages and config.json. */
const PAGES = ['*.html', RUNTIME_CONFIG_KEY] as const;

/**
 * How the widget signs an agent in: authorization code with PKCE, in a popup (web/src/config.ts
 * `OAuthConfig`, which refuses unknown fields).
 */
export interface WidgetAuthConfig {
  /** `cognito`: the stack's user pool and its hosted UI; `oidc`: the issuer of `acw.api.oidc`. */
  readonly kind: 'cognito' | 'oidc';
  /** The authorization endpoint. */
  readonly authorizeUrl: string;
  /** The token endpoint (code for tokens, with the PKCE verifier; refresh). */
  readonly tokenUrl: string;
  /** The public app client (no secret). */
  readonly clientId: string;
  /** The scopes to ask for. */
  readonly scopes: readonly string[];
  /** The callback page relative to the pages, `callback.html`: registered as `https://WIDGET/callback.html`. */
  readonly redirectPath: string;
}

/** `config.json`: what the widget reads at start (web/src/config.ts `WebConfig`). */
export interface WidgetRuntimeConfig {
  /** The agent API's base URL, ending in `/`. */
  readonly apiUrl: string;
  /** Where the widget hears of the agent's contacts: Agent Workspace or a custom CCP. */
  readonly agentPort: AgentPortKind;
  /** The CCP the widget opens itself (`agentPort: ccp`): `https://ALIAS.my.connect.aws/ccp-v2/`. */
  readonly ccpUrl?: string;
  /** Sign-in. */
  readonly auth: WidgetAuthConfig;
}

/** Properties of the widget's deployment. */
export interface WidgetDeploymentProps {
  /** The bucket the files go to (`WidgetHosting.bucket`). */
  readonly bucket: IBucket;
  /** The runtime configuration, written as `config.json` (tokens allowed: resolved at deploy). */
  readonly runtimeConfig: WidgetRuntimeConfig;
  /**
   * The built widget.
   * @default - `widgetSource()`: web/build.ts run at synth
   */
  readonly source?: ISource;
  /**
   * How long the deployment function's logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * The KMS key the deployment function's logs are encrypted with (`LogEncryptionKey`).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: IKey;
}

/**
 * Copies the widget to the bucket in two steps: the hashed bundles (cached for good, kept across
 * deploys), then the pages and `config.json` (revalidated on every load, pruned).
 */
export class WidgetDeployment extends Construct {
  /** The hashed bundles, cached for good (a custom resource backed by CDK's deployment function). */
  readonly bundles: BucketDeployment;
  /** The pages and `config.json`, revalidated on every load. */
  readonly pages: BucketDeployment;
  /** The deployment function's role: it starts with its log group only. */
  readonly role: Role;
  /** The configuration written as `config.json`. */
  readonly runtimeConfig: WidgetRuntimeConfig;

  constructor(scope: Construct, id: string, props: WidgetDeploymentProps) {
    super(scope, id);
    validate(props);
    this.runtimeConfig = props.runtimeConfig;

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the connect-acw widget to its bucket (connect-acw)',
    });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      // Only what the copies of a deploy printed: nothing to keep once the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      ...(props.logEncryptionKey === undefined ? {} : { encryptionKey: props.logEncryptionKey }),
    });
    // Only this log group: AWSLambdaBasicExecutionRole would allow writing to every log group.
    logGroup.grantWrite(this.role);

    // BucketDeployment grants s3:GetObject*, s3:List*, s3:DeleteObject*, ... to the role it is given;
    // it gets a view that takes no grants, and grantCopy() gives the exact actions instead.
    const common = { destinationBucket: props.bucket, role: this.role.withoutPolicyUpdates(), logGroup };
    const built = props.source ?? widgetSource();
    this.bundles = new BucketDeployment(this, 'Bundles', {
      ...common,
      sources: [built],
      exclude: [...PAGES],
      // Bundle names carry a hash of their content: a name never gets other content.
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
      // Earlier builds' bundles stay: a page loaded before this deploy may still fetch its chunks.
      prune: false,
    });
    this.pages = new BucketDeployment(this, 'Pages', {
      ...common,
      sources: [built, Source.jsonData(RUNTIME_CONFIG_KEY, props.runtimeConfig)],
      exclude: ['*'],
      include: [...PAGES],
      // Revalidated on every load (a 304 when unchanged) by browsers, and kept by CloudFront for
      // its cache policy's minimum TTL (1 s) only: a deploy is seen at once without an invalidation
      // (which would need cloudfront:CreateInvalidation), and a page never runs with another
      // deploy's config.json.
      cacheControl: [CacheControl.noCache()],
    });
    // The new pages go out once the bundles they name are there.
    this.pages.node.addDependency(this.bundles);
    this.grantCopy(props.bucket);
    this.acknowledgeDeploymentFindings(props.bucket);
  }

  /**
   * What the deployment function does (aws-s3-deployment's handler, read for this): `aws s3 cp`
   * of each source zip from the asset bucket (HeadObject and GetObject: s3:GetObject), then
   * `aws s3 sync --delete` to the widget bucket (ListObjectsV2: s3:ListBucket; uploads, multipart
   * for large files: s3:PutObject, s3:AbortMultipartUpload; pruning: s3:DeleteObject). It keeps
   * the files when the stack is deleted (retainOnDelete), so it never empties the bucket.
   */
  private grantCopy(bucket: IBucket): void {
    for (const assetBucket of this.assetBuckets()) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: [assetBucket.arnForObjects('*')] }),
      );
    }
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
        resources: [bucket.arnForObjects('*')],
      }),
    );
    // The copies run once the role may do them (the custom resources wait for the role's policy).
    this.bundles.node.addDependency(this.role);
    this.pages.node.addDependency(this.role);
  }

  /** The buckets the sources' assets are staged in (the bootstrap bucket, once per bucket). */
  private assetBuckets(): IBucket[] {
    const buckets = new Map<string, IBucket>();
    const stack = Stack.of(this);
    for (const asset of this.node.findAll()) {
      // Each asset names the bucket with a token of its own: compare what they resolve to.
      if (asset instanceof Asset)
        buckets.set(JSON.stringify(stack.resolve(asset.s3BucketName)), asset.bucket);
    }
    return [...buckets.values()];
  }

  /** The findings of CDK's deployment function and of the copy grants. */
  private acknowledgeDeploymentFindings(bucket: IBucket): void {
    const handler = this.pages.node.tryFindChild('CustomResourceHandler');
    const fn = handler instanceof SingletonFunction ? handler.permissionsNode.defaultChild : undefined;
    if (fn !== undefined) {
      acknowledgeRule(
        fn,
        'L1',
        "CDK's bucket deployment function (aws-s3-deployment), a Python runtime with the AWS CLI layer that CDK " +
          'pins and moves forward with aws-cdk-lib; it runs only during a deploy, to copy the widget files.',
      );
    }
    for (const assetBucket of this.assetBuckets()) {
      acknowledgeWildcardResource(
        this.role,
        assetBucket.arnForObjects('*'),
        "Reads the widget's asset zips from CDK's bootstrap asset bucket; their object keys are content hashes " +
          'that change with every build, so the grant covers the objects of that one bucket (GetObject only).',
      );
    }
    acknowledgeWildcardResource(
      this.role,
      bucket.arnForObjects('*'),
      'Writes and prunes the widget files in its own bucket: bundle names carry content hashes that change ' +
        'with each build, so the grant covers the objects of that one bucket, which holds nothing else.',
    );
  }
}

/**
 * The built widget as a deployment source: `buildWeb(outDir, { minify: true })` of web/build.ts,
 * run at synth into CDK's bundling directory (offline; skipped, like the functions' bundling, for
 * stacks the CLI is not building). The asset is named by the hash of the output.
 */
export function widgetSource(buildModule: string = WEB_BUILD_MODULE): ISource {
  if (!existsSync(buildModule)) {
    throw new Error(`WidgetDeployment: the widget's build module ${buildModule} does not exist`);
  }
  return Source.asset(dirname(buildModule), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: the local build below either succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:20-slim'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildWidget(buildModule, outputDir);
          return true;
        },
      },
    },
  });
}

/** Runs `buildWeb` in a child process: synthesis is synchronous, the build is not. */
function buildWidget(buildModule: string, outputDir: string): void {
  const script =
    `const { buildWeb } = await import(${JSON.stringify(pathToFileURL(buildModule).href)});\n` +
    'await buildWeb(process.argv[1], { minify: true });';
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', script, outputDir],
    { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `WidgetDeployment: building the widget with ${buildModule} failed (exit ${result.status}):\n` +
        `${result.stderr}${result.stdout}`,
    );
  }
}

function validate(props: WidgetDeploymentProps): void {
  const config = props.runtimeConfig;
  if (config.auth.scopes.length === 0) {
    throw new Error('WidgetDeployment: props.runtimeConfig.auth.scopes must name at least one scope');
  }
  if (config.agentPort === 'ccp' && config.ccpUrl === undefined) {
    throw new Error('WidgetDeployment: props.runtimeConfig.ccpUrl is required when agentPort is ccp');
  }
  // The widget refuses a config.json with a CCP URL it would not use.
  if (config.agentPort !== 'ccp' && config.ccpUrl !== undefined) {
    throw new Error('WidgetDeployment: props.runtimeConfig.ccpUrl is only used when agentPort is ccp');
  }
}
