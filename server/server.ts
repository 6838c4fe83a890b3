/**
 * The local server of `npm start`, on Node's `http` and 127.0.0.1 only:
 *
 * | route                         | what                                                             |
 * | ----------------------------- | ---------------------------------------------------------------- |
 * | `GET /`, `/index.html`        | the agent widget (without `?agent=` it lists who you can be)     |
 * | `GET /board.html`             | the supervisor board                                             |
 * | `GET /admin.html`             | the administrators' page (R20), when web/build.ts builds it: every built page is served |
 * | `GET /config.json`            | the pages' runtime configuration: this origin, local sign-in and desktop |
 * | `POST /local/token`           | a development token: `{ "agentId": "..." }`, `{ "supervisor": true }` or `{ "admin": true }` |
 * | `GET /local/agents`           | the simulated agents: `[{ "agentId", "name", "login", "queue", "mode", "human" }]` |
 * | `GET /local/events?agent=ID`  | the agent's desktop events, as server-sent events                |
 * | `POST /local/status`          | the agent chooses a status in Connect: `{ "agentId", "status" }` |
 * | `/api/v1/...`                 | the agent and supervisor API: the real handler, behind a JWT check like API Gateway's |
 *
 * R20: `{ "admin": true }` signs in Ada, the local administrator (ADMIN in server/floor.ts): her
 * token carries the administrator group (`acw.api.adminGroup`), so she may change the policies and
 * the kill switch under `/api/v1/admin/`; she is no Connect user, as an administrator need not be.
 * The local DynamoDB (dynalite) runs those changes' transactions through
 * sim/dynamo.ts (all or nothing, as in the simulator).
 *
 * The `POST /local/...` routes take `Content-Type: application/json` only (415 otherwise): a page
 * on another site can send a cross-site `text/plain` or form POST without asking the browser
 * first (no CORS preflight), but not a JSON one, so no other site can change the simulated
 * contact center (an agent's status) or have tokens issued.
 *
 * The pages are built at start (web/build.ts) into a temporary directory, removed at close.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { API_ROUTES } from '../lambda/handlers/api-routes';
import { buildWeb } from '../web/build';
import type { FloorTiming } from './floor';
import { ADMIN, SUPERVISOR } from './floor';
import { DevTokens, TOKEN_LIFETIME_SECONDS } from './tokens';
import { apiEvent, type DesktopEvent, type FloorLine, type HandlerLogLine, LocalWorld } from './world';

/**
 * Where the API is on this origin (as a CloudFront behaviour would put it): `/api/v1/...`. The
 * handler sees the paths API Gateway would give it, `/v1/...`.
 */
export const API_PREFIX = '/api';
/** Where the local server listens by default. */
export const DEFAULT_PORT = 3000;
const HOST = '127.0.0.1';
/** Largest request body read (API Gateway's own limit is far higher; the handler allows 8 KB). */
const MAX_LOCAL_REQUEST_BYTES = 64 * 1024;
/** A comment line on every event stream this often, so idle connections stay open, ms. */
const KEEP_ALIVE_MS = 15_000;
/** Statuses an agent may choose through `POST /local/status` (the instance's status list). */
export const CHOOSABLE_STATUSES = ['Available', 'Lunch', 'Break', 'Training', 'Offline'] as const;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface LocalServerOptions {
  /** 0 takes any free port. @default DEFAULT_PORT */
  readonly port?: number;
  /** @default LIVE_TIMING */
  readonly timing?: FloorTiming;
  readonly seed?: number;
  /** Serve pages already built there (tests build once); default: build into a temporary directory. */
  readonly webDir?: string;
  readonly onFloor?: (line: FloorLine) => void;
  readonly onHandlerLog?: (line: HandlerLogLine) => void;
}

/** A running local server. */
export interface LocalServer {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  readonly world: LocalWorld;
  /** Closes the event streams, the server, the floor and DynamoDB; removes the built pages. */
  close(): Promise<void>;
}

/** The port is taken by another program. */
export class PortInUse extends Error {
  constructor(readonly port: number) {
    super(
      `port ${port} on ${HOST} is already in use: stop what is using it, or choose another port, e.g. PORT=${port + 1} npm start`,
    );
    this.name = 'PortInUse';
  }
}

/** Builds the pages, starts the floor and listens. */
export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const streams = new Set<ServerResponse>();
  let app: LocalApp | undefined;
  const server = createServer((request, response) => {
    if (app === undefined)
      return json(response, 503, { error: 'STARTING', message: 'starting: try again in a second' });
    app.handle(request, response).catch((error: unknown) => {
      console.error('connect-acw local: request failed', error);
      if (!response.headersSent)
        json(response, 500, { error: 'INTERNAL', message: 'the local server failed' });
      else response.end();
    });
  });
  // The port first: a taken one is said at once, before anything is built or started.
  const port = await listen(server, options.port ?? DEFAULT_PORT);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  const ownWebDir = options.webDir === undefined;
  let webDir: string | undefined = options.webDir;
  let world: LocalWorld | undefined;
  try {
    webDir ??= await mkdtemp(path.join(tmpdir(), 'connect-acw-web-'));
    if (ownWebDir) await buildWeb(webDir);
    world = await LocalWorld.start({
      ...(options.timing === undefined ? {} : { timing: options.timing }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.onFloor === undefined ? {} : { onFloor: options.onFloor }),
      ...(options.onHandlerLog === undefined ? {} : { onHandlerLog: options.onHandlerLog }),
    });
  } catch (error) {
    await closeServer();
    await world?.close();
    if (ownWebDir && webDir !== undefined) await rm(webDir, { recursive: true, force: true });
    throw error;
  }
  const running = world;
  const pagesDir = webDir;
  app = new LocalApp(running, pagesDir, streams);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    port,
    world: running,
    close() {
      closing ??= (async () => {
        for (const stream of streams) stream.end();
        streams.clear();
        await closeServer();
        await running.close();
        if (ownWebDir) await rm(pagesDir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUse(port) : error);
    };
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** A route of the API as a pattern on the path. */
const API_PATTERNS = API_ROUTES.map((route) => {
  const names: string[] = [];
  const source = route.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, pattern: new RegExp(`^${source}$`) };
});

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

class LocalApp {
  private readonly tokens = new DevTokens();

  constructor(
    private readonly world: LocalWorld,
    private readonly webDir: string,
    private readonly streams: Set<ServerResponse>,
  ) {}

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // Only this machine's names: a page on another site that resolves its own name to 127.0.0.1
    // (DNS rebinding) gets nothing.
    const host = request.headers.host ?? '';
    if (!LOOPBACK_HOSTS.has(hostnameOf(host))) {
      return json(response, 403, { error: 'FORBIDDEN', message: 'the local server answers localhost only' });
    }
    const url = new URL(request.url ?? '/', `http://${host}`);
    const method = request.method ?? 'GET';
    const route = url.pathname;

    if (route.startsWith(`${API_PREFIX}/`)) return this.api(request, response, url);
    if (route === '/config.json' && isRead(method)) return this.config(response);
    if (route === '/local/token' && method === 'POST') return this.token(request, response);
    if (route === '/local/agents' && isRead(method)) return this.agents(response);
    if (route === '/local/events' && method === 'GET') return this.events(request, response, url);
    if (route === '/local/status' && method === 'POST') return this.chooseStatus(request, response);
    if (route.startsWith('/local/')) return json(response, 404, { error: 'NOT_FOUND' });
    if (isRead(method)) return this.file(response, route, method === 'HEAD');
    return json(response, 405, { error: 'METHOD_NOT_ALLOWED' });
  }

  /** The pages' config.json: the API on this origin, local sign-in, the local desktop. */
  private config(response: ServerResponse): void {
    json(response, 200, {
      apiUrl: API_PREFIX,
      auth: { kind: 'local', tokenUrl: '/local/token' },
      agentPort: 'local',
    });
  }

  private async token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request, response);
    if (body === undefined) return;
    if (body.supervisor === true && Object.keys(body).length === 1) {
      return this.sendToken(response, {
        username: SUPERVISOR.login,
        groups: [this.world.config.api.supervisorGroup],
      });
    }
    if (body.admin === true && Object.keys(body).length === 1) {
      return this.sendToken(response, { username: ADMIN.login, groups: [this.world.config.api.adminGroup] });
    }
    if (typeof body.agentId === 'string' && Object.keys(body).length === 1) {
      const agent = this.world.agentById(body.agentId);
      if (agent === undefined) {
        return json(response, 404, {
          error: 'UNKNOWN_AGENT',
          message: `no agent ${body.agentId}: GET /local/agents lists them`,
        });
      }
      return this.sendToken(response, { username: agent.login, groups: [] });
    }
    json(response, 400, {
      error: 'BAD_REQUEST',
      message: 'body must be { "agentId": "<Connect user id>" }, { "supervisor": true } or { "admin": true }',
    });
  }

  private sendToken(response: ServerResponse, subject: { username: string; groups: string[] }): void {
    json(response, 200, {
      access_token: this.tokens.issue(subject),
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SECONDS,
    });
  }

  private agents(response: ServerResponse): void {
    const policies = this.world.config.policies;
    json(
      response,
      200,
      this.world.agents.map((agent) => ({
        agentId: agent.id,
        name: agent.human ? `${agent.name} (you)` : agent.name,
        login: agent.login,
        queue: agent.queue.name,
        mode: policies.queues[agent.queue.id]?.mode ?? policies.default.mode,
        human: agent.human,
      })),
    );
  }

  /** Server-sent events of one agent's desktop: what it knows now (status first), then what happens. */
  private events(request: IncomingMessage, response: ServerResponse, url: URL): void {
    const agentId = url.searchParams.get('agent') ?? '';
    if (this.world.agentById(agentId) === undefined) {
      json(response, 404, { error: 'UNKNOWN_AGENT', message: 'GET /local/agents lists the agents' });
      return;
    }
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = (event: DesktopEvent) =>
      response.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    response.write('retry: 2000\n\n');
    for (const event of this.world.desktopNow(agentId)) send(event);
    const stop = this.world.subscribe(agentId, send);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    this.streams.add(response);
    const end = () => {
      stop();
      clearInterval(keepAlive);
      this.streams.delete(response);
    };
    request.on('close', end);
    response.on('close', end);
  }

  private async chooseStatus(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readJson(request, response);
    if (body === undefined) return;
    const { agentId, status } = body;
    if (typeof agentId !== 'string' || this.world.agentById(agentId) === undefined) {
      return json(response, 404, { error: 'UNKNOWN_AGENT', message: 'GET /local/agents lists the agents' });
    }
    if (typeof status !== 'string' || !(CHOOSABLE_STATUSES as readonly string[]).includes(status)) {
      return json(response, 400, {
        error: 'BAD_REQUEST',
        message: `status must be one of ${CHOOSABLE_STATUSES.join(', ')}`,
      });
    }
    await this.world.chooseStatus(agentId, status);
    json(response, 200, this.world.statusOf(agentId));
  }

  /** The API as API Gateway serves it: route match, JWT check, then the real handler. */
  private async api(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const method = request.method ?? 'GET';
    const apiPath = url.pathname.slice(API_PREFIX.length);
    const match = matchRoute(method, apiPath);
    if (match === undefined) return json(response, 404, { message: 'Not Found' });
    const claims = this.claimsOf(request);
    if (claims === undefined) {
      response.setHeader('www-authenticate', 'Bearer');
      return json(response, 401, { message: 'Unauthorized' });
    }
    const body = await readBody(request);
    if (body === undefined) return json(response, 413, { message: 'Request Entity Too Large' });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const result = await this.world.api(
      apiEvent({
        method,
        routePath: match.routePath,
        path: apiPath,
        pathParameters: match.pathParameters,
        queryString: url.search.slice(1),
        headers,
        claims,
        body: body === '' ? undefined : body,
        now: Date.now(),
        sourceIp: request.socket.remoteAddress ?? HOST,
      }),
    );
    response.writeHead(result.statusCode ?? 200, stringHeaders(result.headers));
    response.end(result.body ?? '');
  }

  private claimsOf(request: IncomingMessage): Record<string, string> | undefined {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    return match?.[1] === undefined ? undefined : this.tokens.verify(match[1]);
  }

  private async file(response: ServerResponse, route: string, headOnly: boolean): Promise<void> {
    let relative: string;
    try {
      relative = decodeURIComponent(route === '/' ? '/index.html' : route).slice(1);
    } catch {
      return json(response, 400, { error: 'BAD_REQUEST' });
    }
    const file = path.resolve(this.webDir, relative);
    if (!file.startsWith(`${path.resolve(this.webDir)}${path.sep}`))
      return json(response, 404, { error: 'NOT_FOUND' });
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Not found\n');
      return;
    }
    const extension = path.extname(file);
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      // Pages are looked at again on every load; bundles are named by their content.
      'cache-control': extension === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
    });
    response.end(headOnly ? undefined : content);
  }
}

function matchRoute(
  method: string,
  pathname: string,
): { routePath: string; pathParameters: Record<string, string> } | undefined {
  for (const { route, names, pattern } of API_PATTERNS) {
    if (route.method !== method) continue;
    const match = pattern.exec(pathname);
    if (match === null) continue;
    const pathParameters: Record<string, string> = {};
    names.forEach((name, index) => {
      const value = match[index + 1];
      if (value !== undefined) pathParameters[name] = safeDecode(value);
    });
    return { routePath: route.path, pathParameters };
  }
  return undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function isRead(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':')[0] ?? '';
}

/** The request body as text, or undefined when it is over MAX_LOCAL_REQUEST_BYTES. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_LOCAL_REQUEST_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Whether the request says its body is JSON. A browser sends a cross-site request with another
 * site's body type (`text/plain`, a form) without a CORS preflight; `application/json` needs one,
 * which this server never grants.
 */
function isJsonRequest(request: IncomingMessage): boolean {
  const type = request.headers['content-type'] ?? '';
  return type.split(';', 1)[0]?.trim().toLowerCase() === 'application/json';
}

/** A JSON object body, or undefined after answering 415 / 400 / 413. */
async function readJson(
  request: IncomingMessage,
  response: ServerResponse,
): Promise<Record<string, unknown> | undefined> {
  if (!isJsonRequest(request)) {
    request.resume();
    json(response, 415, {
      error: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'the body must be JSON, sent with Content-Type: application/json',
    });
    return undefined;
  }
  const text = await readBody(request);
  if (text === undefined) {
    json(response, 413, { error: 'TOO_LARGE' });
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Answered below.
  }
  json(response, 400, { error: 'BAD_REQUEST', message: 'body must be a JSON object' });
  return undefined;
}

function stringHeaders(
  headers: Record<string, boolean | number | string> | undefined,
): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]));
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
