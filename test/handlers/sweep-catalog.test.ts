/**
 * R20: the catalog of names is refreshed on a schedule, as a step of the sweep (every minute): when
 * the kept catalog is 15 minutes old. Its failure never fails the sweep (R15): it is logged and
 * counted, and the next minute's sweep tries again.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { CATALOG_REFRESH_MS } from '../../lambda/core/catalog';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { CatalogPorts, DirectoryCatalog } from '../../lambda/core/ports';
import { makeSweepHandler } from '../../lambda/handlers/sweep';
import { INSTANCE_ARN } from '../support/events';
import { type FakeClock, type RecordingLog, testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(parseAcwConfig({}).policies),
};

/** The metrics the handler adds, by name, per published document. */
class RecordingMetrics {
  readonly published: Array<Record<string, number>> = [];
  private pending: Record<string, number> = {};
  addMetric(name: string, _unit: string, value: number): void {
    this.pending[name] = value;
  }
  publishStoredMetrics(): void {
    this.published.push(this.pending);
    this.pending = {};
  }
}

let clock: FakeClock;
let log: RecordingLog;
let kept: DirectoryCatalog | undefined;
let listings: number;
let fail: boolean;
let catalog: CatalogPorts;
let metrics: RecordingMetrics;

beforeEach(() => {
  const made = testDeps(new MemorySessionStore(), '2026-03-02T09:00:00.000Z');
  clock = made.clock;
  log = made.log;
  kept = undefined;
  listings = 0;
  fail = false;
  metrics = new RecordingMetrics();
  catalog = {
    source: {
      list: async () => {
        listings += 1;
        if (fail) throw new Error('ThrottlingException: Rate exceeded');
        return { queues: [{ id: 'q-1', name: 'Billing' }], agentGroups: [], statuses: [] };
      },
    },
    store: {
      read: async () => kept,
      write: async (_arn, written) => {
        kept = written;
      },
    },
  };
  sweep = () =>
    makeSweepHandler({
      deps: { ...made.deps, catalog },
      config,
      metrics: metrics as unknown as Metrics,
    })();
});

let sweep: () => Promise<unknown>;

describe('the sweep refreshes the catalog of names (R20)', () => {
  it('R20: the first sweep lists the catalog; the next ones within 15 minutes leave it; the one at 15 lists it again', async () => {
    await sweep();
    for (let minute = 1; minute < 15; minute++) {
      clock.advance(60_000);
      await sweep();
    }
    expect(listings).toBe(1);
    clock.advance(60_000);

    await sweep();

    expect(listings).toBe(2);
    expect(kept?.refreshedAt).toBe(
      new Date(Date.parse('2026-03-02T09:00:00.000Z') + CATALOG_REFRESH_MS).toISOString(),
    );
    expect(metrics.published.every((document) => document.CatalogRefreshFailures === 0)).toBe(true);
  });

  it('R15, R20: a failed refresh does not fail the sweep: it is logged and counted, and the next sweep tries again', async () => {
    fail = true;

    const result = await sweep();

    expect(result).toEqual({ open: 0, overdue: 0, ended: 0, failed: 0, statusesChosen: 0 });
    expect(metrics.published[0]).toMatchObject({ OverdueSessions: 0, CatalogRefreshFailures: 1 });
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: { error: 'Error: ThrottlingException: Rate exceeded' },
      }),
    );
    fail = false;
    clock.advance(60_000);

    await sweep();

    expect(listings).toBe(2);
    expect(kept?.queues).toEqual([{ id: 'q-1', name: 'Billing' }]);
    expect(metrics.published[1]).toMatchObject({ CatalogRefreshFailures: 0 });
  });

  it('R20: a sweep composed without the catalog publishes no catalog metric', async () => {
    const made = testDeps(new MemorySessionStore(), '2026-03-02T09:00:00.000Z');

    await makeSweepHandler({ deps: made.deps, config, metrics: metrics as unknown as Metrics })();

    expect(metrics.published[0]).not.toHaveProperty('CatalogRefreshFailures');
    expect(listings).toBe(0);
  });
});
