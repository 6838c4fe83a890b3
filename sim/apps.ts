/**
 * The simulated account's wiring: what the composition root (lambda/app/compose.ts) is given to
 * build each function's App over the shared simulated services, as runtime.ts gives it the AWS
 * SDK's clients. Used by the simulator (sim/engine.ts) and the local contact center
 * (server/world.ts), which differ only in the services they pass.
 */

import type { ConnectUsers } from '../lambda/adapters/connect-users';
import type { FunctionName, Wiring } from '../lambda/app/compose';
import type { AcwConfig } from '../lambda/config/acw-config';
import type { DeadLetterSink } from '../lambda/core/dead-letter-port';
import type { Clock, Log } from '../lambda/core/ports';
import type { SimConnect } from './connect';
import type { SimDynamo } from './dynamo';
import type { Random } from './random';
import type { SimScheduler } from './scheduler';
import type { SimQueue, SimSqs } from './sqs';

/** Names of the simulated stack's resources. */
export const SIM_RESOURCES = {
  scheduleGroup: 'connect-acw',
  timerFiredArn: 'arn:aws:lambda:us-east-1:123456789012:function:connect-acw-timer-fired',
  schedulerRoleArn: 'arn:aws:iam::123456789012:role/connect-acw-scheduler',
  scheduleDlqArn: 'arn:aws:sqs:us-east-1:123456789012:connect-acw-timers-dlq',
  contactEventsQueue: 'connect-acw-contact-events',
  dueQueue: 'connect-acw-due',
  agentEventStream: 'connect-acw-agent-events',
  timerFiredFunction: 'connect-acw-timer-fired',
} as const;

/** One log line of a handler (`fn`: its function), at the (virtual or real) time it was written. */
export interface HandlerLogLine<Fn extends string = FunctionName> {
  readonly at: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly fn: Fn;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The simulated services every function's App is built on. */
export interface SimServices {
  readonly config: AcwConfig;
  readonly dynamo: SimDynamo;
  readonly connect: SimConnect;
  readonly scheduler: SimScheduler;
  readonly sqs: SimSqs;
  readonly due: SimQueue;
  readonly clock: Clock;
  /** Forked per function for the quota gate's jitter. */
  readonly random: Random;
  /** R16: where the handlers keep what they refuse as malformed. */
  readonly deadLetters: DeadLetterSink;
  readonly log: (fn: FunctionName) => Log;
  /** Who the API's callers are. @default - SearchUsers on the simulated Connect */
  readonly users?: ConnectUsers | undefined;
  /**
   * R8, R11: the agent event stream is configured and consumed; without it the handlers read the
   * agent's status with GetCurrentUserData before each restore (the deployed default).
   * @default true
   */
  readonly agentEventStream?: boolean | undefined;
}

/** The wiring of the simulated account, for `composeApp` and `composeFunctions`. */
export function simWiring(services: SimServices): Wiring {
  const { config, dynamo, connect, scheduler, sqs, due, random } = services;
  return {
    config,
    instanceArn: config.connectInstanceArn,
    // R8, R11: the simulated account has the agent event stream unless told otherwise.
    agentEventStream: services.agentEventStream ?? true,
    clients: {
      connect: connect.client(),
      connectDirectory: connect.client(),
      dynamo: dynamo.doc,
      sqs: sqs.client(),
      scheduler: scheduler.client(),
    },
    resources: {
      tableName: dynamo.tableName,
      dueQueueUrl: due.url,
      schedules: {
        groupName: SIM_RESOURCES.scheduleGroup,
        targetArn: SIM_RESOURCES.timerFiredArn,
        roleArn: SIM_RESOURCES.schedulerRoleArn,
        deadLetterArn: SIM_RESOURCES.scheduleDlqArn,
      },
    },
    clock: services.clock,
    random: (stream) => {
      const forked = random.fork(stream);
      return () => forked.float();
    },
    log: (fn) => {
      if (fn === undefined) throw new Error('The simulated functions are composed by name');
      return services.log(fn);
    },
    keepRefused: services.deadLetters,
    users: services.users,
  };
}
