/**
 * The composition root: the one place that turns clients, a clock, a log and the configuration
 * into each function's `App` (its ports and settings). The deployed functions
 * (lambda/handlers/runtime.ts) pass the real SDK clients and the names the stack sets in the
 * environment; the simulator (sim/apps.ts) and the local server (server/world.ts) pass simulated
 * services. A new port is wired here, once, for all of them.
 *
 * No handler is imported here (the handlers import the deployed root, which imports this): the
 * handlers are made from these apps in lambda/app/functions.ts.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { connectPorts } from '../adapters/connect-ports';
import { ConnectStatusDirectory } from '../adapters/connect-status-directory';
import { ConnectUserDirectory, type ConnectUsers } from '../adapters/connect-users';
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { SqsDeadLetterSink } from '../adapters/sqs-dead-letters';
import { SsmKillSwitch } from '../adapters/ssm-kill-switch';
import { SchedulerTimers, type ScheduleTarget } from '../adapters/timers';
import type { AcwConfig } from '../config/acw-config';
import type { StatusRef } from '../core/config';
import type { DeadLetterSink } from '../core/dead-letter-port';
import type { LifecycleConfig } from '../core/lifecycle';
import { indexPolicies } from '../core/policy';
import type { Clock, Deps, Log } from '../core/ports';

/** The functions of the stack, by the names their handlers have (`lambda/handlers/<name>.ts`). */
export const FUNCTION_NAMES = [
  'contact-events',
  'agent-events',
  'timer-fired',
  'timer-due',
  'sweep',
  'api',
  'contact-flow',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The functions that create and delete schedules, as the stack grants it (`WrapUpTimers.grantArm`):
 * the intake, the agent-event consumer (ending a wrap-up cancels its timer) and the API (Extend
 * re-arms, All Done cancels). The timer functions, the sweep and the flow function only defer to
 * the due queue.
 */
export const ARMS_SCHEDULES: ReadonlySet<FunctionName> = new Set<FunctionName>([
  'contact-events',
  'agent-events',
  'api',
]);

/** What every handler is built from. */
export interface App {
  readonly deps: Deps;
  readonly config: LifecycleConfig;
  readonly metrics?: Metrics | undefined;
  /** R16: where malformed records are kept at once; without it they are failed and retried. */
  readonly deadLetters?: DeadLetterSink | undefined;
}

/** The clients the ports are built on: the AWS SDK's, or the simulator's stand-ins. */
export interface Clients {
  /** PutUserStatus, UpdateContactAttributes, GetCurrentUserData: through the quota gate, each on its own quota (R15). */
  readonly connect: ConnectClient;
  /**
   * SearchUsers and SearchAgentStatuses (the API): they have their own quotas, not
   * PutUserStatus's, so they go outside the gate.
   */
  readonly connectDirectory: ConnectClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly scheduler: SchedulerClient;
  /** Needed only with `Resources.switchParameter`. */
  readonly ssm?: SSMClient | undefined;
}

/** The stack's resources a function uses, by name. */
export interface Resources {
  readonly tableName: string;
  readonly dueQueueUrl: string;
  /** Where schedules go; given to the functions that arm them (`ARMS_SCHEDULES`). */
  readonly schedules?: Omit<ScheduleTarget, 'client'> | undefined;
  /** R18: the kill switch's parameter; without it ACW is always on. */
  readonly switchParameter?: string | undefined;
  /** R16: the queue refused records are kept in; without it (and `keepRefused`) they are retried. */
  readonly deadLetterQueueUrl?: string | undefined;
}

/** Everything the apps are built from. */
export interface Wiring {
  /** The validated configuration (deployed: with the stack's default duration applied). */
  readonly config: AcwConfig;
  /** Events from other instances are ignored; undefined accepts every instance. */
  readonly instanceArn: string | undefined;
  /**
   * The wrap-up status, when the stack names it apart from the configuration (by id).
   * @default config.wrapUpStatus
   */
  readonly wrapUpStatus?: StatusRef | undefined;
  /** R8, R11: an agent event stream is consumed (status checks read its reports). */
  readonly agentEventStream: boolean;
  readonly clients: Clients;
  readonly resources: Resources;
  readonly clock: Clock;
  /** [0, 1) numbers for the stream named (`connect-gate:<function>`: the quota gate's jitter). */
  readonly random: (stream: string) => () => number;
  /** The log of a function (undefined: the one function of a deployed container). */
  readonly log: (fn: FunctionName | undefined) => Log;
  readonly metrics?: Metrics | undefined;
  /**
   * R16: where refused records are kept, instead of `resources.deadLetterQueueUrl` (the
   * simulators list them).
   */
  readonly keepRefused?: DeadLetterSink | undefined;
  /**
   * Who a signed-in caller is in Connect (the API).
   * @default - SearchUsers on `clients.connectDirectory`
   */
  readonly users?: ConnectUsers | undefined;
}

/** What the API handler is built from, besides its app. */
export interface ApiParts {
  readonly app: App;
  readonly users: ConnectUsers;
  readonly clock: Clock;
  readonly api: AcwConfig['api'];
}

/**
 * The App of one function. `fn` names it: only the functions of `ARMS_SCHEDULES` get the
 * schedules. Deployed, a container runs one function and passes no name: the environment already
 * holds only what the stack granted that function.
 */
export function composeApp(wiring: Wiring, fn?: FunctionName): App {
  const { config, clients, resources, clock } = wiring;
  const wrapUpStatus = wrapUpStatusOf(wiring);
  const store = new DynamoSessionStore({
    client: clients.dynamo,
    tableName: resources.tableName,
    retentionDays: config.sessionRetentionDays,
  });
  const connectSide = connectPorts({
    client: clients.connect,
    quota: config.connectQuota,
    clock,
    random: wiring.random(fn === undefined ? 'connect-gate' : `connect-gate:${fn}`),
    wrapUpStatus,
    routableStatus: config.routableStatus,
    store,
    agentEventStream: wiring.agentEventStream,
  });
  const log = wiring.log(fn);
  const armsSchedules = fn === undefined || ARMS_SCHEDULES.has(fn);
  return {
    config: {
      policies: indexPolicies(config.policies),
      instanceArn: wiring.instanceArn,
      agentEventStream: wiring.agentEventStream,
      statuses: { wrapUp: wrapUpStatus, routable: config.routableStatus },
    },
    metrics: wiring.metrics,
    deadLetters: wiring.keepRefused ?? deadLetterQueue(clients, resources),
    deps: {
      store,
      timers: new SchedulerTimers({
        scheduler:
          armsSchedules && resources.schedules !== undefined
            ? { client: clients.scheduler, ...resources.schedules }
            : undefined,
        sqs: clients.sqs,
        dueQueueUrl: resources.dueQueueUrl,
      }),
      agents: connectSide.agents,
      contacts: connectSide.contacts,
      presence: connectSide.presence,
      // R19: the statuses an agent may choose, outside the PutUserStatus gate.
      statuses: new ConnectStatusDirectory({
        client: clients.connectDirectory,
        wrapUpStatus,
        now: () => clock.now().getTime(),
      }),
      clock,
      log,
      killSwitch: killSwitch(clients, resources, log),
    },
  };
}

/** The API function's app, and who its callers are. */
export function composeApi(wiring: Wiring): ApiParts {
  return {
    app: composeApp(wiring, 'api'),
    users: wiring.users ?? connectUsers(wiring),
    clock: wiring.clock,
    api: wiring.config.api,
  };
}

function wrapUpStatusOf(wiring: Wiring): StatusRef {
  return wiring.wrapUpStatus ?? wiring.config.wrapUpStatus;
}

function connectUsers(wiring: Wiring): ConnectUsers {
  if (wiring.instanceArn === undefined) throw new Error('The API needs the Connect instance ARN');
  return new ConnectUserDirectory({
    client: wiring.clients.connectDirectory,
    instanceArn: wiring.instanceArn,
    now: () => wiring.clock.now().getTime(),
  });
}

function deadLetterQueue(clients: Clients, resources: Resources): DeadLetterSink | undefined {
  const queueUrl = resources.deadLetterQueueUrl;
  return queueUrl === undefined || queueUrl === ''
    ? undefined
    : new SqsDeadLetterSink({ client: clients.sqs, queueUrl });
}

function killSwitch(clients: Clients, resources: Resources, log: Log): SsmKillSwitch | undefined {
  const parameterName = resources.switchParameter;
  if (parameterName === undefined) return undefined;
  if (clients.ssm === undefined) throw new Error(`The kill switch ${parameterName} needs an SSM client`);
  return new SsmKillSwitch({ client: clients.ssm, parameterName, log });
}
