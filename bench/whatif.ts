/**
 * The `whatif` bench job (issue 13): `npm run whatif` on a generated week of 100,000 contact
 * events, within a memory bound.
 *
 * 1. Writes the week to a temporary JSONL file (`writeWeek`, seeded): contacts spread evenly over
 *    seven days on four queues and three channels, each a DISCONNECTED and a COMPLETED event
 *    carrying the ACW the agent needed, a few in the other order, some abandoned (no agent, R2),
 *    some without their COMPLETED, some DISCONNECTED twice, and a few bad lines.
 * 2. Runs the CLI on it in a child process, as a user would (`node --import tsx bin/whatif.ts`),
 *    in a V8 heap of `HEAP_MIB` (`--max-old-space-size`), with `WHATIF_REPORT_MAX_RSS=1`: the
 *    child reports its own peak resident set size (`process.resourceUsage().maxRSS`) as its last
 *    line of standard error.
 * 3. Judges (`judgeWhatIf`): that it finished in that heap, its peak RSS against `MAX_RSS_MIB`
 *    (node, tsx and the parser's modules take about 90 MiB on a one-line file), the most contacts
 *    it held at once against those a horizon of event time brings (a replay that never let go of
 *    a contact holds them all); and that it used every event, counted every bad line, and gave
 *    every contact that reached an agent its wrap-up. The time taken is reported, not judged.
 */
import { mkdtemp, open, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AcwConfigInput } from '../lambda/config/acw-config';
import type { Channel } from '../lambda/core/config';
import { DEFAULT_HORIZON_HOURS, type WhatIfQueue } from '../lambda/insight/whatif';
import { contactEvent } from '../sim/contact-events';
import { stableUuid } from '../sim/ids';
import { Random } from '../sim/random';
import { type ChildResult, runChild } from './child';
import type { Figure, JobResult } from './jobs';

/** Issue 13: a generated week of this many contact events. */
export const WEEK_EVENTS = 100_000;
/** The bound the CLI's peak RSS is judged against, MiB. */
export const MAX_RSS_MIB = 160;
/**
 * The V8 heap (old space) the CLI runs in, MiB: a hard bound, as V8 stops a process that needs
 * more. Reading the week's file whole does not fit it (measured: `readFileSync` of the 139 MiB
 * file stops with "JavaScript heap out of memory").
 */
export const HEAP_MIB = 64;
const SEED = 13;
const DAYS = 7;
const INSTANCE_ARN = 'arn:aws:connect:us-east-1:111122223333:instance/3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d';
const START = Date.parse('2026-03-02T00:00:00Z');
/** One bad line every this many lines. */
const BAD_LINE_EVERY = 4_000;
const QUEUES: ReadonlyArray<{ id: string; channel: Channel; meanNeeded: number }> = [
  { id: '00000000-0000-4000-8000-0000000000a1', channel: 'VOICE', meanNeeded: 70 },
  { id: '00000000-0000-4000-8000-0000000000a2', channel: 'VOICE', meanNeeded: 150 },
  { id: '00000000-0000-4000-8000-0000000000a5', channel: 'CHAT', meanNeeded: 45 },
  { id: '00000000-0000-4000-8000-0000000000a6', channel: 'TASK', meanNeeded: 200 },
];

/** The week's current configuration: 90 s, chat 60 s. */
export const WEEK_BASELINE: AcwConfigInput = {
  policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 60 } } },
};
/** The proposal: the slow voice queue 180 s, tasks 240 s with two extensions. */
export const WEEK_PROPOSED: AcwConfigInput = {
  policies: {
    default: { durationSeconds: 90 },
    channels: { CHAT: { durationSeconds: 60 }, TASK: { durationSeconds: 240, maxExtensions: 2 } },
    queues: { '00000000-0000-4000-8000-0000000000a2': { durationSeconds: 180 } },
  },
};

/** What `writeWeek` wrote: what the replay must find. */
export interface WeekSummary {
  readonly events: number;
  readonly lines: number;
  readonly badLines: number;
  readonly contacts: number;
  /** Contacts that reached an agent: each gets a wrap-up under both configurations. */
  readonly wrapUpContacts: number;
  readonly bytes: number;
}

/**
 * Step 1: writes `events` contact events (and a bad line every `BAD_LINE_EVERY` lines) to `file`,
 * a chunk at a time.
 */
export async function writeWeek(
  file: string,
  options: { events: number; seed?: number },
): Promise<WeekSummary> {
  const random = new Random(options.seed ?? SEED);
  const contactsEstimate = Math.ceil(options.events / 2);
  const spacingMs = (DAYS * 86_400_000) / contactsEstimate;
  const handle = await open(file, 'w');
  let chunk: string[] = [];
  let events = 0;
  let lines = 0;
  let badLines = 0;
  let contacts = 0;
  let wrapUpContacts = 0;
  const emit = async (line: string) => {
    chunk.push(line);
    lines++;
    if (lines % BAD_LINE_EVERY === 0) {
      chunk.push('{"version":"0","id":"truncated');
      lines++;
      badLines++;
    }
    if (chunk.length >= 1_000) {
      await handle.write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  };
  try {
    while (events < options.events) {
      const queue = random.pick(QUEUES);
      const contactId = stableUuid(`whatif-week/${contacts}`);
      const at = START + Math.round(contacts * spacingMs);
      contacts++;
      const abandoned = random.chance(0.04);
      const agentId = abandoned ? undefined : stableUuid(`whatif-agent/${random.int(0, 499)}`);
      const spec = {
        instanceArn: INSTANCE_ARN,
        contactId,
        channel: queue.channel,
        queueId: queue.id,
        initiatedAt: at - 300_000,
        agentId,
        connectedToAgentAt: agentId === undefined ? undefined : at - 240_000,
        disconnectedAt: at,
      };
      // Exponential around the queue's mean: most wrap-ups short, a long tail.
      const needed = Math.round(-queue.meanNeeded * Math.log(1 - random.float()));
      const disconnected = JSON.stringify(contactEvent(spec));
      const completedEvent = contactEvent({
        ...spec,
        eventType: 'COMPLETED',
        time: at + (needed + 3) * 1000,
      });
      if (agentId !== undefined) {
        const detail = completedEvent.detail as { agentInfo: Record<string, unknown> };
        detail.agentInfo.afterContactWorkStartTimestamp = new Date(at).toISOString();
        detail.agentInfo.afterContactWorkEndTimestamp = new Date(at + needed * 1000).toISOString();
        detail.agentInfo.afterContactWorkDuration = needed;
      }
      const completed = JSON.stringify(completedEvent);
      const left = options.events - events;
      const pair =
        left === 1 || random.chance(0.03)
          ? [disconnected]
          : random.chance(0.05)
            ? [completed, disconnected]
            : random.chance(0.01) && left >= 3
              ? [disconnected, disconnected, completed]
              : [disconnected, completed];
      for (const line of pair) await emit(line);
      events += pair.length;
      if (agentId !== undefined) wrapUpContacts++;
    }
    if (chunk.length > 0) await handle.write(`${chunk.join('\n')}\n`);
  } finally {
    await handle.close();
  }
  return { events, lines, badLines, contacts, wrapUpContacts, bytes: (await stat(file)).size };
}

/** What the child reported. */
export interface WhatIfRun {
  readonly code: number | null;
  readonly queues: readonly WhatIfQueue[];
  /** From the CLI's summary line. */
  readonly eventsUsed: number;
  readonly badLines: number;
  readonly peakHeld: number;
  readonly maxRssKiB: number;
  readonly seconds: number;
}

/** Step 3: the run against the bound and the week it replayed. */
export function judgeWhatIf(week: WeekSummary, run: WhatIfRun, boundMiB = MAX_RSS_MIB) {
  // Contacts are spread evenly: a horizon holds its share of them, with 10 % to spare.
  const heldBound = Math.ceil((week.contacts * DEFAULT_HORIZON_HOURS * 11) / (DAYS * 24 * 10));
  const peakRssMiB = Math.round((run.maxRssKiB / 1024) * 10) / 10;
  const wrapUps = (side: 'baseline' | 'proposed') =>
    run.queues.reduce((sum, queue) => sum + queue[side].wrapUps, 0);
  const checks = {
    exitedZero: run.code === 0,
    everyEventUsed: run.eventsUsed === week.events,
    everyBadLineCounted: run.badLines === week.badLines,
    everyWrapUpReplayed:
      wrapUps('baseline') === week.wrapUpContacts && wrapUps('proposed') === week.wrapUpContacts,
    heldWithinHorizon: run.peakHeld >= 0 && run.peakHeld <= heldBound,
  };
  const memoryPass = run.maxRssKiB > 0 && peakRssMiB <= boundMiB;
  return {
    peakRssMiB,
    boundMiB,
    fileMiB: Math.round((week.bytes / 1_048_576) * 10) / 10,
    heapMiB: HEAP_MIB,
    peakHeld: run.peakHeld,
    heldBound,
    memoryPass,
    checks,
    pass: memoryPass && Object.values(checks).every(Boolean),
  };
}

/** Reads what the CLI wrote: the result on stdout, its summary and peak RSS on stderr. */
export function parseRun(code: number | null, stdout: string, stderr: string, seconds: number): WhatIfRun {
  const summary = /(\d+) contact events used .*?, (\d+) bad lines.*at most (\d+) contacts held/.exec(stderr);
  const rss = /\{"maxRssKiB":(\d+)\}\s*$/.exec(stderr);
  let queues: WhatIfQueue[] = [];
  try {
    queues = (JSON.parse(stdout) as { queues: WhatIfQueue[] }).queues;
  } catch {
    // Judged as a failed run below: no queues, and the exit code says why.
  }
  return {
    code,
    queues,
    eventsUsed: Number(summary?.[1] ?? -1),
    badLines: Number(summary?.[2] ?? -1),
    peakHeld: Number(summary?.[3] ?? -1),
    maxRssKiB: Number(rss?.[1] ?? 0),
    seconds,
  };
}

/** The job: write the week, run the CLI on it, judge. */
export async function whatIfJob(): Promise<JobResult> {
  const dir = await mkdtemp(join(tmpdir(), 'acw-whatif-bench-'));
  try {
    const file = join(dir, 'week.jsonl');
    const week = await writeWeek(file, { events: WEEK_EVENTS });
    await writeFile(join(dir, 'current.json'), JSON.stringify(WEEK_BASELINE));
    await writeFile(join(dir, 'proposed.json'), JSON.stringify(WEEK_PROPOSED));
    const started = performance.now();
    const child = await runWhatIf([
      '--events',
      file,
      '--config',
      join(dir, 'proposed.json'),
      '--baseline',
      join(dir, 'current.json'),
    ]);
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const run = parseRun(child.code, child.stdout, child.stderr, seconds);
    const judged = judgeWhatIf(week, run);
    const results = {
      what:
        'npm run whatif on a generated week (seeded), in a child process reporting its own peak RSS ' +
        '(process.resourceUsage().maxRSS), its V8 heap bounded (--max-old-space-size); judged: finished, ' +
        'peak RSS <= the bound, contacts held <= a horizon of contacts, every event used, every bad ' +
        'line counted, every contact that reached an agent replayed under both configurations',
      week: { ...week, days: DAYS, seed: SEED },
      ...judged,
      seconds,
      eventsPerSecond: Math.round(week.events / seconds),
      queues: run.queues,
      ...(run.code === 0 ? {} : { stderr: child.stderr.slice(-2_000) }),
    };
    const figures: Figure[] = [
      {
        name: `peak RSS of npm run whatif in a ${HEAP_MIB} MiB heap`,
        value: `${judged.peakRssMiB} MiB (the file: ${judged.fileMiB} MiB)`,
        target: `<= ${MAX_RSS_MIB} MiB`,
        pass: judged.memoryPass,
      },
      {
        name: 'most contacts held at once',
        value: String(run.peakHeld),
        target: `<= ${judged.heldBound} (a ${DEFAULT_HORIZON_HOURS} h horizon of contacts)`,
        pass: judged.checks.heldWithinHorizon,
      },
      {
        name: 'events used / bad lines counted / wrap-ups replayed',
        value: `${run.eventsUsed} of ${week.events} / ${run.badLines} of ${week.badLines} / ${week.wrapUpContacts} contacts`,
        target: 'all',
        pass:
          judged.checks.exitedZero &&
          judged.checks.everyEventUsed &&
          judged.checks.everyBadLineCounted &&
          judged.checks.everyWrapUpReplayed,
      },
      { name: 'time (not judged)', value: `${seconds} s, ${results.eventsPerSecond} events/s` },
    ];
    return {
      results,
      title: `whatif: a generated week of ${week.events} contact events (${week.contacts} contacts, ${week.badLines} bad lines)`,
      figures,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs `npm run whatif` as the bench measures it: in a capped heap, reporting its peak RSS. */
function runWhatIf(args: readonly string[]): Promise<ChildResult> {
  const node = [`--max-old-space-size=${HEAP_MIB}`, '--import', 'tsx', 'bin/whatif.ts'];
  return runChild(process.execPath, [...node, ...args], { WHATIF_REPORT_MAX_RSS: '1' });
}
