/**
 * The simulated account's functions, wired as deployed (lambda/handlers/runtime.ts): one `App`
 * per function, each with its own adapters over the shared simulated services. Used by the
 * simulator (sim/engine.ts) and the local contact center (server/world.ts).
 */
import { connectPorts } from '../lambda/adapters/connect-ports';
import { ConnectStatusDirectory } from '../lambda/adapters/connect-status-directory';
import { DynamoSessionStore } from '../lambda/adapters/dynamo-session-store';
import { DynamoTokenBucket } from '../lambda/adapters/dynamo-token-bucket';
import { SchedulerTimers } from '../lambda/adapters/timers';
import type { AcwConfig } from '../lambda/core/config';
import type { DeadLetterSink } from '../lambda/core/dead-letter-port';
import { indexPolicies } from '../lambda/core/policy';
import type { Clock, Log } from '../lambda/core/ports';
import type { App } from '../lambda/handlers/runtime';
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
  readonly log: (fn: string) => Log;
}

/**
 * Builds the App of one function. `armsSchedules`: as deployed, the intake, the agent-event
 * consumer (ending a wrap-up cancels its timer) and the API (Extend re-arms, All Done cancels) arm
 * schedules; the timer functions, the sweep and the flow function only defer to the due queue.
 */
export function simApps(services: SimServices): (fn: string, armsSchedules: boolean) => App {
  const { config, dynamo, connect, scheduler, sqs, due, clock, random, deadLetters } = services;
  const policies = indexPolicies(config.policies);
  const statuses = { wrapUp: config.wrapUpStatus, routable: config.routableStatus };
  return (fn, armsSchedules) => {
    const store = new DynamoSessionStore({
      client: dynamo.doc,
      tableName: dynamo.tableName,
      retentionDays: config.sessionRetentionDays,
    });
    const gateRandom = random.fork(`connect-gate:${fn}`);
    // As deployed: Connect behind the quota gate, its token bucket shared by every function in the
    // table; status checks read the agent event stream's reports.
    const connectSide = connectPorts({
      client: connect.client(),
      bucket: new DynamoTokenBucket({ client: dynamo.doc, tableName: dynamo.tableName }),
      quota: config.connectQuota,
      clock,
      random: () => gateRandom.float(),
      wrapUpStatus: config.wrapUpStatus,
      routableStatus: config.routableStatus,
      store,
      agentEventStream: true,
    });
    return {
      // The simulated account always has the agent event stream configured (R8, R11).
      config: { policies, instanceArn: config.connectInstanceArn, agentEventStream: true, statuses },
      deadLetters,
      deps: {
        store,
        timers: new SchedulerTimers({
          scheduler: armsSchedules
            ? {
                client: scheduler.client(),
                groupName: SIM_RESOURCES.scheduleGroup,
                targetArn: SIM_RESOURCES.timerFiredArn,
                roleArn: SIM_RESOURCES.schedulerRoleArn,
                deadLetterArn: SIM_RESOURCES.scheduleDlqArn,
              }
            : undefined,
          sqs: sqs.client(),
          dueQueueUrl: due.url,
        }),
        agents: connectSide.agents,
        contacts: connectSide.contacts,
        presence: connectSide.presence,
        // R19: as the API function has it (its own client, outside the PutUserStatus gate).
        statuses: new ConnectStatusDirectory({
          client: connect.client(),
          wrapUpStatus: config.wrapUpStatus,
          now: () => clock.now().getTime(),
        }),
        clock,
        log: services.log(fn),
      },
    };
  };
}
