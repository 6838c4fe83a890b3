import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoReportStore, REPORT_ITEMS } from '../../lambda/adapters/dynamo-report-store';
import type { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import {
  agentCellsOf,
  cellsOf,
  queueCellsOf,
  type ReportPorts,
  reportRows,
  rollUp,
} from '../../lambda/core/reports';
import {
  closeSession,
  type EndReason,
  markContactRecordWritten,
  markRestored,
  openSession,
  type Session,
} from '../../lambda/core/session';
import { startDynamo, type TestDynamo } from '../support/dynamo';

let dynamo: TestDynamo;
let sessions: DynamoSessionStore;
let reports: DynamoReportStore;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynamo();
});
beforeEach(async () => {
  ({ store: sessions, tableName } = await dynamo.newStore());
  reports = new DynamoReportStore({ client: dynamo.client, tableName, sleep: async () => {} });
});
afterAll(() => dynamo.close());

let contacts = 0;

/** A complete session in the table (closed, restored, recorded): filed in `byQueueDay`. */
async function complete(
  agentId: string,
  queueId: string | null,
  start: string,
  seconds: number,
  reason: EndReason,
  complete = true,
): Promise<Session> {
  contacts += 1;
  const startedAt = new Date(start);
  const { session } = await sessions.create(
    openSession({
      contactId: `c-${contacts}`,
      agentId,
      instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
      channel: 'VOICE',
      queueId: queueId ?? undefined,
      policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 60 },
      policySource: 'default',
      startedAt,
      now: startedAt,
    }),
  );
  const at = new Date(startedAt.getTime() + seconds * 1000);
  const system = reason === 'TIMER';
  const closed = await sessions.save(
    closeSession(session, {
      at,
      reason,
      by: system ? 'system' : `agent:${agentId}`,
      systemWrapUp: system,
      restore: 'PENDING',
    }),
  );
  if (!complete) return closed;
  return sessions.save(markContactRecordWritten(markRestored(closed, at, 'DONE'), at));
}

const ports = (): ReportPorts => ({
  store: reports,
  catalog: { queueIds: async () => ['q-1', 'q-2'] },
});

describe('DynamoReportStore and the roll-up (issue 13) against dynalite', () => {
  it('R22: reads a queue day of complete sessions through byQueueDay, as the reports read them', async () => {
    await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE');
    await complete('a-2', 'q-1', '2026-03-02T23:59:00.000Z', 60, 'TIMER');
    await complete('a-1', 'q-1', '2026-03-03T00:00:01.000Z', 10, 'AGENT_DONE');
    await complete('a-1', 'q-1', '2026-03-02T10:00:00.000Z', 10, 'AGENT_DONE', false);

    const read = await reports.sessionsOf('q-1', '2026-03-02');

    // The third started the next day; the fourth is closed but its restore is not done: not complete.
    expect(read.map((x) => [x.agentId, x.startedAt, x.endReason, x.systemWrapUp])).toEqual([
      ['a-1', '2026-03-02T09:00:00.000Z', 'AGENT_DONE', false],
      ['a-2', '2026-03-02T23:59:00.000Z', 'TIMER', true],
    ]);
    expect(read[0]).toMatchObject({
      queueId: 'q-1',
      channel: 'VOICE',
      endedAt: '2026-03-02T09:00:30.000Z',
      extensionsUsed: 0,
      policy: { durationSeconds: 60, mode: POLICY_DEFAULTS.mode },
    });
  });

  it('R22: the roll-up writes each finished day once, queue and agent cells, and marks it rolled up', async () => {
    const raw = [
      await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE'),
      await complete('a-2', 'q-2', '2026-03-02T10:00:00.000Z', 60, 'TIMER'),
      await complete('a-2', null, '2026-03-03T09:00:00.000Z', 20, 'STATUS_CHANGED'),
    ];

    // 04:00 on the 4th: the 3rd ended more than two hours ago; first run, backfill of 2 days.
    const first = await rollUp(ports(), new Date('2026-03-04T04:00:00Z'), { backfillDays: 2 });
    const again = await rollUp(ports(), new Date('2026-03-04T05:00:00Z'), { backfillDays: 2 });

    expect(first).toEqual({ days: ['2026-03-02', '2026-03-03'], sessions: 3, rolledThrough: '2026-03-03' });
    expect(again).toEqual({ days: [], sessions: 0, rolledThrough: '2026-03-03' });
    expect(await reports.rolledThrough()).toBe('2026-03-03');
    const byKey = <T extends { day: string }>(cells: T[], key: (c: T) => string) =>
      [...cells].sort((a, b) => key(a).localeCompare(key(b)));
    expect(byKey(await reports.queueCells('2026-03-02', '2026-03-03'), (c) => c.day + c.queueId)).toEqual(
      byKey(queueCellsOf(raw), (c) => c.day + c.queueId),
    );
    expect(byKey(await reports.agentCells('2026-03-02', '2026-03-03'), (c) => c.day + c.agentId)).toEqual(
      byKey(agentCellsOf(raw), (c) => c.day + c.agentId),
    );
    expect(await reports.queueCells('2026-03-03', '2026-03-03')).toHaveLength(1);
  });

  it('R22: a day is rolled up only two hours after it ended, and a run takes at most maxDaysPerRun days', async () => {
    await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE');

    const early = await rollUp(ports(), new Date('2026-03-03T01:59:00Z'), { backfillDays: 1 });
    const later = await rollUp(ports(), new Date('2026-03-06T02:00:00Z'), { maxDaysPerRun: 2 });

    // The 2nd ended 1 h 59 min before: not yet; the 1st (backfill of one day) is.
    expect(early.days).toEqual(['2026-03-01']);
    expect(later.days).toEqual(['2026-03-02', '2026-03-03']);
    expect(later.sessions).toBe(1);
  });

  it('R22: a report over rolled-up days and today (raw) equals the rows of the raw sessions', async () => {
    const raw = [
      await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE'),
      await complete('a-2', 'q-1', '2026-03-02T10:00:00.000Z', 60, 'TIMER'),
      await complete('a-1', 'q-2', '2026-03-03T11:00:00.000Z', 45, 'AGENT_DONE'),
    ];
    await rollUp(ports(), new Date('2026-03-03T03:00:00Z'), { backfillDays: 1 });
    // Today (not rolled up): read raw.
    raw.push(await complete('a-2', null, '2026-03-03T12:00:00.000Z', 12, 'AGENT_DONE'));
    const names = { queues: new Map(), agents: new Map() };

    const read = await cellsOf(
      ports(),
      { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') },
      new Date('2026-03-03T13:00:00Z'),
      { agents: true },
    );

    for (const groupBy of ['queue', 'agent', 'channel', 'day'] as const) {
      expect(reportRows(groupBy, read, names)).toEqual(
        reportRows(groupBy, { queues: queueCellsOf(raw), agents: agentCellsOf(raw) }, names),
      );
    }
  });

  it('keeps roll-up items out of the indexes and without a TTL', async () => {
    await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE');
    await rollUp(ports(), new Date('2026-03-03T03:00:00Z'), { backfillDays: 1 });
    const items = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'contactId = :p',
        ExpressionAttributeValues: { ':p': REPORT_ITEMS.queuePartition },
      }),
    );
    expect(items.Items).toEqual([
      {
        contactId: '#REPORT#QUEUE',
        agentId: '2026-03-02#q-1#VOICE',
        day: '2026-03-02',
        queueId: 'q-1',
        channel: 'VOICE',
        contacts: 1,
        wrapUpMs: 30_000,
        extensions: 0,
        systemEnded: 0,
        timerEnded: 0,
        needed: '30:1',
        latestAt: '2026-03-02T09:00:00.000Z',
        latestWindow: 60,
      },
    ]);
  });
});
