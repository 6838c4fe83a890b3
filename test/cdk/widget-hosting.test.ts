import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ConnectAcwStack } from '../../lib/connect-acw-stack';
import { flattenReference } from '../../lib/nag';
import { contentSecurityPolicy, MAX_CSP_LENGTH, WidgetHosting } from '../../lib/widget-hosting';
import { exampleWith, logicalId, propertiesOf, synth, testApp } from './support';

/** The example configuration with `widget` (and `api`, when given) set. */
function withWidget(widget: Record<string, unknown>, api?: Record<string, unknown>) {
  return exampleWith({ widget, ...(api === undefined ? {} : { api }) });
}

const OIDC_API = { oidc: { issuer: 'https://login.example.com/oauth2/default', audience: ['acw-desktop'] } };
const OIDC_WIDGET = {
  authorizeUrl: 'https://login.example.com/oauth2/default/v1/authorize',
  tokenUrl: 'https://login.example.com/oauth2/default/v1/token',
  clientId: 'acw-widget',
};

/** A synthesized value as one string, references shown as `<LogicalId>` / `<LogicalId.Attribute>`. */
function flat(stack: Stack, value: unknown): string {
  return flattenReference(stack.resolve(value));
}

/** A synthesized value with each reference or join in it flattened to such a string. */
function flatDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flatDeep);
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && /^(Ref|Fn::)/.test(String(keys[0]))) return flattenReference(value);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, flatDeep(inner)]));
}

/** The response headers policy's security headers. */
function securityHeaders(stack: ConnectAcwStack, template: Template): Record<string, unknown> {
  const props = propertiesOf(template, logicalId(stack.widgetHosting.headersPolicy));
  const config = props.ResponseHeadersPolicyConfig as Record<string, unknown>;
  return config.SecurityHeadersConfig as Record<string, unknown>;
}

/** The Content-Security-Policy header value, with deploy-time values as `<...>`. */
function csp(stack: ConnectAcwStack, template: Template): string {
  const headers = securityHeaders(stack, template);
  const policy = headers.ContentSecurityPolicy as { ContentSecurityPolicy: unknown };
  return flattenReference(policy.ContentSecurityPolicy);
}

/** One directive of a CSP: its sources. */
function directive(policy: string, name: string): string[] | undefined {
  const found = policy
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([key]) => key === name);
  return found?.slice(1);
}

/**
 * config.json as the deployment function writes it: the staged file with its markers replaced by
 * the values CloudFormation gives them (shown as `<...>`).
 */
function deployedConfig(stack: ConnectAcwStack, template: Template): Record<string, unknown> {
  const deployment = stack.widgetDeployment.pages;
  const custom = template.toJSON().Resources[logicalId(deployment.node.findChild('CustomResource'))];
  const keys = (custom?.Properties.SourceObjectKeys ?? []) as string[];
  const markers = (custom?.Properties.SourceMarkers ?? []) as Record<string, unknown>[];
  const outdir = (stack.node.root as App).outdir;
  for (const asset of deployment.node.findAll()) {
    if (!(asset instanceof Asset)) continue;
    const file = join(outdir, asset.assetPath, 'config.json');
    if (!existsSync(file)) continue;
    // The markers of a source are at its index among the deployment's sources.
    const index = keys.indexOf(stack.resolve(asset.s3ObjectKey));
    let text = readFileSync(file, 'utf8');
    for (const [marker, value] of Object.entries(markers[index] ?? {})) {
      // Inside a JSON string: escaped as one.
      text = text.split(marker).join(JSON.stringify(flattenReference(value)).slice(1, -1));
    }
    return JSON.parse(text) as Record<string, unknown>;
  }
  throw new Error('no config.json among the deployment sources');
}

describe('widget hosting (issue 5)', () => {
  it('serves a private bucket through CloudFront with origin access control, HTTPS only, index.html at the root', () => {
    const { stack, template } = synth();
    const hosting = stack.widgetHosting;

    const distribution = propertiesOf(template, logicalId(hosting.distribution)).DistributionConfig as Record<
      string,
      Record<string, unknown>
    >;

    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      ResponseHeadersPolicyId: { Ref: logicalId(hosting.headersPolicy) },
    });
    const origins = distribution.Origins as unknown as Record<string, unknown>[];
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      DomainName: { 'Fn::GetAtt': [logicalId(hosting.bucket), 'RegionalDomainName'] },
      OriginAccessControlId: { 'Fn::GetAtt': [expect.any(String), 'Id'] },
      S3OriginConfig: { OriginAccessIdentity: '' },
    });
    const oac = Object.values(template.findResources('AWS::CloudFront::OriginAccessControl'));
    expect(oac.map((resource) => resource.Properties.OriginAccessControlConfig)).toEqual([
      expect.objectContaining({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      }),
    ]);
  });

  it('blocks all public access to the bucket, encrypts it and refuses any request without TLS', () => {
    const { stack, template } = synth();
    const bucket = logicalId(stack.widgetHosting.bucket);

    const props = propertiesOf(template, bucket);

    expect(props.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(props.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (resource) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: bucket }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as Record<string, unknown>[];
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Principal: { AWS: '*' },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });

  it('lets only this distribution read the bucket (the CloudFront service, conditioned on its ARN)', () => {
    const { stack, template } = synth();
    const bucket = logicalId(stack.widgetHosting.bucket);
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (resource) => JSON.stringify(resource.Properties.Bucket) === JSON.stringify({ Ref: bucket }),
    );

    const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as Record<string, unknown>[];
    const allows = statements.filter((statement) => statement.Effect === 'Allow');

    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({
      Action: 's3:GetObject',
      Principal: { Service: 'cloudfront.amazonaws.com' },
    });
    expect(flatDeep(allows[0]?.Condition)).toEqual({
      StringEquals: {
        'AWS:SourceArn': `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${logicalId(stack.widgetHosting.distribution)}>`,
      },
    });
  });

  it('logs the distribution and the bucket to a private, TLS-only log bucket that expires them after a year', () => {
    const { stack, template } = synth();
    const logs = logicalId(stack.widgetHosting.logBucket);

    const distribution = propertiesOf(template, logicalId(stack.widgetHosting.distribution))
      .DistributionConfig as Record<string, unknown>;
    const site = propertiesOf(template, logicalId(stack.widgetHosting.bucket));
    const logBucket = propertiesOf(template, logs);

    expect(distribution.Logging).toEqual({
      Bucket: { 'Fn::GetAtt': [logs, 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
    expect(site.LoggingConfiguration).toEqual({ DestinationBucketName: { Ref: logs }, LogFilePrefix: 's3/' });
    expect(logBucket.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicAcls: true });
    expect(logBucket.LifecycleConfiguration).toEqual({
      Rules: [
        {
          ExpirationInDays: 365,
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          Status: 'Enabled',
        },
      ],
    });
    expect(template.toJSON().Resources[logs].DeletionPolicy).toBe('Retain');
  });

  it('sends a CSP whose frame-ancestors are Connect only (*.awsapps.com and *.my.connect.aws by default), and no X-Frame-Options', () => {
    const { stack, template } = synth();

    const headers = securityHeaders(stack, template);
    const policy = csp(stack, template);

    expect(directive(policy, 'frame-ancestors')).toEqual([
      'https://*.awsapps.com',
      'https://*.my.connect.aws',
    ]);
    expect(directive(policy, 'default-src')).toEqual(["'self'"]);
    expect(directive(policy, 'script-src')).toEqual(["'self'"]);
    expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    expect(headers).not.toHaveProperty('FrameOptions');
    expect(JSON.stringify(template.toJSON())).not.toMatch(/X-Frame-Options|FrameOptions/i);
  });

  it("adds the instance alias's Agent Workspace domain to the configured frame ancestors", () => {
    const { stack, template } = synth(
      withWidget({ frameAncestors: ['https://ccp.example.com'], connectAlias: 'ExampleCorp' }),
    );

    expect(directive(csp(stack, template), 'frame-ancestors')).toEqual([
      'https://ccp.example.com',
      'https://examplecorp.my.connect.aws',
    ]);
  });

  it("lets the pages call only their own origin, the Region's API Gateway and the Cognito hosted UI (connect-src)", () => {
    const { stack, template } = synth();

    const sources = directive(csp(stack, template), 'connect-src');

    expect(sources).toEqual([
      "'self'",
      'https://*.execute-api.<AWS::Region>.<AWS::URLSuffix>',
      flat(stack, stack.agentApi.hostedUiUrl),
    ]);
    expect(flat(stack, stack.agentApi.hostedUiUrl)).toMatch(
      /^https:\/\/acw-.*\.auth\.<AWS::Region>\.amazoncognito\.com$/,
    );
    expect(directive(csp(stack, template), 'frame-src')).toBeUndefined();
  });

  it("with acw.api.oidc, lets the pages call the issuer's token endpoint, and creates no Cognito domain", () => {
    const { stack, template } = synth(withWidget({ oidc: OIDC_WIDGET }, OIDC_API));

    expect(directive(csp(stack, template), 'connect-src')).toEqual([
      "'self'",
      'https://*.execute-api.<AWS::Region>.<AWS::URLSuffix>',
      'https://login.example.com',
    ]);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    expect(template.findOutputs('CognitoDomain')).toEqual({});
  });

  it("with agentPort ccp, lets the pages frame the instance's CCP (frame-src) and nothing else", () => {
    const { stack, template } = synth(withWidget({ agentPort: 'ccp', connectAlias: 'examplecorp' }));

    expect(directive(csp(stack, template), 'frame-src')).toEqual([
      'https://examplecorp.my.connect.aws',
      'https://examplecorp.awsapps.com',
    ]);
  });

  it('sends HSTS for two years, nosniff and a strict referrer policy', () => {
    const { stack, template } = synth();

    const headers = securityHeaders(stack, template);

    expect(headers.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: 63_072_000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.ReferrerPolicy).toEqual({
      ReferrerPolicy: 'strict-origin-when-cross-origin',
      Override: true,
    });
  });

  it('names the headers policy and the origin access control after the stack id: CloudFront wants them unique in the account', () => {
    const { stack, template } = synth();
    const byStackId = {
      'Fn::Join': [
        '-',
        ['acw-widget', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }],
      ],
    };

    const policy = propertiesOf(template, logicalId(stack.widgetHosting.headersPolicy));
    const oac = Object.values(template.findResources('AWS::CloudFront::OriginAccessControl'))[0];

    expect(policy.ResponseHeadersPolicyConfig).toMatchObject({ Name: byStackId });
    expect(oac?.Properties.OriginAccessControlConfig).toMatchObject({ Name: byStackId });
  });

  it('outputs the widget URL and the supervisor board URL on the distribution, and the Cognito domain', () => {
    const { stack, template } = synth();
    const domain = `<${logicalId(stack.widgetHosting.distribution)}.DomainName>`;

    const outputs = template.findOutputs('*');

    expect(flat(stack, outputs.WidgetUrl?.Value)).toBe(`https://${domain}/`);
    expect(flat(stack, outputs.SupervisorBoardUrl?.Value)).toBe(`https://${domain}/board.html`);
    expect(flat(stack, outputs.CognitoDomain?.Value)).toBe(flat(stack, stack.agentApi.hostedUiUrl));
    expect(outputs.WidgetAppArn).toBeUndefined();
  });
});

describe("the widget's sign-in (Cognito hosted UI, authorization code with PKCE)", () => {
  it('gives the user pool a hosted-UI domain named after the stack id by default, or acw.widget.cognitoDomainPrefix', () => {
    const derived = synth();
    const named = synth(withWidget({ cognitoDomainPrefix: 'examplecorp-wrapup' }));

    const domainOf = ({ template }: ReturnType<typeof synth>) =>
      Object.values(template.findResources('AWS::Cognito::UserPoolDomain')).map((d) => d.Properties.Domain);

    expect(domainOf(derived)).toEqual([
      { 'Fn::Join': ['', ['acw-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] },
    ]);
    expect(domainOf(named)).toEqual(['examplecorp-wrapup']);
    expect(flat(named.stack, named.stack.agentApi.hostedUiUrl)).toBe(
      'https://examplecorp-wrapup.auth.<AWS::Region>.amazoncognito.com',
    );
  });

  it('gives the widget a public app client: authorization code grant only, no secret, back to callback.html', () => {
    const { stack, template } = synth();
    const client = stack.agentApi.userPoolClient;
    if (client === undefined) throw new Error('no app client');
    const origin = `https://<${logicalId(stack.widgetHosting.distribution)}.DomainName>`;

    const props = propertiesOf(template, logicalId(client));

    expect(props.GenerateSecret).toBe(false);
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(props.AllowedOAuthScopes).toEqual(['openid', 'profile']);
    expect(props.SupportedIdentityProviders).toEqual(['COGNITO']);
    expect(flatDeep(props.CallbackURLs)).toEqual([`${origin}/callback.html`]);
    expect(flatDeep(props.LogoutURLs)).toEqual([`${origin}/`]);
  });
});

describe('config.json (the runtime configuration deployed beside the widget)', () => {
  it('names the API URL, the hosted UI endpoints, the app client, the scopes and callback.html', () => {
    const { stack, template } = synth();
    const hostedUi = flat(stack, stack.agentApi.hostedUiUrl);
    const client = stack.agentApi.userPoolClient;
    if (client === undefined) throw new Error('no app client');

    const config = deployedConfig(stack, template);

    expect(config).toEqual({
      apiUrl: `https://<${logicalId(stack.agentApi.api)}>.execute-api.<AWS::Region>.<AWS::URLSuffix>/`,
      agentPort: 'workspace',
      auth: {
        kind: 'cognito',
        authorizeUrl: `${hostedUi}/oauth2/authorize`,
        tokenUrl: `${hostedUi}/oauth2/token`,
        clientId: `<${logicalId(client)}>`,
        scopes: ['openid', 'profile'],
        redirectPath: 'callback.html',
      },
    });
  });

  it("with acw.api.oidc, names the issuer's endpoints and client from acw.widget.oidc", () => {
    const { stack, template } = synth(withWidget({ oidc: OIDC_WIDGET }, OIDC_API));

    const config = deployedConfig(stack, template);

    expect(config.auth).toEqual({
      kind: 'oidc',
      ...OIDC_WIDGET,
      scopes: ['openid'],
      redirectPath: 'callback.html',
    });
  });

  it("with agentPort ccp, names the instance's CCP", () => {
    const { stack, template } = synth(withWidget({ agentPort: 'ccp', connectAlias: 'ExampleCorp' }));

    const config = deployedConfig(stack, template);

    expect(config).toMatchObject({ agentPort: 'ccp', ccpUrl: 'https://examplecorp.my.connect.aws/ccp-v2/' });
  });

  it('serves the pages and config.json no-cache (revalidated, so a deploy is seen at once), pruning old ones', () => {
    const { stack, template } = synth();
    const pages = logicalId(stack.widgetDeployment.pages.node.findChild('CustomResource'));

    const props = propertiesOf(template, pages);

    expect(props).toMatchObject({
      Exclude: ['*'],
      Include: ['*.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      Prune: true,
    });
  });

  it('serves the hashed bundles immutable for a year, keeping earlier builds for pages still open', () => {
    const { stack, template } = synth();
    const bundles = logicalId(stack.widgetDeployment.bundles.node.findChild('CustomResource'));
    const pages = logicalId(stack.widgetDeployment.pages.node.findChild('CustomResource'));

    const props = propertiesOf(template, bundles);

    expect(props).toMatchObject({
      Exclude: ['*.html', 'config.json'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
      Prune: false,
    });
    expect(props).not.toHaveProperty('Include');
    // The pages go out after the bundles they name.
    expect(template.toJSON().Resources[pages].DependsOn).toContain(bundles);
  });
});

describe('cdk-nag on the widget variants', () => {
  it.each([
    [
      'registered as an app, custom CCP',
      withWidget({ registerApp: true, agentPort: 'ccp', connectAlias: 'examplecorp' }),
    ],
    ['signing in with acw.api.oidc', withWidget({ oidc: OIDC_WIDGET }, OIDC_API)],
  ])('finds no unacknowledged error or warning (%s)', (_name, acw) => {
    const app = testApp(acw);
    new ConnectAcwStack(app, 'Acw');

    const findings = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.filter((v) => v.severity === 'error' || v.severity === 'warning')
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`));

    expect(findings).toEqual([]);
  });
});

describe('WidgetHosting props', () => {
  const base = { frameAncestors: ['https://*.awsapps.com'], connectSources: ['https://api.example.com'] };

  it('refuses a frame ancestor that is not an https origin, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(
      () =>
        new WidgetHosting(stack, 'W', {
          ...base,
          frameAncestors: ["https://x.example.com; script-src 'self'"],
        }),
    ).toThrow(/WidgetHosting: props\.frameAncestors must hold https origins only/);
  });

  it('refuses a CSP longer than CloudFront allows, naming the props to shorten', () => {
    const stack = new Stack(testApp(), 'Props');
    const many = Array.from(
      { length: 40 },
      (_, i) => `https://agent-workspace-${i}.customer-${i}.example.com`,
    );

    expect(contentSecurityPolicy({ ...base, frameAncestors: many }).length).toBeGreaterThan(MAX_CSP_LENGTH);
    expect(() => new WidgetHosting(stack, 'W', { ...base, frameAncestors: many })).toThrow(
      /WidgetHosting: the Content-Security-Policy would be about \d+ characters, more than CloudFront's 1783/,
    );
  });

  it("with no frame ancestor, lets no page frame the widget ('none')", () => {
    expect(contentSecurityPolicy({ ...base, frameAncestors: [] })).toContain("frame-ancestors 'none'");
  });
});
