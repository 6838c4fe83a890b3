import { describe, expect, it } from 'vitest';
import type {
  AgentCell,
  QueueCell,
  ReportCells,
  ReportSession,
  ReportStore,
} from '../../lambda/core/reports';
import { makeReportRollupHandler } from '../../lambda/handlers/report-rollup';
import { RecordingLog } from '../support/fakes';

/** Remembers what was written; one complete session on 2026-03-02 in q-1. */
class MemoryReports implements ReportStore {
  through: string | undefined;
  readonly written: [string, ReportCells][] = [];
  async rolledThrough() {
    return this.through;
  }
  async queueCells(): Promise<QueueCell[]> {
    return [];
  }
  async agentCells(): Promise<AgentCell[]> {
    return [];
  }
  async sessionsOf(queueId: string | null, day: string): Promise<ReportSession[]> {
    if (queueId !== 'q-1' || day !== '2026-03-02') return [];
    return [
      {
        agentId: 'a-1',
        queueId: 'q-1',
        channel: 'VOICE',
        startedAt: '2026-03-02T09:00:00.000Z',
        endedAt: '2026-03-02T09:00:30.000Z',
        endReason: 'AGENT_DONE',
        extensionsUsed: 0,
      },
    ];
  }
  async putDay(day: string, cells: ReportCells) {
    this.written.push([day, cells]);
    this.through = day;
  }
  async partial() {
    return undefined;
  }
  async putPartial() {}
  async lateDays() {
    return [];
  }
  async rewriteDay() {}
  async clearLateDay() {}
}

describe('report-rollup handler (issue 13)', () => {
  it('rolls up the finished days since the last and logs the days and counts, no ids', async () => {
    const store = new MemoryReports();
    store.through = '2026-03-01';
    const log = new RecordingLog();
    const handler = makeReportRollupHandler({
      reports: { ports: { store, catalog: { queueIds: async () => ['q-1'] } } },
      clock: { now: () => new Date('2026-03-03T02:15:00Z') },
      log,
      options: { partialSettleMs: false },
    });

    const result = await handler();

    expect(result).toEqual({ days: ['2026-03-02'], reRolled: [], sessions: 1, rolledThrough: '2026-03-02' });
    expect(store.written.map(([day, cells]) => [day, cells.queues.length, cells.agents.length])).toEqual([
      ['2026-03-02', 1, 1],
    ]);
    expect(log.lines).toEqual([
      {
        level: 'info',
        message: 'Reports rolled up',
        fields: { days: ['2026-03-02'], sessions: 1, rolledThrough: '2026-03-02' },
      },
    ]);
  });

  it('throws when the store fails, so that Lambda retries the run (and then keeps it in the DLQ)', async () => {
    const store = new MemoryReports();
    store.putDay = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const handler = makeReportRollupHandler({
      reports: { ports: { store, catalog: { queueIds: async () => ['q-1'] } } },
      clock: { now: () => new Date('2026-03-03T02:15:00Z') },
      log: new RecordingLog(),
      options: { backfillDays: 1 },
    });
    await expect(handler()).rejects.toThrow('ProvisionedThroughputExceededException');
  });
});
