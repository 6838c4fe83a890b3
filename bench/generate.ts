/**
 * The bench's workload: a simulated hour of a contact center, generated with a seeded PRNG so
 * every run measures the same thing.
 *
 * Front-line agents take contacts back to back (talk, then their wrap-up, then a short idle
 * gap), on mixed channels and queues whose policies differ; a few voice contacts are transferred
 * to a tier-2 agent (two agents on one contact, each with their own wrap-up); a few contacts are
 * abandoned before reaching an agent; some events are delivered twice (EventBridge and SQS are at
 * least once).
 */
import type { AcwConfigInput } from '../lambda/config/acw-config';
import type { Channel } from '../lambda/core/config';
import { type ContactEventJson, contactEvent } from '../sim/contact-events';
import { stableUuid } from '../sim/ids';
import { Random } from '../sim/random';

export interface WorkloadOptions {
  readonly seed: number;
  readonly agents: number;
  /** Of which this many take only transfers. */
  readonly tier2Agents: number;
  readonly minutes: number;
}

/** What was generated, for the report. */
export interface WorkloadSummary {
  readonly agents: number;
  readonly minutes: number;
  readonly handledLegs: number;
  readonly transfers: number;
  readonly abandoned: number;
  readonly duplicates: number;
  readonly contactEvents: number;
}

/** The bench's Connect instance. */
export const INSTANCE_ARN =
  'arn:aws:connect:us-east-1:111122223333:instance/3a4b5c6d-7e8f-4a0b-9c1d-2e3f4a5b6c7d';
/** When the simulated hour starts. */
export const START = Date.parse('2026-03-02T09:00:00Z');

/** The bench's queues (ids), each with its own policy in BENCH_CONFIG or none. */
export const QUEUES = {
  general: '00000000-0000-4000-8000-0000000000a1',
  billing: '00000000-0000-4000-8000-0000000000a2',
  sales: '00000000-0000-4000-8000-0000000000a3',
  callbacks: '00000000-0000-4000-8000-0000000000a4',
  chat: '00000000-0000-4000-8000-0000000000a5',
  tasks: '00000000-0000-4000-8000-0000000000a6',
  email: '00000000-0000-4000-8000-0000000000a7',
} as const;

/** The policies under test: default, by channel, by queue (one of them 0 s) and a profile. */
export const BENCH_CONFIG: AcwConfigInput = {
  connectInstanceArn: INSTANCE_ARN,
  policies: {
    default: { durationSeconds: 90 },
    channels: {
      CHAT: { durationSeconds: 60 },
      TASK: { durationSeconds: 120 },
      EMAIL: { durationSeconds: 180 },
    },
    queues: {
      [QUEUES.billing]: { durationSeconds: 300 },
      [QUEUES.sales]: { durationSeconds: 45 },
      [QUEUES.callbacks]: { durationSeconds: 0 },
    },
    profiles: { tier3: { durationSeconds: 600 } },
  },
};

/** Wrap-up seconds the agent will be held for (mirrors BENCH_CONFIG, to plan their next contact). */
export function wrapUpSeconds(
  channel: Channel,
  queue: string | undefined,
  profile: string | undefined,
): number {
  if (profile === 'tier3') return 600;
  if (queue === QUEUES.billing) return 300;
  if (queue === QUEUES.sales) return 45;
  if (queue === QUEUES.callbacks) return 0;
  return { VOICE: 90, CHAT: 60, TASK: 120, EMAIL: 180 }[channel];
}

/** How long contacts of each channel last with the agent, in seconds (min, max). */
export const TALK_SECONDS: Record<Channel, readonly [number, number]> = {
  VOICE: [45, 480],
  CHAT: [90, 600],
  TASK: [60, 300],
  EMAIL: [120, 420],
};

/** A contact of the bench's workload, before it reaches an agent. */
export interface Contact {
  readonly channel: Channel;
  readonly queue: string | undefined;
  readonly outbound: boolean;
  readonly profile: string | undefined;
}

/** A contact of the bench's mix: 60 % voice (6 % of them outbound), 25 % chat, 10 % tasks, 5 % email. */
export function pickContact(random: Random): Contact {
  const roll = random.float();
  if (roll < 0.6) {
    if (random.chance(0.06))
      return { channel: 'VOICE', queue: undefined, outbound: true, profile: undefined };
    const queue = random.pick([
      QUEUES.general,
      QUEUES.general,
      QUEUES.billing,
      QUEUES.sales,
      QUEUES.callbacks,
    ]);
    const profile = random.chance(0.05) ? 'tier3' : undefined;
    return { channel: 'VOICE', queue, outbound: false, profile };
  }
  if (roll < 0.85) return { channel: 'CHAT', queue: QUEUES.chat, outbound: false, profile: undefined };
  if (roll < 0.95) return { channel: 'TASK', queue: QUEUES.tasks, outbound: false, profile: undefined };
  return { channel: 'EMAIL', queue: QUEUES.email, outbound: false, profile: undefined };
}

/** Builds the scenario (the simulator's public format) and what it holds. */
export function generateWorkload(options: WorkloadOptions): {
  scenario: Record<string, unknown>;
  summary: WorkloadSummary;
} {
  const random = new Random(options.seed).fork('workload');
  const end = START + options.minutes * 60_000;
  const agentIds = Array.from({ length: options.agents }, (_, index) => stableUuid(`bench-agent-${index}`));
  const frontLine = agentIds.slice(0, options.agents - options.tier2Agents);
  const tier2 = agentIds.slice(options.agents - options.tier2Agents);
  const tier2FreeAt = new Map(tier2.map((id) => [id, START]));
  const steps: Array<{ at: string; contactEvent: ContactEventJson }> = [];
  let contactNumber = 0;
  let handledLegs = 0;
  let transfers = 0;
  let abandoned = 0;
  let duplicates = 0;

  const deliver = (event: ContactEventJson, disconnectedAt: number) => {
    // EventBridge → SQS → Lambda: a few hundred ms to a few seconds after the disconnect.
    const at = disconnectedAt + random.int(300, 4_000);
    steps.push({ at: new Date(at).toISOString(), contactEvent: event });
    if (random.chance(0.02)) {
      duplicates++;
      steps.push({ at: new Date(at + random.int(1_000, 30_000)).toISOString(), contactEvent: event });
    }
  };

  for (const agentId of frontLine) {
    let t = START + random.int(0, 120_000);
    while (t < end) {
      const contact = pickContact(random);
      const contactId = stableUuid(`bench-contact-${contactNumber++}`);
      const [minTalk, maxTalk] = TALK_SECONDS[contact.channel];
      const connectedAt = t;
      const disconnectedAt = connectedAt + random.int(minTalk * 1000, maxTalk * 1000);
      if (disconnectedAt >= end) break;
      const base = {
        instanceArn: INSTANCE_ARN,
        contactId,
        channel: contact.channel,
        initiationMethod: contact.outbound ? ('OUTBOUND' as const) : ('INBOUND' as const),
        initiatedAt: connectedAt - random.int(5_000, 60_000),
        queueId: contact.queue,
        connectedToAgentAt: connectedAt,
        tags: contact.profile === undefined ? undefined : { acwProfile: contact.profile },
      };
      deliver(contactEvent({ ...base, agentId, disconnectedAt }), disconnectedAt);
      handledLegs++;

      // A few voice contacts go on to a free tier-2 agent: the same contact, a second agent.
      const helper = tier2.find((id) => (tier2FreeAt.get(id) ?? end) <= disconnectedAt);
      if (contact.channel === 'VOICE' && !contact.outbound && helper !== undefined && random.chance(0.04)) {
        transfers++;
        handledLegs++;
        const helperEnd = disconnectedAt + random.int(60_000, 300_000);
        deliver(
          contactEvent({
            ...base,
            agentId: helper,
            connectedToAgentAt: disconnectedAt - random.int(5_000, 30_000),
            disconnectedAt: helperEnd,
            eventId: stableUuid(`bench-transfer-${contactId}`),
          }),
          helperEnd,
        );
        tier2FreeAt.set(
          helper,
          helperEnd + wrapUpSeconds('VOICE', contact.queue, contact.profile) * 1000 + 10_000,
        );
      }
      const wrapUp = wrapUpSeconds(contact.channel, contact.queue, contact.profile);
      t = disconnectedAt + wrapUp * 1000 + random.int(3_000, 45_000);
    }
  }

  // Callers who hung up in the queue: no agent, no wrap-up (R2).
  const abandonedCount = Math.round(handledLegs * 0.03);
  for (let index = 0; index < abandonedCount; index++) {
    abandoned++;
    const initiatedAt = START + random.int(0, options.minutes * 60_000 - 120_000);
    const disconnectedAt = initiatedAt + random.int(10_000, 110_000);
    deliver(
      contactEvent({
        instanceArn: INSTANCE_ARN,
        contactId: stableUuid(`bench-abandoned-${index}`),
        channel: 'VOICE',
        initiatedAt,
        queueId: random.pick([QUEUES.general, QUEUES.billing, QUEUES.sales]),
        disconnectedAt,
      }),
      disconnectedAt,
    );
  }

  const lastStep = steps.reduce((latest, step) => Math.max(latest, Date.parse(step.at)), START);
  // Long enough after the last event for the longest wrap-up (600 s) to end.
  const until = Math.max(end, lastStep) + 12 * 60_000;
  return {
    scenario: {
      seed: options.seed,
      config: BENCH_CONFIG,
      agents: agentIds.map((id) => ({ id, status: 'Available' })),
      steps,
      until: new Date(until).toISOString(),
    },
    summary: {
      agents: options.agents,
      minutes: options.minutes,
      handledLegs,
      transfers,
      abandoned,
      duplicates,
      contactEvents: steps.length,
    },
  };
}
