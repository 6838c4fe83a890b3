/**
 * The simulator: runs a scenario through the real handlers, core and adapters, with a real
 * DynamoDB API in-process (dynalite) and simulated Connect, Scheduler and SQS on a virtual clock.
 *
 * 1. Validate the scenario (errors name the field).
 * 2. Start dynalite and build one App per Lambda function, as deployed: each has its own adapters
 *    (so its own status-id cache), only the intake and API functions arm schedules.
 * 3. Queue every step at its time; run the event queue until `until` (nothing due later runs).
 *    Agent actions call the actions core with the API function's App; contact-flow events invoke
 *    the flow Lambda.
 * 4. Read the sessions back from the table and report them with the statuses the system set and
 *    the actions (and flow invocations) that were refused.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ConnectAgentStatus } from '../lambda/adapters/connect-agent-status';
import { ConnectContactRecords } from '../lambda/adapters/connect-contact-records';
import { DynamoSessionStore } from '../lambda/adapters/dynamo-session-store';
import { SchedulerTimers } from '../lambda/adapters/timers';
import {
  ActionRefused,
  type ActionRequest,
  extendWrapUp,
  finishWrapUp,
  openWrapUpsOf,
  type RefusalCode,
  SessionNotFound,
  updateWrapUp,
} from '../lambda/core/actions';
import { indexPolicies } from '../lambda/core/policy';
import type { Deps, Log } from '../lambda/core/ports';
import type { Actor, Session } from '../lambda/core/session';
import { makeContactEventsHandler } from '../lambda/handlers/contact-events';
import { makeContactFlowHandler } from '../lambda/handlers/contact-flow';
import type { App } from '../lambda/handlers/runtime';
import { makeTimerDueHandler } from '../lambda/handlers/timer-due';
import { makeTimerFiredHandler } from '../lambda/handlers/timer-fired';
import { VirtualClock } from './clock';
import { SimConnect, type StatusChange } from './connect';
import { type DynamoCounts, type SimDynamo, startDynamo } from './dynamo';
import { CallLatency, NO_LATENCY } from './latency';
import { Random } from './random';
import { type AgentAction, parseScenario, type Scenario, type Step, type StepKind } from './scenario';
import { type ScheduleFire, SimScheduler } from './scheduler';
import { type DeadLetter, SimQueue, SimSqs } from './sqs';

/** The Lambda functions of the stack. */
export type FunctionName = 'contact-events' | 'timer-fired' | 'timer-due' | 'api' | 'contact-flow';

/** The actor of an agent action with `as: "supervisor"`. */
export const SIM_SUPERVISOR: Actor = 'supervisor:sim-supervisor';

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
  /** Probability that Scheduler delivers a firing twice (default 0.1). */
  readonly duplicateFireProbability?: number;
}

/** One log line of a handler, at the virtual time it was written. */
export interface LogLine {
  readonly at: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly fn: FunctionName;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** One invocation of a function: what it was given and what it logged. */
export interface Invocation {
  readonly fn: FunctionName;
  /** When it started. */
  readonly at: number;
  /** When it returned (later than `at` when it slept). */
  endedAt: number;
  /** SQS receive count, or the asynchronous invocation attempt (1-3). */
  readonly attempt: number;
  readonly input: unknown;
  /** The scenario step that caused it, for a contact event. */
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
  readonly fn: FunctionName;
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
  /** Not a refusal: the action or the flow Lambda threw (an AWS call failed); see the logs. */
  | 'INVOCATION_FAILED';

/** A refused action (or a contact-flow invocation answered with an error), in the output. */
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
}

/** A status the system set, when it took effect. */
export interface StatusChangeOutput {
  readonly at: string;
  readonly agentId: string;
  readonly status: string;
}

/** What `npm run simulate` prints. */
export interface SimulationResult {
  readonly sessions: SessionOutput[];
  readonly statusChanges: StatusChangeOutput[];
  /** Refused agent actions and contact-flow errors, by time (ties in the order they happened). */
  readonly errors: ErrorOutput[];
}

/** Counters for the bench. */
export interface SimulationStats {
  readonly steps: number;
  readonly invocations: Record<FunctionName, number>;
  readonly connectCalls: Readonly<Record<string, number>>;
  readonly dynamo: DynamoCounts;
  readonly schedulerCalls: Readonly<Record<string, number>>;
  readonly schedulesCreated: number;
  readonly scheduleFires: number;
  readonly duplicateFires: number;
  readonly sqsCalls: Readonly<Record<string, number>>;
  /** Messages consumed from each queue, redeliveries included. */
  readonly deliveries: { readonly contactEvents: number; readonly due: number };
}

/** Everything a run produced: the result plus what the demo and the bench read. */
export interface SimulationRun {
  readonly scenario: Scenario;
  readonly result: SimulationResult;
  /** The table's sessions, every field (policySource, history, ...). */
  readonly storedSessions: readonly Session[];
  readonly invocations: readonly Invocation[];
  readonly deadLetters: readonly DeadLetter[];
  readonly asyncFailures: readonly AsyncFailure[];
  /** The contact attributes written to each contact (R17: the wrap-up record), by contact id. */
  readonly contactAttributes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly stats: SimulationStats;
}

/** Names of the simulated stack's resources. */
export const SIM_RESOURCES = {
  scheduleGroup: 'connect-acw',
  timerFiredArn: 'arn:aws:lambda:us-east-1:123456789012:function:connect-acw-timer-fired',
  schedulerRoleArn: 'arn:aws:iam::123456789012:role/connect-acw-scheduler',
  scheduleDlqArn: 'arn:aws:sqs:us-east-1:123456789012:connect-acw-timers-dlq',
  contactEventsQueue: 'connect-acw-contact-events',
  dueQueue: 'connect-acw-due',
} as const;

/** SQS redrive and Lambda retry settings, as the stack sets them. */
const MAX_RECEIVE_COUNT = 5;
const VISIBILITY_TIMEOUT_MS = 60_000;
const SQS_MAX_LATENCY_MS = 300;
/** Lambda retries a failed asynchronous invocation twice. */
const ASYNC_ATTEMPTS = 3;
const ASYNC_RETRY_MS = 60_000;
const DEFAULT_DUPLICATE_FIRE_PROBABILITY = 0.1;

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
  const dynamo = await startDynamo();
  try {
    const world = new World(scenario, dynamo, options);
    for (const step of scenario.steps) {
      world.clock.schedule(step.at, `step ${step.index}`, () => runStep(world, step));
    }
    await world.clock.runUntil(scenario.until);
    const storedSessions = await dynamo.scanSessions();
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
      },
      storedSessions,
      invocations: world.invocations,
      deadLetters: [...world.intake.deadLetters, ...world.due.deadLetters],
      asyncFailures: world.asyncFailures,
      contactAttributes: world.connect.contactAttributes,
      stats: world.stats(scenario),
    };
  } finally {
    await dynamo.close();
  }
}

/** What a step of each kind does at its time. Adding a step kind means adding its runner here. */
const STEP_RUNNERS: { [K in StepKind]: (world: World, step: Extract<Step, { kind: K }>) => Promise<void> } = {
  /** Connect → EventBridge → the intake queue: delivered at the step's time. */
  contactEvent: (world, step) => world.intake.deliverNow(JSON.stringify(step.payload), step.index),
  /** The agent desktop (or a supervisor) → the HTTP API → the actions core. */
  agentAction: (world, step) => world.agentAction(step.payload, step.index),
  /** A contact flow's "Invoke AWS Lambda function" block → the flow Lambda, synchronously. */
  contactFlowEvent: (world, step) => world.contactFlowEvent(step.payload, step.index),
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
  readonly invocations: Invocation[] = [];
  readonly asyncFailures: AsyncFailure[] = [];
  /** Refused actions and flow errors, `at` in epoch ms, in the order they happened. */
  readonly errors: Array<Omit<ErrorOutput, 'at'> & { at: number }> = [];
  private current: Invocation | undefined;
  /** The API function's dependencies: agent actions call the core with them. */
  private readonly apiDeps: Deps;
  private readonly handlers: {
    readonly contactEvents: (event: SQSEvent) => Promise<SQSBatchResponse>;
    readonly timerFired: (event: unknown) => Promise<void>;
    readonly timerDue: (event: SQSEvent) => Promise<SQSBatchResponse>;
    readonly contactFlow: (event: unknown) => Promise<Record<string, string>>;
  };

  constructor(
    scenario: Scenario,
    private readonly dynamo: SimDynamo,
    private readonly options: SimulationOptions,
  ) {
    const start = scenario.steps[0]?.at ?? scenario.until;
    const random = new Random(scenario.seed);
    this.clock = new VirtualClock(start);
    const config = scenario.config;
    const latency = options.callLatency ? new CallLatency(this.clock, random.fork('latency')) : NO_LATENCY;
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
      onStatusChange: (change) => this.current?.statusChanges.push(change),
    });
    this.scheduler = new SimScheduler({
      clock: this.clock,
      random: random.fork('scheduler'),
      groupName: SIM_RESOURCES.scheduleGroup,
      latency,
      duplicateProbability: options.duplicateFireProbability ?? DEFAULT_DUPLICATE_FIRE_PROBABILITY,
      invokeTarget: (input, fire) => this.invokeTimerFired(input, fire, 1),
    });
    const queueProps = {
      clock: this.clock,
      maxLatencyMs: SQS_MAX_LATENCY_MS,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      visibilityTimeoutMs: VISIBILITY_TIMEOUT_MS,
    };
    this.intake = new SimQueue({
      ...queueProps,
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
      name: SIM_RESOURCES.dueQueue,
      random: random.fork('due-queue'),
      consume: (event, message) =>
        this.invokeBatch('timer-due', event, message.receiveCount, undefined, this.handlers.timerDue),
    });
    this.sqs = new SimSqs([this.intake, this.due], latency);

    const policies = indexPolicies(config.policies);
    const app = (fn: FunctionName, armsSchedules: boolean): App => ({
      config: { policies, instanceArn: config.connectInstanceArn },
      deps: {
        store: new DynamoSessionStore({
          client: dynamo.doc,
          tableName: dynamo.tableName,
          retentionDays: config.sessionRetentionDays,
        }),
        timers: new SchedulerTimers({
          scheduler: armsSchedules
            ? {
                client: this.scheduler.client(),
                groupName: SIM_RESOURCES.scheduleGroup,
                targetArn: SIM_RESOURCES.timerFiredArn,
                roleArn: SIM_RESOURCES.schedulerRoleArn,
                deadLetterArn: SIM_RESOURCES.scheduleDlqArn,
              }
            : undefined,
          sqs: this.sqs.client(),
          dueQueueUrl: this.due.url,
        }),
        agents: new ConnectAgentStatus({
          client: this.connect.client(),
          wrapUpStatus: config.wrapUpStatus,
          routableStatus: config.routableStatus,
        }),
        contacts: new ConnectContactRecords(this.connect.client()),
        clock: this.clock,
        log: this.log(fn),
      },
    });
    // As deployed: only the intake function and the API (extend re-arms, All Done cancels) arm
    // schedules; the timer functions only defer.
    this.apiDeps = app('api', true).deps;
    this.handlers = {
      contactEvents: makeContactEventsHandler(app('contact-events', true)),
      timerFired: makeTimerFiredHandler(app('timer-fired', false)),
      timerDue: makeTimerDueHandler(app('timer-due', false)),
      contactFlow: makeContactFlowHandler(app('contact-flow', false)),
    };
  }

  /** The counters the bench reads. */
  stats(scenario: Scenario): SimulationStats {
    const invocations: Record<FunctionName, number> = {
      'contact-events': 0,
      'timer-fired': 0,
      'timer-due': 0,
      api: 0,
      'contact-flow': 0,
    };
    for (const invocation of this.invocations) invocations[invocation.fn]++;
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
      deliveries: { contactEvents: this.intake.received, due: this.due.received },
    };
  }

  /**
   * An agent action through the API function: the target is the given contact's session, or the
   * agent's open one with the soonest deadline. A refusal changes nothing and is listed in errors.
   */
  async agentAction(action: AgentAction, stepIndex: number): Promise<void> {
    const invocation = this.begin('api', action, 1, { stepIndex });
    const at = invocation.at;
    const by: Actor = action.as === 'supervisor' ? SIM_SUPERVISOR : `agent:${action.agentId}`;
    const log = this.log('api');
    let contactId = action.contactId;
    const settle = (
      record: Omit<AgentActionRecord, 'action' | 'agentId' | 'by' | 'disposition' | 'notes'>,
    ): void => {
      invocation.agentAction = {
        action: action.action,
        agentId: action.agentId,
        by,
        disposition: action.disposition,
        notes: action.notes,
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
    } finally {
      this.end(invocation);
    }
  }

  /**
   * The flow Lambda, invoked synchronously by a contact flow. Its answer goes back to the flow
   * (not into the output); an answer with an `error` field is listed in errors.
   */
  async contactFlowEvent(event: Record<string, unknown>, stepIndex: number): Promise<void> {
    const invocation = this.begin('contact-flow', event, 1, { stepIndex });
    const contactId = flowContactIdOf(event);
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
    } finally {
      this.end(invocation);
    }
  }

  /** An SQS-triggered function: a thrown error fails the whole batch, as Lambda does. */
  private async invokeBatch(
    fn: FunctionName,
    event: SQSEvent,
    attempt: number,
    origin: unknown,
    handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  ): Promise<SQSBatchResponse> {
    const invocation = this.begin(fn, event, attempt, {
      stepIndex: typeof origin === 'number' ? origin : undefined,
    });
    try {
      const response = await handler(event);
      invocation.failed = response.batchItemFailures.length > 0;
      return response;
    } catch (error) {
      this.fail(invocation, error);
      throw error;
    } finally {
      this.end(invocation);
    }
  }

  /** Scheduler's target, invoked asynchronously: a failure is retried twice, a minute apart. */
  private async invokeTimerFired(input: unknown, fire: ScheduleFire, attempt: number): Promise<void> {
    const startedAt = this.clock.nowMs();
    const invocation = this.begin('timer-fired', input, attempt, { fire });
    try {
      await this.handlers.timerFired(input);
    } catch (error) {
      this.fail(invocation, error);
      if (attempt < ASYNC_ATTEMPTS) {
        this.clock.schedule(startedAt + ASYNC_RETRY_MS, `timer-fired retry ${attempt + 1}`, () =>
          this.invokeTimerFired(input, fire, attempt + 1),
        );
      } else {
        this.asyncFailures.push({ fn: 'timer-fired', input, at: this.clock.nowMs(), error: describe(error) });
      }
    } finally {
      this.end(invocation);
    }
  }

  private begin(
    fn: FunctionName,
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
    this.current = invocation;
    return invocation;
  }

  private fail(invocation: Invocation, error: unknown): void {
    invocation.failed = true;
    invocation.error = describe(error);
    this.log(invocation.fn).error('Invocation failed', {
      error: invocation.error,
      attempt: invocation.attempt,
    });
  }

  private end(invocation: Invocation): void {
    invocation.endedAt = this.clock.nowMs();
    this.current = undefined;
  }

  /** A function's logger: JSON lines at virtual time, on stderr (never stdout) unless quiet. */
  private log(fn: FunctionName): Log {
    const write =
      (level: LogLine['level']) =>
      (message: string, fields: Record<string, unknown> = {}): void => {
        const line: LogLine = { at: this.clock.nowMs(), level, fn, message, fields };
        this.current?.logs.push(line);
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
    if (step.kind !== 'contactEvent') continue;
    const detail = step.payload.detail;
    if (detail !== null && typeof detail === 'object' && 'instanceArn' in detail) {
      const arn = (detail as { instanceArn: unknown }).instanceArn;
      if (typeof arn === 'string') arns.add(arn);
    }
  }
  return [...arns];
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
