/**
 * Issue 13: ReportStore on the session table. What serves each read:
 *
 * | read | served by | requests |
 * | --- | --- | --- |
 * | raw sessions of a queue's day (today, the edges of a range, the roll-up's input) | GSI `byQueueDay`: `queueDay` = `QUEUE_ID#YYYY-MM-DD` (`NO_QUEUE#...` without a queue) | one Query per queue and day, paged |
 * | groupBy=queue, channel, day; the distribution; the recommendations | queue cells: partition `#REPORT#QUEUE`, sort `YYYY-MM-DD#QUEUE_ID#CHANNEL` | one Query per range, paged |
 * | groupBy=agent | agent cells: partition `#REPORT#AGENT`, sort `YYYY-MM-DD#AGENT_ID` | one Query per range, paged |
 * | the last day rolled up | `#REPORT#STATE` / `#STATE`, `rolledThrough` | one GetItem |
 * | the days to roll up again | partition `#REPORT#LATE`, sort `YYYY-MM-DD`, `markedAt` | one Query |
 *
 * No contact id starts with `#`, so these partitions are never taken for sessions, and they carry
 * none of the index attributes (they are in no index) nor a TTL: a cell is a few hundred bytes,
 * kept after its sessions expire. Nothing here is written on the wrap-up path: the roll-up
 * function writes the cells once a day (issue 11's budget of DynamoDB requests per wrap-up is
 * untouched), and only a session completing after its day's roll-up marks that day
 * (dynamo-late-completions.ts).
 *
 * A cell's sums and needed-time histogram are one string (`tallyItem`): the histogram as
 * `SECONDS:ENDED[:CENSORED]` items separated by spaces, in order of seconds, which is smaller
 * than a map (whose keys count as attribute names).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  AgentCell,
  LateDay,
  NeededCount,
  PartialRollUp,
  QueueCell,
  ReportCells,
  ReportSession,
  ReportStore,
  Tally,
} from '../core/reports';
import { REPORT_ITEMS } from './report-keys';
import { NO_QUEUE, SESSION_TABLE } from './session-keys';

export { REPORT_ITEMS } from './report-keys';

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
    const through = (await this.state())?.rolledThrough;
    return typeof through === 'string' ? through : undefined;
  }

  async partial(): Promise<PartialRollUp | undefined> {
    const state = await this.state();
    const day = state?.partialDay;
    const until = state?.partialUntil;
    return typeof day === 'string' && typeof until === 'string' ? { day, until: new Date(until) } : undefined;
  }

  /** The state item: `rolledThrough`, and `partialDay` / `partialUntil` of the day rolled up so far. */
  private async state(): Promise<Record<string, unknown> | undefined> {
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
    return result.Item;
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
    return items.map((item) => {
      // The table's sort key (`agentId`) holds the cell's key: `YYYY-MM-DD#AGENT_ID`.
      const key = String(item[SESSION_TABLE.sortKey]);
      return { day: key.slice(0, 10), agentId: key.slice('YYYY-MM-DD#'.length), tally: tallyFromItem(item) };
    });
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

  async sessionsOf(queueId: string | null, day: string, from?: Date): Promise<ReportSession[]> {
    const sessions: ReportSession[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          IndexName: SESSION_TABLE.byQueueDayIndex,
          // From a time: only the sessions started since (the sort key is `startedAt`, ISO-8601).
          KeyConditionExpression: from === undefined ? '#key = :key' : '#key = :key AND #start >= :from',
          ExpressionAttributeNames: {
            '#key': SESSION_TABLE.byQueueDayKey,
            ...(from === undefined ? {} : { '#start': SESSION_TABLE.byQueueDaySort }),
          },
          ExpressionAttributeValues: {
            ':key': `${queueId ?? NO_QUEUE}#${day}`,
            ...(from === undefined ? {} : { ':from': from.toISOString() }),
          },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) sessions.push(sessionFromIndexItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return sessions;
  }

  async putDay(day: string, cells: ReportCells): Promise<void> {
    await this.putCells(cells);
    // Last, so that a run that failed midway rolls the day up again.
    await this.putState({ rolledThrough: day });
  }

  async lateDays(): Promise<LateDay[]> {
    // Every mark: the partition's sort keys are days.
    const items = await this.queryDays(REPORT_ITEMS.latePartition, '0000-01-01', '9999-12-31');
    return items.flatMap((item) => {
      const day = item[SESSION_TABLE.sortKey];
      const markedAt = item.markedAt;
      return typeof day === 'string' && typeof markedAt === 'string' ? [{ day, markedAt }] : [];
    });
  }

  async rewriteDay(cells: ReportCells): Promise<void> {
    await this.putCells(cells);
  }

  async clearLateDay(late: LateDay): Promise<void> {
    try {
      await this.props.client.send(
        new DeleteCommand({
          TableName: this.props.tableName,
          Key: {
            [SESSION_TABLE.partitionKey]: REPORT_ITEMS.latePartition,
            [SESSION_TABLE.sortKey]: late.day,
          },
          ConditionExpression: 'markedAt = :markedAt',
          ExpressionAttributeValues: { ':markedAt': late.markedAt },
        }),
      );
    } catch (error) {
      // Marked again meanwhile: kept for the next run.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async putPartial(
    partial: PartialRollUp,
    cells: ReportCells,
    rolledThrough: string | undefined,
  ): Promise<void> {
    await this.putCells(cells);
    await this.putState({
      ...(rolledThrough === undefined ? {} : { rolledThrough }),
      partialDay: partial.day,
      partialUntil: partial.until.toISOString(),
    });
  }

  private async putState(fields: Record<string, string>): Promise<void> {
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          [SESSION_TABLE.partitionKey]: REPORT_ITEMS.statePartition,
          [SESSION_TABLE.sortKey]: REPORT_ITEMS.stateSort,
          ...fields,
        },
      }),
    );
  }

  private async putCells(cells: ReportCells): Promise<void> {
    const items = [
      ...cells.queues.map((cell) => ({
        [SESSION_TABLE.partitionKey]: REPORT_ITEMS.queuePartition,
        [SESSION_TABLE.sortKey]: queueCellSortKey(cell),
        day: cell.day,
        ...(cell.queueId === null ? {} : { queueId: cell.queueId }),
        channel: cell.channel,
        ...tallyItem(cell.tally),
      })),
      // The day and the agent are in the sort key.
      ...cells.agents.map((cell) => ({
        [SESSION_TABLE.partitionKey]: REPORT_ITEMS.agentPartition,
        [SESSION_TABLE.sortKey]: agentCellSortKey(cell),
        ...tallyItem(cell.tally, false),
      })),
    ];
    for (let at = 0; at < items.length; at += BATCH) await this.writeBatch(items.slice(at, at + BATCH));
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

/**
 * A tally as item attributes: `tally`, one string `CONTACTS WRAPUP_MS EXTENSIONS SYSTEM_ENDED
 * TIMER_ENDED|HISTOGRAM` (one attribute rather than six: a month of agent cells is 30,000 items,
 * and each attribute costs its name in bytes and its unmarshalling in time), and with `latest`
 * the latest session's start and window (`latestAt`, `latestWindow`; agent cells leave them out:
 * no agent row shows a window).
 */
export function tallyItem(tally: Tally, latest = true): Record<string, unknown> {
  const sums = [tally.contacts, tally.wrapUpMs, tally.extensions, tally.systemEnded, tally.timerEnded];
  return {
    tally: `${sums.join(' ')}|${encodeNeeded(tally.needed)}`,
    ...(tally.latest === undefined || !latest
      ? {}
      : { latestAt: tally.latest.startedAt, latestWindow: tally.latest.windowSeconds }),
  };
}

/** A tally back from its attributes. */
export function tallyFromItem(item: Record<string, unknown>): Tally {
  const text = typeof item.tally === 'string' ? item.tally : '';
  const bar = text.indexOf('|');
  const [contacts = 0, wrapUpMs = 0, extensions = 0, systemEnded = 0, timerEnded = 0] = (
    bar < 0 ? text : text.slice(0, bar)
  )
    .split(' ')
    .map(Number);
  return {
    contacts,
    wrapUpMs,
    extensions,
    systemEnded,
    timerEnded,
    needed: decodeNeeded(bar < 0 ? '' : text.slice(bar + 1)),
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

/** The histogram of `encodeNeeded`'s text, read character by character (a month of agent cells holds over a million). */
export function decodeNeeded(text: string): Map<number, NeededCount> {
  const needed = new Map<number, NeededCount>();
  const fields = [0, 0, 0];
  let field = 0;
  let digits = 0;
  const flush = () => {
    if (digits > 0 || field > 0)
      needed.set(fields[0] ?? 0, { ended: fields[1] ?? 0, censored: fields[2] ?? 0 });
    fields[0] = 0;
    fields[1] = 0;
    fields[2] = 0;
    field = 0;
    digits = 0;
  };
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 32) flush();
    else if (code === 58) field += 1;
    else {
      fields[field] = (fields[field] ?? 0) * 10 + (code - 48);
      digits += 1;
    }
  }
  flush();
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
