/**
 * The local server of `npm start` (server/): pages and config.json, development tokens the real
 * API handler accepts, the local desktop's event stream, and a clean stop.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS, QUEUES, TEST_TIMING } from '../../server/floor';
import { type LocalServer, PortInUse, startLocalServer } from '../../server/server';
import type { HandlerLogLine } from '../../server/world';
import { parseWebConfig } from '../../web/src/config';
import { builtPages, eventually, readEvents } from './support';

const [ANA, BEN] = AGENTS as [(typeof AGENTS)[number], (typeof AGENTS)[number]];

async function tokenFor(server: LocalServer, body: unknown): Promise<string> {
  const response = await fetch(`${server.url}/local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  const answer = (await response.json()) as { access_token: string; expires_in: number };
  expect(answer.expires_in).toBeGreaterThan(0);
  return answer.access_token;
}

async function api(
  server: LocalServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}/api${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface WrapUpView {
  contactId: string;
  agentId: string;
  queueId: string | null;
  mode: string;
  deadline: string | null;
  extensionsLeft: number;
  extensionSeconds: number;
  disposition: string | null;
  state: string;
}

describe('local server: pages, tokens and the API', () => {
  let pages: Awaited<ReturnType<typeof builtPages>>;
  let server: LocalServer;
  const handlerLogs: HandlerLogLine[] = [];

  beforeAll(async () => {
    pages = await builtPages();
    server = await startLocalServer({
      port: 0,
      timing: TEST_TIMING,
      webDir: pages.dir,
      onHandlerLog: (line) => handlerLogs.push(line),
    });
  });
  afterAll(async () => {
    await server?.close();
    await pages?.remove();
  });

  it('serves a config.json the pages accept: the API on this origin (/api), local sign-in, local desktop', async () => {
    const response = await fetch(`${server.url}/config.json`);

    expect(response.headers.get('cache-control')).toBe('no-store');
    const config = parseWebConfig(await response.json());
    expect(config).toEqual({
      apiUrl: '/api',
      auth: { kind: 'local', tokenUrl: '/local/token' },
      agentPort: 'local',
    });
  });

  it('serves the widget at / and the board, with the bundles they load', async () => {
    const widget = await fetch(`${server.url}/`);
    const board = await fetch(`${server.url}/board.html`);

    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toContain('text/html');
    expect(board.status).toBe(200);
    const script = /src="([^"]+\.js)"/.exec(await widget.text())?.[1];
    expect(script).toBeDefined();
    const bundle = await fetch(`${server.url}/${script}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${server.url}/..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${server.url}/nothing-here.js`)).status).toBe(404);
  });

  it('lists the simulated agents, the browser one first', async () => {
    const agents = (await (await fetch(`${server.url}/local/agents`)).json()) as Array<
      Record<string, unknown>
    >;

    expect(agents).toHaveLength(AGENTS.length);
    expect(agents[0]).toMatchObject({ agentId: ANA.id, human: true, queue: 'general', mode: 'timed' });
    expect(new Set(agents.map((agent) => agent.mode))).toEqual(new Set(['timed', 'forced', 'untimed']));
  });

  it("gives a development token the real API handler accepts as that agent's (GET /v1/me/wrap-ups)", async () => {
    const token = await tokenFor(server, { agentId: BEN.id });

    const answer = await api(server, token, 'GET', '/v1/me/wrap-ups');

    expect(answer.status).toBe(200);
    expect(typeof answer.body.serverTime).toBe('string');
    expect(Math.abs(Date.parse(String(answer.body.serverTime)) - Date.now())).toBeLessThan(2_000);
    expect(Array.isArray(answer.body.wrapUps)).toBe(true);
  });

  it("refuses the API without a valid token, as API Gateway's JWT authorizer does (401)", async () => {
    const token = await tokenFor(server, { agentId: BEN.id });
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;

    expect((await api(server, undefined, 'GET', '/v1/me/wrap-ups')).status).toBe(401);
    expect((await api(server, tampered, 'GET', '/v1/me/wrap-ups')).status).toBe(401);
    expect((await api(server, token, 'GET', '/v1/nowhere')).status).toBe(404);
  });

  it('keeps supervisor routes to the supervisor group: 403 for an agent, 200 for the supervisor', async () => {
    const agent = await tokenFor(server, { agentId: BEN.id });
    const supervisor = await tokenFor(server, { supervisor: true });

    const refused = await api(server, agent, 'GET', '/v1/wrap-ups');
    const allowed = await api(server, supervisor, 'GET', `/v1/wrap-ups?queueId=${QUEUES.general.id}`);

    expect(refused).toMatchObject({ status: 403, body: { error: 'FORBIDDEN' } });
    expect(allowed.status).toBe(200);
    expect(Array.isArray(allowed.body.wrapUps)).toBe(true);
  });

  it('refuses a token for an agent it does not have, and a malformed token request', async () => {
    const unknown = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'nobody' }),
    });
    const malformed = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'not json',
    });
    const extra = await fetch(`${server.url}/local/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: ANA.id, supervisor: true }),
    });

    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(extra.status).toBe(400);
  });

  it('answers only requests addressed to localhost (no DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const call = request(
        `${server.url}/config.json`,
        { headers: { host: 'attacker.example:3000' } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      call.on('error', reject);
      call.end();
    });

    expect(status).toBe(403);
  });

  it('logs no handler error while serving', () => {
    expect(handlerLogs.filter((line) => line.level === 'error')).toEqual([]);
  });
});

describe("local server: the browser agent's wrap-up end to end", () => {
  let pages: Awaited<ReturnType<typeof builtPages>>;

  beforeAll(async () => {
    pages = await builtPages();
  });
  afterAll(async () => {
    await pages?.remove();
  });

  it('the desktop hears ACW started and Wrap Up, the API shows the wrap-up, Extend adds 30 s once, All Done ends it and the agent is Available', async () => {
    const server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    try {
      const desktop = await readEvents(`${server.url}/local/events?agent=${ANA.id}`);
      const token = await tokenFor(server, { agentId: ANA.id });

      // Logged in Available; then a contact, which ends into after contact work.
      await eventually('the first status', () => desktop.events[0]);
      expect(desktop.events[0]).toEqual({
        event: 'status-changed',
        data: { name: 'Available', type: 'routable' },
      });
      const started = await eventually('acw-started', () =>
        desktop.events.find((event) => event.event === 'acw-started'),
      );
      expect(started.data).toMatchObject({ queueId: QUEUES.general.id, queueName: 'general' });
      const contactId = (started.data as { contactId: string }).contactId;
      await eventually('the wrap-up status', () =>
        desktop.events.find(
          (event) => event.event === 'status-changed' && (event.data as { name: string }).name === 'Wrap Up',
        ),
      );
      const open = await eventually('the open wrap-up', async () => {
        const list = (await api(server, token, 'GET', '/v1/me/wrap-ups')).body.wrapUps as WrapUpView[];
        return list.find((wrapUp) => wrapUp.contactId === contactId);
      });
      expect(open).toMatchObject({ agentId: ANA.id, mode: 'timed', extensionsLeft: 1, extensionSeconds: 30 });
      // R20: the local instance names its agents and queues, as Connect's directory calls do.
      expect(open).toMatchObject({ agentName: ANA.name, queueName: QUEUES.general.name });

      const extended = await api(server, token, 'POST', `/v1/me/wrap-ups/${contactId}/extend`);
      const again = await api(server, token, 'POST', `/v1/me/wrap-ups/${contactId}/extend`);
      const done = await api(server, token, 'POST', `/v1/me/wrap-ups/${contactId}/done`, {
        disposition: 'RESOLVED',
      });

      const after = extended.body.wrapUp as WrapUpView;
      expect(Date.parse(String(after.deadline)) - Date.parse(String(open.deadline))).toBe(30_000);
      expect(again).toMatchObject({ status: 409, body: { error: 'EXTENSION_LIMIT' } });
      expect(done.status).toBe(200);
      expect(done.body.wrapUp).toMatchObject({
        state: 'CLOSED_COMPLETE',
        disposition: 'RESOLVED',
        endReason: 'AGENT_DONE',
      });
      await eventually('Available again', () =>
        desktop.events
          .slice(1)
          .find(
            (event) =>
              event.event === 'status-changed' && (event.data as { name: string }).name === 'Available',
          ),
      );
      expect(server.world.statusOf(ANA.id)).toEqual({ name: 'Available', type: 'routable' });
      expect((await api(server, token, 'GET', '/v1/me/wrap-ups')).body.wrapUps).toEqual([]);
      desktop.stop();
    } finally {
      await server.close();
    }
  });

  it('the supervisor sees the untimed wrap-ups of others and may not end one without its required disposition', async () => {
    const server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    try {
      const token = await tokenFor(server, { supervisor: true });
      const untimed = AGENTS.filter((agent) => agent.queue.id === QUEUES.support.id);

      const rows = await eventually('both untimed wrap-ups', async () => {
        const list = (await api(server, token, 'GET', `/v1/wrap-ups?queueId=${QUEUES.support.id}`)).body
          .wrapUps as WrapUpView[];
        return list.length === untimed.length ? list : undefined;
      });
      const [first] = rows as [WrapUpView];
      const path = `/v1/wrap-ups/${first.contactId}/${first.agentId}/done`;

      expect(rows.every((row) => row.mode === 'untimed' && row.deadline === null)).toBe(true);
      expect(await api(server, token, 'POST', path)).toMatchObject({
        status: 409,
        body: { error: 'DISPOSITION_REQUIRED' },
      });
      expect((await api(server, token, 'POST', path, { disposition: 'ESCALATED' })).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('local server: reports (issue 13)', () => {
  let pages: Awaited<ReturnType<typeof builtPages>>;

  beforeAll(async () => {
    pages = await builtPages();
  });
  afterAll(async () => {
    await pages?.remove();
  });

  it("serves the reports with the real handler: a wrap-up ended on the floor today is in today's report", async () => {
    const server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    try {
      const token = await tokenFor(server, { supervisor: true });
      const [first] = await eventually('an untimed wrap-up', async () => {
        const list = (await api(server, token, 'GET', `/v1/wrap-ups?queueId=${QUEUES.support.id}`)).body
          .wrapUps as WrapUpView[];
        return list.length > 0 ? list : undefined;
      });
      const path = `/v1/wrap-ups/${first?.contactId}/${first?.agentId}/done`;
      expect((await api(server, token, 'POST', path, { disposition: 'ESCALATED' })).status).toBe(200);

      // Not rolled up yet: today is read raw from the byQueueDay index, once the session is complete.
      const today = new Date().toISOString().slice(0, 10);
      const report = await eventually('the ended wrap-up in the report', async () => {
        const answer = await api(
          server,
          token,
          'GET',
          `/v1/reports/acw?from=${today}&to=${today}&groupBy=queue`,
        );
        const rows = answer.body.rows as Array<{ queueId: string; queueName: string; contacts: number }>;
        return rows?.find((row) => row.queueId === QUEUES.support.id);
      });
      expect(report).toMatchObject({ queueName: QUEUES.support.name, contacts: 1 });
      const recommendations = await api(
        server,
        token,
        'GET',
        `/v1/recommendations?from=${today}&to=${today}`,
      );
      expect(recommendations.status).toBe(200);
      expect(recommendations.body.recommendations).toContainEqual(
        expect.objectContaining({ queueId: QUEUES.support.id, sampleSize: 1, withheld: true }),
      );
    } finally {
      await server.close();
    }
  });
});

describe('local server: start and stop', () => {
  let pages: Awaited<ReturnType<typeof builtPages>>;

  beforeAll(async () => {
    pages = await builtPages();
  });
  afterAll(async () => {
    await pages?.remove();
  });

  it('names a port already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      await expect(startLocalServer({ port, timing: TEST_TIMING, webDir: pages.dir })).rejects.toThrow(
        new PortInUse(port).message,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('stops cleanly: event streams end, the port is released, no server or socket is left open', async () => {
    const open = () =>
      process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap' || kind === 'TCPSocketWrap')
        .length;
    const before = open();
    const server = await startLocalServer({ port: 0, timing: TEST_TIMING, webDir: pages.dir });
    const desktop = await readEvents(`${server.url}/local/events?agent=${ANA.id}`);
    await eventually('the first status', () => desktop.events[0]);

    await server.close();

    await expect(fetch(`${server.url}/config.json`)).rejects.toThrow();
    await eventually('servers and sockets closed', () => (open() <= before ? true : undefined));
    desktop.stop();
  });
});
