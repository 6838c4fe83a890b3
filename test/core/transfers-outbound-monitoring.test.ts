/**
 * Every contact Connect really sends (issue 9), in the core: transfers carry the contact's choice
 * (R3, R10), a contact in an agent's queue gets the policy of the queue it came from (R10), an
 * unanswered outbound attempt follows `unansweredOutbound` (R21, R2), a supervisor's monitoring
 * leg starts and ends nothing. Run on the in-memory store (proved equal to DynamoDB by the
 * contract suite), whose request counters show what each wrap-up costs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { type AcwConfigInput, parseAcwConfig } from '../../lambda/config/acw-config';
import type { ContactEvent } from '../../lambda/core/contact';
import { onContactEvent } from '../../lambda/core/contact-events';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { Deps } from '../../lambda/core/ports';
import { parseContactEvent } from '../../lambda/handlers/events';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import { type FakeClock, type RecordingAgents, testDeps } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const AGENT_A = 'agent-a';
const AGENT_B = 'agent-b';
const AGENT_C = 'agent-c';
const SUPERVISOR = 'supervisor-1';

const POLICIES: AcwConfigInput['policies'] = {
  default: { durationSeconds: 90 },
  channels: { CHAT: { durationSeconds: 60 } },
  queues: { 'q-billing': { durationSeconds: 300 } },
  profiles: { tier3: { durationSeconds: 600 }, dialler: { unansweredOutbound: true, durationSeconds: 45 } },
};

function configOf(policies: AcwConfigInput['policies'] = POLICIES): LifecycleConfig {
  return { instanceArn: INSTANCE_ARN, policies: indexPolicies(parseAcwConfig({ policies }).policies) };
}

let store: MemorySessionStore;
let clock: FakeClock;
let agents: RecordingAgents;
let deps: Deps;

beforeEach(() => {
  store = new MemorySessionStore();
  ({ clock, agents, deps } = testDeps(store, at(0)));
});

interface Leg {
  contactId: string;
  agentId?: string | null;
  eventType?: 'DISCONNECTED' | 'CONNECTED_TO_AGENT' | 'INITIATED';
  /** A standard queue id, `agent:ID` for that agent's queue, or null for none. */
  queue?: string | null;
  channel?: string;
  initiationMethod?: string;
  previousContactId?: string;
  initialContactId?: string;
  tags?: Record<string, string>;
  connectedAt?: number;
  disconnectedAt?: number;
  answered?: boolean;
}

/** A contact event as Connect sends it, parsed as the intake parses it. */
function leg(spec: Leg): ContactEvent {
  const raw = rawDisconnect({
    contactId: spec.contactId,
    agentId: spec.agentId === null ? null : (spec.agentId ?? AGENT_A),
    channel: spec.channel ?? 'VOICE',
    eventType: spec.eventType ?? 'DISCONNECTED',
    disconnectedAt: at(spec.disconnectedAt ?? 0),
    tags: spec.tags,
    queueId: spec.queue,
  }) as { detail: Record<string, unknown>; time: string };
  const detail = raw.detail;
  if (spec.queue?.startsWith('agent:')) {
    detail.queueInfo = { queueArn: `${INSTANCE_ARN}/queue/agent/${spec.queue.slice(6)}`, queueType: 'AGENT' };
  }
  detail.initiationMethod = spec.initiationMethod ?? 'INBOUND';
  detail.initialContactId = spec.initialContactId ?? spec.contactId;
  if (spec.previousContactId === undefined) delete detail.previousContactId;
  else detail.previousContactId = spec.previousContactId;
  if (detail.agentInfo !== undefined) {
    detail.agentInfo = {
      ...(detail.agentInfo as object),
      connectedToAgentTimestamp: at(spec.connectedAt ?? (spec.disconnectedAt ?? 0) - 60),
    };
  }
  if (spec.answered === false) delete detail.connectedToSystemTimestamp;
  if (spec.eventType !== undefined && spec.eventType !== 'DISCONNECTED') delete detail.disconnectTimestamp;
  raw.time = at(spec.disconnectedAt ?? spec.connectedAt ?? 0);
  return parseContactEvent(raw);
}

async function send(event: ContactEvent, config = configOf()) {
  return onContactEvent(deps, config, event);
}

/** The contact flow Lambda's stored choice, as contact-flow.ts writes it. */
async function flowChooses(
  contactId: string,
  choice: { profile?: string; durationSeconds?: number; queueId?: string },
) {
  await store.putOverride({ contactId, ...choice, setAt: at(-120) }, new Date(T0 + 86_400_000));
}

describe("R3, R10: transfers carry the contact's choice", () => {
  it('R3: a flow choice survives two transfers (A chooses -> B -> C)', async () => {
    await flowChooses('c-a', { profile: 'tier3' });
    await send(leg({ contactId: 'c-a', agentId: AGENT_A, queue: 'q-billing', disconnectedAt: 0 }));
    await send(
      leg({
        contactId: 'c-b',
        agentId: AGENT_B,
        previousContactId: 'c-a',
        initialContactId: 'c-a',
        queue: 'q-billing',
        disconnectedAt: 10,
      }),
    );
    await send(
      leg({
        contactId: 'c-c',
        agentId: AGENT_C,
        previousContactId: 'c-b',
        initialContactId: 'c-a',
        queue: 'q-billing',
        disconnectedAt: 20,
      }),
    );

    for (const [contactId, agentId] of [
      ['c-a', AGENT_A],
      ['c-b', AGENT_B],
      ['c-c', AGENT_C],
    ] as const) {
      expect(await store.get(contactId, agentId), contactId).toMatchObject({
        policySource: 'profile:tier3',
        policy: { durationSeconds: 600 },
      });
    }
  });

  it('R3: a chain longer than previous + initial keeps the choice a later leg made (A -> B chooses -> C -> D)', async () => {
    await flowChooses('c-b', { durationSeconds: 200 });
    await send(leg({ contactId: 'c-a', agentId: AGENT_A, disconnectedAt: 0 }));
    await send(
      leg({
        contactId: 'c-b',
        agentId: AGENT_B,
        previousContactId: 'c-a',
        initialContactId: 'c-a',
        disconnectedAt: 10,
      }),
    );
    await send(
      leg({
        contactId: 'c-c',
        agentId: AGENT_C,
        previousContactId: 'c-b',
        initialContactId: 'c-a',
        disconnectedAt: 20,
      }),
    );
    await send(
      leg({
        contactId: 'c-d',
        agentId: AGENT_A,
        previousContactId: 'c-c',
        initialContactId: 'c-a',
        disconnectedAt: 30,
      }),
    );

    expect((await store.get('c-a', AGENT_A))?.policy.durationSeconds).toBe(90);
    expect((await store.get('c-b', AGENT_B))?.policy.durationSeconds).toBe(200);
    expect((await store.get('c-c', AGENT_C))?.policy.durationSeconds).toBe(200);
    // D finds nothing on A (its initial contact) but what C recorded when it inherited B's choice.
    expect((await store.get('c-d', AGENT_A))?.policy.durationSeconds).toBe(200);
    expect(await store.getOverride('c-c')).toMatchObject({ durationSeconds: 200, inheritedFrom: 'c-b' });
  });

  it('R3: a flow that chooses again for the new leg wins over the inherited choice', async () => {
    await flowChooses('c-a', { profile: 'tier3' });
    await flowChooses('c-b', { durationSeconds: 30 });
    await send(
      leg({ contactId: 'c-b', agentId: AGENT_B, previousContactId: 'c-a', initialContactId: 'c-a' }),
    );
    expect(await store.get('c-b', AGENT_B)).toMatchObject({
      policySource: 'flow',
      policy: { durationSeconds: 30 },
    });
  });

  it('R3: an acwProfile tag carries to the contacts it is transferred into', async () => {
    await send(leg({ contactId: 'c-a', agentId: AGENT_A, tags: { acwProfile: 'tier3' } }));
    await send(
      leg({
        contactId: 'c-b',
        agentId: AGENT_B,
        previousContactId: 'c-a',
        initialContactId: 'c-a',
        disconnectedAt: 10,
      }),
    );
    expect(await store.get('c-b', AGENT_B)).toMatchObject({ policySource: 'profile:tier3' });
  });

  it('R3: a contact with no choice anywhere in its chain gets its own queue policy, and records nothing', async () => {
    await send(
      leg({
        contactId: 'c-b',
        agentId: AGENT_B,
        previousContactId: 'c-a',
        initialContactId: 'c-a',
        queue: 'q-billing',
      }),
    );
    expect(await store.get('c-b', AGENT_B)).toMatchObject({ policySource: 'queue:q-billing' });
    expect(await store.getOverride('c-b')).toBeUndefined();
  });
});

describe("R10: a contact in an agent's queue (a quick-connect transfer to that agent)", () => {
  it('R10: gets the policy of the standard queue its previous leg was in, and that queue as its queueId', async () => {
    await send(leg({ contactId: 'c-1', agentId: AGENT_A, queue: 'q-billing', disconnectedAt: 0 }));
    await send(
      leg({
        contactId: 'c-2',
        agentId: AGENT_B,
        queue: `agent:${AGENT_B}`,
        previousContactId: 'c-1',
        initialContactId: 'c-1',
        disconnectedAt: 30,
      }),
    );
    expect(await store.get('c-2', AGENT_B)).toMatchObject({
      queueId: 'q-billing',
      policySource: 'queue:q-billing',
      deadline: at(330),
    });
  });

  it("R10: the queue recorded with the previous leg's flow choice is enough (no session needed)", async () => {
    await flowChooses('c-1', { queueId: 'q-billing' });
    await send(
      leg({
        contactId: 'c-2',
        agentId: AGENT_B,
        queue: `agent:${AGENT_B}`,
        previousContactId: 'c-1',
        initialContactId: 'c-1',
      }),
    );
    expect(await store.get('c-2', AGENT_B)).toMatchObject({
      queueId: 'q-billing',
      policySource: 'queue:q-billing',
    });
  });

  it("R10: where the previous queue is unknown, the channel's policy, and queueId none", async () => {
    await send(
      leg({
        contactId: 'c-2',
        agentId: AGENT_B,
        channel: 'CHAT',
        queue: `agent:${AGENT_B}`,
        previousContactId: 'c-unknown',
        initialContactId: 'c-unknown',
      }),
    );
    const session = await store.get('c-2', AGENT_B);
    expect(session).toMatchObject({ policySource: 'channel:CHAT' });
    expect(session?.queueId).toBeUndefined();
  });

  it("R10: its CONNECTED_TO_AGENT interrupts the receiving agent's wrap-up", async () => {
    await send(leg({ contactId: 'c-earlier', agentId: AGENT_B, disconnectedAt: 0 }));
    clock.set(at(20));
    const outcomes = await send(
      leg({
        contactId: 'c-2',
        agentId: AGENT_B,
        eventType: 'CONNECTED_TO_AGENT',
        queue: `agent:${AGENT_B}`,
        previousContactId: 'c-1',
        connectedAt: 20,
      }),
    );
    expect(outcomes.map((o) => o.kind)).toEqual(['ENDED_BY_AGENT']);
    expect(await store.get('c-earlier', AGENT_B)).toMatchObject({
      endReason: 'INTERRUPTED',
      endedAt: at(20),
    });
  });

  it('R10: a wrap-up through an agent queue with an inherited choice costs at most 4 DynamoDB requests', async () => {
    await flowChooses('c-1', { profile: 'tier3' });
    await send(leg({ contactId: 'c-1', agentId: AGENT_A, queue: 'q-billing', disconnectedAt: 0 }));
    const before = store.reads + store.writes;
    await send(
      leg({
        contactId: 'c-2',
        agentId: AGENT_B,
        queue: `agent:${AGENT_B}`,
        previousContactId: 'c-1',
        initialContactId: 'c-1',
        disconnectedAt: 30,
      }),
    );
    // BatchGetItem, Query (the previous leg's sessions), the recorded choice, the create (already held).
    const requests = store.reads + store.writes - before;
    expect(requests).toBeLessThanOrEqual(4);
    expect(await store.get('c-2', AGENT_B)).toMatchObject({
      policySource: 'profile:tier3',
      queueId: 'q-billing',
    });
  });
});

describe('R21, R2: unanswered outbound attempts', () => {
  const outbound = (extra: Partial<Leg> = {}) =>
    leg({
      contactId: 'c-out',
      queue: null,
      initiationMethod: 'OUTBOUND',
      answered: false,
      disconnectedAt: 0,
      ...extra,
    });

  it('R21: unansweredOutbound false (the default): no wrap-up, no status change', async () => {
    const outcomes = await send(outbound());
    expect(outcomes).toEqual([{ kind: 'IGNORED', reason: 'UNANSWERED_OUTBOUND' }]);
    expect(await store.get('c-out', AGENT_A)).toBeUndefined();
    expect(agents.calls).toEqual([]);
  });

  it.each([
    ['default', { default: { durationSeconds: 90, unansweredOutbound: true } }, 'default', 90],
    [
      'channel',
      { channels: { VOICE: { unansweredOutbound: true, durationSeconds: 40 } } },
      'channel:VOICE',
      40,
    ],
  ] as const)(
    "R21: unansweredOutbound true at the %s level: the policy's wrap-up",
    async (_level, policies, source, seconds) => {
      const outcomes = await send(outbound(), configOf(policies as AcwConfigInput['policies']));
      expect(outcomes[0]?.kind).toBe('STARTED');
      expect(await store.get('c-out', AGENT_A)).toMatchObject({
        policySource: source,
        deadline: at(seconds),
      });
    },
  );

  it('R21: unansweredOutbound true through a profile tag, or through the flow', async () => {
    await send(outbound({ contactId: 'c-tag', tags: { acwProfile: 'dialler' } }));
    expect(await store.get('c-tag', AGENT_A)).toMatchObject({
      policySource: 'profile:dialler',
      deadline: at(45),
    });
    await store.putOverride(
      { contactId: 'c-flow', unansweredOutbound: true, setAt: at(-5) },
      new Date(T0 + 86_400_000),
    );
    await send(outbound({ contactId: 'c-flow' }));
    expect(await store.get('c-flow', AGENT_A)).toMatchObject({ policySource: 'flow', deadline: at(90) });
  });

  it('R21: an answered outbound call (connectedToSystemTimestamp) gets its wrap-up whatever unansweredOutbound says', async () => {
    await send(outbound({ answered: true }));
    expect(await store.get('c-out', AGENT_A)).toMatchObject({ state: 'WRAP_UP', deadline: at(90) });
  });

  it("R21: EXTERNAL_OUTBOUND counts as agent-dialled; an unanswered inbound-style method (API) is R2's", async () => {
    expect(await send(outbound({ initiationMethod: 'EXTERNAL_OUTBOUND' }))).toEqual([
      { kind: 'IGNORED', reason: 'UNANSWERED_OUTBOUND' },
    ]);
    // An API call without connectedToSystemTimestamp that reached the agent is not an unanswered attempt.
    await send(outbound({ contactId: 'c-api', initiationMethod: 'API' }));
    expect(await store.get('c-api', AGENT_A)).toMatchObject({ state: 'WRAP_UP' });
  });

  it('R21: only voice calls are unanswered attempts: an outbound email without connectedToSystemTimestamp gets its wrap-up', async () => {
    await send(outbound({ channel: 'EMAIL' }));
    expect(await store.get('c-out', AGENT_A)).toMatchObject({ state: 'WRAP_UP' });
  });
});

describe("monitoring: a supervisor's silent monitor or barge", () => {
  it('its DISCONNECTED starts no wrap-up for the supervisor', async () => {
    const outcomes = await send(
      leg({ contactId: 'c-mon', agentId: SUPERVISOR, initiationMethod: 'MONITOR' }),
    );
    expect(outcomes).toEqual([{ kind: 'IGNORED', reason: 'MONITORING' }]);
    expect(await store.get('c-mon', SUPERVISOR)).toBeUndefined();
    expect(agents.calls).toEqual([]);
  });

  it("its CONNECTED_TO_AGENT does not end the supervisor's own wrap-up", async () => {
    await send(leg({ contactId: 'c-own', agentId: SUPERVISOR, disconnectedAt: 0 }));
    clock.set(at(10));
    const outcomes = await send(
      leg({
        contactId: 'c-mon',
        agentId: SUPERVISOR,
        eventType: 'CONNECTED_TO_AGENT',
        initiationMethod: 'MONITOR',
        connectedAt: 10,
      }),
    );
    expect(outcomes).toEqual([{ kind: 'IGNORED', reason: 'MONITORING' }]);
    expect((await store.get('c-own', SUPERVISOR))?.state).toBe('WRAP_UP');
  });
});
