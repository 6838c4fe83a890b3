import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeNeeded,
  encodeNeeded,
  tallyFromItem,
  tallyItem,
} from '../../lambda/adapters/dynamo-report-store';
import { recommend, type WrapUpRecord } from '../../lambda/core/calibration';
import {
  agentCellsOf,
  distributionOf,
  GROUP_BYS,
  type GroupBy,
  planRange,
  type QueueCell,
  queueCellsOf,
  type ReportSession,
  type RowNames,
  recommendationsOf,
  reportCsv,
  reportRows,
} from '../../lambda/core/reports';
import type { EndReason } from '../../lambda/core/session';

const iso = (ms: number) => new Date(ms).toISOString();

/** A complete session: started at `start`, lasting `seconds`, ended for `reason`. */
function s(
  agentId: string,
  queueId: string | null,
  channel: string,
  start: string,
  seconds: number,
  reason: EndReason,
  more: { systemWrapUp?: boolean; extensionsUsed?: number; window?: number | null } = {},
): ReportSession {
  const started = Date.parse(start);
  const window = more.window === undefined ? 60 : more.window;
  return {
    agentId,
    queueId,
    channel,
    startedAt: iso(started),
    endedAt: iso(started + seconds * 1000),
    endReason: reason,
    systemWrapUp: more.systemWrapUp ?? false,
    extensionsUsed: more.extensionsUsed ?? 0,
    policy:
      window === null ? { durationSeconds: 60, mode: 'untimed' } : { durationSeconds: window, mode: 'timed' },
  };
}

/**
 * The hand-computed fixture: 8 sessions over two UTC days.
 *
 *   id | agent | queue     | channel | day   | took   | end            | system | ext | window
 *   ---+-------+-----------+---------+-------+--------+----------------+--------+-----+-------
 *   S1 | a-1   | q-billing | VOICE   | 03-02 | 30     | AGENT_DONE     |        | 0   | 60
 *   S2 | a-1   | q-billing | VOICE   | 03-02 | 60     | TIMER          | yes    | 0   | 60
 *   S3 | a-2   | q-billing | VOICE   | 03-02 | 45.5   | STATUS_CHANGED |        | 0   | 60
 *   S4 | a-2   | q-billing | VOICE   | 03-02 | 90     | TIMER          | yes    | 1   | 60
 *   S5 | a-2   | q-billing | CHAT    | 03-02 | 20     | AGENT_DONE     |        | 0   | 120
 *   S6 | a-1   | (none)    | VOICE   | 03-02 | 5      | LATE_EVENT     |        | 0   | 60
 *   S7 | a-1   | q-billing | VOICE   | 03-03 | 40     | AGENT_DONE     |        | 0   | 45
 *   S8 | a-2   | q-sales   | VOICE   | 03-03 | 100    | SWEEP          | yes    | 2   | 60
 *
 * Needed times are whole seconds (S3: 45); TIMER and SWEEP are censored, LATE_EVENT says nothing.
 */
const FIXTURE: readonly ReportSession[] = [
  s('a-1', 'q-billing', 'VOICE', '2026-03-02T09:00:00Z', 30, 'AGENT_DONE'),
  s('a-1', 'q-billing', 'VOICE', '2026-03-02T09:10:00Z', 60, 'TIMER', { systemWrapUp: true }),
  s('a-2', 'q-billing', 'VOICE', '2026-03-02T09:20:00Z', 45.5, 'STATUS_CHANGED'),
  s('a-2', 'q-billing', 'VOICE', '2026-03-02T09:30:00Z', 90, 'TIMER', {
    systemWrapUp: true,
    extensionsUsed: 1,
  }),
  s('a-2', 'q-billing', 'CHAT', '2026-03-02T09:40:00Z', 20, 'AGENT_DONE', { window: 120 }),
  s('a-1', null, 'VOICE', '2026-03-02T09:50:00Z', 5, 'LATE_EVENT'),
  s('a-1', 'q-billing', 'VOICE', '2026-03-03T08:00:00Z', 40, 'AGENT_DONE', { window: 45 }),
  s('a-2', 'q-sales', 'VOICE', '2026-03-03T08:05:00Z', 100, 'SWEEP', {
    systemWrapUp: true,
    extensionsUsed: 2,
  }),
];

const NAMES: RowNames = {
  queues: new Map([
    ['q-billing', 'Billing'],
    ['q-sales', 'Sales'],
  ]),
  agents: new Map([['a-1', 'Ada One']]),
};

const cells = (sessions: readonly ReportSession[]) => ({
  queues: queueCellsOf(sessions),
  agents: agentCellsOf(sessions),
});

describe('reportRows: the report arithmetic on the hand-computed fixture (issue 13, R22)', () => {
  it('R22: groupBy=queue: totals, the seeds average, KM median and p80 with censored timer ends, no queue last', () => {
    const rows = reportRows('queue', cells(FIXTURE), NAMES);
    expect(rows).toEqual([
      {
        // S1-S5, S7: 30 + 60 + 45.5 + 90 + 20 + 40 = 285.5 s over 6 contacts = 47.58 s.
        // KM (n=6): 20 -> 5/6; 30 -> 4/6; 40 -> 3/6 = 0.5 (median 40); 45 -> 2/6; then 60 and 90
        // censored: the curve never reaches 0.2, so p80 is null.
        queueId: 'q-billing',
        queueName: 'Billing',
        contacts: 6,
        totalWrapUpSeconds: 285.5,
        averageWrapUpSeconds: 47.6,
        medianNeededSeconds: 40,
        p80NeededSeconds: null,
        extensionsPerContact: 0.167, // 1 / 6
        systemEndedShare: 0.333, // S2, S4: 2 / 6
      },
      {
        // S8 only, censored: no step, no median.
        queueId: 'q-sales',
        queueName: 'Sales',
        contacts: 1,
        totalWrapUpSeconds: 100,
        averageWrapUpSeconds: 100,
        medianNeededSeconds: null,
        p80NeededSeconds: null,
        extensionsPerContact: 2,
        systemEndedShare: 1,
      },
      {
        // S6: its wrap-up time counts; a late event says nothing of the time needed.
        queueId: null,
        queueName: null,
        contacts: 1,
        totalWrapUpSeconds: 5,
        averageWrapUpSeconds: 5,
        medianNeededSeconds: null,
        p80NeededSeconds: null,
        extensionsPerContact: 0,
        systemEndedShare: 0,
      },
    ]);
  });

  it('R22: groupBy=channel', () => {
    expect(reportRows('channel', cells(FIXTURE), NAMES)).toEqual([
      {
        // S5: 20 s, the only one, seen to end: median and p80 are 20.
        channel: 'CHAT',
        contacts: 1,
        totalWrapUpSeconds: 20,
        averageWrapUpSeconds: 20,
        medianNeededSeconds: 20,
        p80NeededSeconds: 20,
        extensionsPerContact: 0,
        systemEndedShare: 0,
      },
      {
        // S1-S4, S6-S8: 30 + 60 + 45.5 + 90 + 5 + 40 + 100 = 370.5 s / 7 = 52.93 s.
        // KM (n=6, S6 left out): 30 -> 5/6; 40 -> 4/6; 45 -> 3/6 (median 45); 60, 90, 100 censored.
        channel: 'VOICE',
        contacts: 7,
        totalWrapUpSeconds: 370.5,
        averageWrapUpSeconds: 52.9,
        medianNeededSeconds: 45,
        p80NeededSeconds: null,
        extensionsPerContact: 0.429, // (1 + 2) / 7
        systemEndedShare: 0.429, // S2, S4, S8: 3 / 7
      },
    ]);
  });

  it('R22: groupBy=day', () => {
    expect(reportRows('day', cells(FIXTURE), NAMES)).toEqual([
      {
        // S1-S6: 30 + 60 + 45.5 + 90 + 20 + 5 = 250.5 s / 6 = 41.75 s.
        // KM (n=5): 20 -> 4/5; 30 -> 3/5; 45 -> 2/5 (median 45); 60, 90 censored.
        day: '2026-03-02',
        contacts: 6,
        totalWrapUpSeconds: 250.5,
        averageWrapUpSeconds: 41.8,
        medianNeededSeconds: 45,
        p80NeededSeconds: null,
        extensionsPerContact: 0.167,
        systemEndedShare: 0.333,
      },
      {
        // S7, S8: 140 s / 2. KM (n=2): 40 -> 1/2 (median 40); 100 censored.
        day: '2026-03-03',
        contacts: 2,
        totalWrapUpSeconds: 140,
        averageWrapUpSeconds: 70,
        medianNeededSeconds: 40,
        p80NeededSeconds: null,
        extensionsPerContact: 1,
        systemEndedShare: 0.5,
      },
    ]);
  });

  it('R22: groupBy=agent, with the names the directory has (none for a-2)', () => {
    expect(reportRows('agent', cells(FIXTURE), NAMES)).toEqual([
      {
        // S1, S2, S6, S7: 135 s / 4 = 33.75 s. KM (n=3): 30 -> 2/3; 40 -> 1/3 (median 40); 60 censored.
        agentId: 'a-1',
        agentName: 'Ada One',
        contacts: 4,
        totalWrapUpSeconds: 135,
        averageWrapUpSeconds: 33.8,
        medianNeededSeconds: 40,
        p80NeededSeconds: null,
        extensionsPerContact: 0,
        systemEndedShare: 0.25,
      },
      {
        // S3, S4, S5, S8: 255.5 s / 4 = 63.875 s. KM (n=4): 20 -> 3/4; 45 -> 2/4 (median 45); 90, 100 censored.
        agentId: 'a-2',
        agentName: null,
        contacts: 4,
        totalWrapUpSeconds: 255.5,
        averageWrapUpSeconds: 63.9,
        medianNeededSeconds: 45,
        p80NeededSeconds: null,
        extensionsPerContact: 0.75,
        systemEndedShare: 0.5,
      },
    ]);
  });

  it('R22: p80 is the first time the curve is at or below 0.2 when enough agents are seen to finish', () => {
    // 10, 20, 30, 40, 50 all seen: S = 0.8, 0.6, 0.4, 0.2, 0 -> median 30, p80 40.
    const sessions = [10, 20, 30, 40, 50].map((seconds, i) =>
      s('a-1', 'q-1', 'VOICE', `2026-03-02T09:0${i}:00Z`, seconds, 'AGENT_DONE'),
    );
    const [row] = reportRows('queue', cells(sessions), NAMES);
    expect(row).toMatchObject({ medianNeededSeconds: 30, p80NeededSeconds: 40 });
  });
});

describe('reportCsv (RFC 4180)', () => {
  it('has a header of the JSON fields, CRLF line ends, empty fields for null, quotes where needed', () => {
    const names: RowNames = { queues: new Map([['q-billing', 'Billing, "VIP"\nline 2']]), agents: new Map() };
    const rows = reportRows('queue', cells(FIXTURE.filter((x) => x.queueId !== 'q-sales')), names);
    expect(reportCsv('queue', rows)).toBe(
      'queueId,queueName,contacts,totalWrapUpSeconds,averageWrapUpSeconds,medianNeededSeconds,p80NeededSeconds,extensionsPerContact,systemEndedShare\r\n' +
        'q-billing,"Billing, ""VIP""\nline 2",6,285.5,47.6,40,,0.167,0.333\r\n' +
        ',,1,5,5,,,0,0\r\n',
    );
  });

  it('has the same columns as the JSON rows, in order, for every groupBy', () => {
    for (const groupBy of GROUP_BYS) {
      const rows = reportRows(groupBy, cells(FIXTURE), NAMES);
      const [header] = reportCsv(groupBy, rows).split('\r\n');
      expect(header?.split(',')).toEqual(Object.keys(rows[0] ?? {}));
    }
  });

  it('is a header alone when there are no rows', () => {
    expect(reportCsv('day', [])).toBe(
      'day,contacts,totalWrapUpSeconds,averageWrapUpSeconds,medianNeededSeconds,p80NeededSeconds,extensionsPerContact,systemEndedShare\r\n',
    );
  });
});

describe('distributionOf (the Insights chart)', () => {
  it('R22: q-billing VOICE: buckets of ended and censored, the KM steps, the current window and the days', () => {
    const voice = queueCellsOf(FIXTURE).filter((c) => c.queueId === 'q-billing' && c.channel === 'VOICE');
    const distribution = distributionOf(voice);
    // Needed: 30, 45, 40 seen; 60, 90 censored. The longest is 90: 91 one-second buckets are more
    // than 60, so 2-second buckets, 0 to 92.
    expect(distribution.bucketSeconds).toBe(2);
    expect(distribution.buckets).toHaveLength(46);
    expect(distribution.buckets.filter((b) => b.ended + b.censored > 0)).toEqual([
      { fromSeconds: 30, toSeconds: 32, ended: 1, censored: 0 },
      { fromSeconds: 40, toSeconds: 42, ended: 1, censored: 0 },
      { fromSeconds: 44, toSeconds: 46, ended: 1, censored: 0 },
      { fromSeconds: 60, toSeconds: 62, ended: 0, censored: 1 },
      { fromSeconds: 90, toSeconds: 92, ended: 0, censored: 1 },
    ]);
    // KM (n=5): 30 -> 4/5; 40 -> 4/5 x 3/4 = 0.6; 45 -> 0.6 x 2/3 = 0.4.
    expect(distribution.survival).toEqual([
      { seconds: 30, survival: 0.8 },
      { seconds: 40, survival: 0.6 },
      { seconds: 45, survival: 0.4 },
    ]);
    expect(distribution).toMatchObject({
      contacts: 5,
      medianNeededSeconds: 45,
      p80NeededSeconds: null,
      // S7 is the latest: its policy's 45 s.
      currentSeconds: 45,
      days: [
        // S1-S4: 225.5 s / 4 = 56.375 s.
        { day: '2026-03-02', contacts: 4, averageWrapUpSeconds: 56.4 },
        { day: '2026-03-03', contacts: 1, averageWrapUpSeconds: 40 },
      ],
    });
  });

  it('is empty, with no window, for no sessions', () => {
    expect(distributionOf([])).toEqual({
      contacts: 0,
      bucketSeconds: 1,
      buckets: [],
      survival: [],
      medianNeededSeconds: null,
      p80NeededSeconds: null,
      currentSeconds: null,
      days: [],
    });
  });
});

describe('recommendationsOf: the contract of npm run recommend, from the histograms (R22)', () => {
  it('R22: the fixture with a minimum sample of 3 over 2 days', () => {
    expect(recommendationsOf(queueCellsOf(FIXTURE), 3, 2)).toEqual([
      {
        queueId: 'q-billing',
        channel: 'CHAT',
        sampleSize: 1,
        censored: 0,
        medianSeconds: null,
        p80Seconds: null,
        currentSeconds: 120,
        agentHoursPerDayChange: null,
        withheld: true,
        reason: 'only 1 ended wrap-ups say how long the agent needed (of 1 sessions); at least 3 are needed',
      },
      {
        // S1-S4, S7: median 45 (see the distribution test); the window is already 45 s: no change.
        queueId: 'q-billing',
        channel: 'VOICE',
        sampleSize: 5,
        censored: 2,
        medianSeconds: 45,
        p80Seconds: null,
        currentSeconds: 45,
        agentHoursPerDayChange: 0,
        withheld: false,
        reason: null,
      },
      {
        // A SWEEP end is censored in the estimate but is not counted as `censored` (the timer's).
        queueId: 'q-sales',
        channel: 'VOICE',
        sampleSize: 1,
        censored: 0,
        medianSeconds: null,
        p80Seconds: null,
        currentSeconds: 60,
        agentHoursPerDayChange: null,
        withheld: true,
        reason: 'only 1 ended wrap-ups say how long the agent needed (of 1 sessions); at least 3 are needed',
      },
      {
        queueId: null,
        channel: 'VOICE',
        sampleSize: 1,
        censored: 0,
        medianSeconds: null,
        p80Seconds: null,
        currentSeconds: 60,
        agentHoursPerDayChange: null,
        withheld: true,
        reason: 'only 0 ended wrap-ups say how long the agent needed (of 1 sessions); at least 3 are needed',
      },
    ]);
  });
});

/** Sessions of whole seconds, distinct start times over three days, a few queues, agents and channels. */
const sessionsArbitrary = fc
  .array(
    fc.record({
      agent: fc.constantFrom('a-1', 'a-2', 'a-3'),
      queue: fc.constantFrom('q-1', 'q-2', null),
      channel: fc.constantFrom('VOICE', 'CHAT'),
      seconds: fc.integer({ min: 0, max: 200 }),
      reason: fc.constantFrom<EndReason>(
        'AGENT_DONE',
        'STATUS_CHANGED',
        'TIMER',
        'SWEEP',
        'INTERRUPTED',
        'LATE_EVENT',
        'AGENT_OFFLINE',
      ),
      extensions: fc.integer({ min: 0, max: 2 }),
      window: fc.constantFrom(30, 60, 90, null),
    }),
    { maxLength: 120 },
  )
  .map((drawn) =>
    drawn.map((d, i) =>
      s(
        d.agent,
        d.queue,
        d.channel,
        iso(Date.parse('2026-03-01T00:00:00Z') + i * 2_111_000),
        d.seconds,
        d.reason,
        {
          systemWrapUp: d.reason === 'TIMER' || d.reason === 'SWEEP',
          extensionsUsed: d.extensions,
          window: d.window,
        },
      ),
    ),
  );

/** The cells of `sessions` split into `parts` batches (roll-ups of different runs), stored and read back. */
function rolledUp(sessions: readonly ReportSession[], cuts: readonly number[]) {
  const bounds = [...new Set([0, ...cuts.map((c) => c % (sessions.length + 1)), sessions.length])].sort(
    (a, b) => a - b,
  );
  const through = <T extends { tally: QueueCell['tally'] }>(cell: T): T => ({
    ...cell,
    tally: tallyFromItem(tallyItem(cell.tally)),
  });
  const queues = [];
  const agents = [];
  for (let i = 1; i < bounds.length; i++) {
    const part = sessions.slice(bounds[i - 1], bounds[i]);
    queues.push(...queueCellsOf(part).map(through));
    agents.push(...agentCellsOf(part).map(through));
  }
  return { queues, agents };
}

describe('roll-ups merge to the raw computation (property)', () => {
  it('R22: every groupBy, from cells rolled up in batches and stored, equals the rows of the raw sessions', () => {
    fc.assert(
      fc.property(
        sessionsArbitrary,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.constantFrom<GroupBy>(...GROUP_BYS),
        (sessions, cuts, groupBy) => {
          expect(reportRows(groupBy, rolledUp(sessions, cuts), NAMES)).toEqual(
            reportRows(groupBy, cells(sessions), NAMES),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('R22: the distribution and the recommendations from merged cells equal those of the raw sessions', () => {
    fc.assert(
      fc.property(sessionsArbitrary, fc.array(fc.nat(), { maxLength: 4 }), (sessions, cuts) => {
        const merged = rolledUp(sessions, cuts).queues;
        expect(distributionOf(merged)).toEqual(distributionOf(queueCellsOf(sessions)));
        expect(recommendationsOf(merged, 5, 3)).toEqual(recommendationsOf(queueCellsOf(sessions), 5, 3));
      }),
      { numRuns: 200 },
    );
  });

  it('R22: with whole-second times, the recommendations equal npm run recommend on the same sessions', () => {
    fc.assert(
      fc.property(sessionsArbitrary, (sessions) => {
        const records: WrapUpRecord[] = sessions.map((x) => ({ ...x, policy: x.policy ?? undefined }));
        expect(recommendationsOf(queueCellsOf(sessions), 5, 3)).toEqual(
          recommend(records, { minSample: 5, periodDays: 3 }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('encodes a histogram as SECONDS:ENDED[:CENSORED] in order and reads it back', () => {
    const needed = new Map([
      [45, { ended: 1, censored: 0 }],
      [3, { ended: 2, censored: 5 }],
    ]);
    expect(encodeNeeded(needed)).toBe('3:2:5 45:1');
    expect(decodeNeeded('3:2:5 45:1')).toEqual(
      new Map([
        [3, { ended: 2, censored: 5 }],
        [45, { ended: 1, censored: 0 }],
      ]),
    );
  });
});

describe('planRange: what is read from roll-ups, what raw', () => {
  const now = new Date('2026-03-10T15:00:00Z');

  it('reads whole days up to the last rolled up from the roll-ups, today raw', () => {
    const plan = planRange(
      { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-11T00:00:00Z') },
      '2026-03-09',
      now,
    );
    expect(plan.rolled).toEqual({ fromDay: '2026-03-01', toDay: '2026-03-09' });
    expect(plan.raw).toEqual([
      { day: '2026-03-10', from: new Date('2026-03-10T00:00:00Z'), to: new Date('2026-03-11T00:00:00Z') },
    ]);
  });

  it('reads the partial first and last days of a range in times raw, and the days not rolled up yet', () => {
    const plan = planRange(
      { from: new Date('2026-03-05T12:00:00Z'), to: new Date('2026-03-09T06:00:00Z') },
      '2026-03-07',
      now,
    );
    expect(plan.rolled).toEqual({ fromDay: '2026-03-06', toDay: '2026-03-07' });
    expect(plan.raw.map((slice) => [slice.day, slice.from.toISOString(), slice.to.toISOString()])).toEqual([
      ['2026-03-05', '2026-03-05T12:00:00.000Z', '2026-03-06T00:00:00.000Z'],
      ['2026-03-08', '2026-03-08T00:00:00.000Z', '2026-03-09T00:00:00.000Z'],
      ['2026-03-09', '2026-03-09T00:00:00.000Z', '2026-03-09T06:00:00.000Z'],
    ]);
  });

  it('reads everything raw before the first roll-up, and nothing after today', () => {
    const plan = planRange(
      { from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-20T00:00:00Z') },
      undefined,
      now,
    );
    expect(plan.rolled).toBeUndefined();
    expect(plan.raw.map((slice) => slice.day)).toEqual(['2026-03-09', '2026-03-10']);
  });
});
