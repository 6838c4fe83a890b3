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

describe('R3: configuration', () => {
  it('fills every default when the acw object is empty', () => {
    const config = parseAcwConfig({});
    expect(config.wrapUpStatus).toEqual({ name: 'Wrap Up', create: false });
    expect(config.routableStatus).toEqual({ name: 'Available' });
    expect(config.policies).toEqual({
      default: {
        durationSeconds: 90,
        mode: 'timed',
        extensionSeconds: 60,
        maxExtensions: 1,
        requireDisposition: false,
        dispositionCodes: [],
        showCountdown: true,
      },
      channels: {},
      queues: {},
      profiles: {},
      agentGroups: {},
    });
    expect(config.sessionRetentionDays).toBe(90);
    expect(config.connectInstanceArn).toBeUndefined();
  });

  it('accepts the documented example shape as written', () => {
    const config = parseAcwConfig({
      connectInstanceArn: INSTANCE,
      wrapUpStatus: { name: 'Wrap Up', create: true },
      routableStatus: { name: 'Available' },
      policies: {
        default: { durationSeconds: 90 },
        channels: { CHAT: { durationSeconds: 60 } },
        queues: { [`${INSTANCE}/queue/abc-123`]: { durationSeconds: 300 }, billing: { durationSeconds: 0 } },
        profiles: { tier3: { durationSeconds: 600 } },
      },
    });
    expect(config.policies.channels.CHAT).toEqual({ durationSeconds: 60 });
    expect(config.policies.profiles.tier3).toEqual({ durationSeconds: 600 });
    expect(config.wrapUpStatus.create).toBe(true);
  });

  it.each([
    [
      { policies: { queues: { billing: { durationSeconds: -1 } } } },
      'acw.policies.queues["billing"].durationSeconds must be an integer 0-86400, got -1',
    ],
    [
      { policies: { default: { durationSeconds: 1.5 } } },
      'acw.policies.default.durationSeconds must be an integer 0-86400, got 1.5',
    ],
    [
      { policies: { channels: { VOICE: { durationSeconds: '60' } } } },
      'acw.policies.channels["VOICE"].durationSeconds must be an integer 0-86400, got "60"',
    ],
    [
      { policies: { default: {} } },
      'acw.policies.default.durationSeconds is required (must be an integer 0-86400)',
    ],
    [
      { policies: { profiles: { tier3: { durationSecnds: 600 } } } },
      'acw.policies.profiles["tier3"] has unknown field "durationSecnds"',
    ],
    [
      { policies: { channels: { SMS: { durationSeconds: 10 } } } },
      'acw.policies.channels has unknown channel "SMS": must be one of VOICE, CHAT, TASK, EMAIL',
    ],
    [
      { connectInstanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/nope' },
      'acw.connectInstanceArn must be an Amazon Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID), got "arn:aws:connect:us-east-1:111122223333:instance/nope"',
    ],
    [
      { wrapUpStatus: { id: 'abc', create: true } },
      'acw.wrapUpStatus.create needs "name": the stack creates the status by name',
    ],
    [
      { wrapUpStatus: { create: false } },
      'acw.wrapUpStatus must name the status by exactly one of "name" or "id"',
    ],
    [
      { routableStatus: { name: 'Available', id: 'abc' } },
      'acw.routableStatus must name the status by exactly one of "name" or "id"',
    ],
    [{ sessionRetentionDays: 0 }, 'acw.sessionRetentionDays must be an integer 1-3650, got 0'],
    [{ alarmEmail: 'ops' }, 'acw.alarmEmail must be an email address, got "ops"'],
    [{ polices: {} }, 'acw has unknown field "polices"'],
    [
      { policies: { queues: { billing: { maxExtensions: -1 } } } },
      'acw.policies.queues["billing"].maxExtensions must be an integer 0-10, got -1',
    ],
    [
      { policies: { default: { durationSeconds: 90, mode: 'lazy' } } },
      'acw.policies.default.mode must be one of timed, untimed, forced, got "lazy"',
    ],
    [
      { policies: { profiles: { p: { extensionSeconds: 0 } } } },
      'acw.policies.profiles["p"].extensionSeconds must be an integer 1-3600, got 0',
    ],
    [
      {
        policies: {
          queues: {
            billing: {
              dispositionCodes: [{ code: 'SOLD', label: 'Sold' }],
              defaultDispositionOnTimeout: 'LOST',
            },
          },
        },
      },
      'acw.policies.queues["billing"].defaultDispositionOnTimeout "LOST" is not one of the policy\'s dispositionCodes (SOLD)',
    ],
    [
      { policies: { channels: { CHAT: { requireDisposition: true } } } },
      'acw.policies.channels["CHAT"].requireDisposition needs dispositionCodes to choose from',
    ],
    [
      {
        policies: {
          default: {
            durationSeconds: 90,
            requireDisposition: true,
            dispositionCodes: [{ code: 'A', label: 'A' }],
          },
        },
      },
      'acw.policies.default.defaultDispositionOnTimeout is required when requireDisposition is true and the wrap-up can end by its timer (R7)',
    ],
    [
      {
        policies: {
          default: {
            durationSeconds: 90,
            dispositionCodes: [
              { code: 'A', label: 'A' },
              { code: 'A', label: 'again' },
            ],
          },
        },
      },
      'acw.policies.default.dispositionCodes[1].code repeats the code "A"',
    ],
  ])('refuses %j with a message naming the field', (input, message) => {
    expect(problemsOf(input)).toContain(message);
  });

  it('refuses a queue named twice, once by id and once by ARN', () => {
    const problems = problemsOf({
      policies: {
        queues: { q1: { durationSeconds: 10 }, [`${INSTANCE}/queue/q1`]: { durationSeconds: 20 } },
      },
    });
    expect(problems).toEqual([`acw.policies.queues["${INSTANCE}/queue/q1"] names the same queue as "q1"`]);
  });

  it('refuses a profile name that a contact tag could not carry', () => {
    expect(problemsOf({ policies: { profiles: { 'tier 3': {} } } })[0]).toMatch(
      /^acw\.policies\.profiles\["tier 3"\] key "tier 3" must be a profile name/,
    );
  });

  it('lists every problem at once, and the error message carries them all', () => {
    expect(() =>
      parseAcwConfig({ sessionRetentionDays: -1, policies: { default: { durationSeconds: -1 } } }),
    ).toThrow(/sessionRetentionDays[\s\S]*durationSeconds|durationSeconds[\s\S]*sessionRetentionDays/);
  });
});

describe('R3/R20: agent group policies in the configuration', () => {
  const TRAINEES = 'aaaaaaaa-1111-2222-3333-444444444444';

  it('R20: accepts policies keyed by hierarchy group id, partial like the other levels', () => {
    const config = parseAcwConfig({
      policies: { agentGroups: { [TRAINEES]: { durationSeconds: 240 }, team: { maxExtensions: 3 } } },
    });
    expect(config.policies.agentGroups).toEqual({
      [TRAINEES]: { durationSeconds: 240 },
      team: { maxExtensions: 3 },
    });
  });

  it.each([
    [
      { [TRAINEES]: { durationSeconds: -1 } },
      `acw.policies.agentGroups["${TRAINEES}"].durationSeconds must be an integer 0-86400, got -1`,
    ],
    [
      { [TRAINEES]: { mode: 'slow' } },
      `acw.policies.agentGroups["${TRAINEES}"].mode must be one of timed, untimed, forced, got "slow"`,
    ],
    [
      { [TRAINEES]: { duration: 240 } },
      `acw.policies.agentGroups["${TRAINEES}"] has unknown field "duration"`,
    ],
    [
      { [TRAINEES]: { requireDisposition: true } },
      `acw.policies.agentGroups["${TRAINEES}"].requireDisposition needs dispositionCodes to choose from`,
    ],
  ])('R20: refuses the agent group policy %j with a message naming the field', (agentGroups, message) => {
    expect(problemsOf({ policies: { agentGroups } })).toContain(message);
  });

  it('R20: refuses a group named by its ARN, saying to use the id', () => {
    const arn = `${INSTANCE}/agent-group/${TRAINEES}`;
    expect(problemsOf({ policies: { agentGroups: { [arn]: { durationSeconds: 240 } } } })).toEqual([
      `acw.policies.agentGroups[${JSON.stringify(arn)}] key ${JSON.stringify(arn)} must be the hierarchy group id, the last segment of its ARN (.../agent-group/ID), not the ARN`,
    ]);
  });

  it('R20: refuses a key that is no hierarchy group id', () => {
    expect(problemsOf({ policies: { agentGroups: { 'trainees team': {} } } })).toEqual([
      'acw.policies.agentGroups["trainees team"] key "trainees team" must be an agent hierarchy group id (1-256 letters, digits or "-")',
    ]);
  });

  it('R20: a policy that is not an object is refused naming the group', () => {
    expect(problemsOf({ policies: { agentGroups: { [TRAINEES]: 240 } } })[0]).toMatch(
      new RegExp(`^acw\\.policies\\.agentGroups\\["${TRAINEES}"\\] `),
    );
  });
});
