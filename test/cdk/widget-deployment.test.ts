import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, describe, expect, it } from 'vitest';
import { WidgetDeployment, type WidgetRuntimeConfig, widgetSource } from '../../lib/widget-deployment';
import { featureFlags, logicalId, statementsOfRole, synth, testApp } from './support';

const RUNTIME_CONFIG: WidgetRuntimeConfig = {
  apiUrl: 'https://abc123.execute-api.us-east-1.amazonaws.com/',
  agentPort: 'workspace',
  auth: {
    kind: 'cognito',
    authorizeUrl: 'https://acw.auth.us-east-1.amazoncognito.com/oauth2/authorize',
    tokenUrl: 'https://acw.auth.us-east-1.amazoncognito.com/oauth2/token',
    clientId: 'client',
    scopes: ['openid'],
    redirectPath: 'callback.html',
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'connect-acw-widget-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * A build module with web/build.ts's signature: an ES module, as the repository's package.json
 * makes web/build.ts; out here, by its .mts name.
 */
function fakeBuildModule(body: string): string {
  const dir = mkdtempSync(join(scratch, 'web-'));
  const module = join(dir, 'build.mts');
  writeFileSync(module, body);
  return module;
}

const WRITES_PAGES = `
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export async function buildWeb(outDir: string, options?: { minify?: boolean }): Promise<string[]> {
  mkdirSync(outDir, { recursive: true });
  const pages = ['index.html', 'board.html', 'callback.html'];
  for (const page of pages) writeFileSync(join(outDir, page), '<!doctype html><title>' + page + '</title>');
  writeFileSync(join(outDir, 'options.json'), JSON.stringify(options ?? {}));
  return [...pages, 'options.json'];
}
`;

/** A stack that builds its assets (no `aws:cdk:bundling-stacks` limit), as `cdk synth` does. */
function buildingStack(): { app: App; stack: Stack } {
  const app = new App({ context: featureFlags(), outdir: mkdtempSync(join(scratch, 'out-')) });
  return { app, stack: new Stack(app, 'Building') };
}

/** The deployment's widget asset (the one with index.html) and its staged directory. */
function widgetAsset(app: App, deployment: WidgetDeployment): { asset: Asset; dir: string } {
  for (const asset of deployment.node.findAll()) {
    // The AWS CLI layer is a zip file; the sources are directories.
    if (!(asset instanceof Asset) || asset.isFile) continue;
    const dir = join(app.outdir, asset.assetPath);
    if (readdirSync(dir).includes('index.html')) return { asset, dir };
  }
  throw new Error('no widget asset');
}

describe("the widget's build at synth (web/build.ts)", () => {
  it('calls buildWeb(outDir, { minify: true }) at synth and deploys what it wrote', () => {
    const { app, stack } = buildingStack();

    const deployment = new WidgetDeployment(stack, 'Widget', {
      bucket: new Bucket(stack, 'Site'),
      runtimeConfig: RUNTIME_CONFIG,
      source: widgetSource(fakeBuildModule(WRITES_PAGES)),
    });

    const { dir } = widgetAsset(app, deployment);
    expect(readdirSync(dir).sort()).toEqual(['board.html', 'callback.html', 'index.html', 'options.json']);
    expect(JSON.parse(readFileSync(join(dir, 'options.json'), 'utf8'))).toEqual({ minify: true });
  }, 60_000);

  it('names the asset by what the build wrote: the same output gives the same asset', () => {
    const module = fakeBuildModule(WRITES_PAGES);
    const hashes = [0, 1].map(() => {
      const { app, stack } = buildingStack();
      const deployment = new WidgetDeployment(stack, 'Widget', {
        bucket: new Bucket(stack, 'Site'),
        runtimeConfig: RUNTIME_CONFIG,
        source: widgetSource(module),
      });
      return widgetAsset(app, deployment).asset.assetHash;
    });

    expect(hashes[0]).toBeDefined();
    expect(hashes[1]).toBe(hashes[0]);
  }, 60_000);

  it('fails synthesis when the build fails, with the build module and its error', () => {
    const { stack } = buildingStack();
    const module = fakeBuildModule(
      "export async function buildWeb(): Promise<string[]> { throw new Error('widget.tsx: no such export'); }",
    );

    expect(
      () =>
        new WidgetDeployment(stack, 'Widget', {
          bucket: new Bucket(stack, 'Site'),
          runtimeConfig: RUNTIME_CONFIG,
          source: widgetSource(module),
        }),
    ).toThrow(
      /WidgetDeployment: building the widget with .*build\.mts failed \(exit 1\):[\s\S]*no such export/,
    );
  }, 60_000);

  it('refuses a build module that does not exist, naming it', () => {
    expect(() => widgetSource(join(scratch, 'missing', 'build.ts'))).toThrow(
      /WidgetDeployment: the widget's build module .*missing\/build\.ts does not exist/,
    );
  });

  it('skips the build where CDK skips bundling (the fast tests): the stack still synthesizes', () => {
    const stack = new Stack(testApp(), 'Skipping');

    new WidgetDeployment(stack, 'Widget', {
      bucket: new Bucket(stack, 'Site'),
      runtimeConfig: RUNTIME_CONFIG,
      source: widgetSource(fakeBuildModule("throw new Error('must not run');")),
    });

    Template.fromStack(stack).resourceCountIs('Custom::CDKBucketDeployment', 2);
  });
});

describe("the deployment function's permissions", () => {
  it('may read the asset objects, list the widget bucket and put, abort and delete its objects, and nothing more', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.widgetDeployment.role);
    const bucket = logicalId(stack.widgetHosting.bucket);

    const statements = statementsOfRole(template, role).map((s) => ({
      actions: [s.Action].flat().sort(),
      resource: s.Resource,
    }));

    expect(statements).toEqual([
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: expect.anything() },
      {
        actions: ['s3:GetObject'],
        resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':s3:::',
              // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's Fn::Sub syntax
              { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
              '/*',
            ],
          ],
        },
      },
      { actions: ['s3:ListBucket'], resource: { 'Fn::GetAtt': [bucket, 'Arn'] } },
      {
        actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'],
        resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
      },
    ]);
  });

  it('copies only once the role may do it: both custom resources depend on the role policy', () => {
    const { stack, template } = synth();
    const policy = `${logicalId(stack.widgetDeployment.role).replace(/[A-F0-9]{8}$/, '')}DefaultPolicy`;

    const customs = Object.values(template.findResources('Custom::CDKBucketDeployment'));

    expect(customs).toHaveLength(2);
    for (const custom of customs) {
      const dependsOn = (custom.DependsOn ?? []) as string[];
      expect(dependsOn.some((id) => id.startsWith(policy))).toBe(true);
    }
  });

  it('keeps the files and the bucket when the stack is deleted: the copy never empties the bucket', () => {
    const { stack, template } = synth();

    const customs = Object.values(template.findResources('Custom::CDKBucketDeployment'));

    // No RetainOnDelete property: the deployment function's default, true.
    for (const custom of customs) expect(custom.Properties).not.toHaveProperty('RetainOnDelete');
    expect(template.toJSON().Resources[logicalId(stack.widgetHosting.bucket)].DeletionPolicy).toBe('Retain');
  });
});

describe('WidgetDeployment props', () => {
  function build(runtimeConfig: WidgetRuntimeConfig): () => WidgetDeployment {
    const stack = new Stack(testApp(), 'Props');
    return () =>
      new WidgetDeployment(stack, 'Widget', {
        bucket: new Bucket(stack, 'Site'),
        runtimeConfig,
        source: widgetSource(fakeBuildModule(WRITES_PAGES)),
      });
  }

  it('refuses agentPort ccp without ccpUrl, naming the prop', () => {
    expect(build({ ...RUNTIME_CONFIG, agentPort: 'ccp' })).toThrow(
      'WidgetDeployment: props.runtimeConfig.ccpUrl is required when agentPort is ccp',
    );
  });

  it('refuses a ccpUrl without agentPort ccp (the widget refuses such a config.json)', () => {
    expect(build({ ...RUNTIME_CONFIG, ccpUrl: 'https://examplecorp.my.connect.aws/ccp-v2/' })).toThrow(
      'WidgetDeployment: props.runtimeConfig.ccpUrl is only used when agentPort is ccp',
    );
  });

  it('refuses sign-in without a scope, naming the prop', () => {
    expect(build({ ...RUNTIME_CONFIG, auth: { ...RUNTIME_CONFIG.auth, scopes: [] } })).toThrow(
      'WidgetDeployment: props.runtimeConfig.auth.scopes must name at least one scope',
    );
  });
});
