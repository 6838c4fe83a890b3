/**
 * A real DynamoDB API for tests: dynalite in-process, with the session table created exactly as
 * the adapter expects it (same keys and indexes as the CDK construct).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { DynamoSessionStore, SESSION_TABLE } from '../../lambda/adapters/dynamo-session-store';

export interface TestDynamo {
  readonly client: DynamoDBDocumentClient;
  /** A fresh, empty session table. */
  newStore(retentionDays?: number): Promise<{ store: DynamoSessionStore; tableName: string }>;
  close(): Promise<void>;
}

let tables = 0;

export async function startDynamo(): Promise<TestDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  return {
    client,
    async newStore(retentionDays = 90) {
      tables += 1;
      const tableName = `sessions-${process.pid}-${tables}`;
      await raw.send(createSessionTable(tableName));
      return { store: new DynamoSessionStore({ client, tableName, retentionDays }), tableName };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function createSessionTable(tableName: string): CreateTableCommand {
  const t = SESSION_TABLE;
  return new CreateTableCommand({
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: t.partitionKey, AttributeType: 'S' },
      { AttributeName: t.sortKey, AttributeType: 'S' },
      { AttributeName: t.openByAgentKey, AttributeType: 'S' },
      { AttributeName: t.openByAgentSort, AttributeType: 'S' },
      { AttributeName: t.byQueueDayKey, AttributeType: 'S' },
      { AttributeName: t.byQueueDaySort, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: t.partitionKey, KeyType: 'HASH' },
      { AttributeName: t.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: t.openByAgentIndex,
        KeySchema: [
          { AttributeName: t.openByAgentKey, KeyType: 'HASH' },
          { AttributeName: t.openByAgentSort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: t.byQueueDayIndex,
        KeySchema: [
          { AttributeName: t.byQueueDayKey, KeyType: 'HASH' },
          { AttributeName: t.byQueueDaySort, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  });
}
