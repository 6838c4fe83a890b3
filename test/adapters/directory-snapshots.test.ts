/**
 * R20: listings of names kept in the session table (dynalite), so a new container reads one item
 * instead of listing Connect; and the directory adapter using them.
 */
import { ConnectClient, ListQueuesCommand, SearchUsersCommand } from '@aws-sdk/client-connect';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectDirectory, DIRECTORY_CACHE_TTL_MS } from '../../lambda/adapters/connect-directory';
import {
  type DirectorySnapshots,
  DynamoDirectorySnapshots,
  MAX_SNAPSHOT_BYTES,
} from '../../lambda/adapters/dynamo-directory-snapshots';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { RecordingLog } from '../support/fakes';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;
const SAVED_AT = Date.parse('2026-03-02T09:00:00Z');

let dynamo: TestDynamo;
let snapshots: DynamoDirectorySnapshots;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  ({ tableName } = await dynamo.newStore());
  snapshots = new DynamoDirectorySnapshots({ client: dynamo.client, tableName });
  connect.reset();
  connect
    .on(ListQueuesCommand)
    .resolves({ QueueSummaryList: [{ Id: 'q-billing', Name: 'Billing' }] })
    .on(SearchUsersCommand)
    .resolves({ Users: [{ Id: 'u-ana', Username: 'alima', IdentityInfo: { FirstName: 'Ana' } }] });
});

function directory(now: () => number, store: DirectorySnapshots = snapshots, log = new RecordingLog()) {
  return new ConnectDirectory({
    client: new ConnectClient({ region: 'us-east-1' }),
    now,
    snapshots: store,
    log,
  });
}

describe('DynamoDirectorySnapshots', () => {
  it('R20: keeps a listing as one #DIRECTORY item with a TTL, and reads it back', async () => {
    await snapshots.write(INSTANCE_ID, 'queues', { names: new Map([['q-1', 'Billing']]), savedAt: SAVED_AT });

    const read = await snapshots.read(INSTANCE_ID, 'queues');

    expect(read).toEqual({ names: new Map([['q-1', 'Billing']]), savedAt: SAVED_AT });
    expect(await snapshots.read(INSTANCE_ID, 'agents')).toBeUndefined();
    const { Item } = await dynamo.client.send(
      new GetCommand({
        TableName: tableName,
        Key: { contactId: `#DIRECTORY#${INSTANCE_ID}`, agentId: '#QUEUES' },
      }),
    );
    expect(Item?.expiresAt).toBe(SAVED_AT / 1000 + 24 * 60 * 60);
  });

  it('R20: a listing too large for one item is not kept', async () => {
    const names = new Map([['q-1', 'x'.repeat(MAX_SNAPSHOT_BYTES)]]);

    await snapshots.write(INSTANCE_ID, 'queues', { names, savedAt: SAVED_AT });

    expect(await snapshots.read(INSTANCE_ID, 'queues')).toBeUndefined();
  });
});

describe('ConnectDirectory with snapshots', () => {
  it('R20: a new container takes the saved listing while it is younger than the TTL, without calling Connect', async () => {
    let now = SAVED_AT;
    await directory(() => now).names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: ['u-ana'] });
    expect(connect.calls()).toHaveLength(2);

    now = SAVED_AT + DIRECTORY_CACHE_TTL_MS - 1;
    const names = await directory(() => now).names(INSTANCE_ARN, {
      queueIds: ['q-billing'],
      agentIds: ['u-ana'],
    });

    expect(names.queues.get('q-billing')).toBe('Billing');
    expect(names.agents.get('u-ana')).toBe('Ana');
    expect(connect.calls()).toHaveLength(2);
  });

  it('R20: a saved listing as old as the TTL is listed again from Connect, and saved', async () => {
    await snapshots.write(INSTANCE_ID, 'queues', {
      names: new Map([['q-billing', 'Old name']]),
      savedAt: SAVED_AT,
    });
    const now = SAVED_AT + DIRECTORY_CACHE_TTL_MS;

    const names = await directory(() => now).names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });

    expect(names.queues.get('q-billing')).toBe('Billing');
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(1);
    expect(await snapshots.read(INSTANCE_ID, 'queues')).toEqual({
      names: new Map([['q-billing', 'Billing']]),
      savedAt: now,
    });
  });

  it('R20: a snapshot store that fails is only a warning: names come from Connect', async () => {
    const broken: DirectorySnapshots = {
      read: async () => {
        throw new Error('table unavailable');
      },
      write: async () => {
        throw new Error('table unavailable');
      },
    };
    const log = new RecordingLog();

    const names = await directory(() => SAVED_AT, broken, log).names(INSTANCE_ARN, {
      queueIds: ['q-billing'],
      agentIds: [],
    });

    expect(names.queues.get('q-billing')).toBe('Billing');
    expect(log.lines.map((line) => [line.level, line.message])).toEqual([
      ['warn', 'Could not read the saved names'],
      ['warn', 'Could not save the names'],
    ]);
  });
});
