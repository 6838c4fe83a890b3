/**
 * A real DynamoDB API in-process (dynalite), holding the session table exactly as the stack
 * declares it (SESSION_TABLE's keys and both GSIs), with a document client configured like the
 * deployed one. Counts requests by command for the bench.
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { sessionFromItem } from '../lambda/adapters/dynamo-session-store';
import { OVERRIDE_SORT_KEY, SESSION_TABLE, sessionTableDefinition } from '../lambda/adapters/session-keys';
import type { Session } from '../lambda/core/session';

/** Commands that write (and consume write capacity, even when their condition fails). */
const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

/** Requests the handlers made, by command (table setup and the final scan not included). */
export interface DynamoCounts {
  writes: number;
  reads: number;
  readonly byCommand: Record<string, number>;
}

export interface SimDynamo {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly counts: DynamoCounts;
  /** Every stored session, as the table holds it (derived index attributes removed). */
  scanSessions(): Promise<Session[]>;
  /** Stops the client and the server. */
  close(): Promise<void>;
}

const TABLE_NAME = 'connect-acw-sessions';

/** Starts dynalite on 127.0.0.1 (a free port) and creates the session table. */
export async function startDynamo(): Promise<SimDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'simulator', secretAccessKey: 'simulator' },
  });
  const doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  await base.send(new CreateTableCommand(sessionTableDefinition(TABLE_NAME)));

  const counts: DynamoCounts = { writes: 0, reads: 0, byCommand: {} };
  // Counted once per request at the first step, so SDK retries of one request count once.
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      counts.byCommand[name] = (counts.byCommand[name] ?? 0) + 1;
      if (WRITE_COMMANDS.has(name)) counts.writes++;
      if (READ_COMMANDS.has(name)) counts.reads++;
      return next(args);
    },
    { step: 'initialize', name: 'simulatorRequestCount' },
  );

  return {
    doc,
    tableName: TABLE_NAME,
    counts,
    async scanSessions() {
      const sessions: Session[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        // The simulator's own read: Scan is in neither `reads` nor `writes`.
        const page = await doc.send(
          new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
        );
        for (const item of page.Items ?? []) {
          // A contact flow's choice for a contact lives beside its sessions: not a session.
          if (item[SESSION_TABLE.sortKey] !== OVERRIDE_SORT_KEY) sessions.push(sessionFromItem(item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      return sessions;
    },
    async close() {
      base.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
