/**
 * Issue 13: ReportStore on the session table. What serves each read:
 *
 * | read | served by | requests |
 * | --- | --- | --- |
 * | raw sessions of a queue's day (today, the edges of a range, the roll-up's input) | GSI `byQueueDay`: `queueDay` = `QUEUE_ID#YYYY-MM-DD` (`NO_QUEUE#...` without a queue) | one Query per queue and day, paged |
 * | groupBy=queue, channel, day; the distribution; the recommendations | queue cells: partition `#REPORT#QUEUE`, sort `YYYY-MM-DD#QUEUE_ID#CHANNEL` | one Query per range, paged |
 * | groupBy=agent | agent cells: partition `#REPORT#AGENT`, sort `YYYY-MM-DD#AGENT_ID` | one Query per range, paged |
 * | the last day rolled up | `#REPORT#STATE` / `#STATE`, `rolledThrough` | one GetItem |
 *
 * No contact id starts with `#`, so these partitions are never taken for sessions, and they carry
 * none of the index attributes (they are in no index) nor a TTL: a cell is a few hundred bytes,
 * kept after its sessions expire. Nothing here is written on the wrap-up path: the roll-up
 * function writes the cells once a day (issue 11's budget of DynamoDB requests per wrap-up is
 * untouched).
 *
 * A cell's needed-time histogram is one string, `SECONDS:ENDED[:CENSORED]` items separated by
 * spaces, in order of seconds: smaller than a map (whose keys count as attribute names).
 */
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AgentCell,
  NeededCount,
  QueueCell,
  ReportCells,
  ReportSession,
  ReportStore,
  Tally,
} from '../core/reports';
import { NO_QUEUE, SESSION_TABLE } from './session-keys';

/** The partitions and sort keys of the roll-up items. */
export const REPORT_ITEMS = {
  queuePartition: '#REPORT#QUEUE',
  agentPartition: '#REPORT#AGENT',
  statePartition: '#REPORT#STATE',
  stateSort: '#STATE',
} as const;

/** The queue cell's sort key: `YYYY-MM-DD#QUEUE_ID#CHANNEL`. */
export function queueCellSortKey(cell: Pick<QueueCell, 'day' | 'queueId' | 'channel'>): string {
  return `${cell.day}#${cell.queueId ?? NO_QUEUE}#${cell.channel}`;
}

/** The agent cell's sort key: `YYYY-MM-DD#AGENT_ID`. */
export function agentCellSortKey(cell: Pick<AgentCell, 'day' | 'agentId'>): string {
  return `${cell.day}#${cell.agentId}`;
}

export interface DynamoReportStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Waits between BatchWriteItem retries of unprocessed items. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const BATCH = 25;
const MAX_BATCH_ATTEMPTS = 8;

export class DynamoReportStore implements ReportStore {
  constructor(private readonly props: DynamoReportStoreProps) {}

  async rolledThrough(): Promise<string | undefined> {
    const result = await this.props.client.send(
      new GetCommand({
        TableName: this.props.tableName,
        Key: {
          [SESSION_TABLE.partitionKey]: REPORT_ITEMS.statePartition,
          [SESSION_TABLE.sortKey]: REPORT_ITEMS.stateSort,
        },
        ConsistentRead: true,
      }),
    );
    const through = result.Item?.rolledThrough;
    return typeof through === 'string' ? through : undefined;
  }

  async queueCells(fromDay: string, toDay: string): Promise<QueueCell[]> {
    const items = await this.queryDays(REPORT_ITEMS.queuePartition, fromDay, toDay);
    return items.map((item) => ({
      day: String(item.day),
      queueId: typeof item.queueId === 'string' ? item.queueId : null,
      channel: String(item.channel),
      tally: tallyFromItem(item),
    }));
  }

  async agentCells(fromDay: string, toDay: string): Promise<AgentCell[]> {
    const items = await this.queryDays(REPORT_ITEMS.agentPartition, fromDay, toDay);
    return items.map((item) => ({
      day: String(item.day),
      // The table's sort key (`agentId`) holds the cell's key: the agent id follows the day and '#'.
      agentId: String(item[SESSION_TABLE.sortKey]).slice('YYYY-MM-DD#'.length),
      tally: tallyFromItem(item),
    }));
  }

  /** One Query: the partition's items of the days from `fromDay` to `toDay` ('$' sorts right after '#'). */
  private async queryDays(
    partition: string,
    fromDay: string,
    toDay: string,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          KeyConditionExpression: '#pk = :partition AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey, '#sk': SESSION_TABLE.sortKey },
          ExpressionAttributeValues: { ':partition': partition, ':from': fromDay, ':to': `${toDay}$` },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  async sessionsOf(queueId: string | null, day: string): Promise<ReportSession[]> {
    const sessions: ReportSession[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          IndexName: SESSION_TABLE.byQueueDayIndex,
          KeyConditionExpression: '#key = :key',
          ExpressionAttributeNames: { '#key': SESSION_TABLE.byQueueDayKey },
          ExpressionAttributeValues: { ':key': `${queueId ?? NO_QUEUE}#${day}` },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) sessions.push(sessionFromIndexItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return sessions;
  }

  async putDay(day: string, cells: ReportCells): Promise<void> {
    const items = [
      ...cells.queues.map((cell) => ({
        [SESSION_TABLE.partitionKey]: REPORT_ITEMS.queuePartition,
        [SESSION_TABLE.sortKey]: queueCellSortKey(cell),
        day: cell.day,
        ...(cell.queueId === null ? {} : { queueId: cell.queueId }),
        channel: cell.channel,
        ...tallyItem(cell.tally),
      })),
      ...cells.agents.map((cell) => ({
        [SESSION_TABLE.partitionKey]: REPORT_ITEMS.agentPartition,
        [SESSION_TABLE.sortKey]: agentCellSortKey(cell),
        day: cell.day,
        ...tallyItem(cell.tally),
      })),
    ];
    for (let at = 0; at < items.length; at += BATCH) await this.writeBatch(items.slice(at, at + BATCH));
    // Last, so that a run that failed midway rolls the day up again.
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          [SESSION_TABLE.partitionKey]: REPORT_ITEMS.statePartition,
          [SESSION_TABLE.sortKey]: REPORT_ITEMS.stateSort,
          rolledThrough: day,
        },
      }),
    );
  }

  /** One BatchWriteItem, asking again (with backoff) for what DynamoDB left unprocessed. */
  private async writeBatch(items: Record<string, unknown>[]): Promise<void> {
    let requests: BatchWriteCommandOutput['UnprocessedItems'] = {
      [this.props.tableName]: items.map((Item) => ({ PutRequest: { Item } })),
    };
    const sleep =
      this.props.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    for (let attempt = 0; (requests?.[this.props.tableName]?.length ?? 0) > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(
          `BatchWriteItem left ${requests?.[this.props.tableName]?.length} roll-up items unwritten after ${attempt} attempts`,
        );
      }
      if (attempt > 0) await sleep(Math.min(2_000, 50 * 2 ** attempt));
      const result: BatchWriteCommandOutput = await this.props.client.send(
        new BatchWriteCommand({ RequestItems: requests }),
      );
      requests = result.UnprocessedItems;
    }
  }
}

/** A tally as item attributes. */
export function tallyItem(tally: Tally): Record<string, unknown> {
  return {
    contacts: tally.contacts,
    wrapUpMs: tally.wrapUpMs,
    extensions: tally.extensions,
    systemEnded: tally.systemEnded,
    timerEnded: tally.timerEnded,
    needed: encodeNeeded(tally.needed),
    ...(tally.latest === undefined
      ? {}
      : { latestAt: tally.latest.startedAt, latestWindow: tally.latest.windowSeconds }),
  };
}

/** A tally back from its attributes. */
export function tallyFromItem(item: Record<string, unknown>): Tally {
  return {
    contacts: Number(item.contacts ?? 0),
    wrapUpMs: Number(item.wrapUpMs ?? 0),
    extensions: Number(item.extensions ?? 0),
    systemEnded: Number(item.systemEnded ?? 0),
    timerEnded: Number(item.timerEnded ?? 0),
    needed: decodeNeeded(typeof item.needed === 'string' ? item.needed : ''),
    latest:
      typeof item.latestAt === 'string'
        ? {
            startedAt: item.latestAt,
            windowSeconds: typeof item.latestWindow === 'number' ? item.latestWindow : null,
          }
        : undefined,
  };
}

/** `SECONDS:ENDED[:CENSORED]` per second, in order, separated by spaces. */
export function encodeNeeded(needed: ReadonlyMap<number, NeededCount>): string {
  return [...needed.entries()]
    .sort(([a], [b]) => a - b)
    .map(([seconds, { ended, censored }]) =>
      censored === 0 ? `${seconds}:${ended}` : `${seconds}:${ended}:${censored}`,
    )
    .join(' ');
}

export function decodeNeeded(text: string): Map<number, NeededCount> {
  const needed = new Map<number, NeededCount>();
  for (const part of text.split(' ')) {
    if (part === '') continue;
    const [seconds = 0, ended = 0, censored = 0] = part.split(':').map(Number);
    needed.set(seconds, { ended, censored });
  }
  return needed;
}

/** What the reports read of a `byQueueDay` item (its projection: BY_QUEUE_DAY_ATTRIBUTES and the keys). */
function sessionFromIndexItem(item: Record<string, unknown>): ReportSession {
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const policy = item.policy as { durationSeconds?: unknown; mode?: unknown } | undefined;
  return {
    agentId: String(item[SESSION_TABLE.sortKey]),
    queueId: text(item.queueId) ?? null,
    channel: String(item.channel),
    startedAt: String(item[SESSION_TABLE.byQueueDaySort]),
    endedAt: text(item.endedAt),
    endReason: text(item.endReason) as ReportSession['endReason'],
    systemWrapUp: item.systemWrapUp === true,
    extensionsUsed: Number(item.extensionsUsed ?? 0),
    deadline: text(item.deadline),
    policy:
      policy !== undefined && typeof policy.durationSeconds === 'number' && typeof policy.mode === 'string'
        ? { durationSeconds: policy.durationSeconds, mode: policy.mode }
        : undefined,
  };
}
