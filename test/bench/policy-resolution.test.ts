/**
 * Issue 12: the bench's policy-resolution figure measures what it says: a live index of 2,000
 * queue policies, 200 profiles and the agent groups, with run-time overrides applied. (The figure
 * itself is the bench's: no timing here.)
 */
import { describe, expect, it } from 'vitest';
import { SCALE, scaleFixture } from '../../bench/policy-resolution';
import { resolveContactPolicy } from '../../lambda/core/policy';
import { indexLivePolicies } from '../../lambda/core/policy-overrides';

describe('bench: policy resolution at scale (R20)', () => {
  it('R20: resolves against 2,000 queue policies, 200 profiles and the groups, overrides included', () => {
    const { baseline, doc } = scaleFixture();
    const index = indexLivePolicies(baseline, doc);

    expect(index.queues.size).toBe(SCALE.queues);
    expect(index.profiles.size).toBe(SCALE.profiles);
    expect(index.agentGroups.size).toBe(SCALE.agentGroups);
    expect(doc.version).toBe(SCALE.overrides);
    const overridden = Object.keys(doc.queues)[0] ?? '';
    expect(resolveContactPolicy(index, { channel: 'VOICE', queueId: overridden }).policy).toMatchObject({
      durationSeconds: 120,
      mode: 'forced',
    });
  });
});
