/** Issue 13's whatif bench job: the week it generates and how it judges a run (never its timings). */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  judgeWhatIf,
  MAX_RSS_MIB,
  parseRun,
  WEEK_BASELINE,
  WEEK_PROPOSED,
  type WeekSummary,
  type WhatIfRun,
  writeWeek,
} from '../../bench/whatif';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { readContactEvent } from '../../lambda/handlers/events';
import { type WhatIfQueue, WhatIfReplay } from '../../lambda/insight/whatif';

const week: WeekSummary = {
  events: 100_000,
  lines: 100_025,
  badLines: 25,
  contacts: 50_400,
  wrapUpContacts: 48_000,
  bytes: 145_000_000,
};
const figures = (wrapUps: number) => ({
  agentHours: 1,
  systemEndedShare: 0.5,
  extensions: 0,
  wrapUps,
  unmeasured: 0,
});
const queues: WhatIfQueue[] = [
  { queueId: 'a', channel: 'VOICE', baseline: figures(30_000), proposed: figures(30_000) },
  { queueId: 'b', channel: 'CHAT', baseline: figures(18_000), proposed: figures(18_000) },
];
// 50,400 contacts over 7 days: a 24 h horizon holds 7,200, bound 7,920.
const good: WhatIfRun = {
  code: 0,
  queues,
  eventsUsed: 100_000,
  badLines: 25,
  peakHeld: 7_200,
  maxRssKiB: 120 * 1024,
  seconds: 3,
};

describe('issue 13 bench: the whatif run judged', () => {
  it('passes a run within the bound that used every event and replayed every wrap-up', () => {
    const judged = judgeWhatIf(week, good);

    expect(judged).toMatchObject({ peakRssMiB: 120, boundMiB: MAX_RSS_MIB, heldBound: 7_920, pass: true });
  });

  it('passes at the bound, fails above it', () => {
    expect(judgeWhatIf(week, { ...good, maxRssKiB: MAX_RSS_MIB * 1024 }).memoryPass).toBe(true);
    const above = judgeWhatIf(week, { ...good, maxRssKiB: MAX_RSS_MIB * 1024 + 200 });
    expect(above.memoryPass).toBe(false);
    expect(above.pass).toBe(false);
  });

  it.each([
    ['a child that did not report its RSS', { maxRssKiB: 0 }],
    ['a child that failed (out of its heap)', { code: 134 }],
    ['an event not used', { eventsUsed: 99_999 }],
    ['a bad line not counted', { badLines: 24 }],
    [
      'a contact without its wrap-up under one configuration',
      { queues: [queues[0], { ...queues[1], proposed: figures(17_999) }] },
    ],
    ['more contacts held than a horizon brings', { peakHeld: 7_921 }],
    ['a summary line not found', { peakHeld: -1 }],
  ] as const)('fails %s', (_name, change) => {
    expect(judgeWhatIf(week, { ...good, ...change } as WhatIfRun).pass).toBe(false);
  });
});

describe("issue 13 bench: the child's output read", () => {
  it('reads the result, the summary line and the peak RSS line', () => {
    const stderr =
      'whatif: 50% of the file, ...\n' +
      'whatif: 100025 lines read, 100000 contact events used (50000 DISCONNECTED, 50000 COMPLETED), 25 bad lines; ' +
      '48000 contacts with a wrap-up, 46000 of them with the time needed known; 10 duplicates, 0 COMPLETED ' +
      'without their DISCONNECTED; at most 7200 contacts held\n' +
      'whatif: 25 lines of week.jsonl skipped...\n  line 4001: not JSON\n' +
      '{"maxRssKiB":122880}\n';

    const run = parseRun(0, JSON.stringify({ queues }), stderr, 3);

    expect(run).toEqual({ ...good, seconds: 3 });
  });

  it('a run that printed nothing reads as failed', () => {
    const run = parseRun(1, '', 'whatif: failed: boom\n', 1);

    expect(run).toMatchObject({ queues: [], eventsUsed: -1, badLines: -1, peakHeld: -1, maxRssKiB: 0 });
    expect(judgeWhatIf(week, run).pass).toBe(false);
  });
});

describe('issue 13 bench: the generated week', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acw-whatif-week-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes exactly the events asked for, a bad line every 4,000, and says how many contacts reach an agent', async () => {
    const file = join(dir, 'week.jsonl');

    const summary = await writeWeek(file, { events: 9_001 });

    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(summary.lines);
    expect(summary).toMatchObject({ events: 9_001, lines: 9_003, badLines: 2 });
    const replay = new WhatIfReplay(parseAcwConfig(WEEK_BASELINE), parseAcwConfig(WEEK_PROPOSED));
    let bad = 0;
    for (const line of lines) {
      try {
        const raw = JSON.parse(line) as { detail: unknown };
        replay.add(readContactEvent(raw).event, raw.detail);
      } catch {
        bad++;
      }
    }
    const { queues: replayed } = replay.result();
    expect(bad).toBe(2);
    expect(replay.stats.events).toBe(9_001);
    expect(replayed.reduce((sum, queue) => sum + queue.baseline.wrapUps, 0)).toBe(summary.wrapUpContacts);
    expect(replayed.reduce((sum, queue) => sum + queue.proposed.wrapUps, 0)).toBe(summary.wrapUpContacts);
    expect(summary.wrapUpContacts).toBeLessThan(summary.contacts);
  });
});
