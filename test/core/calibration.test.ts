import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agentHoursPerDay,
  DEFAULT_MIN_SAMPLE,
  kaplanMeier,
  outcomeOf,
  quantileOf,
  recommend,
  restrictedMeanSeconds,
  type WrapUpRecord,
} from '../../lambda/core/calibration';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import { closeBySystem, closeSession, type EndReason, openSession } from '../../lambda/core/session';
import { Random } from '../../sim/random';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A wrap-up started `minute` minutes after T0 that lasted `seconds` and ended for `reason`. */
function wrapUp(
  minute: number,
  seconds: number | null,
  reason: EndReason | null,
  window: { seconds: number; extensionsUsed?: number; extensionSeconds?: number } | null = { seconds: 60 },
  where: { queueId?: string | null; channel?: string } = {},
): WrapUpRecord {
  const start = T0 + minute * 60_000;
  const extensions = window?.extensionsUsed ?? 0;
  return {
    queueId: where.queueId === undefined ? 'q-billing' : where.queueId,
    channel: where.channel ?? 'VOICE',
    startedAt: iso(start),
    endedAt: seconds === null ? null : iso(start + seconds * 1000),
    endReason: reason,
    deadline:
      window === null
        ? null
        : iso(start + (window.seconds + extensions * (window.extensionSeconds ?? 10)) * 1000),
    extensionsUsed: extensions,
  };
}

/**
 * The hand-computed fixture: 10 wrap-ups that enter the estimate (3 censored), 2 that say nothing
 * of the time needed, 1 still open. The current window is 60 s (the latest, open, wrap-up's); the
 * earliest had 50 s (the policy was changed since).
 *
 *   time (s) | at risk | finished | censored            | S(t)
 *   ---------+---------+----------+---------------------+----------------------------------
 *      10    |   10    |    1     |                     | 9/10             = 0.9
 *      20    |    9    |    1     | 1 (INTERRUPTED)     | 0.9 x 8/9        = 0.8
 *      30    |    7    |    1     |                     | 0.8 x 6/7        = 0.685714
 *      40    |    6    |    2     |                     | 0.685714 x 4/6   = 0.457143  <- median
 *      50    |    4    |    0     | 1 (TIMER)           |
 *      60    |    3    |    1     |                     | 0.457143 x 2/3   = 0.304762
 *      70    |    2    |    0     | 1 (TIMER, extended) |
 *      80    |    1    |    1     |                     | 0                           <- p80
 *
 * Held time per contact with a window w is the area under S up to w:
 *   w = 40: 10 x 1 + 10 x 0.9 + 10 x 0.8 + 10 x 0.685714 = 33.857143 s
 *   w = 60: 33.857143 + 20 x 0.457143                     = 43 s
 * so the median instead of 60 s frees 9.142857 s a contact; the starts span 13 minutes, which
 * counts as one day of 10 contacts: -91.43 s a day = -0.0254 agent hours a day.
 */
const FIXTURE: WrapUpRecord[] = [
  wrapUp(0, 50, 'TIMER', { seconds: 50 }),
  wrapUp(1, 10, 'AGENT_DONE'),
  wrapUp(2, 20, 'AGENT_DONE'),
  wrapUp(3, 20, 'INTERRUPTED'),
  wrapUp(4, 30, 'STATUS_CHANGED'),
  wrapUp(5, 40, 'AGENT_DONE'),
  wrapUp(6, 40, 'OUTBOUND'),
  wrapUp(7, 60, 'AGENT_DONE', { seconds: 60, extensionsUsed: 1, extensionSeconds: 30 }),
  wrapUp(8, 70, 'TIMER', { seconds: 60, extensionsUsed: 1, extensionSeconds: 10 }),
  wrapUp(9, 80, 'AGENT_DONE', { seconds: 60, extensionsUsed: 1, extensionSeconds: 30 }),
  wrapUp(10, 60, 'LATE_EVENT'),
  wrapUp(11, 60, 'AGENT_OFFLINE'),
  wrapUp(13, null, null),
];

const fixtureEnds = FIXTURE.flatMap((record) => {
  if (!record.endedAt || !record.endReason || outcomeOf(record.endReason) === 'excluded') return [];
  return [
    {
      seconds: (Date.parse(record.endedAt) - Date.parse(record.startedAt)) / 1000,
      observed: outcomeOf(record.endReason) === 'observed',
    },
  ];
});

describe('R22: what each end says about the time the agent needed', () => {
  it.each([
    ['AGENT_DONE', 'observed'],
    ['STATUS_CHANGED', 'observed'],
    ['OUTBOUND', 'observed'],
    ['TIMER', 'censored'],
    ['SWEEP', 'censored'],
    ['KILL_SWITCH', 'censored'],
    ['INTERRUPTED', 'censored'],
    ['LATE_EVENT', 'excluded'],
    ['AGENT_OFFLINE', 'excluded'],
  ] as const)('R22: a wrap-up ended %s is %s', (reason, outcome) => {
    expect(outcomeOf(reason)).toBe(outcome);
  });
});

describe('R22: the Kaplan-Meier arithmetic, against the hand-computed fixture', () => {
  it('R22: the survival curve has one step per time an agent finished, censored times at risk at their second', () => {
    const curve = kaplanMeier(fixtureEnds);

    expect(curve.map(({ seconds, atRisk, ended }) => [seconds, atRisk, ended])).toEqual([
      [10, 10, 1],
      [20, 9, 1],
      [30, 7, 1],
      [40, 6, 2],
      [60, 3, 1],
      [80, 1, 1],
    ]);
    const survival = curve.map((step) => step.survival);
    [0.9, 0.8, 0.685714, 0.457143, 0.304762, 0].forEach((expected, index) => {
      expect(survival[index]).toBeCloseTo(expected, 6);
    });
  });

  it('R22: the median is the first time the curve is at or below one half, p80 at or below one fifth', () => {
    const curve = kaplanMeier(fixtureEnds);

    expect(quantileOf(curve, 0.5)).toBe(40);
    expect(quantileOf(curve, 0.8)).toBe(80);
  });

  it('R22: a quantile the curve never falls to cannot be estimated (null)', () => {
    // 4 finished at 10-40 s, 2 still wrapping up at 50 s: the curve stops at 2/6.
    const curve = kaplanMeier([
      { seconds: 10, observed: true },
      { seconds: 20, observed: true },
      { seconds: 30, observed: true },
      { seconds: 40, observed: true },
      { seconds: 50, observed: false },
      { seconds: 50, observed: false },
    ]);

    expect(quantileOf(curve, 0.5)).toBe(30);
    expect(quantileOf(curve, 0.8)).toBeNull();
  });

  it('R22: the held time per contact under a window is the area under the curve up to it', () => {
    const curve = kaplanMeier(fixtureEnds);

    expect(restrictedMeanSeconds(curve, 40)).toBeCloseTo(33.857143, 5);
    expect(restrictedMeanSeconds(curve, 60)).toBeCloseTo(43, 9);
    expect(restrictedMeanSeconds(curve, 0)).toBe(0);
    // Past the last finish nobody is left: a longer window holds nobody longer.
    expect(restrictedMeanSeconds(curve, 120)).toBeCloseTo(restrictedMeanSeconds(curve, 80), 9);
    expect(agentHoursPerDay(curve, 60, 40, 10)).toBeCloseTo((-9.142857 * 10) / 3600, 6);
  });

  it('R22: the fixture gives its queue and channel the hand-computed recommendation', () => {
    expect(recommend(FIXTURE, { minSample: 10 })).toEqual([
      {
        queueId: 'q-billing',
        channel: 'VOICE',
        // Every session (13); those the timer ended (2). The estimate used 10 (3 of them censored).
        sampleSize: 13,
        censored: 2,
        medianSeconds: 40,
        p80Seconds: 80,
        currentSeconds: 60,
        agentHoursPerDayChange: -0.025,
        withheld: false,
        reason: null,
      },
    ]);
  });

  it('R22: contacts a day come from the period: half a day of the same contacts doubles the change', () => {
    const [recommendation] = recommend(FIXTURE, { minSample: 10, periodDays: 0.5 });

    expect(recommendation?.agentHoursPerDayChange).toBe(-0.051);
  });
});

describe('R22: groups and the current window', () => {
  it('R22: one recommendation per queue and channel, by queue then channel, outbound (no queue) last', () => {
    const records = [
      wrapUp(0, 30, 'AGENT_DONE', { seconds: 60 }, { queueId: null, channel: 'VOICE' }),
      wrapUp(1, 30, 'AGENT_DONE', { seconds: 60 }, { queueId: 'q-b', channel: 'VOICE' }),
      wrapUp(2, 30, 'AGENT_DONE', { seconds: 60 }, { queueId: 'q-a', channel: 'VOICE' }),
      wrapUp(3, 30, 'AGENT_DONE', { seconds: 60 }, { queueId: 'q-a', channel: 'CHAT' }),
      wrapUp(4, 30, 'TIMER', { seconds: 30 }, { queueId: 'q-a', channel: 'CHAT' }),
    ];

    const result = recommend(records, { minSample: 1 });

    expect(result.map((r) => [r.queueId, r.channel, r.sampleSize, r.censored])).toEqual([
      ['q-a', 'CHAT', 2, 1],
      ['q-a', 'VOICE', 1, 0],
      ['q-b', 'VOICE', 1, 0],
      [null, 'VOICE', 1, 0],
    ]);
  });

  it("R22: the current window is the latest wrap-up's, skipping extended ones whose deadline moved", () => {
    const records = [
      wrapUp(0, 30, 'AGENT_DONE', { seconds: 120 }),
      wrapUp(1, 30, 'AGENT_DONE', { seconds: 90 }),
      wrapUp(2, 100, 'AGENT_DONE', { seconds: 90, extensionsUsed: 1, extensionSeconds: 60 }),
    ];

    expect(recommend(records, { minSample: 1 })[0]?.currentSeconds).toBe(90);
  });

  it("R22: a policy's durationSeconds, where the record has it, is the window", () => {
    const records: WrapUpRecord[] = [
      { ...wrapUp(0, 30, 'AGENT_DONE', { seconds: 150, extensionsUsed: 1, extensionSeconds: 60 }) },
      {
        ...wrapUp(1, 30, 'AGENT_DONE', { seconds: 150, extensionsUsed: 1, extensionSeconds: 60 }),
        policy: { durationSeconds: 150, mode: 'timed' },
      },
    ];

    expect(recommend(records, { minSample: 1 })[0]?.currentSeconds).toBe(150);
  });

  it('R22: untimed wrap-ups are estimated like the others, but have no current window and no hours change', () => {
    const records = Array.from({ length: 30 }, (_, index) => wrapUp(index, 20 + index, 'AGENT_DONE', null));

    const [recommendation] = recommend(records);

    expect(recommendation).toMatchObject({
      sampleSize: 30,
      censored: 0,
      medianSeconds: 34,
      currentSeconds: null,
      agentHoursPerDayChange: null,
      withheld: false,
    });
  });

  it('R22: sessions read from the table (core Session) are accepted as they are', () => {
    const policy = { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 45 };
    const opened = (minute: number) =>
      openSession({
        contactId: `c-${minute}`,
        agentId: 'agent-1',
        instanceArn: 'arn:aws:connect:eu-west-2:111122223333:instance/abc',
        channel: 'CHAT',
        queueId: 'q-chat',
        policy,
        policySource: 'default',
        startedAt: new Date(T0 + minute * 60_000),
        now: new Date(T0 + minute * 60_000),
      });
    const done = closeSession(opened(0), {
      at: new Date(T0 + 20_000),
      reason: 'AGENT_DONE',
      by: 'agent:agent-1',
      systemWrapUp: false,
      restore: 'PENDING',
    });
    const timedOut = closeBySystem(opened(1), new Date(T0 + 60_000 + 45_000), 'TIMER');

    expect(recommend([done, timedOut, opened(2)], { minSample: 2 })).toEqual([
      expect.objectContaining({
        queueId: 'q-chat',
        channel: 'CHAT',
        sampleSize: 3,
        censored: 1,
        medianSeconds: 20,
        currentSeconds: 45,
      }),
    ]);
  });
});

describe('R22: a recommendation is withheld when the data cannot support it', () => {
  it(`R22: below the minimum sample (default ${DEFAULT_MIN_SAMPLE}) it is withheld, saying how many there were`, () => {
    const [recommendation] = recommend(FIXTURE);

    expect(recommendation).toMatchObject({
      sampleSize: 13,
      censored: 2,
      medianSeconds: null,
      p80Seconds: null,
      currentSeconds: 60,
      agentHoursPerDayChange: null,
      withheld: true,
    });
    expect(recommendation?.reason).toBe(
      'only 10 ended wrap-ups say how long the agent needed (of 13 sessions); at least 30 are needed',
    );
  });

  it('R22: the minimum sample is configurable: at exactly the minimum it is given', () => {
    expect(recommend(FIXTURE, { minSample: 11 })[0]?.withheld).toBe(true);
    expect(recommend(FIXTURE, { minSample: 10 })[0]?.withheld).toBe(false);
  });

  it('R22: more than half censored withholds it (the median cannot be estimated); exactly half does not', () => {
    const half = [
      ...Array.from({ length: 15 }, (_, index) => wrapUp(index, 10 + index, 'AGENT_DONE')),
      ...Array.from({ length: 15 }, (_, index) => wrapUp(15 + index, 60, 'TIMER')),
    ];
    const moreThanHalf = [...half, wrapUp(30, 60, 'TIMER')];

    expect(recommend(half)[0]).toMatchObject({ withheld: false, medianSeconds: 24, censored: 15 });
    const [withheld] = recommend(moreThanHalf);
    expect(withheld).toMatchObject({ withheld: true, sampleSize: 31, censored: 16, medianSeconds: null });
    expect(withheld?.reason).toContain('16 of 31 wrap-ups were ended by the system');
  });

  it('R22: the median can be estimated exactly when at most half the wrap-ups are censored', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ seconds: fc.integer({ min: 0, max: 6 }), observed: fc.boolean() }), {
          minLength: 1,
          maxLength: 12,
        }),
        (ends) => {
          const censored = ends.filter((end) => !end.observed).length;
          const median = quantileOf(kaplanMeier(ends), 0.5);
          if (censored * 2 <= ends.length) expect(median).not.toBeNull();
          if (censored === ends.length) expect(median).toBeNull();
        },
      ),
      { seed: 22, numRuns: 500 },
    );
  });

  it('R22: open wrap-ups, late events and agents gone offline count in sampleSize, not in the estimate', () => {
    const records = [
      wrapUp(0, 30, 'AGENT_DONE'),
      wrapUp(1, null, null),
      wrapUp(2, 60, 'LATE_EVENT'),
      wrapUp(3, 60, 'AGENT_OFFLINE'),
    ];

    expect(recommend(records, { minSample: 1 })[0]).toMatchObject({
      sampleSize: 4,
      censored: 0,
      medianSeconds: 30,
    });
    // One usable wrap-up: below a minimum of 2, whatever the sessions' count.
    expect(recommend(records, { minSample: 2 })[0]?.reason).toContain('only 1 ended wrap-ups say how long');
  });

  it('R22: a minimum sample below 1, or a period of no days, is refused', () => {
    expect(() => recommend(FIXTURE, { minSample: 0 })).toThrow('minSample must be a whole number');
    expect(() => recommend(FIXTURE, { minSample: 2.5 })).toThrow('minSample must be a whole number');
    expect(() => recommend(FIXTURE, { periodDays: 0 })).toThrow('periodDays must be more than 0');
  });
});

/** How the generated wrap-ups were held. */
interface Floor {
  /** The window, changed at equal intervals over the period (60 then 120: raised half-way). */
  readonly windows: readonly number[];
  /** The share of agents who, needing more than the window, extend once (by 60 s). */
  readonly extendShare: number;
  /** The share of wrap-ups a contact interrupts, at a random moment of the window. */
  readonly interruptShare: number;
}

/** The window was 60 s for the first half of the period, then 120 s: about 41 % end up censored. */
const RAISED_WINDOW: Floor = { windows: [60, 120], extendShare: 0.25, interruptShare: 0.05 };

/**
 * Generated wrap-ups whose needed time is known: lognormal, median 80 s and sigma 0.6 (so the
 * true p80 is 80 x e^(0.6 x 0.8416) = 132.6 s). The agent ends the wrap-up when done, unless the
 * timer (at the deadline) or an interrupting contact ends it first.
 */
function generated(
  seed: number,
  count: number,
  floor: Floor,
): { records: WrapUpRecord[]; agentEnded: number[] } {
  const random = new Random(seed);
  const records: WrapUpRecord[] = [];
  const agentEnded: number[] = [];
  for (let index = 0; index < count; index++) {
    // Box-Muller: a standard normal from two uniforms.
    const normal = Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
    const needed = 80 * Math.exp(0.6 * normal);
    const window = floor.windows[Math.floor((index * floor.windows.length) / count)] ?? 0;
    const extended = needed > window && random.chance(floor.extendShare);
    const deadline = window + (extended ? 60 : 0);
    const interruptedAt = random.chance(floor.interruptShare)
      ? random.float() * window
      : Number.POSITIVE_INFINITY;
    let seconds: number;
    let reason: EndReason;
    if (interruptedAt < Math.min(needed, deadline)) [seconds, reason] = [interruptedAt, 'INTERRUPTED'];
    else if (needed <= deadline) [seconds, reason] = [needed, 'AGENT_DONE'];
    else [seconds, reason] = [deadline, 'TIMER'];
    const start = T0 + index * 60_000;
    records.push({
      queueId: 'q-claims',
      channel: 'VOICE',
      startedAt: iso(start),
      endedAt: iso(start + Math.round(seconds * 1000)),
      endReason: reason,
      deadline: iso(start + deadline * 1000),
      extensionsUsed: extended ? 1 : 0,
    });
    if (reason === 'AGENT_DONE') agentEnded.push(Math.round(seconds * 1000) / 1000);
  }
  return { records, agentEnded };
}

function plainMedian(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
}

const TRUE_MEDIAN = 80;
const TRUE_P80 = 80 * Math.exp(0.6 * 0.8416);

describe('R22: on generated wrap-ups whose needed times are known, with heavy censoring', () => {
  it.each([1, 2, 3, 4, 5])(
    'R22: seed %i: the Kaplan-Meier median is within 5 % of the true median; plain medians are more than 15 % off',
    (seed) => {
      const { records, agentEnded } = generated(seed, 2000, RAISED_WINDOW);
      const durations = records.map(
        (record) => (Date.parse(record.endedAt ?? '') - Date.parse(record.startedAt)) / 1000,
      );

      const [recommendation] = recommend(records);

      expect(recommendation?.withheld).toBe(false);
      const censoredShare = (recommendation?.censored ?? 0) / (recommendation?.sampleSize ?? 1);
      // Those the timer ended, of every session (interruptions are censored too, not counted here).
      expect(censoredShare).toBeGreaterThan(0.35);
      expect(censoredShare).toBeLessThanOrEqual(0.5);
      expect(Math.abs((recommendation?.medianSeconds ?? 0) - TRUE_MEDIAN) / TRUE_MEDIAN).toBeLessThan(0.05);
      expect(Math.abs((recommendation?.p80Seconds ?? 0) - TRUE_P80) / TRUE_P80).toBeLessThan(0.1);
      // Every wrap-up's time, and only the agent-ended ones': both pulled down by the windows.
      expect((TRUE_MEDIAN - plainMedian(durations)) / TRUE_MEDIAN).toBeGreaterThan(0.15);
      expect((TRUE_MEDIAN - plainMedian(agentEnded)) / TRUE_MEDIAN).toBeGreaterThan(0.15);
      expect(recommendation?.currentSeconds).toBe(120);
      // The median (about 80 s) instead of 120 s frees agent time.
      expect(recommendation?.agentHoursPerDayChange).toBeLessThan(0);
    },
  );

  it('R22: a window shorter than the true median (70 s, about 59 % censored) withholds the recommendation instead of guessing', () => {
    // A 70 s window, no extensions, no interruptions: the timer ends every wrap-up still going at 70 s.
    const { records } = generated(6, 2000, { windows: [70], extendShare: 0, interruptShare: 0 });

    const [recommendation] = recommend(records);

    expect(recommendation?.censored ?? 0).toBeGreaterThan(1100);
    expect(recommendation?.censored ?? 0).toBeLessThan(1250);
    expect(recommendation).toMatchObject({ withheld: true, medianSeconds: null, currentSeconds: 70 });
  });
});
