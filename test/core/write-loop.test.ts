import { describe, expect, it } from 'vitest';
import { POLICY_DEFAULTS } from '../../lambda/core/config';
import type { SessionStore } from '../../lambda/core/ports';
import { VersionConflict } from '../../lambda/core/ports';
import { openSession, record, type Session } from '../../lambda/core/session';
import { retryOnConflict, saveStep } from '../../lambda/core/write-loop';
import { MemorySessionStore } from '../support/memory-store';

const NOW = new Date('2026-03-02T09:00:02.000Z');

function fresh(contactId: string): Session {
  return openSession({
    contactId,
    agentId: 'agent-1',
    instanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
    channel: 'VOICE',
    queueId: 'queue-1',
    policy: { ...POLICY_DEFAULTS, dispositionCodes: [], durationSeconds: 90 },
    policySource: 'default',
    startedAt: new Date('2026-03-02T09:00:00.000Z'),
    now: NOW,
  });
}

function noted(session: Session, detail: string): Session {
  return record(session, { at: NOW.toISOString(), what: 'UPDATED', by: 'system', detail });
}

/** A store whose every save loses the race, and that counts its reads. */
function alwaysConflicting(inner: SessionStore): { store: SessionStore; reads: () => number } {
  let reads = 0;
  const store = Object.create(inner) as SessionStore;
  store.get = async (contactId, agentId) => {
    reads += 1;
    return inner.get(contactId, agentId);
  };
  store.save = async (session) => {
    throw new VersionConflict(session.contactId, session.agentId);
  };
  return { store, reads: () => reads };
}

describe('the conditional-write loop every use case shares (R14)', () => {
  it('R14: a lost conditional write re-reads the session and decides again on what is stored now', async () => {
    const store = new MemorySessionStore();
    const { session: stored } = await store.create(fresh('c-race'));
    const seen: number[] = [];

    const result = await retryOnConflict({ store }, stored, async (session) => {
      if (session === undefined) throw new Error('expected a session');
      seen.push(session.version);
      // Another writer gets there first, once.
      if (seen.length === 1) await store.save(noted(session, 'the other writer'));
      return { save: noted(session, 'this writer'), after: (saved) => saved };
    });

    expect(seen).toEqual([1, 2]);
    expect(result.version).toBe(3);
    expect(result.history.map((entry) => entry.detail).slice(-2)).toEqual([
      'the other writer',
      'this writer',
    ]);
  });

  it('R14: a decision with nothing to write ends the loop with its result and writes nothing', async () => {
    const store = new MemorySessionStore();
    const { session: stored } = await store.create(fresh('c-done'));

    const result = await retryOnConflict({ store }, stored, () => ({ done: 'nothing to do' }));

    expect(result).toBe('nothing to do');
    expect((await store.get('c-done', 'agent-1'))?.version).toBe(stored.version);
  });

  it('R14: after five lost writes in a row it gives up with VersionConflict, for the delivery to be retried', async () => {
    const inner = new MemorySessionStore();
    const { session: stored } = await inner.create(fresh('c-lost'));
    const { store, reads } = alwaysConflicting(inner);

    await expect(
      retryOnConflict({ store }, stored, (session) => ({
        save: noted(session ?? stored, 'never lands'),
        after: (saved) => saved,
      })),
    ).rejects.toBeInstanceOf(VersionConflict);
    expect(reads()).toBe(5);
  });

  it('R14: saveStep starts from the session in hand (no read) and re-reads only after a conflict', async () => {
    const inner = new MemorySessionStore();
    const { session: stored } = await inner.create(fresh('c-step'));
    const { store, reads } = alwaysConflicting(inner);

    await expect(saveStep({ store }, stored, (session) => noted(session, 'step'))).rejects.toBeInstanceOf(
      VersionConflict,
    );
    expect(reads()).toBe(4);
  });

  it('saveStep refuses to go on when the session disappeared from the store', async () => {
    const store = new MemorySessionStore();
    const missing = { ...fresh('c-gone'), version: 1 };

    await expect(saveStep({ store }, missing, (session) => noted(session, 'step'))).rejects.toThrow(
      'Session c-gone/agent-1 disappeared from the store',
    );
  });
});
