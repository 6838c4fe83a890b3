/**
 * R8-R11, R14: the items the session store keeps beside the sessions (interruption records and the
 * agent's observed status), on dynalite. None of them is a session.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSessionItem } from '../../lambda/adapters/session-keys';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import { openSession, type Session } from '../../lambda/core/session';
import { startDynamo, type TestDynamo, useSessionStore } from '../support/dynamo';

const db = useSessionStore();
const dynamo = useDynamo();
const AGENT = 'agent-1';
const EXPIRES = new Date('2026-03-09T09:00:00.000Z');
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

function session(contactId: string, agentId = AGENT): Session {
  return openSession({
    contactId,
    agentId,
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
    channel: 'VOICE',
    queueId: 'queue-1',
    policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 90 },
    policySource: 'default',
    startedAt: at(0),
    now: at(2_000),
  });
}

describe('interruption records (R9, R10)', () => {
  it('R10: the first side marked sees only itself; the second sees both', async () => {
    const first = await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);
    const second = await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);

    expect(first).toEqual({ interrupted: true, ended: false });
    expect(second).toEqual({ interrupted: true, ended: true });
  });

  it('R10: the sides may come in either order', async () => {
    const first = await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);
    const second = await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);

    expect(first).toEqual({ interrupted: false, ended: true });
    expect(second).toEqual({ interrupted: true, ended: true });
  });

  it('R14: marking the same side again is idempotent', async () => {
    const first = await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);
    const again = await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);
    await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);
    const afterBoth = await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);

    expect(again).toEqual(first);
    expect(afterBoth).toEqual({ interrupted: true, ended: true });
  });

  it('R10: records are per contact and agent', async () => {
    await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);

    expect(await db.store.markInterruption('c-int', 'agent-2', 'ENDED', EXPIRES)).toEqual({
      interrupted: false,
      ended: true,
    });
    expect(await db.store.markInterruption('c-other', AGENT, 'ENDED', EXPIRES)).toEqual({
      interrupted: false,
      ended: true,
    });
  });

  it('R14: the restore after an interruption is claimed once; a second claimer within the lease is refused', async () => {
    await db.store.markInterruption('c-int', AGENT, 'INTERRUPTED', EXPIRES);
    await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);

    const first = await db.store.claimInterruptionRestore('c-int', AGENT, at(0), at(-15_000));
    const second = await db.store.claimInterruptionRestore('c-int', AGENT, at(5_000), at(-10_000));

    expect(first).toBe(true);
    expect(second).toBe(false);
  });

  it('R15: a claim older than staleBefore (its delivery evidently failed) can be taken over', async () => {
    await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);
    expect(await db.store.claimInterruptionRestore('c-int', AGENT, at(0), at(-15_000))).toBe(true);

    const takeover = await db.store.claimInterruptionRestore('c-int', AGENT, at(20_000), at(5_000));
    // The takeover is itself a fresh claim.
    const third = await db.store.claimInterruptionRestore('c-int', AGENT, at(21_000), at(6_000));

    expect(takeover).toBe(true);
    expect(third).toBe(false);
  });

  it('R14: once the restore is recorded done it is never claimed again, however old the claim', async () => {
    await db.store.markInterruption('c-int', AGENT, 'ENDED', EXPIRES);
    expect(await db.store.claimInterruptionRestore('c-int', AGENT, at(0), at(-15_000))).toBe(true);

    await db.store.markInterruptionRestored('c-int', AGENT);

    expect(await db.store.claimInterruptionRestore('c-int', AGENT, at(60_000), at(45_000))).toBe(false);
  });

  it('R10: marking a restore done when no interruption was recorded creates no record (it would have no TTL)', async () => {
    const { store, tableName } = await dynamo().newStore();

    await store.markInterruptionRestored('c-none', AGENT);

    const items = (await dynamo().client.send(new ScanCommand({ TableName: tableName }))).Items ?? [];
    expect(items).toEqual([]);
  });

  it('R10: there is nothing to claim when no interruption was recorded', async () => {
    expect(await db.store.claimInterruptionRestore('c-none', AGENT, at(0), at(-15_000))).toBe(false);
  });
});

describe("the agent's observed status (R8, R11, R14)", () => {
  const lunch = {
    name: 'Lunch',
    arn: 'arn:aws:connect:x:instance/i/agent-state/lunch',
    since: at(30_000).toISOString(),
  };
  const available = { name: 'Available', since: at(60_000).toISOString() };

  it('R8: a reported status is kept and read back (arn optional)', async () => {
    expect(await db.store.getAgentStatus(AGENT)).toBeUndefined();

    expect(await db.store.putAgentStatus(AGENT, lunch, EXPIRES)).toBe(true);
    expect(await db.store.getAgentStatus(AGENT)).toEqual(lunch);
    expect(await db.store.putAgentStatus('agent-2', available, EXPIRES)).toBe(true);
    expect(await db.store.getAgentStatus('agent-2')).toEqual(available);
  });

  it('R14: a newer status replaces an older one', async () => {
    await db.store.putAgentStatus(AGENT, lunch, EXPIRES);

    expect(await db.store.putAgentStatus(AGENT, available, EXPIRES)).toBe(true);
    // The newer one has no arn: the older one's is not left behind.
    expect(await db.store.getAgentStatus(AGENT)).toEqual(available);
  });

  it('R14: an older report arriving late returns false and does not replace the newer one', async () => {
    await db.store.putAgentStatus(AGENT, available, EXPIRES);

    expect(await db.store.putAgentStatus(AGENT, lunch, EXPIRES)).toBe(false);
    expect(await db.store.getAgentStatus(AGENT)).toEqual(available);
  });

  it('R14: the same report again (a duplicate record) is not newer', async () => {
    await db.store.putAgentStatus(AGENT, lunch, EXPIRES);

    expect(await db.store.putAgentStatus(AGENT, lunch, EXPIRES)).toBe(false);
    expect(await db.store.getAgentStatus(AGENT)).toEqual(lunch);
  });

  it("R8: one agent's status is not another's", async () => {
    await db.store.putAgentStatus(AGENT, lunch, EXPIRES);

    expect(await db.store.getAgentStatus('agent-2')).toBeUndefined();
  });
});

describe('none of these items is a session', () => {
  it('R12: get, listOpen and listOpenByAgent return sessions only, never interruption records or observed statuses', async () => {
    await db.store.create(session('c-1'));
    await db.store.markInterruption('c-1', AGENT, 'INTERRUPTED', EXPIRES);
    await db.store.markInterruption('c-1', AGENT, 'ENDED', EXPIRES);
    await db.store.claimInterruptionRestore('c-1', AGENT, at(0), at(-15_000));
    await db.store.markInterruptionRestored('c-1', AGENT);
    await db.store.putAgentStatus(AGENT, { name: 'Lunch', since: at(30_000).toISOString() }, EXPIRES);

    expect(await db.store.get('c-1', `#INTERRUPT#${AGENT}`)).toBeUndefined();
    expect(await db.store.get(`#AGENT#${AGENT}`, '#STATUS')).toBeUndefined();
    expect((await db.store.listOpen()).map((s) => [s.contactId, s.agentId])).toEqual([['c-1', AGENT]]);
    expect((await db.store.listOpenByAgent(AGENT)).map((s) => [s.contactId, s.agentId])).toEqual([
      ['c-1', AGENT],
    ]);
    expect((await db.store.get('c-1', AGENT))?.state).toBe('WRAP_UP');
  });

  it('isSessionItem: sessions yes; flow choices, interruption records and observed statuses no', () => {
    expect(isSessionItem({ contactId: 'c-1', agentId: AGENT })).toBe(true);
    expect(isSessionItem({ contactId: 'c-1', agentId: '#FLOW' })).toBe(false);
    expect(isSessionItem({ contactId: 'c-1', agentId: `#INTERRUPT#${AGENT}` })).toBe(false);
    expect(isSessionItem({ contactId: `#AGENT#${AGENT}`, agentId: '#STATUS' })).toBe(false);
    expect(isSessionItem({ contactId: 'c-1' })).toBe(false);
    expect(isSessionItem({ contactId: 'c-1', agentId: 7 })).toBe(false);
  });
});

/** The dynalite under the store, for a table of this test's own. */
function useDynamo(): () => TestDynamo {
  let dynamo: TestDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  afterAll(() => dynamo?.close());
  return () => {
    if (dynamo === undefined) throw new Error('dynalite did not start');
    return dynamo;
  };
}
