/**
 * A real DynamoDB API in-process (dynalite), holding the session table exactly as the stack
 * declares it (SESSION_TABLE's keys and both GSIs), with a document client configured like the
 * deployed one. Counts requests by command for the bench.
 *
 * Fault `dynamoErrorRate`: each request *attempt* fails with that probability before it reaches
 * the table (half InternalServerError 500, half ProvisionedThroughputExceededException), injected
 * by middleware below the SDK's retry layer. So the SDK's own retries apply, as they do deployed
 * (`maxAttempts: 5`): a handler sees an error only when all five attempts fail. Their backoff is
 * slept on the virtual clock (VirtualRetryStrategy), never on the real one, so a faulty run is as
 * quick as a clean one while its invocations end as late as the retries make them.
 */
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  InternalServerError,
  ProvisionedThroughputExceededException,
  PutItemCommand,
  TransactionCanceledException,
  type TransactWriteItemsCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { DynamoPolicyStore } from '../lambda/adapters/dynamo-policy-store';
import { sessionFromItem } from '../lambda/adapters/dynamo-session-store';
import { isSessionItem, sessionTableDefinition } from '../lambda/adapters/session-keys';
import type { PolicyHistoryRecord } from '../lambda/core/ports';
import type { Session } from '../lambda/core/session';
import { failedWriteUnits, type IndexKeys, type Item, readUnits, writeUnits } from './capacity';
import type { VirtualClock } from './clock';
import { type Chance, DEPLOYED_MAX_ATTEMPTS, VirtualRetryStrategy } from './faults';
import type { Random } from './random';

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
  /** Attempts failed by `dynamoErrorRate`. */
  injectedErrors: number;
  /** Retries the SDK made (after an injected error). */
  retries: number;
  /**
   * Request units the handlers' requests consumed on demand (sim/capacity.ts), the simulator's own
   * final Scan not included: read units, write units on the table and on each index.
   */
  readonly capacity: CapacityCounts;
}

/** Request units consumed, for the bench's cost figure. */
export interface CapacityCounts {
  readUnits: number;
  tableWriteUnits: number;
  readonly indexWriteUnits: Record<string, number>;
  /** Writes refused by their condition (they consume the existing item's size). */
  conditionFailures: number;
  /** The simulator's own requests (the final Scan's pages): in `byCommand`, not the handlers'. */
  simulatorRequests: number;
}

export interface SimDynamoOptions {
  /**
   * The run's clock: the SDK's retry backoff is slept on it, and it waits for requests in flight.
   * Without it the SDK's own retry strategy applies.
   */
  readonly clock?: VirtualClock;
  /** Draws the retry backoff's jitter (with `clock`). */
  readonly retryRandom?: Random;
  /** `dynamoErrorRate`: each attempt fails with probability `rate`, drawn from `random`. */
  readonly errors?: Chance;
}

export interface SimDynamo {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly counts: DynamoCounts;
  /** Every stored session, as the table holds it (derived index attributes removed). */
  scanSessions(): Promise<Session[]>;
  /** R20: the policies' audited history, newest first, read by the simulator (not counted). */
  policyHistory(): Promise<PolicyHistoryRecord[]>;
  /** Stops the client and the server. */
  close(): Promise<void>;
}

const TABLE_NAME = 'connect-acw-sessions';

/** A retryable DynamoDB error: a 500, or throttling (both retried by the SDK). */
function injectedError(random: Random): Error {
  const message = 'Injected by the simulator (dynamoErrorRate)';
  return random.chance(0.5)
    ? new InternalServerError({ message, $metadata: { httpStatusCode: 500 } })
    : new ProvisionedThroughputExceededException({ message, $metadata: { httpStatusCode: 400 } });
}

/** Starts dynalite on 127.0.0.1 (a free port) and creates the session table. */
export async function startDynamo(options: SimDynamoOptions = {}): Promise<SimDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const counts: DynamoCounts = {
    writes: 0,
    reads: 0,
    byCommand: {},
    injectedErrors: 0,
    retries: 0,
    capacity: {
      readUnits: 0,
      tableWriteUnits: 0,
      indexWriteUnits: {},
      conditionFailures: 0,
      simulatorRequests: 0,
    },
  };
  const { clock, retryRandom, errors } = options;
  const base = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'simulator', secretAccessKey: 'simulator' },
    maxAttempts: DEPLOYED_MAX_ATTEMPTS,
    ...(clock === undefined || retryRandom === undefined
      ? {}
      : {
          retryStrategy: new VirtualRetryStrategy({
            clock,
            random: retryRandom,
            maxAttempts: DEPLOYED_MAX_ATTEMPTS,
            // Inside the request the clock waits for: the backoff must let it go on meanwhile.
            sleep: (ms) => clock.sleepReleasingBusy(ms),
            onRetry: () => {
              counts.retries++;
            },
          }),
        }),
  });
  const doc = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  await base.send(new CreateTableCommand(sessionTableDefinition(TABLE_NAME)));

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
  // Capacity accounting: the items as stored (kept from every write, read back after it by a
  // client of its own that nothing counts), so that each write's before and after sizes are known.
  const probeBase = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'simulator', secretAccessKey: 'simulator' },
  });
  const probe = DynamoDBDocumentClient.from(probeBase);
  const definition = sessionTableDefinition(TABLE_NAME);
  const keyNames = (definition.KeySchema ?? []).flatMap((key) =>
    key.AttributeName ? [key.AttributeName] : [],
  );
  const indexes: IndexKeys[] = (definition.GlobalSecondaryIndexes ?? []).map((index) => ({
    name: index.IndexName ?? '',
    hash: index.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName ?? '',
    range: index.KeySchema?.find((key) => key.KeyType === 'RANGE')?.AttributeName ?? '',
    ...(index.Projection?.ProjectionType === 'INCLUDE'
      ? { projected: { tableKeys: keyNames, include: index.Projection.NonKeyAttributes ?? [] } }
      : {}),
  }));
  const stored = new Map<string, Item>();
  let simulatorScan = false;
  const keyOf = (item: Item): Item => Object.fromEntries(keyNames.map((name) => [name, item[name]]));
  const keyText = (item: Item): string => JSON.stringify(keyNames.map((name) => item[name]));
  const busy = <T>(request: () => Promise<T>): Promise<T> =>
    clock === undefined ? request() : clock.trackBusy(request);
  const accountWrite = async (key: Item, deleted: boolean, transactional: boolean) => {
    const before = stored.get(keyText(key));
    let after: Item | undefined;
    if (!deleted) {
      const read = await busy(() =>
        probe.send(new GetCommand({ TableName: TABLE_NAME, Key: keyOf(key), ConsistentRead: true })),
      );
      after = read.Item;
    }
    if (after === undefined) stored.delete(keyText(key));
    else stored.set(keyText(key), after);
    const used = writeUnits(before, after, indexes, transactional);
    counts.capacity.tableWriteUnits += used.table;
    for (const [name, value] of Object.entries(used.indexes))
      counts.capacity.indexWriteUnits[name] = (counts.capacity.indexWriteUnits[name] ?? 0) + value;
  };
  const writesOf = (name: string, input: Record<string, unknown>) => {
    const writes: Array<{ key: Item; deleted: boolean; transactional: boolean }> = [];
    if (name === 'PutCommand' || name === 'PutItemCommand')
      writes.push({ key: keyOf(input.Item as Item), deleted: false, transactional: false });
    if (name === 'UpdateCommand' || name === 'UpdateItemCommand')
      writes.push({ key: input.Key as Item, deleted: false, transactional: false });
    if (name === 'DeleteCommand' || name === 'DeleteItemCommand')
      writes.push({ key: input.Key as Item, deleted: true, transactional: false });
    if (name === 'TransactWriteCommand' || name === 'TransactWriteItemsCommand') {
      for (const entry of (input.TransactItems ?? []) as Array<Record<string, { Item?: Item; Key?: Item }>>) {
        if (entry.Put?.Item) writes.push({ key: keyOf(entry.Put.Item), deleted: false, transactional: true });
        if (entry.Update?.Key) writes.push({ key: entry.Update.Key, deleted: false, transactional: true });
        if (entry.Delete?.Key) writes.push({ key: entry.Delete.Key, deleted: true, transactional: true });
      }
    }
    if (name === 'BatchWriteCommand' || name === 'BatchWriteItemCommand') {
      const requests = (input.RequestItems ?? {}) as Record<
        string,
        Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>
      >;
      for (const request of Object.values(requests).flat()) {
        if (request.PutRequest)
          writes.push({ key: keyOf(request.PutRequest.Item), deleted: false, transactional: false });
        if (request.DeleteRequest)
          writes.push({ key: request.DeleteRequest.Key, deleted: true, transactional: false });
      }
    }
    return writes;
  };
  const accountRead = (name: string, input: Record<string, unknown>, output: Record<string, unknown>) => {
    // Index reads are eventually consistent whatever is asked.
    const consistent = input.ConsistentRead === true && input.IndexName === undefined;
    if (name === 'GetCommand' || name === 'GetItemCommand') {
      const item = output.Item as Item | undefined;
      counts.capacity.readUnits += readUnits(item === undefined ? [] : [item], consistent);
    }
    if (name === 'QueryCommand' || name === 'ScanCommand')
      counts.capacity.readUnits += readUnits((output.Items ?? []) as Item[], consistent);
    if (name === 'BatchGetCommand' || name === 'BatchGetItemCommand') {
      const requests = (input.RequestItems ?? {}) as Record<string, { ConsistentRead?: boolean }>;
      const responses = (output.Responses ?? {}) as Record<string, Item[]>;
      for (const [table, items] of Object.entries(responses)) {
        for (const item of items)
          counts.capacity.readUnits += readUnits([item], requests[table]?.ConsistentRead === true);
      }
    }
  };
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      if (simulatorScan) {
        counts.capacity.simulatorRequests++;
        return next(args);
      }
      try {
        const output = await next(args);
        accountRead(name, input, output.output as Record<string, unknown>);
        for (const write of writesOf(name, input))
          await accountWrite(write.key, write.deleted, write.transactional);
        return output;
      } catch (error) {
        if (error instanceof Error && /ConditionalCheckFailed|TransactionCanceled/.test(error.name)) {
          counts.capacity.conditionFailures++;
          for (const write of writesOf(name, input))
            counts.capacity.tableWriteUnits += failedWriteUnits(
              stored.get(keyText(write.key)),
              write.transactional,
            );
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'simulatorCapacity' },
  );
  if (clock !== undefined) {
    // The clock waits for a request in flight (real I/O) before running anything else. Low
    // priority: inside the simulated latency (added later, at normal priority), whose sleeps
    // must park the task, not hold the clock.
    doc.middlewareStack.add((next) => (args) => clock.trackBusy(() => next(args)), {
      step: 'initialize',
      priority: 'low',
      name: 'simulatorBusy',
    });
  }
  // dynalite has no TransactWriteItems (the policy store's change and its audit record): carried
  // out here, in place of the request, on the uncounted client (the request is counted and
  // accounted above as the transaction it is).
  carryOutTransactions(doc, probeBase, keyNames);
  if (errors !== undefined && errors.rate > 0) {
    // Below the retry middleware (finalizeRequest, high priority): once per attempt. The
    // simulator's own final Scan is spared, so that the report always reads the table.
    doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'ScanCommand' && errors.random.chance(errors.rate)) {
          counts.injectedErrors++;
          throw injectedError(errors.random);
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'simulatorInjectedErrors' },
    );
  }

  return {
    doc,
    tableName: TABLE_NAME,
    counts,
    async scanSessions() {
      const sessions: Session[] = [];
      let startKey: Record<string, unknown> | undefined;
      simulatorScan = true;
      do {
        // The simulator's own read: Scan is in neither `reads` nor `writes`.
        const page = await doc.send(
          new ScanCommand({ TableName: TABLE_NAME, ConsistentRead: true, ExclusiveStartKey: startKey }),
        );
        for (const item of page.Items ?? []) {
          // Flow choices, interruption records, observed statuses... live beside the sessions.
          if (isSessionItem(item)) sessions.push(sessionFromItem(item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
      simulatorScan = false;
      return sessions;
    },
    policyHistory() {
      return new DynamoPolicyStore({ client: probe, tableName: TABLE_NAME }).history(Number.MAX_SAFE_INTEGER);
    },
    async close() {
      base.destroy();
      probeBase.destroy();
      await new Promise<void>((resolve, reject) => {
        server.close((error?: Error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Makes `doc` carry out its TransactWriteItems itself, on `base` (a client nothing counts), since
 * dynalite has none: as `transactPuts`, in place of the request. Used by the simulator, the local
 * server (through it) and the tests of the policy store on dynalite. `keyNames`: the table's keys.
 */
export function carryOutTransactions(
  doc: DynamoDBDocumentClient,
  base: DynamoDBClient,
  keyNames: readonly string[],
): void {
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName;
      if (name !== 'TransactWriteItemsCommand' && name !== 'TransactWriteCommand') return next(args);
      await transactPuts(base, args.input as TransactWriteItemsCommandInput, keyNames);
      return { output: { $metadata: { httpStatusCode: 200 } }, response: {} } as never;
    },
    { step: 'build', name: 'simulatorTransactions' },
  );
}

/**
 * A TransactWriteItems of Puts, all or nothing as DynamoDB's: each Put in turn with its condition,
 * and when one is refused, what the earlier ones wrote is put back and the transaction cancelled
 * with DynamoDB's reasons. Not isolated from other writers: in the simulated account only the
 * policy store writes transactions, one administrator's change at a time.
 * @throws TransactionCanceledException when a condition fails.
 */
async function transactPuts(
  client: DynamoDBClient,
  input: TransactWriteItemsCommandInput,
  keyNames: readonly string[],
): Promise<void> {
  const items = input.TransactItems ?? [];
  const written: Array<{
    table: string;
    key: Record<string, AttributeValue>;
    before?: Record<string, AttributeValue>;
  }> = [];
  const undo = async () => {
    for (const { table, key, before } of written.reverse()) {
      if (before === undefined) await client.send(new DeleteItemCommand({ TableName: table, Key: key }));
      else await client.send(new PutItemCommand({ TableName: table, Item: before }));
    }
  };
  for (const [index, entry] of items.entries()) {
    const put = entry.Put;
    if (put?.Item === undefined || put.TableName === undefined) {
      await undo();
      throw new Error(
        'The simulator carries out transactions of Puts only (dynalite has no TransactWriteItems)',
      );
    }
    const item = put.Item;
    const table = put.TableName;
    const key = Object.fromEntries(
      keyNames.flatMap((name) => (item[name] === undefined ? [] : [[name, item[name]]])),
    );
    const { Item: before } = await client.send(
      new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
    );
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: item,
          ConditionExpression: put.ConditionExpression,
          ExpressionAttributeNames: put.ExpressionAttributeNames,
          ExpressionAttributeValues: put.ExpressionAttributeValues,
        }),
      );
    } catch (error) {
      await undo();
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: { httpStatusCode: 400 },
        CancellationReasons: items.map((_, other) => ({
          Code: other === index ? 'ConditionalCheckFailed' : 'None',
        })),
      });
    }
    written.push({ table, key, ...(before === undefined ? {} : { before }) });
  }
}
