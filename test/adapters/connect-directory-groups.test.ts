/**
 * R3, R20: agent hierarchy groups are shown by name through `Directory.names`: from the catalog,
 * kept in memory like the other listings, and a group it lacks makes the catalog listed again (at
 * most once per `missRefreshMs`).
 */
import { ConnectClient, ListQueuesCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ConnectDirectory,
  DIRECTORY_CACHE_TTL_MS,
  DIRECTORY_MISS_REFRESH_MS,
} from '../../lambda/adapters/connect-directory';
import { RecordingLog } from '../support/fakes';

const connect = mockClient(ConnectClient);
const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';

/** The catalog's groups as `ConnectDirectory.agentGroups` sees them, recording each ask. */
let asks: boolean[];
let groups: Map<string, string>;
let now: number;

beforeEach(() => {
  connect.reset();
  asks = [];
  groups = new Map([
    ['g-floor', 'Floor'],
    ['g-trainees', 'Trainees'],
  ]);
  now = 0;
});

function directory() {
  return new ConnectDirectory({
    client: new ConnectClient({ region: 'us-east-1' }),
    now: () => now,
    agentGroups: async (instanceArn, miss) => {
      expect(instanceArn).toBe(INSTANCE);
      asks.push(miss);
      return new Map(groups);
    },
  });
}

const GROUPS_ONLY = { queueIds: [], agentIds: [] };

describe('ConnectDirectory: agent groups by name (R3, R20)', () => {
  it('R20: names the groups asked for from the catalog, leaving out the ones it lacks; no Connect call of its own', async () => {
    const names = await directory().names(INSTANCE, {
      ...GROUPS_ONLY,
      agentGroupIds: ['g-trainees', 'g-gone'],
    });

    expect(Object.fromEntries(names.agentGroups ?? [])).toEqual({ 'g-trainees': 'Trainees' });
    expect(names.queues.size + names.agents.size).toBe(0);
    expect(connect.calls()).toHaveLength(0);
  });

  it('R20: no group ids asked: no agentGroups in the answer and the catalog is not read', async () => {
    const names = await directory().names(INSTANCE, GROUPS_ONLY);

    expect(names.agentGroups).toBeUndefined();
    expect(asks).toEqual([]);
  });

  it('R20: the groups are kept for the TTL, then read from the catalog again (not as a miss)', async () => {
    const dir = directory();
    await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-floor'] });
    now = DIRECTORY_CACHE_TTL_MS - 1;
    await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-floor'] });
    now = DIRECTORY_CACHE_TTL_MS;

    await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-floor'] });

    expect(asks).toEqual([false, false]);
  });

  it('R20: a group the catalog lacks is a miss: listed again at most once per missRefreshMs, then named', async () => {
    const dir = directory();
    await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-floor'] });
    groups.set('g-new', 'Night shift');
    now = DIRECTORY_MISS_REFRESH_MS - 1;
    const tooSoon = await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-new'] });
    now = DIRECTORY_MISS_REFRESH_MS;

    const named = await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-new'] });

    expect(tooSoon.agentGroups?.size).toBe(0);
    expect(Object.fromEntries(named.agentGroups ?? [])).toEqual({ 'g-new': 'Night shift' });
    expect(asks).toEqual([false, true]);
  });

  it('R20: without a catalog, groups are not named (the answer has none)', async () => {
    const dir = new ConnectDirectory({ client: new ConnectClient({ region: 'us-east-1' }) });

    const names = await dir.names(INSTANCE, { ...GROUPS_ONLY, agentGroupIds: ['g-floor'] });

    expect(names.agentGroups?.size).toBe(0);
  });

  it('R20: a catalog that cannot be read names no group, and costs none of the other names', async () => {
    connect.on(ListQueuesCommand).resolves({ QueueSummaryList: [{ Id: 'q-1', Name: 'Billing' }] });
    const log = new RecordingLog();
    const dir = new ConnectDirectory({
      client: new ConnectClient({ region: 'us-east-1' }),
      log,
      agentGroups: async () => {
        throw new Error('CatalogUnavailable');
      },
    });

    const names = await dir.names(INSTANCE, { queueIds: ['q-1'], agentIds: [], agentGroupIds: ['g-floor'] });

    expect(Object.fromEntries(names.queues)).toEqual({ 'q-1': 'Billing' });
    expect(names.agentGroups?.size).toBe(0);
    expect(log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ kind: 'agentGroups' }) }),
    );
  });
});
