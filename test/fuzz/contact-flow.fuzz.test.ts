/**
 * R16 fuzz: the contact-flow Lambda given generated `Details.Parameters` and event shapes. It
 * always answers Connect with a flat map of strings, never throws; a refusal is a single `error`
 * naming the parameter (or the event field) and stores no choice.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OVERRIDE_SORT_KEY } from '../../lambda/adapters/session-keys';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import { makeContactFlowHandler } from '../../lambda/handlers/contact-flow';
import type { App } from '../../lambda/handlers/runtime';
import { fixture, INSTANCE_ARN } from '../support/events';
import { testDeps } from '../support/fakes';
import { anyInput, mutated, oddValue, runs, useFuzzTables } from './support';

const tables = useFuzzTables();
const PARAMETERS = ['profile', 'durationSeconds', 'mode'] as const;

async function world() {
  const { store, scan } = await tables.fresh();
  const t = testDeps(store, '2026-03-02T08:59:00.000Z');
  const app: App = {
    deps: t.deps,
    config: {
      instanceArn: INSTANCE_ARN,
      policies: indexPolicies(
        parseAcwConfig({
          policies: {
            default: { durationSeconds: 90 },
            profiles: {
              tier3: { durationSeconds: 600 },
              // A timed mode here would need a timeout disposition (R7): refused by the flow.
              notes: {
                mode: 'untimed',
                requireDisposition: true,
                dispositionCodes: [{ code: 'A', label: 'A' }],
              },
            },
          },
        }).policies,
      ),
    },
  };
  return { ...t, store, scan, handler: makeContactFlowHandler(app) };
}

const FLOW_EVENT = fixture('contact-flow-event.json') as {
  Details: { ContactData: Record<string, unknown>; Parameters: Record<string, unknown> };
};

/** Parameters a correct flow block sends: one or more of the known ones, with good values. */
const goodParameters = fc
  .record(
    {
      profile: fc.constantFrom('tier3', 'notes'),
      durationSeconds: fc.nat({ max: 86_400 }).map(String),
      mode: fc.constantFrom('timed', 'untimed', 'forced'),
    },
    { requiredKeys: [] },
  )
  .filter((p) => Object.keys(p).length > 0);

/** Parameters a wrong flow block may send: the known ones with bad values, unknown ones, none. */
const badParameters = fc.record(
  {
    profile: fc.oneof(
      fc.constantFrom('tier3', 'unknown', '', ' tier3'),
      fc.string({ maxLength: 10 }),
      oddValue,
    ),
    durationSeconds: fc.oneof(
      fc.constantFrom('45', '86401', '99999', '-1', '1.5', '1e3', ' 45', '', '123456'),
      fc.nat({ max: 100_000 }).map(String),
      oddValue,
    ),
    mode: fc.oneof(fc.constantFrom('timed', 'TIMED', ''), fc.string({ maxLength: 8 }), oddValue),
    sentAttributeKey: fc.string({ maxLength: 10 }),
    extra: oddValue,
  },
  { requiredKeys: [] },
);

/** A well-formed flow event around generated parameters, with a contact id of its own. */
const flowEvent = fc
  .tuple(fc.uuid(), fc.oneof(goodParameters, badParameters) as fc.Arbitrary<Record<string, unknown>>)
  .map(([contactId, parameters]) => ({
    contactId,
    event: {
      ...FLOW_EVENT,
      Details: {
        ...FLOW_EVENT.Details,
        ContactData: { ...FLOW_EVENT.Details.ContactData, ContactId: contactId },
        Parameters: parameters,
      },
    },
    parameters,
  }));

function expectFlatStringMap(response: unknown): asserts response is Record<string, string> {
  expect(typeof response).toBe('object');
  expect(response).not.toBeNull();
  expect(Array.isArray(response)).toBe(false);
  for (const value of Object.values(response as object)) expect(typeof value).toBe('string');
}

describe('contact-flow Lambda (R16 fuzz)', () => {
  it('R16: generated parameters get the wrap-up or a single error naming a parameter; a refusal stores nothing', async () => {
    const w = await world();
    const chosen = new Set<string>();
    const used = new Set<string>();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(flowEvent, async ({ contactId, event, parameters: given }) => {
        fc.pre(!used.has(contactId));
        used.add(contactId);

        const response = await w.handler(event);

        expectFlatStringMap(response);
        if (response.error !== undefined) {
          refused += 1;
          expect(Object.keys(response)).toEqual(['error']);
          const named = [...Object.keys(given), ...PARAMETERS].filter((name) =>
            response.error?.includes(name),
          );
          expect(named.length, response.error).toBeGreaterThan(0);
          expect(await w.store.getOverride(contactId)).toBeUndefined();
        } else {
          chosen.add(contactId);
          expect(response).toEqual({
            ...(typeof given.profile === 'string' ? { acwProfile: given.profile } : {}),
            acwSeconds: expect.stringMatching(/^\d+$/),
            acwMode: expect.stringMatching(/^(timed|untimed|forced)$/),
          });
          expect(await w.store.getOverride(contactId)).toMatchObject({ contactId });
        }
      }),
      runs(300),
    );
    expect(chosen.size).toBeGreaterThan(40);
    expect(refused).toBeGreaterThan(80);
    // The table holds exactly the choices answered: no refusal stored anything.
    const items = await w.scan();
    expect(items.every((item) => item.agentId === OVERRIDE_SORT_KEY)).toBe(true);
    expect(new Set(items.map((item) => item.contactId))).toEqual(chosen);
  });

  it('R16: any event shape is answered with a flat string map (an error naming the field when refused), never a throw, and stores nothing when refused', async () => {
    const w = await world();
    const before = await w.scan();
    const shapes = fc.oneof(
      anyInput,
      mutated(FLOW_EVENT).map((m) => m.value),
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(shapes, async (event) => {
        const response = await w.handler(event);

        expectFlatStringMap(response);
        if (response.error !== undefined) {
          refused += 1;
          expect(Object.keys(response)).toEqual(['error']);
          expect(response.error).toMatch(/^(not a ContactFlowEvent|bad parameters): \S|profile|mode /);
        }
      }),
      runs(600),
    );
    expect(refused).toBeGreaterThan(300);
    // The fixture's own contact id may have been given a choice by an unharmed mutation; nothing else.
    const after = await w.scan();
    const added = after.filter((item) => !before.some((b) => JSON.stringify(b) === JSON.stringify(item)));
    for (const item of added) expect(item.agentId).toBe(OVERRIDE_SORT_KEY);
  });
});
