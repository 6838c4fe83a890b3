import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoSessionStore, NO_QUEUE, SESSION_TABLE } from '../../lambda/adapters/dynamo-session-store';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import { VersionConflict } from '../../lambda/core/ports';
import {
  closeSession,
  markContactRecordWritten,
  markRestored,
  openSession,
  type Session,
} from '../../lambda/core/session';
import { itemSize } from '../../sim/capacity';
import { startDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;
let store: DynamoSessionStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  ({ store, tableName } = await dynamo.newStore(30));
});
afterAll(() => dynamo.close());

function session(contactId: string, agentId = 'agent-1', queueId: string | null = 'queue-1'): Session {
  return openSession({
    contactId,
    agentId,
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
    channel: 'VOICE',
    queueId: queueId ?? undefined,
    policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 90 },
    policySource: 'default',
    startedAt: new Date('2026-03-02T09:00:00.000Z'),
    now: new Date('2026-03-02T09:00:02.000Z'),
  });
}

async function rawItem(contactId: string, agentId = 'agent-1') {
  const result = await dynamo.client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'contactId = :c AND agentId = :a',
      ExpressionAttributeValues: { ':c': contactId, ':a': agentId },
    }),
  );
  return result.Items?.[0];
}

describe('DynamoSessionStore (R14: conditional writes on a real DynamoDB API)', () => {
  it('R14: creates a session once; a second create returns the stored one unchanged', async () => {
    const first = await store.create(session('c-create'));
    const second = await store.create({ ...session('c-create'), policySource: 'queue:other' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.session.policySource).toBe('default');
    expect(second.session.version).toBe(1);
  });

  it('R14: a save against a stale version is refused with VersionConflict and changes nothing', async () => {
    const { session: stored } = await store.create(session('c-conflict'));
    const saved = await store.save({ ...stored, wrapUpStatusSet: true });
    expect(saved.version).toBe(2);
    await expect(store.save({ ...stored, timerArmed: true })).rejects.toBeInstanceOf(VersionConflict);
    expect(await store.get('c-conflict', 'agent-1')).toMatchObject({
      wrapUpStatusSet: true,
      timerArmed: false,
      version: 2,
    });
  });

  it('keeps one session per contact and agent: a transferred contact has one per agent', async () => {
    await store.create(session('c-transfer', 'agent-a'));
    await store.create(session('c-transfer', 'agent-b'));
    expect((await store.get('c-transfer', 'agent-a'))?.agentId).toBe('agent-a');
    expect((await store.get('c-transfer', 'agent-b'))?.agentId).toBe('agent-b');
  });

  it('round-trips a session exactly, history included', async () => {
    const original = session('c-roundtrip');
    const { session: stored } = await store.create(original);
    expect(stored).toEqual({ ...original, version: 1 });
    expect(await store.get('c-roundtrip', 'agent-1')).toEqual({ ...original, version: 1 });
  });

  it('lists an open session under the agent in the openByAgent index, and drops it once its close is complete', async () => {
    const { session: stored } = await store.create(session('c-open', 'agent-open'));
    const open = () =>
      dynamo.client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: SESSION_TABLE.openByAgentIndex,
          KeyConditionExpression: `${SESSION_TABLE.openByAgentKey} = :a`,
          ExpressionAttributeValues: { ':a': 'agent-open' },
        }),
      );
    expect((await open()).Items?.map((i) => i.contactId)).toEqual(['c-open']);
    const closed = await store.save(
      closeSession(stored, {
        at: new Date('2026-03-02T09:01:30.000Z'),
        reason: 'TIMER',
        by: 'system',
        systemWrapUp: true,
        restore: 'PENDING',
      }),
    );
    // R15: still listed until its restore and record are done, for the sweep to find.
    expect((await open()).Items?.map((i) => i.contactId)).toEqual(['c-open']);
    const now = new Date('2026-03-02T09:01:31.000Z');
    await store.save(markContactRecordWritten(markRestored(closed, now, 'DONE'), now));
    expect((await open()).Items).toEqual([]);
  });

  it('R17: files complete sessions by queue and UTC day, and contacts without a queue under NO_QUEUE', async () => {
    const complete = async (s: Session) => {
      const { session: stored } = await store.create(s);
      const closed = closeSession(stored, {
        at: new Date('2026-03-02T09:01:30.000Z'),
        reason: 'TIMER',
        by: 'system',
        systemWrapUp: true,
        restore: 'PENDING',
      });
      const saved = await store.save(closed);
      expect((await rawItem(s.contactId))?.[SESSION_TABLE.byQueueDayKey]).toBeUndefined();
      const at = new Date('2026-03-02T09:01:31.000Z');
      await store.save(markContactRecordWritten(markRestored(saved, at, 'DONE'), at));
    };
    await complete(session('c-queue', 'agent-1', 'queue-7'));
    await complete(session('c-noqueue', 'agent-1', null));
    expect((await rawItem('c-queue'))?.[SESSION_TABLE.byQueueDayKey]).toBe('queue-7#2026-03-02');
    expect((await rawItem('c-noqueue'))?.[SESSION_TABLE.byQueueDayKey]).toBe(`${NO_QUEUE}#2026-03-02`);
  });

  it('R17: an open session is not in the byQueueDay index yet (it is written there once, when complete)', async () => {
    await store.create(session('c-open', 'agent-1', 'queue-7'));
    expect((await rawItem('c-open'))?.[SESSION_TABLE.byQueueDayKey]).toBeUndefined();
  });

  it('R17: the byQueueDay index holds what reports read, not the history', async () => {
    const { session: stored } = await store.create(session('c-report', 'agent-1', 'queue-9'));
    const at = new Date('2026-03-02T09:01:30.000Z');
    const closed = await store.save(
      closeSession(stored, { at, reason: 'TIMER', by: 'system', systemWrapUp: true, restore: 'PENDING' }),
    );
    await store.save(markContactRecordWritten(markRestored(closed, at, 'DONE'), at));
    const listed = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: SESSION_TABLE.byQueueDayIndex,
        KeyConditionExpression: '#k = :k',
        ExpressionAttributeNames: { '#k': SESSION_TABLE.byQueueDayKey },
        ExpressionAttributeValues: { ':k': 'queue-9#2026-03-02' },
      }),
    );
    expect(listed.Items).toHaveLength(1);
    expect(listed.Items?.[0]).toMatchObject({
      contactId: 'c-report',
      endReason: 'TIMER',
      queueId: 'queue-9',
    });
    expect(listed.Items?.[0]?.history).toBeUndefined();
  });

  it('stores the history compactly, one string per entry, and reads it back exactly', async () => {
    const { session: stored } = await store.create(session('c-history'));
    const at = new Date('2026-03-02T09:01:30.000Z');
    const closed = await store.save(
      closeSession(stored, {
        at,
        reason: 'STATUS_CHANGED',
        by: 'agent:agent-1',
        systemWrapUp: false,
        restore: 'SKIPPED',
        detail: 'agent chose Lunch | Break',
      }),
    );
    const item = await rawItem('c-history');
    expect(item?.history).toEqual(
      closed.history.map((entry) => expect.stringMatching(new RegExp(`^[0-9a-z]+\\|${entry.what}\\|`))),
    );
    expect(await store.get('c-history', 'agent-1')).toEqual(closed);
  });

  it('reads a history stored as maps (items written before the compact form)', async () => {
    const { session: stored } = await store.create(session('c-old-history'));
    const old = [{ at: '2026-03-02T09:00:00Z', what: 'STARTED', by: 'system', detail: 'policy default' }];
    await dynamo.client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { contactId: 'c-old-history', agentId: 'agent-1' },
        UpdateExpression: 'SET history = :h',
        ExpressionAttributeValues: { ':h': old },
      }),
    );
    expect((await store.get('c-old-history', 'agent-1'))?.history).toEqual(old);
    expect(stored.history.length).toBeGreaterThan(0);
  });

  it('keeps a typical closed session (six history entries) under 1 KB: one write unit, table and index', async () => {
    const { session: stored } = await store.create(session('c-size'));
    const at = new Date('2026-03-02T09:01:30.000Z');
    const closed = await store.save(
      closeSession(stored, { at, reason: 'TIMER', by: 'system', systemWrapUp: true, restore: 'PENDING' }),
    );
    await store.save(markContactRecordWritten(markRestored(closed, at, 'DONE'), at));
    const item = await rawItem('c-size');
    expect(item?.history).toHaveLength(closed.history.length + 2);
    expect(itemSize(item ?? {})).toBeLessThanOrEqual(1024);
  });

  it('sets the TTL only on a closed session, retentionDays after its end', async () => {
    const { session: stored } = await store.create(session('c-ttl'));
    expect((await rawItem('c-ttl'))?.[SESSION_TABLE.ttlAttribute]).toBeUndefined();
    await store.save(
      closeSession(stored, {
        at: new Date('2026-03-02T09:01:30.000Z'),
        reason: 'TIMER',
        by: 'system',
        systemWrapUp: true,
        restore: 'PENDING',
      }),
    );
    const expected = Date.parse('2026-03-02T09:01:30.000Z') / 1000 + 30 * 86_400;
    expect((await rawItem('c-ttl'))?.[SESSION_TABLE.ttlAttribute]).toBe(expected);
  });

  it('returns undefined for a session that does not exist', async () => {
    expect(await store.get('missing', 'agent-1')).toBeUndefined();
  });
});
