/**
 * The real thing, once: `cdk synth` through the CLI and cdk.json, with esbuild bundling (offline,
 * no Docker), CDK's built-in validation and cdk-nag as bin/ registers them; then cfn-lint on the
 * template. Child processes run through the async API so the test runner stays responsive.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/acw-function';

const execFileAsync = promisify(execFile);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program to completion; a missing program is an error that says which one. */
async function run(program: string, args: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(program, args, {
      cwd: REPO_ROOT,
      env,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & {
      code?: number | string;
      stdout?: string;
      stderr?: string;
    };
    if (failed.code === 'ENOENT') {
      throw new Error(`${program} is not installed or not on PATH; this test needs it (${failed.message})`);
    }
    return { code: Number(failed.code ?? 1), stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The environment a developer's shell would give: not vitest's NODE_ENV=test. */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_ENV: _test, ...env } = process.env;
  return { ...env, ...extra };
}

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

interface TemplateJson {
  readonly Resources: Record<
    string,
    { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> }
  >;
}

function resourcesOfType(template: TemplateJson, type: string) {
  return Object.values(template.Resources).filter((resource) => resource.Type === type);
}

/** The staged assets of the ACW handlers: the Node.js functions (CDK's deployment function is Python). */
function handlerAssets(template: TemplateJson): string[] {
  return resourcesOfType(template, 'AWS::Lambda::Function')
    .filter((fn) => String(fn.Properties.Runtime).startsWith('nodejs'))
    .map((fn) => String(fn.Metadata?.['aws:asset:path']));
}

describe('real synthesis', () => {
  let outdir = '';
  let synth: Run = { code: -1, stdout: '', stderr: '' };
  const template = (): TemplateJson =>
    JSON.parse(readFileSync(join(outdir, 'ConnectAcw.template.json'), 'utf8')) as TemplateJson;

  beforeAll(async () => {
    outdir = mkdtempSync(join(tmpdir(), 'connect-acw-synth-'));
    synth = await run(bin('cdk'), ['synth', '--quiet', '--output', outdir]);
  }, 180_000);

  afterAll(() => {
    if (outdir !== '') rmSync(outdir, { recursive: true, force: true });
  });

  it('cdk synth succeeds offline from cdk.json, cdk-nag and built-in validation included', () => {
    expect(synth.code, `${synth.stdout}\n${synth.stderr}`).toBe(0);
    expect(existsSync(join(outdir, 'ConnectAcw.template.json'))).toBe(true);
  });

  it('stages the six handlers (the report roll-up, issue 13, among them; the wrap-up worker for contact events and due timers), the widget, its config.json, and the deployment function with its AWS CLI layer', () => {
    const assets = readdirSync(outdir).filter((name) => name.startsWith('asset.'));

    expect(assets).toHaveLength(10);
    expect(handlerAssets(template())).toHaveLength(6);
    expect(assets).toEqual(expect.arrayContaining(handlerAssets(template())));
  });

  it('bundles each handler with esbuild: minified, the AWS SDK inside (issue 11), no source map', () => {
    const assets = handlerAssets(template());

    expect(assets).toHaveLength(6);
    for (const asset of assets) {
      const code = readFileSync(join(outdir, asset, 'index.js'), 'utf8');

      expect(existsSync(join(outdir, asset, 'index.js.map')), asset).toBe(false);
      expect(code, asset).not.toMatch(/require\("@aws-sdk\/client-dynamodb"\)/);
      expect(code, asset).toContain('DynamoDB_20120810');
      // Minified: a few very long lines (newlines survive only inside template literals).
      expect(code.length / code.split('\n').length, asset).toBeGreaterThan(2_000);
    }
  });

  it('builds the widget at synth with web/build.ts: the three pages and their bundles, minified', () => {
    const keys = resourcesOfType(template(), 'Custom::CDKBucketDeployment').flatMap(
      (deployment) => deployment.Properties.SourceObjectKeys as string[],
    );
    const dirs = keys.map((key) => join(outdir, `asset.${key.replace(/\.zip$/, '')}`));
    const widget = dirs.find((dir) => existsSync(join(dir, 'index.html')));
    if (widget === undefined) throw new Error(`no widget asset among ${keys.join(', ')}`);

    const files = readdirSync(widget, { recursive: true }).map(String);

    expect(files).toEqual(expect.arrayContaining(['index.html', 'board.html', 'callback.html']));
    const page = readFileSync(join(widget, 'index.html'), 'utf8');
    const script = /src="([^"]+\.js)"/.exec(page)?.[1];
    expect(script, page).toMatch(/^widget-[A-Za-z0-9]+\.js$/);
    const code = readFileSync(join(widget, String(script)), 'utf8');
    expect(code.length / code.split('\n').length).toBeGreaterThan(1_000);
    // config.json is the deployment's, written beside the build, never part of it.
    expect(files).not.toContain('config.json');
    expect(dirs.some((dir) => existsSync(join(dir, 'config.json')))).toBe(true);
  });

  it('the template passes cfn-lint with no error', async () => {
    const template = join(outdir, 'ConnectAcw.template.json');

    const lint = await run('cfn-lint', ['--non-zero-exit-code', 'error', template]);

    expect(lint.code, `${lint.stdout}\n${lint.stderr}`).toBe(0);
  }, 120_000);

  it('R3: a bad acw context value fails the app with the field named, and no stack trace', async () => {
    const bad = JSON.stringify({ policies: { queues: { billing: { durationSeconds: -1 } } } });
    const dir = mkdtempSync(join(tmpdir(), 'connect-acw-bad-'));

    try {
      const result = await run(
        bin('tsx'),
        ['bin/connect-acw.ts'],
        childEnv({ CDK_CONTEXT_JSON: JSON.stringify({ acw: bad }), CDK_OUTDIR: dir }),
      );

      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        'acw.policies.queues["billing"].durationSeconds must be an integer 0-86400, got -1',
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
