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
