/** Contact events for tests, built from the cleaned Connect fixture. */
import { readFileSync } from 'node:fs';
import type { ContactEvent } from '../../lambda/core/contact';
import { parseContactEvent } from '../../lambda/handlers/events';

export const INSTANCE_ARN =
  'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';

/** A fixture file from test/fixtures/connect, parsed as JSON. */
export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../fixtures/connect/${name}`, import.meta.url), 'utf8'));
}

export interface DisconnectOptions {
  contactId?: string;
  agentId?: string | null;
  channel?: string;
  queueId?: string | null;
  disconnectedAt?: string;
  connected?: boolean;
  tags?: Record<string, string>;
  eventType?: string;
  instanceArn?: string;
}

/** The raw EventBridge DISCONNECTED event (as Connect sends it) with the given changes. */
export function rawDisconnect(options: DisconnectOptions = {}): Record<string, unknown> {
  const event = fixture('contact-event-disconnected.json') as {
    time: string;
    detail: Record<string, unknown>;
  };
  const instanceArn = options.instanceArn ?? INSTANCE_ARN;
  const detail: Record<string, unknown> = {
    ...event.detail,
    instanceArn,
    eventType: options.eventType ?? 'DISCONNECTED',
    contactId: options.contactId ?? event.detail.contactId,
    channel: options.channel ?? 'VOICE',
    disconnectTimestamp: options.disconnectedAt ?? event.detail.disconnectTimestamp,
    tags: { ...(event.detail.tags as Record<string, string>), ...(options.tags ?? {}) },
  };
  if (options.queueId === null) delete detail.queueInfo;
  else if (options.queueId !== undefined) {
    detail.queueInfo = { queueArn: `${instanceArn}/queue/${options.queueId}`, queueType: 'STANDARD' };
  }
  if (options.agentId === null) delete detail.agentInfo;
  else {
    const agentId = options.agentId ?? '87654321-4321-4321-4321-210987654321';
    detail.agentInfo = {
      agentArn: `${instanceArn}/agent/${agentId}`,
      ...(options.connected === false ? {} : { connectedToAgentTimestamp: '2021-08-04T17:29:09.000Z' }),
    };
  }
  return { ...event, time: detail.disconnectTimestamp, detail };
}

/** The same event, parsed as the intake handler parses it. */
export function disconnect(options: DisconnectOptions = {}): ContactEvent {
  return parseContactEvent(rawDisconnect(options));
}
