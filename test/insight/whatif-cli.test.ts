/** Issue 13's `npm run whatif` (bin/whatif.ts): files in, JSON out, progress and errors on stderr. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildResult, REPO_ROOT, runChild } from '../../bench/child';
import { type Io, main, PROGRESS_LINE_MS, Progress } from '../../bin/whatif';
import type { ReplayStats } from '../../lambda/insight/whatif';
import { BASELINE, eventsOf, HAND_COMPUTED, HAND_DAY, PROPOSED } from './whatif-support';

/** Runs `node --import tsx bin/whatif.ts ...args`. */
function whatif(args: readonly string[], env: Record<string, string> = {}): Promise<ChildResult> {
  return runChild(process.execPath, ['--import', 'tsx', 'bin/whatif.ts', ...args], env);
}

/** An Io that keeps what is written, with a clock the test moves. */
function memoryIo(cwd: string, options: { tty?: boolean; clock?: { ms: number } } = {}) {
  const out = { stdout: '', stderr: '' };
  const clock = options.clock ?? { ms: 0 };
  const io: Io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text), isTTY: options.tty, columns: 100 },
    cwd,
    env: {},
    now: () => clock.ms,
  };
  return { io, out };
}

const jsonl = (events: readonly unknown[]) => events.map((event) => `${JSON.stringify(event)}\n`).join('');

describe('npm run whatif (bin/whatif.ts)', () => {
  let dir: string;
  let events: string;
  let proposed: string;
  let baseline: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acw-whatif-'));
    events = join(dir, 'events.jsonl');
    proposed = join(dir, 'proposed.json');
    baseline = join(dir, 'current.json');
    await writeFile(events, jsonl(eventsOf(HAND_DAY)));
    await writeFile(proposed, JSON.stringify(PROPOSED));
    await writeFile(baseline, JSON.stringify(BASELINE));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints only the result JSON on stdout, what it read on stderr, and exits 0', async () => {
    const { code, stdout, stderr } = await whatif([
      '--events',
      events,
      '--config',
      proposed,
      '--baseline',
      baseline,
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(HAND_COMPUTED);
    expect(stderr).toContain(
      'whatif: 15 lines read, 15 contact events used (8 DISCONNECTED, 7 COMPLETED), 0 bad lines',
    );
  });

  it('the baseline defaults to context.acw of cdk.json in the current directory', async () => {
    const project = await mkdtemp(join(dir, 'project-'));
    await writeFile(
      join(project, 'cdk.json'),
      JSON.stringify({ app: 'npx tsx bin/app.ts', context: { acw: BASELINE } }),
    );
    const { io, out } = memoryIo(project);

    const code = await main(['--events', events, '--config', proposed], io);

    expect(code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(HAND_COMPUTED);
  });

  it('takes context.acw as JSON text too, as `cdk -c acw=...` gives it', async () => {
    const project = await mkdtemp(join(dir, 'project-'));
    await writeFile(
      join(project, 'cdk.json'),
      JSON.stringify({ context: { acw: JSON.stringify(BASELINE) } }),
    );
    const { io, out } = memoryIo(project);

    expect(await main(['--events', events, '--config', proposed], io)).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(HAND_COMPUTED);
  });

  it('takes relative paths from where npm was run (INIT_CWD), not from the project', async () => {
    const { io, out } = memoryIo(REPO_ROOT);

    const code = await main(
      ['--events', 'events.jsonl', '--config', 'proposed.json', '--baseline', 'current.json'],
      {
        ...io,
        env: { INIT_CWD: dir },
      },
    );

    expect(code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(HAND_COMPUTED);
  });

  it('reads a gzipped file (.gz) as the delivery stream may write it', async () => {
    const gz = join(dir, 'events.jsonl.gz');
    await writeFile(gz, gzipSync(jsonl(eventsOf(HAND_DAY))));
    const { io, out } = memoryIo(dir);

    expect(await main(['--events', gz, '--config', proposed, '--baseline', baseline], io)).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(HAND_COMPUTED);
  });

  it('R16: counts bad lines, names the first few by number without their text, and replays the rest', async () => {
    const file = join(dir, 'some-bad.jsonl');
    const lines = jsonl(eventsOf(HAND_DAY)).split('\n');
    lines.splice(2, 0, '{"phone": "+15550100" ', '{"a":1}{"b":2}', JSON.stringify({ source: 'aws.ec2' }));
    for (let index = 0; index < 4; index++) lines.push('not json');
    await writeFile(file, lines.join('\n'));
    const { io, out } = memoryIo(dir);

    const code = await main(['--events', file, '--config', proposed, '--baseline', baseline], io);

    expect(code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual(HAND_COMPUTED);
    expect(out.stderr).toContain('7 bad lines');
    expect(out.stderr).toContain(`7 lines of ${file} skipped, not contact events (the first 5 below)`);
    expect(out.stderr).toContain('line 3: not JSON\n');
    expect(out.stderr).toContain(
      "line 4: not JSON: several objects back to back (turn on the delivery stream's new-line delimiter)",
    );
    expect(out.stderr).toMatch(/line 5: Not an Amazon Connect contact event: source /);
    expect(out.stderr).not.toContain('+15550100');
    expect(out.stderr).not.toContain('line 22');
  });

  it('a bad configuration exits 2 with the file and the field named, and prints no result', async () => {
    const bad = join(dir, 'bad-proposed.json');
    await writeFile(bad, JSON.stringify({ policies: { default: { durationSeconds: -1 } } }));

    const { code, stdout, stderr } = await whatif([
      '--events',
      events,
      '--config',
      bad,
      '--baseline',
      baseline,
    ]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`whatif: ${bad}: Invalid acw configuration:`);
    expect(stderr).toContain('acw.policies.default.durationSeconds must be an integer 0-86400, got -1');
  });

  it.each([
    [
      'a configuration that is not JSON',
      async () => ['--config', await text('nope.json', '{'), '--baseline', baseline],
      /nope\.json is not valid JSON/,
    ],
    [
      'an unknown field of the acw object',
      async () => ['--config', await text('unknown.json', '{"polices":{}}'), '--baseline', baseline],
      /unknown\.json: Invalid acw configuration:\n {2}- acw has unknown field "polices"/,
    ],
    [
      'a missing events file',
      async () => ['--config', proposed, '--baseline', baseline, '--events', join(dir, 'missing.jsonl')],
      /cannot read .*missing\.jsonl: ENOENT/,
    ],
    [
      'a directory as the events file',
      async () => ['--config', proposed, '--baseline', baseline, '--events', dir],
      /cannot read .*: not a file/,
    ],
    [
      'a file without a single contact event',
      async () => [
        '--config',
        proposed,
        '--baseline',
        baseline,
        '--events',
        await text('other.jsonl', '{"source":"aws.ec2"}\n'),
      ],
      /other\.jsonl holds no Amazon Connect contact event/,
    ],
    ['a missing --config', async () => ['--baseline', baseline], /missing --config\nusage: /],
    ['an unknown option', async () => ['--config', proposed, '--verbose'], /Unknown option '--verbose'/],
    [
      'a corrupt .gz',
      async () => [
        '--config',
        proposed,
        '--baseline',
        baseline,
        '--events',
        await text('bad.jsonl.gz', 'not gzip'),
      ],
      /cannot read .*bad\.jsonl\.gz: incorrect header check/,
    ],
  ] as const)('%s exits 2 and says so', async (_name, argsOf, message) => {
    const args = await argsOf();
    const all = args.includes('--events') ? args : ['--events', events, ...args];
    const { io, out } = memoryIo(dir);

    expect(await main(all, io)).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
  });

  async function text(name: string, content: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  }

  it('writes progress lines on standard error while it reads, and nothing but the result on stdout', async () => {
    const file = join(dir, 'long.jsonl');
    const day = Array.from({ length: 1_500 }, (_, index) => ({
      contactId: `long-${index}`,
      queueId: HAND_DAY[0]?.queueId,
      minute: index,
      needed: 30,
    }));
    await writeFile(file, jsonl(eventsOf(day)));
    // Each reading of the clock is 3 s later: a progress line is due at the second reading after 5 s.
    const clock = { ms: 0 };
    const { io, out } = memoryIo(dir, { clock });
    const ticking: Io = {
      ...io,
      now: () => {
        clock.ms += 3_000;
        return clock.ms;
      },
    };

    expect(await main(['--events', file, '--config', proposed, '--baseline', baseline], ticking)).toBe(0);

    expect(out.stderr).toMatch(
      /^whatif: \d+% of the file, 2048 lines, 2048 events used, 0 bad, \d+ contacts held\n/,
    );
    expect(JSON.parse(out.stdout).queues[0].baseline.wrapUps).toBe(1_500);
  });

  it('--help prints the usage on standard error and exits 0', async () => {
    const { io, out } = memoryIo(dir);

    expect(await main(['--help'], io)).toBe(0);
    expect(out.stderr).toMatch(/^usage: npm run --silent whatif -- --events FILE/);
    expect(out.stdout).toBe('');
  });

  it('with WHATIF_REPORT_MAX_RSS=1, ends standard error with its peak resident set size', async () => {
    const { code, stderr } = await whatif(
      ['--events', events, '--config', proposed, '--baseline', baseline],
      {
        WHATIF_REPORT_MAX_RSS: '1',
      },
    );

    expect(code).toBe(0);
    const last = JSON.parse(stderr.trim().split('\n').at(-1) ?? '{}');
    expect(last.maxRssKiB).toBeGreaterThan(10_000);
  });
});

describe('npm run whatif: progress on standard error', () => {
  const stats = { events: 7, pending: 3 } as ReplayStats;

  it('without a terminal, writes a line every few seconds, not more often', () => {
    const clock = { ms: 0 };
    let written = '';
    const progress = new Progress({ write: (text: string) => (written += text) }, () => clock.ms);

    clock.ms = PROGRESS_LINE_MS - 1;
    progress.update(1024, 250, 1000, stats, 1);
    expect(written).toBe('');
    clock.ms = PROGRESS_LINE_MS;
    progress.update(2048, 500, 1000, stats, 1);
    clock.ms = PROGRESS_LINE_MS + 10;
    progress.update(3072, 750, 1000, stats, 1);
    progress.finish();

    expect(written).toBe('whatif: 50% of the file, 2048 lines, 7 events used, 1 bad, 3 contacts held\n');
  });

  it('on a terminal, draws a bar in place and clears it at the end', () => {
    const clock = { ms: 0 };
    let written = '';
    const progress = new Progress(
      { write: (text: string) => (written += text), isTTY: true, columns: 80 },
      () => clock.ms,
    );

    clock.ms = 1_000;
    progress.update(1024, 500, 1000, stats, 0);
    progress.finish();

    const clear = '\r\u001b[2K';
    expect(written.startsWith(`${clear}whatif [`)).toBe(true);
    expect(written.endsWith(`] 50% 1024 lines, 7 events used, 0 bad${clear}`)).toBe(true);
    expect(written).toMatch(/\[#+\.+\]/);
    expect(written).not.toContain('\n');
  });
});
