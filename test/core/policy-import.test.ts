/**
 * R20: `policies import`, the bulk change: the policies in force become the file's, in one
 * audited change on the version, validated by the deploy-time schema (messages name the field);
 * a baseline key the file lacks is refused, named.
 */
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { applyPolicyChange } from '../../lambda/core/policy-change';
import { applyPolicyImport, type PolicyImportRequest } from '../../lambda/core/policy-import';
import {
  effectivePolicies,
  MAX_DOCUMENT_BYTES,
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
    channels: { CHAT: { durationSeconds: 60 } },
    queues: { [QUEUE_ARN]: { durationSeconds: 300, maxExtensions: 2 } },
    profiles: { tier3: { durationSeconds: 600 } },
  },
}).policies;
const NOW = new Date('2026-03-02T09:00:00.000Z');

/** The policies in force, as `policies export` prints them (a deep copy to edit). */
function exported(store: MemoryPolicyStore): Promise<Record<string, Record<string, unknown>>> {
  return store.read().then((doc) => JSON.parse(JSON.stringify(effectivePolicies(BASELINE, doc))));
}

function request(policies: unknown, fields: Partial<PolicyImportRequest> = {}): PolicyImportRequest {
  return { policies, expectedVersion: 0, by: 'admin-1', reason: 'quarterly review', ...fields };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

describe('R20 policies import', () => {
  it('R20: importing what export printed changes nothing in force and makes no override', async () => {
    const store = new MemoryPolicyStore();
    const file = await exported(store);
    const record = await applyPolicyImport(store, BASELINE, request(file), NOW);
    const doc = await store.read();
    expect(doc.version).toBe(1);
    expect(doc.queues).toEqual({});
    expect(doc.default).toBeUndefined();
    expect(effectivePolicies(BASELINE, doc)).toEqual(effectivePolicies(BASELINE, { ...doc, version: 0 }));
    expect(record.before).toEqual({ channels: {}, queues: {}, profiles: {}, agentGroups: {} });
    expect(record.after).toEqual(record.before);
  });

  it('R20: the policies in force equal the file; one history record with level "import", before and after', async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(
      store,
      BASELINE,
      {
        level: 'profile',
        key: 'tier3',
        policy: { durationSeconds: 900 },
        expectedVersion: 0,
        by: 'a',
        reason: 'r',
      },
      NOW,
    );
    const file = await exported(store);
    file.default = { ...file.default, durationSeconds: 120 };
    file.queues = { ...file.queues, 'q-new': { mode: 'untimed' } };
    file.profiles = { tier3: { durationSeconds: 600 } };
    file.agentGroups = { 'group-1': { durationSeconds: 45 } };

    const record = await applyPolicyImport(store, BASELINE, request(file, { expectedVersion: 1 }), NOW);

    const doc = await store.read();
    expect(effectivePolicies(BASELINE, doc)).toEqual(parseAcwConfig({ policies: file }).policies);
    // Only what differs from the baseline is an override; tier3 is back to the baseline's.
    expect(doc.default?.policy).toEqual({ durationSeconds: 120 });
    expect(Object.keys(doc.queues)).toEqual(['q-new']);
    expect(doc.profiles).toEqual({});
    expect(doc.agentGroups['group-1']).toEqual({
      policy: { durationSeconds: 45 },
      version: 2,
      at: NOW.toISOString(),
      by: 'admin-1',
    });
    const history = await store.history(10);
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual(record);
    expect(record).toEqual({
      version: 2,
      at: NOW.toISOString(),
      by: 'admin-1',
      reason: 'quarterly review',
      level: 'import',
      key: '-',
      before: { channels: {}, queues: {}, profiles: { tier3: { durationSeconds: 900 } }, agentGroups: {} },
      after: {
        default: { durationSeconds: 120 },
        channels: {},
        queues: { 'q-new': { mode: 'untimed' } },
        profiles: {},
        agentGroups: { 'group-1': { durationSeconds: 45 } },
      },
    });
  });

  it('R20: an override the import leaves as it was keeps who set it and when', async () => {
    const store = new MemoryPolicyStore();
    await applyPolicyChange(
      store,
      BASELINE,
      {
        level: 'queue',
        key: 'q-2',
        policy: { durationSeconds: 30 },
        expectedVersion: 0,
        by: 'alice',
        reason: 'r',
      },
      new Date('2026-01-01T00:00:00.000Z'),
    );
    const file = await exported(store);
    file.channels = { ...file.channels, VOICE: { durationSeconds: 75 } };
    await applyPolicyImport(store, BASELINE, request(file, { expectedVersion: 1 }), NOW);
    const doc = await store.read();
    expect(doc.queues['q-2']).toEqual({
      policy: { durationSeconds: 30 },
      version: 1,
      at: '2026-01-01T00:00:00.000Z',
      by: 'alice',
    });
    expect(doc.channels.VOICE?.by).toBe('admin-1');
  });

  it('R20: an invalid file is refused naming the field, and nothing changes', async () => {
    const store = new MemoryPolicyStore();
    const file = await exported(store);
    file.queues = { ...file.queues, 'q-bad': { durationSeconds: -5 } };
    const error = await rejection(applyPolicyImport(store, BASELINE, request(file), NOW));
    expect(error).toBeInstanceOf(PolicyChangeInvalid);
    expect((error as PolicyChangeInvalid).problems).toEqual([
      'acw.policies.queues["q-bad"].durationSeconds must be an integer 0-86400, got -5',
    ]);
    expect((await store.read()).version).toBe(0);
    expect(await store.history(10)).toEqual([]);
  });

  it('R20: a baseline key (or a default field with no default of its own) the file lacks is refused, named', async () => {
    const baseline = parseAcwConfig({
      policies: {
        default: {
          durationSeconds: 90,
          dispositionCodes: [{ code: 'ok', label: 'OK' }],
          defaultDispositionOnTimeout: 'ok',
        },
        queues: { [QUEUE_ARN]: { durationSeconds: 300 } },
      },
    }).policies;
    const store = new MemoryPolicyStore();
    const error = await rejection(
      applyPolicyImport(store, baseline, request({ default: { durationSeconds: 90 } }), NOW),
    );
    expect((error as PolicyChangeInvalid).problems).toEqual([
      'acw.policies.default.defaultDispositionOnTimeout is in the deploy-time policies (cdk.json) and an override cannot remove it: keep it in the file, or remove it from cdk.json and deploy',
      `acw.policies.queues["${QUEUE_ARN}"] is in the deploy-time policies (cdk.json) and an override cannot remove it: keep it in the file, or remove it from cdk.json and deploy`,
    ]);
  });

  it('R20: a queue the baseline keys by ARN may be given by its id', async () => {
    const store = new MemoryPolicyStore();
    const file = await exported(store);
    file.queues = { 'q-billing': { durationSeconds: 200 } };
    await applyPolicyImport(store, BASELINE, request(file), NOW);
    expect((await store.read()).queues).toEqual({
      'q-billing': { policy: { durationSeconds: 200 }, version: 1, at: NOW.toISOString(), by: 'admin-1' },
    });
  });

  it('R20: an import on a version another change replaced is refused (409)', async () => {
    const store = new MemoryPolicyStore();
    const file = await exported(store);
    await applyPolicyChange(
      store,
      BASELINE,
      {
        level: 'channel',
        key: 'VOICE',
        policy: { durationSeconds: 10 },
        expectedVersion: 0,
        by: 'b',
        reason: 'r',
      },
      NOW,
    );
    expect(await rejection(applyPolicyImport(store, BASELINE, request(file), NOW))).toBeInstanceOf(
      PolicyVersionConflict,
    );
    expect((await store.read()).version).toBe(1);
  });

  it('R20: a reason is required, and a file that is not an object is named', async () => {
    const store = new MemoryPolicyStore();
    const noReason = await rejection(applyPolicyImport(store, BASELINE, request({}, { reason: ' ' }), NOW));
    expect((noReason as PolicyChangeInvalid).problems).toEqual(['reason must say why the policies change']);
    const list = await rejection(applyPolicyImport(store, BASELINE, request([]), NOW));
    expect((list as PolicyChangeInvalid).problems[0]).toMatch(/^acw\.policies must be an object/);
  });

  it('R20: an import whose overrides would not fit in one item is refused', async () => {
    const store = new MemoryPolicyStore();
    const file = await exported(store);
    const codes = Array.from({ length: 100 }, (_, i) => ({ code: `code-${i}`, label: 'x'.repeat(100) }));
    file.queues = {
      ...file.queues,
      ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`q-${i}`, { dispositionCodes: codes }])),
    };
    const error = await rejection(applyPolicyImport(store, BASELINE, request(file), NOW));
    expect(error).toBeInstanceOf(PolicyDocumentTooLarge);
    expect((error as PolicyDocumentTooLarge).bytes).toBeGreaterThan(MAX_DOCUMENT_BYTES);
  });
});
