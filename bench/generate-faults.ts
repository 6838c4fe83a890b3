/**
 * The bench's fault workload: contacts arriving steadily (a Poisson process at a given rate)
 * across the bench's queues and policies, each routed to the agent free the longest (or abandoned
 * after two minutes in queue), with what agents do around their wrap-ups: All Done, Extend,
 * choosing Break or going Offline during one, taking a break between contacts.
 *
 * Each contact sends what Connect sends about an agent: CONNECTED_TO_AGENT when it reaches them
 * (an outbound one first INITIATED, naming the agent who dials), DISCONNECTED when their leg
 * ends; EventBridge delivers each 0.3-4 s later. An agent's own status changes are agent event
 * stream records, delivered 0.3-1.5 s after the change. The agents' plans assume Connect routes
 * them a contact only once their wrap-up is over (the deadline, All Done, or their own status
 * change, and then back to Available).
 */

import { agentEvent, type ContactEventJson, contactEvent } from '../sim/contact-events';
import type { Faults } from '../sim/faults';
import { stableUuid } from '../sim/ids';
import { Random } from '../sim/random';
import {
  BENCH_CONFIG,
  INSTANCE_ARN,
  pickContact,
  QUEUES,
  START,
  TALK_SECONDS,
  wrapUpSeconds,
} from './generate';

export interface FaultWorkloadOptions {
  readonly seed: number;
  readonly agents: number;
  /** Minutes of arrivals; the scenario runs on until every wrap-up is over. */
  readonly minutes: number;
  /** Mean contact arrivals per minute. */
  readonly contactsPerMinute: number;
  /** The scenario's `faults`. */
  readonly faults: Faults;
  /** How arrivals are spaced: a Poisson process (default), or evenly, one every 60/contactsPerMinute s. */
  readonly pacing?: 'poisson' | 'even';
}

/** What was generated, for the report. */
export interface FaultWorkloadSummary {
  readonly agents: number;
  readonly minutes: number;
  readonly contactsPerMinute: number;
  /** Contacts that arrived, handled or abandoned. */
  readonly contacts: number;
  readonly handled: number;
  readonly outbound: number;
  readonly abandoned: number;
  /** Wrap-ups the agent ended with All Done, extended, left by choosing Break, by going Offline. */
  readonly allDone: number;
  readonly extended: number;
  readonly breakDuringWrapUp: number;
  readonly offlineDuringWrapUp: number;
  /** Breaks taken between contacts. */
  readonly breaksBetweenContacts: number;
  readonly contactEvents: number;
  readonly agentEvents: number;
  readonly agentActions: number;
}

export interface FaultWorkload {
  readonly scenario: Record<string, unknown>;
  readonly summary: FaultWorkloadSummary;
  /** `contactId/agentId` of every agent leg that must get a session (its policy is not 0 s). */
  readonly expectedSessions: ReadonlySet<string>;
  /** Those legs: when each one's contact disconnected (its DISCONNECTED event's disconnectTimestamp). */
  readonly legs: ReadonlyArray<{
    readonly key: string;
    readonly agentId: string;
    readonly disconnectedAt: number;
  }>;
}

/** A caller waits this long in queue for a free agent, then hangs up. */
const MAX_QUEUE_WAIT_MS = 120_000;
/** BENCH_CONFIG's Extend: the policies' default extensionSeconds. */
const EXTENSION_MS = 60_000;
/** The longest wrap-up (tier3, extended) plus room for the sweep: how long the run goes on after the last event. */
const DRAIN_MS = 14 * 60_000;

type Step = { at: string } & Record<string, unknown>;

interface Agent {
  readonly id: string;
  freeAt: number;
}

/** Builds the scenario (the simulator's public format) and what it holds. */
export function generateFaultWorkload(options: FaultWorkloadOptions): FaultWorkload {
  const random = new Random(options.seed).fork('fault-workload');
  const end = START + options.minutes * 60_000;
  const agents: Agent[] = Array.from({ length: options.agents }, (_, index) => ({
    id: stableUuid(`fault-agent-${index}`),
    freeAt: START + random.int(0, 60_000),
  }));
  const steps: Step[] = [];
  const expectedSessions = new Set<string>();
  const legs: Array<{ key: string; agentId: string; disconnectedAt: number }> = [];
  const counts = {
    contacts: 0,
    handled: 0,
    outbound: 0,
    abandoned: 0,
    allDone: 0,
    extended: 0,
    breakDuringWrapUp: 0,
    offlineDuringWrapUp: 0,
    breaksBetweenContacts: 0,
    contactEvents: 0,
    agentEvents: 0,
    agentActions: 0,
  };

  const sendContactEvent = (event: ContactEventJson, happenedAt: number) => {
    counts.contactEvents++;
    steps.push({ at: iso(happenedAt + random.int(300, 4_000)), contactEvent: event });
  };
  const sendStatus = (agentId: string, at: number, status: string, previousStatus: string) => {
    counts.agentEvents++;
    const record = agentEvent({ instanceArn: INSTANCE_ARN, agentId, at, status, previousStatus });
    steps.push({ at: iso(at + random.int(300, 1_500)), agentEvent: record });
  };
  const act = (agentId: string, contactId: string, at: number, action: 'allDone' | 'extend') => {
    counts.agentActions++;
    steps.push({ at: iso(at), agentAction: { agentId, action, contactId } });
  };

  const meanGapMs = 60_000 / options.contactsPerMinute;
  for (let arrival = START; ; ) {
    arrival +=
      options.pacing === 'even'
        ? Math.round(meanGapMs)
        : Math.max(1, Math.round(-Math.log(1 - random.float()) * meanGapMs));
    if (arrival >= end) break;
    counts.contacts++;
    const contact = pickContact(random);
    const contactId = stableUuid(`fault-contact-${options.seed}-${counts.contacts}`);
    const agent = agents.reduce((free, candidate) => (candidate.freeAt < free.freeAt ? candidate : free));
    const reachesAgentAt = Math.max(arrival, agent.freeAt) + random.int(1_000, 5_000);
    if (!contact.outbound && reachesAgentAt - arrival > MAX_QUEUE_WAIT_MS) {
      // R2: the caller hung up in the queue; no agent, no wrap-up.
      counts.abandoned++;
      const hungUpAt = arrival + random.int(10_000, MAX_QUEUE_WAIT_MS);
      sendContactEvent(
        contactEvent({
          instanceArn: INSTANCE_ARN,
          contactId,
          channel: contact.channel,
          initiatedAt: arrival,
          queueId: contact.queue ?? QUEUES.general,
          disconnectedAt: hungUpAt,
        }),
        hungUpAt,
      );
      continue;
    }
    counts.handled++;
    const base = {
      instanceArn: INSTANCE_ARN,
      contactId,
      channel: contact.channel,
      initiationMethod: contact.outbound ? ('OUTBOUND' as const) : ('INBOUND' as const),
      queueId: contact.queue,
      agentId: agent.id,
      tags: contact.profile === undefined ? undefined : { acwProfile: contact.profile },
    };
    let connectedAt = reachesAgentAt;
    let initiatedAt = arrival;
    if (contact.outbound) {
      // The agent dials when free: INITIATED names them, the callee answers a few seconds later.
      counts.outbound++;
      initiatedAt = reachesAgentAt;
      connectedAt = initiatedAt + random.int(5_000, 20_000);
      sendContactEvent(
        contactEvent({ ...base, eventType: 'INITIATED', initiatedAt, time: initiatedAt }),
        initiatedAt,
      );
    }
    sendContactEvent(
      contactEvent({
        ...base,
        eventType: 'CONNECTED_TO_AGENT',
        initiatedAt,
        enqueuedAt: contact.outbound ? undefined : arrival,
        connectedToAgentAt: connectedAt,
        time: connectedAt,
      }),
      connectedAt,
    );
    const [minTalk, maxTalk] = TALK_SECONDS[contact.channel];
    const disconnectedAt = connectedAt + random.int(minTalk * 1000, maxTalk * 1000);
    sendContactEvent(
      contactEvent({
        ...base,
        initiatedAt,
        enqueuedAt: contact.outbound ? undefined : arrival,
        connectedToAgentAt: connectedAt,
        disconnectedAt,
      }),
      disconnectedAt,
    );

    const wrapUpMs = wrapUpSeconds(contact.channel, contact.queue, contact.profile) * 1000;
    let freeAt = disconnectedAt + wrapUpMs;
    if (wrapUpMs > 0) {
      expectedSessions.add(`${contactId}/${agent.id}`);
      legs.push({ key: `${contactId}/${agent.id}`, agentId: agent.id, disconnectedAt });
      freeAt = agentAroundWrapUp(agent.id, contactId, disconnectedAt, wrapUpMs);
    }
    freeAt += random.int(3_000, 30_000);
    if (random.chance(0.02)) {
      // A break between contacts.
      counts.breaksBetweenContacts++;
      sendStatus(agent.id, freeAt, 'Break', 'Available');
      freeAt += random.int(3, 10) * 60_000;
      sendStatus(agent.id, freeAt, 'Available', 'Break');
      freeAt += random.int(3_000, 10_000);
    }
    agent.freeAt = freeAt;
  }

  /** What the agent does during their wrap-up; returns when they are free for the next contact. */
  function agentAroundWrapUp(
    agentId: string,
    contactId: string,
    disconnectedAt: number,
    wrapUpMs: number,
  ): number {
    const roll = random.float();
    const during = (fromMs: number, beforeEndMs: number) =>
      disconnectedAt + random.int(fromMs, Math.max(fromMs, wrapUpMs - beforeEndMs));
    if (wrapUpMs < 30_000) return disconnectedAt + wrapUpMs;
    if (roll < 0.12) {
      // R6: done early (15 s in at the soonest, so that the wrap-up has started whatever the event's delay).
      counts.allDone++;
      const at = during(15_000, 5_000);
      act(agentId, contactId, at, 'allDone');
      return at;
    }
    if (roll < 0.22) {
      // R5: one more minute.
      counts.extended++;
      act(agentId, contactId, during(15_000, 10_000), 'extend');
      return disconnectedAt + wrapUpMs + EXTENSION_MS;
    }
    if (roll < 0.27) {
      // R8 (Break) or R11 (Offline): the agent leaves wrap-up themselves, and comes back later.
      const offline = roll >= 0.26;
      const status = offline ? 'Offline' : 'Break';
      if (offline) counts.offlineDuringWrapUp++;
      else counts.breakDuringWrapUp++;
      const at = during(10_000, 5_000);
      sendStatus(agentId, at, status, 'Wrap Up');
      const back = at + random.int(offline ? 5 : 2, offline ? 15 : 8) * 60_000;
      sendStatus(agentId, back, 'Available', status);
      return back;
    }
    return disconnectedAt + wrapUpMs;
  }

  const lastStep = steps.reduce((latest, step) => Math.max(latest, Date.parse(step.at)), START);
  return {
    scenario: {
      seed: options.seed,
      config: BENCH_CONFIG,
      faults: options.faults,
      agents: agents.map((agent) => ({ id: agent.id, status: 'Available' })),
      steps,
      until: iso(Math.max(end, lastStep) + DRAIN_MS),
    },
    summary: {
      agents: options.agents,
      minutes: options.minutes,
      contactsPerMinute: options.contactsPerMinute,
      ...counts,
    },
    expectedSessions,
    legs,
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
