/**
 * The local contact center behind `npm start`: the real handlers, core and adapters, with
 * DynamoDB in-process (dynalite) and the simulator's Connect, Scheduler, SQS and agent event
 * stream (sim/), all on the wall clock (realtime.ts).
 *
 * What happens, as deployed:
 * - a contact reaches an agent and ends: Connect's contact events go to the intake function
 *   through its queue (EventBridge-shaped, a moment later); the agent's desktop hears "ACW
 *   started" at once and "contact cleared" when Connect's own short ACW ends;
 * - every status change (the system's PutUserStatus, or the agent's own choice) is the agent's
 *   new status in the simulated Connect, told to their desktop, and written to the agent event
 *   stream for its consumer (R8, R11);
 * - wrap-up timers go through the simulated Scheduler and due queue to the timer functions; the
 *   sweep runs every minute;
 * - the HTTP API is the real `makeApiHandler`, given API Gateway v2 events.
 *
 * The simulated agents take a contact whenever they are Available (after a pause), and in wrap-up
 * extend, choose a disposition or press All Done through the same API handler; the browser's
 * agent gets contacts the same way and their wrap-up waits for the browser (or its timer).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ConnectUsers, UnknownConnectUser } from '../lambda/adapters/connect-users';
import type { FunctionName } from '../lambda/app/compose';
import { composeApiHandler, composeFunctions } from '../lambda/app/functions';
import { type AcwConfig, parseAcwConfig } from '../lambda/config/acw-config';
import { lastArnSegment } from '../lambda/core/contact';
import type { DeadLetter } from '../lambda/core/dead-letter-port';
import type { Log } from '../lambda/core/ports';
import { classifyStatus } from '../lambda/core/presence';
import { DUE_VISIBILITY_SECONDS, INTAKE_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT } from '../lib/queue-settings';
import { SIM_RESOURCES, type HandlerLogLine as SimLogLine, simWiring } from '../sim/apps';
import { SimConnect } from '../sim/connect';
import { agentEvent, contactEvent } from '../sim/contact-events';
import { type SimDynamo, startDynamo } from '../sim/dynamo';
import { SimStream } from '../sim/kinesis';
import { NO_LATENCY } from '../sim/latency';
import { Random } from '../sim/random';
import { SimScheduler } from '../sim/scheduler';
import { SimQueue, SimSqs } from '../sim/sqs';
import {
  AGENT_GROUPS,
  AGENTS,
  agentGroupIdsOf,
  type FloorTiming,
  LIVE_TIMING,
  LOCAL_CONFIG,
  LOCAL_INSTANCE_ARN,
  type LocalAgent,
  QUEUES,
  SUPERVISOR,
} from './floor';
import { RealTimeClock } from './realtime';

type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type ApiResult = APIGatewayProxyStructuredResultV2;

/** What an agent's desktop hears (the local AgentPort's events, web/src/ports/local.ts). */
export type DesktopEvent =
  | {
      readonly type: 'acw-started';
      readonly data: { contactId: string; queueId: string; queueName: string };
    }
  | { readonly type: 'contact-cleared'; readonly data: { contactId: string } }
  | { readonly type: 'status-changed'; readonly data: AgentStatusView };

/** An agent's status as the desktop reports it (Connect Streams' state types). */
export interface AgentStatusView {
  readonly name: string;
  readonly type: 'routable' | 'not_routable' | 'offline';
}

/** One line of what happened on the floor, for the console. */
export interface FloorLine {
  readonly at: number;
  readonly agent: string;
  readonly text: string;
}

/** A log line of one of the real handlers, or of the local server itself. */
export type HandlerLogLine = SimLogLine<FunctionName | 'local-server'>;

export interface LocalWorldOptions {
  /** @default LIVE_TIMING */
  readonly timing?: FloorTiming;
  /** Seeds the simulated agents' choices and the simulated services' jitter. @default 1 */
  readonly seed?: number;
  /** Told what happens on the floor (contacts, wrap-ups, statuses). */
  readonly onFloor?: (line: FloorLine) => void;
  /** Every log line of the real handlers. @default warnings and errors on stderr */
  readonly onHandlerLog?: (line: HandlerLogLine) => void;
  /** How often the clock catches up with the wall clock when idle, ms. */
  readonly tickMs?: number;
}

/** Lambda retries a failed asynchronous invocation (Scheduler's target) twice, a minute apart. */
const ASYNC_ATTEMPTS = 3;
const ASYNC_RETRY_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;
/** A simulated agent waiting to be Available again looks every this often, ms. */
const RETRY_CONTACT_MS = 2_000;
const ROUTABLE = 'Available';

/** The running local contact center. */
export class LocalWorld {
  readonly config: AcwConfig;
  readonly agents: readonly LocalAgent[] = AGENTS;
  private readonly realTime: RealTimeClock;
  private readonly random: Random;
  private readonly timing: FloorTiming;
  private readonly connect: SimConnect;
  private readonly intake: SimQueue;
  private readonly stream: SimStream;
  private readonly scheduler: SimScheduler;
  private readonly handlers: {
    readonly api: (event: ApiEvent) => Promise<ApiResult>;
    readonly timerFired: (event: unknown) => Promise<void>;
    readonly sweep: () => Promise<unknown>;
  };
  private readonly listeners = new Map<string, Set<(event: DesktopEvent) => void>>();
  /** Agents whose next contact waits for them to be Available again. */
  private readonly awaitingRoutable = new Set<string>();
  private readonly lastStatus = new Map<string, string>();
  /** Contacts in Connect's own After Contact Work (ended, not yet cleared), by agent. */
  private readonly inAcw = new Map<string, Map<string, DesktopEvent & { type: 'acw-started' }>>();
  /** Records a handler refused as malformed (R16): kept here, as the dead-letter queues would. */
  readonly deadLetters: DeadLetter[] = [];
  private closed = false;

  private constructor(
    private readonly dynamo: SimDynamo,
    realTime: RealTimeClock,
    private readonly options: LocalWorldOptions,
  ) {
    this.realTime = realTime;
    const clock = realTime.clock;
    this.timing = options.timing ?? LIVE_TIMING;
    this.random = new Random(options.seed ?? 1);
    const config = parseAcwConfig(LOCAL_CONFIG);
    this.config = config;
    const random = this.random;

    this.connect = new SimConnect({
      clock,
      instanceArns: [LOCAL_INSTANCE_ARN],
      agents: AGENTS.map((agent) => ({ id: agent.id, status: ROUTABLE })),
      // R20: the board and the widget show these names; the admin page lists them with the groups.
      queues: Object.values(QUEUES),
      agentGroups: Object.values(AGENT_GROUPS),
      users: [...AGENTS, SUPERVISOR].map((user) => ({
        id: user.id,
        username: user.login,
        firstName: user.name,
      })),
      wrapUpStatus: config.wrapUpStatus,
      routableStatus: config.routableStatus,
      latency: NO_LATENCY,
      onStatusChange: (change) => this.statusChanged(change.agentId, change.status, 'system'),
    });
    this.scheduler = new SimScheduler({
      clock,
      random: random.fork('scheduler'),
      groupName: SIM_RESOURCES.scheduleGroup,
      latency: NO_LATENCY,
      // Scheduler delivers at least once: a firing now and then comes twice, as deployed.
      duplicateProbability: 0.1,
      invokeTarget: (input) => this.invokeTimerFired(input, 1),
    });
    const queueProps = { clock, maxLatencyMs: 300, maxReceiveCount: MAX_RECEIVE_COUNT };
    this.intake = new SimQueue({
      ...queueProps,
      name: SIM_RESOURCES.contactEventsQueue,
      random: random.fork('contact-events-queue'),
      visibilityTimeoutMs: INTAKE_VISIBILITY_SECONDS * 1000,
      consume: (event) => contactEvents(event),
    });
    const due = new SimQueue({
      ...queueProps,
      name: SIM_RESOURCES.dueQueue,
      random: random.fork('due-queue'),
      visibilityTimeoutMs: DUE_VISIBILITY_SECONDS * 1000,
      consume: (event) => timerDue(event),
    });
    const sqs = new SimSqs([this.intake, due], NO_LATENCY);
    this.stream = new SimStream({
      name: SIM_RESOURCES.agentEventStream,
      arn: config.agentEventStream?.streamArn,
      clock,
      maxRetryAttempts: 5,
      consume: (event) => agentEvents(event),
    });

    // One App per function, as deployed (lambda/app/compose.ts).
    const wiring = simWiring({
      config,
      dynamo,
      connect: this.connect,
      scheduler: this.scheduler,
      sqs,
      due,
      clock,
      random,
      deadLetters: {
        keep: async (letter: DeadLetter) => {
          this.deadLetters.push(letter);
        },
      },
      log: (fn) => this.log(fn),
      users: localUsers(),
    });
    const { contactEvents, agentEvents, timerDue, timerFired, sweep } = composeFunctions(wiring);
    this.handlers = { api: composeApiHandler(wiring), timerFired, sweep };
  }

  /** Starts DynamoDB, the clock and the floor. */
  static async start(options: LocalWorldOptions = {}): Promise<LocalWorld> {
    const realTime = new RealTimeClock({
      ...(options.tickMs === undefined ? {} : { tickMs: options.tickMs }),
    });
    const dynamo = await startDynamo({ clock: realTime.clock, retryRandom: new Random(options.seed ?? 1) });
    // R20: the policy store's transactions, which dynalite lacks, are carried out by sim/dynamo.ts
    // (all or nothing), as in the simulator.
    const world = new LocalWorld(dynamo, realTime, options);
    realTime.start();
    world.open();
    return world;
  }

  /** The HTTP API: the real handler, run as a task on the clock. */
  api(event: ApiEvent): Promise<ApiResult> {
    return this.realTime.run(`api ${event.routeKey}`, () => this.handlers.api(event));
  }

  /** The agent (or supervisor) with this Connect user id. */
  agentById(agentId: string): LocalAgent | undefined {
    return AGENTS.find((agent) => agent.id === agentId);
  }

  /** An agent's status in the simulated Connect now. */
  statusOf(agentId: string): AgentStatusView {
    return this.statusView(this.connect.statusOf(agentId));
  }

  /**
   * What a desktop opening now learns at once: the agent's status, and the contacts still in
   * Connect's own After Contact Work (as `acw-started`, so a reloaded widget knows their queue).
   */
  desktopNow(agentId: string): DesktopEvent[] {
    return [{ type: 'status-changed', data: this.statusOf(agentId) }, ...this.acwOf(agentId).values()];
  }

  private acwOf(agentId: string): Map<string, DesktopEvent & { type: 'acw-started' }> {
    let contacts = this.inAcw.get(agentId);
    if (contacts === undefined) {
      contacts = new Map();
      this.inAcw.set(agentId, contacts);
    }
    return contacts;
  }

  /** Listens to an agent's desktop events; returns the function that stops listening. */
  subscribe(agentId: string, listener: (event: DesktopEvent) => void): () => void {
    let set = this.listeners.get(agentId);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(agentId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /**
   * The agent chooses a status in Connect (their desktop's status menu): their status now, told
   * to the agent event stream like any other change (R8: a choice during wrap-up ends it).
   */
  chooseStatus(agentId: string, status: string): Promise<void> {
    return this.realTime.run(`${agentId} chooses ${status}`, async () => {
      this.connect.agentChoseStatus(agentId, status);
      this.statusChanged(agentId, status, 'agent');
    });
  }

  /** Stops the floor, the clock and DynamoDB. Tasks parked on the clock are dropped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.realTime.stop();
    await this.dynamo.close();
  }

  /** Everyone logs in Available; first contacts and the sweep are queued. */
  private open(): void {
    const start = this.realTime.nowMs();
    for (const agent of AGENTS) this.statusChanged(agent.id, ROUTABLE, 'agent');
    const bots = AGENTS.filter((agent) => !agent.human);
    const [first, last] = this.timing.firstContacts;
    bots.forEach((agent, index) => {
      const offset = bots.length > 1 ? first + ((last - first) * index) / (bots.length - 1) : first;
      this.planContact(agent, start + offset * 1000);
    });
    for (const agent of AGENTS.filter((candidate) => candidate.human)) {
      this.planContact(agent, start + this.timing.humanFirstContact * 1000);
    }
    this.planSweep(start + SWEEP_EVERY_MS);
  }

  private planSweep(at: number): void {
    this.realTime.schedule(at, 'sweep', async () => {
      if (this.closed) return;
      this.planSweep(at + SWEEP_EVERY_MS);
      try {
        await this.handlers.sweep();
      } catch (error) {
        // The next minute's sweep tries again, as the deployed schedule would.
        this.log('sweep').error('Invocation failed', { error: describe(error) });
      }
    });
  }

  /** The agent's next contact at `at`, if they are Available and free then; else a little later. */
  private planContact(agent: LocalAgent, at: number): void {
    this.realTime.schedule(at, `${agent.name} contact`, async () => {
      if (this.closed) return;
      const now = this.realTime.clock.nowMs();
      const status = this.connect.statusOf(agent.id);
      if (status !== ROUTABLE || this.connect.contactsOf(agent.id).length > 0) {
        this.awaitingRoutable.add(agent.id);
        if (status === ROUTABLE) this.planContact(agent, now + RETRY_CONTACT_MS);
        return;
      }
      await this.startContact(agent, now);
    });
  }

  private async startContact(agent: LocalAgent, now: number): Promise<void> {
    const contactId = randomUUID();
    const talkMs = this.draw(this.timing.talk) * 1000;
    const base = {
      instanceArn: LOCAL_INSTANCE_ARN,
      contactId,
      channel: agent.channel,
      initiatedAt: now - 20_000,
      queueId: agent.queue.id,
      enqueuedAt: now - 15_000,
      agentId: agent.id,
      connectedToAgentAt: now,
      agentGroupIds: agentGroupIdsOf(agent),
    };
    this.connect.contactStarted(agent.id, {
      contactId,
      channel: agent.channel,
      initiationMethod: 'INBOUND',
      since: now,
    });
    this.floor(
      agent,
      `contact ${short(contactId)} connected (${agent.queue.name}, ${agent.channel.toLowerCase()})`,
    );
    this.deliverContactEvent(contactEvent({ ...base, eventType: 'CONNECTED_TO_AGENT', time: now }));
    this.realTime.schedule(now + talkMs, `${agent.name} hangs up`, () => {
      const end = this.realTime.clock.nowMs();
      this.connect.contactEnded(agent.id, contactId);
      this.awaitingRoutable.add(agent.id);
      this.floor(agent, `contact ${short(contactId)} ended: after contact work`);
      this.deliverContactEvent(contactEvent({ ...base, eventType: 'DISCONNECTED', disconnectedAt: end }));
      const started = {
        type: 'acw-started',
        data: { contactId, queueId: agent.queue.id, queueName: agent.queue.name },
      } as const;
      this.acwOf(agent.id).set(contactId, started);
      this.tell(agent.id, started);
      this.realTime.schedule(end + this.timing.connectAcw * 1000, `${agent.name} contact cleared`, () => {
        this.acwOf(agent.id).delete(contactId);
        this.tell(agent.id, { type: 'contact-cleared', data: { contactId } });
      });
      if (!agent.human && this.timing.botsAct) this.planWrapUp(agent, contactId, end);
    });
  }

  /** EventBridge → the intake queue, a moment after it happened. */
  private deliverContactEvent(event: Record<string, unknown>): void {
    this.intake.deliverAt(this.realTime.clock.nowMs() + this.timing.eventDelayMs, JSON.stringify(event));
  }

  /**
   * What a simulated agent does in wrap-up, through the API as the widget would: general (timed)
   * agents press All Done early, or extend first, or let the timer end it; forced ones note a
   * disposition; untimed ones choose a disposition and press All Done.
   */
  private planWrapUp(agent: LocalAgent, contactId: string, from: number): void {
    const mode = this.config.policies.queues[agent.queue.id]?.mode ?? this.config.policies.default.mode;
    const disposition = this.random.pick(this.config.policies.default.dispositionCodes).code;
    const at = (range: readonly [number, number]) => from + this.draw(range) * 1000;
    const act = (when: number, what: string, body?: Record<string, string>) =>
      this.realTime.schedule(when, `${agent.name} ${what}`, () => this.botCall(agent, contactId, what, body));
    if (mode === 'forced') {
      act(at([5, 15]), 'update', { disposition });
    } else if (mode === 'untimed') {
      act(at([15, 45]), 'done', { disposition });
    } else {
      const choice = this.random.float();
      if (choice < 0.4) act(at([8, 30]), 'done', { disposition });
      else if (choice < 0.7) {
        act(at([30, 40]), 'extend');
        act(at([50, 65]), 'done', { disposition });
      }
      // Otherwise the timer ends it.
    }
  }

  private async botCall(
    agent: LocalAgent,
    contactId: string,
    what: string,
    body?: Record<string, string>,
  ): Promise<void> {
    const method = what === 'update' ? 'PUT' : 'POST';
    const suffix = what === 'update' ? '' : `/${what}`;
    const words = what === 'done' ? 'All Done' : what === 'extend' ? 'Extend' : 'disposition';
    const detail = body?.disposition === undefined ? '' : ` (${body.disposition})`;
    this.floor(agent, `${words}${detail}`);
    const result = await this.handlers.api(
      apiEvent({
        method,
        routePath: `/v1/me/wrap-ups/{contactId}${suffix}`,
        path: `/v1/me/wrap-ups/${contactId}${suffix}`,
        pathParameters: { contactId },
        claims: { username: agent.login },
        body: body === undefined ? undefined : JSON.stringify(body),
        now: this.realTime.clock.nowMs(),
      }),
    );
    if (result.statusCode !== 200) {
      this.floor(agent, `${words} refused: ${result.statusCode} ${result.body ?? ''}`);
    }
  }

  /**
   * A status change in Connect: the agent's desktop hears it, the agent event stream reports it,
   * and an agent waiting to be Available gets their next contact after a pause.
   */
  private statusChanged(agentId: string, status: string, by: 'system' | 'agent'): void {
    const agent = this.agentById(agentId);
    const previous = this.lastStatus.get(agentId);
    this.lastStatus.set(agentId, status);
    const now = this.realTime.clock.nowMs();
    this.stream.putAt(
      now + this.timing.streamDelayMs,
      JSON.stringify(
        agentEvent({
          instanceArn: LOCAL_INSTANCE_ARN,
          agentId,
          at: now,
          status,
          since: now,
          ...(previous === undefined ? {} : { previousStatus: previous }),
          eventType: previous === undefined ? 'LOGIN' : 'STATE_CHANGE',
        }),
      ),
      `${LOCAL_INSTANCE_ARN}/agent/${agentId}`,
    );
    this.tell(agentId, { type: 'status-changed', data: this.statusView(status) });
    if (agent === undefined) return;
    if (previous !== undefined)
      this.floor(agent, `${status}${by === 'system' ? ' (set by connect-acw)' : ''}`);
    if (status === ROUTABLE && this.awaitingRoutable.delete(agentId)) {
      const idle = agent.human ? this.timing.humanIdle : this.timing.idle;
      this.planContact(agent, now + this.draw(idle) * 1000);
    }
  }

  private statusView(name: string): AgentStatusView {
    const kind = classifyStatus(
      { name },
      { wrapUp: this.config.wrapUpStatus, routable: this.config.routableStatus },
    );
    return { name, type: kind === 'ROUTABLE' ? 'routable' : kind === 'OFFLINE' ? 'offline' : 'not_routable' };
  }

  private tell(agentId: string, event: DesktopEvent): void {
    for (const listener of [...(this.listeners.get(agentId) ?? [])]) {
      try {
        listener(event);
      } catch (error) {
        this.log('local-server').error('Desktop listener failed', { error: describe(error) });
      }
    }
  }

  /** Scheduler's target, invoked asynchronously: a failure is retried twice, a minute apart. */
  private async invokeTimerFired(input: unknown, attempt: number): Promise<void> {
    try {
      await this.handlers.timerFired(input);
    } catch (error) {
      this.log('timer-fired').error('Invocation failed', { error: describe(error), attempt });
      if (attempt < ASYNC_ATTEMPTS && !this.closed) {
        this.realTime.schedule(this.realTime.clock.nowMs() + ASYNC_RETRY_MS, 'timer-fired retry', () =>
          this.invokeTimerFired(input, attempt + 1),
        );
      }
    }
  }

  private draw([min, max]: readonly [number, number]): number {
    return min + (max - min) * this.random.float();
  }

  private floor(agent: LocalAgent, text: string): void {
    this.options.onFloor?.({ at: this.realTime.clock.nowMs(), agent: agent.name, text });
  }

  private log(fn: HandlerLogLine['fn']): Log {
    const sink =
      this.options.onHandlerLog ??
      ((line: HandlerLogLine) => {
        if (line.level === 'info') return;
        process.stderr.write(
          `${JSON.stringify({ time: new Date(line.at).toISOString(), level: line.level, function: line.fn, message: line.message, ...line.fields })}\n`,
        );
      });
    const write =
      (level: HandlerLogLine['level']) =>
      (message: string, fields: Record<string, unknown> = {}): void =>
        sink({ at: this.realTime.clock.nowMs(), level, fn, message, fields });
    return { info: write('info'), warn: write('warn'), error: write('error') };
  }
}

/** The Connect logins of the local instance: every agent and the supervisor. */
function localUsers(): ConnectUsers {
  const ids = new Map<string, string>([
    ...AGENTS.map((agent): [string, string] => [agent.login, agent.id]),
    [SUPERVISOR.login, SUPERVISOR.id],
  ]);
  return {
    async userIdOf(username: string): Promise<string> {
      const id = ids.get(username.toLowerCase());
      if (id === undefined) throw new UnknownConnectUser(lastArnSegment(LOCAL_INSTANCE_ARN), username);
      return id;
    },
  };
}

/** What an API Gateway v2 event is built from. */
export interface ApiEventSpec {
  readonly method: string;
  /** The route's path template, e.g. `/v1/me/wrap-ups/{contactId}/done`. */
  readonly routePath: string;
  readonly path: string;
  readonly pathParameters?: Record<string, string>;
  readonly queryString?: string;
  readonly headers?: Record<string, string>;
  /** The JWT authorizer's claims (strings, arrays flattened as API Gateway does). */
  readonly claims: Record<string, string>;
  readonly body?: string | undefined;
  readonly now: number;
  readonly sourceIp?: string;
}

/** An API Gateway HTTP API event (payload 2.0) with a JWT authorizer's claims. */
export function apiEvent(spec: ApiEventSpec): ApiEvent {
  const query = new URLSearchParams(spec.queryString ?? '');
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of query) {
    // API Gateway joins repeated parameters with commas.
    queryStringParameters[key] =
      queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }
  const routeKey = `${spec.method} ${spec.routePath}`;
  const requestId = randomUUID();
  return {
    version: '2.0',
    routeKey,
    rawPath: spec.path,
    rawQueryString: spec.queryString ?? '',
    headers: spec.headers ?? {},
    ...(Object.keys(queryStringParameters).length === 0 ? {} : { queryStringParameters }),
    ...(spec.pathParameters === undefined ? {} : { pathParameters: spec.pathParameters }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: spec.claims, scopes: [] } },
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: spec.method,
        path: spec.path,
        protocol: 'HTTP/1.1',
        sourceIp: spec.sourceIp ?? '127.0.0.1',
        userAgent: spec.headers?.['user-agent'] ?? 'connect-acw-local',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: new Date(spec.now).toUTCString(),
      timeEpoch: spec.now,
    },
    ...(spec.body === undefined ? {} : { body: spec.body }),
    isBase64Encoded: false,
  };
}

function short(contactId: string): string {
  return contactId.slice(0, 8);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
