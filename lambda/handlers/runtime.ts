/**
 * The deployed wiring: the real SDK clients and the names the stack sets in the environment,
 * handed to the composition root (lambda/app/compose.ts), built once per container on first use.
 * Tests and the simulator compose their own apps instead and never read the environment.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ConnectClient } from '@aws-sdk/client-connect';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type ApiParts, type App, composeApi, composeApp, type Wiring } from '../app/compose';
import { parseAcwConfig } from '../config/acw-config';
import type { Log } from '../core/ports';
import { ENV, requireEnv } from './env';

export type { App } from '../app/compose';
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

/** What the deployed composition is given: clients and names from the environment. */
export function wiringFromEnvironment(env: NodeJS.ProcessEnv = process.env): Wiring {
  const parsed = parseAcwConfig(JSON.parse(requireEnv(ENV.config, env)));
  const defaultDuration = Number(requireEnv(ENV.defaultDuration, env));
  const config = parseAcwConfig({
    ...parsed,
    policies: {
      ...parsed.policies,
      default: { ...parsed.policies.default, durationSeconds: defaultDuration },
    },
  });
  const wrapUpStatusId = env[ENV.wrapUpStatusId];
  const region = env.AWS_REGION;
  const clientConfig = { region, retryMode: 'adaptive', maxAttempts: 5 } as const;
  const log = powertoolsLog(logger);
  return {
    config,
    instanceArn: requireEnv(ENV.instanceArn, env),
    wrapUpStatus: wrapUpStatusId ? { id: wrapUpStatusId } : undefined,
    agentEventStream: config.agentEventStream !== undefined,
    clients: {
      // One attempt per call: the quota gate owns retries (backoff with jitter, restores first, R15).
      connect: new ConnectClient({ region, maxAttempts: 1 }),
      connectDirectory: new ConnectClient({ region, retryMode: 'adaptive', maxAttempts: 3 }),
      dynamo: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      sqs: new SQSClient(clientConfig),
      scheduler: new SchedulerClient(clientConfig),
      ssm: new SSMClient(clientConfig),
    },
    resources: {
      tableName: requireEnv(ENV.tableName, env),
      dueQueueUrl: requireEnv(ENV.dueQueueUrl, env),
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
    },
    clock: {
      now: () => new Date(),
      sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    },
    random: () => Math.random,
    log: () => log,
    metrics: new Metrics({ namespace: 'ConnectAcw', serviceName: 'connect-acw' }),
  };
}

/** Builds the deployed App of this container's function from the environment. */
export function appFromEnvironment(env: NodeJS.ProcessEnv = process.env): App {
  return composeApp(wiringFromEnvironment(env));
}

let cached: Wiring | undefined;

function deployedWiring(): Wiring {
  cached ??= wiringFromEnvironment();
  return cached;
}

let app: App | undefined;

/** The deployed App, built on first use and kept for the container's life. */
export function deployedApp(): App {
  app ??= composeApp(deployedWiring());
  return app;
}

/** The deployed API function's parts, built on first use and kept for the container's life. */
export function deployedApi(): ApiParts {
  return composeApi(deployedWiring());
}
