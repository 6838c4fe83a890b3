/**
 * Issue 9 end to end in the simulator: contact events as Connect sends them go through the intake
 * queue and handler. An agent-to-agent transfer through the receiving agent's own queue (R10,
 * R16), a flow's choice surviving two transfers (R3), every initiation method and channel (R16),
 * unanswered outbound attempts (R21) and monitoring legs.
 */
import { describe, expect, it } from 'vitest';
import { contactEvent, contactFlowEvent, INITIATION_METHODS } from '../../sim/contact-events';
import { runScenario } from '../../sim/engine';
import { AGENT_ID, INSTANCE_ARN, OTHER_AGENT_ID, scenarioOf } from './support';

const quiet = { quiet: true } as const;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString();
/** A step at `seconds`, a second after its event happened (EventBridge and SQS). */
const step = (seconds: number, event: Record<string, unknown>, kind = 'contactEvent') => ({
  at: new Date(at(seconds) + 1000).toISOString(),
  [kind]: event,
});

const AGENT_A = AGENT_ID;
const AGENT_B = OTHER_AGENT_ID;
const CONFIG = {
  policies: {
    default: { durationSeconds: 90 },
    queues: { 'q-billing': { durationSeconds: 300 } },
    profiles: { tier3: { durationSeconds: 600 } },
  },
};
const base = { instanceArn: INSTANCE_ARN, channel: 'VOICE' as const };

describe("R10, R16: an agent-to-agent transfer through the receiving agent's queue", () => {
  it("R10: the receiving agent's wrap-up is interrupted by the transfer, and their new wrap-up has the previous queue's policy", async () => {
    const steps = [
      // B ends an earlier contact at 0 s: a 90 s wrap-up (default policy) to 90 s.
      step(
        0,
        contactEvent({
          ...base,
          contactId: 'c-0',
          agentId: AGENT_B,
          queueId: 'q-other',
          initiatedAt: at(-120),
          connectedToAgentAt: at(-100),
          disconnectedAt: at(0),
        }),
      ),
      // A takes a billing call, and transfers it to B by quick connect at 30 s: a new contact in B's own queue.
      step(
        30,
        contactEvent({
          ...base,
          contactId: 'c-1',
          agentId: AGENT_A,
          queueId: 'q-billing',
          initiatedAt: at(-200),
          connectedToAgentAt: at(-180),
          disconnectedAt: at(30),
        }),
      ),
      step(
        40,
        contactEvent({
          ...base,
          eventType: 'CONNECTED_TO_AGENT',
          contactId: 'c-2',
          previousContactId: 'c-1',
          initialContactId: 'c-1',
          initiationMethod: 'TRANSFER',
          agentId: AGENT_B,
          agentQueueOf: AGENT_B,
          initiatedAt: at(30),
          connectedToAgentAt: at(40),
        }),
      ),
      step(
        100,
        contactEvent({
          ...base,
          contactId: 'c-2',
          previousContactId: 'c-1',
          initialContactId: 'c-1',
          initiationMethod: 'TRANSFER',
          agentId: AGENT_B,
          agentQueueOf: AGENT_B,
          initiatedAt: at(30),
          connectedToAgentAt: at(40),
          disconnectedAt: at(100),
        }),
      ),
    ];

    const result = await runScenario(
      scenarioOf(steps, { config: CONFIG, until: '2026-03-02T09:20:00Z' }),
      quiet,
    );

    expect(result.errors).toEqual([]);
    expect(result.stuck).toEqual([]);
    const byContact = Object.fromEntries(result.sessions.map((s) => [s.contactId, s]));
    expect(byContact['c-0']).toMatchObject({ agentId: AGENT_B, endReason: 'INTERRUPTED', endedAt: iso(40) });
    expect(byContact['c-1']).toMatchObject({ agentId: AGENT_A, queueId: 'q-billing', deadline: iso(330) });
    expect(byContact['c-2']).toMatchObject({
      agentId: AGENT_B,
      queueId: 'q-billing',
      startedAt: iso(100),
      deadline: iso(400),
      endReason: 'TIMER',
    });
    expect(result.agents).toEqual([
      { agentId: AGENT_B, status: 'Available' },
      { agentId: AGENT_A, status: 'Available' },
    ]);
  });
});

describe("R3: a contact flow's choice survives two transfers", () => {
  it("R3: A chooses tier3 in its flow; its transfer into B's queue, and that one's into a standard queue, keep tier3", async () => {
    const c1 = {
      ...base,
      contactId: 'c-1',
      initialContactId: 'c-1',
      initiatedAt: at(-200),
      connectedToAgentAt: at(-180),
    };
    const c2 = {
      ...base,
      contactId: 'c-2',
      previousContactId: 'c-1',
      initialContactId: 'c-1',
      initiationMethod: 'TRANSFER' as const,
      initiatedAt: at(10),
      connectedToAgentAt: at(20),
    };
    const c3 = {
      ...base,
      contactId: 'c-3',
      previousContactId: 'c-2',
      initialContactId: 'c-1',
      initiationMethod: 'QUEUE_TRANSFER' as const,
      initiatedAt: at(60),
      connectedToAgentAt: at(70),
    };
    const steps = [
      step(
        -210,
        contactFlowEvent({
          instanceArn: INSTANCE_ARN,
          contactId: 'c-1',
          queueId: 'q-billing',
          parameters: { profile: 'tier3' },
        }),
        'contactFlowEvent',
      ),
      step(10, contactEvent({ ...c1, agentId: AGENT_A, queueId: 'q-billing', disconnectedAt: at(10) })),
      step(50, contactEvent({ ...c2, agentId: AGENT_B, agentQueueOf: AGENT_B, disconnectedAt: at(50) })),
      step(100, contactEvent({ ...c3, agentId: AGENT_A, queueId: 'q-billing', disconnectedAt: at(100) })),
    ];

    const result = await runScenario(
      scenarioOf(steps, { config: CONFIG, until: '2026-03-02T09:30:00Z' }),
      quiet,
    );

    expect(result.errors).toEqual([]);
    expect(result.sessions.map((s) => [s.contactId, s.agentId, s.queueId, s.deadline])).toEqual([
      ['c-1', AGENT_A, 'q-billing', iso(610)],
      ['c-2', AGENT_B, 'q-billing', iso(650)],
      ['c-3', AGENT_A, 'q-billing', iso(700)],
    ]);
  });
});

describe('R16, R21: every initiation method and channel Connect documents', () => {
  it('R16: each parses (no MALFORMED_EVENT) and gets its wrap-up, but a monitoring leg and an unanswered outbound call', async () => {
    const channels = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
    const agents: Array<{ id: string }> = [];
    const steps: Array<ReturnType<typeof step>> = [];
    INITIATION_METHODS.forEach((method, index) => {
      const channel = channels[index % channels.length] ?? 'VOICE';
      const agentId = `agent-${method.toLowerCase()}`;
      agents.push({ id: agentId });
      steps.push(
        step(
          index,
          contactEvent({
            ...base,
            channel,
            contactId: `c-${method}`,
            initiationMethod: method,
            agentId,
            queueId: 'q-1',
            initiatedAt: at(-100),
            connectedToAgentAt: at(-90),
            disconnectedAt: at(index),
          }),
        ),
      );
    });
    // R21: an outbound call nobody answered: no connectedToSystemTimestamp (nor connectedToAgentTimestamp).
    agents.push({ id: 'agent-unanswered' });
    steps.push(
      step(
        20,
        contactEvent({
          ...base,
          contactId: 'c-unanswered',
          initiationMethod: 'OUTBOUND',
          agentId: 'agent-unanswered',
          initiatedAt: at(0),
          answered: false,
          disconnectedAt: at(20),
        }),
      ),
    );

    const result = await runScenario(
      scenarioOf(steps, {
        config: { policies: { default: { durationSeconds: 60 } } },
        agents,
        until: '2026-03-02T09:10:00Z',
      }),
      quiet,
    );

    expect(result.errors).toEqual([]);
    const withWrapUp = result.sessions.map((s) => s.contactId).sort();
    expect(withWrapUp).toEqual(
      INITIATION_METHODS.filter((m) => m !== 'MONITOR')
        .map((m) => `c-${m}`)
        .sort(),
    );
    expect(new Set(result.sessions.map((s) => s.channel))).toEqual(new Set(channels));
    expect(result.stuck).toEqual([]);
  });

  it('R21: with unansweredOutbound true, the unanswered outbound call gets the wrap-up', async () => {
    const steps = [
      step(
        20,
        contactEvent({
          ...base,
          contactId: 'c-unanswered',
          initiationMethod: 'OUTBOUND',
          agentId: AGENT_A,
          initiatedAt: at(0),
          answered: false,
          disconnectedAt: at(20),
        }),
      ),
    ];
    const config = {
      policies: { default: { durationSeconds: 60 }, channels: { VOICE: { unansweredOutbound: true } } },
    };
    const result = await runScenario(scenarioOf(steps, { config, until: '2026-03-02T09:10:00Z' }), quiet);
    expect(result.sessions).toMatchObject([
      { contactId: 'c-unanswered', deadline: iso(80), endReason: 'TIMER' },
    ]);
  });
});
