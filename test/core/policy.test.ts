import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies, resolveContactPolicy, resolvePolicy } from '../../lambda/core/policy';

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';

const index = indexPolicies(
  parseAcwConfig({
    policies: {
      default: { durationSeconds: 90 },
      channels: { CHAT: { durationSeconds: 60 }, TASK: { durationSeconds: 0 } },
      queues: {
        'queue-billing': { durationSeconds: 300 },
        [`${INSTANCE}/queue/queue-vip`]: { durationSeconds: 450 },
      },
      profiles: { tier3: { durationSeconds: 600 } },
    },
  }).policies,
);

describe('R3: policy resolution, most specific first', () => {
  it.each([
    ['default when nothing more specific matches', { channel: 'VOICE' }, 90, 'default'],
    ['channel over default', { channel: 'CHAT' }, 60, 'channel:CHAT'],
    ['queue over channel', { channel: 'CHAT', queueId: 'queue-billing' }, 300, 'queue:queue-billing'],
    [
      'a queue configured by ARN matches the queue id of the event',
      { channel: 'VOICE', queueId: 'queue-vip' },
      450,
      'queue:queue-vip',
    ],
    [
      'profile over queue',
      { channel: 'CHAT', queueId: 'queue-billing', profile: 'tier3' },
      600,
      'profile:tier3',
    ],
    ['a 0 s channel policy means no wrap-up', { channel: 'TASK' }, 0, 'channel:TASK'],
    ['an unknown queue falls back to the channel', { channel: 'CHAT', queueId: 'other' }, 60, 'channel:CHAT'],
  ])('%s', (_name, subject, durationSeconds, source) => {
    const resolved = resolvePolicy(index, subject);
    expect(resolved.policy.durationSeconds).toBe(durationSeconds);
    expect(resolved.source).toBe(source);
    expect(resolved.unknownProfile).toBeUndefined();
  });

  it('an unknown profile falls back to the queue policy and is reported', () => {
    const resolved = resolvePolicy(index, { channel: 'VOICE', queueId: 'queue-billing', profile: 'tier9' });
    expect(resolved.policy.durationSeconds).toBe(300);
    expect(resolved.unknownProfile).toBe('tier9');
  });

  it('resolution never changes the configured default', () => {
    resolvePolicy(index, { channel: 'CHAT', profile: 'tier3' });
    expect(index.default).toMatchObject({ durationSeconds: 90 });
  });
});

describe('R3/R20: agent hierarchy groups, between the profile and the queue', () => {
  const TRAINEES = 'aaaaaaaa-1111-2222-3333-444444444444';
  const TEAM = 'bbbbbbbb-1111-2222-3333-444444444444';
  const NIGHT = 'cccccccc-1111-2222-3333-444444444444';
  const groups = indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90, extensionSeconds: 60, maxExtensions: 1 },
        channels: { CHAT: { durationSeconds: 60, showCountdown: false } },
        queues: { 'queue-billing': { durationSeconds: 300, mode: 'forced' } },
        profiles: { tier3: { durationSeconds: 600 } },
        agentGroups: {
          [TRAINEES]: { durationSeconds: 240, maxExtensions: 3 },
          [TEAM]: { extensionSeconds: 120 },
          [NIGHT]: { durationSeconds: 30 },
        },
      },
    }).policies,
  );

  it('R3/R20: an agent group overrides the queue, only in the fields it sets', () => {
    const resolved = resolvePolicy(groups, {
      channel: 'CHAT',
      queueId: 'queue-billing',
      agentGroupIds: [TRAINEES],
    });
    expect(resolved.source).toBe(`agentGroup:${TRAINEES}`);
    expect(resolved.policy).toMatchObject({
      durationSeconds: 240, // the group's
      maxExtensions: 3, // the group's
      mode: 'forced', // the queue's
      showCountdown: false, // the channel's
      extensionSeconds: 60, // the default's
    });
  });

  it('R3/R20: the profile overrides the agent group, only in the fields it sets', () => {
    const resolved = resolvePolicy(groups, {
      channel: 'VOICE',
      queueId: 'queue-billing',
      profile: 'tier3',
      agentGroupIds: [TRAINEES],
    });
    expect(resolved.source).toBe('profile:tier3');
    expect(resolved.policy).toMatchObject({ durationSeconds: 600, maxExtensions: 3, mode: 'forced' });
  });

  it("R3/R20: the contact flow's choice overrides the agent group", () => {
    const resolved = resolveContactPolicy(
      groups,
      { channel: 'VOICE', agentGroupIds: [TRAINEES] },
      { durationSeconds: 45 },
    );
    expect(resolved.source).toBe('flow');
    expect(resolved.policy).toMatchObject({ durationSeconds: 45, maxExtensions: 3 });
  });

  it("R3/R20: groups cascade: a deeper group overrides only the fields it sets over a shallower group's", () => {
    const resolved = resolvePolicy(groups, { channel: 'VOICE', agentGroupIds: [TRAINEES, TEAM] });
    expect(resolved.source).toBe(`agentGroup:${TEAM}`);
    expect(resolved.policy).toMatchObject({
      durationSeconds: 240, // level 1 (trainees) kept
      maxExtensions: 3, // level 1 kept
      extensionSeconds: 120, // level 2 (the team) over it
    });
  });

  it('R3/R20: the deepest group wins a field both set, whatever their order in the configuration', () => {
    const resolved = resolvePolicy(groups, { channel: 'VOICE', agentGroupIds: [NIGHT, TEAM, TRAINEES] });
    expect(resolved.source).toBe(`agentGroup:${TRAINEES}`);
    expect(resolved.policy).toMatchObject({ durationSeconds: 240, extensionSeconds: 120, maxExtensions: 3 });
    const reversed = resolvePolicy(groups, { channel: 'VOICE', agentGroupIds: [TRAINEES, TEAM, NIGHT] });
    expect(reversed.source).toBe(`agentGroup:${NIGHT}`);
    expect(reversed.policy.durationSeconds).toBe(30);
  });

  it('R3/R20: groups without a policy are skipped; the source names the deepest group that has one', () => {
    const resolved = resolvePolicy(groups, {
      channel: 'VOICE',
      queueId: 'queue-billing',
      agentGroupIds: ['level1-without-policy', TRAINEES, 'level3-without-policy'],
    });
    expect(resolved.source).toBe(`agentGroup:${TRAINEES}`);
    expect(resolved.policy.durationSeconds).toBe(240);
  });

  it('R3/R20: an agent in no configured group gets the queue policy, as before', () => {
    for (const agentGroupIds of [undefined, [], ['unknown-group']]) {
      const resolved = resolvePolicy(groups, { channel: 'VOICE', queueId: 'queue-billing', agentGroupIds });
      expect(resolved.source).toBe('queue:queue-billing');
      expect(resolved.policy.durationSeconds).toBe(300);
    }
  });

  it('R3/R20: resolution never changes the configured group policies', () => {
    resolvePolicy(groups, { channel: 'VOICE', agentGroupIds: [TRAINEES, TEAM] });
    expect(groups.agentGroups.get(TRAINEES)).toEqual({ durationSeconds: 240, maxExtensions: 3 });
    expect(groups.agentGroups.get(TEAM)).toEqual({ extensionSeconds: 120 });
  });
});

describe('R20: 2,000 queue policies plus agent groups', () => {
  it('R20: 2,000 queue policies, 200 profiles and 200 agent groups validate, index and resolve', () => {
    const queues: Record<string, { durationSeconds: number }> = {};
    for (let i = 0; i < 2_000; i += 1) queues[`queue-${i}`] = { durationSeconds: 100 + (i % 500) };
    const profiles: Record<string, { durationSeconds: number }> = {};
    for (let i = 0; i < 200; i += 1) profiles[`profile-${i}`] = { durationSeconds: 1_000 + i };
    const agentGroups: Record<string, { durationSeconds?: number; maxExtensions?: number }> = {};
    for (let i = 0; i < 200; i += 1) {
      agentGroups[`group-${i}`] = i % 2 === 0 ? { durationSeconds: 2_000 + i } : { maxExtensions: i % 10 };
    }
    const large = indexPolicies(parseAcwConfig({ policies: { queues, profiles, agentGroups } }).policies);

    expect(large.queues.size).toBe(2_000);
    expect(large.agentGroups.size).toBe(200);
    expect(resolvePolicy(large, { channel: 'VOICE', queueId: 'queue-1999' })).toMatchObject({
      source: 'queue:queue-1999',
      policy: { durationSeconds: 100 + (1_999 % 500) },
    });
    expect(
      resolvePolicy(large, {
        channel: 'VOICE',
        queueId: 'queue-1999',
        agentGroupIds: ['group-198', 'group-199'],
      }),
    ).toMatchObject({ source: 'agentGroup:group-199', policy: { durationSeconds: 2_198, maxExtensions: 9 } });
    expect(
      resolvePolicy(large, {
        channel: 'VOICE',
        queueId: 'queue-7',
        profile: 'profile-150',
        agentGroupIds: ['group-0'],
      }),
    ).toMatchObject({ source: 'profile:profile-150', policy: { durationSeconds: 1_150 } });
  });
});
