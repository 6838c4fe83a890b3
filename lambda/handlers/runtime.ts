/**
 * The deployed wiring: the real SDK clients and the names the stack sets in the environment,
 * handed to the composition root (lambda/app/compose.ts), built once per container: at init in
 * Lambda, else on first use.
 * Tests and the simulator compose their own apps instead and never read the environment.
 *
 * Each function's entry point names the kits it uses (`deployedApp(sessions, connect, ...)`): a
 * kit is an outside system's SDK client and the adapter built on it. Only those are constructed,
 * and, since the SDK is bundled and free of side effects, only those are in the function's bundle:
 * a client it does not name is never loaded at init (issue 11, bench/cold-start.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Adapters,
  type ApiParts,
  type App,
  type Clients,
  composeApiWith,
  composeWith,
  connectCatalog,
  connectNames,
  connectSide,
  connectStatuses,
  connectUsers,
  dueQueueTimers,
  dynamoLateCompletions,
  dynamoLivePolicies,
  dynamoPolicyStore,
  dynamoReports,
  dynamoSessions,
  schedulerTimers,
  sqsDeadLetters,
  ssmKillSwitch,
  type Wiring,
} from '../app/compose';
import type { AcwConfig } from '../config/acw-config';
import { MAX_DURATION_SECONDS } from '../core/config';
import { POLICIES_FILE } from '../core/policy-bundle';
import type { Clock, Log } from '../core/ports';
import type { ReportsParts } from './api-reports';
import { ENV, requireEnv } from './env';

export type { App } from '../app/compose';

/** The CloudWatch namespace of every metric the functions publish (lib/monitoring.ts reads it). */
export const METRICS_NAMESPACE = 'ConnectAcw';
export { ENV, requireEnv } from './env';

/** Adapts Powertools Logger to the core's Log port. */
export function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, fields) => logger.info(message, fields ?? {}),
    warn: (message, fields) => logger.warn(message, fields ?? {}),
    error: (message, fields) => logger.error(message, fields ?? {}),
  };
}

/** Shared by every handler in a container. */
export const logger = new Logger({ serviceName: 'connect-acw' });

/** The SDK clients' settings from the environment. */
interface ClientSettings {
  readonly region: string | undefined;
}

/** Makes one SDK client. */
type ClientFactories = {
  readonly [Name in keyof Clients]?: (settings: ClientSettings) => NonNullable<Clients[Name]>;
};

/** One outside system as a deployed function uses it: its SDK clients and the adapters built on them. */
export interface Kit {
  /** Each client it needs; one client of a name is made for all the kits that name it. */
  readonly clients: ClientFactories;
  readonly adapters: Partial<Adapters>;
  /**
   * The environment variables it cannot do without: a function naming it fails fast without them.
   * A function, so that a kit no entry point names stays out of the bundle (esbuild keeps an
   * object literal that reads a property, such as `ENV.dueQueueUrl`, since a getter could run).
   */
  readonly env?: () => readonly string[];
}

/** Adaptive retries for the calls outside the quota gate. */
const retrying = (region: string | undefined) => ({ region, retryMode: 'adaptive', maxAttempts: 5 }) as const;

/** The session table (DynamoDB): every function. */
export const sessions: Kit = {
  clients: {
    dynamo: ({ region }) =>
      DynamoDBDocumentClient.from(new DynamoDBClient(retrying(region)), {
        marshallOptions: { removeUndefinedValues: true },
      }),
  },
  // R20: the live policies are in the same table; read only where a contact's policy is resolved.
  // The store the administrator routes write is made for the API only (composeApiWith). Issue 13:
  // a session completing after its day's roll-up marks the day there too.
  adapters: {
    sessions: dynamoSessions,
    policies: dynamoLivePolicies,
    policyStore: dynamoPolicyStore,
    lateCompletions: dynamoLateCompletions,
  },
};

/** PutUserStatus, the contact record and the status check (Connect), through the quota gate. */
export const connect: Kit = {
  // One attempt per call: the quota gate owns retries (backoff with jitter, restores first, R15).
  clients: { connect: ({ region }) => new ConnectClient({ region, maxAttempts: 1 }) },
  adapters: { connect: connectSide },
};

/** SearchUsers, SearchAgentStatuses, ListQueues and DescribeUser (Connect), outside the gate: the API. */
export const directory: Kit = {
  clients: {
    connectDirectory: ({ region }) => new ConnectClient({ region, retryMode: 'adaptive', maxAttempts: 3 }),
  },
  adapters: { statuses: connectStatuses, directory: connectNames, users: connectUsers },
};

/**
 * R20: the catalog of queues, agent groups and statuses by name (Connect, through the quota gate:
 * the same one-attempt client as `connect`), kept in the session table: the sweep refreshes it,
 * the API reads it.
 */
export const catalog: Kit = {
  clients: { connect: ({ region }) => new ConnectClient({ region, maxAttempts: 1 }) },
  adapters: { catalog: connectCatalog },
};

/**
 * Issue 13: the reports' roll-ups and sessions (the session table) and the instance's queues
 * (ListQueues): the API, with the `sessions` and `directory` kits whose clients it uses.
 */
export const reports: Kit = {
  // Its clients come with the `sessions` and `directory` kits, named beside it (no spread here:
  // esbuild keeps a spread, and with it the Connect client, in every bundle).
  clients: {},
  adapters: { reports: dynamoReports },
};

/** Wrap-up timers handed to the due queue (SQS), for a function that only defers them. */
export const dueQueue: Kit = {
  clients: { sqs: ({ region }) => new SQSClient(retrying(region)) },
  adapters: { timers: dueQueueTimers },
  env: () => [ENV.dueQueueUrl],
};

/**
 * Wrap-up timers armed and cancelled as schedules (EventBridge Scheduler), and deferred to the due
 * queue when the function has it: named after `dueQueue` (its timers replace the due queue's
 * alone), or alone for a function that only cancels schedules (agent-events). For `ARMS_SCHEDULES`.
 */
export const schedules: Kit = {
  clients: { scheduler: ({ region }) => new SchedulerClient(retrying(region)) },
  adapters: { timers: schedulerTimers },
  env: () => [ENV.scheduleGroup, ENV.scheduleTargetArn, ENV.scheduleRoleArn, ENV.scheduleDlqArn],
};

/** R16: refused records kept in the function's dead-letter queue (SQS). */
export const deadLetters: Kit = {
  clients: { sqs: ({ region }) => new SQSClient(retrying(region)) },
  adapters: { deadLetters: sqsDeadLetters },
};

/** R18: the kill switch (SSM). */
export const killSwitch: Kit = {
  clients: { ssm: ({ region }) => new SSMClient(retrying(region)) },
  adapters: { killSwitch: ssmKillSwitch },
};

/** Every kit: what `appFromEnvironment` composes with. */
export const ALL_KITS: readonly Kit[] = [
  sessions,
  connect,
  directory,
  catalog,
  dueQueue,
  schedules,
  deadLetters,
  killSwitch,
  reports,
];

/** The clients and adapters of the kits given, each client made once. */
export function fromKits(
  kits: readonly Kit[],
  settings: ClientSettings,
): { clients: Clients; adapters: Adapters } {
  const clients: Record<string, unknown> = {};
  let adapters: Partial<Adapters> = {};
  for (const kit of kits) {
    for (const [name, make] of Object.entries(kit.clients)) clients[name] ??= make(settings);
    adapters = { ...adapters, ...kit.adapters };
  }
  const made = clients as Partial<Clients>;
  const { dynamo } = made;
  const { sessions: store } = adapters;
  if (dynamo === undefined || store === undefined) {
    throw new Error('Every deployed function needs the sessions kit (the DynamoDB session table)');
  }
  return { clients: { ...made, dynamo }, adapters: { ...adapters, sessions: store } };
}

/** What the deployed composition is given: clients and names from the environment. */
export function wiringFromEnvironment(env: NodeJS.ProcessEnv, clients: Clients): Wiring {
  const config = configFromEnvironment(env);
  const wrapUpStatusId = env[ENV.wrapUpStatusId];
  const log = powertoolsLog(logger);
  return {
    config,
    instanceArn: requireEnv(ENV.instanceArn, env),
    wrapUpStatus: wrapUpStatusId ? { id: wrapUpStatusId } : undefined,
    agentEventStream: config.agentEventStream !== undefined,
    clients,
    resources: {
      tableName: requireEnv(ENV.tableName, env),
      // Only the functions the stack lets defer timers (WrapUpTimers.grantDefer) have it.
      dueQueueUrl: env[ENV.dueQueueUrl],
      // Only the functions the stack grants arming (WrapUpTimers.grantArm) have these.
      schedules:
        env[ENV.scheduleGroup] === undefined
          ? undefined
          : {
              groupName: requireEnv(ENV.scheduleGroup, env),
              targetArn: requireEnv(ENV.scheduleTargetArn, env),
              roleArn: requireEnv(ENV.scheduleRoleArn, env),
              deadLetterArn: requireEnv(ENV.scheduleDlqArn, env),
            },
      switchParameter: env[ENV.switchParameter],
      // Only the functions whose stack construct names a dead-letter queue keep refused records there.
      deadLetterQueueUrl: env[ENV.deadLetterQueueUrl],
      dueDeadLetterQueueUrl: env[ENV.dueDeadLetterQueueUrl],
    },
    clock: {
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    },
    random: () => Math.random,
    log: () => log,
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'connect-acw' }),
    metricsDocument: () => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'connect-acw' }),
  };
}

/**
 * The configuration as the stack wrote it: `ACW_CONFIG` (lib/acw-function.ts
 * `configEnvironmentValue`) and the policies from the bundle (`POLICIES_FILE` beside the handler,
 * in `LAMBDA_TASK_ROOT`: no policy in the environment, issue 12), with the stack's default duration
 * (the `DefaultDurationSeconds` parameter) on the default policy.
 *
 * Not parsed again: the stack validated it at synth, where a bad field is named, and wrote the
 * parsed result, defaults filled in (test/handlers/runtime.test.ts checks that parsing it again
 * changes nothing). Measured, that first zod parse was 6-9 ms of every function's init
 * (bench/cold-start.ts). Only what the stack did not check is: that the values are what it wrote
 * at all, and the duration, which CloudFormation bounds but the console can change.
 */
export function configFromEnvironment(
  env: NodeJS.ProcessEnv,
  readPolicies: (env: NodeJS.ProcessEnv) => string = readBundledPolicies,
): AcwConfig {
  const value: unknown = JSON.parse(requireEnv(ENV.config, env));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${ENV.config} is not a configuration the stack wrote: deploy the stack again`);
  }
  const policies: unknown = JSON.parse(readPolicies(env));
  if (!hasDefault(policies)) {
    throw new Error(
      `${POLICIES_FILE} holds no policies the stack wrote (no default): deploy the stack again`,
    );
  }
  // Trusted past their roots: the stack's own output (see above).
  const written = { ...value, policies } as AcwConfig;
  const raw = requireEnv(ENV.defaultDuration, env);
  const durationSeconds = Number(raw);
  if (!Number.isInteger(durationSeconds) || durationSeconds < 0 || durationSeconds > MAX_DURATION_SECONDS) {
    throw new Error(
      `acw.policies.default.durationSeconds must be an integer 0-${MAX_DURATION_SECONDS}, got ${raw}`,
    );
  }
  return {
    ...written,
    policies: { ...written.policies, default: { ...written.policies.default, durationSeconds } },
  };
}

/** The policies file of the bundle: in `LAMBDA_TASK_ROOT`, where Lambda unpacks the code. */
export function readBundledPolicies(env: NodeJS.ProcessEnv): string {
  const file = join(requireEnv('LAMBDA_TASK_ROOT', env), POLICIES_FILE);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `${file} cannot be read (${error instanceof Error ? error.message : String(error)}): the bundle lacks the policies the stack writes into it; deploy the stack again`,
    );
  }
}

function hasDefault(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'default' in value;
}

/** Builds the deployed App of a function from the environment, with the kits given (all: tests). */
export function appFromEnvironment(env: NodeJS.ProcessEnv, kits: readonly Kit[] = ALL_KITS): App {
  return appOf(env, kits);
}

function appOf(env: NodeJS.ProcessEnv, kits: readonly Kit[]): App {
  for (const kit of kits) for (const name of kit.env?.() ?? []) requireEnv(name, env);
  const { clients, adapters } = fromKits(kits, { region: env.AWS_REGION });
  return composeWith(adapters, wiringFromEnvironment(env, clients));
}

/**
 * Lambda sets it in every function's environment. There the app is composed at init, before the
 * first event (AWS's advice for SDK clients: made once, outside the handler, and timed with the
 * init); elsewhere (a test or the simulator importing a handler's module) only on first use.
 */
const IN_LAMBDA = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/**
 * The deployed App of a function using `kits`, built once and kept for the container's life: at
 * init in Lambda, else on first use. (Not `appFromEnvironment`: its default would put every kit
 * in every bundle.)
 */
export function deployedApp(...kits: Kit[]): () => App {
  let app: App | undefined;
  const get = () => {
    app ??= appOf(process.env, kits);
    return app;
  };
  if (IN_LAMBDA) get();
  return get;
}

/**
 * Issue 13: the roll-up function's reports (lambda/handlers/report-rollup.ts): the session table
 * and ListQueues, from the environment (no due queue: it has none), built once as `deployedApp`.
 */
export function deployedReports(): () => ReportsParts {
  let parts: ReportsParts | undefined;
  const get = () => {
    if (parts === undefined) {
      const env = process.env;
      const { clients } = fromKits([sessions, directory, reports], { region: env.AWS_REGION });
      parts = dynamoReports({
        config: configFromEnvironment(env),
        instanceArn: requireEnv(ENV.instanceArn, env),
        clients,
        clock: SYSTEM_CLOCK,
        resources: { tableName: requireEnv(ENV.tableName, env) },
      });
    }
    return parts;
  };
  if (IN_LAMBDA) get();
  return get;
}

/** The wall clock of a deployed function. */
const SYSTEM_CLOCK: Clock = {
  now: () => new Date(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** The deployed API function's parts, built once and kept for the container's life (as `deployedApp`). */
export function deployedApi(...kits: Kit[]): () => ApiParts {
  let parts: ApiParts | undefined;
  const get = () => {
    if (parts === undefined) {
      const { clients, adapters } = fromKits(kits, { region: process.env.AWS_REGION });
      parts = composeApiWith(adapters, wiringFromEnvironment(process.env, clients));
    }
    return parts;
  };
  if (IN_LAMBDA) get();
  return get;
}
