/**
 * Issue 11: the functions keep the bundling lib/acw-function.ts chose for their cold start (the
 * SDK bundled from its ES modules, tree-shaken; no source map): the settings on every function, and
 * one real bundle.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkClientsIn, stackEnvironments } from '../../bench/cold-start';
import { FUNCTION_NAMES, type FunctionName } from '../../lambda/app/compose';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { POLICIES_FILE } from '../../lambda/core/policy-bundle';
import { ENV } from '../../lambda/handlers/env';
import {
  AcwFunction,
  configEnvironmentValue,
  handlerEntry,
  policiesBundleFile,
  REPO_ROOT,
} from '../../lib/acw-function';
import { BUNDLING, bundleHandler } from '../../lib/bundle';
import { startDynamo, type TestDynamo } from '../support/dynamo';
import { EXAMPLE_ACW, exampleWith, featureFlags, logicalId, propertiesOf, synth } from './support';

describe('ACW functions are bundled for a short cold start', () => {
  it('bundle the AWS SDK from its ES modules, minified, without a source map', () => {
    expect(BUNDLING).toEqual({
      minify: true,
      sourceMap: false,
      target: 'node22',
      externalModules: [],
      mainFields: ['module', 'main'],
    });
  });

  it('run without --enable-source-maps', () => {
    const { stack, template } = synth();

    for (const fn of [stack.intake.function, ...stack.timers.functions, stack.sweep.function]) {
      const variables = (
        propertiesOf(template, logicalId(fn.function)).Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;

      expect(variables, fn.node.path).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it('a real bundle holds the SDK clients its function uses and no other, and no source map', () => {
    const app = new App({ context: { ...featureFlags(), 'aws:cdk:enable-asset-metadata': true } });
    const stack = new Stack(app, 'Bundled');
    const fn = new AcwFunction(stack, 'ContactFlow', {
      settings: {
        config: parseAcwConfig(EXAMPLE_ACW),
        instanceArn: String(EXAMPLE_ACW.connectInstanceArn),
        defaultDurationSeconds: '90',
      },
      entry: handlerEntry('contact-flow'),
      description: 'contact flow choices',
    });

    const assembly = app.synth();
    const resource = assembly.getStackByName('Bundled').template.Resources[logicalId(fn.function)];
    const assetDir = join(assembly.directory, String(resource.Metadata['aws:asset:path']));
    const code = readFileSync(join(assetDir, 'index.js'), 'utf8');

    // Bundled, not left to the runtime's copy: no require of an SDK client, its DynamoDB client
    // inside. (The SDK's optional CRT signer is still tried with a require, inside a try.)
    expect(code).not.toMatch(/require\("@aws-sdk\/(client|lib)-/);
    expect(code).toContain('DynamoDB_20120810');
    // Only the client contact-flow uses (the sessions kit): no Connect, Scheduler, SQS or SSM.
    expect(code).not.toContain('AmazonConnectService');
    expect(code).not.toContain('AWSChronosService');
    expect(code).not.toContain('AmazonSQS');
    expect(code).not.toContain('AmazonSSM');
    expect(existsSync(join(assetDir, 'index.js.map'))).toBe(false);
    expect(code).not.toContain('sourceMappingURL');
    // Issue 12: the policies travel in the bundle, beside the handler, not in the environment.
    expect(JSON.parse(readFileSync(join(assetDir, POLICIES_FILE), 'utf8'))).toEqual(
      parseAcwConfig(EXAMPLE_ACW).policies,
    );
  }, 60_000);

  /** CommonJS, as Lambda loads an asset without a package.json (the repository's says ES modules). */
  const COMMONJS = '{ "type": "commonjs" }\n';
  const LAMBDA = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'ERROR' };
  let stack: ReturnType<typeof stackEnvironments> | undefined;
  const environments = () => {
    stack ??= stackEnvironments();
    return stack;
  };

  /**
   * The SDK clients in each bundle: those of the kits its entry point names. The timer-fired
   * function only defers timers (the due queue: no Scheduler); the sweep never arms, defers or
   * cancels one (no SQS, no Scheduler); agent-events cancels schedules and keeps refused records.
   */
  const CLIENTS: Record<FunctionName, string[]> = {
    worker: ['client-connect', 'client-dynamodb', 'client-scheduler', 'client-sqs', 'client-ssm'],
    'agent-events': ['client-connect', 'client-dynamodb', 'client-scheduler', 'client-sqs'],
    'timer-fired': ['client-connect', 'client-dynamodb', 'client-sqs'],
    sweep: ['client-connect', 'client-dynamodb', 'client-ssm'],
    // R18, R20: the API reads the kill switch parameter to report it beside an administrator's override.
    api: ['client-connect', 'client-dynamodb', 'client-scheduler', 'client-sqs', 'client-ssm'],
    'contact-flow': ['client-dynamodb'],
  };

  it.each(FUNCTION_NAMES)(
    '%s bundles only the SDK clients of the kits it names, and composes at init with the environment the stack gives it',
    async (name) => {
      const file = join(REPO_ROOT, 'cdk.out', 'bundling-test', 'functions', name, 'index.js');
      const output = await bundleHandler({
        source: { entry: handlerEntry(name) },
        outfile: file,
        workingDir: REPO_ROOT,
        bundling: BUNDLING,
      });
      await writeFile(join(REPO_ROOT, 'cdk.out', 'bundling-test', 'functions', 'package.json'), COMMONJS);
      const load = `try { require(process.argv[1]); process.stdout.write('composed') } catch (e) { process.stdout.write(e.message) }`;

      const loaded = await promisify(execFile)(process.execPath, ['-e', load, file], {
        env: { ...LAMBDA, AWS_LAMBDA_FUNCTION_NAME: name, ...environments()[name] },
      });

      expect(sdkClientsIn(output)).toEqual(CLIENTS[name]);
      // agent-events once lacked DUE_QUEUE_URL: it failed at every event.
      expect(loaded.stdout).toBe('composed');
    },
    60_000,
  );
});

describe('the configuration the functions read', () => {
  it('is written parsed, defaults filled in: parsing it again at run time would change nothing', () => {
    for (const acw of [EXAMPLE_ACW, exampleWith({ policies: undefined, connectQuota: undefined })]) {
      const config = parseAcwConfig(acw);
      const written = {
        ...JSON.parse(configEnvironmentValue(config)),
        policies: JSON.parse(readFileSync(policiesBundleFile(config), 'utf8')),
      };

      expect(parseAcwConfig(written)).toEqual(written);
    }
  });
});

describe('a bundle as deployed runs', () => {
  const file = join(REPO_ROOT, 'cdk.out', 'bundling-test', 'run', 'contact-flow.js');
  let dynamo: TestDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynamo();
    // CommonJS, as Lambda loads an asset without a package.json (the repository's says ES modules).
    await mkdir(dirname(file), { recursive: true });
    await writeFile(join(dirname(file), 'package.json'), '{ "type": "commonjs" }\n');
    await bundleHandler({
      source: { entry: handlerEntry('contact-flow') },
      outfile: file,
      workingDir: REPO_ROOT,
      bundling: BUNDLING,
    });
  }, 60_000);
  afterAll(() => dynamo?.close());

  it('R3: the contact-flow bundle writes the flow choice to DynamoDB through the bundled SDK', async () => {
    if (dynamo === undefined) throw new Error('dynalite did not start');
    const { store, tableName } = await dynamo.newStore();
    const endpoint = await dynamo.client.config.endpoint?.();
    if (endpoint === undefined) throw new Error('dynalite has no endpoint');
    const event = {
      Name: 'ContactFlowEvent',
      Details: {
        ContactData: { ContactId: 'c-bundled', Channel: 'VOICE' },
        Parameters: { durationSeconds: '45' },
      },
    };
    const run = `require(process.argv[1]).handler(${JSON.stringify(event)}).then((r) => process.stdout.write(JSON.stringify(r)))`;

    // A child process, as Lambda runs it (and so that dynalite, in this one, keeps answering).
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', run, file], {
      env: {
        PATH: process.env.PATH ?? '',
        // As in Lambda: the app is composed at init.
        AWS_LAMBDA_FUNCTION_NAME: 'contact-flow',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_DYNAMODB: `http://${endpoint.hostname}:${String(endpoint.port)}`,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        [ENV.config]: configEnvironmentValue(parseAcwConfig(EXAMPLE_ACW)),
        LAMBDA_TASK_ROOT: dirname(policiesBundleFile(parseAcwConfig(EXAMPLE_ACW))),
        [ENV.instanceArn]: String(EXAMPLE_ACW.connectInstanceArn),
        [ENV.defaultDuration]: '90',
        [ENV.tableName]: tableName,
        [ENV.dueQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111122223333/due',
      },
    });

    expect(JSON.parse(stdout)).toMatchObject({ acwSeconds: '45' });
    expect(await store.getOverride('c-bundled')).toMatchObject({
      contactId: 'c-bundled',
      durationSeconds: 45,
    });
  }, 60_000);

  it('in Lambda, composes its app at init: a missing variable fails the load, naming it', async () => {
    const load = `try { require(process.argv[1]); process.stdout.write('loaded') } catch (e) { process.stdout.write(e.message) }`;
    const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'ERROR' };

    const inLambda = await promisify(execFile)(process.execPath, ['-e', load, file], {
      env: { ...env, AWS_LAMBDA_FUNCTION_NAME: 'contact-flow' },
    });
    const elsewhere = await promisify(execFile)(process.execPath, ['-e', load, file], { env });

    expect(inLambda.stdout).toBe(`Environment variable ${ENV.config} is not set`);
    expect(elsewhere.stdout).toBe('loaded');
  }, 60_000);
});
