/**
 * A real DynamoDB API for tests: dynalite in-process, with the session table created exactly as
 * the adapter expects it (same keys and indexes as the CDK construct).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { sessionTableDefinition } from '../../lambda/adapters/session-keys';

export interface TestDynamo {
  readonly client: DynamoDBDocumentClient;
  /** The low-level client under `client`, for what must not go through its middleware. */
  readonly raw: DynamoDBClient;
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
    raw,
    async newStore(retentionDays = 90) {
      tables += 1;
      const tableName = `sessions-${process.pid}-${tables}`;
      await raw.send(new CreateTableCommand(sessionTableDefinition(tableName)));
      // dynalite answers CreateTable while the table is still CREATING (as DynamoDB does), and
      // refuses requests to it until it is ACTIVE: wait for that, as a deployed stack would.
      for (let attempt = 0; ; attempt++) {
        const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
        if (Table?.TableStatus === 'ACTIVE') break;
        if (attempt >= 100)
          throw new Error(`Table ${tableName} is still ${Table?.TableStatus} after 100 checks`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { store: new DynamoSessionStore({ client, tableName, retentionDays }), tableName };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A fresh session table for every test, on a dynalite started once for the test file (vitest
 * hooks registered here): no test sees another's sessions, which R12 (an agent's other open
 * wrap-ups) depends on.
 */
export function useSessionStore(): { readonly store: DynamoSessionStore } {
  let dynamo: TestDynamo | undefined;
  const handle: { store: DynamoSessionStore } = {} as { store: DynamoSessionStore };
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  beforeEach(async () => {
    if (dynamo === undefined) throw new Error('dynalite did not start');
    handle.store = (await dynamo.newStore()).store;
  });
  afterAll(() => dynamo?.close());
  return handle;
}
