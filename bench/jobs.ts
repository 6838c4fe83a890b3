/**
 * The bench's simulations, each a job that returns its results (for bench/results.json) and its
 * figures (for the printed report). `npm run bench` runs them in separate processes side by side
 * (bench/job.ts), since each simulation is single-threaded.
 *
 * - `baseline`: a simulated hour of 200 agents (bench/generate.ts) with typical AWS call
 *   latencies and no faults: wrap-up end lateness (R13), Connect calls and DynamoDB writes per
 *   wrap-up. Connect calls: two PutUserStatus (Wrap Up, then the routable status) and one
 *   UpdateContactAttributes (the wrap-up record on the contact, R17) per wrap-up.
 * - `faults`: a simulated hour of 200 agents with every fault the simulator injects at once
 *   (bench/generate-faults.ts): sessions lost, agents stuck, restores later than 2 s (R14, R15).
 * - `quota`: the highest contact rate Connect's quota (2 requests/s, burst 5) sustains with p99
 *   restore lateness <= 2 s, by bisection over shorter runs.
 */
import type { Session } from '../lambda/core/session';
import { runSimulation, type SimulationRun } from '../sim/engine';
import type { Faults } from '../sim/faults';
import { generateWorkload } from './generate';
import { type FaultWorkload, generateFaultWorkload } from './generate-faults';

/** One printed line: a figure, and its target when it has one. */
export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
}

/** What a job hands back to bench/run.ts. */
export interface JobResult {
  /** Its part of bench/results.json. */
  readonly results: Record<string, unknown>;
  /** Its lines of the printed report, under `title`. */
  readonly title: string;
  readonly figures: readonly Figure[];
}

const SEED = 1;
const AGENTS = 200;
const TIER2_AGENTS = 10;
const MINUTES = 60;
/** Restores must be within 2 s of the deadline (R13), p99. */
const LATENESS_TARGET_MS = 2_000;
const TARGETS = {
  p99LatenessMs: LATENESS_TARGET_MS,
  putUserStatusPerWrapUp: 2,
  updateContactAttributesPerWrapUp: 1,
} as const;
/** Status-list lookups (ListAgentStatuses, once per function instance) on top of the per-wrap-up calls. */
const CONNECT_TOTAL_SLACK = 0.01;

/** Issue 4's fault run: every fault at once. */
export const FAULT_RUN_FAULTS: Faults = {
  connectThrottleRate: 0.2,
  connectRatePerSecond: 2,
  dynamoErrorRate: 0.05,
  lostTimerRate: 0.05,
  duplicateRate: 0.3,
  reorderWindowSeconds: 5,
};
/** Steady arrivals that keep 200 agents about 85 % busy (a contact takes them ~6.7 min with its wrap-up). */
const FAULT_RUN_CONTACTS_PER_MINUTE = 25;

/** The quota search: Connect's quota alone, so that the rate found is the quota's. */
const QUOTA_FAULTS: Faults = { connectRatePerSecond: 2 };
const QUOTA_RUN_MINUTES = 5;
/**
 * The search's range, contacts per minute. At about 2.6 Connect calls a contact (two status
 * changes and the record; none for a 0 s policy), 2 calls/s carry about 46 a minute for good,
 * but restores go first, so restores can stay on time above that while the records fall behind.
 */
const QUOTA_LOW = 40;
const QUOTA_HIGH = 88;
const QUOTA_STEPS = 3;
/** Agents are held (Wrap Up) within this long of their disconnect, p99: the events' delivery and the call. */
const HOLD_TARGET_MS = 5_000;

/** The jobs by name. */
export const JOBS = {
  baseline: baselineJob,
  faults: faultJob,
  quota: quotaSearchJob,
} as const satisfies Record<string, () => Promise<JobResult>>;

export type JobName = keyof typeof JOBS;

/** The fault-free hour: what the rules promise when nothing goes wrong. */
async function baselineJob(): Promise<JobResult> {
  const workload = generateWorkload({
    seed: SEED,
    agents: AGENTS,
    tier2Agents: TIER2_AGENTS,
    minutes: MINUTES,
  });
  const started = performance.now();
  const run = await runSimulation(workload.scenario, { quiet: true, callLatency: true });
  const simulationSeconds = (performance.now() - started) / 1000;

  const sessions = run.storedSessions;
  const byTimer = sessions.filter((session) => session.endReason === 'TIMER');
  const lateness = byTimer
    .map((session) => Date.parse(session.endedAt ?? '') - Date.parse(session.deadline ?? ''))
    .sort((a, b) => a - b);
  const restores = restoreLatenessOf(run).map((restore) => restore.latenessMs);
  const calls = run.stats.connectCalls;
  const connectTotal = Object.values(calls).reduce((sum, n) => sum + n, 0);
  const puts = calls.PutUserStatusCommand ?? 0;
  const attributeWrites = calls.UpdateContactAttributesCommand ?? 0;
  const wrapUps = sessions.filter((session) => session.endReason !== 'LATE_EVENT').length;
  // The record is written when a wrap-up closes: per closed one (a late event writes none).
  const closedWrapUps = sessions.filter(
    (session) => session.state !== 'WRAP_UP' && session.endReason !== 'LATE_EVENT',
  ).length;
  const connectPerWrapUp = connectTotal / wrapUps;
  const putsPerWrapUp = puts / wrapUps;
  const attributesPerWrapUp = attributeWrites / closedWrapUps;
  const connectTotalTarget = TARGETS.putUserStatusPerWrapUp + TARGETS.updateContactAttributesPerWrapUp;
  const writesPerWrapUp = run.stats.dynamo.writes / wrapUps;
  const p50 = percentile(lateness, 0.5);
  const p99 = percentile(lateness, 0.99);
  const max = lateness.at(-1) ?? Number.NaN;

  const results = {
    workload: { seed: SEED, ...workload.summary, tier2Agents: TIER2_AGENTS },
    sessions: {
      total: sessions.length,
      closedByTimer: byTimer.length,
      stillOpen: sessions.filter((session) => session.state === 'WRAP_UP').length,
      lateEvents: sessions.filter((session) => session.endReason === 'LATE_EVENT').length,
      stuckAgents: run.result.stuck.length,
    },
    lateness: {
      what: 'endedAt - deadline of TIMER-closed sessions, ms',
      count: lateness.length,
      p50Ms: p50,
      p99Ms: p99,
      maxMs: max,
      targetP99Ms: TARGETS.p99LatenessMs,
      pass: p99 <= TARGETS.p99LatenessMs,
    },
    restoreLateness: {
      what: 'Available status change - deadline, ms (includes the close and the Connect call)',
      count: restores.length,
      p50Ms: percentile(restores, 0.5),
      p99Ms: percentile(restores, 0.99),
      maxMs: restores.at(-1) ?? Number.NaN,
    },
    connect: {
      calls,
      wrapUps,
      closedWrapUps,
      putUserStatusPerWrapUp: round(putsPerWrapUp, 3),
      putUserStatusTarget: TARGETS.putUserStatusPerWrapUp,
      putUserStatusPass: putsPerWrapUp === TARGETS.putUserStatusPerWrapUp,
      updateContactAttributesPerWrapUp: round(attributesPerWrapUp, 3),
      updateContactAttributesTarget: TARGETS.updateContactAttributesPerWrapUp,
      updateContactAttributesPass: attributesPerWrapUp === TARGETS.updateContactAttributesPerWrapUp,
      callsPerWrapUp: round(connectPerWrapUp, 3),
      callsTarget: connectTotalTarget,
      callsPass: connectPerWrapUp < connectTotalTarget + CONNECT_TOTAL_SLACK,
    },
    dynamodb: {
      writes: run.stats.dynamo.writes,
      reads: run.stats.dynamo.reads,
      byCommand: run.stats.dynamo.byCommand,
      writesPerWrapUp: round(writesPerWrapUp, 3),
    },
    timers: {
      schedulesCreated: run.stats.schedulesCreated,
      scheduleFires: run.stats.scheduleFires,
      duplicateFires: run.stats.duplicateFires,
      dueMessages: run.stats.sqsCalls.SendMessageCommand ?? 0,
      deadLetters: run.deadLetters.length,
      asyncFailures: run.asyncFailures.length,
    },
    simulationSeconds: round(simulationSeconds, 1),
  };
  const summary = workload.summary;
  return {
    results,
    title:
      `baseline: ${summary.agents} agents, ${summary.minutes} simulated minutes, ${summary.contactEvents} contact events ` +
      `(${summary.handledLegs} agent legs, ${summary.transfers} transfers, ${summary.abandoned} abandoned, ` +
      `${summary.duplicates} delivered twice), no faults; simulated in ${results.simulationSeconds} s`,
    figures: [
      { name: 'wrap-ups simulated (closed by timer)', value: `${wrapUps} (${byTimer.length})` },
      { name: 'wrap-up end lateness p50', value: ms(p50) },
      {
        name: 'wrap-up end lateness p99',
        value: ms(p99),
        target: `<= ${TARGETS.p99LatenessMs} ms`,
        pass: results.lateness.pass,
      },
      { name: 'wrap-up end lateness max', value: ms(max) },
      {
        name: 'agent back in Available, p99 / max',
        value: `${ms(results.restoreLateness.p99Ms)} / ${ms(results.restoreLateness.maxMs)}`,
      },
      {
        name: 'PutUserStatus per wrap-up',
        value: putsPerWrapUp.toFixed(3),
        target: `= ${TARGETS.putUserStatusPerWrapUp}`,
        pass: results.connect.putUserStatusPass,
      },
      {
        name: 'UpdateContactAttributes per closed wrap-up',
        value: attributesPerWrapUp.toFixed(3),
        target: `= ${TARGETS.updateContactAttributesPerWrapUp}`,
        pass: results.connect.updateContactAttributesPass,
      },
      {
        name: 'Connect calls per wrap-up, total',
        value: `${connectPerWrapUp.toFixed(3)} (${connectTotal} calls)`,
        target: `< ${connectTotalTarget + CONNECT_TOTAL_SLACK}`,
        pass: results.connect.callsPass,
      },
      { name: 'DynamoDB writes per wrap-up', value: writesPerWrapUp.toFixed(2) },
      {
        name: 'agents stuck at the end',
        value: String(run.result.stuck.length),
        target: '= 0',
        pass: run.result.stuck.length === 0,
      },
    ],
  };
}

/** The hour with every fault at once: nothing lost, nobody stuck, how late the restores are. */
async function faultJob(): Promise<JobResult> {
  const workload = generateFaultWorkload({
    seed: SEED,
    agents: AGENTS,
    minutes: MINUTES,
    contactsPerMinute: FAULT_RUN_CONTACTS_PER_MINUTE,
    faults: FAULT_RUN_FAULTS,
  });
  const started = performance.now();
  const run = await runSimulation(workload.scenario, { quiet: true, callLatency: true });
  const simulationSeconds = (performance.now() - started) / 1000;
  const measured = measureFaultRun(workload, run);
  const late = measured.restores.late;
  const results = {
    workload: { seed: SEED, ...workload.summary },
    faults: FAULT_RUN_FAULTS,
    ...measured,
    faultsInjected: run.stats.faults,
    connectCalls: run.stats.connectCalls,
    simulationSeconds: round(simulationSeconds, 1),
  };
  const summary = workload.summary;
  return {
    results,
    title:
      `faults: ${summary.agents} agents, ${summary.minutes} simulated minutes, ${summary.contacts} contacts ` +
      `(${summary.contactsPerMinute}/min; ${summary.allDone} All Done, ${summary.extended} extended, ` +
      `${summary.breakDuringWrapUp + summary.offlineDuringWrapUp} left by the agent's own status), ` +
      `${faultsText(FAULT_RUN_FAULTS)}; simulated in ${results.simulationSeconds} s`,
    figures: [
      {
        name: 'sessions lost (legs with a policy but no session)',
        value: String(measured.sessionsLost),
        target: '= 0',
        pass: measured.sessionsLost === 0,
      },
      {
        name: 'agents stuck at the end',
        value: String(measured.agentsStuck),
        target: '= 0',
        pass: measured.agentsStuck === 0,
      },
      {
        name: 'restores later than 2 s after the deadline',
        value: `${late.count} of ${measured.restores.count} (${late.bySweep} after a lost timer, by the sweep)`,
      },
      {
        name: 'restore lateness p99, all / timer-ended',
        value: `${ms(measured.restores.p99Ms)} / ${ms(measured.restores.timerEndedP99Ms)}`,
      },
      {
        name: 'restores not done at the end',
        value: String(measured.restores.pending),
        target: '= 0',
        pass: measured.restores.pending === 0,
      },
      {
        name: 'faults injected',
        value:
          `${run.stats.faults.connectThrottled} throttled + ${run.stats.faults.connectOverQuota} over quota Connect calls, ` +
          `${run.stats.faults.dynamoErrors} DynamoDB errors, ` +
          `${run.stats.faults.lostSchedules + run.stats.faults.lostDueMessages} timers lost`,
      },
    ],
  };
}

/**
 * The highest contact rate Connect's quota sustains: bisection over shorter runs (QUOTA_RUN_MINUTES
 * of arrivals), a rate being sustained when the p99 restore lateness is within 2 s.
 */
async function quotaSearchJob(): Promise<JobResult> {
  const started = performance.now();
  const probes: QuotaProbe[] = [];
  const probe = async (rate: number): Promise<QuotaProbe> => {
    const result = await quotaProbe(rate);
    probes.push(result);
    return result;
  };
  let low = QUOTA_LOW;
  let high = QUOTA_HIGH;
  let highest: number | undefined;
  if ((await probe(low)).sustained) {
    highest = low;
    for (let step = 0; step < QUOTA_STEPS; step++) {
      const middle = (low + high) / 2;
      if ((await probe(middle)).sustained) {
        low = middle;
        highest = middle;
      } else high = middle;
    }
  }
  const simulationSeconds = (performance.now() - started) / 1000;
  const resolution = (QUOTA_HIGH - QUOTA_LOW) / 2 ** QUOTA_STEPS;
  // Restores go first: when Connect's quota runs short, agents wait longer to be held in wrap-up
  // (left routable after their contact) well before their restores are late.
  const heldInTime = probes
    .filter((entry) => entry.holdP99Ms <= HOLD_TARGET_MS)
    .reduce<number | undefined>((best, entry) => Math.max(best ?? 0, entry.contactsPerMinute), undefined);
  // In the long run every call must fit in the quota, the wrap-up records (served last) included.
  const callsPerContact = probes[0]?.connectCallsPerContact ?? Number.NaN;
  const keepsUp = round((60 * (QUOTA_FAULTS.connectRatePerSecond ?? Number.NaN)) / callsPerContact, 1);
  const results = {
    what:
      'highest contacts per minute with p99 restore lateness <= 2 s under Connect quota alone ' +
      `(${QUOTA_FAULTS.connectRatePerSecond} requests/s, burst 5), ${QUOTA_RUN_MINUTES}-minute runs, bisection`,
    faults: QUOTA_FAULTS,
    highestSustainedContactsPerMinute: highest ?? null,
    highestProbedWithHoldP99Within5s: heldInTime ?? null,
    everyCallKeepsUpBelowContactsPerMinute: keepsUp,
    resolutionContactsPerMinute: resolution,
    probes,
    simulationSeconds: round(simulationSeconds, 1),
  };
  const found =
    highest === undefined
      ? `none: even ${QUOTA_LOW}/min misses`
      : `${highest} contacts/min (≈ ${Math.round(highest * 60)}/hour, resolution ${resolution}/min)`;
  return {
    results,
    title:
      `quota: ${QUOTA_FAULTS.connectRatePerSecond} Connect requests/s (burst 5), ${QUOTA_RUN_MINUTES}-minute runs, ` +
      `${probes.length} rates tried; simulated in ${results.simulationSeconds} s`,
    figures: [
      { name: 'highest contact rate with p99 restore lateness <= 2 s', value: found },
      {
        name: 'highest rate tried with agents held within 5 s (p99)',
        value: heldInTime === undefined ? 'none' : `${heldInTime} contacts/min`,
      },
      {
        name: 'rate at which every call keeps up',
        value: `${keepsUp} contacts/min (quota / ${callsPerContact} calls a contact; above it the records fall behind)`,
      },
      ...probes.map((entry) => ({
        name: `  ${entry.contactsPerMinute}/min`,
        value:
          `restore p99 ${ms(entry.p99Ms)} (${entry.lateOver2s} of ${entry.restores} late), ` +
          `hold p99 ${ms(entry.holdP99Ms)}, ${entry.connectCallsPerContact} Connect calls and ` +
          `${entry.dynamoRequestsPerContact} DynamoDB requests a contact, ` +
          `${entry.sessionsLost} lost, ${entry.agentsStuck} stuck`,
        pass: entry.sustained,
      })),
    ],
  };
}

interface QuotaProbe {
  readonly contactsPerMinute: number;
  readonly agents: number;
  readonly contacts: number;
  readonly restores: number;
  readonly lateOver2s: number;
  readonly p99Ms: number;
  /** How long agents were left routable after their contact, p99: disconnect to the Wrap Up status. */
  readonly holdP99Ms: number;
  readonly overQuota: number;
  readonly connectCallsPerContact: number;
  /** The gate's token bucket is a DynamoDB item: waiting calls read it again and again. */
  readonly dynamoRequestsPerContact: number;
  readonly sessionsLost: number;
  readonly agentsStuck: number;
  readonly sustained: boolean;
}

async function quotaProbe(contactsPerMinute: number): Promise<QuotaProbe> {
  // Enough agents that the queue never waits for one: the quota is the only limit.
  const agents = Math.max(AGENTS, Math.ceil(contactsPerMinute * 10));
  const workload = generateFaultWorkload({
    seed: SEED,
    agents,
    minutes: QUOTA_RUN_MINUTES,
    contactsPerMinute,
    faults: QUOTA_FAULTS,
  });
  const run = await runSimulation(workload.scenario, { quiet: true, callLatency: true });
  const measured = measureFaultRun(workload, run);
  const calls = Object.values(run.stats.connectCalls).reduce((sum, n) => sum + n, 0);
  return {
    contactsPerMinute,
    agents,
    contacts: workload.summary.contacts,
    restores: measured.restores.count,
    lateOver2s: measured.restores.late.count,
    p99Ms: measured.restores.p99Ms,
    holdP99Ms: measured.holds.p99Ms,
    overQuota: run.stats.faults.connectOverQuota,
    connectCallsPerContact: round(calls / workload.summary.contacts, 2),
    dynamoRequestsPerContact: round(
      Object.values(run.stats.dynamo.byCommand).reduce((sum, n) => sum + n, 0) / workload.summary.contacts,
      1,
    ),
    sessionsLost: measured.sessionsLost,
    agentsStuck: measured.agentsStuck,
    sustained: measured.restores.p99Ms <= LATENESS_TARGET_MS,
  };
}

/** What a fault run is judged by: nothing lost, nobody stuck, restores on time. */
function measureFaultRun(workload: FaultWorkload, run: SimulationRun) {
  const stored = new Set(run.storedSessions.map((session) => `${session.contactId}/${session.agentId}`));
  const sessionsLost = [...workload.expectedSessions].filter((key) => !stored.has(key)).length;
  const restores = restoreLatenessOf(run);
  const holds = holdDelaysOf(run);
  const all = restores.map((restore) => restore.latenessMs);
  const timerEnded = restores
    .filter((restore) => restore.endReason === 'TIMER')
    .map((restore) => restore.latenessMs);
  const late = restores.filter((restore) => restore.latenessMs > LATENESS_TARGET_MS);
  const endReasons: Record<string, number> = {};
  for (const session of run.storedSessions) {
    const reason = session.endReason ?? 'OPEN';
    endReasons[reason] = (endReasons[reason] ?? 0) + 1;
  }
  const errors: Record<string, number> = {};
  for (const error of run.result.errors) errors[error.code] = (errors[error.code] ?? 0) + 1;
  return {
    expectedSessions: workload.expectedSessions.size,
    sessions: run.storedSessions.length,
    sessionsLost,
    agentsStuck: run.result.stuck.length,
    stuck: run.result.stuck.slice(0, 10),
    endReasons,
    restores: {
      what: 'Available status change - deadline, ms, of wrap-ups the system ended (TIMER, SWEEP)',
      count: all.length,
      p50Ms: percentile(all, 0.5),
      p99Ms: percentile(all, 0.99),
      maxMs: all.at(-1) ?? Number.NaN,
      timerEndedP99Ms: percentile(timerEnded, 0.99),
      late: {
        count: late.length,
        bySweep: late.filter((restore) => restore.endReason === 'SWEEP').length,
        p99Ms: percentile(
          late.map((restore) => restore.latenessMs),
          0.99,
        ),
      },
      /** Closed by the system but the agent not (yet) put back: must be 0. */
      pending: run.storedSessions.filter(
        (session) => session.state !== 'WRAP_UP' && session.restore === 'PENDING',
      ).length,
    },
    holds: {
      what: 'Wrap Up status change - disconnect, ms: how long the agent was left routable after the contact',
      count: holds.length,
      p50Ms: percentile(holds, 0.5),
      p99Ms: percentile(holds, 0.99),
      maxMs: holds.at(-1) ?? Number.NaN,
    },
    errors,
    deadLetters: run.deadLetters.length,
    asyncFailures: run.asyncFailures.length,
  };
}

/** Per wrap-up that held its agent: from the disconnect to their Wrap Up status, sorted. */
function holdDelaysOf(run: SimulationRun): number[] {
  const byAgent = new Map<string, number[]>();
  for (const change of run.result.statusChanges) {
    if (change.status !== 'Wrap Up') continue;
    const times = byAgent.get(change.agentId) ?? [];
    times.push(Date.parse(change.at));
    byAgent.set(change.agentId, times);
  }
  const values: number[] = [];
  for (const session of run.storedSessions) {
    if (!session.wrapUpStatusSet) continue;
    const startedAt = Date.parse(session.startedAt);
    const heldAt = byAgent.get(session.agentId)?.find((at) => at >= startedAt);
    if (heldAt !== undefined) values.push(heldAt - startedAt);
  }
  return values.sort((a, b) => a - b);
}

/**
 * Per wrap-up the system ended (TIMER, SWEEP) and restored: when its agent was put back in
 * Available (their first Available after the close) relative to its deadline, sorted.
 */
function restoreLatenessOf(
  run: SimulationRun,
): Array<{ latenessMs: number; endReason: Session['endReason'] }> {
  const byAgent = new Map<string, number[]>();
  for (const change of run.result.statusChanges) {
    if (change.status !== 'Available') continue;
    const times = byAgent.get(change.agentId) ?? [];
    times.push(Date.parse(change.at));
    byAgent.set(change.agentId, times);
  }
  const values: Array<{ latenessMs: number; endReason: Session['endReason'] }> = [];
  for (const session of run.storedSessions) {
    if ((session.endReason !== 'TIMER' && session.endReason !== 'SWEEP') || session.restore !== 'DONE')
      continue;
    if (session.endedAt === undefined || session.deadline === undefined) continue;
    const endedAt = Date.parse(session.endedAt);
    const restoredAt = byAgent.get(session.agentId)?.find((at) => at >= endedAt);
    if (restoredAt === undefined) continue;
    values.push({ latenessMs: restoredAt - Date.parse(session.deadline), endReason: session.endReason });
  }
  return values.sort((a, b) => a.latenessMs - b.latenessMs);
}

function faultsText(faults: Faults): string {
  return Object.entries(faults)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

export function ms(value: number): string {
  return Number.isNaN(value) ? 'n/a' : `${Math.round(value)} ms`;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
