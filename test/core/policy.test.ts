import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies, resolvePolicy } from '../../lambda/core/policy';

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
