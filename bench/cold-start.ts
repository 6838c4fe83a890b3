/**
 * The `cold-start` bench job (issue 11): each function's init beside a one-client function's,
 * measured side by side in the same run.
 *
 * 1. Bundles each handler exactly as the stack does (lib/bundle.ts `bundleHandler`: `BUNDLING` and
 *    the SDK schema plugin), and a reference function that imports only the SQS client and sends
 *    one message, the same way. Beside each function, its clients alone: a function that makes
 *    the SDK clients the function's bundle holds and nothing else (reported, not judged: what the
 *    SDK alone costs a function that needs that many clients).
 * 2. Measures init: the time to `require` a bundle in a fresh `node` process, as the Lambda runtime
 *    loads a handler. Rounds are interleaved (each round runs every bundle once, starting one
 *    further along each time), so that a busy machine slows them all alike; the first round warms
 *    the file cache and is not counted.
 * 3. Judges each function's median init against the reference's: <= 1.3 times.
 *
 * Also measured: the same handler with a source map and `--enable-source-maps`, beside it (the
 * reason `BUNDLING` has none); and what each bundle holds: its size and the SDK clients in it.
 *
 * In Lambda a function composes its app at init (lambda/handlers/runtime.ts: its SDK clients
 * made, its configuration read), as the reference makes its client: each bundle is loaded with
 * the environment the stack gives that function (`stackEnvironments`), so its figure includes
 * that, and a function whose environment lacks what it needs fails here as it would in Lambda.
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Metafile } from 'esbuild';
import { FUNCTION_NAMES, type FunctionName } from '../lambda/app/compose';
import { parseAcwConfig } from '../lambda/config/acw-config';
import { type AcwFunction, policiesBundleFile } from '../lib/acw-function';
import { BUNDLING, bundleHandler, type HandlerBundling } from '../lib/bundle';
import { ConnectAcwStack } from '../lib/connect-acw-stack';
import { BENCH_CONFIG } from './generate';
import type { Figure, JobResult } from './jobs';
import { percentile } from './measure';

const execFileAsync = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** Issue 11: a function's init at most this many times the one-client function's. */
export const INIT_RATIO_TARGET = 1.3;
/** Rounds counted; each runs every bundle once in a fresh process. `COLD_START_ROUNDS` to try fewer. */
const ROUNDS = Number(process.env.COLD_START_ROUNDS ?? 30);
/** Rounds run first and not counted: they warm the file cache. */
const WARM_UP_ROUNDS = 1;
/** The handler measured with and without a source map. */
const SOURCE_MAP_PROBE = 'worker';
const REFERENCE = 'reference';
/**
 * The same one-client function as CDK's NodejsFunction builds it by default for Node.js 18 and
 * later: the AWS SDK left out of the bundle, to be loaded from the runtime's copy (here, from
 * node_modules), not minified. Reported, not judged: the yardstick as most one-client functions
 * deployed with CDK are built, beside the stricter one the functions are judged against.
 */
const DEFAULT_BUILT_REFERENCE = 'reference, built by NodejsFunction defaults';
const NODEJS_FUNCTION_DEFAULTS: HandlerBundling = {
  ...BUNDLING,
  minify: false,
  externalModules: ['@aws-sdk/*'],
  mainFields: ['main', 'module'],
};

/**
 * The reference: a one-client function as the issue puts it, its client made at import (as
 * handlers usually do), one SendMessage per invocation.
 */
const REFERENCE_SOURCE = `
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event: { body: string }) => {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body }));
};
`;

/**
 * What the libraries the functions share cost at init on their own, beside the reference (reported,
 * not judged): each made as lambda/handlers/runtime.ts makes it, and a bundle holding nothing, the
 * floor of requiring any file. With `clientsAlone`, they say where a function's init goes: its SDK
 * clients, these libraries, and the rest (its own code and composition).
 */
export const LIBRARIES_ALONE: Readonly<Record<string, string>> = {
  nothing: 'export const handler = async () => undefined;\n',
  'Powertools Logger and Metrics': [
    "import { Logger } from '@aws-lambda-powertools/logger';",
    "import { Metrics } from '@aws-lambda-powertools/metrics';",
    "const logger = new Logger({ serviceName: 'connect-acw' });",
    "const metrics = new Metrics({ namespace: 'ConnectAcw', serviceName: 'connect-acw' });",
    'export const handler = async () => { logger.info("x"); metrics.publishStoredMetrics(); };',
    '',
  ].join('\n'),
  'zod and the event parsers': [
    "import { parseTimerPayload, readAgentEvent } from './lambda/handlers/events';",
    'export const handler = async (event: { body: string }) => [parseTimerPayload(event.body), readAgentEvent(event.body)];',
    '',
  ].join('\n'),
};
const NOTHING = 'nothing';

/** For each SDK client package: its client class and one command it sends (the reference's kind). */
const CLIENT_COMMANDS: Readonly<Record<string, readonly [client: string, command: string]>> = {
  'client-connect': ['ConnectClient', 'PutUserStatusCommand'],
  'client-dynamodb': ['DynamoDBClient', 'GetItemCommand'],
  'client-scheduler': ['SchedulerClient', 'CreateScheduleCommand'],
  'client-sqs': ['SQSClient', 'SendMessageCommand'],
  'client-ssm': ['SSMClient', 'GetParameterCommand'],
};

/** The name of the bundle holding `clients` alone. */
export function clientsAloneName(clients: readonly string[]): string {
  return `clients alone: ${clients.map((pkg) => pkg.replace(/^client-/, '')).join('+')}`;
}

/**
 * A function that holds `clients` and nothing else, as the reference holds SQS's: each client made
 * at import, one command of each sent per invocation.
 * @throws Error for a client this bench does not know (a function began to use a new one).
 */
export function clientsAloneSource(clients: readonly string[]): string {
  const lines: string[] = [];
  const sends: string[] = [];
  for (const [index, pkg] of clients.entries()) {
    const names = CLIENT_COMMANDS[pkg];
    if (names === undefined) throw new Error(`clientsAloneSource: no command known for @aws-sdk/${pkg}`);
    const [client, command] = names;
    lines.push(`import { ${client}, ${command} } from '@aws-sdk/${pkg}';`);
    lines.push(`const client${index} = new ${client}({});`);
    sends.push(`  await client${index}.send(new ${command}(event as never));`);
  }
  return [...lines, 'export const handler = async (event: unknown) => {', ...sends, '};', ''].join('\n');
}

/** The AWS SDK clients a bundle holds (`@aws-sdk/client-*` packages with bytes in it), sorted. */
export function sdkClientsIn(output: Pick<Metafile['outputs'][string], 'inputs'>): string[] {
  const clients = new Set<string>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue;
    const match = /@aws-sdk\/(client-[a-z0-9-]+)\//.exec(input);
    if (match?.[1] !== undefined) clients.add(match[1]);
  }
  return [...clients].sort();
}

/** What a bundle's bytes are made of: the AWS SDK, zod, Powertools, this project's code, the rest. */
export function bytesByPart(output: Pick<Metafile['outputs'][string], 'inputs'>): Record<string, number> {
  const parts: Record<string, number> = { sdk: 0, zod: 0, powertools: 0, project: 0, other: 0 };
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const part = /node_modules\/(@aws-sdk|@smithy|@aws)\//.test(input)
      ? 'sdk'
      : /node_modules\/zod\//.test(input)
        ? 'zod'
        : /node_modules\/@aws-lambda-powertools\//.test(input)
          ? 'powertools'
          : input.includes('node_modules/')
            ? 'other'
            : 'project';
    parts[part] = (parts[part] ?? 0) + bytesInOutput;
  }
  return parts;
}

/** The order of the runs: every bundle once per round, each round starting one further along. */
export function interleaved<T>(items: readonly T[], rounds: number): T[] {
  return Array.from({ length: rounds }, (_, round) =>
    items.map((_, index) => items[(round + index) % items.length] as T),
  ).flat();
}

/** One bundle's init over the rounds, against the reference's. */
export interface InitFigures {
  readonly name: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  /** Median init / the reference's median init: what is judged. */
  readonly ratio: number;
  /** p90 init / the reference's p90 init. */
  readonly p90Ratio: number;
  readonly pass: boolean;
}

/** Median and p90 of each bundle's init times, and its ratios to the reference's. */
export function judgeInit(
  samples: Readonly<Record<string, readonly number[]>>,
  reference: string,
  target = INIT_RATIO_TARGET,
): InitFigures[] {
  const stats = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return { runs: sorted.length, medianMs: percentile(sorted, 0.5), p90Ms: percentile(sorted, 0.9) };
  };
  const base = stats(samples[reference] ?? []);
  if (base.runs === 0) throw new Error(`no init times of the reference ${reference}`);
  return Object.entries(samples).map(([name, values]) => {
    const own = stats(values);
    const ratio = own.medianMs / base.medianMs;
    return {
      name,
      ...own,
      ratio,
      p90Ratio: own.p90Ms / base.p90Ms,
      pass: ratio <= target,
    };
  });
}

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/111122223333/bench';
/** An agent event stream, so that the stack has its consumer (agent-events). */
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:111122223333:stream/bench-agent-events';

/**
 * Each function's environment as the stack sets it (its grants name the variables): the bench's
 * configuration with an agent event stream, synthesized without bundling; a value the template
 * leaves to CloudFormation (a reference) becomes its parameter's default, or a made-up name.
 */
export function stackEnvironments(): Record<FunctionName, Record<string, string>> {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const config = parseAcwConfig({ ...BENCH_CONFIG, agentEventStream: { streamArn: STREAM_ARN } });
  const stack = new ConnectAcwStack(app, 'ColdStartBench', { config });
  const template = app.synth().getStackByName(stack.stackName).template as StackTemplate;
  const functions: Record<FunctionName, AcwFunction | undefined> = {
    worker: stack.intake.function,
    'agent-events': stack.agentEvents?.function,
    'timer-fired': stack.timers.firedFunction,
    sweep: stack.sweep.function,
    api: stack.agentApi.function,
    'contact-flow': stack.contactFlow.function,
  };
  return Object.fromEntries(
    FUNCTION_NAMES.map((name) => {
      const fn = functions[name];
      if (fn === undefined) throw new Error(`the stack has no ${name} function`);
      const id = stack.resolve((fn.function.node.defaultChild as CfnFunction).logicalId) as string;
      const variables = template.Resources[id]?.Properties.Environment?.Variables ?? {};
      // Issue 12: the policies are in the bundle, read from LAMBDA_TASK_ROOT at init.
      const taskRoot = dirname(policiesBundleFile(config));
      const environment: Record<string, string> = {
        ...environmentOf(variables, template.Parameters ?? {}),
        LAMBDA_TASK_ROOT: taskRoot,
      };
      return [name, environment];
    }),
  ) as Record<FunctionName, Record<string, string>>;
}

/** The parts of a synthesized template read here. */
interface StackTemplate {
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Resources: Record<
    string,
    { readonly Properties: { readonly Environment?: { readonly Variables?: Record<string, unknown> } } }
  >;
}

/** Literal values as they are; a parameter's reference as its default; any other reference made up. */
export function environmentOf(
  variables: Readonly<Record<string, unknown>>,
  parameters: Readonly<Record<string, { readonly Default?: unknown }>>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => {
      if (typeof value === 'string') return [name, value];
      const ref =
        typeof value === 'object' && value !== null && 'Ref' in value ? String(value.Ref) : undefined;
      const fallback = ref === undefined ? undefined : parameters[ref]?.Default;
      if (fallback !== undefined) return [name, String(fallback)];
      return [
        name,
        name.endsWith('_URL') ? `${QUEUE_URL}-${name.toLowerCase()}` : `bench-${name.toLowerCase()}`,
      ];
    }),
  );
}

/** A bundle to measure: where it is and the `node` flags its function runs with. */
interface Bundle {
  readonly name: string;
  readonly file: string;
  /** The function's own environment variables, as the stack sets them. */
  readonly environment: Readonly<Record<string, string>>;
  readonly nodeFlags: readonly string[];
  readonly bytes: number;
  readonly parts: Record<string, number>;
  readonly clients: readonly string[];
}

async function bundle(
  name: string,
  source: { entry: string; environment: Readonly<Record<string, string>> } | { contents: string },
  bundling: HandlerBundling,
  outdir: string,
): Promise<Bundle> {
  const file = join(outdir, name.replace(/[^A-Za-z0-9+.-]/g, '_'), 'index.js');
  const output = await bundleHandler({
    source: 'entry' in source ? { entry: source.entry } : { contents: source.contents, resolveDir: root },
    outfile: file,
    workingDir: root,
    bundling,
  });
  return {
    name,
    file,
    environment: 'entry' in source ? source.environment : { QUEUE_URL: QUEUE_URL },
    nodeFlags: bundling.sourceMap ? ['--enable-source-maps'] : [],
    bytes: output.bytes,
    parts: bytesByPart(output),
    clients: sdkClientsIn(output),
  };
}

/** Requires the bundle in a fresh process, as the Lambda runtime loads a handler: ms. */
async function initTime(target: Bundle): Promise<number> {
  // The time first, then a check that what was loaded is a handler (a bundle loaded the wrong way
  // can load and export nothing).
  const child =
    'const started = performance.now(); const loaded = require(process.argv[1]); ' +
    'const ms = performance.now() - started; ' +
    "if (typeof loaded.handler !== 'function') throw new Error('no handler exported'); " +
    'process.stdout.write(String(ms));';
  const { stdout } = await execFileAsync(process.execPath, [...target.nodeFlags, '-e', child, target.file], {
    cwd: root,
    // Nothing of the caller's environment: no credentials, no proxy. The SDK's warning about
    // Node.js 20 would add its printing to the time; the functions run on Node.js 22.
    env: {
      PATH: process.env.PATH ?? '',
      // What Lambda sets (the handlers compose their app at init when it is there).
      AWS_LAMBDA_FUNCTION_NAME: target.name,
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...target.environment,
    },
  });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`${target.name} printed no init time: ${stdout}`);
  return ms;
}

/** The job: bundles, then the interleaved rounds, then the figures. */
export async function coldStartJob(): Promise<JobResult> {
  const outdir = join(root, 'cdk.out', 'bench-cold-start');
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  // The repository is an ES-module package: without this, node would load the bundles as ES
  // modules. A function's asset has no package.json, so Lambda loads its index.js as CommonJS.
  await writeFile(join(outdir, 'package.json'), '{ "type": "commonjs" }\n');
  const environments = stackEnvironments();
  const handler = (name: FunctionName) => ({
    entry: join(root, 'lambda', 'handlers', `${name}.ts`),
    environment: environments[name],
  });
  const functions = await Promise.all(
    FUNCTION_NAMES.map((name) => bundle(name, handler(name), BUNDLING, outdir)),
  );
  const reference = await bundle(REFERENCE, { contents: REFERENCE_SOURCE }, BUNDLING, outdir);
  const defaultBuilt = await bundle(
    DEFAULT_BUILT_REFERENCE,
    { contents: REFERENCE_SOURCE },
    NODEJS_FUNCTION_DEFAULTS,
    outdir,
  );
  const withSourceMap = await bundle(
    `${SOURCE_MAP_PROBE}+source-map`,
    handler(SOURCE_MAP_PROBE),
    { ...BUNDLING, sourceMap: true },
    outdir,
  );
  // Each distinct set of clients the functions hold, alone (reported, not judged).
  const clientSets = new Map<string, readonly string[]>();
  for (const fn of functions) clientSets.set(clientsAloneName(fn.clients), fn.clients);
  const alone = await Promise.all(
    [...clientSets].map(([name, clients]) =>
      bundle(name, { contents: clientsAloneSource(clients) }, BUNDLING, outdir),
    ),
  );
  const libraries = await Promise.all(
    Object.entries(LIBRARIES_ALONE).map(([name, contents]) =>
      bundle(`libraries alone: ${name}`, { contents }, BUNDLING, outdir),
    ),
  );
  const bundles = [reference, ...functions, withSourceMap, ...alone, defaultBuilt, ...libraries];

  const samples: Record<string, number[]> = Object.fromEntries(bundles.map((b) => [b.name, []]));
  const order = interleaved(bundles, WARM_UP_ROUNDS + ROUNDS);
  const started = performance.now();
  for (const [index, target] of order.entries()) {
    const ms = await initTime(target);
    if (index >= WARM_UP_ROUNDS * bundles.length) samples[target.name]?.push(ms);
  }
  const seconds = (performance.now() - started) / 1000;

  const judged = judgeInit(samples, REFERENCE);
  const byName = new Map(judged.map((figures) => [figures.name, figures]));
  const rows = bundles.map((b) => {
    const figures = byName.get(b.name);
    if (figures === undefined) throw new Error(`no figures for ${b.name}`);
    const clientsAlone = functions.includes(b) ? byName.get(clientsAloneName(b.clients)) : undefined;
    return {
      ...figures,
      bytes: b.bytes,
      bytesByPart: b.parts,
      clients: b.clients,
      nodeFlags: b.nodeFlags,
      // What the function adds to the clients it needs, and what those clients alone cost.
      ...(clientsAlone === undefined
        ? {}
        : {
            clientsAlone: {
              name: clientsAlone.name,
              medianMs: clientsAlone.medianMs,
              ratio: clientsAlone.ratio,
              functionOverClientsAlone: figures.medianMs / clientsAlone.medianMs,
            },
          }),
    };
  });
  const probe = byName.get(SOURCE_MAP_PROBE);
  const probed = byName.get(withSourceMap.name);
  const sourceMapCost =
    probe === undefined || probed === undefined ? Number.NaN : probed.medianMs / probe.medianMs - 1;
  const deployed = rows.filter((row) => functions.some((fn) => fn.name === row.name));
  const librariesAlone = librariesAloneFigures(
    judged.filter((figures) => figures.name.startsWith('libraries alone: ')),
    byName.get(REFERENCE)?.medianMs ?? Number.NaN,
  );
  const defaultBuiltMs = byName.get(DEFAULT_BUILT_REFERENCE)?.medianMs ?? Number.NaN;
  const againstDefaultBuilt = Object.fromEntries(
    deployed.map((row) => [row.name, Math.round((row.medianMs / defaultBuiltMs) * 100) / 100]),
  );

  return {
    results: {
      what:
        'issue 11: init = time to require each bundle in a fresh node process (as the Lambda runtime loads a ' +
        'handler), bundled as the stack bundles (lib/bundle.ts: BUNDLING and the SDK schema plugin); the reference ' +
        'imports only the SQS client and sends one message; rounds interleaved, the first not counted; judged: ' +
        `median init / the reference median init <= ${INIT_RATIO_TARGET}. Each function loaded with its ` +
        'environment composes its app at init, as in Lambda (its clients made, its configuration parsed): ' +
        'included. Reported, not judged: clientsAlone, a function holding the same SDK clients and nothing else ' +
        '(each made at import, one command each), the floor under that many clients; and the reference as ' +
        "CDK's NodejsFunction builds it by default (the SDK left to the runtime's copy, not minified)",
      bundling: BUNDLING,
      rounds: ROUNDS,
      warmUpRounds: WARM_UP_ROUNDS,
      node: process.version,
      measureSeconds: Math.round(seconds),
      target: INIT_RATIO_TARGET,
      bundles: rows,
      sourceMaps: {
        what: `${SOURCE_MAP_PROBE} with a source map and --enable-source-maps, median init beside it without`,
        extraInit: sourceMapCost,
      },
      librariesAlone: {
        what:
          'reported, not judged: a bundle holding only each library, made as the functions make it (ownMs: its ' +
          "median init less the median of a bundle holding nothing; ofReference: ownMs / the reference's median)",
        libraries: librariesAlone,
      },
      againstDefaultBuiltReference: {
        what: `each function's median init / the median init of the ${DEFAULT_BUILT_REFERENCE} (reported, not judged)`,
        ratios: againstDefaultBuilt,
      },
      pass: deployed.every((row) => row.pass),
    },
    title:
      `cold start: init (require in a fresh node ${process.version}) of each function beside a one-client (SQS) ` +
      `function, ${ROUNDS} interleaved rounds, bundled as the stack bundles them`,
    figures: [
      ...rows.map((row): Figure => {
        const alone =
          'clientsAlone' in row && row.clientsAlone !== undefined
            ? `; its clients alone ${row.clientsAlone.ratio.toFixed(2)}x, the function ` +
              `${row.clientsAlone.functionOverClientsAlone.toFixed(2)}x them`
            : '';
        const line = {
          name: `init ${row.name}`,
          value:
            `median ${row.medianMs.toFixed(0)} ms (${row.ratio.toFixed(2)}x), p90 ${row.p90Ms.toFixed(0)} ms ` +
            `(${row.p90Ratio.toFixed(2)}x); ${(row.bytes / 1024).toFixed(0)} KB, ${row.clients.join(' ') || 'no SDK client'}` +
            alone,
        };
        return deployed.includes(row)
          ? { ...line, target: `median <= ${INIT_RATIO_TARGET}x reference`, pass: row.pass }
          : line;
      }),
      {
        name: 'init of the shared libraries alone',
        value: librariesAlone
          .map(
            (library) =>
              `${library.name} +${library.ownMs.toFixed(1)} ms (${library.ofReference.toFixed(2)}x of the reference)`,
          )
          .join(', '),
      },
      {
        name: `init beside the ${DEFAULT_BUILT_REFERENCE}`,
        value: Object.entries(againstDefaultBuilt)
          .map(([name, ratio]) => `${name} ${ratio.toFixed(2)}x`)
          .join(', '),
      },
    ],
  };
}

/**
 * What each library alone adds to the init of a bundle holding nothing (`libraries alone: nothing`),
 * in ms and as a share of the reference's median.
 * @throws Error without the bundle holding nothing: nothing to subtract.
 */
export function librariesAloneFigures(
  figures: readonly { readonly name: string; readonly medianMs: number }[],
  referenceMs: number,
): Array<{ name: string; medianMs: number; ownMs: number; ofReference: number }> {
  const prefix = 'libraries alone: ';
  const nothing = figures.find((figure) => figure.name === `${prefix}${NOTHING}`);
  if (nothing === undefined)
    throw new Error(`librariesAloneFigures: no "${prefix}${NOTHING}" bundle to subtract`);
  return figures
    .filter((figure) => figure !== nothing)
    .map((figure) => {
      const ownMs = Math.max(0, figure.medianMs - nothing.medianMs);
      return {
        name: figure.name.slice(prefix.length),
        medianMs: figure.medianMs,
        ownMs,
        ofReference: ownMs / referenceMs,
      };
    });
}
