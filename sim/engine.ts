/**
 * The simulator: runs a scenario through the real handlers, core and adapters, with a real
 * DynamoDB API in-process (dynalite) and simulated Connect, Scheduler, SQS and Kinesis (the agent
 * event stream) on a virtual clock.
 *
 * 1. Validate the scenario (errors name the field).
 * 2. Start dynalite and build one App per Lambda function, as deployed: each has its own adapters
 *    (so its own status-id cache); only the intake, agent-event and API functions arm (and
 *    cancel) schedules. The agent event stream is configured unless `options.agentEventStream`
 *    is false; records a handler refuses as malformed (R16) are kept by the simulator's
 *    dead-letter sink and listed in `errors`.
 * 3. Queue every step at its time, and the sweep every minute from the first step to `until`
 *    (the deployed EventBridge schedule); run the event queue until `until` (nothing due later
 *    runs). Contact and agent events change the world's truth (the agents' contacts and statuses)
 *    at their step time and reach their function then, or later under the `reorderWindowSeconds`
 *    fault. Agent actions call the actions core with the API function's App; contact-flow events
 *    invoke the flow Lambda; admin actions change the run-time policies in the table (R20), which
 *    the functions read through their live policies.
 * 4. Read the sessions back from the table and report them with the statuses the system set, the
 *    refusals, each agent's final status, and who is stuck (R15).
 */
import { DynamoPolicyStore } from '../lambda/adapters/dynamo-policy-store';
import { composeApp, type FunctionName } from '../lambda/app/compose';
import { composeFunctions } from '../lambda/app/functions';
import {
  ActionRefused,
  type ActionRequest,
  extendWrapUp,
  finishWrapUp,
  openWrapUpsOf,
  type RefusalCode,
  SessionNotFound,
  UnknownStatus,
  updateWrapUp,
} from '../lambda/core/actions';
import { lastArnSegment } from '../lambda/core/contact';
import type { DeadLetter as RefusedRecord } from '../lambda/core/dead-letter-port';
import { applyPolicyChange } from '../lambda/core/policy-change';
import { PolicyChangeInvalid, PolicyDocumentTooLarge } from '../lambda/core/policy-overrides';
import type { Deps, Log, PolicyHistoryRecord } from '../lambda/core/ports';
import type { Actor, Session } from '../lambda/core/session';
import { SWEEP_MARGIN_MS } from '../lambda/core/sweep';
import { DUE_VISIBILITY_SECONDS, INTAKE_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT } from '../lib/queue-settings';
import { type HandlerLogLine, SIM_RESOURCES, simWiring } from './apps';
import { VirtualClock } from './clock';
import { type ConnectFaultCounts, SimConnect, type StatusChange, type StatusSet } from './connect';
import { agentEvent as agentEventRecord } from './contact-events';
import { type DynamoCounts, type SimDynamo, startDynamo } from './dynamo';
import { ApiQuotas, type Chance, type Faults, strikes } from './faults';
import { SimStream } from './kinesis';
import { CallLatency, NO_LATENCY } from './latency';
import { Random } from './random';
import {
  type AdminAction,
  type AgentAction,
  parseScenario,
  type Scenario,
  type Step,
  type StepKind,
} from './scenario';
import { type ScheduleFire, SimScheduler } from './scheduler';
import { type DeadLetter, SimQueue, SimSqs } from './sqs';

/** The Lambda functions of the stack. */
export type { FunctionName } from '../lambda/app/compose';

/**
 * What an invocation is counted as: its function, and for the wrap-up worker (one function, two
 * queues) the queue's handler that ran, `contact-events` or `timer-due`.
 */
export const HANDLER_NAMES = [
  'contact-events',
  'agent-events',
  'timer-fired',
  'timer-due',
  'sweep',
  'api',
  'contact-flow',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** The deployed function a handler runs in. */
export function functionOf(handler: HandlerName): FunctionName {
  return handler === 'contact-events' || handler === 'timer-due' ? 'worker' : handler;
}

/** The actor of an agent action with `as: "supervisor"`. */
export const SIM_SUPERVISOR: Actor = 'supervisor:sim-supervisor';

/** R20: who makes a scenario's admin actions (the audit records' `by`). */
export const SIM_ADMIN = 'simulator';

/** How the simulated services behave; the defaults are the documented AWS behaviour. */
export interface SimulationOptions {
  /** Write no log lines at all (bench, tests). */
  readonly quiet?: boolean;
  /** Where log lines go unless quiet (default: stderr). Never stdout: that is the result's. */
  readonly logStream?: { write(text: string): unknown };
  /**
   * Make every simulated AWS call take a typical in-Region time (see latency.ts). Off by default,
   * so a scenario's times are exactly the ones it gives; the demo and the bench turn it on.
   */
  readonly callLatency?: boolean;
  /**
   * Probability that Scheduler delivers a firing twice (default: the scenario's
   * `faults.duplicateRate` if it sets one, else 0.1: Scheduler is at least once).
   */
  readonly duplicateFireProbability?: number;
  /**
   * R8, R11: whether the account has the agent event stream configured (`acw.agentEventStream`).
   * With it (the default), agent events reach the agent-event function and status checks read its
   * reports. Without it (the deployed default configuration), Connect writes no stream: agent
   * events still change the agent's status in Connect, but no function sees them, and the
   * handlers read the agent's status with GetCurrentUserData before each restore.
   * @default true
   */
  readonly agentEventStream?: boolean;
  /**
   * R15: how many instances of the wrap-up worker run, each with its own App and so its own
   * PutUserStatus line, the invocations handed to them in turn (as Lambda runs one instance per
   * concurrent invocation). One is the best case: one line.
   * @default 1
   */
  readonly workerInstances?: number;
  /**
   * R8, R11: with the agent event stream, also the records Connect writes that repeat the agent's
   * status unchanged: a STATE_CHANGE when one of their contacts reaches them or ends (a change of
   * the contact's state), and a HEART_BEAT every 120 s without another record. Off by default, so a
   * scenario's deliveries are exactly the ones it gives; the bench turns it on.
   * @default false
   */
  readonly agentStreamRepeats?: boolean;
}

/** Connect's agent event stream: a heartbeat when no other record of the agent came for this long. */
export const AGENT_HEARTBEAT_MS = 120_000;

/** One log line of a handler, at the virtual time it was written. */
export type LogLine = HandlerLogLine;

/** One invocation of a function: what it was given and what it logged. */
export interface Invocation {
  readonly fn: HandlerName;
  /** When it started. */
  readonly at: number;
  /** When it returned (later than `at` when it slept). */
  endedAt: number;
  /** SQS receive count, or the asynchronous invocation attempt (1-3). */
  readonly attempt: number;
  readonly input: unknown;
  /** The scenario step that caused it, for a contact or agent event. */
  readonly stepIndex?: number | undefined;
  /** Set when it was a Scheduler firing. */
  readonly fire?: ScheduleFire | undefined;
  /** Set for an agent action (the `api` function): what was asked and what came of it. */
  agentAction?: AgentActionRecord;
  /** The flow Lambda's answer to a contact flow (the `contact-flow` function). */
  flowResponse?: Record<string, string>;
  readonly logs: LogLine[];
  /** Statuses it set, when each took effect. */
  readonly statusChanges: StatusChange[];
  /** It threw, or reported its record failed. */
  failed: boolean;
  error?: string;
}

/** A timer-fired invocation that failed all three asynchronous attempts (Lambda's on-failure destination). */
export interface AsyncFailure {
  readonly fn: HandlerName;
  readonly input: unknown;
  readonly at: number;
  readonly error: string;
}

/** An agent action the simulated API carried out or refused. */
export interface AgentActionRecord {
  readonly action: AgentAction['action'];
  readonly agentId: string;
  readonly by: Actor;
  /** The contact it acted on; undefined when the agent had no open wrap-up. */
  readonly contactId?: string | undefined;
  /** What the action carried. */
  readonly disposition?: string | undefined;
  readonly notes?: string | undefined;
  /** R19: the status chosen to land in after wrap-up (`null`: the routable status). */
  readonly nextStatus?: string | null | undefined;
  /** The session after the action (undefined when refused or failed). */
  readonly after?: Session | undefined;
  /** Why it was refused (or failed). */
  readonly code?: ErrorCode | undefined;
}

/** Why an action or a contact-flow invocation did not do what it was asked. */
export type ErrorCode =
  | RefusalCode
  | 'SESSION_NOT_FOUND'
  | 'NO_OPEN_SESSION'
  | 'BAD_FLOW_PARAMETERS'
  /** R19: an `update`'s `nextStatus` is not a status of the instance an agent may choose; nothing changed. */
  | 'UNKNOWN_STATUS'
  /** R16: a handler refused a malformed record (a step's contact or agent event) and kept it. */
  | 'MALFORMED_EVENT'
  /**
   * R20: an admin action's policy change refused by the deploy-time schema; the code names the
   * (first) field refused, as the `acw` configuration's messages do:
   * `INVALID_POLICY:acw.policies.queues["q-1"].durationSeconds`. Nothing changed.
   */
  | `INVALID_POLICY:${string}`
  /** R20: an admin action refused for a reason no field carries (none today: the scenario's shape is checked first). */
  | 'INVALID_POLICY'
  /** R20: an admin action would make the overrides larger than one DynamoDB item holds. */
  | 'POLICY_DOCUMENT_TOO_LARGE'
  /** Not a refusal: the action or the flow Lambda threw (an AWS call failed); see the logs. */
  | 'INVOCATION_FAILED';

/** A refusal (action, flow invocation or malformed event), in the output. */
export interface ErrorOutput {
  readonly at: string;
  readonly agentId: string | null;
  readonly contactId: string | null;
  readonly code: ErrorCode;
}

/** A session as the simulator reports it. */
export interface SessionOutput {
  readonly agentId: string;
  readonly contactId: string;
  readonly channel: string;
  readonly queueId: string | null;
  readonly state: string;
  readonly startedAt: string;
  readonly deadline: string | null;
  readonly endedAt: string | null;
  readonly endReason: string | null;
  readonly systemWrapUp: boolean | null;
  readonly extensionsUsed: number;
  /** The policy's mode (R3): timed, untimed or forced. */
  readonly mode: string;
  readonly disposition: string | null;
  readonly notes: string | null;
  /** R19: the status the agent chose to land in when the wrap-up ends; null when none was chosen. */
  readonly nextStatus: string | null;
}

/** A status the system set, when it took effect. */
export interface StatusChangeOutput {
  readonly at: string;
  readonly agentId: string;
  readonly status: string;
}

/** An agent's status at `until`. */
export interface AgentOutput {
  readonly agentId: string;
  readonly status: string;
}

/** Why an agent is stuck (R15). */
export type StuckReason = 'WRAP_UP_STATUS_WITH_NOTHING_OPEN' | 'OVERDUE_SESSION';

/** An agent stuck at `until` (R15): in the output, it must never happen. */
export interface StuckOutput {
  readonly agentId: string;
  readonly reason: StuckReason;
  /** The overdue session's contact; null for WRAP_UP_STATUS_WITH_NOTHING_OPEN. */
  readonly contactId: string | null;
  /** The agent's status at `until`. */
  readonly status: string;
}

/** What `npm run simulate` prints. */
export interface SimulationResult {
  readonly sessions: SessionOutput[];
  readonly statusChanges: StatusChangeOutput[];
  /** Refused actions, flow errors and malformed events, by time (ties in the order they happened). */
  readonly errors: ErrorOutput[];
  /** Every agent's status at `until`, by agentId. */
  readonly agents: AgentOutput[];
  /** R15: who is stuck at `until`, by agentId; empty in a healthy run. */
  readonly stuck: StuckOutput[];
}

/** What the scenario's faults did (all 0 without faults). */
export interface FaultStats {
  /** Connect calls throttled at random (`connectThrottleRate`). */
  readonly connectThrottled: number;
  /** Connect calls refused by their API's quota (`connectRatePerSecond`), all APIs together... */
  readonly connectOverQuota: number;
  /** ...and by API (operation name, `PutUserStatus`). */
  readonly connectOverQuotaByApi: Readonly<Record<string, number>>;
  /** DynamoDB attempts failed (`dynamoErrorRate`), and the SDK retries they caused. */
  readonly dynamoErrors: number;
  readonly dynamoRetries: number;
  /** Timers lost (`lostTimerRate`): schedules and due-queue messages. */
  readonly lostSchedules: number;
  readonly lostDueMessages: number;
  /** Second deliveries (`duplicateRate`): contact events, agent events, due-queue messages. */
  readonly duplicateContactEvents: number;
  readonly duplicateAgentEvents: number;
  readonly duplicateDueMessages: number;
  /** Contact and agent events delivered later than their step (`reorderWindowSeconds`). */
  readonly delayedEvents: number;
}

/** Counters for the bench. */
export interface SimulationStats {
  readonly steps: number;
  readonly invocations: Record<HandlerName, number>;
  readonly connectCalls: Readonly<Record<string, number>>;
  readonly dynamo: DynamoCounts;
  readonly schedulerCalls: Readonly<Record<string, number>>;
  readonly schedulesCreated: number;
  readonly scheduleFires: number;
  readonly duplicateFires: number;
  readonly sqsCalls: Readonly<Record<string, number>>;
  /** Messages consumed from each queue (and records from the stream), redeliveries included. */
  readonly deliveries: { readonly contactEvents: number; readonly due: number; readonly agentEvents: number };
  readonly faults: FaultStats;
}

/** Everything a run produced: the result plus what the demo and the bench read. */
export interface SimulationRun {
  readonly scenario: Scenario;
  readonly result: SimulationResult;
  /** The table's sessions, every field (policySource, history, ...). */
  readonly storedSessions: readonly Session[];
  readonly invocations: readonly Invocation[];
  /** Records refused as malformed (kept at once), then those that failed every retry. */
  readonly deadLetters: readonly DeadLetter[];
  readonly asyncFailures: readonly AsyncFailure[];
  /** The contact attributes written to each contact (R17: the wrap-up record), by contact id. */
  readonly contactAttributes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** R20: the policies' audited history at the end (admin actions accepted), newest first. */
  readonly policyHistory: readonly PolicyHistoryRecord[];
  readonly stats: SimulationStats;
}

export { SIM_RESOURCES } from './apps';

/** SQS redrive and Lambda retry settings, as the stack sets them (lib/queue-settings.ts). */
const INTAKE_VISIBILITY_MS = INTAKE_VISIBILITY_SECONDS * 1000;
const DUE_VISIBILITY_MS = DUE_VISIBILITY_SECONDS * 1000;
const SQS_MAX_LATENCY_MS = 300;
/** Lambda retries a failed asynchronous invocation twice. */
const ASYNC_ATTEMPTS = 3;
const ASYNC_RETRY_MS = 60_000;
const DEFAULT_DUPLICATE_FIRE_PROBABILITY = 0.1;
/** The agent event stream's event source mapping: retries of a failed record before its on-failure destination. */
const AGENT_EVENT_RETRY_ATTEMPTS = 5;
/** The sweep's EventBridge schedule: rate(1 minute). */
const SWEEP_EVERY_MS = 60_000;
/** A second delivery (duplicateRate) comes this long after the first, in ms. */
const DUPLICATE_DELAY_MS: readonly [number, number] = [1_000, 10_000];

/** Runs a scenario and returns what `npm run simulate` prints. */
export async function runScenario(
  input: unknown,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  return (await runSimulation(input, options)).result;
}

/**
 * Runs a scenario and returns everything it produced.
 * @throws ScenarioError when the scenario is invalid (nothing is started then).
 */
export async function runSimulation(input: unknown, options: SimulationOptions = {}): Promise<SimulationRun> {
  const scenario = parseScenario(input);
  const clock = new VirtualClock(scenario.steps[0]?.at ?? scenario.until);
  const random = new Random(scenario.seed);
  const errorRate = scenario.faults.dynamoErrorRate;
  const dynamo = await startDynamo({
    clock,
    retryRandom: random.fork('dynamodb-sdk-retry'),
    errors:
      errorRate === undefined ? undefined : { rate: errorRate, random: random.fork('fault:dynamodb-errors') },
  });
  try {
    const world = new World(scenario, clock, random, dynamo, options);
    for (const step of scenario.steps) {
      clock.schedule(step.at, `step ${step.index}`, () => runStep(world, step));
    }
    // The deployed sweep runs every minute whatever happens; the run covers the first step to until.
    for (let at = clock.nowMs(); at <= scenario.until; at += SWEEP_EVERY_MS) {
      clock.schedule(at, 'sweep', () => world.sweep());
    }
    if (options.agentStreamRepeats === true && options.agentEventStream !== false) {
      // Checked every 10 s: each agent's heartbeat comes 120-130 s after their last record.
      for (let at = clock.nowMs(); at <= scenario.until; at += 10_000) {
        clock.schedule(at, 'agent heartbeats', async () => world.heartbeats());
      }
    }
    await clock.runUntil(scenario.until);
    const storedSessions = await dynamo.scanSessions();
    const policyHistory = await dynamo.policyHistory();
    const agents = world.agentsAtEnd(storedSessions);
    return {
      scenario,
      result: {
        sessions: storedSessions.map(sessionOutput).sort(bySessionOrder),
        statusChanges: [...world.connect.statusChanges]
          .sort((a, b) => a.at - b.at)
          .map((change) => ({ at: iso(change.at), agentId: change.agentId, status: change.status })),
        // Array#sort is stable: errors at the same time keep the order they happened in.
        errors: [...world.errors]
          .sort((a, b) => a.at - b.at)
          .map((error) => ({ ...error, at: iso(error.at) })),
        agents,
        stuck: world.stuckAt(scenario.until, storedSessions, agents),
      },
      storedSessions,
      invocations: world.invocations,
      deadLetters: [
        ...world.refused,
        ...world.intake.deadLetters,
        ...world.due.deadLetters,
        ...world.stream.deadLetters,
      ],
      asyncFailures: world.asyncFailures,
      contactAttributes: world.connect.contactAttributes,
      policyHistory,
      stats: world.stats(scenario),
    };
  } finally {
    await dynamo.close();
  }
}

/** What a step of each kind does at its time. Adding a step kind means adding its runner here. */
const STEP_RUNNERS: { [K in StepKind]: (world: World, step: Extract<Step, { kind: K }>) => Promise<void> } = {
  /** Connect → EventBridge → the intake queue: delivered at the step's time (faults: later, twice). */
  contactEvent: (world, step) => world.contactEvent(step.payload, step.index),
  /** Connect → the agent event stream (Kinesis) → its consumer: at the step's time (faults: later, twice). */
  agentEvent: (world, step) => world.agentEvent(step.payload, step.index),
  /** The agent desktop (or a supervisor) → the HTTP API → the actions core. */
  agentAction: (world, step) => world.agentAction(step.payload, step.index),
  /** A contact flow's "Invoke AWS Lambda function" block → the flow Lambda, synchronously. */
  contactFlowEvent: (world, step) => world.contactFlowEvent(step.payload, step.index),
  /** An administrator (the admin API) → the policy store; the functions read it within a minute (R20). */
  adminAction: (world, step) => world.adminAction(step.payload, step.index),
};

function runStep(world: World, step: Step): Promise<void> {
  const runner = STEP_RUNNERS[step.kind] as (world: World, step: Step) => Promise<void>;
  return runner(world, step);
}

/** The simulated account: services, functions, and the trace of what ran. */
class World {
  readonly clock: VirtualClock;
  readonly connect: SimConnect;
  readonly scheduler: SimScheduler;
  readonly sqs: SimSqs;
  readonly intake: SimQueue;
  readonly due: SimQueue;
  readonly stream: SimStream;
  readonly invocations: Invocation[] = [];
  readonly asyncFailures: AsyncFailure[] = [];
  /** Refusals (actions, flow errors, malformed events), `at` in epoch ms, in the order they happened. */
  readonly errors: Array<Omit<ErrorOutput, 'at'> & { at: number }> = [];
  /** Records a handler refused as malformed and kept (R16), in the order they were kept. */
  readonly refused: DeadLetter[] = [];
  /** The API function's dependencies: agent actions call the core with them. */
  private readonly apiDeps: Deps;
  /** R20: the run-time policy overrides in the simulated table, as the admin API changes them. */
  private readonly policyStore: DynamoPolicyStore;
  private readonly handlers: ReturnType<typeof composeFunctions>;

  /** R8, R11: the agent event stream is configured (`SimulationOptions.agentEventStream`). */
  private readonly agentEventStream: boolean;
  /** `SimulationOptions.agentStreamRepeats`. */
  private readonly agentStreamRepeats: boolean;
  /** When the run began: the start of the status of an agent the run never saw change. */
  private readonly startedAtMs: number;
  /** `agentStreamRepeats`: when each agent's last record was put on the stream, and their instance. */
  private readonly lastStreamRecord = new Map<
    string,
    { readonly at: number; readonly instanceArn: string }
  >();
  /** With call latencies on: how late the stream reports a status the system set (0.3-1.5 s). */
  private readonly reportLag: Random | undefined;
  /** Agents the scenario's events named (contact events' agentInfo, agent events' AgentARN). */
  private readonly namedAgents = new Set<string>();
  /** How events are delivered under `reorderWindowSeconds` and `duplicateRate`. */
  private readonly delivery: {
    readonly reorder?: { readonly windowMs: number; readonly random: Random };
    readonly duplicate?: Chance;
  };
  private readonly eventFaults = { duplicateContactEvents: 0, duplicateAgentEvents: 0, delayedEvents: 0 };

  constructor(
    private readonly scenario: Scenario,
    clock: VirtualClock,
    random: Random,
    private readonly dynamo: SimDynamo,
    private readonly options: SimulationOptions,
  ) {
    this.clock = clock;
    this.agentEventStream = options.agentEventStream ?? true;
    this.agentStreamRepeats = options.agentStreamRepeats ?? false;
    this.startedAtMs = clock.nowMs();
    const config = scenario.config;
    const faults: Faults = scenario.faults;
    // Each fault draws from its own stream, so that one fault's draws never shift another's.
    const chance = (rate: number | undefined, label: string) =>
      rate === undefined ? undefined : { rate, random: random.fork(`fault:${label}`) };
    this.delivery = {
      reorder:
        faults.reorderWindowSeconds === undefined
          ? undefined
          : {
              windowMs: Math.round(faults.reorderWindowSeconds * 1000),
              random: random.fork('fault:reorder'),
            },
      duplicate: chance(faults.duplicateRate, 'duplicate-events'),
    };
    const latency = options.callLatency ? new CallLatency(this.clock, random.fork('latency')) : NO_LATENCY;
    this.reportLag = options.callLatency ? random.fork('status-report-lag') : undefined;
    if (options.callLatency) {
      dynamo.doc.middlewareStack.add((next) => (args) => latency.around('dynamodb', () => next(args)), {
        step: 'initialize',
        name: 'simulatorLatency',
      });
    }
    this.connect = new SimConnect({
      clock: this.clock,
      instanceArns: instanceArnsOf(scenario),
      agents: scenario.agents,
      wrapUpStatus: config.wrapUpStatus,
      routableStatus: config.routableStatus,
      latency,
      onStatusChange: (change, set) => {
        this.running()?.statusChanges.push(change);
        // The agent event stream reports every status change, the system's too (a hold, a
        // restore), as Connect's does: the consumer's view of the agent's status stays Connect's.
        this.reportStatusSet(change, set);
      },
      throttle: chance(faults.connectThrottleRate, 'connect-throttle'),
      quota:
        faults.connectRatePerSecond === undefined ? undefined : new ApiQuotas(faults.connectRatePerSecond),
    });
    this.scheduler = new SimScheduler({
      clock: this.clock,
      random: random.fork('scheduler'),
      groupName: SIM_RESOURCES.scheduleGroup,
      latency,
      duplicateProbability:
        options.duplicateFireProbability ?? faults.duplicateRate ?? DEFAULT_DUPLICATE_FIRE_PROBABILITY,
      invokeTarget: (input, fire) => this.invokeTimerFired(input, fire, 1),
      lost: chance(faults.lostTimerRate, 'lost-schedules'),
    });
    const queueProps = {
      clock: this.clock,
      maxLatencyMs: SQS_MAX_LATENCY_MS,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    };
    this.intake = new SimQueue({
      ...queueProps,
      visibilityTimeoutMs: INTAKE_VISIBILITY_MS,
      name: SIM_RESOURCES.contactEventsQueue,
      random: random.fork('contact-events-queue'),
      consume: (event, message) =>
        this.invokeBatch(
          'contact-events',
          event,
          message.receiveCount,
          message.origin,
          this.handlers.contactEvents,
        ),
    });
    this.due = new SimQueue({
      ...queueProps,
      visibilityTimeoutMs: DUE_VISIBILITY_MS,
      name: SIM_RESOURCES.dueQueue,
      random: random.fork('due-queue'),
      consume: (event, message) =>
        this.invokeBatch('timer-due', event, message.receiveCount, undefined, this.handlers.timerDue),
      lost: chance(faults.lostTimerRate, 'lost-due-messages'),
      duplicate: chance(faults.duplicateRate, 'duplicate-due-messages'),
    });
    this.sqs = new SimSqs([this.intake, this.due], latency);
    this.stream = new SimStream({
      name: SIM_RESOURCES.agentEventStream,
      arn: config.agentEventStream?.streamArn,
      clock: this.clock,
      maxRetryAttempts: AGENT_EVENT_RETRY_ATTEMPTS,
      consume: (event, record) =>
        this.invokeBatch('agent-events', event, record.attempts, record.origin, this.handlers.agentEvents),
    });

    // R16: what a handler refuses as malformed is kept here, and listed in the output's errors.
    const wiring = simWiring({
      config,
      dynamo,
      connect: this.connect,
      scheduler: this.scheduler,
      sqs: this.sqs,
      due: this.due,
      clock: this.clock,
      random,
      deadLetters: { keep: async (letter: RefusedRecord) => this.keepRefused(letter) },
      log: (fn) => this.log(fn),
      agentEventStream: this.agentEventStream,
    });
    // The agents' actions go through the API function's app, as the widget's calls would.
    this.apiDeps = composeApp(wiring, 'api').deps;
    this.policyStore = new DynamoPolicyStore({ client: dynamo.doc, tableName: dynamo.tableName });
    this.handlers = composeFunctions(wiring, { workerInstances: options.workerInstances ?? 1 });
  }

  /** The counters the bench reads. */
  stats(scenario: Scenario): SimulationStats {
    const invocations = Object.fromEntries(HANDLER_NAMES.map((fn) => [fn, 0])) as Record<HandlerName, number>;
    for (const invocation of this.invocations) invocations[invocation.fn]++;
    const connectFaults: ConnectFaultCounts = this.connect.faultCounts;
    return {
      steps: scenario.steps.length,
      invocations,
      connectCalls: this.connect.calls,
      dynamo: this.dynamo.counts,
      schedulerCalls: this.scheduler.calls,
      schedulesCreated: this.scheduler.created,
      scheduleFires: this.scheduler.fires.filter((fire) => !fire.duplicate).length,
      duplicateFires: this.scheduler.fires.filter((fire) => fire.duplicate).length,
      sqsCalls: this.sqs.calls,
      deliveries: {
        contactEvents: this.intake.received,
        due: this.due.received,
        agentEvents: this.stream.received,
      },
      faults: {
        connectThrottled: connectFaults.throttled,
        connectOverQuota: connectFaults.overQuota,
        connectOverQuotaByApi: { ...connectFaults.overQuotaByApi },
        dynamoErrors: this.dynamo.counts.injectedErrors,
        dynamoRetries: this.dynamo.counts.retries,
        lostSchedules: this.scheduler.lost,
        lostDueMessages: this.due.lost,
        duplicateContactEvents: this.eventFaults.duplicateContactEvents,
        duplicateAgentEvents: this.eventFaults.duplicateAgentEvents,
        duplicateDueMessages: this.due.duplicated,
        delayedEvents: this.eventFaults.delayedEvents,
      },
    };
  }

  /**
   * A contact event at its step time: the world's truth changes now (the agent's contacts in
   * progress); the intake receives it now, or later and maybe twice under the delivery faults.
   */
  async contactEvent(event: Record<string, unknown>, stepIndex: number): Promise<void> {
    this.observeContactEvent(event);
    this.repeatStatusOnContactChange(event);
    const body = JSON.stringify(event);
    const at = this.deliveryTime();
    if (this.isDuplicated()) {
      this.eventFaults.duplicateContactEvents++;
      this.intake.deliverAt(at + this.duplicateDelay(), body, stepIndex);
    }
    if (at === this.clock.nowMs()) await this.intake.deliverNow(body, stepIndex);
    else this.intake.deliverAt(at, body, stepIndex);
  }

  /**
   * An agent event at its step time: the agent's status in Connect becomes the one the record
   * reports (they chose it); the record reaches the stream's consumer now, or later and maybe
   * twice under the delivery faults. Without the agent event stream, Connect writes no record:
   * only the agent's status changes.
   */
  async agentEvent(event: Record<string, unknown>, stepIndex: number): Promise<void> {
    const agentArn = stringAt(event, ['AgentARN']);
    const agentId = agentArn === undefined ? undefined : lastArnSegment(agentArn);
    if (agentId !== undefined) {
      this.namedAgents.add(agentId);
      const status = stringAt(event, ['CurrentAgentSnapshot', 'AgentStatus', 'Name']);
      if (status !== undefined) this.connect.agentChoseStatus(agentId, status);
    }
    if (!this.agentEventStream) return;
    const instanceArn = stringAt(event, ['InstanceARN']);
    const agent = agentId === undefined || instanceArn === undefined ? undefined : { instanceArn, agentId };
    this.putOnStream(JSON.stringify(event), agentArn ?? 'unknown-agent', agent, 0, stepIndex);
  }

  /**
   * A status the system set, as the agent event stream reports it (when configured): a
   * STATE_CHANGE record, delivered like the agent's own (later, maybe twice, under the faults).
   */
  private reportStatusSet(change: StatusChange, set: StatusSet): void {
    if (!this.agentEventStream) return;
    const record = agentEventRecord({
      instanceArn: set.instanceArn,
      agentId: change.agentId,
      at: change.at,
      status: change.status,
      previousStatus: set.previous,
    });
    this.putOnStream(
      JSON.stringify(record),
      record.AgentARN as string,
      { instanceArn: set.instanceArn, agentId: change.agentId },
      this.reportLag?.int(300, 1_500) ?? 0,
    );
  }

  /**
   * `agentStreamRepeats`: a contact reaching the agent or ending is a STATE_CHANGE of the agent's
   * record in Connect's stream, their status unchanged (name and start).
   */
  private repeatStatusOnContactChange(event: Record<string, unknown>): void {
    if (!this.agentStreamRepeats || !this.agentEventStream) return;
    const type = stringAt(event, ['detail', 'eventType']);
    if (type !== 'CONNECTED_TO_AGENT' && type !== 'DISCONNECTED') return;
    const agentArn = stringAt(event, ['detail', 'agentInfo', 'agentArn']);
    const instanceArn = stringAt(event, ['detail', 'instanceArn']);
    if (agentArn === undefined || instanceArn === undefined) return;
    this.repeatStatus(instanceArn, lastArnSegment(agentArn), 'STATE_CHANGE');
  }

  /** `agentStreamRepeats`: a HEART_BEAT for each agent with no record for AGENT_HEARTBEAT_MS. */
  heartbeats(): void {
    const now = this.clock.nowMs();
    for (const [agentId, last] of this.lastStreamRecord) {
      if (now - last.at >= AGENT_HEARTBEAT_MS) this.repeatStatus(last.instanceArn, agentId, 'HEART_BEAT');
    }
  }

  private repeatStatus(instanceArn: string, agentId: string, eventType: 'STATE_CHANGE' | 'HEART_BEAT'): void {
    const now = this.clock.nowMs();
    const status = this.connect.statusOf(agentId);
    const record = agentEventRecord({
      instanceArn,
      agentId,
      at: now,
      status,
      since: this.connect.statusSinceOf(agentId) ?? this.startedAtMs,
      eventType,
      eventId: `${eventType}:${agentId}:${now}`,
    });
    this.putOnStream(JSON.stringify(record), record.AgentARN as string, { instanceArn, agentId }, 0);
  }

  /**
   * A record of `agent` (when it names one) put on the agent event stream `lagMs` after now, then
   * delivered as the faults say (later, maybe twice).
   */
  private putOnStream(
    data: string,
    partitionKey: string,
    agent: { readonly instanceArn: string; readonly agentId: string } | undefined,
    lagMs: number,
    stepIndex?: number,
  ): void {
    if (this.agentStreamRepeats && agent !== undefined) {
      this.lastStreamRecord.set(agent.agentId, { at: this.clock.nowMs(), instanceArn: agent.instanceArn });
    }
    const at = this.deliveryTime() + lagMs;
    this.stream.putAt(at, data, partitionKey, stepIndex);
    if (this.isDuplicated()) {
      this.eventFaults.duplicateAgentEvents++;
      this.stream.putAt(at + this.duplicateDelay(), data, partitionKey, stepIndex);
    }
  }

  /** The sweep (R15), as its EventBridge schedule invokes it every minute. */
  sweep(): Promise<void> {
    return this.invoke('sweep', {}, 1, {}, async (invocation) => {
      try {
        await this.handlers.sweep();
      } catch (error) {
        // The next minute's sweep tries again, as the deployed schedule would.
        this.fail(invocation, error);
      }
    });
  }

  /** Every agent's status at the end: the scenario's agents, those events named, those Connect knows. */
  agentsAtEnd(sessions: readonly Session[]): AgentOutput[] {
    const ids = new Set<string>([
      ...this.scenario.agents.map((agent) => agent.id),
      ...this.namedAgents,
      ...this.connect.agentStatus.keys(),
      ...sessions.map((session) => session.agentId),
    ]);
    return [...ids].sort(compare).map((agentId) => ({ agentId, status: this.connect.statusOf(agentId) }));
  }

  /**
   * R15 at `until`: an agent in the wrap-up status with no open session and no contact in
   * progress, or an open session more than the sweep's margin past its deadline.
   */
  stuckAt(until: number, sessions: readonly Session[], agents: readonly AgentOutput[]): StuckOutput[] {
    const stuck: StuckOutput[] = [];
    const wrapUp = this.connect.wrapUpStatusName;
    for (const { agentId, status } of agents) {
      const open = sessions.filter((session) => session.agentId === agentId && session.state === 'WRAP_UP');
      if (status === wrapUp && open.length === 0 && this.connect.contactsOf(agentId).length === 0) {
        stuck.push({ agentId, reason: 'WRAP_UP_STATUS_WITH_NOTHING_OPEN', contactId: null, status });
      }
      for (const session of [...open].sort((a, b) => compare(a.contactId, b.contactId))) {
        if (session.deadline !== undefined && until - Date.parse(session.deadline) > SWEEP_MARGIN_MS) {
          stuck.push({ agentId, reason: 'OVERDUE_SESSION', contactId: session.contactId, status });
        }
      }
    }
    return stuck;
  }

  /** R16: a record a handler refused as malformed: kept, and listed in errors at this time. */
  private async keepRefused(letter: RefusedRecord): Promise<void> {
    const at = this.clock.nowMs();
    const named = idsNamedIn(letter.body);
    this.errors.push({ at, ...named, code: 'MALFORMED_EVENT' });
    this.refused.push({
      queue: SOURCE_OF_REFUSED[letter.source],
      messageId: recordIdOf(this.running()?.input) ?? '',
      body: letter.body,
      receiveCount: this.running()?.attempt ?? 1,
      at,
      error: letter.error,
    });
  }

  /**
   * The world's truth about contacts: an agent's contact is in progress from CONNECTED_TO_AGENT
   * (or the INITIATED event of an outbound contact naming them) until its DISCONNECTED for them.
   */
  private observeContactEvent(event: Record<string, unknown>): void {
    const agentArn = stringAt(event, ['detail', 'agentInfo', 'agentArn']);
    if (agentArn === undefined) return;
    const agentId = lastArnSegment(agentArn);
    this.namedAgents.add(agentId);
    const type = stringAt(event, ['detail', 'eventType']);
    const contactId = stringAt(event, ['detail', 'contactId']);
    if (contactId === undefined) return;
    const initiationMethod = stringAt(event, ['detail', 'initiationMethod']);
    if (type === 'CONNECTED_TO_AGENT' || (type === 'INITIATED' && initiationMethod === 'OUTBOUND')) {
      const channel = stringAt(event, ['detail', 'channel']);
      this.connect.contactStarted(agentId, {
        contactId,
        channel: channel?.toUpperCase(),
        initiationMethod,
        since: this.clock.nowMs(),
      });
    } else if (type === 'DISCONNECTED') {
      this.connect.contactEnded(agentId, contactId);
    }
  }

  /** When an event happening now is delivered: now, or a random delay later (reorderWindowSeconds). */
  private deliveryTime(): number {
    const now = this.clock.nowMs();
    const reorder = this.delivery.reorder;
    if (reorder === undefined) return now;
    const delay = reorder.random.int(0, reorder.windowMs);
    if (delay > 0) this.eventFaults.delayedEvents++;
    return now + delay;
  }

  /** Whether an event is delivered twice (duplicateRate). */
  private isDuplicated(): boolean {
    const duplicate = this.delivery.duplicate;
    return strikes(duplicate);
  }

  /** How long after the first delivery the second one comes. */
  private duplicateDelay(): number {
    const random = this.delivery.duplicate?.random;
    return random === undefined ? DUPLICATE_DELAY_MS[0] : random.int(...DUPLICATE_DELAY_MS);
  }

  /**
   * An agent action through the API function: the target is the given contact's session, or the
   * agent's open one with the soonest deadline. A refusal changes nothing and is listed in errors.
   */
  agentAction(action: AgentAction, stepIndex: number): Promise<void> {
    return this.invoke('api', action, 1, { stepIndex }, (invocation) =>
      this.runAgentAction(action, invocation),
    );
  }

  private async runAgentAction(action: AgentAction, invocation: Invocation): Promise<void> {
    const at = invocation.at;
    const by: Actor = action.as === 'supervisor' ? SIM_SUPERVISOR : `agent:${action.agentId}`;
    const log = this.log('api');
    let contactId = action.contactId;
    const settle = (
      record: Omit<AgentActionRecord, 'action' | 'agentId' | 'by' | 'disposition' | 'notes' | 'nextStatus'>,
    ): void => {
      invocation.agentAction = {
        action: action.action,
        agentId: action.agentId,
        by,
        disposition: action.disposition,
        notes: action.notes,
        nextStatus: action.nextStatus,
        ...record,
      };
      if (record.code !== undefined) {
        this.errors.push({
          at,
          agentId: action.agentId,
          contactId: record.contactId ?? null,
          code: record.code,
        });
      }
    };
    try {
      // No contact named: the agent's open wrap-up with the soonest deadline (the list the
      // desktop shows, GET /v1/me/wrap-ups).
      contactId ??= (await openWrapUpsOf(this.apiDeps, action.agentId))[0]?.contactId;
      if (contactId === undefined) {
        log.info('Agent action refused', {
          action: action.action,
          agentId: action.agentId,
          by,
          code: 'NO_OPEN_SESSION',
        });
        settle({ code: 'NO_OPEN_SESSION' });
        return;
      }
      const request: ActionRequest = {
        contactId,
        agentId: action.agentId,
        by,
        disposition: action.disposition,
        notes: action.notes,
        nextStatus: action.nextStatus,
      };
      const after = await ACTIONS[action.action](this.apiDeps, request);
      log.info('Agent action', { action: action.action, contactId, agentId: action.agentId, by });
      settle({ contactId, after });
    } catch (error) {
      const code = errorCodeOf(error);
      if (code === 'INVOCATION_FAILED') this.fail(invocation, error);
      else
        log.info('Agent action refused', {
          action: action.action,
          contactId,
          agentId: action.agentId,
          by,
          code,
        });
      settle({ contactId, code });
    }
  }

  /**
   * R20: an administrator's change, as the admin API makes it: through applyPolicyChange on the
   * simulated table, on the current version, by SIM_ADMIN, the reason naming the step. The
   * functions see it through their live policies within a minute (contacts disconnecting after
   * that get it; open sessions keep the policy they started with). A refusal changes nothing and
   * is listed in errors, its code naming the field (`INVALID_POLICY:<field>`).
   */
  adminAction(action: AdminAction, stepIndex: number): Promise<void> {
    return this.invoke('api', action, 1, { stepIndex }, async (invocation) => {
      const log = this.log('api');
      const key = action.level === 'default' ? undefined : action.key;
      const target = `${action.level}${key === undefined ? '' : ` ${key}`}`;
      try {
        const { version } = await this.policyStore.read();
        const record = await applyPolicyChange(
          this.policyStore,
          this.scenario.config.policies,
          {
            level: action.level,
            key,
            policy: action.action === 'setPolicy' ? (action.policy ?? {}) : null,
            expectedVersion: version,
            by: SIM_ADMIN,
            reason: `scenario steps[${stepIndex}]: ${action.action} ${target}`,
          },
          this.clock.now(),
        );
        log.info('Policy changed', {
          action: action.action,
          level: action.level,
          key: record.key,
          version: record.version,
        });
      } catch (error) {
        const code = policyErrorCode(error);
        if (code === 'INVOCATION_FAILED') this.fail(invocation, error);
        else
          log.info('Policy change refused', {
            action: action.action,
            level: action.level,
            key,
            code,
            problems: error instanceof PolicyChangeInvalid ? error.problems : [describe(error)],
          });
        this.errors.push({ at: invocation.at, agentId: null, contactId: null, code });
      }
    });
  }

  /**
   * The flow Lambda, invoked synchronously by a contact flow. Its answer goes back to the flow
   * (not into the output); an answer with an `error` field is listed in errors.
   */
  contactFlowEvent(event: Record<string, unknown>, stepIndex: number): Promise<void> {
    const contactId = flowContactIdOf(event);
    return this.invoke('contact-flow', event, 1, { stepIndex }, async (invocation) => {
      try {
        const response = await this.handlers.contactFlow(event);
        invocation.flowResponse = response;
        if ('error' in response) {
          this.errors.push({ at: invocation.at, agentId: null, contactId, code: 'BAD_FLOW_PARAMETERS' });
        }
      } catch (error) {
        // Connect takes the block's Error branch; the scenario goes on.
        this.fail(invocation, error);
        this.errors.push({ at: invocation.at, agentId: null, contactId, code: 'INVOCATION_FAILED' });
      }
    });
  }

  /** An SQS- or Kinesis-triggered function: a thrown error fails the whole batch, as Lambda does. */
  private async invokeBatch<E, R extends { batchItemFailures: readonly unknown[] }>(
    fn: HandlerName,
    event: E,
    attempt: number,
    origin: unknown,
    handler: (event: E) => Promise<R>,
  ): Promise<R> {
    const stepIndex = typeof origin === 'number' ? origin : undefined;
    return this.invoke(fn, event, attempt, { stepIndex }, async (invocation) => {
      try {
        const response = await handler(event);
        invocation.failed = response.batchItemFailures.length > 0;
        return response;
      } catch (error) {
        this.fail(invocation, error);
        throw error;
      }
    });
  }

  /** Scheduler's target, invoked asynchronously: a failure is retried twice, a minute apart. */
  private invokeTimerFired(input: unknown, fire: ScheduleFire, attempt: number): Promise<void> {
    return this.invoke('timer-fired', input, attempt, { fire }, async (invocation) => {
      try {
        await this.handlers.timerFired(input);
      } catch (error) {
        this.fail(invocation, error);
        if (attempt < ASYNC_ATTEMPTS) {
          this.clock.schedule(invocation.at + ASYNC_RETRY_MS, `timer-fired retry ${attempt + 1}`, () =>
            this.invokeTimerFired(input, fire, attempt + 1),
          );
        } else {
          this.asyncFailures.push({
            fn: 'timer-fired',
            input,
            at: this.clock.nowMs(),
            error: describe(error),
          });
        }
      }
    });
  }

  /**
   * Runs `body` as one invocation of `fn`: recorded, with the log lines and status changes of the
   * task (and the tasks it starts) attributed to it, and its end time.
   */
  private async invoke<T>(
    fn: HandlerName,
    input: unknown,
    attempt: number,
    extra: { stepIndex?: number | undefined; fire?: ScheduleFire },
    body: (invocation: Invocation) => Promise<T>,
  ): Promise<T> {
    const invocation = this.begin(fn, input, attempt, extra);
    const outer = this.clock.context;
    this.clock.context = invocation;
    try {
      return await body(invocation);
    } finally {
      invocation.endedAt = this.clock.nowMs();
      this.clock.context = outer;
    }
  }

  /** The invocation whose code runs now (invocations overlap in virtual time: the clock keeps it). */
  private running(): Invocation | undefined {
    return this.clock.context as Invocation | undefined;
  }

  private begin(
    fn: HandlerName,
    input: unknown,
    attempt: number,
    extra: { stepIndex?: number | undefined; fire?: ScheduleFire },
  ): Invocation {
    const at = this.clock.nowMs();
    const invocation: Invocation = {
      fn,
      at,
      endedAt: at,
      attempt,
      input,
      ...extra,
      logs: [],
      statusChanges: [],
      failed: false,
    };
    this.invocations.push(invocation);
    return invocation;
  }

  private fail(invocation: Invocation, error: unknown): void {
    invocation.failed = true;
    invocation.error = describe(error);
    this.log(functionOf(invocation.fn)).error('Invocation failed', {
      error: invocation.error,
      attempt: invocation.attempt,
    });
  }

  /** A function's logger: JSON lines at virtual time, on stderr (never stdout) unless quiet. */
  private log(fn: FunctionName): Log {
    const write =
      (level: LogLine['level']) =>
      (message: string, fields: Record<string, unknown> = {}): void => {
        const line: LogLine = { at: this.clock.nowMs(), level, fn, message, fields };
        this.running()?.logs.push(line);
        if (this.options.quiet) return;
        const stream = this.options.logStream ?? process.stderr;
        stream.write(`${JSON.stringify({ time: iso(line.at), level, function: fn, message, ...fields })}\n`);
      };
    return { info: write('info'), warn: write('warn'), error: write('error') };
  }
}

/**
 * The instances the simulated account has: the configured one, or else every instance the
 * scenario's contact events name (a scenario without `connectInstanceArn` takes its instance
 * from its events).
 */
function instanceArnsOf(scenario: Scenario): string[] {
  if (scenario.config.connectInstanceArn !== undefined) return [scenario.config.connectInstanceArn];
  const arns = new Set<string>();
  for (const step of scenario.steps) {
    const arn =
      step.kind === 'contactEvent'
        ? stringAt(step.payload, ['detail', 'instanceArn'])
        : step.kind === 'agentEvent'
          ? stringAt(step.payload, ['InstanceARN'])
          : undefined;
    if (arn !== undefined) arns.add(arn);
  }
  return [...arns];
}

/** The string at `path` inside a JSON value, if there is one. */
function stringAt(value: unknown, path: readonly string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return typeof at === 'string' ? at : undefined;
}

/**
 * The agent and contact a refused record names, where they can be read: a contact event's
 * `detail.agentInfo.agentArn` and `detail.contactId`, an agent event's `AgentARN`, a timer's
 * `agentId` and `contactId`.
 */
function idsNamedIn(body: string): { agentId: string | null; contactId: string | null } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { agentId: null, contactId: null };
  }
  const agentArn = stringAt(value, ['detail', 'agentInfo', 'agentArn']) ?? stringAt(value, ['AgentARN']);
  const agentId = agentArn === undefined ? stringAt(value, ['agentId']) : lastArnSegment(agentArn);
  const contactId = stringAt(value, ['detail', 'contactId']) ?? stringAt(value, ['contactId']);
  return { agentId: agentId ?? null, contactId: contactId ?? null };
}

/** Where each function's refused records come from (the dead letter's `queue`). */
const SOURCE_OF_REFUSED: Readonly<Record<RefusedRecord['source'], string>> = {
  'contact-events': SIM_RESOURCES.contactEventsQueue,
  'agent-events': SIM_RESOURCES.agentEventStream,
  'timer-due': SIM_RESOURCES.dueQueue,
  'timer-fired': SIM_RESOURCES.timerFiredFunction,
};

/** The id of the record an invocation was given: an SQS message id or a Kinesis sequence number. */
function recordIdOf(input: unknown): string | undefined {
  return (
    stringAt(input, ['Records', '0', 'messageId']) ??
    stringAt(input, ['Records', '0', 'kinesis', 'sequenceNumber'])
  );
}

/** What each agent action calls in the core. */
const ACTIONS: Record<AgentAction['action'], (deps: Deps, request: ActionRequest) => Promise<Session>> = {
  extend: extendWrapUp,
  allDone: finishWrapUp,
  update: updateWrapUp,
};

/** `Details.ContactData.ContactId` of a contact-flow event, when it has one. */
function flowContactIdOf(event: Record<string, unknown>): string | null {
  const details = event.Details;
  if (details === null || typeof details !== 'object') return null;
  const data = (details as { ContactData?: unknown }).ContactData;
  if (data === null || typeof data !== 'object') return null;
  const contactId = (data as { ContactId?: unknown }).ContactId;
  return typeof contactId === 'string' ? contactId : null;
}

function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof ActionRefused) return error.code;
  if (error instanceof SessionNotFound) return 'SESSION_NOT_FOUND';
  if (error instanceof UnknownStatus) return 'UNKNOWN_STATUS';
  return 'INVOCATION_FAILED';
}

/** The field a policy problem names: its leading `acw.policies...` path. */
const FIELD_PATH = /^acw(?:\.[A-Za-z0-9_]+|\[(?:\d+|"(?:[^"\\]|\\.)*")\])*/;

/** R20: the error code of an admin action that failed; INVOCATION_FAILED when it is no refusal. */
function policyErrorCode(error: unknown): ErrorCode {
  if (error instanceof PolicyChangeInvalid) {
    const field = FIELD_PATH.exec(error.problems[0] ?? '')?.[0];
    return field === undefined ? 'INVALID_POLICY' : `INVALID_POLICY:${field}`;
  }
  if (error instanceof PolicyDocumentTooLarge) return 'POLICY_DOCUMENT_TOO_LARGE';
  // PolicyVersionConflict included: the step changes the version it has just read.
  return 'INVOCATION_FAILED';
}

function sessionOutput(session: Session): SessionOutput {
  return {
    agentId: session.agentId,
    contactId: session.contactId,
    channel: session.channel,
    queueId: session.queueId ?? null,
    state: session.state,
    startedAt: session.startedAt,
    deadline: session.deadline ?? null,
    endedAt: session.endedAt ?? null,
    endReason: session.endReason ?? null,
    systemWrapUp: session.systemWrapUp ?? null,
    extensionsUsed: session.extensionsUsed,
    mode: session.policy.mode,
    disposition: session.disposition ?? null,
    notes: session.notes ?? null,
    nextStatus: session.nextStatus ?? null,
  };
}

function bySessionOrder(a: SessionOutput, b: SessionOutput): number {
  return (
    compare(a.startedAt, b.startedAt) || compare(a.contactId, b.contactId) || compare(a.agentId, b.agentId)
  );
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
