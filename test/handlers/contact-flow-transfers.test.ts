/**
 * The contact flow Lambda's part in issue 9: it takes `unansweredOutbound` (R21, the flow level),
 * and keeps the contact's standard queue with the choice so that a contact transferred from it
 * into an agent's queue gets that queue's policy (R10); an agent's own queue is never kept.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import { makeContactFlowHandler } from '../../lambda/handlers/contact-flow';
import type { App } from '../../lambda/handlers/runtime';
import { fixture, INSTANCE_ARN } from '../support/events';
import { testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

let store: MemorySessionStore;
let app: App;

beforeEach(() => {
  store = new MemorySessionStore();
  app = {
    config: {
      instanceArn: INSTANCE_ARN,
      policies: indexPolicies(parseAcwConfig({ policies: { default: { durationSeconds: 90 } } }).policies),
    },
    deps: testDeps(store, '2026-03-02T08:59:00.000Z').deps,
  };
});

function flowEvent(parameters: Record<string, string>, queueArn: string | null, contactId = 'c-flow') {
  const event = fixture('contact-flow-event.json') as {
    Details: { ContactData: Record<string, unknown>; Parameters: Record<string, string> };
  };
  return {
    ...event,
    Details: {
      ContactData: {
        ...event.Details.ContactData,
        ContactId: contactId,
        Queue: queueArn === null ? null : { ARN: queueArn, Name: 'q' },
      },
      Parameters: parameters,
    },
  };
}

describe('contact flow Lambda: R21 and R10', () => {
  it('R21: unansweredOutbound "true" is stored as the flow level of the choice', async () => {
    const response = await makeContactFlowHandler(app)(flowEvent({ unansweredOutbound: 'true' }, null));
    expect(response).toEqual({ acwSeconds: '90', acwMode: 'timed' });
    expect(await store.getOverride('c-flow')).toMatchObject({ unansweredOutbound: true });
  });

  it('R21: unansweredOutbound must be "true" or "false", else an error and nothing stored', async () => {
    const response = await makeContactFlowHandler(app)(flowEvent({ unansweredOutbound: 'yes' }, null));
    expect(response.error).toMatch(/unansweredOutbound must be "true" or "false"/);
    expect(await store.getOverride('c-flow')).toBeUndefined();
  });

  it("R10: an agent's own queue is not kept as the contact's queue; a standard one is", async () => {
    await makeContactFlowHandler(app)(
      flowEvent({ durationSeconds: '60' }, `${INSTANCE_ARN}/queue/agent/agent-x`, 'c-agent-queue'),
    );
    await makeContactFlowHandler(app)(
      flowEvent({ durationSeconds: '60' }, `${INSTANCE_ARN}/queue/q-1`, 'c-queue'),
    );
    expect((await store.getOverride('c-agent-queue'))?.queueId).toBeUndefined();
    expect((await store.getOverride('c-queue'))?.queueId).toBe('q-1');
  });
});
