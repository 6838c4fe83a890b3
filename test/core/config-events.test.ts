/**
 * The configuration fields issue 9 adds or narrows: `unansweredOutbound` (R21) at every level of
 * `acw.policies`, and agent queues refused as policy keys (R10: they take the previous queue's).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseAcwConfig } from '../../lambda/config/acw-config';

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';

function problemsOf(input: unknown): readonly string[] {
  try {
    parseAcwConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('R21: unansweredOutbound', () => {
  it('R21: is left out by default (false: R2), and kept where a level sets it', () => {
    expect(parseAcwConfig({}).policies.default.unansweredOutbound).toBeUndefined();
    const config = parseAcwConfig({
      policies: {
        default: { durationSeconds: 90, unansweredOutbound: false },
        channels: { VOICE: { unansweredOutbound: true } },
        queues: { 'q-1': { unansweredOutbound: true } },
        profiles: { dialler: { unansweredOutbound: true } },
      },
    });
    expect(config.policies.default.unansweredOutbound).toBe(false);
    expect(config.policies.channels.VOICE?.unansweredOutbound).toBe(true);
    expect(config.policies.queues['q-1']?.unansweredOutbound).toBe(true);
    expect(config.policies.profiles.dialler?.unansweredOutbound).toBe(true);
  });

  it.each([
    [
      { default: { durationSeconds: 90, unansweredOutbound: 'yes' } },
      'acw.policies.default.unansweredOutbound must be true or false, got "yes"',
    ],
    [
      { channels: { VOICE: { unansweredOutbound: 1 } } },
      'acw.policies.channels["VOICE"].unansweredOutbound must be true or false, got 1',
    ],
    [
      { queues: { 'q-1': { unansweredOutbound: null } } },
      'acw.policies.queues["q-1"].unansweredOutbound must be true or false, got null',
    ],
    [
      { profiles: { dialler: { unansweredOutbound: 'true' } } },
      'acw.policies.profiles["dialler"].unansweredOutbound must be true or false, got "true"',
    ],
  ])(
    'R21: a value that is not a boolean is refused at every level, naming the field (%j)',
    (policies, problem) => {
      expect(problemsOf({ policies })).toEqual([problem]);
    },
  );
});

describe('R10: agent queues take no policy of their own', () => {
  it.each([
    `${INSTANCE}/queue/agent/87654321-4321-4321-4321-210987654321`,
    'agent/87654321-4321-4321-4321-210987654321',
  ])('R10: a queue policy keyed by the agent queue %s is refused, naming the field', (key) => {
    const problems = problemsOf({ policies: { queues: { [key]: { durationSeconds: 60 } } } });
    expect(problems).toEqual([
      `acw.policies.queues[${JSON.stringify(key)}] key ${JSON.stringify(key)} is an agent queue: a contact transferred to an agent gets the policy of the queue it came from (or its channel's), so agent queues take no policy`,
    ]);
  });

  it('R3: a standard queue ARN and a queue id are still accepted', () => {
    const config = parseAcwConfig({
      policies: {
        queues: { [`${INSTANCE}/queue/q-arn`]: { durationSeconds: 60 }, 'q-id': { durationSeconds: 30 } },
      },
    });
    expect(Object.keys(config.policies.queues)).toEqual([`${INSTANCE}/queue/q-arn`, 'q-id']);
  });
});
