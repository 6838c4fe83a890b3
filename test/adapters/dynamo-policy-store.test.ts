/**
 * R20: the DynamoDB requests of a policy change, as DynamoDB receives them (aws-sdk-client-mock):
 * one consistent read, then one TransactWriteItems of the document (conditional on the version)
 * and the audit item (never overwriting one). Behaviour against a real DynamoDB API:
 * test/adapters/policy-store-contract.test.ts.
 */
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { PolicyVersionConflict, type PolicyWrite } from '../../lambda/core/ports';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const mock = mockClient(client);
const store = new DynamoPolicyStore({ client, tableName: 'sessions' });
const AT = '2026-03-02T09:00:00.000Z';
const WRITE: PolicyWrite = {
  level: 'queue',
  key: 'q-1',
  policy: { durationSeconds: 300 },
  expectedVersion: 3,
  by: 'admin-1',
  reason: 'longer',
  at: AT,
};

beforeEach(() => {
  mock.reset();
  mock
    .on(GetCommand)
    .resolves({ Item: { contactId: '#POLICIES', agentId: '#LIVE', version: 3, queues: {} } });
  mock.on(TransactWriteCommand).resolves({});
});

describe('DynamoPolicyStore requests (R20)', () => {
  it('R20: reads the document strongly consistently from its # item', async () => {
    expect((await store.read()).version).toBe(3);
    expect(mock.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'sessions',
      Key: { contactId: '#POLICIES', agentId: '#LIVE' },
      ConsistentRead: true,
    });
  });

  it('R20: writes the document on its version and a new audit item in one transaction', async () => {
    await store.write(WRITE);

    const input = mock.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(input?.TransactItems).toHaveLength(2);
    expect(input?.TransactItems?.[0]?.Put).toMatchObject({
      TableName: 'sessions',
      Item: {
        contactId: '#POLICIES',
        agentId: '#LIVE',
        version: 4,
        queues: { 'q-1': { policy: { durationSeconds: 300 }, version: 4, at: AT, by: 'admin-1' } },
      },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 3 },
    });
    expect(input?.TransactItems?.[1]?.Put).toEqual({
      TableName: 'sessions',
      Item: {
        contactId: '#POLICIES',
        agentId: '#CHANGE#0000000004',
        version: 4,
        at: AT,
        by: 'admin-1',
        reason: 'longer',
        level: 'queue',
        key: 'q-1',
        after: { durationSeconds: 300 },
      },
      ConditionExpression: 'attribute_not_exists(#sk)',
      ExpressionAttributeNames: { '#sk': 'agentId' },
    });
  });

  it('R20: the first change requires that no document exists', async () => {
    mock.on(GetCommand).resolves({});
    await store.write({ ...WRITE, expectedVersion: 0 });
    const put = mock.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(#version)');
    expect(put?.ExpressionAttributeValues).toBeUndefined();
  });

  it('R20: a transaction cancelled by the version condition is a PolicyVersionConflict', async () => {
    mock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(store.write(WRITE)).rejects.toBeInstanceOf(PolicyVersionConflict);
  });

  it('R20: another cancellation (throttling) is not mistaken for a conflict', async () => {
    mock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
      }),
    );
    await expect(store.write(WRITE)).rejects.toBeInstanceOf(TransactionCanceledException);
  });
});
