/**
 * R20: the catalog of names kept in the session table (dynalite): a head and its generation's
 * chunks, each below DynamoDB's item limit however many queues, never read half-written.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CATALOG_SORT_KEY,
  DynamoCatalogStore,
  MAX_CHUNK_BYTES,
} from '../../lambda/adapters/dynamo-directory-catalog';
import { isSessionItem, SESSION_TABLE } from '../../lambda/adapters/session-keys';
import { refreshCatalog } from '../../lambda/core/catalog';
import type { DirectoryCatalog } from '../../lambda/core/ports';
import { startDynamo, type TestDynamo } from '../support/dynamo';

const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;
const PARTITION = `#DIRECTORY#${INSTANCE_ID}`;
const REFRESHED = '2026-03-02T09:00:00.000Z';

const SMALL: DirectoryCatalog = {
  queues: [
    { id: 'q-1', name: 'Billing' },
    { id: 'q-2', name: 'Sales "EU" – Ünïcode' },
  ],
  agentGroups: [{ id: 'g-1', name: 'Trainees' }],
  statuses: [
    { id: 's-1', name: 'Available', type: 'ROUTABLE' },
    { id: 's-2', name: 'Offline', type: 'OFFLINE' },
  ],
  refreshedAt: REFRESHED,
};

/** 2,000 queues with names of Connect's longest (127 characters): more than one item holds. */
function large(refreshedAt = REFRESHED): DirectoryCatalog {
  return {
    queues: Array.from({ length: 2000 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `${String(i).padStart(4, '0')} ${'q'.repeat(122)}`,
    })),
    agentGroups: Array.from({ length: 300 }, (_, i) => ({ id: `g-${i}`, name: `Group ${i}` })),
    statuses: [{ id: 's-1', name: 'Available', type: 'ROUTABLE' }],
    refreshedAt,
  };
}

let dynamo: TestDynamo;
let tableName: string;
let store: DynamoCatalogStore;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  ({ tableName } = await dynamo.newStore());
  store = new DynamoCatalogStore({ client: dynamo.client, tableName });
});

async function item(sort: string) {
  const { Item } = await dynamo.client.send(
    new GetCommand({
      TableName: tableName,
      Key: { [SESSION_TABLE.partitionKey]: PARTITION, [SESSION_TABLE.sortKey]: sort },
    }),
  );
  return Item;
}

describe('DynamoCatalogStore', () => {
  it('R20: nothing kept reads as undefined', async () => {
    expect(await store.read(INSTANCE)).toBeUndefined();
  });

  it('R20: keeps a catalog as a #DIRECTORY head and one chunk, with a TTL a day on, and reads it back', async () => {
    await store.write(INSTANCE, SMALL);

    expect(await store.read(INSTANCE)).toEqual(SMALL);
    const head = await item(CATALOG_SORT_KEY);
    expect(head).toMatchObject({ refreshedAt: REFRESHED, chunks: 1 });
    expect(head?.[SESSION_TABLE.ttlAttribute]).toBe(Date.parse(REFRESHED) / 1000 + 24 * 60 * 60);
    expect(head === undefined ? true : isSessionItem(head)).toBe(false);
    const chunk = await item(`${CATALOG_SORT_KEY}#${String(head?.generation)}#0000`);
    expect(chunk?.[SESSION_TABLE.ttlAttribute]).toBe(head?.[SESSION_TABLE.ttlAttribute]);
  });

  it('R20: 2,000 queues of 127-character names are split into chunks under the item limit, read back in order', async () => {
    const catalog = large();

    await store.write(INSTANCE, catalog);

    const head = await item(CATALOG_SORT_KEY);
    expect(head?.chunks).toBeGreaterThan(1);
    for (let n = 0; n < Number(head?.chunks); n++) {
      const chunk = await item(
        `${CATALOG_SORT_KEY}#${String(head?.generation)}#${String(n).padStart(4, '0')}`,
      );
      expect(Buffer.byteLength(String(chunk?.entries), 'utf8')).toBeLessThanOrEqual(MAX_CHUNK_BYTES);
    }
    expect(await store.read(INSTANCE)).toEqual(catalog);
  });

  it('R20: a later catalog replaces the earlier one for readers', async () => {
    await store.write(INSTANCE, SMALL);
    const later = {
      ...SMALL,
      queues: [{ id: 'q-9', name: 'Renamed' }],
      refreshedAt: '2026-03-02T09:15:00.000Z',
    };

    await store.write(INSTANCE, later);

    expect(await store.read(INSTANCE)).toEqual(later);
  });

  it('R20: a write cut short after its chunks leaves readers on the previous catalog', async () => {
    await store.write(INSTANCE, SMALL);
    const headBefore = await item(CATALOG_SORT_KEY);
    // The next write's chunks are put, then its head fails: as if the function timed out.
    const failingHead = new DynamoCatalogStore({
      client: {
        send: async (command: unknown) => {
          if (
            command instanceof PutCommand &&
            command.input.Item?.[SESSION_TABLE.sortKey] === CATALOG_SORT_KEY
          ) {
            throw new Error('timed out');
          }
          return dynamo.client.send(command as PutCommand);
        },
      } as unknown as typeof dynamo.client,
      tableName,
    });

    await expect(failingHead.write(INSTANCE, large('2026-03-02T09:15:00.000Z'))).rejects.toThrow('timed out');

    expect(await item(CATALOG_SORT_KEY)).toEqual(headBefore);
    expect(await store.read(INSTANCE)).toEqual(SMALL);
  });

  it('R20: a head whose chunks expired reads as nothing kept (the reader then lists Connect)', async () => {
    await store.write(INSTANCE, large());
    const head = await item(CATALOG_SORT_KEY);
    await dynamo.client.send(
      new DeleteCommand({
        TableName: tableName,
        Key: {
          [SESSION_TABLE.partitionKey]: PARTITION,
          [SESSION_TABLE.sortKey]: `${CATALOG_SORT_KEY}#${String(head?.generation)}#0001`,
        },
      }),
    );

    expect(await store.read(INSTANCE)).toBeUndefined();
  });

  it('R20: catalogs of two instances are kept apart', async () => {
    const other = INSTANCE.replace(INSTANCE_ID, '99999999-1234-1234-1234-123456789012');
    await store.write(INSTANCE, SMALL);

    expect(await store.read(other)).toBeUndefined();
  });

  it('R20: the core keeps what it listed through the store, and reads it back sorted', async () => {
    const source = {
      list: async () => ({
        queues: [
          { id: 'q-2', name: 'Sales' },
          { id: 'q-1', name: 'Billing' },
        ],
        agentGroups: [],
        statuses: [],
      }),
    };

    await refreshCatalog({ source, store }, INSTANCE, new Date(REFRESHED));

    expect((await store.read(INSTANCE))?.queues.map((q) => q.name)).toEqual(['Billing', 'Sales']);
  });
});
