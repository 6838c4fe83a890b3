/**
 * The deployed wiring: configuration from the environment the stack sets, SDK clients, logger
 * and metrics, built once per container on first use. Tests and the simulator build their own
 * `App` instead and never read the environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { connectPorts } from '../adapters/connect-ports';
import { DynamoSessionStore } from '../adapters/dynamo-session-store';
import { DynamoTokenBucket } from '../adapters/dynamo-token-bucket';
import { SqsDeadLetterSink } from '../adapters/sqs-dead-letters';
import { SsmKillSwitch } from '../adapters/ssm-kill-switch';
import { SchedulerTimers } from '../adapters/timers';
import { parseAcwConfig } from '../core/config';
import type { DeadLetterSink } from '../core/dead-letter-port';
import type { LifecycleConfig } from '../core/lifecycle';
import { indexPolicies } from '../core/policy';
import type { Deps, Log } from '../core/ports';
import { ENV, requireEnv } from './env';

export { ENV, requireEnv } from './env';

/** What every handler is built from. */
export interface App {
  readonly deps: Deps;
  readonly config: LifecycleConfig;
  readonly metrics?: Metrics | undefined;
  /** R16: where malformed records are kept at once; without it they are failed and retried. */
  readonly deadLetters?: DeadLetterSink | undefined;
}

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

/** Builds the deployed App from the environment. */
export function appFromEnvironment(env: NodeJS.ProcessEnv = process.env): App {
  const config = parseAcwConfig(JSON.parse(requireEnv(ENV.config, env)));
  const defaultDuration = Number(requireEnv(ENV.defaultDuration, env));
  const policies = parseAcwConfig({
    ...config,
    policies: {
      ...config.policies,
      default: { ...config.policies.default, durationSeconds: defaultDuration },
    },
  }).policies;
  const wrapUpStatusId = env[ENV.wrapUpStatusId];
  const region = env.AWS_REGION;
  const clientConfig = { region, retryMode: 'adaptive', maxAttempts: 5 } as const;
  // One attempt per call: the quota gate owns retries (backoff with jitter, restores first, R15).
  const connect = new ConnectClient({ region, maxAttempts: 1 });
  const sqs = new SQSClient(clientConfig);
  const deadLetterQueueUrl = env[ENV.deadLetterQueueUrl];
  const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const tableName = requireEnv(ENV.tableName, env);
  const store = new DynamoSessionStore({
    client: dynamo,
    tableName,
    retentionDays: config.sessionRetentionDays,
  });
  const clock = {
    now: () => new Date(),
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  const wrapUpStatus = wrapUpStatusId ? { id: wrapUpStatusId } : config.wrapUpStatus;
  const connectSide = connectPorts({
    client: connect,
    bucket: new DynamoTokenBucket({ client: dynamo, tableName }),
    quota: config.connectQuota,
    clock,
    random: Math.random,
    wrapUpStatus,
    routableStatus: config.routableStatus,
    store,
    agentEventStream: config.agentEventStream !== undefined,
  });
  return {
    config: {
      policies: indexPolicies(policies),
      instanceArn: requireEnv(ENV.instanceArn, env),
      agentEventStream: config.agentEventStream !== undefined,
      statuses: { wrapUp: wrapUpStatus, routable: config.routableStatus },
    },
    metrics: new Metrics({ namespace: 'ConnectAcw', serviceName: 'connect-acw' }),
    // Only the functions whose stack construct names a dead-letter queue keep refused records there.
    deadLetters:
      deadLetterQueueUrl === undefined || deadLetterQueueUrl === ''
        ? undefined
        : new SqsDeadLetterSink({ client: sqs, queueUrl: deadLetterQueueUrl }),
    deps: {
      store,
      timers: new SchedulerTimers({
        // Only the intake function arms schedules; the timer functions only defer to the due queue.
        scheduler:
          env[ENV.scheduleGroup] === undefined
            ? undefined
            : {
                client: new SchedulerClient(clientConfig),
                groupName: requireEnv(ENV.scheduleGroup, env),
                targetArn: requireEnv(ENV.scheduleTargetArn, env),
                roleArn: requireEnv(ENV.scheduleRoleArn, env),
                deadLetterArn: requireEnv(ENV.scheduleDlqArn, env),
              },
        sqs,
        dueQueueUrl: requireEnv(ENV.dueQueueUrl, env),
      }),
      agents: connectSide.agents,
      contacts: connectSide.contacts,
      presence: connectSide.presence,
      clock,
      log: powertoolsLog(logger),
      killSwitch:
        env[ENV.switchParameter] === undefined
          ? undefined
          : new SsmKillSwitch({
              client: new SSMClient(clientConfig),
              parameterName: requireEnv(ENV.switchParameter, env),
              log: powertoolsLog(logger),
            }),
    },
  };
}

let cached: App | undefined;

/** The deployed App, built on first use and kept for the container's life. */
export function deployedApp(): App {
  cached ??= appFromEnvironment();
  return cached;
}
