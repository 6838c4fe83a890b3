/** Scenarios for the simulator's tests, built from the cleaned Connect fixture in ../fixtures/connect. */
import { readFileSync } from 'node:fs';

/** The fixture's agent, instance, queue and times. */
export const AGENT_ID = '87654321-4321-4321-4321-210987654321';
export const OTHER_AGENT_ID = '11112222-3333-4444-5555-666677778888';
export const INSTANCE_ARN =
  'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';
export const QUEUE_ID = '12345678-1234-1234-1234-123456789012';
export const DISCONNECTED_AT = '2021-08-04T17:38:37.000Z';

/** A fresh copy of the DISCONNECTED fixture (EventBridge contact event). */
export function disconnectedFixture(): Record<string, unknown> {
  return JSON.parse(
    readFileSync(new URL('../fixtures/connect/contact-event-disconnected.json', import.meta.url), 'utf8'),
  );
}

/** The fixture's `detail`, changed by `change` (which may delete fields). */
export function disconnected(
  change: (detail: Record<string, unknown>) => void = () => {},
): Record<string, unknown> {
  const event = disconnectedFixture();
  change(event.detail as Record<string, unknown>);
  return event;
}

/** A scenario of the given steps (contact events, agent actions, ...); the fixture's agents are Available. */
export function scenarioOf(
  steps: Array<{ at: string } & Record<string, unknown>>,
  extra: {
    config?: unknown;
    until?: string;
    seed?: number;
    agents?: Array<{ id: string; status?: string }>;
  } = {},
): Record<string, unknown> {
  return {
    seed: extra.seed ?? 1,
    config: extra.config ?? {},
    agents: extra.agents ?? [
      { id: AGENT_ID, status: 'Available' },
      { id: OTHER_AGENT_ID, status: 'Available' },
    ],
    steps,
    until: extra.until ?? '2021-08-04T18:00:00Z',
  };
}

/** Milliseconds between two ISO timestamps. */
export function msBetween(from: string, to: string | null): number {
  if (to === null) throw new Error(`expected a timestamp after ${from}, got null`);
  return Date.parse(to) - Date.parse(from);
}

/** ISO-8601 UTC as Date#toISOString writes it. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The fixture's contact event as another event type (CONNECTED_TO_AGENT, INITIATED...), changed by `change`. */
export function contactEventOfType(
  eventType: string,
  change: (detail: Record<string, unknown>) => void = () => {},
): Record<string, unknown> {
  return disconnected((detail) => {
    detail.eventType = eventType;
    delete detail.disconnectTimestamp;
    change(detail);
  });
}

/** What an agent event stream record is built from. */
export interface AgentEventSpec {
  /** EventTimestamp. */
  readonly at: string;
  /** CurrentAgentSnapshot.AgentStatus.Name; absent: no AgentStatus at all. */
  readonly status?: string;
  /** AgentStatus.StartTimestamp; default `at`. */
  readonly since?: string;
  readonly agentId?: string;
  /** Default STATE_CHANGE. */
  readonly eventType?: string;
  readonly eventId?: string;
}

/**
 * A Kinesis agent event stream record (the cleaned documentation sample in
 * ../fixtures/connect/agent-event-state-change.json) for the fixture's instance and agent.
 */
export function agentEvent(spec: AgentEventSpec): Record<string, unknown> {
  const record = JSON.parse(
    readFileSync(new URL('../fixtures/connect/agent-event-state-change.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  const agentId = spec.agentId ?? AGENT_ID;
  const snapshot = record.CurrentAgentSnapshot as Record<string, unknown>;
  if (spec.status === undefined) delete snapshot.AgentStatus;
  else
    snapshot.AgentStatus = {
      ARN: `${INSTANCE_ARN}/agent-state/${spec.status.replace(/\W/g, '-').toLowerCase()}`,
      Name: spec.status,
      StartTimestamp: spec.since ?? spec.at,
    };
  return {
    ...record,
    AWSAccountId: '111122223333',
    AgentARN: `${INSTANCE_ARN}/agent/${agentId}`,
    InstanceARN: INSTANCE_ARN,
    EventId: spec.eventId ?? `${agentId}/${spec.at}/${spec.status ?? '-'}`,
    EventType: spec.eventType ?? 'STATE_CHANGE',
    EventTimestamp: spec.at,
    CurrentAgentSnapshot: snapshot,
  };
}
