/**
 * Issue 11's cost figure: DynamoDB request units as the bench counts them (sim/capacity.ts), and
 * the simulated table counting them for real requests on dynalite (sim/dynamo.ts).
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  failedWriteUnits,
  type IndexKeys,
  itemSize,
  readUnits,
  valueSize,
  writeUnits,
} from '../../sim/capacity';
import { type SimDynamo, startDynamo } from '../../sim/dynamo';

const INDEXES: IndexKeys[] = [
  { name: 'openByAgent', hash: 'openAgentId', range: 'openUntil' },
  { name: 'byQueueDay', hash: 'queueDay', range: 'startedAt' },
];
const session = {
  contactId: 'c-1',
  agentId: 'a-1',
  openAgentId: 'a-1',
  openUntil: '2026-03-02T09:01:00.000Z',
  queueDay: 'q#2026-03-02',
  startedAt: '2026-03-02T09:00:00.000Z',
};

describe('issue 11 cost: item sizes', () => {
  it('counts attribute names and values: strings by UTF-8 bytes, numbers by digits, maps and lists with overhead', () => {
    expect(itemSize({ ab: 'xyz' })).toBe(5);
    expect(itemSize({ é: 'é' })).toBe(4);
    expect(valueSize(12345)).toBe(4); // 5 significant digits: 3 bytes, plus 1
    expect(valueSize(true)).toBe(1);
    expect(valueSize(['a', 'bc'])).toBe(3 + 1 + 1 + 1 + 2);
    expect(valueSize({ k: 'v' })).toBe(3 + 1 + 1 + 1);
  });
});

describe('issue 11 cost: write units per table and index', () => {
  it('a new item in both indexes costs a unit on the table and on each index', () => {
    const used = writeUnits(undefined, session, INDEXES);
    expect(used).toEqual({ table: 1, indexes: { openByAgent: 1, byQueueDay: 1 } });
  });

  it('a write that changes no attribute costs the table only', () => {
    expect(writeUnits(session, { ...session }, INDEXES)).toEqual({ table: 1, indexes: {} });
  });

  it('an item updated in place costs each index it stays in', () => {
    const used = writeUnits(session, { ...session, notes: 'x' }, INDEXES);
    expect(used.indexes).toEqual({ openByAgent: 1, byQueueDay: 1 });
  });

  it('an item leaving an index costs a delete there; one whose index key moved costs a delete and a put', () => {
    const { openAgentId: _gone, ...closed } = session;
    expect(writeUnits(session, closed, INDEXES).indexes).toEqual({ openByAgent: 1, byQueueDay: 1 });
    const moved = { ...session, openUntil: '2026-03-02T09:02:00.000Z' };
    expect(writeUnits(session, moved, INDEXES).indexes).toEqual({ openByAgent: 2, byQueueDay: 1 });
  });

  it('sizes round up per 1 KB, the larger of before and after; a transaction doubles', () => {
    const big = { ...session, notes: 'n'.repeat(1500) };
    expect(writeUnits(session, big, INDEXES).table).toBe(2);
    expect(writeUnits(big, session, INDEXES).table).toBe(2);
    expect(writeUnits(undefined, session, INDEXES, true)).toEqual({
      table: 2,
      indexes: { openByAgent: 2, byQueueDay: 2 },
    });
  });

  it('a write refused by its condition costs the existing item, at least 1', () => {
    expect(failedWriteUnits(undefined)).toBe(1);
    expect(failedWriteUnits({ ...session, notes: 'n'.repeat(2100) })).toBe(3);
  });
});

describe('issue 11 cost: read units', () => {
  it('rounds per 4 KB, once over a page, half when eventually consistent, 1 when nothing is found', () => {
    expect(readUnits([], true)).toBe(1);
    expect(readUnits([session], false)).toBe(0.5);
    const page = Array.from({ length: 3 }, (_, index) => ({
      ...session,
      agentId: `a-${index}`,
      notes: 'n'.repeat(1500),
    }));
    expect(readUnits(page, true)).toBe(2);
    expect(readUnits(page, false)).toBe(1);
  });
});

describe('issue 11 cost: the simulated table counts what requests consume', () => {
  let dynamo: SimDynamo;
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('counts table and index write units from the items before and after, and condition failures', async () => {
    const capacity = dynamo.counts.capacity;
    await dynamo.doc.send(new PutCommand({ TableName: dynamo.tableName, Item: session }));
    expect(capacity.tableWriteUnits).toBe(1);
    expect(capacity.indexWriteUnits).toEqual({ openByAgent: 1, byQueueDay: 1 });

    // Closing: the item leaves openByAgent (a delete there) and is updated in byQueueDay.
    await dynamo.doc.send(
      new UpdateCommand({
        TableName: dynamo.tableName,
        Key: { contactId: 'c-1', agentId: 'a-1' },
        UpdateExpression: 'REMOVE openAgentId, openUntil SET endedAt = :at',
        ExpressionAttributeValues: { ':at': '2026-03-02T09:01:00.000Z' },
      }),
    );
    expect(capacity.tableWriteUnits).toBe(2);
    expect(capacity.indexWriteUnits).toEqual({ openByAgent: 2, byQueueDay: 2 });

    await expect(
      dynamo.doc.send(
        new PutCommand({
          TableName: dynamo.tableName,
          Item: session,
          ConditionExpression: 'attribute_not_exists(contactId)',
        }),
      ),
    ).rejects.toThrow();
    expect(capacity.conditionFailures).toBe(1);
    expect(capacity.tableWriteUnits).toBe(3);
    expect(capacity.indexWriteUnits).toEqual({ openByAgent: 2, byQueueDay: 2 });
  });

  it("leaves the simulator's own scan out of the units, counted apart", async () => {
    const before = dynamo.counts.capacity.readUnits;
    await dynamo.scanSessions();
    expect(dynamo.counts.capacity.readUnits).toBe(before);
    expect(dynamo.counts.capacity.simulatorRequests).toBe(1);
  });
});
