import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import { applyPolicyChange } from '../../lambda/core/policy-change';
import { LivePolicies } from '../../lambda/core/policy-live';
import { startWrapUp } from '../../lambda/core/start';
import { makeContactFlowHandler } from '../../lambda/handlers/contact-flow';
import type { App } from '../../lambda/handlers/runtime';
import { useSessionStore } from '../support/dynamo';
import { disconnect, fixture, INSTANCE_ARN } from '../support/events';
import { RecordingLog, testDeps } from '../support/fakes';
import { MemoryPolicyStore } from '../support/memory-store';

const db = useSessionStore();
let app: App;
let seq = 0;

beforeEach(() => {
  app = {
    config: {
      instanceArn: INSTANCE_ARN,
      policies: indexPolicies(
        parseAcwConfig({
          policies: {
            default: { durationSeconds: 90 },
            queues: { 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee': { durationSeconds: 300 } },
            profiles: {
              tier3: { durationSeconds: 600 },
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
    deps: testDeps(db.store, '2026-03-02T08:59:00.000Z').deps,
  };
});

/** The event the "Invoke AWS Lambda function" block sends (AWS documentation sample). */
function flowEvent(parameters: Record<string, string>, contactId = `flow-${++seq}`) {
  const event = fixture('contact-flow-event.json') as {
    Details: { ContactData: Record<string, unknown>; Parameters: Record<string, string> };
  };
  return {
    ...event,
    Details: { ContactData: { ...event.Details.ContactData, ContactId: contactId }, Parameters: parameters },
  };
}

describe('contact flow Lambda (R3: the flow chooses the contact wrap-up)', () => {
  it('R3: a profile parameter answers the flat map Connect expects', async () => {
    const response = await makeContactFlowHandler(app)(flowEvent({ profile: 'tier3' }));
    expect(response).toEqual({ acwProfile: 'tier3', acwSeconds: '600', acwMode: 'timed' });
  });

  it('R20: a profile an administrator added at run time is configured for the flow', async () => {
    const baseline = parseAcwConfig({ policies: { profiles: { tier3: { durationSeconds: 600 } } } }).policies;
    const store = new MemoryPolicyStore();
    await applyPolicyChange(
      store,
      baseline,
      {
        level: 'profile',
        key: 'tier9',
        policy: { durationSeconds: 900 },
        expectedVersion: 0,
        by: 'admin-1',
        reason: 'vip',
      },
      new Date('2026-03-02T08:58:00.000Z'),
    );
    const live = new LivePolicies({ store, baseline, clock: app.deps.clock, log: new RecordingLog() });
    const withLive: App = { ...app, deps: { ...app.deps, policies: live } };

    const response = await makeContactFlowHandler(withLive)(flowEvent({ profile: 'tier9' }));

    expect(response).toEqual({ acwProfile: 'tier9', acwSeconds: '900', acwMode: 'timed' });
  });

  it('R3: the flow choice wins over the contact tag and the queue when the contact ends', async () => {
    const contactId = `flow-${++seq}`;
    await makeContactFlowHandler(app)(flowEvent({ durationSeconds: '45', mode: 'forced' }, contactId));
    const outcome = await startWrapUp(
      app.deps,
      app.config,
      disconnect({
        contactId,
        queueId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
        tags: { acwProfile: 'tier3' },
        disconnectedAt: '2026-03-02T09:00:00.000Z',
      }),
    );
    expect(outcome.session).toMatchObject({ policySource: 'flow', deadline: '2026-03-02T09:00:45.000Z' });
    expect(outcome.session?.policy.mode).toBe('forced');
  });

  it('R3: a profile chosen by the flow replaces the contact tag', async () => {
    const contactId = `flow-${++seq}`;
    await makeContactFlowHandler(app)(flowEvent({ profile: 'tier3' }, contactId));
    const outcome = await startWrapUp(
      app.deps,
      app.config,
      disconnect({ contactId, tags: { acwProfile: 'unknown' }, disconnectedAt: '2026-03-02T09:00:00.000Z' }),
    );
    expect(outcome.session?.policySource).toBe('profile:tier3');
  });

  it('reads the queue of the sample event to report the seconds that will apply', async () => {
    const response = await makeContactFlowHandler(app)(flowEvent({ mode: 'timed' }));
    expect(response).toEqual({ acwSeconds: '300', acwMode: 'timed' });
  });

  it.each([
    [{}, /at least one of profile, durationSeconds, mode/],
    [{ durationSeconds: 'ten' }, /durationSeconds must be a whole number of seconds 0-86400/],
    [{ durationSeconds: '90000' }, /durationSeconds must be a whole number of seconds 0-86400/],
    [{ mode: 'lazy' }, /mode must be one of timed, untimed, forced/],
    [{ profile: 'tier9' }, /profile "tier9" is not configured \(configured: tier3, notes\)/],
    [{ profile: 'notes', mode: 'timed' }, /mode timed needs a defaultDispositionOnTimeout/],
    [{ duraton: '60' }, /duraton/],
  ])(
    'R16: bad parameters %j get an error field, not an exception, and store nothing',
    async (parameters, message) => {
      const contactId = `flow-${++seq}`;
      const response = await makeContactFlowHandler(app)(flowEvent(parameters, contactId));
      expect(Object.keys(response)).toEqual(['error']);
      expect(response.error).toMatch(message);
      expect(await db.store.getOverride(contactId)).toBeUndefined();
    },
  );

  it('R16: an event that is not a ContactFlowEvent gets an error field', async () => {
    const response = await makeContactFlowHandler(app)({ Name: 'Something' });
    expect(response.error).toMatch(/^not a ContactFlowEvent/);
  });

  it('stores the choice with an expiry, keyed by the contact, with its standard queue (R10)', async () => {
    const contactId = `flow-${++seq}`;
    await makeContactFlowHandler(app)(flowEvent({ profile: 'tier3', durationSeconds: '120' }, contactId));
    expect(await db.store.getOverride(contactId)).toEqual({
      contactId,
      profile: 'tier3',
      durationSeconds: 120,
      queueId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      setAt: '2026-03-02T08:59:00.000Z',
    });
    // The choice shares the contact's partition but is nobody's session.
    expect(await db.store.get(contactId, '#FLOW')).toBeUndefined();
  });
});
