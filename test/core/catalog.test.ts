/**
 * R20: the catalog of names: refreshed on a schedule (every 15 minutes) and on a miss (none kept,
 * or an hour old), the kept one served when Connect fails, each list by name.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CATALOG_REFRESH_MS,
  CATALOG_STALE_MS,
  CatalogUnavailable,
  catalogOf,
  refreshCatalog,
  refreshCatalogIfDue,
} from '../../lambda/core/catalog';
import type {
  CatalogListing,
  CatalogPorts,
  CatalogSource,
  CatalogStore,
  DirectoryCatalog,
} from '../../lambda/core/ports';
import { RecordingLog } from '../support/fakes';

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';
const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

/** Connect as a listing to answer, counting its calls; `failWith` makes it throw. */
class FakeSource implements CatalogSource {
  calls = 0;
  failWith: Error | undefined;
  listing: CatalogListing = {
    queues: [
      { id: 'q-2', name: 'sales' },
      { id: 'q-1', name: 'Billing' },
      { id: 'q-3', name: 'billing' },
    ],
    agentGroups: [
      { id: 'g-2', name: 'Trainees' },
      { id: 'g-1', name: 'Floor' },
    ],
    statuses: [
      { id: 's-2', name: 'Lunch', type: 'CUSTOM' },
      { id: 's-1', name: 'Available', type: 'ROUTABLE' },
    ],
  };
  async list(): Promise<CatalogListing> {
    this.calls += 1;
    if (this.failWith !== undefined) throw this.failWith;
    return this.listing;
  }
}

class MemoryStore implements CatalogStore {
  kept: DirectoryCatalog | undefined;
  writes = 0;
  failReads = false;
  async read(): Promise<DirectoryCatalog | undefined> {
    if (this.failReads) throw new Error('table unavailable');
    return this.kept;
  }
  async write(_instanceArn: string, catalog: DirectoryCatalog): Promise<void> {
    this.writes += 1;
    this.kept = catalog;
  }
}

let source: FakeSource;
let store: MemoryStore;
let ports: CatalogPorts;
let log: RecordingLog;

beforeEach(() => {
  source = new FakeSource();
  store = new MemoryStore();
  ports = { source, store };
  log = new RecordingLog();
});

describe('refreshCatalog', () => {
  it('R20: keeps the listing sorted by name (case-insensitively, then by id), stamped when it began', async () => {
    const kept = await refreshCatalog(ports, INSTANCE, T0);

    expect(kept.queues.map((q) => q.id)).toEqual(['q-3', 'q-1', 'q-2']);
    expect(kept.agentGroups.map((g) => g.name)).toEqual(['Floor', 'Trainees']);
    expect(kept.statuses).toEqual([
      { id: 's-1', name: 'Available', type: 'ROUTABLE' },
      { id: 's-2', name: 'Lunch', type: 'CUSTOM' },
    ]);
    expect(kept.refreshedAt).toBe(T0.toISOString());
    expect(store.kept).toEqual(kept);
  });
});

describe('refreshCatalogIfDue (the schedule)', () => {
  it('R20: lists the catalog when none is kept', async () => {
    const done = await refreshCatalogIfDue(ports, INSTANCE, T0);

    expect(done).toEqual({ refreshed: true, refreshedAt: T0.toISOString() });
    expect(source.calls).toBe(1);
  });

  it('R20: leaves a catalog younger than 15 minutes, and lists it again at the 15th minute', async () => {
    await refreshCatalogIfDue(ports, INSTANCE, T0);

    const early = await refreshCatalogIfDue(ports, INSTANCE, at(14 * 60_000));
    // The sweep runs every minute, not exactly on it: a run a few seconds early still refreshes.
    const due = await refreshCatalogIfDue(ports, INSTANCE, at(CATALOG_REFRESH_MS - 5_000));

    expect(early).toEqual({ refreshed: false, refreshedAt: T0.toISOString() });
    expect(due.refreshed).toBe(true);
    expect(source.calls).toBe(2);
    expect(CATALOG_REFRESH_MS).toBe(15 * 60_000);
  });

  it('R20: a failed listing reaches the caller and keeps the older catalog', async () => {
    await refreshCatalogIfDue(ports, INSTANCE, T0);
    source.failWith = new Error('ThrottlingException');

    await expect(refreshCatalogIfDue(ports, INSTANCE, at(CATALOG_REFRESH_MS))).rejects.toThrow('Throttling');
    expect(store.kept?.refreshedAt).toBe(T0.toISOString());
    expect(store.writes).toBe(1);
  });
});

describe('catalogOf (a reader)', () => {
  it('R20: serves the kept catalog without calling Connect while it is younger than an hour', async () => {
    await refreshCatalog(ports, INSTANCE, T0);

    const read = await catalogOf(ports, INSTANCE, at(CATALOG_STALE_MS - 1), log);

    expect(read.refreshedAt).toBe(T0.toISOString());
    expect(source.calls).toBe(1);
  });

  it('R20: a miss (none kept) lists it from Connect and keeps it', async () => {
    const read = await catalogOf(ports, INSTANCE, T0, log);

    expect(read.queues).toHaveLength(3);
    expect(source.calls).toBe(1);
    expect(store.kept).toEqual(read);
  });

  it('R20: a catalog an hour old is a miss; a refresh asked for lists it even when young', async () => {
    await refreshCatalog(ports, INSTANCE, T0);

    await catalogOf(ports, INSTANCE, at(CATALOG_STALE_MS), log);
    await catalogOf(ports, INSTANCE, at(CATALOG_STALE_MS + 1000), log, { refresh: true });

    expect(source.calls).toBe(3);
    expect(store.kept?.refreshedAt).toBe(at(CATALOG_STALE_MS + 1000).toISOString());
  });

  it('R20: when Connect fails, the kept catalog is served however old, with a warning', async () => {
    await refreshCatalog(ports, INSTANCE, T0);
    source.failWith = new Error('AccessDeniedException');

    const read = await catalogOf(ports, INSTANCE, at(3 * CATALOG_STALE_MS), log);

    expect(read.refreshedAt).toBe(T0.toISOString());
    expect(log.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: expect.objectContaining({ refreshedAt: T0.toISOString() }),
      }),
    );
  });

  it('R20: none kept and Connect failing is CatalogUnavailable, naming the cause', async () => {
    source.failWith = new Error('AccessDeniedException');

    await expect(catalogOf(ports, INSTANCE, T0, log)).rejects.toThrow(CatalogUnavailable);
    await expect(catalogOf(ports, INSTANCE, T0, log)).rejects.toThrow(/AccessDeniedException/);
  });

  it('R20: a table that cannot be read is a miss, not a failure', async () => {
    store.failReads = true;

    const read = await catalogOf(ports, INSTANCE, T0, log);

    expect(read.agentGroups).toHaveLength(2);
    expect(log.lines.map((line) => line.level)).toContain('warn');
  });
});
