/**
 * Issue 12, R20: resolving a contact's policy at a real center's scale: a baseline of 2,000 queue
 * policies, 200 profiles and 100 agent groups, with run-time overrides over part of it (the live
 * index, as `LivePolicies` builds it), for contacts spread over every queue, with agent groups
 * and a profile on some. Target: under 1 ms per resolution.
 */
import { parseAcwConfig } from '../lambda/config/acw-config';
import { type PolicySubject, resolveContactPolicy } from '../lambda/core/policy';
import { indexLivePolicies, NO_OVERRIDES, nextDocument } from '../lambda/core/policy-overrides';
import type { PolicyOverrides } from '../lambda/core/ports';
import { round } from './jobs';

export const SCALE = { queues: 2_000, profiles: 200, agentGroups: 100, overrides: 300 } as const;
/** R20's target for one resolution. */
export const RESOLUTION_TARGET_MICROS = 1_000;
const ITERATIONS = 200_000;

const queueId = (i: number) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;
const groupId = (i: number) => `group-${String(i).padStart(4, '0')}`;

/** The baseline and overrides measured: deterministic, no randomness. */
export function scaleFixture(): {
  baseline: ReturnType<typeof parseAcwConfig>['policies'];
  doc: PolicyOverrides;
} {
  const baseline = parseAcwConfig({
    policies: {
      default: { durationSeconds: 90 },
      channels: { CHAT: { durationSeconds: 30 }, TASK: { durationSeconds: 0 } },
      queues: Object.fromEntries(
        Array.from({ length: SCALE.queues }, (_, i) => [queueId(i), { durationSeconds: 30 + (i % 600) }]),
      ),
      profiles: Object.fromEntries(
        Array.from({ length: SCALE.profiles }, (_, i) => [`profile-${i}`, { durationSeconds: 60 + i }]),
      ),
      agentGroups: Object.fromEntries(
        Array.from({ length: SCALE.agentGroups }, (_, i) => [groupId(i), { maxExtensions: i % 4 }]),
      ),
    },
  }).policies;
  let doc: PolicyOverrides = NO_OVERRIDES;
  for (let i = 0; i < SCALE.overrides; i++) {
    doc = nextDocument(doc, {
      level: i % 3 === 0 ? 'profile' : 'queue',
      key: i % 3 === 0 ? `profile-${i % SCALE.profiles}` : queueId((i * 7) % SCALE.queues),
      policy: { durationSeconds: 120, mode: 'forced' },
      expectedVersion: doc.version,
      by: 'bench',
      reason: 'bench',
      at: '2026-03-02T09:00:00.000Z',
    }).doc;
  }
  return { baseline, doc };
}

/** µs per resolution, and ms to build the live index (what a refresh after a change costs). */
export function policyResolutionTime(): {
  iterations: number;
  microsPerResolution: number;
  indexBuildMs: number;
} {
  const { baseline, doc } = scaleFixture();
  const buildStart = performance.now();
  const index = indexLivePolicies(baseline, doc);
  const indexBuildMs = round(performance.now() - buildStart, 2);
  const subjects: PolicySubject[] = Array.from({ length: 4_096 }, (_, i) => ({
    channel: ['VOICE', 'CHAT', 'TASK', 'EMAIL'][i % 4] ?? 'VOICE',
    // Every 50th contact in a queue without a policy.
    queueId: i % 50 === 0 ? 'no-policy-queue' : queueId((i * 13) % SCALE.queues),
    profile: i % 7 === 0 ? `profile-${i % SCALE.profiles}` : undefined,
    agentGroupIds:
      i % 3 === 0 ? [groupId(i % SCALE.agentGroups), groupId((i + 1) % SCALE.agentGroups), 'g-none'] : [],
  }));
  const fallback: PolicySubject = { channel: 'VOICE' };
  let sink = 0;
  const run = (iterations: number) => {
    for (let i = 0; i < iterations; i++) {
      sink += resolveContactPolicy(index, subjects[i % subjects.length] ?? fallback).policy.durationSeconds;
    }
  };
  run(20_000); // warm-up: let the JIT settle before measuring
  const start = performance.now();
  run(ITERATIONS);
  const elapsed = performance.now() - start;
  if (sink < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return {
    iterations: ITERATIONS,
    microsPerResolution: round((elapsed * 1000) / ITERATIONS, 3),
    indexBuildMs,
  };
}
