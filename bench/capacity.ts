/**
 * Issue 11's capacity probes: 30 simulated minutes of contacts arriving evenly at a fraction of
 * the full load, Q/2 contacts a second for a PutUserStatus quota Q = 2 requests/s (two status
 * changes a contact), the simulated Connect refusing calls over `faults.connectRatePerSecond` = Q
 * per second of each API (every API its own bucket, as Connect's quotas are per API).
 * Each probe is judged only by what can fail (bench/measure.ts): hold time, restore lateness,
 * record lateness, backlogs, lost and stuck, and its cost per 1,000 contacts (bench/cost.ts).
 *
 * Every factor runs in both CONFIGURATIONS: `stream` (the agent event stream configured: statuses
 * read from its reports) and `default` (no stream, the deployed default: GetCurrentUserData before
 * each restore, on its own quota; the simulator's `agentEventStream: false`).
 */
import type { Session } from '../lambda/core/session';
import { FUNCTION_TIMEOUT_SECONDS } from '../lib/function-timeouts';
import { functionOf, HANDLER_NAMES, type HandlerName, runSimulation } from '../sim/engine';
import type { Faults } from '../sim/faults';
import { costPer1000Contacts, gbSeconds, type Usage } from './cost';
import { START } from './generate';
import { generateFaultWorkload } from './generate-faults';
import type { Figure } from './jobs';
import {
  backlogSamples,
  holdTimes,
  type InvocationLengths,
  invocationLengths,
  percentile,
  percentileWithMissing,
  slope,
  sorted,
  type Waiting,
} from './measure';

/** The PutUserStatus quota Q, requests per second; also the simulated Connect's rate of each other API (each its own bucket). */
export const QUOTA_PER_SECOND = 2;
/** Full load: Q/2 contacts a second (two PutUserStatus a contact), per minute. */
export const FULL_LOAD_PER_MINUTE = (QUOTA_PER_SECOND / 2) * 60;
/** The curve, as fractions of the full load; 0.9 is the load the targets are judged at. */
export const CAPACITY_FACTORS = [0.9, 1.2, 1.0, 0.8, 0.6, 0.3] as const;
export const JUDGED_FACTOR = 0.9;
export const CAPACITY_MINUTES = 30;
export const CAPACITY_SEED = 1;
const CAPACITY_FAULTS: Faults = { connectRatePerSecond: QUOTA_PER_SECOND };
/** As lib/acw-function.ts sets every function: 256 MB (Arm). */
export const LAMBDA_MEMORY_MB = 256;

/** Issue 11's targets. */
export const CAPACITY_TARGETS = {
  holdP99Ms: 5_000,
  restoreP99Ms: 2_000,
  recordP99Ms: 60_000,
  /** "Must not grow": at most this many more waiting legs per simulated minute (least squares). */
  backlogSlopePerMinute: 0.1,
  costPer1000Usd: 0.01,
  dynamoRequestsPerWrapUp: 6,
} as const;

/** The configurations every probe runs in, each with the simulator option that selects it. */
export const CONFIGURATIONS = [
  {
    name: 'stream',
    what: 'agent event stream configured: statuses observed from the stream',
    simulated: true,
    agentEventStream: true,
  },
  {
    name: 'default',
    what: 'no agent event stream (the default): GetCurrentUserData before each restore',
    simulated: true,
    agentEventStream: false,
  },
] as const;

/** `stream` or `default`. */
export type ConfigurationName = (typeof CONFIGURATIONS)[number]['name'];

/** What the simulated Connect's quota applies to (bench/results.json's `capacity.quota.appliesTo`). */
export const QUOTA_APPLIES_TO =
  `each Connect API separately: every API (PutUserStatus, UpdateContactAttributes, GetCurrentUserData, ...) ` +
  `has its own bucket of ${QUOTA_PER_SECOND} requests/s, burst 5, in the simulated Connect (sim/faults.ts ApiQuotas)`;

const MINUTE_MS = 60_000;
/**
 * The backlog's slope is taken after this warm-up: talk times run up to 10 minutes
 * (bench/generate.ts), so disconnects only reach their steady rate 10 minutes into the arrivals,
 * and a backlog rising from 0 meanwhile is no growth.
 */
export const WARM_UP_MINUTES = 10;

/**
 * One probe: `factor` x the full load for `minutes` (CAPACITY_MINUTES in the bench), in
 * `configurationName`, on the workload of `seed` (CAPACITY_SEED; the `seeds` job tries others).
 */
export async function capacityProbe(
  factor: number,
  minutes = CAPACITY_MINUTES,
  configurationName: ConfigurationName = 'stream',
  workerInstances = 1,
  seed = CAPACITY_SEED,
) {
  const configuration = configurationOf(configurationName);
  const contactsPerMinute = Math.round(factor * FULL_LOAD_PER_MINUTE * 100) / 100;
  // Enough agents that contacts never wait for one: the quota is the only limit.
  const agents = Math.max(200, Math.ceil(contactsPerMinute * 10));
  const workload = generateFaultWorkload({
    seed,
    agents,
    minutes,
    contactsPerMinute,
    faults: CAPACITY_FAULTS,
    pacing: 'even',
  });
  const started = performance.now();
  const run = await runSimulation(workload.scenario, {
    quiet: true,
    callLatency: true,
    agentEventStream: configuration.agentEventStream,
    // With the stream, Connect repeats each agent's status on every contact change and heartbeat.
    agentStreamRepeats: true,
    workerInstances,
  });
  const simulationSeconds = round((performance.now() - started) / 1000, 1);
  const start = START;

  const changes = run.result.statusChanges.map((change) => ({ ...change, at: Date.parse(change.at) }));
  const sessions = new Map(
    run.storedSessions.map((session) => [`${session.contactId}/${session.agentId}`, session]),
  );
  const stored = new Set(sessions.keys());
  const lost = workload.legs.filter((leg) => !stored.has(leg.key)).length;

  // Hold: disconnect -> Wrap Up status, per leg that must be held.
  const holds = holdTimes(workload.legs, changes);
  const holdValues: number[] = [];
  let neverHeld = 0;
  const holdWaiting: Waiting[] = [];
  for (const leg of workload.legs) {
    const heldAt = holds.get(leg.key);
    if (heldAt === undefined) neverHeld++;
    else holdValues.push(heldAt - leg.disconnectedAt);
    // Waiting until held, or until its wrap-up ended without a hold (the agent left it first).
    const endedAt = sessions.get(leg.key)?.endedAt;
    holdWaiting.push({
      from: leg.disconnectedAt,
      to: heldAt ?? (endedAt === undefined ? undefined : Date.parse(endedAt)),
    });
  }
  const holdSorted = sorted(holdValues);

  // Restore: deadline -> the status change that put the agent back, per wrap-up the system ended.
  const restoreValues: number[] = [];
  let restoresMissing = 0;
  for (const session of run.storedSessions) {
    if (session.endReason !== 'TIMER' && session.endReason !== 'SWEEP') continue;
    if (session.deadline === undefined) continue;
    const deadline = Date.parse(session.deadline);
    const target = session.nextStatus ?? 'Available';
    const back = changes.find(
      (change) => change.agentId === session.agentId && change.status === target && change.at >= deadline,
    );
    if (back === undefined) restoresMissing++;
    else restoreValues.push(back.at - deadline);
  }
  const restoreSorted = sorted(restoreValues);

  // Records (R17): close -> CONTACT_ATTRIBUTES_WRITTEN (stamped after the successful call).
  const recordValues: number[] = [];
  const recordWaiting: Waiting[] = [];
  // By end reason: without the stream, the system learns of an agent's own status change only at
  // the restore check (the deadline), while the close is stamped when the agent chose it.
  const recordByReason: Record<string, { values: number[]; unwritten: number }> = {};
  let recordsUnwritten = 0;
  for (const session of run.storedSessions) {
    if (session.state === 'WRAP_UP' || session.endReason === 'LATE_EVENT' || session.endedAt === undefined)
      continue;
    const endedAt = Date.parse(session.endedAt);
    const written = writtenAt(session);
    const reasonName = session.endReason ?? 'NONE';
    const reason = recordByReason[reasonName] ?? { values: [], unwritten: 0 };
    recordByReason[reasonName] = reason;
    if (written === undefined) {
      recordsUnwritten++;
      reason.unwritten++;
    } else {
      recordValues.push(written - endedAt);
      reason.values.push(written - endedAt);
    }
    recordWaiting.push({ from: endedAt, to: written });
  }
  const recordSorted = sorted(recordValues);
  const recordP99ByEndReason = Object.fromEntries(
    Object.entries(recordByReason)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([reason, { values, unwritten }]) => [
        reason,
        {
          count: values.length + unwritten,
          p99: finite(percentileWithMissing(sorted(values), unwritten, 0.99)),
        },
      ]),
  );

  // Backlogs sampled every simulated minute over the arrivals, and their slopes.
  const arrivalsEndMs = start + minutes * MINUTE_MS;
  const holdBacklog = backlogSamples(holdWaiting, start, arrivalsEndMs, MINUTE_MS);
  const recordBacklog = backlogSamples(recordWaiting, start, arrivalsEndMs, MINUTE_MS);
  const holdSlope = slope(holdBacklog.slice(WARM_UP_MINUTES));
  const recordSlope = slope(recordBacklog.slice(WARM_UP_MINUTES));

  // Requests and cost.
  const contacts = workload.summary.contacts;
  const wrapUps = run.storedSessions.filter((session) => session.endReason !== 'LATE_EVENT').length;
  const dynamo = run.stats.dynamo;
  const handlerDynamoRequests =
    Object.values(dynamo.byCommand).reduce((sum, n) => sum + n, 0) - dynamo.capacity.simulatorRequests;
  const indexWriteUnits = Object.values(dynamo.capacity.indexWriteUnits).reduce((sum, n) => sum + n, 0);
  const sqsFedInvocations = run.stats.invocations['contact-events'] + run.stats.invocations['timer-due'];
  const usage: Usage = {
    contacts,
    dynamoReadUnits: dynamo.capacity.readUnits,
    dynamoWriteUnits: dynamo.capacity.tableWriteUnits + indexWriteUnits,
    lambdaInvocations: run.invocations.length,
    lambdaGbSeconds: gbSeconds(
      run.invocations.map((invocation) => invocation.endedAt - invocation.at),
      LAMBDA_MEMORY_MB,
    ),
    // EventBridge's SendMessage per contact event, the handlers' own sends, and per batch of an
    // SQS-fed function one ReceiveMessage and one DeleteMessageBatch (idle long polls not counted).
    sqsRequests:
      workload.summary.contactEvents +
      Object.values(run.stats.sqsCalls).reduce((sum, n) => sum + n, 0) +
      2 * sqsFedInvocations,
    schedulerInvocations: run.stats.scheduleFires + run.stats.duplicateFires,
  };
  const cost = costPer1000Contacts(usage);
  const connectTotal = Object.values(run.stats.connectCalls).reduce((sum, n) => sum + n, 0);
  const connectPerContact = Object.fromEntries(
    Object.entries(run.stats.connectCalls).map(([name, n]) => [
      name.replace(/Command$/, ''),
      round(n / contacts, 3),
    ]),
  );
  const dynamoPerWrapUp = handlerDynamoRequests / wrapUps;
  const lengths = invocationLengths(run.invocations, timeoutMsOfHandler);
  const pastTimeout = Object.values(lengths).reduce((sum, handler) => sum + handler.pastTimeout, 0);
  const lambdaSecondsByFunction: Record<string, number> = {};
  for (const invocation of run.invocations) {
    lambdaSecondsByFunction[invocation.fn] = round(
      (lambdaSecondsByFunction[invocation.fn] ?? 0) + (invocation.endedAt - invocation.at) / 1000,
      1,
    );
  }

  const holdP99 = percentileWithMissing(holdSorted, neverHeld, 0.99);
  const restoreP99 = percentileWithMissing(restoreSorted, restoresMissing, 0.99);
  const recordP99 = percentileWithMissing(recordSorted, recordsUnwritten, 0.99);
  const t = CAPACITY_TARGETS;
  const judged = (value: number, target: number) => ({ value: finite(value), target, pass: value <= target });
  const results = {
    factor,
    configuration: configuration.name,
    ran: {
      configuration: configuration.what,
      agentEventStream: configuration.agentEventStream,
      agentStreamRepeats: configuration.agentEventStream,
      seed,
      minutes,
      contactsPerMinute,
      pacing: 'even',
      agents,
      faults: CAPACITY_FAULTS,
      putUserStatusQuotaPerSecond: QUOTA_PER_SECOND,
      quotaAppliesTo: QUOTA_APPLIES_TO,
      callLatency: true,
      workerInstances,
      until: workload.scenario.until,
    },
    workload: workload.summary,
    legsToHold: workload.legs.length,
    holdMs: {
      what: 'Wrap Up status change (simulated Connect) - the contact event disconnectTimestamp, per leg with a policy',
      count: holdSorted.length,
      neverHeld,
      p50: finite(percentile(holdSorted, 0.5)),
      p99: judged(holdP99, t.holdP99Ms),
      max: finite(holdSorted.at(-1) ?? Number.NaN),
    },
    restoreLatenessMs: {
      what: 'status change putting the agent back (Available, or their R19 choice) - deadline, wrap-ups ended by TIMER or SWEEP',
      count: restoreSorted.length,
      missing: restoresMissing,
      p50: finite(percentile(restoreSorted, 0.5)),
      p99: judged(restoreP99, t.restoreP99Ms),
      max: finite(restoreSorted.at(-1) ?? Number.NaN),
    },
    recordLagMs: {
      what: 'CONTACT_ATTRIBUTES_WRITTEN (after UpdateContactAttributes succeeded) - close, closed wrap-ups; unwritten count as never',
      count: recordSorted.length,
      unwrittenAtEnd: { value: recordsUnwritten, target: 0, pass: recordsUnwritten === 0 },
      p50: finite(percentile(recordSorted, 0.5)),
      p99: judged(recordP99, t.recordP99Ms),
      byEndReason: recordP99ByEndReason,
    },
    backlog: {
      what:
        'sampled every simulated minute over the arrivals (samples[k] at minute k); slope by least squares, ' +
        `per minute, over minutes ${WARM_UP_MINUTES}-${minutes} (after the warm-up)`,
      notYetHeld: {
        samples: holdBacklog,
        atEndOfArrivals: holdBacklog.at(-1) ?? 0,
        max: Math.max(...holdBacklog),
        slopePerMinute: judged(round(holdSlope, 3), t.backlogSlopePerMinute),
      },
      recordsNotYetWritten: {
        samples: recordBacklog,
        atEndOfArrivals: recordBacklog.at(-1) ?? 0,
        max: Math.max(...recordBacklog),
        slopePerMinute: judged(round(recordSlope, 3), t.backlogSlopePerMinute),
      },
    },
    sessionsLost: { value: lost, target: 0, pass: lost === 0 },
    agentsStuck: { value: run.result.stuck.length, target: 0, pass: run.result.stuck.length === 0 },
    stuck: run.result.stuck.slice(0, 10),
    connect: {
      calls: run.stats.connectCalls,
      perContact: { total: round(connectTotal / contacts, 3), ...connectPerContact },
      overQuota: run.stats.faults.connectOverQuota,
      overQuotaByApi: run.stats.faults.connectOverQuotaByApi,
    },
    dynamodb: {
      requests: handlerDynamoRequests,
      byCommand: dynamo.byCommand,
      simulatorRequests: dynamo.capacity.simulatorRequests,
      requestsPerWrapUp: judged(round(dynamoPerWrapUp, 2), t.dynamoRequestsPerWrapUp),
      wrapUps,
      readUnits: dynamo.capacity.readUnits,
      tableWriteUnits: dynamo.capacity.tableWriteUnits,
      indexWriteUnits: dynamo.capacity.indexWriteUnits,
      conditionFailures: dynamo.capacity.conditionFailures,
      how:
        'sim/dynamo.ts: every handler request, the item before it (kept from earlier writes) and after it ' +
        '(read back by an uncounted client), sized as DynamoDB sizes items (sim/capacity.ts): write units ' +
        'of the larger, per index the item lands in, leaves or moves in (both indexes project ALL); ' +
        'condition failures the existing item; reads per 4 KB, half when eventually consistent; ' +
        'Query read units from the items returned (a filter would hide some: none is used today)',
    },
    lambda: {
      invocations: run.stats.invocations,
      memoryMb: LAMBDA_MEMORY_MB,
      gbSeconds: round(usage.lambdaGbSeconds, 2),
      secondsByFunction: lambdaSecondsByFunction,
      how: 'simulated duration of every invocation (waits and sleeps included) x 256 MB',
      lengths,
      pastTimeout: { value: pastTimeout, target: 0, pass: pastTimeout === 0 },
    },
    sqsRequests: usage.sqsRequests,
    schedulerInvocations: usage.schedulerInvocations,
    schedulesCreated: run.stats.schedulesCreated,
    costPer1000ContactsUsd: {
      total: judged(round(cost.total, 5), t.costPer1000Usd),
      dynamodb: round(cost.dynamodb, 5),
      lambda: round(cost.lambda, 5),
      sqs: round(cost.sqs, 5),
      scheduler: round(cost.scheduler, 5),
    },
    deadLetters: run.deadLetters.length,
    asyncFailures: run.asyncFailures.length,
    simulationSeconds,
  };
  const figures: Figure[] = [
    {
      name: 'hold p50 / p99 (disconnect to Wrap Up)',
      value: `${ms(percentile(holdSorted, 0.5))} / ${ms(holdP99)} (${neverHeld} of ${workload.legs.length} never held)`,
      target: `p99 <= ${t.holdP99Ms} ms`,
      pass: results.holdMs.p99.pass,
    },
    {
      name: 'restore lateness p50 / p99 (deadline to back)',
      value: `${ms(percentile(restoreSorted, 0.5))} / ${ms(restoreP99)} (${restoresMissing} never restored)`,
      target: `p99 <= ${t.restoreP99Ms} ms`,
      pass: results.restoreLatenessMs.p99.pass,
    },
    {
      name: 'record written after the close p50 / p99',
      value: `${ms(percentile(recordSorted, 0.5))} / ${ms(recordP99)}`,
      target: `p99 <= ${t.recordP99Ms} ms`,
      pass: results.recordLagMs.p99.pass,
    },
    {
      name: 'records unwritten at the end',
      value: `${recordsUnwritten} of ${recordsUnwritten + recordSorted.length}`,
      target: '= 0',
      pass: recordsUnwritten === 0,
    },
    {
      name: 'backlog not yet held: end / max, slope',
      value: `${results.backlog.notYetHeld.atEndOfArrivals} / ${results.backlog.notYetHeld.max}, ${round(holdSlope, 3)}/min`,
      target: `slope <= ${t.backlogSlopePerMinute}/min`,
      pass: results.backlog.notYetHeld.slopePerMinute.pass,
    },
    {
      name: 'backlog records unwritten: end / max, slope',
      value: `${results.backlog.recordsNotYetWritten.atEndOfArrivals} / ${results.backlog.recordsNotYetWritten.max}, ${round(recordSlope, 3)}/min`,
      target: `slope <= ${t.backlogSlopePerMinute}/min`,
      pass: results.backlog.recordsNotYetWritten.slopePerMinute.pass,
    },
    { name: 'sessions lost', value: String(lost), target: '= 0', pass: lost === 0 },
    {
      name: 'agents stuck at the end',
      value: String(run.result.stuck.length),
      target: '= 0',
      pass: run.result.stuck.length === 0,
    },
    invocationsPastTimeoutFigure(lengths),
    {
      name: 'Connect calls per contact',
      value: Object.entries(results.connect.perContact)
        .map(([name, n]) => `${name} ${n}`)
        .join(', '),
    },
    {
      name: 'Connect calls refused over their API quota',
      value:
        Object.entries(results.connect.overQuotaByApi)
          .map(([name, n]) => `${name} ${n}`)
          .join(', ') || 'none',
    },
    {
      name: 'DynamoDB requests per wrap-up',
      value: `${round(dynamoPerWrapUp, 2)} (${handlerDynamoRequests} for ${wrapUps})`,
      target: `<= ${t.dynamoRequestsPerWrapUp}`,
      pass: results.dynamodb.requestsPerWrapUp.pass,
    },
    {
      name: 'cost per 1,000 contacts',
      value:
        `$${cost.total.toFixed(4)} (DynamoDB ${cost.dynamodb.toFixed(4)}, Lambda ${cost.lambda.toFixed(4)}, ` +
        `SQS ${cost.sqs.toFixed(4)}, Scheduler ${cost.scheduler.toFixed(4)})`,
      target: `<= $${t.costPer1000Usd}`,
      pass: cost.total <= t.costPer1000Usd,
    },
  ];
  return {
    results,
    title:
      `capacity ${factor} x Q/2 = ${contactsPerMinute} contacts/min evenly, ${minutes} simulated minutes, ` +
      `${agents} agents, ${contacts} contacts, quota ${QUOTA_PER_SECOND}/s per API, ` +
      `configuration ${configuration.name} (${configuration.what}); simulated in ${simulationSeconds} s`,
    figures,
  };
}

/**
 * A simulated handler's timeout, in ms: its deployed function's (lib/function-timeouts.ts).
 * @throws Error for a handler the simulator does not have (the check would otherwise never fail).
 */
export function timeoutMsOfHandler(handler: string): number {
  if (!(HANDLER_NAMES as readonly string[]).includes(handler)) {
    throw new Error(`timeoutMsOfHandler: no function runs a handler named ${handler}`);
  }
  return FUNCTION_TIMEOUT_SECONDS[functionOf(handler as HandlerName)] * 1000;
}

/**
 * The figure: invocations that outran their function's timeout, which the simulator lets run on
 * and Lambda would have stopped (then the figures resting on them would not hold), with the
 * longest invocation beside each function's timeout.
 */
export function invocationsPastTimeoutFigure(lengths: Record<string, InvocationLengths>): Figure {
  const past = Object.values(lengths).reduce((sum, handler) => sum + handler.pastTimeout, 0);
  return {
    name: 'invocations past their timeout (longest / timeout)',
    value: `${past} (${Object.entries(lengths)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([fn, handler]) => `${fn} ${round(handler.maxMs / 1000, 1)}/${handler.timeoutMs / 1000} s`)
      .join(', ')})`,
    target: '= 0',
    pass: past === 0,
  };
}

/** A probe's part of results.json. */
export type CapacityResults = Awaited<ReturnType<typeof capacityProbe>>['results'];

/** What "held on time at full load" asks of a probe (issue 11), by name: whether each passed. */
export function heldOnTimeChecks(results: CapacityResults): Record<string, boolean> {
  return {
    'hold p99': results.holdMs.p99.pass,
    'restore p99': results.restoreLatenessMs.p99.pass,
    'record p99': results.recordLagMs.p99.pass,
    'records unwritten': results.recordLagMs.unwrittenAtEnd.pass,
    'hold backlog slope': results.backlog.notYetHeld.slopePerMinute.pass,
    'record backlog slope': results.backlog.recordsNotYetWritten.slopePerMinute.pass,
    'sessions lost': results.sessionsLost.pass,
    'agents stuck': results.agentsStuck.pass,
    'invocations past their timeout': results.lambda.pastTimeout.pass,
  };
}

/** The configuration named. */
export function configurationOf(name: ConfigurationName): (typeof CONFIGURATIONS)[number] {
  const configuration = CONFIGURATIONS.find((candidate) => candidate.name === name);
  if (configuration === undefined) throw new Error(`unknown bench configuration ${String(name)}`);
  return configuration;
}

/** When the wrap-up record reached the contact (R17), if it did. */
function writtenAt(session: Session): number | undefined {
  if (session.contactRecord !== 'DONE') return undefined;
  const entry = session.history.findLast((item) => item.what === 'CONTACT_ATTRIBUTES_WRITTEN');
  return entry === undefined ? undefined : Date.parse(entry.at);
}

/** JSON has no Infinity: a figure that never arrived is written as null. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function ms(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return 'never';
  return Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
