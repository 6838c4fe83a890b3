/**
 * moto's DynamoDB, for what dynalite lacks (TransactWriteItems): a `moto_server` child process on
 * a free local port, started once per test file, with a fresh session table per test.
 * Never blocks the event loop while it starts (spawn, then polling with async requests).
 *
 * The client sends one request at a time: moto is not isolated as DynamoDB is. Its
 * TransactWriteItems copies the tables first and, when a condition fails, puts the copy back, so a
 * transaction another thread committed meanwhile is lost (moto 5.2.1,
 * `DynamoDBBackend.transact_write_items`): R20's "two changes at once, exactly one accepted" then
 * failed now and then with the accepted change's history record gone. One at a time is what
 * DynamoDB's serializable transactions give: the second change is still refused on its version.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { sessionTableDefinition } from '../../lambda/adapters/session-keys';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A fresh session table on moto for every test of the file; `client` and `tableName` are the
 * current test's, `endpoint` moto's URL (for a child process: AWS_ENDPOINT_URL_DYNAMODB).
 */
export function useMotoTable(): { client: DynamoDBDocumentClient; tableName: string; endpoint: string } {
  const handle = {} as { client: DynamoDBDocumentClient; tableName: string; endpoint: string };
  let child: ChildProcess | undefined;
  let raw: DynamoDBClient | undefined;
  let tables = 0;
  beforeAll(async () => {
    const port = await freePort();
    child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    handle.endpoint = `http://127.0.0.1:${port}`;
    raw = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: handle.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
    // One request at a time (see the module comment); the document client shares this stack.
    let previous: Promise<unknown> = Promise.resolve();
    raw.middlewareStack.add(
      (next) => (args) => {
        const sent = previous.then(() => next(args));
        previous = sent.catch(() => undefined);
        return sent;
      },
      { step: 'initialize', name: 'motoOneRequestAtATime' },
    );
    for (let attempt = 0; ; attempt++) {
      try {
        await raw.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (attempt >= 200) throw new Error(`moto_server did not answer on port ${port}: ${String(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    handle.client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  }, 30_000);
  beforeEach(async () => {
    if (raw === undefined) throw new Error('moto_server did not start');
    tables += 1;
    handle.tableName = `sessions-${process.pid}-${tables}`;
    await raw.send(new CreateTableCommand(sessionTableDefinition(handle.tableName)));
  });
  afterAll(() => {
    raw?.destroy();
    child?.kill();
  });
  return handle;
}
