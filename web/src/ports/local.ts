/**
 * The local fake desktop (`npm start`): the agent is `?agent=<Connect user id>` in the page's URL,
 * and the local server pushes the desktop's events as server-sent events on
 * `GET /local/events?agent=<id>` (see "The local server's contract" in web/README.md):
 *
 * - `acw-started`    data `{"contactId": "...", "queueId"?: "...", "queueName"?: "..."}`
 * - `contact-cleared` data `{"contactId": "..."}`
 * - `status-changed` data `{"name": "Available", "type"?: "routable"}` (also sent once on connect)
 *
 * No DOM: the EventSource is passed in, so tests drive the port with a fake.
 */
import {
  type AcwStarted,
  type AgentPort,
  type AgentStatus,
  type ContactCleared,
  Listeners,
} from '../agent-port';

/** The part of EventSource the port uses. */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: { readonly data?: unknown }) => void): void;
  close(): void;
}

/** What the local port is built from. */
export interface LocalPortOptions {
  readonly pageUrl: string;
  /** Opens the event stream (the browser's `new EventSource(url)`). */
  readonly openEvents: (url: string) => EventSourceLike;
  /** @default '/local/events' */
  readonly eventsPath?: string;
}

/** The page's URL has no usable `?agent=`: the page offers a choice instead. */
export class LocalAgentMissing extends Error {
  constructor(readonly given: string | null) {
    super(
      given === null
        ? 'choose an agent: add ?agent=<Connect user id> to the URL'
        : `"${given}" is not an agent id (letters, digits and "-" only)`,
    );
    this.name = 'LocalAgentMissing';
  }
}

const AGENT_ID = /^[0-9a-zA-Z-]{1,256}$/;

/** The agent id of `?agent=`, or throws LocalAgentMissing. */
export function localAgentOf(pageUrl: string): string {
  const given = new URL(pageUrl).searchParams.get('agent');
  if (given === null || !AGENT_ID.test(given)) throw new LocalAgentMissing(given);
  return given;
}

/** Connects the local port: the agent from the URL, the events from the local server. */
export async function connectLocal(options: LocalPortOptions): Promise<AgentPort> {
  const agentId = localAgentOf(options.pageUrl);
  const acw = new Listeners<AcwStarted>();
  const cleared = new Listeners<ContactCleared>();
  const statuses = new Listeners<AgentStatus>();
  let status: AgentStatus | undefined;

  const url = `${options.eventsPath ?? '/local/events'}?agent=${encodeURIComponent(agentId)}`;
  const events = options.openEvents(url);
  events.addEventListener('acw-started', (event) => {
    const data = parseData(event.data);
    if (typeof data?.contactId !== 'string') return warn('acw-started', event.data);
    acw.emit({
      contactId: data.contactId,
      queueId: typeof data.queueId === 'string' ? data.queueId : undefined,
      queueName: typeof data.queueName === 'string' ? data.queueName : undefined,
    });
  });
  events.addEventListener('contact-cleared', (event) => {
    const data = parseData(event.data);
    if (typeof data?.contactId !== 'string') return warn('contact-cleared', event.data);
    cleared.emit({ contactId: data.contactId });
  });
  events.addEventListener('status-changed', (event) => {
    const data = parseData(event.data);
    if (typeof data?.name !== 'string') return warn('status-changed', event.data);
    status = { name: data.name, type: typeof data.type === 'string' ? data.type : undefined };
    statuses.emit(status);
  });

  return {
    kind: 'local',
    agentHint: () => agentId,
    agentName: () => undefined,
    currentStatus: () => status,
    onAcwStarted: (handler) => acw.add(handler),
    onContactCleared: (handler) => cleared.add(handler),
    onStatusChanged: (handler) => statuses.add(handler),
    close: () => {
      events.close();
      acw.clear();
      cleared.clear();
      statuses.clear();
    },
  };
}

/** An agent the local server simulates (`GET /local/agents`). */
export interface LocalAgent {
  readonly agentId: string;
  readonly name?: string;
}

/** Where the local server lists its agents (optional: the picker also takes a typed id). */
export const LOCAL_AGENTS_PATH = '/local/agents';

/** Reads `GET /local/agents`: `[{ "agentId": "...", "name"?: "..." }]`; anything else is no list. */
export function parseLocalAgents(body: unknown): LocalAgent[] {
  if (!Array.isArray(body)) return [];
  return body.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { agentId, name } = entry as Record<string, unknown>;
    if (typeof agentId !== 'string' || !AGENT_ID.test(agentId)) return [];
    return [{ agentId, ...(typeof name === 'string' ? { name } : {}) }];
  });
}

function parseData(data: unknown): Record<string, unknown> | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function warn(type: string, data: unknown): void {
  console.warn(`local desktop: ignored a malformed ${type} event`, data);
}
