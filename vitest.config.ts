/**
 * Every test file is in exactly one of three projects. `npm test` (`vitest run`) runs them all;
 * `npm run test:unit` (`vitest run --project unit`) only the fast loop.
 *
 * - `unit`: for every change. The core (its sessions in the in-memory store model that
 *   test/adapters/store-contract.test.ts proves equivalent to the DynamoDB adapter), handlers, the
 *   API, the web pages' logic, the adapters checked with aws-sdk-client-mock, the simulator's
 *   scenario parsing and simulated services. Not isolated per file (loading the AWS SDK and zod
 *   again for each file was four fifths of its time): a unit test file leaves no global state
 *   behind; the SDK clients' aws-sdk-client-mock stubs are put back after each file
 *   (test/support/sdk-mocks.ts).
 * - `cdk`: CDK assertions and the real synth (test/cdk). Not isolated per file: aws-cdk-lib is
 *   loaded once per worker, and test/cdk/support.ts's synthesized stacks are shared by the files
 *   a worker runs.
 * - `integration`: the rest: property and fuzz tests (their full counts), the DynamoDB adapters on
 *   dynalite, simulator runs and its CLI, the local server, the widget build, the browser tests.
 *
 * The projects' file lists are made from the tree when vitest starts: a watching vitest sees a
 * new test file after a restart.
 */
import { readdirSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The fast loop: these folders and files... */
const UNIT = [
  /^test\/(core|handlers|api|web|adapters)\//,
  /^test\/sim\/(scenario|services|fault-services)\.test\.ts$/,
  // The what-if replay's model (its command line is spawned: not here).
  /^test\/insight\/whatif\.test\.ts$/,
];
/** ...less what is slow in them. */
const NOT_UNIT = [
  // Thousands of generated histories each.
  /\.property\.test\.ts$/,
  // The DynamoDB adapters' own tests, on dynalite.
  /^test\/adapters\/(dynamo-[^/]*|store-contract|agent-state-items|policy-store-contract)\.test\.ts$/,
  // Runs esbuild over the pages.
  /^test\/web\/build\.test\.ts$/,
];
const CDK = /^test\/cdk\//;

const root = fileURLToPath(new URL('.', import.meta.url));
/** Every test file, as `test/...` with `/` separators. */
const testFiles = readdirSync(`${root}test`, { recursive: true })
  .map((file) => `test/${String(file).split(sep).join('/')}`)
  .filter((file) => file.endsWith('.test.ts'))
  .sort();

const isUnit = (file: string) =>
  UNIT.some((pattern) => pattern.test(file)) && !NOT_UNIT.some((pattern) => pattern.test(file));
const isCdk = (file: string) => CDK.test(file);

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // CDK synthesis and the in-process DynamoDB are CPU-heavy: keep the 2-core CI machine responsive.
    maxWorkers: 2,
    // The SDK warns once per process that its releases from January 2027 need Node.js 22 (the
    // functions run on 22; see the README's "Node.js versions"): each test worker would print it.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: testFiles.filter(isUnit),
          isolate: false,
          setupFiles: ['test/support/sdk-mocks.ts'],
        },
      },
      { extends: true, test: { name: 'cdk', include: testFiles.filter(isCdk), isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: testFiles.filter((file) => !isUnit(file) && !isCdk(file)),
        },
      },
    ],
  },
});
