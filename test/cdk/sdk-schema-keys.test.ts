/**
 * Issue 11 (cold start): the bundling step that lets esbuild drop the SDK schemas a function never
 * uses (lib/bundle.ts `sdkSchemaTreeShaking`) changes what is bundled, never what the SDK does:
 * every schema of every client the functions use is the same value with and without it, and a
 * command sends the same request and reads the same error.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lib/acw-function';
import { BUNDLING, bundleHandler, literalSchemaKeys, SDK_SCHEMA_MODULE } from '../../lib/bundle';

const OUT = join(REPO_ROOT, 'cdk.out', 'sdk-schema-keys-test');
const requireBundle = createRequire(import.meta.url);

/** Bundles `contents` as the stack does, with or without the plugin, and loads it. */
async function load(name: string, contents: string, plugin: boolean): Promise<Record<string, unknown>> {
  const outfile = join(OUT, `${name}-${plugin ? 'plugin' : 'plain'}.js`);
  await bundleHandler({
    source: { contents, resolveDir: REPO_ROOT },
    outfile,
    workingDir: REPO_ROOT,
    bundling: { ...BUNDLING, minify: false },
    treeShakeSchemas: plugin,
  });
  return requireBundle(outfile) as Record<string, unknown>;
}

describe('literalSchemaKeys', () => {
  it('writes a computed key naming a string constant of the module as that string', () => {
    const source = [
      'const _h = "http";',
      'const _e = "er\\"ror";',
      'export var A$ = [9, { [_h]: 1, [_e]: 2 }];',
    ].join('\n');

    const { code, rewritten } = literalSchemaKeys(source);

    expect(code).toContain('export var A$ = [9, { "http": 1, "er\\"ror": 2 }];');
    expect(rewritten).toBe(2);
  });

  it('leaves a key naming anything else as it is', () => {
    const source = [
      'let _h = "http";',
      'const _n = 3;',
      'export var A$ = [{ [_h]: 1, [_n]: 2, [_x]: 3 }];',
    ].join('\n');

    const { code, rewritten } = literalSchemaKeys(source);

    expect(code).toBe(source);
    expect(rewritten).toBe(0);
  });

  it('applies to the schema modules of SDK clients, and to nothing else', () => {
    expect(
      SDK_SCHEMA_MODULE.test('/r/node_modules/@aws-sdk/client-connect/dist-es/schemas/schemas_0.js'),
    ).toBe(true);
    expect(
      SDK_SCHEMA_MODULE.test('C:\\r\\node_modules\\@aws-sdk\\client-sqs\\dist-es\\schemas\\schemas_1.js'),
    ).toBe(true);
    expect(
      SDK_SCHEMA_MODULE.test(
        '/r/node_modules/@aws-sdk/client-connect/dist-es/commands/PutUserStatusCommand.js',
      ),
    ).toBe(false);
    expect(SDK_SCHEMA_MODULE.test('/r/node_modules/@aws-sdk/lib-dynamodb/dist-es/schemas/schemas_0.js')).toBe(
      false,
    );
  });
});

/** The clients the functions bundle (test/cdk/bundling.test.ts names which function holds which). */
const CLIENTS = ['connect', 'dynamodb', 'scheduler', 'sqs', 'ssm'] as const;

/**
 * A schema module's exports as plain data: a function (a schema's reference to another, `() => X$`)
 * becomes the name of the export it returns, so that two copies of the module compare equal when
 * they hold the same schemas, and cycles end.
 */
function asData(exports: Record<string, unknown>): Record<string, unknown> {
  const names = new Map<unknown, string>();
  for (const [name, value] of Object.entries(exports)) if (typeof value === 'object') names.set(value, name);
  const walk = (value: unknown, top: boolean): unknown => {
    if (typeof value === 'function') {
      const target = (value as () => unknown)();
      return `-> ${names.get(target) ?? JSON.stringify(walk(target, false))}`;
    }
    if (!top && names.has(value)) return `= ${names.get(value)}`;
    if (Array.isArray(value)) return value.map((item) => walk(item, false));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, false)]));
    }
    return value;
  };
  return Object.fromEntries(Object.entries(exports).map(([name, value]) => [name, walk(value, true)]));
}

describe('the SDK schemas with literal keys', () => {
  beforeAll(async () => {
    await mkdir(OUT, { recursive: true });
    await writeFile(join(OUT, 'package.json'), '{ "type": "commonjs" }\n');
  });

  it.each(CLIENTS)(
    'client-%s: every schema is the same value with and without the plugin',
    async (client) => {
      const contents = `export * from '@aws-sdk/client-${client}/dist-es/schemas/schemas_0.js';`;

      const plain = asData(await load(`schemas-${client}`, contents, false));
      const literal = asData(await load(`schemas-${client}`, contents, true));

      expect(Object.keys(plain).length).toBeGreaterThan(10);
      expect(literal).toEqual(plain);
    },
    60_000,
  );

  /** A function using one Connect command: the request it sends and the error it reads. */
  const COMMAND = `
import { Readable } from 'node:stream';
import { ConnectClient, PutUserStatusCommand } from '@aws-sdk/client-connect';
export async function call(status: number, body: string) {
  let sent: unknown;
  const client = new ConnectClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { method: string; path: string; body: unknown; headers: Record<string, string> }) => {
        sent = { method: request.method, path: request.path, body: typeof request.body === 'string' ? request.body : new TextDecoder().decode(request.body as Uint8Array), type: request.headers['content-type'] };
        return { response: ({ statusCode: status, headers: { 'content-type': 'application/json', 'x-amzn-errortype': status === 200 ? '' : 'ThrottlingException' }, body: Readable.from([body]) }) };
      },
    },
  });
  try {
    await client.send(new PutUserStatusCommand({ InstanceId: 'i-1', UserId: 'u-1', AgentStatusId: 's-1' }));
    return { sent, outcome: 'ok' };
  } catch (error) {
    return { sent, outcome: (error as Error).name, message: (error as Error).message };
  }
}`;

  it('a Connect command sends the same request and reads the same error, from a bundle a fifth the size', async () => {
    const plain = await load('command', COMMAND, false);
    const literal = await load('command', COMMAND, true);
    // As JSON: each bundle has its own copies of the classes the values are made of.
    const call = async (exports: Record<string, unknown>, status: number, body: string) =>
      JSON.parse(
        JSON.stringify(
          await (exports.call as (status: number, body: string) => Promise<unknown>)(status, body),
        ),
      ) as unknown;

    const ok = await call(literal, 200, '{}');
    const throttled = await call(literal, 429, '{"message":"Rate exceeded"}');

    expect(ok).toEqual(await call(plain, 200, '{}'));
    expect(ok).toMatchObject({
      outcome: 'ok',
      sent: { method: 'PUT', path: '/users/i-1/u-1/status', body: '{"AgentStatusId":"s-1"}' },
    });
    expect(throttled).toEqual(await call(plain, 429, '{"message":"Rate exceeded"}'));
    expect(throttled).toMatchObject({ outcome: 'ThrottlingException', message: 'Rate exceeded' });
  }, 60_000);

  it('drops the operations a function does not use', async () => {
    const sizes = await Promise.all(
      [false, true].map(async (plugin) => {
        const outfile = join(OUT, `size-${plugin ? 'plugin' : 'plain'}.js`);
        const output = await bundleHandler({
          source: { contents: COMMAND, resolveDir: REPO_ROOT },
          outfile,
          workingDir: REPO_ROOT,
          bundling: BUNDLING,
          treeShakeSchemas: plugin,
        });
        return output.bytes;
      }),
    );
    const [plain = 0, literal = 0] = sizes;

    expect(plain - literal).toBeGreaterThan(150_000);
  }, 60_000);
});
