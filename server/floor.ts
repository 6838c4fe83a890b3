/**
 * The local contact center `npm start` runs: one Amazon Connect instance, three queues with
 * different wrap-up policies, six agents (the first one driven by the person at the browser, the
 * others simulated) and a supervisor, and how often contacts come.
 *
 * | queue   | policy                                                              |
 * | ------- | ------------------------------------------------------------------- |
 * | general | timed 45 s, one extension of 30 s, disposition codes (optional)     |
 * | sales   | forced 30 s: runs its full time, no All Done                        |
 * | support | untimed: ends only by All Done, which needs a disposition           |
 */
import type { AcwConfigInput } from '../lambda/config/acw-config';
import type { Channel } from '../lambda/core/config';

/** The simulated instance (a made-up account: nothing here reaches AWS). */
export const LOCAL_INSTANCE_ARN =
  'arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-00000000ac00';
/** The agent event stream the simulated instance writes to (R8, R11). */
export const LOCAL_AGENT_EVENT_STREAM =
  'arn:aws:kinesis:us-east-1:123456789012:stream/connect-acw-agent-events';

/** A queue of the local instance. */
export interface LocalQueue {
  readonly id: string;
  readonly name: string;
}

export const QUEUES = {
  general: { id: '00000000-0000-4000-8000-0000000a0001', name: 'general' },
  sales: { id: '00000000-0000-4000-8000-0000000a0002', name: 'sales' },
  support: { id: '00000000-0000-4000-8000-0000000a0003', name: 'support' },
} as const satisfies Record<string, LocalQueue>;

/** A Connect user of the local instance. */
export interface LocalAgent {
  /** Connect user id (the last segment of the agent ARN). */
  readonly id: string;
  /** Connect login: the dev token's `username` claim. */
  readonly login: string;
  readonly name: string;
  readonly queue: LocalQueue;
  readonly channel: Channel;
  /** Driven from the browser: the simulation never acts on their wrap-ups. */
  readonly human: boolean;
}

const agent = (n: number, name: string, queue: LocalQueue, channel: Channel, human = false): LocalAgent => ({
  id: `00000000-0000-4000-8000-0000000b000${n}`,
  login: name.toLowerCase(),
  name,
  queue,
  channel,
  human,
});

/** The floor: the first agent is the person at the browser. */
export const AGENTS: readonly LocalAgent[] = [
  agent(1, 'Ana', QUEUES.general, 'VOICE', true),
  agent(2, 'Ben', QUEUES.general, 'CHAT'),
  agent(3, 'Chloe', QUEUES.sales, 'VOICE'),
  agent(4, 'Dev', QUEUES.sales, 'CHAT'),
  agent(5, 'Eve', QUEUES.support, 'VOICE'),
  agent(6, 'Finn', QUEUES.support, 'CHAT'),
];

/** An agent hierarchy group of the local instance (R3, R20). */
export interface LocalAgentGroup {
  readonly id: string;
  readonly name: string;
}

/** R3, R20: the local instance's agent hierarchy: the floor, and its trainees one level down. */
export const AGENT_GROUPS = {
  floor: { id: '00000000-0000-4000-8000-0000000d0001', name: 'Floor' },
  trainees: { id: '00000000-0000-4000-8000-0000000d0002', name: 'Trainees' },
} as const satisfies Record<string, LocalAgentGroup>;

/** The simulated agents still in training: their path goes on to the trainees' group. */
const TRAINEES: ReadonlySet<string> = new Set(['Ben', 'Dev']);

/** R3, R20: an agent's hierarchy path, level 1 first (their contact events carry it). */
export function agentGroupIdsOf(agent: LocalAgent): readonly string[] {
  return TRAINEES.has(agent.name)
    ? [AGENT_GROUPS.floor.id, AGENT_GROUPS.trainees.id]
    : [AGENT_GROUPS.floor.id];
}

/** The supervisor: a Connect user in the API's supervisor group, not on the floor. */
export const SUPERVISOR = {
  id: '00000000-0000-4000-8000-0000000c0001',
  login: 'sam',
  name: 'Sam (supervisor)',
} as const;

/**
 * R20: the administrator: in the API's administrator group, and no Connect user (an administrator
 * need not be one): `POST /local/token` with `{ "admin": true }`.
 */
export const ADMIN = {
  login: 'ada',
  name: 'Ada (administrator)',
} as const;

const DISPOSITIONS = [
  { code: 'RESOLVED', label: 'Resolved' },
  { code: 'FOLLOW_UP', label: 'Follow-up needed' },
  { code: 'ESCALATED', label: 'Escalated' },
];

/** The `acw` configuration of the local stack. */
export const LOCAL_CONFIG: AcwConfigInput = {
  connectInstanceArn: LOCAL_INSTANCE_ARN,
  wrapUpStatus: { name: 'Wrap Up' },
  routableStatus: { name: 'Available' },
  agentEventStream: { streamArn: LOCAL_AGENT_EVENT_STREAM },
  policies: {
    default: {
      durationSeconds: 45,
      extensionSeconds: 30,
      maxExtensions: 1,
      dispositionCodes: DISPOSITIONS,
    },
    queues: {
      [QUEUES.sales.id]: { mode: 'forced', durationSeconds: 30 },
      [QUEUES.support.id]: { mode: 'untimed', requireDisposition: true },
    },
  },
};

/** When contacts come and what the simulated agents do. Seconds unless named otherwise. */
export interface FloorTiming {
  /** The browser's agent's first contact, after the start. */
  readonly humanFirstContact: number;
  /** The simulated agents' first contacts: the first at [0], the others evenly up to [1]. */
  readonly firstContacts: readonly [number, number];
  /** How long a contact lasts (drawn in the range). */
  readonly talk: readonly [number, number];
  /** How long a simulated agent stays Available before the next contact. */
  readonly idle: readonly [number, number];
  /** How long the browser's agent stays Available before the next contact. */
  readonly humanIdle: readonly [number, number];
  /** Simulated agents extend, set dispositions and press All Done; false: they leave it all to timers and the browser. */
  readonly botsAct: boolean;
  /** EventBridge's delivery of a contact event to the intake queue, ms. */
  readonly eventDelayMs: number;
  /** The agent event stream's delivery of a status change, ms. */
  readonly streamDelayMs: number;
  /** Connect's own After Contact Work before it clears the contact (the README advises 10-15 s). */
  readonly connectAcw: number;
}

/** `npm start`: a steady floor, someone is nearly always in wrap-up. */
export const LIVE_TIMING: FloorTiming = {
  humanFirstContact: 8,
  firstContacts: [2, 20],
  talk: [15, 45],
  idle: [5, 20],
  humanIdle: [20, 40],
  botsAct: true,
  eventDelayMs: 1_000,
  streamDelayMs: 500,
  connectAcw: 10,
};

/**
 * Tests: every agent gets one contact in the first seconds and no second one for ten minutes;
 * nobody acts but the test, so each wrap-up stays as its policy leaves it (the untimed ones open).
 */
export const TEST_TIMING: FloorTiming = {
  humanFirstContact: 0.5,
  firstContacts: [0.5, 1.5],
  talk: [1, 1],
  idle: [600, 600],
  humanIdle: [600, 600],
  botsAct: false,
  eventDelayMs: 200,
  streamDelayMs: 100,
  connectAcw: 10,
};
