/**
 * Schemas for what arrives at the handlers, and their mapping to the core's types. A record that
 * does not match is refused with an error naming the field (R16).
 */
import { parse } from '@aws-lambda-powertools/parser';
import * as z from '../config/zod';
import type { AgentEvent } from '../core/agent-events';
import {
  AGENT_ARN_IN_EVENT,
  AGENT_GROUP_ARN_IN_EVENT,
  AGENT_QUEUE_ARN_IN_EVENT,
  STANDARD_QUEUE_ARN_IN_EVENT,
} from '../core/connect-arns';
import { type ContactEvent, lastArnSegment, normaliseChannel } from '../core/contact';
import type { TimerPayload } from '../core/ports';

const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' });
/** An ARN (at least its `arn:` prefix). */
const arn = () => z.string().check(z.startsWith('arn:'));

const AGENT_ARN_MESSAGE = 'must be an agent ARN (arn:aws:connect:...:instance/ID/agent/ID)';
/** Connect's contact id: 1-256 characters. */
const ID = /^[\s\S]{1,256}$/;

/** Event types whose agent a rule acts on: R1 (DISCONNECTED), R10 (CONNECTED_TO_AGENT), R9 (INITIATED). */
const AGENT_EVENT_TYPES: ReadonlySet<string> = new Set(['DISCONNECTED', 'CONNECTED_TO_AGENT', 'INITIATED']);

/**
 * `detail` of an "Amazon Connect Contact Event" (R16). Connect adds fields over time and asks
 * consumers to ignore the ones they do not know (Amazon Connect Administrator Guide, "Amazon
 * Connect contact events"), so the schema holds only what a rule cannot do without; every other
 * field is read by `readContactEvent`, which logs one it cannot read and goes on without it.
 *
 * Every field the parser looks at, and its kind:
 *
 * NEEDED (refused when missing or wrong: no rule can act without it, so the event is dead-lettered)
 * - `eventType`: which rule applies (R1, R9, R10). Any non-empty string: an event type this system
 *   does not know is acknowledged and changes nothing, never refused.
 * - `contactId`: the session's key (R14). 1-256 characters.
 * - `instanceArn`: events of other instances are ignored, and the agent is held on this instance.
 * - `agentInfo.agentArn`, for DISCONNECTED, CONNECTED_TO_AGENT and INITIATED when `agentInfo` is
 *   there: the agent whose wrap-up starts (R1) or ends (R9, R10). An event with no `agentInfo` at
 *   all (null or absent) is valid: no agent, no wrap-up (R2).
 * - `disconnectTimestamp`, for DISCONNECTED: when the wrap-up starts (R1); a guess would move
 *   every deadline.
 * - envelope `source`, `detail-type`: that this is a contact event at all; `time`: when it
 *   happened, the interruption time when the event carries none of its own (R9, R10); EventBridge
 *   writes all three.
 *
 * REFINING (read when readable; otherwise a warning naming the path, the field left out, and the
 * event handled; values are never logged, as tags such as `aws:connect:systemEndpoint` hold phone
 * numbers)
 * - `channel`: chooses the channel policy (R3); unknown names fall back to the default policy,
 *   an unreadable one is recorded as `UNKNOWN`.
 * - `queueInfo.queueArn`: a standard queue chooses the queue policy (R3); an agent queue
 *   (`.../queue/agent/ID`) is a transfer to that agent, whose policy comes from the previous leg
 *   (R10); any other shape falls back to the channel or default policy. `queueInfo.queueType` is
 *   not read: the ARN says which kind of queue it is.
 * - `tags`: a profile (`acwProfile`, R3); a tag whose value is not a string is left out, that tag only.
 * - `agentInfo.hierarchyGroups.level1`-`level5`, each `{ arn: ".../agent-group/ID" }`: the agent's
 *   groups, whose policies apply between the queue's and the profile's (R3, R20). A level that is
 *   absent, null or has no `arn` is simply not there (Connect leaves out the levels an agent's
 *   hierarchy does not have); a level that is not an object, or whose `arn` is not a hierarchy
 *   group ARN, is left out with a warning, that level only: the agent's other groups still apply,
 *   and the event gets its wrap-up from the levels below (R16: a group only refines the policy).
 *   Other keys of `hierarchyGroups` are ignored.
 * - `initiationMethod`: tells outbound contacts (R9, R21) and monitoring legs; any string is kept.
 * - `initiationTimestamp`: the interruption time of an outbound contact (R9).
 * - `agentInfo.connectedToAgentTimestamp`: R2 reads its presence (the agent was connected) and
 *   R10 its time. Present but unreadable, it still says the agent was connected (a wrap-up is
 *   not lost over a timestamp format); the interruption then uses the event time.
 * - `connectedToSystemTimestamp`: R21 reads its presence (an outbound call was answered), as for
 *   `connectedToAgentTimestamp`.
 * - `previousContactId`, `initialContactId`: the transfer chain whose choice a leg inherits (R3).
 * - `agentInfo.agentArn` of other event types, `disconnectTimestamp` of other event types.
 *
 * IGNORED (never read, so never refused): every other field, the envelope's `version`, `id`,
 * `account`, `region`, `resources`, and whatever Connect adds later.
 */
const contactDetailSchema = z
  .looseObject({
    eventType: z.text(),
    contactId: z.text(256),
    instanceArn: arn(),
  })
  .check(
    z.superRefine((detail, ctx) => {
      const agentInfo = detail.agentInfo;
      if (AGENT_EVENT_TYPES.has(detail.eventType) && agentInfo !== undefined && agentInfo !== null) {
        const agentArn = isRecord(agentInfo) ? agentInfo.agentArn : undefined;
        if (typeof agentArn !== 'string' || !AGENT_ARN_IN_EVENT.test(agentArn)) {
          ctx.addIssue({ code: 'custom', path: ['agentInfo', 'agentArn'], message: AGENT_ARN_MESSAGE });
        }
      }
      if (detail.eventType === 'DISCONNECTED' && !timestamp.safeParse(detail.disconnectTimestamp).success) {
        ctx.addIssue({
          code: 'custom',
          path: ['disconnectTimestamp'],
          message: 'must be an ISO-8601 timestamp (when the agent left the contact)',
        });
      }
    }),
  );

/**
 * The EventBridge envelope Connect's contact events arrive in. Declared here rather than extended
 * from Powertools' EventBridgeSchema, whose module pulls the whole of zod into every bundle.
 */
export const contactEventSchema = z.looseObject({
  source: z.literal('aws.connect'),
  time: z.iso.datetime({ error: 'must be an ISO-8601 timestamp' }),
  'detail-type': z.literal('Amazon Connect Contact Event'),
  detail: contactDetailSchema,
});

/** A Scheduler or due-queue timer. */
export const timerPayloadSchema = z.strictObject({
  contactId: z.text(256),
  agentId: z.text(256),
  deadline: z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp' }),
});

/**
 * An agent event stream record (Kinesis), as Connect writes it (R8, R11, R16). As for contact
 * events, only what a rule cannot do without is refused; Connect's snapshot holds much more
 * (configuration, contacts, the previous snapshot), none of it read, so none of it refused.
 *
 * NEEDED (refused when missing or wrong)
 * - `AgentARN`: whose status this is (R8, R11).
 * - `EventId`: a duplicate delivery is recognised by it (R14).
 * - `EventType`: every non-empty string is accepted (`STATE_CHANGE`, `HEART_BEAT`, `LOGIN`, `LOGOUT`, and
 *   whatever Connect adds: acknowledged, changes nothing).
 * - `EventTimestamp`: newest wins when records arrive out of order (R14).
 * - `InstanceARN`: events of other instances are ignored.
 * - `CurrentAgentSnapshot.AgentStatus.Name` and `.StartTimestamp`, when the status is there: the
 *   status the agent chose (R8, R11) and when, which says whether they chose it during wrap-up.
 *   A record with no snapshot or no status is valid and changes nothing.
 *
 * REFINING (left out with a warning when unreadable)
 * - `CurrentAgentSnapshot.AgentStatus.ARN`: matches a status configured by id; without it the
 *   status is matched by name.
 */
const agentStatusSchema = z.looseObject({
  Name: z.text(127),
  StartTimestamp: timestamp,
});

export const agentEventSchema = z.looseObject({
  AgentARN: z.string().check(z.regex(AGENT_ARN_IN_EVENT, { error: AGENT_ARN_MESSAGE })),
  EventId: z.text(256),
  EventType: z.text(64),
  EventTimestamp: timestamp,
  InstanceARN: arn(),
  CurrentAgentSnapshot: z.nullish(z.looseObject({ AgentStatus: z.nullish(agentStatusSchema) })),
});

/** Input that does not match its schema. */
export class BadInput extends Error {
  constructor(what: string, issues: readonly Issue[]) {
    super(`${what}: ${describe(issues)}`);
    this.name = 'BadInput';
  }
}

/** A Standard Schema issue, as Powertools' parser reports them. */
interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** Validates with Powertools Parser; a failure becomes a BadInput naming each field. */
function validate<S extends z.ZodMiniType>(schema: S, input: unknown, what: string): z.output<S> {
  const data = typeof input === 'string' ? safeJson(input) : input;
  const result = parse(data, undefined, schema, true);
  if (result.success) return result.data as z.output<S>;
  const cause = result.error.cause;
  throw new BadInput(what, Array.isArray(cause) ? (cause as Issue[]) : [{ message: result.error.message }]);
}

/** A contact event as read, with a warning for each field left out (R16). */
export interface ReadContactEvent {
  readonly event: ContactEvent;
  /** `path: what was wrong`, for the log; never a field's value. */
  readonly warnings: readonly string[];
}

/** Parses an EventBridge contact event (an object or its JSON text); see `readContactEvent`. */
export function parseContactEvent(input: unknown): ContactEvent {
  return readContactEvent(input).event;
}

/**
 * R16: reads a contact event. Refused (BadInput) only when a needed field is missing or wrong;
 * a refining field it cannot read is left out with a warning (see `contactDetailSchema`).
 */
export function readContactEvent(input: unknown): ReadContactEvent {
  const envelope = validate(contactEventSchema, input, 'Not an Amazon Connect contact event');
  const detail = envelope.detail;
  const warnings: string[] = [];
  const warn = (path: string, problem: string) => warnings.push(`detail.${path} ${problem}`);

  const channel = readChannel(detail.channel, warn);
  const queue = readQueue(detail.queueInfo, warn);
  const agent = readAgent(detail.agentInfo, AGENT_EVENT_TYPES.has(detail.eventType), warn);
  const connectedToSystem = readPresence(
    detail.connectedToSystemTimestamp,
    'connectedToSystemTimestamp',
    warn,
  );
  const event: ContactEvent = {
    eventType: detail.eventType,
    contactId: detail.contactId,
    instanceArn: detail.instanceArn,
    channel,
    initiationMethod: readString(detail.initiationMethod, 'initiationMethod', warn, 64),
    queueId: queue.queueId,
    agentQueueOf: queue.agentQueueOf,
    agentId: agent.agentId,
    agentGroupIds: agent.groupIds,
    connectedToAgentAt: agent.connectedAt,
    connectedToAgent: agent.connected,
    connectedToSystem: connectedToSystem.present,
    initiatedAt: readDate(detail.initiationTimestamp, 'initiationTimestamp', warn),
    disconnectedAt: readDate(detail.disconnectTimestamp, 'disconnectTimestamp', warn),
    eventTime: new Date(envelope.time),
    tags: readTags(detail.tags, warn),
    previousContactId: readId(detail.previousContactId, 'previousContactId', warn),
    initialContactId: readId(detail.initialContactId, 'initialContactId', warn),
  };
  return { event: withoutUndefined(event), warnings };
}

type Warn = (path: string, problem: string) => void;

function readChannel(value: unknown, warn: Warn): string {
  if (typeof value === 'string' && value.trim() !== '') return normaliseChannel(value);
  warn('channel', 'is missing or not a channel name: the default policy applies');
  return 'UNKNOWN';
}

function readQueue(value: unknown, warn: Warn): { queueId?: string; agentQueueOf?: string } {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    warn('queueInfo', 'is not an object: left out (channel or default policy)');
    return {};
  }
  const arn = value.queueArn;
  if (arn === undefined || arn === null) return {};
  const agentQueue = typeof arn === 'string' ? AGENT_QUEUE_ARN_IN_EVENT.exec(arn) : null;
  if (agentQueue?.[1] !== undefined) return { agentQueueOf: agentQueue[1] };
  const standard = typeof arn === 'string' ? STANDARD_QUEUE_ARN_IN_EVENT.exec(arn) : null;
  if (standard?.[1] !== undefined) return { queueId: standard[1] };
  warn(
    'queueInfo.queueArn',
    'is not a queue ARN this system knows (.../queue/ID or .../queue/agent/ID): left out (channel or default policy)',
  );
  return {};
}

function readAgent(
  value: unknown,
  needed: boolean,
  warn: Warn,
): { agentId?: string; groupIds?: string[]; connectedAt?: Date; connected: boolean } {
  if (value === undefined || value === null) return { connected: false };
  if (!isRecord(value)) {
    // Only reachable for event types that do not need the agent: the schema refuses the others.
    warn('agentInfo', 'is not an object: left out');
    return { connected: false };
  }
  const arn = value.agentArn;
  let agentId: string | undefined;
  if (typeof arn === 'string' && AGENT_ARN_IN_EVENT.test(arn)) agentId = lastArnSegment(arn);
  else if (!needed) warn('agentInfo.agentArn', `${AGENT_ARN_MESSAGE}: left out`);
  const presence = readPresence(value.connectedToAgentTimestamp, 'agentInfo.connectedToAgentTimestamp', warn);
  const groupIds = readHierarchyGroups(value.hierarchyGroups, warn);
  return { agentId, groupIds, connectedAt: presence.at, connected: presence.present };
}

/** Connect's agent hierarchy has at most five levels, `level1` the shallowest. */
const HIERARCHY_LEVELS = ['level1', 'level2', 'level3', 'level4', 'level5'] as const;

/** R3, R20: the ids of the agent's hierarchy groups, shallowest first; undefined when there are none. */
function readHierarchyGroups(value: unknown, warn: Warn): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const path = 'agentInfo.hierarchyGroups';
  if (!isRecord(value)) {
    warn(path, 'is not an object: left out (no agent group policy)');
    return undefined;
  }
  const ids: string[] = [];
  for (const level of HIERARCHY_LEVELS) {
    const group = value[level];
    if (group === undefined || group === null) continue;
    if (!isRecord(group)) {
      warn(`${path}.${level}`, 'is not an object: that group is left out');
      continue;
    }
    const arn = group.arn;
    if (arn === undefined || arn === null) continue;
    const id = typeof arn === 'string' ? AGENT_GROUP_ARN_IN_EVENT.exec(arn)?.[1] : undefined;
    if (id === undefined) {
      warn(
        `${path}.${level}.arn`,
        'is not an agent hierarchy group ARN (.../agent-group/ID): that group is left out',
      );
      continue;
    }
    ids.push(id);
  }
  return ids.length === 0 ? undefined : ids;
}

/** A timestamp whose presence is what a rule reads (R2, R21); its time only when readable. */
function readPresence(value: unknown, path: string, warn: Warn): { present: boolean; at?: Date } {
  if (value === undefined || value === null) return { present: false };
  const parsed = timestamp.safeParse(value);
  if (parsed.success) return { present: true, at: new Date(parsed.data) };
  warn(path, 'is not an ISO-8601 timestamp: counted as present, its time left out');
  return { present: true };
}

function readDate(value: unknown, path: string, warn: Warn): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = timestamp.safeParse(value);
  if (parsed.success) return new Date(parsed.data);
  warn(path, 'is not an ISO-8601 timestamp: left out');
  return undefined;
}

function readString(value: unknown, path: string, warn: Warn, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.length > 0 && value.length <= max) return value;
  warn(path, `is not a string of 1-${max} characters: left out`);
  return undefined;
}

function readId(value: unknown, path: string, warn: Warn): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && ID.test(value)) return value;
  warn(path, 'is not a contact id: left out');
  return undefined;
}

function readTags(value: unknown, warn: Warn): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    warn('tags', 'is not an object: left out');
    return {};
  }
  const tags: Record<string, string> = {};
  for (const [key, tag] of Object.entries(value)) {
    if (typeof tag === 'string') tags[key] = tag;
    // The key only: a tag's value may be a phone number (aws:connect:systemEndpoint).
    else warn(`tags[${JSON.stringify(key)}]`, 'is not a string: that tag is left out');
  }
  return tags;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The event without its absent optional fields, so it compares equal to one built by hand. */
function withoutUndefined(event: ContactEvent): ContactEvent {
  return Object.fromEntries(
    Object.entries(event).filter(([, v]) => v !== undefined),
  ) as unknown as ContactEvent;
}

/** An agent event as read, with a warning for each field left out (R16). */
export interface ReadAgentEvent {
  readonly event: AgentEvent;
  /** `path: what was wrong`, for the log; never a field's value. */
  readonly warnings: readonly string[];
}

/** Parses an agent event stream record (an object or its JSON text); see `readAgentEvent`. */
export function parseAgentEvent(input: unknown): AgentEvent {
  return readAgentEvent(input).event;
}

/**
 * R16: reads an agent event stream record. Refused (BadInput) only when a needed field is missing
 * or wrong; a refining field it cannot read is left out with a warning (see `agentEventSchema`).
 */
export function readAgentEvent(input: unknown): ReadAgentEvent {
  const record = validate(agentEventSchema, input, 'Not an Amazon Connect agent event');
  const status = record.CurrentAgentSnapshot?.AgentStatus ?? undefined;
  const warnings: string[] = [];
  let arn: string | undefined;
  if (status !== undefined && status.ARN !== undefined && status.ARN !== null) {
    if (typeof status.ARN === 'string' && status.ARN.startsWith('arn:')) arn = status.ARN;
    else warnings.push('CurrentAgentSnapshot.AgentStatus.ARN is not an ARN: left out (matched by name)');
  }
  const event: AgentEvent = {
    eventId: record.EventId,
    eventType: record.EventType,
    agentId: lastArnSegment(record.AgentARN),
    instanceArn: record.InstanceARN,
    eventTime: new Date(record.EventTimestamp),
    status:
      status === undefined ? undefined : { name: status.Name, arn, since: new Date(status.StartTimestamp) },
  };
  return { event, warnings };
}

/** Parses a timer payload (an object or its JSON text). */
export function parseTimerPayload(input: unknown): TimerPayload {
  const payload = validate(timerPayloadSchema, input, 'Not a wrap-up timer');
  // Normalise so a payload compares equal to the session's stored deadline.
  return { ...payload, deadline: new Date(payload.deadline).toISOString() };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(issues: readonly Issue[]): string {
  return issues
    .map((issue) => {
      const path = (issue.path ?? []).map((segment) =>
        typeof segment === 'object' && segment !== null && 'key' in segment
          ? String(segment.key)
          : String(segment),
      );
      return `${path.length === 0 ? '(root)' : path.join('.')} ${issue.message}`;
    })
    .join('; ');
}
