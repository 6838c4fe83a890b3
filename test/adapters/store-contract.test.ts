/**
 * The SessionStore contract: one suite, run with identical assertions against the DynamoDB
 * adapter (on dynalite) and against the in-memory model that property tests run on
 * (test/support/memory-store.ts). The model may stand in for DynamoDB only while both pass.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { type SessionStore, VersionConflict } from '../../lambda/core/ports';
import {
  closeSession,
  type HistoryEntry,
  markContactRecordWritten,
  markRestored,
  openSession,
  type Session,
} from '../../lambda/core/session';
import { useSessionStore } from '../support/dynamo';
import { INSTANCE_ARN } from '../support/events';
import { MemorySessionStore } from '../support/memory-store';

const POLICY = parseAcwConfig({}).policies.default;
const STARTED = new Date('2026-03-02T09:00:00.000Z');
const CLOSED_AT = new Date('2026-03-02T09:01:30.000Z');
const DONE_AT = new Date('2026-03-02T09:01:31.000Z');
const EXPIRES = new Date('2026-03-09T09:00:00.000Z');

function open(contactId: string, agentId = 'agent-1', startedAt = STARTED, policy = POLICY): Session {
  return openSession({
    contactId,
    agentId,
    instanceArn: INSTANCE_ARN,
    channel: 'VOICE',
    queueId: 'queue-1',
    policy,
    policySource: 'default',
    startedAt,
    now: startedAt,
  });
}

function closed(session: Session, restore: 'PENDING' | 'SKIPPED' = 'PENDING'): Session {
  return closeSession(session, { at: CLOSED_AT, reason: 'TIMER', by: 'system', systemWrapUp: true, restore });
}

function useMemoryStore(): { readonly store: SessionStore } {
  const handle = {} as { store: SessionStore };
  beforeEach(() => {
    handle.store = new MemorySessionStore();
  });
  return handle;
}

const STORES: ReadonlyArray<readonly [string, () => { readonly store: SessionStore }]> = [
  ['DynamoSessionStore on dynalite', useSessionStore],
  ['MemorySessionStore', useMemoryStore],
];

describe.each(STORES)('SessionStore contract: %s', (_name, use) => {
  const db = use();

  async function stored(contactId: string, agentId = 'agent-1'): Promise<Session> {
    const session = await db.store.get(contactId, agentId);
    if (session === undefined) throw new Error(`no session ${contactId}/${agentId}`);
    return session;
  }

  async function openIds(agentId?: string): Promise<string[]> {
    const sessions =
      agentId === undefined ? await db.store.listOpen() : await db.store.listOpenByAgent(agentId);
    return sessions.map((s) => `${s.contactId}/${s.agentId}`);
  }

  describe('create and get (R14)', () => {
    it('R14: create writes a new session at version 1, and get reads it back', async () => {
      const original = open('c-new');
      const result = await db.store.create(original);
      expect(result).toEqual({ created: true, session: { ...original, version: 1 } });
      expect(await db.store.get('c-new', 'agent-1')).toEqual({ ...original, version: 1 });
    });

    it('R14: a second create returns the stored session with created false, whatever it was given', async () => {
      const { session } = await db.store.create(open('c-dup'));
      await db.store.save({ ...session, wrapUpStatusSet: true });
      const again = await db.store.create({ ...open('c-dup'), policySource: 'queue:other' });
      expect(again.created).toBe(false);
      expect(again.session).toMatchObject({ policySource: 'default', wrapUpStatusSet: true, version: 2 });
    });

    it('keeps one session per contact and agent: a transferred contact has one per agent', async () => {
      await db.store.create(open('c-transfer', 'agent-a'));
      const second = await db.store.create(open('c-transfer', 'agent-b'));
      expect(second.created).toBe(true);
      expect((await stored('c-transfer', 'agent-a')).agentId).toBe('agent-a');
      expect((await stored('c-transfer', 'agent-b')).agentId).toBe('agent-b');
    });

    it('get of a session that does not exist is undefined', async () => {
      expect(await db.store.get('c-missing', 'agent-1')).toBeUndefined();
    });

    it("ids starting with '#' are not sessions: the flow's choice and an interruption record are not read as one", async () => {
      await db.store.putOverride(
        { contactId: 'c-hash', profile: 'vip', setAt: STARTED.toISOString() },
        EXPIRES,
      );
      await db.store.markInterruption('c-hash', 'agent-1', 'ENDED', EXPIRES);
      expect(await db.store.get('c-hash', '#FLOW')).toBeUndefined();
      expect(await db.store.get('c-hash', '#INTERRUPT#agent-1')).toBeUndefined();
    });
  });

  describe('save (R14: optimistic locking)', () => {
    it('R14: a save with the version read is written and returned with the version incremented', async () => {
      const { session } = await db.store.create(open('c-save'));
      const saved = await db.store.save({ ...session, wrapUpStatusSet: true });
      expect(saved).toMatchObject({ wrapUpStatusSet: true, version: 2 });
      expect(await stored('c-save')).toEqual(saved);
    });

    it('R14: a save with a stale version is refused with VersionConflict and changes nothing', async () => {
      const { session } = await db.store.create(open('c-stale'));
      await db.store.save({ ...session, wrapUpStatusSet: true });
      const refused = db.store.save({ ...session, timerArmed: true });
      await expect(refused).rejects.toBeInstanceOf(VersionConflict);
      await expect(refused).rejects.toMatchObject({ contactId: 'c-stale', agentId: 'agent-1' });
      expect(await stored('c-stale')).toMatchObject({ wrapUpStatusSet: true, timerArmed: false, version: 2 });
    });

    it('R14: a save of a session that was never created is refused with VersionConflict', async () => {
      await expect(db.store.save({ ...open('c-never'), version: 1 })).rejects.toBeInstanceOf(VersionConflict);
      expect(await db.store.get('c-never', 'agent-1')).toBeUndefined();
    });

    it('create and save return the session they were given with its new version, not a re-read', async () => {
      const created = await db.store.create({ ...open('c-echo'), notes: undefined });
      const saved = await db.store.save({ ...created.session, disposition: undefined });
      expect('notes' in created.session).toBe(true);
      expect('disposition' in saved).toBe(true);
      expect(saved.version).toBe(2);
    });
  });

  describe('open sessions (the sparse openByAgent index: R12, R15)', () => {
    it("R12: an open session is listed under its agent only, and listOpen lists every agent's", async () => {
      await db.store.create(open('c-1', 'agent-a'));
      await db.store.create(open('c-2', 'agent-b'));
      expect(await openIds('agent-a')).toEqual(['c-1/agent-a']);
      expect(await openIds('agent-b')).toEqual(['c-2/agent-b']);
      expect(await openIds('agent-c')).toEqual([]);
      expect((await openIds()).sort()).toEqual(['c-1/agent-a', 'c-2/agent-b']);
    });

    it('R15: a closed session stays listed while its restore or its record is PENDING, and leaves once both are done', async () => {
      const { session } = await db.store.create(open('c-close'));
      const closing = await db.store.save(closed(session));
      expect(await openIds('agent-1')).toEqual(['c-close/agent-1']);
      const restored = await db.store.save(markRestored(closing, DONE_AT, 'DONE'));
      expect(await openIds('agent-1')).toEqual(['c-close/agent-1']);
      expect(await openIds()).toEqual(['c-close/agent-1']);
      await db.store.save(markContactRecordWritten(restored, DONE_AT));
      expect(await openIds('agent-1')).toEqual([]);
      expect(await openIds()).toEqual([]);
    });

    it('R15: a close whose restore was SKIPPED is listed until its record is written', async () => {
      const { session } = await db.store.create(open('c-skip'));
      const closing = await db.store.save(closed(session, 'SKIPPED'));
      expect(await openIds('agent-1')).toEqual(['c-skip/agent-1']);
      await db.store.save(markContactRecordWritten(closing, DONE_AT));
      expect(await openIds('agent-1')).toEqual([]);
    });

    it("lists an agent's open sessions by deadline, an untimed one last", async () => {
      await db.store.create(
        open('c-untimed', 'agent-1', new Date('2026-03-02T08:00:00.000Z'), {
          ...POLICY,
          mode: 'untimed',
        }),
      );
      await db.store.create(open('c-late', 'agent-1', new Date('2026-03-02T09:30:00.000Z')));
      await db.store.create(open('c-early', 'agent-1', new Date('2026-03-02T09:10:00.000Z')));
      expect(await openIds('agent-1')).toEqual(['c-early/agent-1', 'c-late/agent-1', 'c-untimed/agent-1']);
    });

    it("R8, R11, R12: listAgent gives the agent's open sessions and the stream's last report of their status, nobody else's", async () => {
      expect(await db.store.listAgent('agent-1')).toStrictEqual({ sessions: [], observed: undefined });
      await db.store.create(open('c-1', 'agent-1'));
      await db.store.create(open('c-2', 'agent-2'));
      const lunch = { name: 'Lunch', since: STARTED.toISOString() };
      const offline = { name: 'Offline', since: CLOSED_AT.toISOString() };
      await db.store.putAgentStatus('agent-1', lunch, EXPIRES);
      await db.store.putAgentStatus('agent-3', offline, EXPIRES);
      const listing = await db.store.listAgent('agent-1');
      expect(listing.sessions.map((s) => `${s.contactId}/${s.agentId}`)).toEqual(['c-1/agent-1']);
      expect(listing.sessions[0]).toStrictEqual(await stored('c-1'));
      expect(listing.observed).toStrictEqual(lunch);
      // A newer report replaces it in the listing too; an agent with only a status lists no session.
      await db.store.putAgentStatus('agent-1', offline, EXPIRES);
      expect((await db.store.listAgent('agent-1')).observed).toStrictEqual(offline);
      expect(await db.store.listAgent('agent-3')).toStrictEqual({ sessions: [], observed: offline });
      expect((await db.store.listAgent('agent-2')).observed).toBeUndefined();
    });

    it('lists no override, interruption record or agent status', async () => {
      await db.store.putOverride({ contactId: 'c-other', setAt: STARTED.toISOString() }, EXPIRES);
      await db.store.markInterruption('c-other', 'agent-1', 'INTERRUPTED', EXPIRES);
      await db.store.putAgentStatus('agent-1', { name: 'Available', since: STARTED.toISOString() }, EXPIRES);
      expect(await openIds()).toEqual([]);
      expect(await openIds('agent-1')).toEqual([]);
    });
  });

  describe("the contact flow's choice (R3)", () => {
    it('round-trips, undefined fields dropped, and is replaced by the next one', async () => {
      const setAt = STARTED.toISOString();
      expect(await db.store.getOverride('c-flow')).toBeUndefined();
      await db.store.putOverride(
        { contactId: 'c-flow', profile: 'vip', durationSeconds: 120, mode: undefined, setAt },
        EXPIRES,
      );
      expect(await db.store.getOverride('c-flow')).toStrictEqual({
        contactId: 'c-flow',
        profile: 'vip',
        durationSeconds: 120,
        setAt,
      });
      await db.store.putOverride({ contactId: 'c-flow', mode: 'forced', setAt }, EXPIRES);
      expect(await db.store.getOverride('c-flow')).toStrictEqual({
        contactId: 'c-flow',
        mode: 'forced',
        setAt,
      });
    });

    it('R3: getOverrides reads the choices of a transfer chain at once, by contact, leaving out contacts without one', async () => {
      const setAt = STARTED.toISOString();
      await db.store.putOverride({ contactId: 'c-a', profile: 'vip', queueId: 'q-1', setAt }, EXPIRES);
      await db.store.putOverride(
        { contactId: 'c-b', unansweredOutbound: true, inheritedFrom: 'c-a', profile: 'vip', setAt },
        EXPIRES,
      );
      await db.store.create(open('c-c'));

      const found = await db.store.getOverrides(['c-c', 'c-b', 'c-a', 'c-a']);

      expect([...found.keys()].sort()).toEqual(['c-a', 'c-b']);
      expect(found.get('c-a')).toStrictEqual({ contactId: 'c-a', profile: 'vip', queueId: 'q-1', setAt });
      expect(found.get('c-b')).toStrictEqual({
        contactId: 'c-b',
        unansweredOutbound: true,
        inheritedFrom: 'c-a',
        profile: 'vip',
        setAt,
      });
      expect((await db.store.getOverrides([])).size).toBe(0);
    });

    it("R10: listByContact lists every agent's session of a contact, not its flow choice or interruption records", async () => {
      await db.store.create(open('c-legs', 'agent-a'));
      const { session } = await db.store.create(open('c-legs', 'agent-b'));
      await db.store.save(closed(session));
      await db.store.putOverride(
        { contactId: 'c-legs', profile: 'vip', setAt: STARTED.toISOString() },
        EXPIRES,
      );
      await db.store.markInterruption('c-legs', 'agent-a', 'ENDED', EXPIRES);
      await db.store.create(open('c-other', 'agent-a'));

      const legs = await db.store.listByContact('c-legs');

      expect(legs.map((leg) => `${leg.contactId}/${leg.agentId}/${leg.state}`)).toEqual([
        'c-legs/agent-a/WRAP_UP',
        'c-legs/agent-b/CLOSED_COMPLETE',
      ]);
      expect(legs[0]).toEqual(await stored('c-legs', 'agent-a'));
      expect(await db.store.listByContact('c-none')).toEqual([]);
    });
  });

  describe('interruptions (R9, R10)', () => {
    it('R10: the first side sees only itself, the second sees both, and repeats keep seeing both', async () => {
      const mark = (side: 'INTERRUPTED' | 'ENDED') =>
        db.store.markInterruption('c-int', 'agent-1', side, EXPIRES);
      expect(await mark('INTERRUPTED')).toEqual({ interrupted: true, ended: false });
      expect(await mark('INTERRUPTED')).toEqual({ interrupted: true, ended: false });
      expect(await mark('ENDED')).toEqual({ interrupted: true, ended: true });
      expect(await mark('ENDED')).toEqual({ interrupted: true, ended: true });
      expect(await mark('INTERRUPTED')).toEqual({ interrupted: true, ended: true });
    });

    it('R9: in the other order too, and each contact and agent has its own record', async () => {
      expect(await db.store.markInterruption('c-int', 'agent-1', 'ENDED', EXPIRES)).toEqual({
        interrupted: false,
        ended: true,
      });
      expect(await db.store.markInterruption('c-int', 'agent-2', 'INTERRUPTED', EXPIRES)).toEqual({
        interrupted: true,
        ended: false,
      });
      expect(await db.store.markInterruption('c-int-2', 'agent-1', 'INTERRUPTED', EXPIRES)).toEqual({
        interrupted: true,
        ended: false,
      });
      expect(await db.store.markInterruption('c-int', 'agent-1', 'INTERRUPTED', EXPIRES)).toEqual({
        interrupted: true,
        ended: true,
      });
    });
  });

  describe('restore claims after an interruption (R10)', () => {
    const T0 = new Date('2026-03-02T10:00:00.000Z');
    const at = (ms: number) => new Date(T0.getTime() + ms);

    async function interrupted(contactId: string): Promise<void> {
      await db.store.markInterruption(contactId, 'agent-1', 'INTERRUPTED', EXPIRES);
      await db.store.markInterruption(contactId, 'agent-1', 'ENDED', EXPIRES);
    }

    it('R10: there is nothing to claim without an interruption record', async () => {
      expect(await db.store.claimInterruptionRestore('c-none', 'agent-1', T0, at(-60_000))).toBe(false);
    });

    it('R10: the restore is claimed once; a second claim within the lease is refused', async () => {
      await interrupted('c-claim');
      expect(await db.store.claimInterruptionRestore('c-claim', 'agent-1', T0, at(-60_000))).toBe(true);
      expect(await db.store.claimInterruptionRestore('c-claim', 'agent-1', at(1_000), at(-59_000))).toBe(
        false,
      );
      expect(await db.store.claimInterruptionRestore('c-claim', 'agent-2', at(1_000), at(-59_000))).toBe(
        false,
      );
    });

    it('R10: a claim made exactly at staleBefore is still held; one older is stale and claimed again, once', async () => {
      await interrupted('c-stale-claim');
      expect(await db.store.claimInterruptionRestore('c-stale-claim', 'agent-1', T0, at(-60_000))).toBe(true);
      expect(await db.store.claimInterruptionRestore('c-stale-claim', 'agent-1', at(60_000), T0)).toBe(false);
      expect(await db.store.claimInterruptionRestore('c-stale-claim', 'agent-1', at(60_001), at(1))).toBe(
        true,
      );
      expect(await db.store.claimInterruptionRestore('c-stale-claim', 'agent-1', at(60_002), at(2))).toBe(
        false,
      );
    });

    it('R10: once the restore is recorded done it is never claimed again, however old the claim', async () => {
      await interrupted('c-done');
      expect(await db.store.claimInterruptionRestore('c-done', 'agent-1', T0, at(-60_000))).toBe(true);
      await db.store.markInterruptionRestored('c-done', 'agent-1');
      expect(await db.store.claimInterruptionRestore('c-done', 'agent-1', at(3_600_000), at(3_600_000))).toBe(
        false,
      );
    });

    it('markInterruptionRestored without a record does nothing: a later interruption can still be claimed', async () => {
      await db.store.markInterruptionRestored('c-early-done', 'agent-1');
      expect(await db.store.markInterruption('c-early-done', 'agent-1', 'ENDED', EXPIRES)).toEqual({
        interrupted: false,
        ended: true,
      });
      expect(await db.store.markInterruption('c-early-done', 'agent-1', 'INTERRUPTED', EXPIRES)).toEqual({
        interrupted: true,
        ended: true,
      });
      expect(await db.store.claimInterruptionRestore('c-early-done', 'agent-1', T0, at(-60_000))).toBe(true);
    });
  });

  describe('the restore shared by wrap-ups closing together (R14)', () => {
    const HELD = new Date('2026-03-02T09:00:05.000Z');
    const CLOSED = new Date('2026-03-02T09:02:00.000Z');
    const later = (ms: number) => new Date(CLOSED.getTime() + ms);

    it('R14: of wrap-ups held before it, the first claimant wins and the others lose, whichever sets of siblings they saw; its own retry keeps it', async () => {
      expect(await db.store.claimSharedRestore('agent-1', 'c-b', HELD, CLOSED, EXPIRES)).toBe(true);
      expect(await db.store.claimSharedRestore('agent-1', 'c-a', HELD, later(5), EXPIRES)).toBe(false);
      expect(await db.store.claimSharedRestore('agent-1', 'c-c', later(-60_000), later(9), EXPIRES)).toBe(
        false,
      );
      // Its own retry (after a failed restore) keeps it.
      expect(await db.store.claimSharedRestore('agent-1', 'c-b', HELD, later(20_000), EXPIRES)).toBe(true);
    });

    it('R14: a wrap-up held after the last claim (a later one of the agent) claims again; another agent has a claim of their own; no session is listed for it', async () => {
      expect(await db.store.claimSharedRestore('agent-1', 'c-a', HELD, CLOSED, EXPIRES)).toBe(true);
      expect(await db.store.claimSharedRestore('agent-1', 'c-d', later(1), later(120_000), EXPIRES)).toBe(
        true,
      );
      expect(await db.store.claimSharedRestore('agent-1', 'c-e', later(1), later(120_005), EXPIRES)).toBe(
        false,
      );
      expect(await db.store.claimSharedRestore('agent-2', 'c-b', HELD, CLOSED, EXPIRES)).toBe(true);
      expect(await db.store.listOpenByAgent('agent-1')).toEqual([]);
      expect((await db.store.listAgent('agent-1')).sessions).toEqual([]);
    });
  });

  describe('observed agent status (R8, R11)', () => {
    const ARN = 'arn:aws:connect:us-west-2:111122223333:instance/x/agent-state/available';

    it('R8: nothing is kept for an agent never seen', async () => {
      expect(await db.store.getAgentStatus('agent-unseen')).toBeUndefined();
    });

    it('R8: a newer status replaces the kept one, arn included; an older one is refused and changes nothing', async () => {
      const first = { name: 'Available', arn: ARN, since: '2026-03-02T10:00:00.000Z' };
      expect(await db.store.putAgentStatus('agent-1', first, EXPIRES)).toBe(true);
      expect(await db.store.getAgentStatus('agent-1')).toStrictEqual(first);
      const newer = { name: 'Lunch', since: '2026-03-02T10:05:00.000Z' };
      expect(await db.store.putAgentStatus('agent-1', newer, EXPIRES)).toBe(true);
      expect(await db.store.getAgentStatus('agent-1')).toStrictEqual(newer);
      const older = { name: 'Available', arn: ARN, since: '2026-03-02T10:01:00.000Z' };
      expect(await db.store.putAgentStatus('agent-1', older, EXPIRES)).toBe(false);
      expect(await db.store.getAgentStatus('agent-1')).toStrictEqual(newer);
    });

    it('R8: a status as old as the kept one is refused, however its time is written', async () => {
      expect(
        await db.store.putAgentStatus(
          'agent-1',
          { name: 'Available', since: '2026-03-02T10:00:00Z' },
          EXPIRES,
        ),
      ).toBe(true);
      expect(
        await db.store.putAgentStatus(
          'agent-1',
          { name: 'Lunch', since: '2026-03-02T10:00:00.000Z' },
          EXPIRES,
        ),
      ).toBe(false);
      expect(await db.store.getAgentStatus('agent-1')).toMatchObject({ name: 'Available' });
    });

    it("R11: each agent's status is their own", async () => {
      await db.store.putAgentStatus(
        'agent-1',
        { name: 'Offline', since: '2026-03-02T10:05:00.000Z' },
        EXPIRES,
      );
      expect(
        await db.store.putAgentStatus(
          'agent-2',
          { name: 'Available', since: '2026-03-02T10:00:00.000Z' },
          EXPIRES,
        ),
      ).toBe(true);
      expect(await db.store.getAgentStatus('agent-1')).toMatchObject({ name: 'Offline' });
      expect(await db.store.getAgentStatus('agent-2')).toMatchObject({ name: 'Available' });
    });

    it('a status whose time is not a date is refused with an error, not kept', async () => {
      await expect(
        db.store.putAgentStatus('agent-1', { name: 'Available', since: 'yesterday-ish' }, EXPIRES),
      ).rejects.toThrow('Special numeric value NaN is not allowed');
      expect(await db.store.getAgentStatus('agent-1')).toBeUndefined();
    });
  });

  describe('stored values are values (as DynamoDB round-trips them)', () => {
    it('undefined fields are dropped: a session saved with notes undefined reads back without the key', async () => {
      const { session } = await db.store.create({ ...open('c-undef'), notes: 'first draft' });
      const entry: HistoryEntry = {
        at: DONE_AT.toISOString(),
        what: 'UPDATED',
        by: 'agent:agent-1',
        detail: undefined,
      };
      await db.store.save({ ...session, notes: undefined, history: [...session.history, entry] });
      const read = await stored('c-undef');
      expect('notes' in read).toBe(false);
      expect('queueId' in read).toBe(true);
      expect(read.history.at(-1)).toStrictEqual({ at: entry.at, what: 'UPDATED', by: 'agent:agent-1' });
      expect(read).toStrictEqual(JSON.parse(JSON.stringify(read)));
    });

    it('a returned session is a copy: mutating it, or what was given to create, does not change the store', async () => {
      const input = open('c-alias', 'agent-1', STARTED, { ...POLICY, dispositionCodes: [] });
      const { session } = await db.store.create(input);
      (input.history as HistoryEntry[]).push({ at: DONE_AT.toISOString(), what: 'UPDATED', by: 'system' });
      (input.policy.dispositionCodes as unknown as string[]).push('INPUT');
      const read = await stored('c-alias');
      (read as { notes?: string }).notes = 'mutated';
      (read.history as HistoryEntry[]).length = 0;
      const [listed] = await db.store.listOpenByAgent('agent-1');
      (listed?.history as HistoryEntry[]).length = 0;
      const again = await stored('c-alias');
      expect(again.notes).toBeUndefined();
      expect(again.history).toHaveLength(1);
      expect(again.policy.dispositionCodes).toEqual([]);
      expect(again.version).toBe(session.version);
    });

    it('a returned override or status is a copy: mutating it does not change the store', async () => {
      await db.store.putOverride(
        { contactId: 'c-alias', profile: 'vip', setAt: STARTED.toISOString() },
        EXPIRES,
      );
      await db.store.putAgentStatus('agent-1', { name: 'Available', since: STARTED.toISOString() }, EXPIRES);
      const override = await db.store.getOverride('c-alias');
      if (override !== undefined) (override as { profile?: string }).profile = 'mutated';
      const status = await db.store.getAgentStatus('agent-1');
      if (status !== undefined) (status as { name: string }).name = 'mutated';
      expect((await db.store.getOverride('c-alias'))?.profile).toBe('vip');
      expect((await db.store.getAgentStatus('agent-1'))?.name).toBe('Available');
    });
  });

  describe('what DynamoDB refuses is refused', () => {
    it('an empty contact or agent id is a ValidationException and nothing is written', async () => {
      await expect(db.store.create(open(''))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(db.store.create(open('c-empty', ''))).rejects.toMatchObject({
        name: 'ValidationException',
      });
      await expect(db.store.get('', 'agent-1')).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(
        db.store.putOverride({ contactId: '', setAt: STARTED.toISOString() }, EXPIRES),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      expect(await db.store.listOpen()).toEqual([]);
    });

    it('a number DynamoDB cannot hold is refused and nothing is written', async () => {
      await expect(db.store.create({ ...open('c-nan'), extensionsUsed: Number.NaN })).rejects.toThrow(
        'Special numeric value NaN is not allowed',
      );
      await expect(db.store.create({ ...open('c-tiny'), extensionsUsed: 1e-200 })).rejects.toMatchObject({
        name: 'ValidationException',
      });
      expect(await db.store.get('c-nan', 'agent-1')).toBeUndefined();
      expect(await db.store.get('c-tiny', 'agent-1')).toBeUndefined();
    });
  });
});

describe('MemorySessionStore counts the DynamoDB requests the adapter would send', () => {
  it('a read per get, list and duplicate create; a write per write, refused ones counted apart', async () => {
    const store = new MemorySessionStore();
    const { session } = await store.create(open('c-count'));
    await store.create(open('c-count'));
    await store.get('c-count', 'agent-1');
    await store.get('c-count', '#FLOW');
    await store.listOpenByAgent('agent-1');
    await store.save(session);
    await expect(store.save(session)).rejects.toBeInstanceOf(VersionConflict);
    expect({ reads: store.reads, writes: store.writes, failedConditions: store.failedConditions }).toEqual({
      reads: 3,
      writes: 4,
      failedConditions: 2,
    });
  });
});
