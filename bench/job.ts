/**
 * Runs one bench job (bench/jobs.ts) and writes its result as JSON on stdout: what `npm run bench`
 * starts once per job, so that the simulations run side by side. `tsx bench/job.ts faults` runs one
 * alone.
 */
import { JOBS, type JobName } from './jobs';

const name = process.argv[2] ?? '';
if (!(name in JOBS)) {
  process.stderr.write(`usage: tsx bench/job.ts ${Object.keys(JOBS).join('|')}\n`);
  process.exit(2);
}
const result = await JOBS[name as JobName]();
process.stdout.write(`${JSON.stringify(result)}\n`);
