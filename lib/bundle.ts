/**
 * How a handler becomes the code of its Lambda function (issue 11: cold start): esbuild with the
 * stack's options (`BUNDLING`, below), plus one step NodejsFunction cannot take, a plugin that
 * lets esbuild drop the parts of the AWS SDK's schemas a function never uses.
 *
 * Why the plugin. Each SDK client describes its whole API in one module,
 * `dist-es/schemas/schemas_0.js`: one array per shape and operation. Its objects are keyed by
 * module constants (`{ [_h]: ["PUT", "/users/..."] }`, `_h` being `"http"`), and esbuild keeps any
 * statement holding a computed key, since converting the key could run code. So every operation of
 * the API stayed in every bundle that used one: Connect's were 188 KB of a function's 875 KB, about
 * a fifth of its init. The plugin writes those keys as the literal strings they are; the modules are
 * otherwise unchanged, and esbuild then keeps only the shapes the commands in use reach.
 *
 * The stack bundles through this module (`lib/bundle-cli.ts`, from `AcwFunction`'s local bundling),
 * and so does the bench (bench/cold-start.ts) and the bundling tests.
 */
import { readFile } from 'node:fs/promises';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

/** The esbuild settings the stack chooses (`BUNDLING`). */
export interface HandlerBundling {
  readonly minify: boolean;
  readonly sourceMap: boolean;
  readonly target: string;
  readonly externalModules: readonly string[];
  readonly mainFields: readonly string[];
}

/** esbuild's options for a handler: CommonJS for Node.js, one output file (as Lambda loads it). */
export function esbuildOptionsOf(bundling: HandlerBundling): BuildOptions {
  return {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: bundling.target,
    minify: bundling.minify,
    sourcemap: bundling.sourceMap,
    external: [...bundling.externalModules],
    mainFields: [...bundling.mainFields],
  };
}

/** An AWS SDK client's schema module (`@aws-sdk/client-<name>/dist-es/schemas/schemas_<n>.js`). */
export const SDK_SCHEMA_MODULE =
  /[/\\]@aws-sdk[/\\]client-[a-z0-9-]+[/\\]dist-es[/\\]schemas[/\\]schemas_\d+\.js$/;

/** A module constant holding a string: `const _h = "http";` on a line of its own. */
const STRING_CONSTANT = /^const (_[A-Za-z0-9_]+) = ("(?:[^"\\\n]|\\.)*");$/gm;
/** A computed object key naming an identifier: `[_h]:`. */
const COMPUTED_KEY = /\[(_[A-Za-z0-9_]+)\]:/g;

/**
 * `source` with every computed key that names one of its string constants written as that string
 * (`{ [_h]: x }` becomes `{ "http": x }`: the same object). Keys naming anything else stay as they are.
 */
export function literalSchemaKeys(source: string): { readonly code: string; readonly rewritten: number } {
  const constants = new Map<string, string>();
  for (const match of source.matchAll(STRING_CONSTANT)) {
    const [, name, literal] = match;
    if (name !== undefined && literal !== undefined) constants.set(name, literal);
  }
  let rewritten = 0;
  const code = source.replace(COMPUTED_KEY, (key: string, name: string) => {
    const literal = constants.get(name);
    if (literal === undefined) return key;
    rewritten += 1;
    return `${literal}:`;
  });
  return { code, rewritten };
}

/** The esbuild plugin: the SDK's schema modules loaded with literal keys (`literalSchemaKeys`). */
export function sdkSchemaTreeShaking(): Plugin {
  return {
    name: 'connect-acw-sdk-schema-keys',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: SDK_SCHEMA_MODULE }, async (args) => ({
        contents: literalSchemaKeys(await readFile(args.path, 'utf8')).code,
        loader: 'js',
      }));
    },
  };
}

/**
 * How every handler is bundled (issue 11: cold start). bench/cold-start.ts bundles with these same
 * options (and the same plugin) to measure each function's init against a one-client function's.
 *
 * - The SDK's schemas are tree-shaken too (`sdkSchemaTreeShaking`, above): -200 KB for a function
 *   using Connect.
 * - The AWS SDK is bundled, not left to the runtime's copy: from its ES modules (`mainFields`),
 *   which mark themselves free of side effects, so esbuild keeps only the clients and commands a
 *   function's adapters use (lambda/handlers/runtime.ts). Left external, every SDK import of a
 *   bundled module stays a `require` even when esbuild drops the module, and the runtime's copy is
 *   one CommonJS file per client holding every command (Connect's is 700 KB): the functions'
 *   init was about 3.4 times a one-client function's, contact-flow's as much as the others'.
 * - No source map, and no `--enable-source-maps`: measured (`npm run bench -- cold-start`), they
 *   add 15-40 % to contact-events' init (its map is 4 MB: node reads and parses it at load), and
 *   buy little: errors are logged by name and message, which say what went wrong, not by stack.
 * - The functions do not parse the configuration again (lambda/handlers/runtime.ts
 *   `configFromEnvironment`): the stack validated it at synth. Its first parse was 6-9 ms of
 *   every init; its schemas, 7 KB of a bundle, were not (zod stays for the event schemas).
 */
export const BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node22',
  externalModules: [],
  mainFields: ['module', 'main'],
} as const satisfies HandlerBundling;

/** What to bundle, and where. */
export interface BundleRequest {
  /** The handler file (it exports `handler`), or source text and the directory its imports resolve from. */
  readonly source: { readonly entry: string } | { readonly contents: string; readonly resolveDir: string };
  /** The JavaScript file to write. */
  readonly outfile: string;
  /** The directory `node_modules` is found from. */
  readonly workingDir: string;
  readonly bundling: HandlerBundling;
  /**
   * Whether the SDK's schemas are tree-shaken (`sdkSchemaTreeShaking`); off only to compare.
   * @default true
   */
  readonly treeShakeSchemas?: boolean;
}

/** Bundles a handler as the stack deploys it; returns what went into the output file. */
export async function bundleHandler(request: BundleRequest): Promise<Metafile['outputs'][string]> {
  const { source } = request;
  const result = await build({
    ...esbuildOptionsOf(request.bundling),
    ...('entry' in source
      ? { entryPoints: [source.entry] }
      : { stdin: { contents: source.contents, resolveDir: source.resolveDir, loader: 'ts' } }),
    absWorkingDir: request.workingDir,
    outfile: request.outfile,
    plugins: request.treeShakeSchemas === false ? [] : [sdkSchemaTreeShaking()],
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.js'))?.[1];
  if (output === undefined) throw new Error(`esbuild wrote no JavaScript for ${request.outfile}`);
  return output;
}
