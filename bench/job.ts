/**
 * Runs one bench job (bench/jobs.ts) and writes its result as JSON on stdout: what `npm run bench`
 * starts once per job, so that the simulations run side by side. `tsx bench/job.ts faults` runs one
 * alone.
 */
import { JOBS, type JobName } from './jobs';

const name: JobName = process.argv[2] ?? '';
const job = JOBS[name];
if (job === undefined) {
  process.stderr.write(`usage: tsx bench/job.ts ${Object.keys(JOBS).join('|')}\n`);
  process.exit(2);
}
const result = await job();
process.stdout.write(`${JSON.stringify(result)}\n`);
