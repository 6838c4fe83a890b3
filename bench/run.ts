/**
 * `npm run bench`: measures what the rules promise, prints each figure next to its target, and
 * writes bench/results.json.
 *
 * 1. The simulations (bench/jobs.ts), each in its own process, as many at once as there are cores:
 *    the fault-free hour (R13, Connect calls and DynamoDB writes per wrap-up), the hour with every
 *    fault the simulator injects at once (sim/faults.ts; it counts sessions lost, agents stuck and
 *    late restores: R14, R15), and the capacity probes (bench/capacity.ts): 30 simulated minutes
 *    each from 0.3 to 1.2 x the load a PutUserStatus quota of 2/s carries, each in both
 *    configurations (`stream`, `default`), judged by hold time, restore lateness, records,
 *    backlog, lost, stuck and cost per 1,000 contacts.
 *    `npm run bench -- capacity-0.9 baseline` runs only the jobs named (`capacity-0.9`: both
 *    configurations; `capacity-0.9-default`: one); results.json says which ran.
 *    And `cold-start` (bench/cold-start.ts): each function's init beside a one-client function's;
 *    and `whatif` (bench/whatif.ts): `npm run whatif` on a generated week, in a bounded heap;
 *    and `reports` (bench/reports.ts): the reports API over a month of a 1,000-agent center.
 * 2. The bundled size of each Lambda function's own code (esbuild, the AWS SDK left out; the stack
 *    bundles the SDK too: `cold-start` reports those bundles' sizes).
 * 3. The core's decision time per event: resolvePolicy + openSession + planTimer; and one
 *    policy resolution at a center's scale (bench/policy-resolution.ts: 2,000 queue policies,
 *    200 profiles, agent groups, run-time overrides), judged < 1 ms.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseAcwConfig } from '../lambda/config/acw-config';
import { indexPolicies, type PolicySubject, resolvePolicy } from '../lambda/core/policy';
import { openSession } from '../lambda/core/session';
import { planTimer } from '../lambda/core/timer';
import {
  CAPACITY_FACTORS,
  CAPACITY_MINUTES,
  CAPACITY_TARGETS,
  CONFIGURATIONS,
  FULL_LOAD_PER_MINUTE,
  JUDGED_FACTOR,
  QUOTA_APPLIES_TO,
  QUOTA_PER_SECOND,
} from './capacity';
import { PRICES } from './cost';
import { BENCH_CONFIG } from './generate';
import { capacityJobName, type Figure, JOBS, type JobName, type JobResult, jobsAsked, round } from './jobs';
import { policyResolutionTime, RESOLUTION_TARGET_MICROS, SCALE } from './policy-resolution';

const HANDLERS = ['worker', 'agent-events', 'timer-fired', 'sweep', 'contact-flow'] as const;
const BUNDLE_TARGET_KB = 250;
const DECISION_ITERATIONS = 200_000;
/** A factor's probes, one per configuration. */
const probesAt = (factor: number): JobName[] =>
  CONFIGURATIONS.map((configuration) => capacityJobName(factor, configuration.name));
/** The full-load probes first (the headline), then the longest, so that the others fill the other cores meanwhile. */
const JOB_ORDER: readonly JobName[] = [
  ...probesAt(JUDGED_FACTOR),
  ...probesAt(1.2),
  'seeds',
  'faults',
  'faults-default',
  ...probesAt(1.0),
  ...probesAt(0.8),
  ...probesAt(0.6),
  'baseline',
  ...probesAt(0.3),
  'worker-instances',
  'cold-start',
  'whatif',
  'reports',
];

const root = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const wallStart = performance.now();
  const asked = jobsAsked(process.argv.slice(2));
  const order = asked.length === 0 ? JOB_ORDER : JOB_ORDER.filter((name) => asked.includes(name));
  const parallel = Math.max(1, Math.min(availableParallelism(), order.length));
  process.stderr.write(`bench: ${order.join(', ')} simulations, ${parallel} at a time...\n`);
  const jobs: Partial<Record<JobName, JobResult>> = {};
  // Jobs named on the command line are measured again; the others' figures are kept from the
  // previous results.json when it finished them, each saying when it was measured.
  const carried = asked.length === 0 ? {} : await previousResults(order);
  // Written after each job, so that an interrupted run still leaves what it measured.
  // One write at a time: two jobs may finish together.
  let writing = Promise.resolve();
  const write = (extra: Record<string, unknown>) => {
    const text = `${JSON.stringify(resultsOf(order, jobs, carried, { parallelJobs: parallel, ...extra }), null, 2)}\n`;
    writing = writing.then(() => writeFile(new URL('results.json', import.meta.url), text));
    return writing;
  };
  await runAll(order, parallel, async (name, result) => {
    jobs[name] = result;
    await write({ wallSeconds: round((performance.now() - wallStart) / 1000, 1), finished: false });
  });

  process.stderr.write('bench: bundling the handlers...\n');
  const bundles = await bundleSizes();
  const decision = decisionTime();
  const resolution = policyResolutionTime();
  const wallSeconds = round((performance.now() - wallStart) / 1000, 1);

  const build = {
    bundles: bundles.map((bundle) => ({
      ...bundle,
      targetKb: BUNDLE_TARGET_KB,
      pass: bundle.kb <= BUNDLE_TARGET_KB,
    })),
    coreDecision: decision,
    policyResolution: { ...resolution, scale: SCALE, targetMicros: RESOLUTION_TARGET_MICROS },
  };
  const sections: Array<{ title: string; figures: readonly Figure[] }> = [
    ...order.flatMap((name) => {
      const job = jobs[name];
      return job === undefined ? [] : [job];
    }),
    {
      title: 'build and core',
      figures: [
        ...bundles.map((bundle) => ({
          name: `bundle ${bundle.handler}`,
          value: `${bundle.bytes} B (${bundle.kb.toFixed(1)} KB)`,
          target: `<= ${BUNDLE_TARGET_KB} KB`,
          pass: bundle.kb <= BUNDLE_TARGET_KB,
        })),
        { name: 'core decision time per event', value: `${decision.microsPerEvent.toFixed(2)} µs` },
        {
          name: `policy resolution, ${SCALE.queues} queue policies + ${SCALE.profiles} profiles + ${SCALE.agentGroups} groups + ${SCALE.overrides} overrides`,
          value: `${resolution.microsPerResolution.toFixed(2)} µs (live index built in ${resolution.indexBuildMs} ms)`,
          target: `< ${RESOLUTION_TARGET_MICROS} µs`,
          pass: resolution.microsPerResolution < RESOLUTION_TARGET_MICROS,
        },
      ],
    },
    ...(Object.keys(carried).length === 0
      ? []
      : [
          {
            title: 'kept from the previous results.json (not run now)',
            figures: Object.entries(carried).map(([name, results]) => ({
              name,
              value: `measured ${String(results.measuredAt)}: see bench/results.json`,
            })),
          },
        ]),
  ];
  process.stdout.write(report(sections, wallSeconds));
  await write({ wallSeconds, finished: true, build });
  process.stdout.write('written to bench/results.json\n');
}

/** bench/results.json: what ran (configuration, rates, durations, seeds, quota) beside the figures. */
function resultsOf(
  order: readonly JobName[],
  jobs: Partial<Record<JobName, JobResult>>,
  carried: Readonly<Record<JobName, Record<string, unknown>>>,
  runtime: Record<string, unknown>,
): Record<string, unknown> {
  const { build, ...rest } = runtime;
  const generatedAt = new Date().toISOString();
  const resultOf = (name: JobName): Record<string, unknown> | undefined => {
    const fresh = jobs[name]?.results;
    return fresh === undefined ? carried[name] : { measuredAt: generatedAt, ...fresh };
  };
  const configurationOrder = (probe: Record<string, unknown>) =>
    CONFIGURATIONS.findIndex((configuration) => configuration.name === probe.configuration);
  const probes = CAPACITY_FACTORS.flatMap((factor) =>
    CONFIGURATIONS.map((configuration) => resultOf(capacityJobName(factor, configuration.name))),
  )
    .filter((probe) => probe !== undefined)
    .sort((a, b) => Number(a.factor) - Number(b.factor) || configurationOrder(a) - configurationOrder(b));
  return {
    generatedAt,
    jobsRun: order,
    jobsFinished: order.filter((name) => jobs[name] !== undefined),
    jobsCarriedOver: Object.keys(carried).filter((name) => jobs[name] === undefined),
    capacity: {
      what:
        'issue 11: each probe 30 simulated minutes of evenly paced contacts at factor x Q/2 contacts/s, ' +
        'Q the PutUserStatus quota; the simulated Connect refuses calls over Q per second of each API ' +
        '(faults.connectRatePerSecond, one bucket per API); every factor in both configurations',
      quota: {
        putUserStatusPerSecond: QUOTA_PER_SECOND,
        appliesTo: QUOTA_APPLIES_TO,
      },
      fullLoadContactsPerMinute: FULL_LOAD_PER_MINUTE,
      judgedAtFactor: JUDGED_FACTOR,
      minutes: CAPACITY_MINUTES,
      targets: CAPACITY_TARGETS,
      configurations: CONFIGURATIONS,
      prices: PRICES,
      probes,
      seeds: resultOf('seeds') ?? null,
    },
    baseline: resultOf('baseline') ?? null,
    faults: resultOf('faults') ?? null,
    faultsDefault: resultOf('faults-default') ?? null,
    coldStart: resultOf('cold-start') ?? null,
    whatif: resultOf('whatif') ?? null,
    reports: resultOf('reports') ?? null,
    workerInstances: resultOf('worker-instances') ?? null,
    ...(build === undefined ? {} : { build }),
    runtime: rest,
  };
}

/**
 * The previous results.json's figures of the jobs not run now, by job name, each with when it
 * was measured; only those it finished (none from a results.json without `jobsFinished`).
 */
async function previousResults(
  running: readonly JobName[],
): Promise<Record<JobName, Record<string, unknown>>> {
  let previous: Record<string, unknown>;
  try {
    previous = JSON.parse(await readFile(new URL('results.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
  const finished = new Set(
    [previous.jobsFinished, previous.jobsCarriedOver].flatMap((list) =>
      Array.isArray(list) ? list.map(String) : [],
    ),
  );
  const at = String(previous.generatedAt);
  const kept: Record<JobName, Record<string, unknown>> = {};
  const keep = (name: JobName, results: unknown) => {
    if (running.includes(name) || !finished.has(name) || typeof results !== 'object' || results === null)
      return;
    const entry = results as Record<string, unknown>;
    kept[name] = { measuredAt: entry.measuredAt ?? at, ...entry };
  };
  const capacity = previous.capacity as
    | { probes?: Array<Record<string, unknown>>; seeds?: unknown }
    | undefined;
  // A probe is kept under its job's name (`capacity-0.9-default`): those of a results.json from
  // before the configurations were jobs (`capacity-0.9`) are not listed as finished, so not kept.
  for (const probe of capacity?.probes ?? []) {
    const configuration = CONFIGURATIONS.find(({ name }) => name === probe.configuration);
    if (configuration !== undefined) keep(capacityJobName(Number(probe.factor), configuration.name), probe);
  }
  keep('seeds', capacity?.seeds);
  keep('worker-instances', previous.workerInstances);
  keep('baseline', previous.baseline);
  keep('faults', previous.faults);
  keep('faults-default', previous.faultsDefault);
  keep('cold-start', previous.coldStart);
  keep('whatif', previous.whatif);
  keep('reports', previous.reports);
  return kept;
}

/** Runs the jobs in child processes, `parallel` at a time. */
async function runAll(
  names: readonly JobName[],
  parallel: number,
  done: (name: JobName, result: JobResult) => Promise<void>,
): Promise<void> {
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const started = performance.now();
      let result: JobResult;
      try {
        result = await runJob(name);
      } catch (error) {
        // One job failing (or stopped) leaves the others running; results.json lists it unfinished.
        process.stderr.write(`bench: ${name} failed: ${String(error)}\n`);
        process.exitCode = 1;
        continue;
      }
      process.stderr.write(`bench: ${name} done in ${round((performance.now() - started) / 1000, 1)} s\n`);
      await done(name, result);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

/** One job in its own Node.js process (bench/job.ts), its result read from its stdout. */
function runJob(name: JobName): Promise<JobResult> {
  if (!(name in JOBS)) return Promise.reject(new Error(`unknown bench job ${name}`));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('job.ts', import.meta.url)), name],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`bench job ${name} exited with ${String(code)}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as JobResult);
      } catch (error) {
        reject(new Error(`bench job ${name} printed no result: ${String(error)}`));
      }
    });
  });
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
  sections: ReadonlyArray<{ title: string; figures: readonly Figure[] }>,
  wallSeconds: number,
): string {
  const figures = sections.flatMap((section) => section.figures);
  const nameWidth = Math.max(...figures.map((figure) => figure.name.length));
  const valueWidth = Math.max(...figures.map((figure) => Math.min(figure.value.length, 60)));
  const targetWidth = Math.max(...figures.map((figure) => (figure.target ?? '').length));
  const line = (figure: Figure) => {
    const verdict = figure.pass === undefined ? '' : figure.pass ? 'PASS' : 'MISS';
    return `  ${figure.name.padEnd(nameWidth)}  ${figure.value.padEnd(valueWidth)}  ${(figure.target ?? '').padEnd(targetWidth)}  ${verdict}`.trimEnd();
  };
  return [
    `connect-acw bench (seed 1), total ${wallSeconds} s`,
    ...sections.flatMap((section) => ['', section.title, ...section.figures.map(line)]),
    '',
  ].join('\n');
}

await main();
