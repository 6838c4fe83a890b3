import { describe, expect, it } from 'vitest';
import type { AcwStarted, AgentStatus, ContactCleared } from '../../web/src/agent-port';
import {
  connectLocal,
  type EventSourceLike,
  LocalAgentMissing,
  localAgentOf,
  parseLocalAgents,
} from '../../web/src/ports/local';

/** The local server's event stream, driven by the test. */
class FakeEvents implements EventSourceLike {
  closed = false;
  private readonly listeners = new Map<string, Array<(event: { data?: unknown }) => void>>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
  }

  send(type: string, data: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) {
      listener({ data: typeof data === 'string' ? data : JSON.stringify(data) });
    }
  }
}

async function connect(pageUrl = 'http://localhost:8080/index.html?agent=agent-a') {
  let events: FakeEvents | undefined;
  const port = await connectLocal({
    pageUrl,
    openEvents: (url) => {
      events = new FakeEvents(url);
      return events;
    },
  });
  if (events === undefined) throw new Error('no event stream opened');
  return { port, events };
}

describe('the local agent port (npm start)', () => {
  it('is the agent of ?agent= and listens on /local/events for that agent', async () => {
    const { port, events } = await connect();

    expect(port.kind).toBe('local');
    expect(port.agentHint()).toBe('agent-a');
    expect(events.url).toBe('/local/events?agent=agent-a');
  });

  it('refuses a page without ?agent= or with an id the API would refuse', () => {
    expect(() => localAgentOf('http://localhost:8080/')).toThrow(LocalAgentMissing);
    expect(() => localAgentOf('http://localhost:8080/?agent=a%2Fb')).toThrow(/not an agent id/);
  });

  it('passes on acw-started, contact-cleared and status-changed', async () => {
    const { port, events } = await connect();
    const seen: Array<AcwStarted | ContactCleared | AgentStatus> = [];
    port.onAcwStarted((e) => seen.push(e));
    port.onContactCleared((e) => seen.push(e));
    port.onStatusChanged((e) => seen.push(e));

    events.send('status-changed', { name: 'Wrap Up', type: 'not_routable' });
    events.send('acw-started', { contactId: 'c1', queueId: 'q1', queueName: 'Sales' });
    events.send('contact-cleared', { contactId: 'c1' });

    expect(seen).toEqual([
      { name: 'Wrap Up', type: 'not_routable' },
      { contactId: 'c1', queueId: 'q1', queueName: 'Sales' },
      { contactId: 'c1' },
    ]);
    expect(port.currentStatus()).toEqual({ name: 'Wrap Up', type: 'not_routable' });
  });

  it('ignores malformed events instead of failing', async () => {
    const { port, events } = await connect();
    const seen: unknown[] = [];
    port.onAcwStarted((e) => seen.push(e));

    events.send('acw-started', 'not json');
    events.send('acw-started', { contact: 'c1' });

    expect(seen).toEqual([]);
  });

  it('closes the stream and forgets its listeners on close', async () => {
    const { port, events } = await connect();
    const seen: unknown[] = [];
    port.onContactCleared((e) => seen.push(e));

    port.close();
    events.send('contact-cleared', { contactId: 'c1' });

    expect(events.closed).toBe(true);
    expect(seen).toEqual([]);
  });

  it('reads the optional agent list of GET /local/agents, skipping bad entries', () => {
    expect(
      parseLocalAgents([
        { agentId: 'agent-a', name: 'Anna' },
        { agentId: 'agent-b' },
        { agentId: 'a/b' },
        'x',
      ]),
    ).toEqual([{ agentId: 'agent-a', name: 'Anna' }, { agentId: 'agent-b' }]);
    expect(parseLocalAgents({ agents: [] })).toEqual([]);
  });
});
