/**
 * Builds the agent widget, the supervisor board, the administrators' page and the sign-in callback page into a directory
 * (esbuild: bundled, ES2020, minified by default, code split so that the Connect SDK is fetched
 * only where it runs). The CDK construct calls it at synth into an asset directory, the local
 * server at start. Offline and well under 2 s.
 *
 * It never writes `config.json`: that is the host's runtime configuration (web/README.md).
 *
 * Output (names hashed by content, so everything but the HTML can be cached for good):
 *
 *     index.html, board.html, admin.html,
 *     callback.html                              the pages (cache: no-cache)
 *     widget-HASH.js, widget-HASH.css            the widget
 *     board-HASH.js, board-HASH.css              the board
 *     admin-HASH.js, admin-HASH.css              the administrators' page (R20)
 *     callback-HASH.js                           the callback page
 *     chunks/*-HASH.js                           shared code and the lazily loaded agent ports
 *     vendor/connect-streams-VERSION.min.js      amazon-connect-streams, loaded only with agentPort "ccp"
 *
 * Usage: `tsx web/build.ts OUTDIR [--no-minify]`.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';

/** Options of buildWeb. */
export interface BuildWebOptions {
  /**
   * Minify the bundles.
   * @default true
   */
  readonly minify?: boolean;
  /**
   * Write source maps next to the bundles.
   * @default false
   */
  readonly sourcemap?: boolean;
}

const WEB_DIR = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(WEB_DIR, 'src');

/** The pages and the entry point each one loads. */
const PAGES = [
  { html: 'index.html', entry: 'widget', source: 'widget.tsx' },
  { html: 'board.html', entry: 'board', source: 'board.tsx' },
  { html: 'admin.html', entry: 'admin', source: 'admin.tsx' },
  { html: 'callback.html', entry: 'callback', source: 'callback.ts' },
] as const;

/** What a previous build wrote; removed before building again, nothing else is touched. */
const OWN_FILE =
  /^(?:index\.html|board\.html|admin\.html|callback\.html|(?:widget|board|admin|callback)-[A-Za-z0-9]+\.(?:js|css)(?:\.map)?)$/;
const OWN_DIRS = ['chunks', 'vendor'];

/**
 * Builds the pages into `outDir` (created if missing) and returns the files written, relative
 * to `outDir`, sorted. Files of a previous build there are replaced; other files (such as the
 * host's config.json) are left alone.
 */
export async function buildWeb(outDir: string, options: BuildWebOptions = {}): Promise<string[]> {
  const out = path.resolve(outDir);
  await mkdir(out, { recursive: true });
  await removePreviousBuild(out);

  const streams = await streamsScript();
  const result = await build({
    absWorkingDir: WEB_DIR,
    entryPoints: PAGES.map((page) => ({ in: path.join(SRC, page.source), out: page.entry })),
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: options.minify ?? true,
    sourcemap: options.sourcemap ?? false,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunks/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: path.join(WEB_DIR, 'tsconfig.json'),
    define: {
      ACW_STREAMS_SCRIPT: JSON.stringify(streams.target),
      'process.env.NODE_ENV': '"production"',
    },
    metafile: true,
    logLevel: 'silent',
    legalComments: 'eof',
  });

  const written = Object.keys(result.metafile.outputs).map((file) =>
    path.relative(out, path.resolve(WEB_DIR, file)),
  );
  for (const page of PAGES) {
    const { js, css } = outputsOf(result.metafile, page.source, out);
    let html = await readFile(path.join(SRC, page.html), 'utf8');
    html = replaceOnce(html, `src="${page.entry}.js"`, `src="${js}"`, page.html);
    if (css !== undefined) html = replaceOnce(html, `href="${page.entry}.css"`, `href="${css}"`, page.html);
    await writeFile(path.join(out, page.html), html);
    written.push(page.html);
  }
  await mkdir(path.join(out, 'vendor'), { recursive: true });
  await copyFile(streams.source, path.join(out, streams.target));
  written.push(streams.target);
  return written.map((file) => file.split(path.sep).join('/')).sort();
}

/** The entry's JS and CSS bundles, relative to the output directory. */
function outputsOf(metafile: Metafile, source: string, out: string): { js: string; css?: string } {
  const relative = (file: string) =>
    path.relative(out, path.resolve(WEB_DIR, file)).split(path.sep).join('/');
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (output.entryPoint === undefined || !file.endsWith('.js')) continue;
    if (path.resolve(WEB_DIR, output.entryPoint) !== path.join(SRC, source)) continue;
    return {
      js: relative(file),
      ...(output.cssBundle === undefined ? {} : { css: relative(output.cssBundle) }),
    };
  }
  throw new Error(`buildWeb: esbuild produced no bundle for ${source}`);
}

function replaceOnce(html: string, from: string, to: string, page: string): string {
  if (!html.includes(from)) throw new Error(`buildWeb: ${page} must reference ${from}`);
  return html.replace(from, to);
}

/** amazon-connect-streams' minified release, named by its version. */
async function streamsScript(): Promise<{ source: string; target: string }> {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('amazon-connect-streams/package.json');
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string };
  return {
    source: path.join(path.dirname(manifest), 'release', 'connect-streams-min.js'),
    target: `vendor/connect-streams-${version}.min.js`,
  };
}

async function removePreviousBuild(out: string): Promise<void> {
  for (const entry of await readdir(out, { withFileTypes: true })) {
    if (entry.isFile() && OWN_FILE.test(entry.name)) await rm(path.join(out, entry.name));
    if (entry.isDirectory() && OWN_DIRS.includes(entry.name)) {
      await rm(path.join(out, entry.name), { recursive: true });
    }
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [outDir, ...flags] = process.argv.slice(2);
  if (outDir === undefined || outDir.startsWith('-')) {
    console.error('usage: tsx web/build.ts OUTDIR [--no-minify] [--sourcemap]');
    process.exit(2);
  }
  const started = performance.now();
  const files = await buildWeb(outDir, {
    minify: !flags.includes('--no-minify'),
    sourcemap: flags.includes('--sourcemap'),
  });
  console.log(`built ${files.length} files into ${outDir} in ${Math.round(performance.now() - started)} ms`);
}
