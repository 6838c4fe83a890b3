/**
 * R20: an administrator's change, validated like the deploy-time configuration (messages name the
 * field), versioned and audited; the overrides merge over the baseline level by level.
 */
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { resolvePolicy } from '../../lambda/core/policy';
import { applyPolicyChange, type PolicyChangeRequest } from '../../lambda/core/policy-change';
import {
  indexLivePolicies,
  MAX_DOCUMENT_BYTES,
  NO_OVERRIDES,
  PolicyChangeInvalid,
  PolicyDocumentTooLarge,
} from '../../lambda/core/policy-overrides';
import { PolicyVersionConflict } from '../../lambda/core/ports';
import { INSTANCE_ARN } from '../support/events';
import { MemoryPolicyStore } from '../support/memory-store';

const QUEUE_ARN = `${INSTANCE_ARN}/queue/q-billing`;
const BASELINE = parseAcwConfig({
  policies: {
    default: { durationSeconds: 90 },
    queues: { [QUEUE_ARN]: { durationSeconds: 300, maxExtensions: 2 } },
    profiles: { tier3: { durationSeconds: 600 } },
  },
}).policies;
const NOW = new Date('2026-03-02T09:00:00.000Z');

function request(fields: Partial<PolicyChangeRequest>): PolicyChangeRequest {
  return {
    level: 'queue',
    key: 'q-billing',
    policy: { durationSeconds: 120 },
    expectedVersion: 0,
    by: 'admin-1',
    reason: 'shorter wrap-up for billing',
    ...fields,
  };
}

async function refusal(promise: Promise<unknown>): Promise<PolicyChangeInvalid> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PolicyChangeInvalid))
    throw new Error(`expected PolicyChangeInvalid, got ${String(error)}`);
  return error;
}

describe('R20 policy changes', () => {
  it('R20: a change is refused with a message naming the field, as at deploy time', async () => {
    const store = new MemoryPolicyStore();
    const error = await refusal(
      applyPolicyChange(store, BASELINE, request({ policy: { durationSeconds: -1 } }), NOW),
    );
    expect(error.problems).toEqual([
      'acw.policies.queues["q-billing"].durationSeconds must be an integer 0-86400, got -1',
    ]);
    expect((await store.read()).version).toBe(0);
  });

  it('R20: an unknown field and a bad key are named', async () => {
    const store = new MemoryPolicyStore();
    const unknown = await refusal(
      applyPolicyChange(store, BASELINE, request({ policy: { duration: 5 } }), NOW),
    );
    expect(unknown.problems).toEqual(['acw.policies.queues["q-billing"] has unknown field "duration"']);
    const badChannel = await refusal(
      applyPolicyChange(store, BASELINE, request({ level: 'channel', key: 'FAX', policy: {} }), NOW),
    );
    expect(badChannel.problems.join()).toContain('unknown channel "FAX"');
  });

  it("R20: a cross-field rule holds against the policies in force (the default's codes)", async () => {
    const store = new MemoryPolicyStore();
    const error = await refusal(
      applyPolicyChange(store, BASELINE, request({ policy: { requireDisposition: true } }), NOW),
    );
    expect(error.problems).toContain(
      'acw.policies.queues["q-billing"].requireDisposition needs dispositionCodes to choose from',
    );
  });

  it('R20: removing an override that another one relies on is refused, naming the field', async () => {
    const store = new MemoryPolicyStore();
    const codes = [{ code: 'sale', label: 'Sale' }];
    await applyPolicyChange(
      store,
      BASELINE,
      request({ level: 'default', key: undefined, policy: { dispositionCodes: codes } }),
      NOW,
    );
    await applyPolicyChange(
      store,
      BASELINE,
      request({ policy: { requireDisposition: true, mode: 'untimed' }, expectedVersion: 1 }),
      NOW,
    );
    const error = await refusal(
      applyPolicyChange(
        store,
        BASELINE,
        request({ level: 'default', key: undefined, policy: null, expectedVersion: 2 }),
        NOW,
      ),
    );
    expect(error.problems).toEqual([
      'acw.policies.queues["q-billing"].requireDisposition needs dispositionCodes to choose from',
    ]);
    expect((await store.read()).version).toBe(2);
  });

  it('R20: a change without a reason is refused', async () => {
    const error = await refusal(
      applyPolicyChange(new MemoryPolicyStore(), BASELINE, request({ reason: ' ' }), NOW),
    );
    expect(error.problems).toEqual(['reason must say why the policy changes']);
  });

  it('R20: a change on a stale version is refused with PolicyVersionConflict', async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(store, BASELINE, request({}), NOW);
    await expect(applyPolicyChange(store, BASELINE, request({}), NOW)).rejects.toBeInstanceOf(
      PolicyVersionConflict,
    );
  });

  it('R20: an accepted change is audited with who, when, why, before and after', async () => {
    const store = new MemoryPolicyStore();
    const record = await applyPolicyChange(store, BASELINE, request({ key: QUEUE_ARN }), NOW);
    expect(record).toEqual({
      version: 1,
      at: NOW.toISOString(),
      by: 'admin-1',
      reason: 'shorter wrap-up for billing',
      level: 'queue',
      key: 'q-billing',
      after: { durationSeconds: 120 },
    });
    expect(await store.history(5)).toEqual([record]);
  });

  it('R20: a change that would make the overrides outgrow one DynamoDB item is refused, naming the size', async () => {
    const store = new MemoryPolicyStore();
    const codes = Array.from({ length: 100 }, (_, i) => ({ code: `code-${i}`, label: 'x'.repeat(128) }));
    let version = 0;
    const attempt = () =>
      applyPolicyChange(
        store,
        BASELINE,
        request({ key: `q-${version}`, policy: { dispositionCodes: codes }, expectedVersion: version }),
        NOW,
      );
    let refused: unknown;
    while (refused === undefined) {
      try {
        await attempt();
        version += 1;
      } catch (error) {
        refused = error;
      }
    }
    expect(refused).toBeInstanceOf(PolicyDocumentTooLarge);
    expect((refused as PolicyDocumentTooLarge).bytes).toBeGreaterThan(MAX_DOCUMENT_BYTES);
    expect(version).toBeGreaterThan(10);
    // Nothing of the refused change was kept.
    expect((await store.read()).version).toBe(version);
    expect(await store.history(100)).toHaveLength(version);
  });
});

describe('R20 live policies over the baseline', () => {
  it("R20: a queue's override replaces its baseline policy whole (an ARN-keyed baseline included)", async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(store, BASELINE, request({ policy: { durationSeconds: 120 } }), NOW);
    const index = indexLivePolicies(BASELINE, await store.read());
    const resolved = resolvePolicy(index, { channel: 'VOICE', queueId: 'q-billing' });
    expect(resolved.policy.durationSeconds).toBe(120);
    // maxExtensions: 2 was the baseline queue policy's; the override replaced it, so the default's applies.
    expect(resolved.policy.maxExtensions).toBe(BASELINE.default.maxExtensions);
    expect(index.queues.size).toBe(1);
  });

  it('R20: removing an override falls back to the baseline', async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(store, BASELINE, request({}), NOW);
    await applyPolicyChange(store, BASELINE, request({ policy: null, expectedVersion: 1 }), NOW);
    const resolved = resolvePolicy(indexLivePolicies(BASELINE, await store.read()), {
      channel: 'VOICE',
      queueId: 'q-billing',
    });
    expect(resolved.policy).toMatchObject({ durationSeconds: 300, maxExtensions: 2 });
  });

  it("R20: the default's override sets its fields over the baseline default", async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(
      store,
      BASELINE,
      request({ level: 'default', key: undefined, policy: { mode: 'untimed' } }),
      NOW,
    );
    const resolved = resolvePolicy(indexLivePolicies(BASELINE, await store.read()), { channel: 'CHAT' });
    expect(resolved.policy).toMatchObject({ mode: 'untimed', durationSeconds: 90 });
  });

  it('R20: with no override the baseline applies unchanged', () => {
    const resolved = resolvePolicy(indexLivePolicies(BASELINE, NO_OVERRIDES), {
      channel: 'VOICE',
      profile: 'tier3',
    });
    expect(resolved).toMatchObject({ policy: { durationSeconds: 600 }, source: 'profile:tier3' });
  });
});
