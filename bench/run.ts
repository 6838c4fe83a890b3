/**
 * `npm run bench`: measures what the rules promise, prints each figure next to its target, and
 * writes bench/results.json.
 *
 * 1. The simulations (bench/jobs.ts), each in its own process, as many at once as there are cores:
 *    the fault-free hour (R13, Connect calls and DynamoDB writes per wrap-up), the hour with every
 *    fault the simulator injects at once (sim/faults.ts; it counts sessions lost, agents stuck and
 *    late restores: R14, R15), and the search for the highest contact rate Connect's quota sustains.
 * 2. The bundled size of each Lambda function (esbuild, as the stack bundles them).
 * 3. The core's decision time per event: resolvePolicy + openSession + planTimer.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseAcwConfig } from '../lambda/config/acw-config';
import { indexPolicies, type PolicySubject, resolvePolicy } from '../lambda/core/policy';
import { openSession } from '../lambda/core/session';
import { planTimer } from '../lambda/core/timer';
import { BENCH_CONFIG } from './generate';
import { type Figure, JOBS, type JobName, type JobResult, round } from './jobs';

const HANDLERS = [
  'contact-events',
  'agent-events',
  'timer-fired',
  'timer-due',
  'sweep',
  'contact-flow',
] as const;
const BUNDLE_TARGET_KB = 250;
const DECISION_ITERATIONS = 200_000;
/** The longest job first, so that the others fill the other cores meanwhile. */
const JOB_ORDER: readonly JobName[] = ['faults', 'quota', 'baseline'];

const root = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const wallStart = performance.now();
  const parallel = Math.max(1, Math.min(availableParallelism(), JOB_ORDER.length));
  process.stderr.write(`bench: ${JOB_ORDER.join(', ')} simulations, ${parallel} at a time...\n`);
  const jobs = await runAll(JOB_ORDER, parallel);

  process.stderr.write('bench: bundling the handlers...\n');
  const bundles = await bundleSizes();
  const decision = decisionTime();
  const wallSeconds = round((performance.now() - wallStart) / 1000, 1);

  const results = {
    generatedAt: new Date().toISOString(),
    baseline: jobs.baseline.results,
    faults: jobs.faults.results,
    quota: jobs.quota.results,
    bundles: bundles.map((bundle) => ({
      ...bundle,
      targetKb: BUNDLE_TARGET_KB,
      pass: bundle.kb <= BUNDLE_TARGET_KB,
    })),
    coreDecision: decision,
    runtime: { wallSeconds, parallelJobs: parallel },
  };
  const sections: Array<{ title: string; figures: readonly Figure[] }> = [
    ...(['baseline', 'faults', 'quota'] as const).map((name) => jobs[name]),
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
      ],
    },
  ];
  process.stdout.write(report(sections, wallSeconds));
  await writeFile(new URL('results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('written to bench/results.json\n');
}

/** Runs the jobs in child processes, `parallel` at a time. */
async function runAll(names: readonly JobName[], parallel: number): Promise<Record<JobName, JobResult>> {
  const results: Partial<Record<JobName, JobResult>> = {};
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const started = performance.now();
      results[name] = await runJob(name);
      process.stderr.write(`bench: ${name} done in ${round((performance.now() - started) / 1000, 1)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  for (const name of names)
    if (results[name] === undefined) throw new Error(`bench job ${name} gave no result`);
  return results as Record<JobName, JobResult>;
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
