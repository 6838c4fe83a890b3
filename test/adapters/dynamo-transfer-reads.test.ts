/**
 * R3, R10: the DynamoDB requests the adapter sends to read a transfer chain, checked with
 * aws-sdk-client-mock (their behaviour on dynalite is in store-contract.test.ts): one
 * BatchGetItem for the chain's choices, strongly consistent, each contact once, asking again only
 * for keys DynamoDB left unprocessed; and one Query by partition for a contact's sessions.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';

const TABLE = 'sessions';
const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(client);
const store = new DynamoSessionStore({ client, tableName: TABLE, retentionDays: 90 });
const key = (contactId: string) => ({ contactId, agentId: '#FLOW' });

beforeEach(() => {
  dynamo.reset();
});

describe('DynamoSessionStore: reading a transfer chain', () => {
  it('R3: getOverrides sends one consistent BatchGetItem, each contact once, and returns the choices by contact', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [{ ...key('c-a'), profile: 'tier3', setAt: 't', expiresAt: 1 }] },
    });

    const found = await store.getOverrides(['c-c', 'c-b', 'c-a', 'c-a']);

    expect(dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input)).toEqual([
      { RequestItems: { [TABLE]: { Keys: [key('c-c'), key('c-b'), key('c-a')], ConsistentRead: true } } },
    ]);
    expect([...found.entries()]).toEqual([['c-a', { contactId: 'c-a', profile: 'tier3', setAt: 't' }]]);
  });

  it('R3: keys DynamoDB leaves unprocessed are asked for again, and only those', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [{ ...key('c-a'), mode: 'forced', setAt: 't' }] },
        UnprocessedKeys: { [TABLE]: { Keys: [key('c-b')] } },
      })
      .resolvesOnce({ Responses: { [TABLE]: [{ ...key('c-b'), durationSeconds: 30, setAt: 't' }] } });

    const found = await store.getOverrides(['c-a', 'c-b']);

    const keys = dynamo
      .commandCalls(BatchGetCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.Keys);
    expect(keys).toEqual([[key('c-a'), key('c-b')], [key('c-b')]]);
    expect(found.get('c-b')?.durationSeconds).toBe(30);
  });

  it('R3: no contact, no request', async () => {
    expect((await store.getOverrides([])).size).toBe(0);
    expect(dynamo.calls()).toHaveLength(0);
  });

  it("R10: listByContact queries the contact's partition on the table and keeps sessions only", async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { contactId: 'c-1', agentId: '#FLOW', profile: 'x' },
        { contactId: 'c-1', agentId: '#INTERRUPT#a', ended: true },
        { contactId: 'c-1', agentId: 'a', queueId: 'q-1', queueDay: 'q-1#2026-03-02' },
      ],
    });

    const sessions = await store.listByContact('c-1');

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: TABLE,
      KeyConditionExpression: '#pk = :contact',
      ExpressionAttributeNames: { '#pk': 'contactId' },
      ExpressionAttributeValues: { ':contact': 'c-1' },
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBeUndefined();
    expect(sessions).toEqual([{ contactId: 'c-1', agentId: 'a', queueId: 'q-1' }]);
  });
});
