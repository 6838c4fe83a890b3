/**
 * R22: `npm run recommend` (bin/recommend.ts) on files: a real simulator output, its sessions
 * array, and files that are wrong in each way the message must name.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild as run, sink } from '../../bench/child';
import { main } from '../../bin/recommend';
import { runScenario, type SimulationResult } from '../../sim/engine';
import { AGENT_ID, disconnected, OTHER_AGENT_ID, QUEUE_ID, scenarioOf } from '../sim/support';

/**
 * Two wrap-ups of the default 90 s window on one queue: the fixture's agent presses All Done 23 s
 * after the disconnect (17:38:37 -> 17:39:00), the other agent's wrap-up is ended by the timer at 90 s.
 * Kaplan-Meier: S(23) = 1/2, so the median is 23 s; p80 cannot be estimated. Held time per
 * contact: 23 s with a 23 s window, 23 + 67 x 1/2 = 56.5 s with 90 s; two contacts in less than a
 * day count as two a day: -33.5 x 2 / 3600 = -0.0186 agent hours a day.
 */
const EXPECTED = {
  recommendations: [
    {
      queueId: QUEUE_ID,
      channel: 'VOICE',
      sampleSize: 2,
      censored: 1,
      medianSeconds: 23,
      p80Seconds: null,
      currentSeconds: 90,
      agentHoursPerDayChange: -0.019,
      withheld: false,
      reason: null,
    },
  ],
};

describe('R22: npm run recommend -- --sessions FILE', () => {
  let dir: string;
  let simulated: SimulationResult;
  let simulatorFile: string;
  let arrayFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acw-recommend-'));
    simulated = await runScenario(
      scenarioOf([
        { at: '2021-08-04T17:38:40Z', contactEvent: disconnected() },
        {
          at: '2021-08-04T17:38:41Z',
          contactEvent: disconnected((detail) => {
            detail.contactId = '22222222-2222-2222-2222-222222222222';
            detail.agentInfo = {
              agentArn: `arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012/agent/${OTHER_AGENT_ID}`,
              connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z',
            };
          }),
        },
        { at: '2021-08-04T17:39:00Z', agentAction: { agentId: AGENT_ID, action: 'allDone' } },
      ]),
      { quiet: true },
    );
    simulatorFile = join(dir, 'simulated.json');
    arrayFile = join(dir, 'sessions.json');
    await writeFile(simulatorFile, JSON.stringify(simulated));
    await writeFile(arrayFile, JSON.stringify(simulated.sessions));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('R22: the simulator run ended one wrap-up by the agent and one by the timer', () => {
    expect(simulated.sessions.map((session) => session.endReason).sort()).toEqual(['AGENT_DONE', 'TIMER']);
  });

  it('R22: a simulator output gives the recommendations JSON on stdout and exits 0', async () => {
    const { code, stdout } = await run('npx', [
      'tsx',
      'bin/recommend.ts',
      '--sessions',
      simulatorFile,
      '--min-sample',
      '1',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });

  it('R22: npm run --silent recommend reads its sessions array alike, stdout carrying only the JSON', async () => {
    const { code, stdout } = await run('npm', [
      'run',
      '--silent',
      'recommend',
      '--',
      '--sessions',
      arrayFile,
      '--min-sample',
      '1',
    ]);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(EXPECTED);
  });

  it('R22: without --min-sample the default minimum (30) withholds two wrap-ups', async () => {
    const stdout = sink();

    const code = await main(['--sessions', simulatorFile], { stdout, stderr: sink() });

    expect(code).toBe(0);
    const [recommendation] = JSON.parse(stdout.text()).recommendations;
    expect(recommendation).toMatchObject({ sampleSize: 2, withheld: true, medianSeconds: null });
    expect(recommendation.reason).toContain('at least 30');
  });

  it('R22: a file that is not JSON exits non-zero with nothing on stdout and says so on stderr', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "sessions": [');

    const { code, stdout, stderr } = await run('npx', ['tsx', 'bin/recommend.ts', '--sessions', file]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`recommend: ${file} is not valid JSON`);
  });

  const session = (change: (value: Record<string, unknown>) => void = () => {}) => {
    const value: Record<string, unknown> = {
      agentId: AGENT_ID,
      contactId: 'c-1',
      channel: 'VOICE',
      queueId: 'q-1',
      state: 'CLOSED_COMPLETE',
      startedAt: '2026-03-02T09:00:00.000Z',
      deadline: '2026-03-02T09:01:30.000Z',
      endedAt: '2026-03-02T09:00:40.000Z',
      endReason: 'AGENT_DONE',
      extensionsUsed: 0,
    };
    change(value);
    return value;
  };

  it.each([
    ['an object without sessions', { statusChanges: [] }, 'has no sessions array'],
    ['sessions that are not an array', { sessions: {} }, 'has no sessions array'],
    ['a session that is not an object', { sessions: [session(), 7] }, 'sessions[1] is not an object'],
    [
      'a session missing a field',
      [
        session(),
        session((value) => {
          delete value.endReason;
        }),
      ],
      'sessions[1] (contact c-1): missing field "endReason"',
    ],
    [
      'a start that is not a time',
      [session((value) => (value.startedAt = 'noon'))],
      'sessions[0] (contact c-1): "startedAt" must be an ISO-8601 time, got "noon"',
    ],
    [
      'an unknown end reason',
      [session((value) => (value.endReason = 'HUNG_UP'))],
      '"endReason" must be one of TIMER, AGENT_DONE',
    ],
    [
      'an end without a reason',
      [session((value) => (value.endReason = null))],
      '"endedAt" and "endReason" must both be set (ended) or both null (open)',
    ],
    [
      'an end before the start',
      [session((value) => (value.endedAt = '2026-03-02T08:59:00.000Z'))],
      '"endedAt" is before "startedAt"',
    ],
    [
      'a negative extension count',
      [session((value) => (value.extensionsUsed = -1))],
      '"extensionsUsed" must be a whole number of at least 0, got -1',
    ],
  ])('R22: %s exits 2 naming the problem', async (_, content, message) => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(content));
    const [stdout, stderr] = [sink(), sink()];

    const code = await main(['--sessions', file], { stdout, stderr });

    expect(code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(message);
  });

  it('R22: open sessions (no end yet) are accepted and left out of the sample', async () => {
    const file = join(dir, 'open.json');
    await writeFile(
      file,
      JSON.stringify([
        session(),
        session((value) => {
          value.endedAt = null;
          value.endReason = null;
        }),
      ]),
    );
    const stdout = sink();

    const code = await main(['--sessions', file, '--min-sample', '1'], { stdout, stderr: sink() });

    expect(code).toBe(0);
    expect(JSON.parse(stdout.text()).recommendations[0]).toMatchObject({ sampleSize: 2, medianSeconds: 40 });
  });

  it.each([
    ['no --sessions', [], '--sessions FILE is required'],
    ['a flag without its value', ['--sessions'], '--sessions needs a value'],
    ['an unknown flag', ['--sessions', 'x.json', '--from', 'monday'], 'unknown argument --from'],
    [
      'a minimum sample of 0',
      ['--sessions', 'x.json', '--min-sample', '0'],
      '--min-sample must be a whole number',
    ],
    [
      'a file that cannot be read',
      ['--sessions', '/nonexistent/sessions.json'],
      'cannot read /nonexistent/sessions.json',
    ],
  ])('R22: %s exits 2 with the usage or the reason', async (_, argv, message) => {
    const [stdout, stderr] = [sink(), sink()];

    const code = await main(argv, { stdout, stderr });

    expect(code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toContain(message);
  });
});
