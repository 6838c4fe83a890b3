/**
 * `npm run bench`: measures what the rules promise, prints each figure next to its target, and
 * writes bench/results.json.
 *
 * 1. A simulated hour of 200 agents (bench/generate.ts) through the simulator, with typical AWS
 *    call latencies: wrap-up end lateness (R13), Connect calls and DynamoDB writes per wrap-up.
 *    Connect calls: two PutUserStatus (Wrap Up, then the routable status) and one
 *    UpdateContactAttributes (the wrap-up record on the contact, R17) per wrap-up.
 * 2. The bundled size of each Lambda function (esbuild, as the stack bundles them).
 * 3. The core's decision time per event: resolvePolicy + openSession + planTimer.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseAcwConfig } from '../lambda/core/config';
import { indexPolicies, type PolicySubject, resolvePolicy } from '../lambda/core/policy';
import { openSession } from '../lambda/core/session';
import { planTimer } from '../lambda/core/timer';
import { runSimulation, type SimulationRun } from '../sim/engine';
import { BENCH_CONFIG, generateWorkload, type WorkloadSummary } from './generate';

const SEED = 1;
const AGENTS = 200;
const TIER2_AGENTS = 10;
const MINUTES = 60;
const HANDLERS = ['contact-events', 'timer-fired', 'timer-due', 'contact-flow'] as const;
const TARGETS = {
  p99LatenessMs: 2_000,
  putUserStatusPerWrapUp: 2,
  updateContactAttributesPerWrapUp: 1,
  bundleKb: 250,
} as const;
/** Status-list lookups (ListAgentStatuses, once per function instance) on top of the per-wrap-up calls. */
const CONNECT_TOTAL_SLACK = 0.01;
const DECISION_ITERATIONS = 200_000;

const root = fileURLToPath(new URL('..', import.meta.url));

interface Figure {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly pass?: boolean;
}

async function main(): Promise<void> {
  const wallStart = performance.now();
  const workload = generateWorkload({
    seed: SEED,
    agents: AGENTS,
    tier2Agents: TIER2_AGENTS,
    minutes: MINUTES,
  });
  process.stderr.write(
    `bench: simulating ${workload.summary.contactEvents} contact events from ${AGENTS} agents over ${MINUTES} min...\n`,
  );
  const simStart = performance.now();
  const run = await runSimulation(workload.scenario, { quiet: true, callLatency: true });
  const simSeconds = (performance.now() - simStart) / 1000;

  const sessions = run.storedSessions;
  const byTimer = sessions.filter((session) => session.endReason === 'TIMER');
  const lateness = byTimer
    .map((session) => Date.parse(session.endedAt ?? '') - Date.parse(session.deadline ?? ''))
    .sort((a, b) => a - b);
  // When the agent was actually routable again: lateness of the Available status change.
  const restoreByDeadline = restoreLatenessOf(run);
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

  process.stderr.write('bench: bundling the handlers...\n');
  const bundles = await bundleSizes();
  const decision = decisionTime();
  const wallSeconds = (performance.now() - wallStart) / 1000;

  const p50 = percentile(lateness, 0.5);
  const p99 = percentile(lateness, 0.99);
  const max = lateness.at(-1) ?? Number.NaN;
  const results = {
    generatedAt: new Date().toISOString(),
    workload: { seed: SEED, ...workload.summary, tier2Agents: TIER2_AGENTS },
    sessions: {
      total: sessions.length,
      closedByTimer: byTimer.length,
      stillOpen: sessions.filter((session) => session.state === 'WRAP_UP').length,
      lateEvents: sessions.filter((session) => session.endReason === 'LATE_EVENT').length,
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
      count: restoreByDeadline.length,
      p50Ms: percentile(restoreByDeadline, 0.5),
      p99Ms: percentile(restoreByDeadline, 0.99),
      maxMs: restoreByDeadline.at(-1) ?? Number.NaN,
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
    bundles: bundles.map((bundle) => ({
      ...bundle,
      targetKb: TARGETS.bundleKb,
      pass: bundle.kb <= TARGETS.bundleKb,
    })),
    coreDecision: decision,
    runtime: { simulationSeconds: round(simSeconds, 1), wallSeconds: round(wallSeconds, 1) },
  };

  const figures: Figure[] = [
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
    ...bundles.map((bundle) => ({
      name: `bundle ${bundle.handler}`,
      value: `${bundle.bytes} B (${bundle.kb.toFixed(1)} KB)`,
      target: `<= ${TARGETS.bundleKb} KB`,
      pass: bundle.kb <= TARGETS.bundleKb,
    })),
    { name: 'core decision time per event', value: `${decision.microsPerEvent.toFixed(2)} µs` },
  ];
  process.stdout.write(report(results.workload, figures, results.runtime));
  await writeFile(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('written to bench/results.json\n');
}

/** Per session: when its agent was put back in Available by the invocation that closed it. */
function restoreLatenessOf(run: SimulationRun): number[] {
  const deadlines = new Map(
    run.storedSessions.map((session) => [`${session.contactId}/${session.agentId}`, session]),
  );
  const values: number[] = [];
  for (const invocation of run.invocations) {
    // Closed by a timer: usually the due queue's, sometimes Scheduler's own firing right before the deadline.
    if (invocation.fn === 'contact-events' || invocation.statusChanges.length === 0) continue;
    const closed = invocation.logs.find((line) => line.fields.outcome === 'CLOSED')?.fields;
    const session = closed === undefined ? undefined : deadlines.get(`${closed.contactId}/${closed.agentId}`);
    const change = invocation.statusChanges[0];
    if (session === undefined || change === undefined) continue;
    values.push(change.at - Date.parse(session.deadline ?? ''));
  }
  return values.sort((a, b) => a - b);
}

/** Each handler bundled as the stack bundles it. */
async function bundleSizes(): Promise<Array<{ handler: string; bytes: number; kb: number }>> {
  const sizes = [];
  for (const handler of HANDLERS) {
    const result = await build({
      entryPoints: [`${root}lambda/handlers/${handler}.ts`],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      // Nothing is written (write: false); outdir only names the output `<handler>.js`.
      outdir: `${root}cdk.out/bench`,
      write: false,
      logLevel: 'silent',
    });
    const bytes = result.outputFiles
      .filter((file) => file.path.endsWith('.js'))
      .reduce((sum, file) => sum + file.contents.byteLength, 0);
    sizes.push({ handler, bytes, kb: round(bytes / 1024, 1) });
  }
  return sizes;
}

/** µs per event of the core's pure decision: policy, session, timer plan. */
function decisionTime(): { iterations: number; microsPerEvent: number } {
  const policies = indexPolicies(parseAcwConfig(BENCH_CONFIG).policies);
  const queues = [...policies.queues.keys(), 'unknown-queue', undefined];
  const subjects: PolicySubject[] = Array.from({ length: 64 }, (_, index) => ({
    channel: ['VOICE', 'CHAT', 'TASK', 'EMAIL'][index % 4] ?? 'VOICE',
    queueId: queues[index % queues.length],
    profile: index % 7 === 0 ? 'tier3' : undefined,
  }));
  const fallback: PolicySubject = { channel: 'VOICE' };
  const base = Date.parse('2026-03-02T09:00:00Z');
  let sink = 0;
  const run = (iterations: number) => {
    for (let index = 0; index < iterations; index++) {
      const subject = subjects[index % subjects.length] ?? fallback;
      const resolved = resolvePolicy(policies, subject);
      const startedAt = new Date(base + index);
      const session = openSession({
        contactId: 'c',
        agentId: 'a',
        instanceArn: 'arn',
        channel: subject.channel,
        queueId: subject.queueId,
        policy: resolved.policy,
        policySource: resolved.source,
        startedAt,
        now: startedAt,
      });
      const plan = planTimer(startedAt, new Date(session.deadline ?? startedAt));
      sink += plan.kind === 'schedule' ? 1 : 0;
    }
  };
  run(20_000); // warm-up: let the JIT settle before measuring
  const start = performance.now();
  run(DECISION_ITERATIONS);
  const elapsed = performance.now() - start;
  if (sink < 0) throw new Error('unreachable: keeps the loop from being optimised away');
  return {
    iterations: DECISION_ITERATIONS,
    microsPerEvent: round((elapsed * 1000) / DECISION_ITERATIONS, 3),
  };
}

function report(
  workload: WorkloadSummary & { seed: number },
  figures: readonly Figure[],
  runtime: { simulationSeconds: number; wallSeconds: number },
): string {
  const nameWidth = Math.max(...figures.map((figure) => figure.name.length));
  const valueWidth = Math.max(...figures.map((figure) => figure.value.length));
  const targetWidth = Math.max(...figures.map((figure) => (figure.target ?? '').length));
  const lines = figures.map((figure) => {
    const verdict = figure.pass === undefined ? '' : figure.pass ? 'PASS' : 'MISS';
    return `  ${figure.name.padEnd(nameWidth)}  ${figure.value.padEnd(valueWidth)}  ${(figure.target ?? '').padEnd(targetWidth)}  ${verdict}`.trimEnd();
  });
  return [
    `connect-acw bench (seed ${workload.seed}): ${workload.agents} agents, ${workload.minutes} simulated minutes, ` +
      `${workload.contactEvents} contact events; simulated in ${runtime.simulationSeconds} s, total ${runtime.wallSeconds} s`,
    `  workload: ${workload.handledLegs} agent legs of contacts (${workload.transfers} transfers to a second agent), ` +
      `${workload.abandoned} abandoned before an agent, ${workload.duplicates} events delivered twice`,
    ...lines,
    '',
  ].join('\n');
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

await main();
