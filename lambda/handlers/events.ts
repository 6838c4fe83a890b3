/**
 * Schemas for what arrives at the handlers, and their mapping to the core's types. A record that
 * does not match is refused with an error naming the field (R16).
 */
import { parse } from '@aws-lambda-powertools/parser';
// The namespace import lets esbuild tree-shake zod (a named `z` import bundles all of it, locales included).
import * as z from 'zod';
import type { AgentEvent } from '../core/agent-events';
import { type ContactEvent, lastArnSegment, normaliseChannel } from '../core/contact';
import type { TimerPayload } from '../core/ports';

const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO-8601 timestamp' });

/** `detail` of an "Amazon Connect Contact Event"; only the fields wrap-up reads are required. */
const contactDetailSchema = z.object({
  eventType: z.string().min(1),
  contactId: z.string().min(1).max(256),
  channel: z.string().min(1),
  instanceArn: z.string().startsWith('arn:'),
  initiationMethod: z.string().optional(),
  initiationTimestamp: timestamp.optional(),
  disconnectTimestamp: timestamp.optional(),
  queueInfo: z
    .object({
      queueArn: z
        .string()
        .regex(/\/queue\/[^/]+$/, { error: 'must be a queue ARN (arn:aws:connect:...:instance/ID/queue/ID)' })
        .optional(),
    })
    .partial()
    .nullish(),
  agentInfo: z
    .object({
      agentArn: z.string().regex(/^arn:[^/]+\/[^/]+\/agent\/[^/]+$/, {
        error: 'must be an agent ARN (arn:aws:connect:...:instance/ID/agent/ID)',
      }),
      connectedToAgentTimestamp: timestamp.optional(),
    })
    .nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
});

/**
 * The EventBridge envelope Connect's contact events arrive in. Declared here rather than extended
 * from Powertools' EventBridgeSchema, whose module pulls the whole of zod into every bundle.
 */
export const contactEventSchema = z.object({
  version: z.string(),
  id: z.string(),
  source: z.literal('aws.connect'),
  account: z.string(),
  time: z.iso.datetime({ error: 'must be an ISO-8601 timestamp' }),
  region: z.string(),
  resources: z.array(z.string()),
  'detail-type': z.literal('Amazon Connect Contact Event'),
  detail: contactDetailSchema,
  'replay-name': z.string().optional(),
});

/** A Scheduler or due-queue timer. */
export const timerPayloadSchema = z.strictObject({
  contactId: z.string().min(1).max(256),
  agentId: z.string().min(1).max(256),
  deadline: z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp' }),
});

const agentStatusSchema = z.object({
  Name: z.string().min(1).max(127),
  ARN: z.string().startsWith('arn:').nullish(),
  StartTimestamp: timestamp,
});

/**
 * An agent event stream record (Kinesis), as Connect writes it. Only what wrap-up reads is
 * required; the snapshot's configuration, contacts and the previous snapshot are not read.
 */
export const agentEventSchema = z.object({
  AgentARN: z.string().regex(/^arn:[^/]+\/[^/]+\/agent\/[^/]+$/, {
    error: 'must be an agent ARN (arn:aws:connect:...:instance/ID/agent/ID)',
  }),
  EventId: z.string().min(1).max(256),
  EventType: z.string().min(1).max(64),
  EventTimestamp: timestamp,
  InstanceARN: z.string().startsWith('arn:'),
  CurrentAgentSnapshot: z.object({ AgentStatus: agentStatusSchema.nullish() }).nullish(),
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
function validate<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const data = typeof input === 'string' ? safeJson(input) : input;
  const result = parse(data, undefined, schema, true);
  if (result.success) return result.data as z.output<S>;
  const cause = result.error.cause;
  throw new BadInput(what, Array.isArray(cause) ? (cause as Issue[]) : [{ message: result.error.message }]);
}

/** Parses an EventBridge contact event (an object or its JSON text). */
export function parseContactEvent(input: unknown): ContactEvent {
  const event = validate(contactEventSchema, input, 'Not an Amazon Connect contact event');
  const detail = event.detail;
  const agent = detail.agentInfo ?? undefined;
  const queueArn = detail.queueInfo?.queueArn;
  return {
    eventType: detail.eventType,
    contactId: detail.contactId,
    instanceArn: detail.instanceArn,
    channel: normaliseChannel(detail.channel),
    initiationMethod: detail.initiationMethod,
    queueId: queueArn === undefined ? undefined : lastArnSegment(queueArn),
    agentId: agent === undefined ? undefined : lastArnSegment(agent.agentArn),
    connectedToAgentAt: dateOf(agent?.connectedToAgentTimestamp),
    initiatedAt: dateOf(detail.initiationTimestamp),
    disconnectedAt: dateOf(detail.disconnectTimestamp),
    eventTime: new Date(event.time),
    tags: detail.tags ?? {},
  };
}

/** Parses an agent event stream record (an object or its JSON text). */
export function parseAgentEvent(input: unknown): AgentEvent {
  const record = validate(agentEventSchema, input, 'Not an Amazon Connect agent event');
  const status = record.CurrentAgentSnapshot?.AgentStatus ?? undefined;
  return {
    eventId: record.EventId,
    eventType: record.EventType,
    agentId: lastArnSegment(record.AgentARN),
    instanceArn: record.InstanceARN,
    eventTime: new Date(record.EventTimestamp),
    status:
      status === undefined
        ? undefined
        : { name: status.Name, arn: status.ARN ?? undefined, since: new Date(status.StartTimestamp) },
  };
}

/** Parses a timer payload (an object or its JSON text). */
export function parseTimerPayload(input: unknown): TimerPayload {
  const payload = validate(timerPayloadSchema, input, 'Not a wrap-up timer');
  // Normalise so a payload compares equal to the session's stored deadline.
  return { ...payload, deadline: new Date(payload.deadline).toISOString() };
}

function dateOf(value: string | undefined): Date | undefined {
  return value === undefined ? undefined : new Date(value);
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
