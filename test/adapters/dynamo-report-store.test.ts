import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLateCompletions } from '../../lambda/adapters/dynamo-late-completions';
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

    // Each run also rolls up the 4th so far, to the last full hour 15 minutes before: nothing yet.
    expect(first).toEqual({
      days: ['2026-03-02', '2026-03-03'],
      reRolled: [],
      sessions: 3,
      rolledThrough: '2026-03-03',
      partial: { day: '2026-03-04', until: '2026-03-04T03:00:00.000Z', sessions: 0 },
    });
    expect(again).toEqual({
      days: [],
      reRolled: [],
      sessions: 0,
      rolledThrough: '2026-03-03',
      partial: { day: '2026-03-04', until: '2026-03-04T04:00:00.000Z', sessions: 0 },
    });
    expect(await reports.rolledThrough()).toBe('2026-03-03');
    const byKey = <T extends { day: string }>(cells: T[], key: (c: T) => string) =>
      [...cells].sort((a, b) => key(a).localeCompare(key(b)));
    expect(byKey(await reports.queueCells('2026-03-02', '2026-03-03'), (c) => c.day + c.queueId)).toEqual(
      byKey(queueCellsOf(raw), (c) => c.day + c.queueId),
    );
    // Agent cells keep no latest window (no agent row shows one).
    const withoutLatest = agentCellsOf(raw).map((c) => ({ ...c, tally: { ...c.tally, latest: undefined } }));
    expect(byKey(await reports.agentCells('2026-03-02', '2026-03-03'), (c) => c.day + c.agentId)).toEqual(
      byKey(withoutLatest, (c) => c.day + c.agentId),
    );
    expect(await reports.queueCells('2026-03-03', '2026-03-03')).toHaveLength(1);
  });

  it('R17, R22: a session completing after its day was rolled up marks the day; the next runs roll it up again, then clear the mark', async () => {
    const late = new DynamoLateCompletions({ client: dynamo.client, tableName });
    await complete('a-1', 'q-1', '2026-03-02T09:00:00.000Z', 30, 'AGENT_DONE');
    // A 4-hour wrap-up from 23:00: closed at 03:00 on the 3rd, after the 2nd's roll-up at 02:15.
    const open = await complete('a-2', 'q-2', '2026-03-02T23:00:00.000Z', 4 * 3600, 'TIMER', false);
    const options = { backfillDays: 1, partialSettleMs: false } as const;

    const first = await rollUp(ports(), new Date('2026-03-03T02:15:00Z'), options);
    expect(first).toMatchObject({ days: ['2026-03-02'], reRolled: [], sessions: 1 });
    expect((await reports.queueCells('2026-03-02', '2026-03-02')).map((c) => c.queueId)).toEqual(['q-1']);

    // The write completing it marks its day first (lambda/core/complete-close.ts).
    const completedAt = new Date('2026-03-03T03:00:00.000Z');
    await late.mark('2026-03-02', completedAt);
    await sessions.save(markContactRecordWritten(markRestored(open, completedAt, 'DONE'), completedAt));

    // 03:15: rolled up again, the rolled-through day unchanged; the mark, 15 minutes old, is kept
    // for one more run (a completion it announced might not have been written yet).
    const second = await rollUp(ports(), new Date('2026-03-03T03:14:00Z'), options);
    expect(second).toEqual({ days: [], reRolled: ['2026-03-02'], sessions: 2, rolledThrough: '2026-03-02' });
    expect(await reports.rolledThrough()).toBe('2026-03-02');
    const cells = await reports.queueCells('2026-03-02', '2026-03-02');
    expect(cells.map((c) => [c.queueId, c.tally.contacts, c.tally.wrapUpMs])).toEqual([
      ['q-1', 1, 30_000],
      ['q-2', 1, 4 * 3_600_000],
    ]);
    expect(await reports.lateDays()).toEqual([{ day: '2026-03-02', markedAt: completedAt.toISOString() }]);

    const third = await rollUp(ports(), new Date('2026-03-03T04:15:00Z'), options);
    expect(third.reRolled).toEqual(['2026-03-02']);
    expect(await reports.lateDays()).toEqual([]);
    expect((await rollUp(ports(), new Date('2026-03-03T05:15:00Z'), options)).reRolled).toEqual([]);
  });

  it('R17: a mark made again after the roll-up read it is kept; a day not rolled up yet keeps its mark for later', async () => {
    const late = new DynamoLateCompletions({ client: dynamo.client, tableName });
    await late.mark('2026-03-02', new Date('2026-03-03T03:00:00.000Z'));
    const [read] = await reports.lateDays();
    await late.mark('2026-03-02', new Date('2026-03-03T03:05:00.000Z'));
    if (read === undefined) throw new Error('no mark read');
    await reports.clearLateDay(read);
    expect(await reports.lateDays()).toEqual([{ day: '2026-03-02', markedAt: '2026-03-03T03:05:00.000Z' }]);

    // Nothing rolled up yet: the mark waits (the day's own roll-up will count its sessions).
    const run = await rollUp(ports(), new Date('2026-03-03T01:15:00Z'), {
      backfillDays: 1,
      partialSettleMs: false,
    });
    expect(run.reRolled).toEqual([]);
    expect(await reports.lateDays()).toHaveLength(1);
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

  it('R22: today is rolled up so far each hour; a report reads those cells and raw only the sessions since', async () => {
    const raw = [
      await complete('a-1', 'q-1', '2026-03-03T09:00:00.000Z', 30, 'AGENT_DONE'),
      await complete('a-2', 'q-2', '2026-03-03T10:59:00.000Z', 60, 'TIMER'),
    ];
    // 11:20: the 3rd so far, through 11:00 (the last full hour at least 15 minutes ago).
    const run = await rollUp(ports(), new Date('2026-03-03T11:20:00Z'), { backfillDays: 1 });
    raw.push(await complete('a-1', null, '2026-03-03T11:30:00.000Z', 12, 'AGENT_DONE'));
    const reads: [string | null, string, string | undefined][] = [];
    const counting: ReportPorts = {
      ...ports(),
      store: Object.assign(Object.create(reports), {
        sessionsOf: (queueId: string | null, day: string, from?: Date) => {
          reads.push([queueId, day, from?.toISOString()]);
          return reports.sessionsOf(queueId, day, from);
        },
      }),
    };

    const read = await cellsOf(
      counting,
      { from: new Date('2026-03-03T00:00:00Z'), to: new Date('2026-03-04T00:00:00Z') },
      new Date('2026-03-03T12:00:00Z'),
      { agents: true },
    );

    expect(run.partial).toEqual({ day: '2026-03-03', until: '2026-03-03T11:00:00.000Z', sessions: 2 });
    expect(await reports.partial()).toEqual({ day: '2026-03-03', until: new Date('2026-03-03T11:00:00Z') });
    expect(reads).toEqual([
      ['q-1', '2026-03-03', '2026-03-03T11:00:00.000Z'],
      ['q-2', '2026-03-03', '2026-03-03T11:00:00.000Z'],
      [null, '2026-03-03', '2026-03-03T11:00:00.000Z'],
    ]);
    const names = { queues: new Map(), agents: new Map() };
    for (const groupBy of ['queue', 'agent', 'channel', 'day'] as const) {
      expect(reportRows(groupBy, read, names)).toEqual(
        reportRows(groupBy, { queues: queueCellsOf(raw), agents: agentCellsOf(raw) }, names),
      );
    }
  });

  it("R22: the day's own roll-up replaces its cells so far, and the day is then read from roll-ups only", async () => {
    const raw = [await complete('a-1', 'q-1', '2026-03-03T09:00:00.000Z', 30, 'AGENT_DONE')];
    await rollUp(ports(), new Date('2026-03-03T10:20:00Z'), { backfillDays: 1 });
    raw.push(await complete('a-2', 'q-1', '2026-03-03T22:00:00.000Z', 40, 'AGENT_DONE'));

    await rollUp(ports(), new Date('2026-03-04T02:30:00Z'));

    expect(await reports.rolledThrough()).toBe('2026-03-03');
    expect(await reports.queueCells('2026-03-03', '2026-03-03')).toEqual(queueCellsOf(raw));
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
        // contacts, wrap-up ms, extensions, ended by the system, by the timer | histogram.
        tally: '1 30000 0 0 0|30:1',
        latestAt: '2026-03-02T09:00:00.000Z',
        latestWindow: 60,
      },
    ]);
  });
});
