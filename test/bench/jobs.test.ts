/**
 * Issue 11's bench runs every capacity probe in both configurations (bench/capacity.ts,
 * bench/jobs.ts): with the agent event stream and the default one (no stream, GetCurrentUserData
 * before each restore), under a quota the simulated Connect keeps per API.
 */
import { describe, expect, it } from 'vitest';
import {
  CAPACITY_FACTORS,
  CONFIGURATIONS,
  capacityProbe,
  configurationOf,
  JUDGED_FACTOR,
  QUOTA_APPLIES_TO,
} from '../../bench/capacity';
import { capacityJobName, JOBS, jobsAsked } from '../../bench/jobs';

describe('issue 11 bench: capacity probes in both configurations', () => {
  it('both configurations are simulated: stream with the agent event stream, default without', () => {
    expect(
      CONFIGURATIONS.map(({ name, simulated, agentEventStream }) => ({ name, simulated, agentEventStream })),
    ).toEqual([
      { name: 'stream', simulated: true, agentEventStream: true },
      { name: 'default', simulated: true, agentEventStream: false },
    ]);
    expect(configurationOf('default').what).toMatch(/GetCurrentUserData/);
  });

  it('every factor has one job per configuration, named capacity-<factor>-<configuration>', () => {
    const capacityJobs = Object.keys(JOBS)
      .filter((name) => name.startsWith('capacity-'))
      .sort();
    const expected = CAPACITY_FACTORS.flatMap((factor) => [
      `capacity-${factor.toFixed(1)}-stream`,
      `capacity-${factor.toFixed(1)}-default`,
    ]).sort();
    expect(capacityJobs).toEqual(expected);
    expect(capacityJobName(JUDGED_FACTOR, 'stream')).toBe('capacity-0.9-stream');
    expect(capacityJobName(1, 'default')).toBe('capacity-1.0-default');
    expect(JOBS.baseline).toBeTypeOf('function');
    expect(JOBS.faults).toBeTypeOf('function');
    expect(JOBS['faults-default']).toBeTypeOf('function');
  });

  it('the judged factor 0.9 is probed in both configurations', () => {
    expect(CAPACITY_FACTORS).toContain(JUDGED_FACTOR);
    expect(JOBS['capacity-0.9-stream']).toBeTypeOf('function');
    expect(JOBS['capacity-0.9-default']).toBeTypeOf('function');
  });

  it('a name on the command line is a job, or capacity-<factor> for both of its configurations', () => {
    expect(jobsAsked(['capacity-0.9', 'baseline', 'capacity-0.9-default'])).toEqual([
      'capacity-0.9-stream',
      'capacity-0.9-default',
      'baseline',
    ]);
    expect(jobsAsked([])).toEqual([]);
    expect(() => jobsAsked(['capacity-0.7'])).toThrow(/unknown bench job capacity-0.7/);
    expect(() => jobsAsked(['capacity-0.9-kinesis'])).toThrow(/unknown bench job/);
  });

  it('the quota the results state applies to each API separately, not one bucket for all', () => {
    expect(QUOTA_APPLIES_TO).toMatch(/each Connect API separately/);
    expect(QUOTA_APPLIES_TO).toMatch(/own bucket/);
  });
});

describe('issue 11 bench: a short probe runs the configuration it names', () => {
  it('R7, R8: the default configuration restores after GetCurrentUserData and consumes no agent event', async () => {
    const probe = await capacityProbe(0.3, 3, 'default');
    const results = probe.results as {
      configuration: string;
      ran: { agentEventStream: boolean; quotaAppliesTo: string };
      workload: { agentEvents: number };
      restoreLatenessMs: { count: number };
      recordLagMs: { count: number; byEndReason: Record<string, { count: number }> };
      connect: { calls: Record<string, number> };
      lambda: { invocations: Record<string, number> };
      sessionsLost: { value: number };
    };
    expect(results.configuration).toBe('default');
    expect(results.ran.agentEventStream).toBe(false);
    expect(results.ran.quotaAppliesTo).toBe(QUOTA_APPLIES_TO);
    expect(results.workload.agentEvents).toBeGreaterThan(0);
    expect(results.lambda.invocations['agent-events']).toBe(0);
    expect(results.restoreLatenessMs.count).toBeGreaterThan(0);
    expect(results.connect.calls.GetCurrentUserDataCommand).toBeGreaterThanOrEqual(
      results.restoreLatenessMs.count,
    );
    expect(results.sessionsLost.value).toBe(0);
    const byReason = Object.values(results.recordLagMs.byEndReason).reduce(
      (sum, { count }) => sum + count,
      0,
    );
    expect(byReason).toBeGreaterThanOrEqual(results.recordLagMs.count);
    expect(results.recordLagMs.byEndReason.TIMER?.count).toBeGreaterThan(0);
    expect(probe.title).toMatch(/configuration default/);
  });
});
