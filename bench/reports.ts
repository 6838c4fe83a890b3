/**
 * The `reports` bench job (issue 13): the reports API's reads for a month of a 1,000-agent center,
 * on dynalite (in this process: a single-threaded stand-in for DynamoDB, slower per request than
 * the service, and with no network).
 *
 * 1. Generates 30 days of a 1,000-agent center (`SESSIONS_PER_DAY` = 50,000 sessions a day, 40
 *    queues, three channels; seeded), tallies each day and writes its roll-ups
 *    (`DynamoReportStore.putDay`): what the nightly job leaves.
 * 2. Times each groupBy, the distribution and the recommendations over those 30 days
 *    (`RUNS` times each: the core's `cellsOf` and the rows, as the API handler does, without
 *    HTTP and names): one Query per item family, paged. Judged: p95 < `TARGET_MS`.
 * 3. Writes a 31st day of 50,000 complete sessions into the table (the `byQueueDay` index), and
 *    times the month-to-date reports at that day's end: first with the whole day read raw (what
 *    a failed hourly roll-up leaves: reported, not judged), then after the hourly run at 23:15
 *    rolled the day up so far (through 23:00), so that only the last hour is read raw (one Query
 *    per queue from 23:00). Judged alike, and the hourly run's time.
 * 4. Times the nightly roll-up of that day (`rollUp`: reads the 50,000 sessions through
 *    `byQueueDay`, writes its cells), judged against the function's timeout with a margin.
 * DynamoDB requests are counted per operation (a middleware on the client).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { DynamoReportStore } from '../lambda/adapters/dynamo-report-store';
import { NO_QUEUE, SESSION_TABLE, sessionTableDefinition } from '../lambda/adapters/session-keys';
import {
  agentCellsOf,
  cellsOf,
  distributionOf,
  GROUP_BYS,
  queueCellsOf,
  type ReportPorts,
  type ReportSession,
  recommendationsOf,
  reportRows,
  rollUp,
} from '../lambda/core/reports';
import type { EndReason } from '../lambda/core/session';
import { Random } from '../sim/random';
import type { Figure, JobResult } from './jobs';
import { round } from './jobs';
import { percentile } from './measure';

export const AGENTS = 1_000;
export const SESSIONS_PER_DAY = 50_000;
export const DAYS = 30;
const QUEUES = 40;
const RUNS = 7;
/** A report's answer time, p95. */
export const TARGET_MS = 2_000;
/** The roll-up function's timeout (lib/report-rollups.ts), less a margin of half. */
export const ROLLUP_TARGET_MS = 5 * 60_000;
const FIRST_DAY = Date.parse('2026-02-01T00:00:00Z');
const DAY_MS = 86_400_000;
const SEED = 22;
const CHANNELS = [
  { name: 'VOICE', share: 0.7 },
  { name: 'CHAT', share: 0.2 },
  { name: 'TASK', share: 0.1 },
] as const;
const NO_NAMES = { queues: new Map<string, string>(), agents: new Map<string, string>() };

const queueIds = Array.from({ length: QUEUES }, (_, i) => `q-${String(i).padStart(2, '0')}`);
const agentIds = Array.from({ length: AGENTS }, (_, i) => `agent-${String(i).padStart(4, '0')}`);

/** One day's sessions: each agent ~50 contacts; the time needed varies by queue; windows 60-120 s. */
function* daySessions(dayIndex: number): Generator<ReportSession & { contactId: string }> {
  const random = new Random(SEED).fork(`day-${dayIndex}`);
  const start = FIRST_DAY + dayIndex * DAY_MS;
  for (let i = 0; i < SESSIONS_PER_DAY; i++) {
    const queueIndex = random.int(0, QUEUES);
    const roll = random.float();
    const channel = roll < 0.7 ? 'VOICE' : roll < 0.9 ? 'CHAT' : 'TASK';
    const window = [60, 90, 120][queueIndex % 3] ?? 60;
    const mean = 40 + (queueIndex % 7) * 15;
    // An exponential-ish time needed, at least 3 s.
    const needed = 3 + -Math.log(1 - random.float()) * mean;
    const extended = random.chance(0.1) ? 1 : 0;
    const limit = window + extended * 30;
    const timer = needed > limit;
    const took = Math.min(needed, limit);
    const startedAt = start + Math.floor((i / SESSIONS_PER_DAY) * DAY_MS);
    const reason: EndReason = timer ? 'TIMER' : random.chance(0.8) ? 'AGENT_DONE' : 'STATUS_CHANGED';
    yield {
      contactId: `c-${dayIndex}-${i}`,
      agentId: agentIds[random.int(0, AGENTS)] ?? 'agent-0000',
      queueId: queueIndex === QUEUES - 1 ? null : (queueIds[queueIndex] ?? null),
      channel,
      startedAt: new Date(startedAt).toISOString(),
      endedAt: new Date(startedAt + Math.round(took * 1000)).toISOString(),
      endReason: reason,
      systemWrapUp: timer,
      extensionsUsed: extended,
      policy: { durationSeconds: window, mode: 'timed' },
    };
  }
}

/** Counts DynamoDB requests by command, and times what `measure` runs. */
class Counter {
  byCommand: Record<string, number> = {};
  reset(): void {
    this.byCommand = {};
  }
  get total(): number {
    return Object.values(this.byCommand).reduce((a, b) => a + b, 0);
  }
}

export async function reportsJob(): Promise<JobResult> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    const raw = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    const counter = new Counter();
    const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName);
        counter.byCommand[name] = (counter.byCommand[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'benchCounter' },
    );
    const tableName = 'bench-reports';
    await raw.send(new CreateTableCommand(sessionTableDefinition(tableName)));
    await waitActive(raw, tableName);
    const store = new DynamoReportStore({ client, tableName });
    const ports: ReportPorts = { store, catalog: { queueIds: async () => queueIds.slice(0, QUEUES - 1) } };

    // 1. Thirty days of roll-ups.
    process.stderr.write(`reports: rolling up ${DAYS} days of ${SESSIONS_PER_DAY} sessions...\n`);
    let cellItems = 0;
    let largestCellBytes = 0;
    const writeStarted = performance.now();
    for (let day = 0; day < DAYS; day++) {
      const sessions = [...daySessions(day)];
      const cells = { queues: queueCellsOf(sessions), agents: agentCellsOf(sessions) };
      cellItems += cells.queues.length + cells.agents.length;
      for (const cell of cells.queues) {
        largestCellBytes = Math.max(largestCellBytes, JSON.stringify([...cell.tally.needed]).length);
      }
      await store.putDay(dayOf(day), cells);
    }
    const rollupsWrittenSeconds = (performance.now() - writeStarted) / 1000;

    // 2. The month from roll-ups.
    const month = { from: new Date(FIRST_DAY), to: new Date(FIRST_DAY + DAYS * DAY_MS) };
    const afterMonth = new Date(FIRST_DAY + DAYS * DAY_MS + 30 * 60_000);
    const fromRollups = await timeReads(ports, counter, month, afterMonth);

    // 3. A 31st day of complete sessions, not rolled up: the month to date at its end.
    process.stderr.write(`reports: writing day ${DAYS + 1}'s ${SESSIONS_PER_DAY} sessions...\n`);
    await writeSessions(client, tableName, daySessions(DAYS));
    const toDate = { from: new Date(FIRST_DAY + DAY_MS), to: new Date(FIRST_DAY + (DAYS + 1) * DAY_MS) };
    const endOfDay = new Date(FIRST_DAY + (DAYS + 1) * DAY_MS - 60_000);
    const withRawDay = await timeReads(ports, counter, toDate, endOfDay);

    // 3b. The hourly run at 23:15 rolls that day up so far (through 23:00): the last hour raw.
    counter.reset();
    const partialStarted = performance.now();
    const soFar = await rollUp(ports, new Date(FIRST_DAY + (DAYS + 1) * DAY_MS - 45 * 60_000));
    const partialMs = performance.now() - partialStarted;
    const partialRequests = counter.total;
    const withLastHourRaw = await timeReads(ports, counter, toDate, endOfDay);

    // 4. The nightly roll-up of that day.
    counter.reset();
    const rollupStarted = performance.now();
    const rolled = await rollUp(ports, new Date(FIRST_DAY + (DAYS + 1) * DAY_MS + 2.5 * 3_600_000));
    const rollupMs = performance.now() - rollupStarted;
    const rollupRequests = { ...counter.byCommand };

    const reads = [
      ...Object.entries(fromRollups).map(([name, t]) => ({ part: 'month from roll-ups', name, ...t })),
      ...Object.entries(withLastHourRaw).map(([name, t]) => ({
        part: 'month to date at 23:59, the day rolled up so far, the last hour raw',
        name,
        ...t,
      })),
    ];
    const fallback = Object.entries(withRawDay).map(([name, t]) => ({
      part: 'the same without the hourly roll-up (it failed): the whole day raw',
      name,
      ...t,
    }));
    const figures: Figure[] = [
      ...reads.map((r) => ({
        name: `${r.part}: ${r.name} (${r.requests} requests, ${r.rows} rows)`,
        value: `p95 ${r.p95Ms} ms (p50 ${r.p50Ms} ms)`,
        target: `p95 < ${TARGET_MS} ms`,
        pass: r.p95Ms < TARGET_MS,
      })),
      ...fallback.map((r) => ({
        name: `${r.part}: ${r.name} (${r.requests} requests), not judged`,
        value: `p95 ${r.p95Ms} ms (p50 ${r.p50Ms} ms)`,
      })),
      {
        name: `hourly roll-up of the day so far (${soFar.partial?.sessions ?? 0} sessions, through ${soFar.partial?.until ?? 'none'})`,
        value: `${round(partialMs / 1000, 1)} s, ${partialRequests} requests`,
        target: `< ${ROLLUP_TARGET_MS / 1000} s`,
        pass: partialMs < ROLLUP_TARGET_MS,
      },
      {
        name: `nightly roll-up of ${rolled.sessions} sessions (${rolled.days.join(', ')})`,
        value: `${round(rollupMs / 1000, 1)} s, ${Object.values(rollupRequests).reduce((a, b) => a + b, 0)} requests`,
        target: `< ${ROLLUP_TARGET_MS / 1000} s (half the function's timeout)`,
        pass: rollupMs < ROLLUP_TARGET_MS && rolled.sessions === SESSIONS_PER_DAY,
      },
      { name: 'DynamoDB requests added to the wrap-up path', value: '0 (roll-ups are read from byQueueDay)' },
    ];
    return {
      title: `reports: a month of a ${AGENTS}-agent center (dynalite, in process)`,
      figures,
      results: {
        ran: {
          agents: AGENTS,
          sessionsPerDay: SESSIONS_PER_DAY,
          days: DAYS,
          queues: QUEUES,
          channels: CHANNELS,
          runsPerRead: RUNS,
          seed: SEED,
          store: 'dynalite 4, in this process (single-threaded; the bench client counts requests)',
          rollupItems: cellItems,
          largestQueueCellHistogramChars: largestCellBytes,
          rollupsWrittenSeconds: round(rollupsWrittenSeconds, 1),
        },
        targetP95Ms: TARGET_MS,
        reads,
        withoutHourlyRollUp: fallback,
        hourlyRollUpSoFar: {
          ...soFar.partial,
          seconds: round(partialMs / 1000, 2),
          requests: partialRequests,
          pass: partialMs < ROLLUP_TARGET_MS,
        },
        nightlyRollup: {
          sessions: rolled.sessions,
          days: rolled.days,
          seconds: round(rollupMs / 1000, 2),
          requests: rollupRequests,
          targetSeconds: ROLLUP_TARGET_MS / 1000,
          pass: rollupMs < ROLLUP_TARGET_MS && rolled.sessions === SESSIONS_PER_DAY,
        },
        pass:
          reads.every((r) => r.p95Ms < TARGET_MS) &&
          rollupMs < ROLLUP_TARGET_MS &&
          partialMs < ROLLUP_TARGET_MS,
        wrapUpPathRequests: 0,
      },
    };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface ReadTiming {
  p50Ms: number;
  p95Ms: number;
  requests: number;
  rows: number;
}

/** Each groupBy, the distribution and the recommendations over `range`, `RUNS` times each. */
async function timeReads(
  ports: ReportPorts,
  counter: Counter,
  range: { from: Date; to: Date },
  now: Date,
): Promise<Record<string, ReadTiming>> {
  const reads: Record<string, () => Promise<number>> = Object.fromEntries(
    GROUP_BYS.map((groupBy) => [
      `groupBy=${groupBy}`,
      async () => {
        const cells = await cellsOf(ports, range, now, { agents: groupBy === 'agent' });
        return reportRows(groupBy, cells, NO_NAMES).length;
      },
    ]),
  );
  reads.distribution = async () => {
    const cells = await cellsOf(ports, range, now, { agents: false });
    return distributionOf(cells.queues.filter((c) => c.queueId === 'q-01' && c.channel === 'VOICE')).buckets
      .length;
  };
  reads.recommendations = async () => {
    const cells = await cellsOf(ports, range, now, { agents: false });
    return recommendationsOf(cells.queues, 30, DAYS).length;
  };
  const timings: Record<string, ReadTiming> = {};
  for (const [name, read] of Object.entries(reads)) {
    const times: number[] = [];
    let rows = 0;
    let requests = 0;
    for (let run = 0; run < RUNS; run++) {
      counter.reset();
      const started = performance.now();
      rows = await read();
      times.push(performance.now() - started);
      requests = counter.total;
    }
    times.sort((a, b) => a - b);
    timings[name] = {
      p50Ms: round(percentile(times, 0.5), 0),
      p95Ms: round(percentile(times, 0.95), 0),
      requests,
      rows,
    };
    process.stderr.write(`reports: ${name} p95 ${timings[name]?.p95Ms} ms\n`);
  }
  return timings;
}

/** Complete sessions as the session store files them in `byQueueDay` (the index's attributes). */
async function writeSessions(
  client: DynamoDBDocumentClient,
  tableName: string,
  sessions: Iterable<ReportSession & { contactId: string }>,
): Promise<void> {
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    let requests: BatchWriteCommandOutput['UnprocessedItems'] = {
      [tableName]: batch.map((Item) => ({ PutRequest: { Item } })),
    };
    while ((requests?.[tableName]?.length ?? 0) > 0) {
      const result: BatchWriteCommandOutput = await client.send(
        new BatchWriteCommand({ RequestItems: requests }),
      );
      requests = result.UnprocessedItems;
    }
    batch = [];
  };
  for (const session of sessions) {
    batch.push({
      ...session,
      queueId: session.queueId ?? undefined,
      state: 'CLOSED',
      [SESSION_TABLE.byQueueDayKey]: `${session.queueId ?? NO_QUEUE}#${session.startedAt.slice(0, 10)}`,
    });
    if (batch.length === 25) await flush();
  }
  if (batch.length > 0) await flush();
}

async function waitActive(raw: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}

function dayOf(index: number): string {
  return new Date(FIRST_DAY + index * DAY_MS).toISOString().slice(0, 10);
}
