import { describe, expect, it } from 'vitest';
import { kaplanMeier, recommend, type WrapUpRecord } from '../../lambda/core/calibration';
import {
  csvFileName,
  type Distribution,
  distributionSpan,
  distributionSummary,
  formatHoursChange,
  formatSeconds,
  formatShare,
  insightsQuery,
  lastDays,
  parseDistribution,
  parseRecommendations,
  parseReport,
  periodProblem,
  periodRange,
  quantileFrom,
  recommendationLabel,
  recommendationWords,
  rowLabel,
  survivalAt,
  survivalSeries,
  trendSummary,
  wrapUpTrendSeries,
} from '../../web/src/logic/insights';
import { MalformedAnswer } from '../../web/src/logic/wrap-up';

const ROW = {
  contacts: 4,
  totalWrapUpSeconds: 400,
  averageWrapUpSeconds: 100,
  medianNeededSeconds: 90,
  p80NeededSeconds: 120,
  extensionsPerContact: 0.25,
  systemEndedShare: 0.5,
};

/** Sessions of one queue and channel: `observed` ended by the agent after 10, 20, ... s, `timer` at 120 s. */
function sessions(observed: number, timer: number): WrapUpRecord[] {
  const at = (seconds: number) =>
    new Date(Date.parse('2026-03-02T09:00:00.000Z') + seconds * 1000).toISOString();
  const records: WrapUpRecord[] = [];
  for (let i = 1; i <= observed; i++) {
    records.push({
      queueId: 'q-sales',
      channel: 'VOICE',
      startedAt: at(0),
      endedAt: at(i * 10),
      endReason: 'AGENT_DONE',
      deadline: at(120),
      extensionsUsed: 0,
    });
  }
  for (let i = 0; i < timer; i++) {
    records.push({
      queueId: 'q-sales',
      channel: 'VOICE',
      startedAt: at(0),
      endedAt: at(120),
      endReason: 'TIMER',
      deadline: at(120),
      extensionsUsed: 0,
    });
  }
  return records;
}

/** A distribution answer built from the real Kaplan-Meier curve of `sessions(observed, timer)`. */
function distributionOf(observed: number, timer: number, currentSeconds: number | null = 120): Distribution {
  const ends = [
    ...Array.from({ length: observed }, (_, i) => ({ seconds: (i + 1) * 10, observed: true })),
    ...Array.from({ length: timer }, () => ({ seconds: 120, observed: false })),
  ];
  return parseDistribution(
    JSON.parse(
      JSON.stringify({
        queueId: 'q-sales',
        channel: 'VOICE',
        currentSeconds,
        buckets: [
          { fromSeconds: 0, toSeconds: 60, ended: Math.min(observed, 5), censored: 0 },
          { fromSeconds: 60, toSeconds: 120, ended: Math.max(0, observed - 5), censored: 0 },
          { fromSeconds: 120, toSeconds: 180, ended: 0, censored: timer },
        ],
        survival: kaplanMeier(ends),
      }),
    ),
  );
}

describe('R22 the Insights view reads the reports and recommendations answers', () => {
  it('reads a report by queue with names, and keeps nulls where a quantile cannot be estimated', () => {
    const report = parseReport({
      from: '2026-03-01T00:00:00.000Z',
      to: '2026-03-08T00:00:00.000Z',
      groupBy: 'queue',
      rows: [
        { queueId: 'q-sales', queueName: 'Sales', ...ROW },
        { queueId: null, ...ROW, medianNeededSeconds: null, p80NeededSeconds: null },
      ],
    });

    expect(report.rows).toHaveLength(2);
    expect(rowLabel('queue', report.rows[0] ?? expect.fail())).toBe('Sales');
    expect(rowLabel('queue', report.rows[1] ?? expect.fail())).toBe('Outbound (no queue)');
    expect(report.rows[1]?.medianNeededSeconds).toBeNull();
  });

  it('labels rows by agent, channel and day', () => {
    const report = parseReport({
      from: 'a',
      to: 'b',
      groupBy: 'day',
      rows: [{ day: '2026-03-05', agentId: 'agent-a', channel: 'CHAT', ...ROW }],
    });
    const row = report.rows[0] ?? expect.fail();

    expect(rowLabel('day', row)).toBe('5 Mar 2026');
    expect(rowLabel('agent', row)).toBe('agent-a');
    expect(rowLabel('agent', { ...row, agentName: 'Ana' })).toBe('Ana');
    expect(rowLabel('channel', row)).toBe('Chat');
  });

  it('refuses an answer it does not understand, naming the field', () => {
    expect(() => parseReport({ from: 'a', to: 'b', groupBy: 'week', rows: [] })).toThrow(MalformedAnswer);
    expect(() =>
      parseReport({ from: 'a', to: 'b', groupBy: 'queue', rows: [{ ...ROW, contacts: '4' }] }),
    ).toThrow('report.rows[0].contacts');
    expect(() => parseRecommendations({ recommendations: [{ channel: 'VOICE' }] })).toThrow(
      'recommendations[0].sampleSize',
    );
    expect(() =>
      parseDistribution({
        buckets: [{ fromSeconds: 60, toSeconds: 60, ended: 1, censored: 0 }],
        survival: [],
      }),
    ).toThrow('distribution.buckets[0].toSeconds');
    expect(() => parseDistribution({ buckets: [], survival: [{ seconds: 1, survival: 1.5 }] })).toThrow(
      'distribution.survival[0].survival',
    );
  });

  it('R22: reads what lambda/core/calibration.ts recommends, given and withheld alike', () => {
    const given = recommend(sessions(40, 10));
    const withheld = recommend(sessions(10, 30));

    const views = parseRecommendations(
      JSON.parse(JSON.stringify({ recommendations: [...given, ...withheld] })),
    );

    expect(views[0]).toMatchObject({ queueId: 'q-sales', channel: 'VOICE', sampleSize: 50, censored: 10 });
    expect(views[0]?.withheld).toBe(false);
    expect(views[0]?.medianSeconds).toBe(given[0]?.medianSeconds);
    // 40 done at 10, 20, ... 400 s and 10 ended at 120 s: half done by 220 s, four in five by 330 s.
    expect(views[0]).toMatchObject({ medianSeconds: 220, p80Seconds: 330, currentSeconds: 120 });
    expect(recommendationWords(views[0] ?? expect.fail())).toBe(
      'Lengthen the window from 2 min to 3 min 40 s.',
    );
    expect(views[1]?.withheld).toBe(true);
    expect(recommendationWords(views[1] ?? expect.fail())).toMatch(/^Withheld: 30 of 40 wrap-ups were ended/);
    expect(recommendationLabel(views[0] ?? expect.fail())).toBe('q-sales, voice');
  });

  it('says keep, lengthen or set when there is no window', () => {
    const base = parseRecommendations({
      recommendations: [
        {
          queueId: 'q',
          queueName: 'Support',
          channel: 'CHAT',
          sampleSize: 40,
          censored: 2,
          medianSeconds: 90,
          p80Seconds: null,
          currentSeconds: 90,
          agentHoursPerDayChange: 0,
          withheld: false,
          reason: null,
        },
      ],
    })[0];
    if (base === undefined) throw new Error('no recommendation');

    expect(recommendationWords(base)).toBe('Keep the window at 1 min 30 s: it is the median.');
    expect(recommendationWords({ ...base, currentSeconds: 60 })).toBe(
      'Lengthen the window from 1 min to 1 min 30 s.',
    );
    expect(recommendationWords({ ...base, currentSeconds: null })).toBe(
      'Set the window to 1 min 30 s (no current window).',
    );
    expect(recommendationLabel(base)).toBe('Support, chat');
  });
});

describe('the period and the requests', () => {
  it('defaults to the last seven days, today included (UTC)', () => {
    expect(lastDays(Date.parse('2026-03-07T23:30:00.000Z'))).toEqual({
      fromDay: '2026-03-01',
      toDay: '2026-03-07',
    });
  });

  it('asks from the first day’s start to the end of the last day', () => {
    const period = { fromDay: '2026-03-01', toDay: '2026-03-07' };

    expect(periodRange(period)).toEqual({ from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z' });
    expect(insightsQuery(period, { groupBy: 'queue', queueId: null })).toBe(
      'from=2026-03-01T00%3A00%3A00.000Z&to=2026-03-08T00%3A00%3A00.000Z&groupBy=queue',
    );
    expect(csvFileName('agent', period)).toBe('wrap-up-report-by-agent-2026-03-01-to-2026-03-07.csv');
  });

  it('names what is wrong with a period', () => {
    expect(periodProblem({ fromDay: '2026-03-01', toDay: '2026-03-01' })).toBeUndefined();
    expect(periodProblem({ fromDay: '', toDay: '2026-03-01' })).toBe('Choose the first day.');
    expect(periodProblem({ fromDay: '2026-03-01', toDay: 'x' })).toBe('Choose the last day.');
    expect(periodProblem({ fromDay: '2026-03-02', toDay: '2026-03-01' })).toBe(
      'The last day is before the first day.',
    );
  });
});

describe('numbers in words', () => {
  it.each([
    [0, '0 s'],
    [44.6, '45 s'],
    [60, '1 min'],
    [100, '1 min 40 s'],
    [3600, '1 h'],
    [7500, '2 h 5 min'],
  ])('%s seconds read "%s"', (seconds, words) => {
    expect(formatSeconds(seconds)).toBe(words);
  });

  it('says what is not known instead of a blank', () => {
    expect(formatSeconds(null)).toBe('not estimable');
    expect(formatShare(null)).toBe('not known');
    expect(formatHoursChange(null)).toBe('not estimated');
  });

  it('signs the change in agent hours', () => {
    expect(formatHoursChange(1.254)).toBe('+1.25 h a day');
    expect(formatHoursChange(-0.5)).toBe('\u22120.5 h a day');
    expect(formatHoursChange(0.001)).toBe('no change');
    expect(formatShare(0.125)).toBe('12.5 %');
  });
});

describe('R22 the distribution chart: the Kaplan-Meier curve with the current window marked', () => {
  it('steps from everyone wrapping up at 0 s down through the curve, to the last bucket', () => {
    const distribution = distributionOf(4, 0);

    const [xs, ys] = survivalSeries(distribution);

    expect(xs).toEqual([0, 10, 20, 30, 40, 180]);
    expect(ys).toEqual([1, 0.75, 0.5, 0.25, 0, 0]);
    expect(survivalAt(distribution, 25)).toBe(0.5);
    expect(survivalAt(distribution, 5)).toBe(1);
    expect(quantileFrom(distribution, 0.5)).toBe(20);
  });

  it('R22: censored wrap-ups lower no step; the curve stays up where the timer ended them', () => {
    // 10 done at 10, 20, ... 100 s and 30 ended by the timer at 120 s.
    const distribution = distributionOf(10, 30);

    expect(quantileFrom(distribution, 0.5)).toBeNull();
    expect(survivalAt(distribution, 120)).toBeCloseTo(0.75, 9);
    expect(distributionSummary('Sales, voice', distribution)).toBe(
      'Time agents needed in Sales, voice: 40 wrap-ups, 30 ended by the system before the agent was done. ' +
        'Half were not yet done by the longest time seen: the median cannot be estimated. ' +
        'The current window, 2 min, is marked; 75 % were still wrapping up when it ended.',
    );
  });

  it('summarises a given median and p80, and an untimed queue', () => {
    const distribution = distributionOf(10, 0, null);

    expect(distributionSummary('Sales, voice', distribution)).toBe(
      'Time agents needed in Sales, voice: 10 wrap-ups, 0 ended by the system before the agent was done. ' +
        'Half were done by 50 s, four in five by 1 min 20 s. There is no current window (untimed).',
    );
  });

  it('spans the window so the marker is on the chart', () => {
    expect(distributionSpan({ ...distributionOf(4, 0), currentSeconds: 600 })).toBe(660);
    expect(distributionSpan(distributionOf(4, 0))).toBe(180);
  });
});

describe('the wrap-up per contact over time chart', () => {
  const report = parseReport({
    from: 'a',
    to: 'b',
    groupBy: 'day',
    rows: [
      { day: '2026-03-03', ...ROW, averageWrapUpSeconds: 80 },
      { day: '2026-03-01', ...ROW, averageWrapUpSeconds: 45 },
      { day: '2026-03-02', ...ROW, contacts: 0, totalWrapUpSeconds: 0, averageWrapUpSeconds: null },
    ],
  });

  it('puts the days in order on a time axis, with a gap where there were no contacts', () => {
    expect(wrapUpTrendSeries(report)).toEqual([
      [Date.parse('2026-03-01') / 1000, Date.parse('2026-03-02') / 1000, Date.parse('2026-03-03') / 1000],
      [45, null, 80],
    ]);
  });

  it('summarises the lowest, highest and latest day', () => {
    expect(trendSummary(report)).toBe(
      'Wrap-up per contact over 2 days, 1 Mar 2026 to 3 Mar 2026: lowest 45 s on 1 Mar 2026, ' +
        'highest 1 min 20 s on 3 Mar 2026, latest 1 min 20 s.',
    );
    expect(trendSummary({ ...report, rows: [] })).toBe(
      'Wrap-up per contact over time: no contacts in this period.',
    );
  });
});
