import { describe, expect, it } from 'vitest';
import {
  changeLine,
  coreSourceLabel,
  describeChange,
  EMPTY_FORM,
  entriesOf,
  filterEntries,
  formatWhen,
  formFromPolicy,
  levelLabel,
  namesFrom,
  type PolicyEntry,
  parseAdminPolicies,
  parseDirectory,
  parseHistory,
  parsePreview,
  policyFromForm,
  policyItems,
  policyPath,
  previewSentence,
  problemsByField,
  sourceWords,
} from '../../web/src/logic/admin';
import { MalformedAnswer } from '../../web/src/logic/wrap-up';

const CHANGED = { kind: 'changed', by: 'ada', at: '2026-12-03T10:12:30.000Z', version: 4 } as const;

const policiesJson = () => ({
  version: 4,
  killSwitch: { state: 'on', source: { kind: 'deployed' } },
  policies: [
    {
      level: 'default',
      key: '-',
      policy: { durationSeconds: 90, mode: 'timed' },
      source: { kind: 'deployed' },
    },
    { level: 'queue', key: 'q-billing', name: 'Billing', policy: { durationSeconds: 120 }, source: CHANGED },
    {
      level: 'profile',
      key: 'tier3',
      policy: { requireDisposition: true, dispositionCodes: [{ code: 'RESOLVED', label: 'Resolved' }] },
      source: { kind: 'deployed' },
    },
  ],
});

describe('the admin API answers, checked (R20)', () => {
  it('R20: GET /v1/admin/policies gives each level/key with its policy and source', () => {
    const parsed = parseAdminPolicies(policiesJson());

    expect(parsed.version).toBe(4);
    expect(parsed.killSwitch).toEqual({ state: 'on', source: { kind: 'deployed' } });
    expect(parsed.policies[1]).toEqual({
      level: 'queue',
      key: 'q-billing',
      name: 'Billing',
      policy: { durationSeconds: 120 },
      source: CHANGED,
    });
    expect(parsed.canChange).toBeUndefined();
  });

  it.each([
    [
      'a level the page does not know',
      (b: ReturnType<typeof policiesJson>) => ({ ...b, policies: [{ ...b.policies[0], level: 'team' }] }),
    ],
    [
      'a mode outside R3',
      (b: ReturnType<typeof policiesJson>) => ({
        ...b,
        policies: [{ ...b.policies[0], policy: { mode: 'fast' } }],
      }),
    ],
    [
      'a kill switch state other than on/off',
      (b: ReturnType<typeof policiesJson>) => ({
        ...b,
        killSwitch: { state: 'maybe', source: { kind: 'deployed' } },
      }),
    ],
    [
      'a changed source without who',
      (b: ReturnType<typeof policiesJson>) => ({
        ...b,
        policies: [{ ...b.policies[1], source: { kind: 'changed', at: 'x', version: 1 } }],
      }),
    ],
    ['no version', (b: ReturnType<typeof policiesJson>) => ({ ...b, version: '4' })],
  ])('refuses %s as a malformed answer', (_, spoil) => {
    expect(() => parseAdminPolicies(spoil(policiesJson()))).toThrow(MalformedAnswer);
  });

  it('R20: the history keeps who, when, what, before, after and why', () => {
    const [change] = parseHistory({
      changes: [
        {
          version: 5,
          at: '2026-12-03T10:12:30.000Z',
          by: 'ada',
          reason: 'Billing calls run long',
          level: 'queue',
          key: 'q-billing',
          before: { durationSeconds: 90 },
          after: { durationSeconds: 120 },
        },
      ],
    });
    expect(change).toMatchObject({ version: 5, by: 'ada', reason: 'Billing calls run long', level: 'queue' });
    expect(change && changeLine(change)).toBe('durationSeconds: 90 s -> 120 s');
  });

  it('reads the directory of queues and agent groups by name', () => {
    const directory = parseDirectory({
      queues: [{ id: 'q-billing', name: 'Billing' }],
      agentGroups: [{ id: 'g-1', name: 'Trainees' }],
      statuses: [{ id: 's', name: 'Available', type: 'ROUTABLE' }],
      refreshedAt: '2026-12-03T10:00:00.000Z',
    });
    expect(directory.queues).toEqual([{ id: 'q-billing', name: 'Billing' }]);
    expect(directory.agentGroups).toEqual([{ id: 'g-1', name: 'Trainees' }]);
  });

  it('reads the preview: the whole policy and the level each field came from', () => {
    const preview = parsePreview({
      policy: { durationSeconds: 120, mode: 'timed', maxExtensions: 1, extensionSeconds: 60 },
      fieldSources: { durationSeconds: 'queue:q-billing', mode: 'default', unknown: 'x' },
      source: 'queue:q-billing',
    });
    expect(preview.fieldSources).toEqual({ durationSeconds: 'queue:q-billing', mode: 'default' });
    expect(preview.source).toBe('queue:q-billing');
  });
});

describe('levels, sources and changes in words', () => {
  const names = namesFrom(
    { queues: [{ id: 'q-sales', name: 'Sales' }], agentGroups: [{ id: 'g-1', name: 'Trainees' }] },
    parseAdminPolicies(policiesJson()).policies,
  );

  it('R20: queues and agent groups by name, the id when no name is known', () => {
    expect(levelLabel('queue', 'q-billing', names)).toBe('Queue Billing');
    expect(levelLabel('queue', 'q-sales', names)).toBe('Queue Sales');
    expect(levelLabel('queue', 'q-unknown', names)).toBe('Queue q-unknown');
    expect(levelLabel('agentGroup', 'g-1', names)).toBe('Agent group Trainees');
    expect(levelLabel('default', '-', names)).toBe('Default');
    expect(levelLabel('channel', 'CHAT', names)).toBe('Channel CHAT');
    expect(coreSourceLabel('queue:q-billing', names)).toBe('queue Billing');
    expect(coreSourceLabel('default', names)).toBe('the default');
  });

  it('R20: the source says deployed, or changed by whom, when and on which version', () => {
    expect(sourceWords({ kind: 'deployed' })).toBe('Deployed (cdk.json)');
    expect(sourceWords(CHANGED)).toBe('Changed by ada, 2026-12-03 10:12 UTC (version 4)');
    expect(formatWhen('not a time')).toBe('not a time');
  });

  it('describes a change field by field, an unset field as inherited', () => {
    expect(describeChange({ durationSeconds: 90, mode: 'timed' }, { durationSeconds: 120 })).toEqual([
      { field: 'durationSeconds', before: '90 s', after: '120 s' },
      { field: 'mode', before: 'timed', after: 'inherited' },
    ]);
    expect(describeChange(undefined, { requireDisposition: true })).toEqual([
      { field: 'requireDisposition', before: 'inherited', after: 'yes' },
    ]);
    expect(describeChange({ showCountdown: false }, { showCountdown: false })).toEqual([]);
  });

  it('R20: a first override, a removal and a kill switch change read as such in the history', () => {
    const base = { version: 6, at: CHANGED.at, by: 'ada', reason: 'r', key: 'q-billing' };
    expect(changeLine({ ...base, level: 'queue', before: { durationSeconds: 120 } })).toBe(
      'durationSeconds: 120 s -> no override (the deployed policy applies)',
    );
    expect(changeLine({ ...base, level: 'queue', after: { durationSeconds: 40, mode: 'forced' } })).toBe(
      'no override -> durationSeconds: 40 s, mode: forced',
    );
    expect(changeLine({ ...base, level: 'import', key: '-', after: { queues: {} } })).toBe(
      'import (see the audit record)',
    );
    expect(
      changeLine({ ...base, level: 'killSwitch', key: '-', before: undefined, after: { state: 'off' } }),
    ).toBe('deployed setting -> ACW off');
  });

  it('lists the fields a level sets', () => {
    expect(policyItems({ durationSeconds: 120, dispositionCodes: [{ code: 'A', label: 'Alpha' }] })).toEqual([
      'durationSeconds: 120 s',
      'dispositionCodes: A (Alpha)',
    ]);
  });
});

describe('the override form', () => {
  it('shows an override and gives it back unchanged', () => {
    const policy = {
      durationSeconds: 120,
      mode: 'forced',
      maxExtensions: 0,
      requireDisposition: true,
      dispositionCodes: [
        { code: 'RESOLVED', label: 'Resolved' },
        { code: 'X', label: 'X' },
      ],
      defaultDispositionOnTimeout: 'RESOLVED',
      showCountdown: false,
    } as const;
    const form = formFromPolicy(policy);

    expect(form.dispositionCodes).toBe('RESOLVED: Resolved\nX');
    expect(policyFromForm(form)).toEqual({ policy, problems: [] });
  });

  it('empty fields are not set at this level (inherited, R3)', () => {
    expect(policyFromForm(EMPTY_FORM)).toEqual({ policy: {}, problems: [] });
  });

  it('a number that is not one is refused here, naming the field; limits are left to the API', () => {
    const { policy, problems } = policyFromForm({
      ...EMPTY_FORM,
      durationSeconds: '2 min',
      maxExtensions: '-1',
    });

    expect(problems).toEqual([
      { field: 'durationSeconds', message: expect.stringContaining('durationSeconds') },
    ]);
    // -1 is sent: the API's schema says what the limit is, in its own words.
    expect(policy).toEqual({ maxExtensions: -1 });
  });

  it("R20: puts each of the API's problems beside the field its path names", () => {
    expect(
      problemsByField([
        'acw.policies.queues["q-1"].durationSeconds must be an integer 0-86400, got -1',
        'acw.policies.queues["q-1"].defaultDispositionOnTimeout "X" is not one of the policy\'s dispositionCodes (A)',
        'acw.policies.profiles["tier3"].dispositionCodes[1].code repeats the code "A"',
        'reason must say why the policy changes',
        'the queue level needs a key',
      ]).map((p) => p.field),
    ).toEqual(['durationSeconds', 'defaultDispositionOnTimeout', 'dispositionCodes', 'reason', 'general']);
  });

  it('builds the path of a level and key, the default as "-"', () => {
    expect(policyPath('queue', 'q 1/x')).toBe('/v1/admin/policies/queue/q%201%2Fx');
    expect(policyPath('default', 'anything')).toBe('/v1/admin/policies/default/-');
  });
});

describe('the list and the preview', () => {
  const entry = (key: string, name?: string): PolicyEntry => ({
    level: 'queue',
    key,
    name,
    policy: { durationSeconds: 60 },
    source: { kind: 'deployed' },
  });

  it('sorts a level by name and finds queues by name or id, a page at a time', () => {
    const queues = [
      entry('q-3', 'Sales'),
      entry('q-1', 'Billing'),
      entry('q-2', 'Billing East'),
      ...Array.from({ length: 300 }, (_, i) => entry(`x-${i}`)),
    ];
    const names = namesFrom(undefined, queues);

    expect(
      entriesOf(queues, 'queue', names)
        .slice(0, 3)
        .map((e) => e.key),
    ).toEqual(['q-1', 'q-2', 'q-3']);
    expect(filterEntries(queues, 'billing', 100, names)).toMatchObject({ matching: 2 });
    expect(filterEntries(queues, 'X-1', 5, names)).toMatchObject({ matching: 111 });
    expect(filterEntries(queues, 'X-1', 5, names).shown).toHaveLength(5);
    expect(filterEntries(queues, '', 100, names)).toMatchObject({ matching: 303 });
  });

  it('says the preview in a sentence, queues and groups by name', () => {
    const names = namesFrom({
      queues: [{ id: 'q-1', name: 'Billing' }],
      agentGroups: [{ id: 'g-1', name: 'Trainees' }],
    });
    const sentence = previewSentence(
      { channel: 'VOICE', queueId: 'q-1', profile: 'tier3', agentGroups: ['g-1'] },
      {
        policy: {
          durationSeconds: 120,
          mode: 'timed',
          maxExtensions: 2,
          extensionSeconds: 30,
          requireDisposition: true,
        },
        fieldSources: {},
      },
      names,
    );
    expect(sentence).toBe(
      'A VOICE contact in queue Billing with profile tier3 handled by an agent in group Trainees gets 120 s of timed wrap-up, up to 2 extensions of 30 s, a disposition required.',
    );
    expect(
      previewSentence(
        { channel: 'CHAT' },
        { policy: { mode: 'untimed' }, fieldSources: {}, unknownProfile: 'vip' },
      ),
    ).toBe(
      'A CHAT contact gets untimed wrap-up (until the agent ends it) (profile vip is not defined: ignored).',
    );
  });
});
