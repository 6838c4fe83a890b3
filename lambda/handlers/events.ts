/**
 * Schemas for what arrives at the handlers, and their mapping to the core's types. A record that
 * does not match is refused with an error naming the field (R16).
 */
import { EventBridgeSchema } from '@aws-lambda-powertools/parser/schemas/eventbridge';
import { z } from 'zod';
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
  disconnectTimestamp: timestamp.optional(),
  queueInfo: z
    .object({ queueArn: z.string().min(1).optional() })
    .partial()
    .nullish(),
  agentInfo: z
    .object({
      agentArn: z.string().startsWith('arn:'),
      connectedToAgentTimestamp: timestamp.optional(),
    })
    .nullish(),
  tags: z.record(z.string(), z.string()).nullish(),
});

/** The EventBridge envelope Connect's contact events arrive in. */
export const contactEventSchema = EventBridgeSchema.extend({
  source: z.literal('aws.connect'),
  'detail-type': z.literal('Amazon Connect Contact Event'),
  detail: contactDetailSchema,
});

/** A Scheduler or due-queue timer. */
export const timerPayloadSchema = z.strictObject({
  contactId: z.string().min(1).max(256),
  agentId: z.string().min(1).max(256),
  deadline: z.iso.datetime({ error: 'must be an ISO-8601 UTC timestamp' }),
});

/** Input that does not match its schema. */
export class BadInput extends Error {
  constructor(what: string, error: z.ZodError) {
    super(`${what}: ${describe(error)}`);
    this.name = 'BadInput';
  }
}

/** Parses an EventBridge contact event (an object or its JSON text). */
export function parseContactEvent(input: unknown): ContactEvent {
  const result = contactEventSchema.safeParse(typeof input === 'string' ? safeJson(input) : input);
  if (!result.success) throw new BadInput('Not an Amazon Connect contact event', result.error);
  const event = result.data;
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
    disconnectedAt: dateOf(detail.disconnectTimestamp),
    eventTime: new Date(event.time),
    tags: detail.tags ?? {},
  };
}

/** Parses a timer payload (an object or its JSON text). */
export function parseTimerPayload(input: unknown): TimerPayload {
  const result = timerPayloadSchema.safeParse(typeof input === 'string' ? safeJson(input) : input);
  if (!result.success) throw new BadInput('Not a wrap-up timer', result.error);
  // Normalise so a payload compares equal to the session's stored deadline.
  return { ...result.data, deadline: new Date(result.data.deadline).toISOString() };
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

function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')} ${issue.message}`)
    .join('; ');
}
