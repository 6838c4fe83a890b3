import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { SESSION_TABLE } from '../../lambda/adapters/session-keys';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import { closeSession, markContactRecordWritten, openSession, type Session } from '../../lambda/core/session';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { MemorySessionStore } from '../support/memory-store';

let dynamo: TestDynamo;
let store: DynamoSessionStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynamo();
  ({ store, tableName } = await dynamo.newStore(30));
});
afterAll(() => dynamo.close());

const AT = new Date('2026-03-02T09:01:30.000Z');

function closed(contactId: string): Session {
  const open = openSession({
    contactId,
    agentId: 'agent-1',
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
    channel: 'VOICE',
    queueId: 'queue-1',
    policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 90 },
    policySource: 'default',
    startedAt: new Date('2026-03-02T09:00:00.000Z'),
    now: new Date('2026-03-02T09:00:02.000Z'),
  });
  return closeSession(open, {
    at: AT,
    reason: 'TIMER',
    by: 'system',
    systemWrapUp: true,
    restore: 'SKIPPED',
  });
}

async function rawItem(contactId: string) {
  const result = await dynamo.client.send(
    new GetCommand({ TableName: tableName, Key: { contactId, agentId: 'agent-1' }, ConsistentRead: true }),
  );
  return result.Item;
}

describe('R17: contactRecord keeps the stored item attribute name "attributes"', () => {
  it('R17: a session is written with its contactRecord under "attributes", and read back by its own name', async () => {
    const { session } = await store.create(closed('c-record-write'));
    await store.save(markContactRecordWritten(session, AT));

    const item = await rawItem('c-record-write');
    expect(SESSION_TABLE.contactRecordAttribute).toBe('attributes');
    expect(item).toMatchObject({ attributes: 'DONE' });
    expect(item).not.toHaveProperty('contactRecord');
    expect((await store.get('c-record-write', 'agent-1'))?.contactRecord).toBe('DONE');
  });

  it('R17: an item stored before the rename (PENDING under "attributes") is read as contactRecord PENDING and still listed for the sweep', async () => {
    const { contactRecord: _renamed, ...fields } = closed('c-record-old');
    await dynamo.client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...fields,
          attributes: 'PENDING',
          openAgentId: 'agent-1',
          openUntil: fields.deadline,
          version: 1,
        },
      }),
    );

    const read = await store.get('c-record-old', 'agent-1');
    expect(read?.contactRecord).toBe('PENDING');
    expect(read).not.toHaveProperty('attributes');
    expect((await store.listOpen()).map((s) => s.contactId)).toContain('c-record-old');
  });

  it('R17: the in-memory store model reads and writes the same item attribute', async () => {
    const memory = new MemorySessionStore();
    const { session } = await memory.create(closed('c-record-memory'));
    const saved = await memory.save(markContactRecordWritten(session, AT));
    expect(saved.contactRecord).toBe('DONE');
    expect((await memory.get('c-record-memory', 'agent-1'))?.contactRecord).toBe('DONE');
    expect(await memory.get('c-record-memory', 'agent-1')).not.toHaveProperty('attributes');
  });
});
