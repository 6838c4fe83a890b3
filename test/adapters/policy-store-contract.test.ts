/**
 * R20: the PolicyStore contract, one suite run with identical assertions against the DynamoDB
 * adapter (on moto: the change is a TransactWriteItems, which dynalite does not implement) and
 * against its in-memory model (test/support/memory-store.ts).
 */
import { describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { NO_OVERRIDES } from '../../lambda/core/policy-overrides';
import {
  type PolicyImportRecord,
  type PolicyStore,
  PolicyVersionConflict,
  type PolicyWrite,
} from '../../lambda/core/ports';
import { MemoryPolicyStore } from '../support/memory-store';
import { useMotoTable } from '../support/moto';

const AT = '2026-03-02T09:00:00.000Z';

function change(fields: Partial<PolicyWrite> & Pick<PolicyWrite, 'level' | 'key' | 'policy'>): PolicyWrite {
  return { expectedVersion: 0, by: 'admin-1', reason: 'trainees need longer', at: AT, ...fields };
}

function useMoto(): () => PolicyStore {
  const table = useMotoTable();
  return () => new DynamoPolicyStore({ client: table.client, tableName: table.tableName });
}

function useMemory(): () => PolicyStore {
  return () => new MemoryPolicyStore();
}

const STORES: ReadonlyArray<readonly [string, () => () => PolicyStore]> = [
  ['DynamoPolicyStore on moto', useMoto],
  ['MemoryPolicyStore', useMemory],
];

describe.each(STORES)('PolicyStore contract (R20): %s', (_name, use) => {
  const storeOf = use();

  it('R20: reads version 0 with no override before any change', async () => {
    expect(await storeOf().read()).toEqual(NO_OVERRIDES);
  });

  it("R20: a change stores the level's whole override with the version, who and when", async () => {
    const store = storeOf();
    const record = await store.write(
      change({ level: 'queue', key: 'q-1', policy: { durationSeconds: 300 } }),
    );
    expect(record).toEqual({
      version: 1,
      at: AT,
      by: 'admin-1',
      reason: 'trainees need longer',
      level: 'queue',
      key: 'q-1',
      after: { durationSeconds: 300 },
    });
    expect(await store.read()).toEqual({
      ...NO_OVERRIDES,
      version: 1,
      queues: { 'q-1': { policy: { durationSeconds: 300 }, version: 1, at: AT, by: 'admin-1' } },
    });
  });

  it('R20: a second change replaces the override whole and audits before and after', async () => {
    const store = storeOf();
    await store.write(
      change({ level: 'profile', key: 'tier3', policy: { durationSeconds: 300, maxExtensions: 3 } }),
    );
    const record = await store.write(
      change({
        level: 'profile',
        key: 'tier3',
        policy: { mode: 'untimed' },
        expectedVersion: 1,
        by: 'admin-2',
      }),
    );
    expect(record.before).toEqual({ durationSeconds: 300, maxExtensions: 3 });
    expect(record.after).toEqual({ mode: 'untimed' });
    expect((await store.read()).profiles.tier3?.policy).toEqual({ mode: 'untimed' });
  });

  it('R20: removing an override leaves the level without it and audits what was removed', async () => {
    const store = storeOf();
    await store.write(change({ level: 'default', key: '-', policy: { durationSeconds: 30 } }));
    const record = await store.write(
      change({ level: 'default', key: '-', policy: null, expectedVersion: 1 }),
    );
    expect(record).toMatchObject({ version: 2, level: 'default', key: '-', before: { durationSeconds: 30 } });
    expect(record.after).toBeUndefined();
    const doc = await store.read();
    expect(doc.version).toBe(2);
    expect(doc.default).toBeUndefined();
  });

  it('R20: a change on a stale version is refused with PolicyVersionConflict and changes nothing', async () => {
    const store = storeOf();
    await store.write(change({ level: 'channel', key: 'CHAT', policy: { durationSeconds: 60 } }));
    const stale = store.write(change({ level: 'channel', key: 'CHAT', policy: { durationSeconds: 5 } }));
    await expect(stale).rejects.toBeInstanceOf(PolicyVersionConflict);
    expect((await store.read()).channels.CHAT?.policy).toEqual({ durationSeconds: 60 });
    expect(await store.history(10)).toHaveLength(1);
  });

  it('R20: of two changes made on the same version at once, exactly one is accepted', async () => {
    const store = storeOf();
    const results = await Promise.allSettled([
      store.write(change({ level: 'queue', key: 'q-1', policy: { durationSeconds: 100 }, by: 'admin-1' })),
      store.write(change({ level: 'queue', key: 'q-2', policy: { durationSeconds: 200 }, by: 'admin-2' })),
    ]);
    const refused = results.filter((result) => result.status === 'rejected');
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(PolicyVersionConflict);
    const doc = await store.read();
    expect(doc.version).toBe(1);
    expect(Object.keys(doc.queues)).toHaveLength(1);
    expect(await store.history(10)).toHaveLength(1);
  });

  it('R20: the history keeps every change, newest first, up to the limit', async () => {
    const store = storeOf();
    for (let version = 0; version < 3; version++) {
      await store.write(
        change({
          level: 'agentGroup',
          key: `g-${version}`,
          policy: { maxExtensions: version },
          expectedVersion: version,
        }),
      );
    }
    const history = await store.history(2);
    expect(history.map((entry) => [entry.version, entry.key])).toEqual([
      [3, 'g-2'],
      [2, 'g-1'],
    ]);
    expect(await store.history(10)).toHaveLength(3);
  });

  it('R18, R20: the kill switch override is versioned and audited in the same document, the policies untouched', async () => {
    const store = storeOf();
    await store.write(change({ level: 'queue', key: 'q-1', policy: { durationSeconds: 100 } }));
    const off = await store.writeKillSwitch({
      state: 'off',
      expectedVersion: 1,
      by: 'admin-1',
      reason: 'incident',
      at: AT,
    });
    const stale = store.writeKillSwitch({
      state: 'on',
      expectedVersion: 1,
      by: 'admin-2',
      reason: 'r',
      at: AT,
    });
    await expect(stale).rejects.toBeInstanceOf(PolicyVersionConflict);
    const doc = await store.read();
    const removed = await store.writeKillSwitch({
      state: null,
      expectedVersion: 2,
      by: 'admin-2',
      reason: 'over',
      at: AT,
    });

    expect(off).toEqual({
      version: 2,
      at: AT,
      by: 'admin-1',
      reason: 'incident',
      level: 'killSwitch',
      key: '-',
      after: { state: 'off' },
    });
    expect(doc.killSwitch).toEqual({ state: 'off', version: 2, at: AT, by: 'admin-1' });
    expect(doc.queues['q-1']?.policy).toEqual({ durationSeconds: 100 });
    expect(removed).toMatchObject({ version: 3, level: 'killSwitch', before: { state: 'off' } });
    expect(removed.after).toBeUndefined();
    expect((await store.read()).killSwitch).toBeUndefined();
    expect((await store.history(10)).map((entry) => entry.level)).toEqual([
      'killSwitch',
      'killSwitch',
      'queue',
    ]);
  });

  it('R20 import: replaceAll writes the whole document and one record, conditional on the version', async () => {
    const store = storeOf();
    await store.write(change({ level: 'queue', key: 'q-1', policy: { durationSeconds: 100 } }));
    const stored = { policy: { mode: 'untimed' as const }, version: 2, at: AT, by: 'admin-2' };
    const record: PolicyImportRecord = {
      version: 2,
      at: AT,
      by: 'admin-2',
      reason: 'import',
      level: 'import',
      key: '-',
      before: { channels: {}, queues: { 'q-1': { durationSeconds: 100 } }, profiles: {}, agentGroups: {} },
      after: { channels: {}, queues: {}, profiles: { tier3: { mode: 'untimed' } }, agentGroups: {} },
    };
    const doc = { ...NO_OVERRIDES, version: 2, profiles: { tier3: stored } };
    expect(await store.replaceAll({ expectedVersion: 1, doc, record })).toEqual(record);
    expect(await store.read()).toEqual(doc);
    const history = await store.history(10);
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual(record);

    const stale = store.replaceAll({ expectedVersion: 1, doc: { ...doc, version: 2 }, record });
    await expect(stale).rejects.toBeInstanceOf(PolicyVersionConflict);
    expect(await store.history(10)).toHaveLength(2);
  });
});
