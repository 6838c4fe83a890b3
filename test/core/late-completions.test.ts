/**
 * Issue 13, R17: a wrap-up that completes after its day was rolled up marks that day, so that the
 * reports count it (lambda/core/late-completions.ts); against the in-memory store model.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { onContactEvent } from '../../lambda/core/contact-events';
import { endOnTimer } from '../../lambda/core/end-on-time';
import { type LateCompletions, lateRollUpDay, ROLL_UP_SETTLE_MS } from '../../lambda/core/late-completions';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { timerOf } from '../../lambda/core/session';
import { sweepOverdue } from '../../lambda/core/sweep';
import { parseContactEvent } from '../../lambda/handlers/events';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import { type FakeClock, type RecordingContacts, testDeps } from '../support/fakes';
import { useMemorySessionStore } from '../support/memory-store';

const AGENT = 'agent-1';
const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90 },
        queues: { 'queue-long': { durationSeconds: 4 * 3600 } },
      },
    }).policies,
  ),
};

/** Remembers the days marked. */
class RecordingLateCompletions implements LateCompletions {
  readonly marks: Array<{ day: string; at: string }> = [];
  async mark(day: string, at: Date): Promise<void> {
    this.marks.push({ day, at: at.toISOString() });
  }
}

const db = useMemorySessionStore();
let clock: FakeClock;
let contacts: RecordingContacts;
let deps: Deps;
let late: RecordingLateCompletions;

beforeEach(() => {
  ({ clock, contacts, deps } = testDeps(db.store, '2026-03-02T23:00:02.000Z'));
  late = new RecordingLateCompletions();
  deps = { ...deps, lateCompletions: late };
});

/** The agent's leg of `contactId` in `queueId` ends at `disconnectedAt`; its wrap-up starts. */
async function disconnect(contactId: string, queueId: string, disconnectedAt: string) {
  clock.set(new Date(Date.parse(disconnectedAt) + 2_000).toISOString());
  const raw = rawDisconnect({ contactId, agentId: AGENT, queueId, disconnectedAt });
  await onContactEvent(deps, config, parseContactEvent(raw));
  const session = await db.store.get(contactId, AGENT);
  if (session?.deadline === undefined) throw new Error(`no timed wrap-up for ${contactId}`);
  return session;
}

describe('issue 13: the day a late completion belongs to', () => {
  it('a session is late for its day from two hours after the day ended, and on time before', () => {
    const settled = Date.parse('2026-03-03T00:00:00.000Z') + ROLL_UP_SETTLE_MS;
    expect(lateRollUpDay('2026-03-02T23:59:00.000Z', new Date(settled))).toBe('2026-03-02');
    expect(lateRollUpDay('2026-03-02T00:00:00.000Z', new Date(settled + 86_400_000))).toBe('2026-03-02');
    expect(lateRollUpDay('2026-03-02T23:59:00.000Z', new Date(settled - 1))).toBeUndefined();
    expect(lateRollUpDay('2026-03-02T09:00:00.000Z', new Date('2026-03-02T09:01:30.000Z'))).toBeUndefined();
  });

  it('the day is the one the byQueueDay index files the session under (its UTC start day)', () => {
    expect(lateRollUpDay('2026-03-02T00:00:00.000Z', new Date('2026-03-03T02:00:00.000Z'))).toBe(
      '2026-03-02',
    );
    expect(lateRollUpDay('not a time', new Date('2030-01-01T00:00:00.000Z'))).toBeUndefined();
  });
});

describe('issue 13: a wrap-up completing after its day was rolled up marks the day', () => {
  it('R7, R17: a 4-hour wrap-up started at 23:00 and ended by its timer at 03:00 marks its start day, once', async () => {
    const session = await disconnect('c-long', 'queue-long', '2026-03-02T23:00:00.000Z');
    expect(session.deadline).toBe('2026-03-03T03:00:00.000Z');

    clock.set(session.deadline as string);
    await endOnTimer(deps, timerOf(session));
    // A duplicate timer after the completion marks nothing more.
    await endOnTimer(deps, timerOf(session));

    expect(await db.store.get('c-long', AGENT)).toMatchObject({
      state: 'CLOSED_COMPLETE',
      endReason: 'TIMER',
      restore: 'DONE',
      contactRecord: 'DONE',
    });
    expect(late.marks).toEqual([{ day: '2026-03-02', at: '2026-03-03T03:00:00.000Z' }]);
  });

  it('R7: a wrap-up completing on its own day (or within the two hours after) marks nothing', async () => {
    const session = await disconnect('c-short', 'queue-default', '2026-03-02T23:59:00.000Z');
    clock.set(session.deadline as string);
    await endOnTimer(deps, timerOf(session));
    expect((await db.store.get('c-short', AGENT))?.state).toBe('CLOSED_COMPLETE');
    expect(late.marks).toEqual([]);
  });

  it('R15, R17: a record written late by the sweep marks the day then, when that write completes the session', async () => {
    const session = await disconnect('c-record', 'queue-long', '2026-03-02T23:00:00.000Z');
    contacts.write = async () => {
      throw new Error('ThrottlingException');
    };
    clock.set(session.deadline as string);
    await endOnTimer(deps, timerOf(session));
    // Closed and restored, but the record is still to write: nothing is complete, nothing marked.
    expect(await db.store.get('c-record', AGENT)).toMatchObject({
      restore: 'DONE',
      contactRecord: 'PENDING',
    });
    expect(late.marks).toEqual([]);

    contacts.write = async () => {};
    clock.set('2026-03-03T03:02:00.000Z');
    await sweepOverdue(deps);
    expect((await db.store.get('c-record', AGENT))?.contactRecord).toBe('DONE');
    expect(late.marks).toEqual([{ day: '2026-03-02', at: '2026-03-03T03:02:00.000Z' }]);
  });

  it('a mark that cannot be written fails the step before the completion, so its retry marks it', async () => {
    const session = await disconnect('c-fail', 'queue-long', '2026-03-02T23:00:00.000Z');
    deps = {
      ...deps,
      lateCompletions: {
        mark: async () => {
          throw new Error('InternalServerError');
        },
      },
    };
    clock.set(session.deadline as string);
    await expect(endOnTimer(deps, timerOf(session))).rejects.toThrow('InternalServerError');
    expect((await db.store.get('c-fail', AGENT))?.restore).toBe('PENDING');

    deps = { ...deps, lateCompletions: late };
    clock.set('2026-03-03T03:01:00.000Z');
    await endOnTimer(deps, timerOf(session));
    expect((await db.store.get('c-fail', AGENT))?.state).toBe('CLOSED_COMPLETE');
    expect(late.marks).toEqual([{ day: '2026-03-02', at: '2026-03-03T03:01:00.000Z' }]);
  });
});
