/**
 * The composition root: the one place that turns clients, a clock, a log and the configuration
 * into each function's `App` (its ports and settings). The deployed functions
 * (lambda/handlers/runtime.ts) pass the real SDK clients and the names the stack sets in the
 * environment; the simulator (sim/apps.ts) and the local server (server/world.ts) pass simulated
 * services. A new port is wired here, once, for all of them.
 *
 * Each port is made by one adapter builder (`Adapters`). The simulator and the local server use
 * them all (`composeApp`); a deployed function names only the ones it uses (`composeWith`), so its
 * bundle holds only those adapters and the SDK clients they call: esbuild drops the rest, as the
 * SDK is bundled and marks itself free of side effects (lib/acw-function.ts, bench/cold-start.ts).
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
import { ConnectCatalogSource } from '../adapters/connect-catalog';
import { ConnectDirectory } from '../adapters/connect-directory';
import { type ConnectPorts, connectPorts } from '../adapters/connect-ports';
import { ConnectQueueCatalog } from '../adapters/connect-queue-catalog';
import { ConnectStatusDirectory } from '../adapters/connect-status-directory';
import { ConnectUserDirectory, type ConnectUsers } from '../adapters/connect-users';
import { DueQueueTimers } from '../adapters/due-queue-timers';
import { DynamoCatalogStore } from '../adapters/dynamo-directory-catalog';
import { DynamoDirectorySnapshots } from '../adapters/dynamo-directory-snapshots';
import { DynamoLateCompletions } from '../adapters/dynamo-late-completions';
import { DynamoPolicyStore } from '../adapters/dynamo-policy-store';
import { DynamoReportStore } from '../adapters/dynamo-report-store';
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { SqsDeadLetterSink } from '../adapters/sqs-dead-letters';
import { SsmKillSwitch } from '../adapters/ssm-kill-switch';
import { SchedulerTimers, type ScheduleTarget } from '../adapters/timers';
import type { AcwConfig } from '../config/acw-config';
import { catalogOf } from '../core/catalog';
import { queueIdOf, type StatusRef } from '../core/config';
import type { DeadLetterSink } from '../core/dead-letter-port';
import { killSwitchOf } from '../core/kill-switch';
import type { LateCompletions } from '../core/late-completions';
import type { LifecycleConfig } from '../core/lifecycle';
import { indexPolicies } from '../core/policy';
import { LivePolicies } from '../core/policy-live';
import type {
  AgentStatus,
  CatalogPorts,
  Clock,
  ContactRecords,
  Deps,
  Directory,
  KillSwitch,
  Log,
  PolicySource,
  PolicyStore,
  SessionStore,
  StatusDirectory,
  Timers,
} from '../core/ports';
import { ConnectGate } from '../core/quota';
import type { AdminDeps } from '../handlers/api-admin';
import type { ReportsParts } from '../handlers/api-reports';
import { type MetricsFactory, throttleMetric, WrapUpMetrics } from '../handlers/wrap-up-metrics';

/**
 * The functions of the stack, by the names their handlers have (`lambda/handlers/<name>.ts`). The
 * worker is the contact events' and the due timers' function (lambda/handlers/worker.ts).
 */
export const FUNCTION_NAMES = [
  'worker',
  'agent-events',
  'timer-fired',
  'sweep',
  'api',
  'contact-flow',
] as const;

export type FunctionName = (typeof FUNCTION_NAMES)[number];

/**
 * The functions that create or delete schedules, as the stack grants it: the worker and the API
 * (`WrapUpTimers.grantArm`: Extend re-arms, All Done cancels), and the agent-event consumer
 * (`grantCancel`: ending a wrap-up cancels its timer). The timer-fired function only defers to the
 * due queue; the sweep and the flow function use no timer at all (`USES_NO_TIMERS`).
 */
export const ARMS_SCHEDULES: ReadonlySet<FunctionName> = new Set<FunctionName>([
  'worker',
  'agent-events',
  'api',
]);

/**
 * The functions that never arm, defer or cancel a timer: deployed, they have no timers kit (no SQS
 * or Scheduler client, no grant); composed by name (the simulator, the local server), they get the
 * same refusing port, so a call there fails in the tests as it would in Lambda.
 */
export const USES_NO_TIMERS: ReadonlySet<FunctionName> = new Set<FunctionName>(['sweep', 'contact-flow']);

/** What every handler is built from. */
export interface App {
  readonly deps: Deps;
  readonly config: LifecycleConfig;
  readonly metrics?: Metrics | undefined;
  /** R16: where malformed records are kept at once; without it they are failed and retried. */
  readonly deadLetters?: DeadLetterSink | undefined;
}

/**
 * The clients the ports are built on: the AWS SDK's, or the simulator's stand-ins. A deployed
 * function is given only the clients of the adapters it names; an adapter whose client is
 * missing fails with an error naming it.
 */
export interface Clients {
  /** PutUserStatus, UpdateContactAttributes, GetCurrentUserData: through the quota gate, each on its own quota (R15). */
  readonly connect?: ConnectClient | undefined;
  /**
   * SearchUsers, SearchAgentStatuses, ListQueues and DescribeUser (the API): they have their own quotas, not
   * PutUserStatus's, so they go outside the gate.
   */
  readonly connectDirectory?: ConnectClient | undefined;
  readonly dynamo: DynamoDBDocumentClient;
  /** The due queue (`Resources.dueQueueUrl`) and the dead-letter queue. */
  readonly sqs?: SQSClient | undefined;
  /** Needed only by the functions that arm schedules (`ARMS_SCHEDULES`). */
  readonly scheduler?: SchedulerClient | undefined;
  /** Needed only with `Resources.switchParameter`. */
  readonly ssm?: SSMClient | undefined;
}

/** The stack's resources a function uses, by name. */
export interface Resources {
  readonly tableName: string;
  /** The due queue: given to the functions that defer or arm timers. */
  readonly dueQueueUrl?: string | undefined;
  /** Where schedules go; given to the functions that arm them (`ARMS_SCHEDULES`). */
  readonly schedules?: Omit<ScheduleTarget, 'client'> | undefined;
  /** R18: the kill switch's parameter; without it ACW is always on. */
  readonly switchParameter?: string | undefined;
  /** R16: the queue refused records are kept in; without it (and `keepRefused`) they are retried. */
  readonly deadLetterQueueUrl?: string | undefined;
  /**
   * R16: where the timers a function refuses are kept instead (the wrap-up worker reads two queues,
   * and keeps each refused record in its own queue's dead-letter queue).
   */
  readonly dueDeadLetterQueueUrl?: string | undefined;
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
   * R17, R22: a Metrics object for one EMF document of its own (its own dimensions): the metrics
   * of each completed wrap-up, and Connect's throttles by API.
   * @default - none published
   */
  readonly metricsDocument?: MetricsFactory | undefined;
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
  /** R20: what the administrator routes change (the policy store) and report (the deployed switch). */
  readonly admin: AdminDeps;
  /** Issue 13: what the report routes read; absent when composed without `Adapters.reports`. */
  readonly reports?: ReportsParts | undefined;
}

/** The Connect ports made together (one gate for them all). */
type ConnectSide = Pick<ConnectPorts, 'agents' | 'contacts' | 'presence'>;

/**
 * How each port is made from the wiring: one builder per adapter. A function without a builder
 * never uses that port: its required ports (timers, agents, contacts) then refuse every call
 * with `PortUnavailable`, its optional ones are absent.
 */
export interface Adapters {
  /** The session store (DynamoDB). */
  readonly sessions: (wiring: Wiring) => SessionStore;
  /** PutUserStatus, the contact record and the status check, through the quota gate (R15). */
  readonly connect?:
    | ((wiring: Wiring, store: SessionStore, fn: FunctionName | undefined) => ConnectSide)
    | undefined;
  /** R19: the statuses an agent may choose (SearchAgentStatuses). */
  readonly statuses?: ((wiring: Wiring) => StatusDirectory) | undefined;
  /**
   * R20: names of queues and agents for the API's views (ListQueues, SearchUsers, DescribeUser),
   * and of agent groups from the catalog, when the function has one.
   */
  readonly directory?: ((wiring: Wiring, catalog: CatalogPorts | undefined) => Directory) | undefined;
  /**
   * R20: the catalog of queues, agent groups and statuses by name (ListQueues,
   * ListUserHierarchyGroups, ListAgentStatuses through the quota gate; kept in the session table).
   */
  readonly catalog?: ((wiring: Wiring, fn: FunctionName | undefined) => CatalogPorts) | undefined;
  /** Who a signed-in caller is (SearchUsers): the API. */
  readonly users?: ((wiring: Wiring) => ConnectUsers) | undefined;
  /** Wrap-up timers: the due queue, and schedules for the functions of `ARMS_SCHEDULES`. */
  readonly timers?: ((wiring: Wiring, fn: FunctionName | undefined) => Timers) | undefined;
  /** R16: where refused records are kept (the queue `Resources.deadLetterQueueUrl` names). */
  readonly deadLetters?: ((wiring: Wiring) => DeadLetterSink | undefined) | undefined;
  /**
   * R18: the kill switch (SSM), when `Resources.switchParameter` names one; with the live
   * policies, an administrator's override over it (R20).
   */
  readonly killSwitch?: ((wiring: Wiring, log: Log) => KillSwitch | undefined) | undefined;
  /** R20: the live policies (the baseline with run-time overrides); without it, the baseline alone. */
  readonly policies?: ((wiring: Wiring, log: Log) => PolicySource) | undefined;
  /** R20: the policy store the administrator routes change (the API). */
  readonly policyStore?: ((wiring: Wiring) => PolicyStore) | undefined;
  /** Issue 13: the reports' roll-ups and sessions (DynamoDB) and queue catalog (ListQueues): the API. */
  readonly reports?: ((wiring: Wiring) => ReportsParts) | undefined;
  /** Issue 13: where a session completing after its day's roll-up marks the day (DynamoDB). */
  readonly lateCompletions?: ((wiring: Wiring) => LateCompletions) | undefined;
}

/** A port the function was composed without was called: a wiring mistake, never a retryable failure. */
export class PortUnavailable extends Error {
  constructor(
    readonly port: string,
    readonly fn: FunctionName | undefined,
  ) {
    super(
      `The ${port} port is not wired in ${fn ?? 'this function'}: add its adapter to the function's wiring`,
    );
    this.name = 'PortUnavailable';
  }
}

/**
 * The App of one function, with every adapter. `fn` names it: only the functions of
 * `ARMS_SCHEDULES` get the schedules. Deployed, a container runs one function and passes no
 * name: the environment already holds only what the stack granted that function.
 */
export function composeApp(wiring: Wiring, fn?: FunctionName): App {
  return composeWith(ALL_ADAPTERS, wiring, fn);
}

/** The App of one function, with the adapters given (see `Adapters`). */
export function composeWith(adapters: Adapters, wiring: Wiring, fn?: FunctionName): App {
  const { config, clock } = wiring;
  const wrapUpStatus = wrapUpStatusOf(wiring);
  const store = adapters.sessions(wiring);
  const connectSide = adapters.connect?.(wiring, store, fn);
  const log = wiring.log(fn);
  const policies = adapters.policies?.(wiring, log);
  const catalog = adapters.catalog?.(wiring, fn);
  return {
    config: {
      policies: indexPolicies(config.policies),
      instanceArn: wiring.instanceArn,
      agentEventStream: wiring.agentEventStream,
      statuses: { wrapUp: wrapUpStatus, routable: config.routableStatus },
    },
    metrics: wiring.metrics,
    deadLetters: wiring.keepRefused ?? adapters.deadLetters?.(wiring),
    deps: {
      store,
      timers:
        fn !== undefined && USES_NO_TIMERS.has(fn)
          ? unavailableTimers(fn)
          : (adapters.timers?.(wiring, fn) ?? unavailableTimers(fn)),
      agents: connectSide?.agents ?? unavailableAgents(fn),
      contacts: connectSide?.contacts ?? unavailableContacts(fn),
      presence: connectSide?.presence,
      // R19: the statuses an agent may choose, outside the PutUserStatus gate.
      statuses: adapters.statuses?.(wiring),
      // R20: names for the views, outside the PutUserStatus gate too.
      directory: adapters.directory?.(wiring, catalog),
      catalog,
      clock,
      log,
      // R18, R20: in the functions that read the switch, an administrator's override of it (read
      // with the live policies) wins over the deployed parameter.
      killSwitch:
        adapters.killSwitch === undefined
          ? undefined
          : killSwitchOf(policies, adapters.killSwitch(wiring, log), log),
      policies,
      observer: wiring.metricsDocument === undefined ? undefined : new WrapUpMetrics(wiring.metricsDocument),
      lateCompletions: adapters.lateCompletions?.(wiring),
    },
  };
}

/** The API function's app, and who its callers are, with every adapter. */
export function composeApi(wiring: Wiring): ApiParts {
  return composeApiWith(ALL_ADAPTERS, wiring);
}

/** The API function's app, and who its callers are, with the adapters given. */
export function composeApiWith(adapters: Adapters, wiring: Wiring): ApiParts {
  const users = wiring.users ?? adapters.users?.(wiring);
  if (users === undefined) throw new PortUnavailable('users', 'api');
  const store = adapters.policyStore?.(wiring);
  if (store === undefined) throw new PortUnavailable('policyStore', 'api');
  return {
    app: composeWith(adapters, wiring, 'api'),
    users,
    clock: wiring.clock,
    api: wiring.config.api,
    admin: {
      store,
      baseline: wiring.config.policies,
      // R18: the deployed parameter alone, which GET /v1/admin/policies reports beside the override.
      deployedSwitch: adapters.killSwitch?.(wiring, wiring.log('api')),
    },
    reports: adapters.reports?.(wiring),
  };
}

/** The session store on DynamoDB. */
export function dynamoSessions(wiring: Wiring): SessionStore {
  return new DynamoSessionStore({
    client: wiring.clients.dynamo,
    tableName: wiring.resources.tableName,
    retentionDays: wiring.config.sessionRetentionDays,
  });
}

/** The Connect ports on `clients.connect`, behind one quota gate (R15). */
export function connectSide(wiring: Wiring, store: SessionStore, fn: FunctionName | undefined): ConnectSide {
  const { config, clock } = wiring;
  return connectPorts({
    client: required(wiring.clients.connect, 'clients.connect', 'the Connect ports'),
    quota: config.connectQuota,
    clock,
    random: wiring.random(fn === undefined ? 'connect-gate' : `connect-gate:${fn}`),
    wrapUpStatus: wrapUpStatusOf(wiring),
    routableStatus: config.routableStatus,
    store,
    agentEventStream: wiring.agentEventStream,
    onThrottle: wiring.metricsDocument === undefined ? undefined : throttleMetric(wiring.metricsDocument),
  });
}

/** R19: the statuses an agent may choose, on `clients.connectDirectory`. */
export function connectStatuses(wiring: Wiring): StatusDirectory {
  return new ConnectStatusDirectory({
    client: required(wiring.clients.connectDirectory, 'clients.connectDirectory', 'the status directory'),
    wrapUpStatus: wrapUpStatusOf(wiring),
    now: () => wiring.clock.now().getTime(),
  });
}

/**
 * R20: names of queues and agents (ListQueues, SearchUsers, DescribeUser) on
 * `clients.connectDirectory`, each listing saved in the session table for the next containers.
 */
export function connectNames(wiring: Wiring, catalog: CatalogPorts | undefined): Directory {
  const log = wiring.log('api');
  return new ConnectDirectory({
    client: required(wiring.clients.connectDirectory, 'clients.connectDirectory', 'the directory of names'),
    now: () => wiring.clock.now().getTime(),
    snapshots: new DynamoDirectorySnapshots({
      client: wiring.clients.dynamo,
      tableName: wiring.resources.tableName,
    }),
    log,
    // R3, R20: groups by name from the catalog; a group it lacks lists it from Connect again.
    agentGroups:
      catalog === undefined
        ? undefined
        : async (instanceArn, miss) => {
            const listed = await catalogOf(catalog, instanceArn, wiring.clock.now(), log, { refresh: miss });
            return new Map(listed.agentGroups.map(({ id, name }) => [id, name]));
          },
  });
}

/**
 * R20: the catalog: listed from Connect on `clients.connect` (one attempt per call) through a
 * quota gate of its own, whose budgets are those of ListQueues, ListUserHierarchyGroups and
 * ListAgentStatuses only (R15); kept in the session table.
 */
export function connectCatalog(wiring: Wiring, fn: FunctionName | undefined): CatalogPorts {
  const { config, clock } = wiring;
  const gate = new ConnectGate({
    quota: config.connectQuota,
    clock,
    random: wiring.random(fn === undefined ? 'connect-gate-catalog' : `connect-gate-catalog:${fn}`),
    onThrottle: wiring.metricsDocument === undefined ? undefined : throttleMetric(wiring.metricsDocument),
  });
  return {
    source: new ConnectCatalogSource({
      client: required(wiring.clients.connect, 'clients.connect', 'the catalog'),
      gate,
    }),
    store: new DynamoCatalogStore({ client: wiring.clients.dynamo, tableName: wiring.resources.tableName }),
  };
}

/** Who a signed-in caller is in Connect: SearchUsers on `clients.connectDirectory`. */
export function connectUsers(wiring: Wiring): ConnectUsers {
  if (wiring.instanceArn === undefined) throw new Error('The API needs the Connect instance ARN');
  return new ConnectUserDirectory({
    client: required(wiring.clients.connectDirectory, 'clients.connectDirectory', 'the user directory'),
    instanceArn: wiring.instanceArn,
    now: () => wiring.clock.now().getTime(),
  });
}

/** Wrap-up timers on the due queue alone (`clients.sqs`): for a function that only defers them. */
export function dueQueueTimers(wiring: Wiring): Timers {
  return new DueQueueTimers({
    sqs: required(wiring.clients.sqs, 'clients.sqs', 'the due queue'),
    dueQueueUrl: required(wiring.resources.dueQueueUrl, 'resources.dueQueueUrl', 'the due queue'),
  });
}

/**
 * Wrap-up timers: schedules on `clients.scheduler` for `ARMS_SCHEDULES`, and the due queue on
 * `clients.sqs` when the function is given one (`resources.dueQueueUrl`: not agent-events, which
 * only cancels schedules).
 */
export function schedulerTimers(wiring: Wiring, fn: FunctionName | undefined): Timers {
  const { clients, resources } = wiring;
  const armsSchedules = fn === undefined || ARMS_SCHEDULES.has(fn);
  return new SchedulerTimers({
    scheduler:
      armsSchedules && resources.schedules !== undefined
        ? {
            client: required(
              clients.scheduler,
              'clients.scheduler',
              `the schedules of ${resources.schedules.groupName}`,
            ),
            ...resources.schedules,
          }
        : undefined,
    due:
      resources.dueQueueUrl === undefined
        ? undefined
        : { sqs: required(clients.sqs, 'clients.sqs', 'the due queue'), dueQueueUrl: resources.dueQueueUrl },
  });
}

/**
 * R16: the dead-letter queue `resources.deadLetterQueueUrl` names (and, for refused timers,
 * `resources.dueDeadLetterQueueUrl` when given), on `clients.sqs`; none without it.
 */
export function sqsDeadLetters(wiring: Wiring): DeadLetterSink | undefined {
  const { deadLetterQueueUrl: queueUrl, dueDeadLetterQueueUrl: dueUrl } = wiring.resources;
  if (queueUrl === undefined || queueUrl === '') return undefined;
  return new SqsDeadLetterSink({
    client: required(wiring.clients.sqs, 'clients.sqs', queueUrl),
    queueUrl,
    queueUrlBySource: dueUrl === undefined || dueUrl === '' ? undefined : { 'timer-due': dueUrl },
  });
}

/**
 * R20: the baseline with the overrides in the session table, read at most once a minute per
 * instance. Nothing is read until a contact's policy is resolved.
 */
export function dynamoLivePolicies(wiring: Wiring, log: Log): PolicySource {
  return new LivePolicies({
    store: new DynamoPolicyStore({ client: wiring.clients.dynamo, tableName: wiring.resources.tableName }),
    baseline: wiring.config.policies,
    clock: wiring.clock,
    log,
  });
}

/** Issue 13: the marks of days to roll up again, in the session table. */
export function dynamoLateCompletions(wiring: Wiring): LateCompletions {
  return new DynamoLateCompletions({ client: wiring.clients.dynamo, tableName: wiring.resources.tableName });
}

/** R20: the policy store on the session table: what the administrator routes change. */
export function dynamoPolicyStore(wiring: Wiring): PolicyStore {
  return new DynamoPolicyStore({ client: wiring.clients.dynamo, tableName: wiring.resources.tableName });
}

/** R18: the kill switch `resources.switchParameter` names, on `clients.ssm`; always on without it. */
export function ssmKillSwitch(wiring: Wiring, log: Log): KillSwitch | undefined {
  const parameterName = wiring.resources.switchParameter;
  if (parameterName === undefined) return undefined;
  if (wiring.clients.ssm === undefined)
    throw new Error(`The kill switch ${parameterName} needs an SSM client`);
  return new SsmKillSwitch({ client: wiring.clients.ssm, parameterName, log });
}

/** What the reports are built from: the API's wiring, or the roll-up function's (no due queue). */
export type ReportsWiring = Pick<Wiring, 'config' | 'instanceArn' | 'clients' | 'clock'> & {
  readonly resources: Pick<Resources, 'tableName'>;
};

/**
 * Issue 13: the roll-ups and sessions in the session table, the instance's queues (ListQueues on
 * `clients.connectDirectory`) and the queues the policies name, with `acw.reports`.
 */
export function dynamoReports(wiring: ReportsWiring): ReportsParts {
  if (wiring.instanceArn === undefined) throw new Error('The reports need the Connect instance ARN');
  return {
    ports: {
      store: new DynamoReportStore({ client: wiring.clients.dynamo, tableName: wiring.resources.tableName }),
      catalog: new ConnectQueueCatalog({
        client: required(wiring.clients.connectDirectory, 'clients.connectDirectory', 'the queue catalog'),
        instanceArn: wiring.instanceArn,
        now: () => wiring.clock.now().getTime(),
      }),
      extraQueueIds: Object.keys(wiring.config.policies.queues).map(queueIdOf),
    },
    settings: wiring.config.reports,
  };
}

/** Every adapter: what the simulator and the local server compose with. */
export const ALL_ADAPTERS: Adapters = {
  sessions: dynamoSessions,
  connect: connectSide,
  statuses: connectStatuses,
  directory: connectNames,
  catalog: connectCatalog,
  users: connectUsers,
  timers: schedulerTimers,
  deadLetters: sqsDeadLetters,
  killSwitch: ssmKillSwitch,
  policies: dynamoLivePolicies,
  policyStore: dynamoPolicyStore,
  reports: dynamoReports,
  lateCompletions: dynamoLateCompletions,
};

function wrapUpStatusOf(wiring: Wiring): StatusRef {
  return wiring.wrapUpStatus ?? wiring.config.wrapUpStatus;
}

function required<T>(client: T | undefined, name: string, forWhat: string): T {
  if (client === undefined) throw new Error(`${forWhat} needs ${name}, which this wiring does not give`);
  return client;
}

function unavailableTimers(fn: FunctionName | undefined): Timers {
  const refuse = async (): Promise<never> => {
    throw new PortUnavailable('timers', fn);
  };
  return { arm: refuse, defer: refuse, cancel: refuse };
}

function unavailableAgents(fn: FunctionName | undefined): AgentStatus {
  return {
    set: async () => {
      throw new PortUnavailable('agents', fn);
    },
  };
}

function unavailableContacts(fn: FunctionName | undefined): ContactRecords {
  return {
    write: async () => {
      throw new PortUnavailable('contacts', fn);
    },
  };
}
