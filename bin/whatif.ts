/**
 * `npm run whatif -- --events FILE.jsonl --config proposed.json [--baseline current.json]`
 * (issue 13): replays exported Connect contact events under the proposed `acw` configuration and
 * the current one, and prints per queue and channel what each would have cost in agent time, as
 * JSON on standard output (nothing else goes there). The model is lambda/insight/whatif.ts's.
 *
 * 1. Reads both configurations (whole `acw` objects, validated by `parseAcwConfig`); the baseline
 *    defaults to `context.acw` of `cdk.json` in the current directory (the project's, under
 *    `npm run`), as the CDK app reads it. Relative paths are from where npm was run (INIT_CWD).
 * 2. Streams FILE line by line (`.gz` is gunzipped on the way): one EventBridge contact event a
 *    line, read by the intake's parser (`readContactEvent`). A line that is not one is counted,
 *    and the first few are named on standard error by line number and reason (never their text:
 *    events hold phone numbers).
 * 3. Progress on standard error: a bar on a terminal, else a line every few seconds.
 *
 * Exit codes: 0 replayed; 2 the command line, a configuration or the events file is wrong (the
 * message names the file and the field), or the file holds no contact event at all; 1 anything else.
 * `WHATIF_REPORT_MAX_RSS=1` adds the process's peak resident set size to standard error as the
 * last line, `{"maxRssKiB":N}`, for the bench.
 */
import { open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { type AcwConfig, ConfigError, parseAcwConfig } from '../lambda/config/acw-config';
import { readContactEvent } from '../lambda/handlers/events';
import { type ReplayStats, WhatIfReplay } from '../lambda/insight/whatif';

const USAGE =
  'usage: npm run --silent whatif -- --events FILE.jsonl[.gz] --config proposed.json [--baseline current.json]\n' +
  '  (the baseline defaults to context.acw of ./cdk.json)';
/** How many bad lines are named on standard error. */
export const BAD_LINES_SHOWN = 5;
/** Without a terminal: one progress line this often. */
export const PROGRESS_LINE_MS = 5_000;
/** On a terminal: the bar redrawn at most this often. */
const BAR_REDRAW_MS = 200;
/** The clock is read once per this many lines. */
const PROGRESS_EVERY_LINES = 1_024;

/** Where the CLI writes; `isTTY` and `columns` are standard error's. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

/** What the CLI reads and writes besides its files: `processIo()` when run, fakes in tests. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
}

/** A problem with what the user gave: exit 2, the message names the file and the field. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stderr.write(`${USAGE}\n`);
      return 0;
    }
    // `npm run` starts the script in the project's directory: a relative path is the user's, from
    // where they ran npm (INIT_CWD).
    const args = resolvedPaths(parseCommandLine(argv), io.env.INIT_CWD ?? io.cwd);
    const proposed = await configFile(args.config);
    const baseline =
      args.baseline === undefined ? await cdkJsonBaseline(io.cwd) : await configFile(args.baseline);
    const replay = new WhatIfReplay(baseline, proposed);
    const read = await replayFile(args.events, replay, new Progress(io.stderr, io.now));
    const result = replay.result();
    io.stderr.write(`whatif: ${summary(read.lines, replay.stats, read.bad.count)}\n`);
    read.bad.report(io.stderr, args.events);
    if (replay.stats.events === 0) {
      throw new UsageError(`${args.events} holds no Amazon Connect contact event`);
    }
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`whatif: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(
      `whatif: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  } finally {
    if (io.env.WHATIF_REPORT_MAX_RSS === '1') {
      io.stderr.write(`${JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS })}\n`);
    }
  }
}

interface Args {
  readonly events: string;
  readonly config: string;
  readonly baseline?: string | undefined;
}

function parseCommandLine(argv: readonly string[]): Args {
  let values: { events?: string; config?: string; baseline?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { events: { type: 'string' }, config: { type: 'string' }, baseline: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const missing = (['events', 'config'] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0) {
    throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(' and ')}\n${USAGE}`);
  }
  return { events: values.events ?? '', config: values.config ?? '', baseline: values.baseline };
}

function resolvedPaths(args: Args, from: string): Args {
  const at = (file: string) => resolve(from, file);
  return {
    events: at(args.events),
    config: at(args.config),
    baseline: args.baseline === undefined ? undefined : at(args.baseline),
  };
}

/** A whole `acw` object from a JSON file, validated. */
async function configFile(file: string): Promise<AcwConfig> {
  return configOf(file, parseJson(file, await readText(file)));
}

/** The baseline when none is given: `context.acw` of ./cdk.json (an object, or its JSON text as `-c acw=` gives). */
async function cdkJsonBaseline(cwd: string): Promise<AcwConfig> {
  const file = join(cwd, 'cdk.json');
  const cdkJson = parseJson(file, await readText(file));
  const context = isRecord(cdkJson) ? cdkJson.context : undefined;
  const raw = isRecord(context) ? context.acw : undefined;
  if (raw === undefined) throw new UsageError(`${file} has no context.acw: give --baseline current.json`);
  return configOf(
    `${file} context.acw`,
    typeof raw === 'string' ? parseJson(`${file} context.acw`, raw) : raw,
  );
}

function configOf(file: string, input: unknown): AcwConfig {
  try {
    return parseAcwConfig(input, 'acw');
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

/**
 * Step 2: streams the file into the replay, line by line. Returns the lines read and the bad ones.
 * @throws UsageError when the file cannot be opened or read.
 */
async function replayFile(
  file: string,
  replay: WhatIfReplay,
  progress: Progress,
): Promise<{ lines: number; bad: BadLines }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const stat = await handle.stat();
  if (!stat.isFile()) {
    await handle.close();
    throw new UsageError(`cannot read ${file}: not a file`);
  }
  const size = stat.size;
  const raw = handle.createReadStream();
  const bad = new BadLines();
  let lines = 0;
  try {
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    // A read error (a directory, a corrupt .gz) reaches the loop through the interface's input.
    raw.on('error', (error) => input.destroy(error));
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lines++;
      if (line.trim() !== '') replayLine(line, lines, replay, bad);
      if (lines % PROGRESS_EVERY_LINES === 0)
        progress.update(lines, raw.bytesRead, size, replay.stats, bad.count);
    }
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    raw.destroy();
    progress.finish();
  }
  return { lines, bad };
}

function replayLine(line: string, number: number, replay: WhatIfReplay, bad: BadLines): void {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // The parser's message quotes the line: never shown (phone numbers).
    bad.add(
      number,
      line.includes('}{')
        ? "not JSON: several objects back to back (turn on the delivery stream's new-line delimiter)"
        : 'not JSON',
    );
    return;
  }
  try {
    const { event } = readContactEvent(value);
    replay.add(event, isRecord(value) ? value.detail : undefined);
  } catch (error) {
    bad.add(number, error instanceof Error ? error.message : String(error));
  }
}

/** Lines that are not contact events: counted, the first few kept with their reason. */
class BadLines {
  count = 0;
  private readonly shown: string[] = [];

  add(line: number, reason: string): void {
    this.count++;
    if (this.shown.length < BAD_LINES_SHOWN) this.shown.push(`line ${line}: ${reason}`);
  }

  report(out: Output, file: string): void {
    if (this.count === 0) return;
    const more = this.count > this.shown.length ? ` (the first ${this.shown.length} below)` : '';
    out.write(
      `whatif: ${this.count} line${this.count === 1 ? '' : 's'} of ${file} skipped, not contact events${more}:\n` +
        this.shown.map((entry) => `  ${entry}\n`).join(''),
    );
  }
}

/** Step 3: progress on standard error, a bar on a terminal, else a line every `PROGRESS_LINE_MS`. */
export class Progress {
  private last: number;
  private drawn = false;

  constructor(
    readonly out: Output,
    private readonly now: () => number,
  ) {
    this.last = now();
  }

  update(lines: number, bytesRead: number, size: number, stats: ReplayStats, bad: number): void {
    const now = this.now();
    const tty = this.out.isTTY === true;
    if (now - this.last < (tty ? BAR_REDRAW_MS : PROGRESS_LINE_MS)) return;
    this.last = now;
    const share = size > 0 ? Math.min(1, bytesRead / size) : 0;
    const counts = `${lines} lines, ${stats.events} events used, ${bad} bad`;
    if (tty) {
      const width = Math.max(10, Math.min(40, (this.out.columns ?? 80) - counts.length - 16));
      const filled = Math.round(share * width);
      this.out.write(
        `\r\x1b[2Kwhatif [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${counts}`,
      );
      this.drawn = true;
    } else {
      this.out.write(
        `whatif: ${Math.floor(share * 100)}% of the file, ${counts}, ${stats.pending} contacts held\n`,
      );
    }
  }

  /** Clears the bar, if drawn. */
  finish(): void {
    if (this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}

function summary(lines: number, stats: ReplayStats, bad: number): string {
  return (
    `${lines} lines read, ${stats.events} contact events used (${stats.disconnects} DISCONNECTED, ` +
    `${stats.completed} COMPLETED), ${bad} bad lines; ${stats.wrapUpContacts} contacts with a wrap-up, ` +
    `${stats.neededKnown} of them with the time needed known; ${stats.duplicates} duplicates, ` +
    `${stats.unpairedCompleted} COMPLETED without their DISCONNECTED; at most ${stats.peakPending} contacts held`
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function processIo(): Io {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    now: Date.now,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
