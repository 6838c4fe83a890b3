/**
 * The what-if tests' events and configurations: a small center of two queues whose every figure is
 * computed by hand in `HAND_COMPUTED` (issue 13, "Done when").
 */
import type { AcwConfigInput } from '../../lambda/config/acw-config';
import type { Channel } from '../../lambda/core/config';
import { type ContactEventJson, type ContactEventSpec, contactEvent } from '../../sim/contact-events';

export const INSTANCE_ARN =
  'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';
export const BILLING = '00000000-0000-4000-8000-00000000b111';
export const SUPPORT = '00000000-0000-4000-8000-00000000c222';
export const AGENT = '87654321-4321-4321-4321-210987654321';
const START = Date.parse('2026-03-02T09:00:00Z');

/** The current policies: voice 90 s (one 60 s extension, the defaults), chat 60 s. */
export const BASELINE: AcwConfigInput = {
  policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 60 } } },
};

/** The proposal: billing 120 s without extensions; chat 30 s with up to two 30 s extensions. */
export const PROPOSED: AcwConfigInput = {
  policies: {
    default: { durationSeconds: 90 },
    channels: { CHAT: { durationSeconds: 30, extensionSeconds: 30, maxExtensions: 2 } },
    queues: { [BILLING]: { durationSeconds: 120, maxExtensions: 0 } },
  },
};

export interface ContactSpec {
  readonly contactId: string;
  readonly channel?: Channel;
  readonly queueId?: string;
  /** Minutes after the start of the day. */
  readonly minute: number;
  /** Connect's own ACW on COMPLETED; `null`: a COMPLETED without it; undefined: no COMPLETED. */
  readonly needed?: number | null;
  readonly agentId?: string | null;
  readonly extra?: Partial<ContactEventSpec>;
}

/** The DISCONNECTED event of a contact handled by an agent (no agent with `agentId: null`). */
export function disconnected(spec: ContactSpec): ContactEventJson {
  const at = START + spec.minute * 60_000;
  const agentId = spec.agentId === null ? undefined : (spec.agentId ?? AGENT);
  return contactEvent({
    instanceArn: INSTANCE_ARN,
    contactId: spec.contactId,
    channel: spec.channel ?? 'VOICE',
    queueId: spec.queueId,
    initiatedAt: at - 300_000,
    agentId,
    connectedToAgentAt: agentId === undefined ? undefined : at - 240_000,
    disconnectedAt: at,
    ...spec.extra,
  });
}

/** Its COMPLETED event, `needed` seconds of Connect's ACW later. */
export function completed(spec: ContactSpec): ContactEventJson {
  const event = disconnected(spec) as { time: string; detail: Record<string, unknown>; id: string };
  const disconnectedAt = Date.parse(String(event.detail.disconnectTimestamp));
  const needed = spec.needed ?? undefined;
  const end = disconnectedAt + (needed ?? 0) * 1000;
  const agentInfo = event.detail.agentInfo as Record<string, unknown> | undefined;
  return {
    ...event,
    id: `${event.id.slice(0, -4)}c0de`,
    time: new Date(end + 3000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    detail: {
      ...event.detail,
      eventType: 'COMPLETED',
      ...(agentInfo === undefined
        ? {}
        : {
            agentInfo: {
              ...agentInfo,
              ...(needed === undefined
                ? {}
                : {
                    afterContactWorkStartTimestamp: new Date(disconnectedAt).toISOString(),
                    afterContactWorkEndTimestamp: new Date(end).toISOString(),
                    afterContactWorkDuration: needed,
                  }),
            },
          }),
    },
  };
}

/** Both events of each contact, in time order (a contact without `needed` has no COMPLETED). */
export function eventsOf(contacts: readonly ContactSpec[]): ContactEventJson[] {
  return contacts
    .flatMap((contact) =>
      contact.needed === undefined ? [disconnected(contact)] : [disconnected(contact), completed(contact)],
    )
    .sort((a, b) => Date.parse(String(a.time)) - Date.parse(String(b.time)));
}

/**
 * The hand-computed day. Billing (voice): baseline 90 s + one 60 s extension, proposed 120 s, no
 * extension. Support (chat): baseline 60 s + one 60 s extension, proposed 30 s + two 30 s.
 *
 * | contact | needed | baseline                  | proposed                   |
 * | a       | 40     | 40, agent                 | 40, agent                  |
 * | b       | 130    | 130, agent, 1 extension   | 120, system                |
 * | c       | 200    | 150, system, 1 extension  | 120, system                |
 * | d       | ?      | 90, system                | 120, system                |
 * | e chat  | 20     | 20, agent                 | 20, agent                  |
 * | f chat  | 45     | 45, agent                 | 45, agent, 1 extension     |
 * | g chat  | 100    | 100, agent, 1 extension   | 90, system, 2 extensions   |
 *
 * Not replayed: h (abandoned, no agent: R2).
 */
export const HAND_DAY: readonly ContactSpec[] = [
  { contactId: 'a', queueId: BILLING, minute: 0, needed: 40 },
  { contactId: 'b', queueId: BILLING, minute: 10, needed: 130 },
  { contactId: 'c', queueId: BILLING, minute: 20, needed: 200 },
  { contactId: 'd', queueId: BILLING, minute: 30 },
  { contactId: 'e', channel: 'CHAT', queueId: SUPPORT, minute: 5, needed: 20 },
  { contactId: 'f', channel: 'CHAT', queueId: SUPPORT, minute: 15, needed: 45 },
  { contactId: 'g', channel: 'CHAT', queueId: SUPPORT, minute: 25, needed: 100 },
  { contactId: 'h', queueId: BILLING, minute: 35, agentId: null, needed: null },
];

/** `HAND_DAY`'s result. */
export const HAND_COMPUTED = {
  queues: [
    {
      queueId: BILLING,
      channel: 'VOICE',
      // 40 + 130 + 150 + 90 = 410 s; c and d system-ended; b and c extended.
      baseline: { agentHours: 0.114, systemEndedShare: 0.5, extensions: 2, wrapUps: 4, unmeasured: 0 },
      // 40 + 120 + 120 + 120 = 400 s; b, c, d system-ended.
      proposed: { agentHours: 0.111, systemEndedShare: 0.75, extensions: 0, wrapUps: 4, unmeasured: 0 },
    },
    {
      queueId: SUPPORT,
      channel: 'CHAT',
      // 20 + 45 + 100 = 165 s; g extended once.
      baseline: { agentHours: 0.046, systemEndedShare: 0, extensions: 1, wrapUps: 3, unmeasured: 0 },
      // 20 + 45 + 90 = 155 s; g system-ended; f once, g twice.
      proposed: { agentHours: 0.043, systemEndedShare: 0.3333, extensions: 3, wrapUps: 3, unmeasured: 0 },
    },
  ],
};
