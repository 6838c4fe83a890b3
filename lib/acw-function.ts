/**
 * One ACW Lambda function: the settings every handler shares, its own role and log
 * group, and the environment every handler reads (lambda/handlers/runtime.ts `ENV`).
 *
 * Resource-specific settings are not passed here: the construct that owns a resource adds the
 * environment variable and the IAM grant together (`SessionTable.grantSessions(fn)`, ...), so the
 * two cannot drift apart.
 */

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, Duration, type ILocalBundling, RemovalPolicy } from 'aws-cdk-lib';
import type { IGrantable, IPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  Architecture,
  Code,
  type IDestination,
  Function as LambdaFunction,
  LoggingFormat,
  Runtime,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AcwConfig } from '../lambda/config/acw-config';
import { POLICIES_FILE } from '../lambda/core/policy-bundle';
import { ENV } from '../lambda/handlers/env';
import { acknowledgeRule } from './nag';

/** The repository root, resolved from this file so that `cdk synth` and vitest agree. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A Lambda entry point of this repository: `lambda/handlers/<name>.ts`. */
export function handlerEntry(name: string): string {
  return join(REPO_ROOT, 'lambda', 'handlers', `${name}.ts`);
}

/**
 * Lambda allows 4 KB of environment in all; the rest of the variables (ARNs, URLs, names) take
 * about 500 bytes, so the configuration gets what is left. The policies are not in it (they
 * travel in the code bundle: `policiesBundleFile`), so a center's size does not count here.
 */
export const MAX_CONFIG_ENV_BYTES = 3_500;

/**
 * The `ACW_CONFIG` value: the validated configuration without the policies (in the bundle, see
 * `policiesBundleFile`), without `connectInstanceArn`, which the functions read from
 * `CONNECT_INSTANCE_ARN` (the CloudFormation parameter) instead, and without `alarmEmail`, which
 * they do not need.
 * @throws Error when the result does not fit in a Lambda environment.
 */
export function configEnvironmentValue(config: AcwConfig): string {
  // The alarm address is the stack's business, not the functions': keep it out of their environment.
  const { connectInstanceArn: _instance, alarmEmail: _email, policies: _policies, ...rest } = config;
  const value = JSON.stringify(rest);
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > MAX_CONFIG_ENV_BYTES) {
    throw new Error(
      `acw configuration (without its policies) is ${bytes} bytes as JSON, more than the ${MAX_CONFIG_ENV_BYTES} ` +
        'bytes a Lambda environment variable can hold here',
    );
  }
  return value;
}

/**
 * R20, issue 12: the deploy-time policies as the functions read them (`POLICIES_FILE` in their
 * bundle), written once per content to a file of the machine's temporary directory and copied
 * into every function's bundle after esbuild (`HandlerBundling`).
 *
 * Why a file in the bundle and not esbuild's `define`: `define` goes to esbuild on its command
 * line, where one argument is limited to 128 KiB; 2,000 queue policies are more. Why not a
 * separate S3 asset read at init: one more request and permission per cold start for what is
 * known at synth. The bundle's asset hash is its output's, so a policy change redeploys the code.
 */
export function policiesBundleFile(config: AcwConfig): string {
  const value = JSON.stringify(config.policies);
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 16);
  // A directory per content holding the file under its bundled name: a function's
  // `LAMBDA_TASK_ROOT` as far as the policies go (the bench and the tests run bundles with it).
  const dir = join(tmpdir(), 'connect-acw-policies', hash);
  const file = join(dir, POLICIES_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, value);
  }
  return file;
}

/** The command line that bundles one handler (lib/bundle-cli.ts), run from the repository root. */
export function bundleCommand(entry: string, outputDir: string): string[] {
  return ['--import', 'tsx', join(REPO_ROOT, 'lib', 'bundle-cli.ts'), entry, outputDir];
}

/**
 * Bundles a handler on this machine (lib/bundle.ts, in a `node` process of its own: esbuild's
 * plugins need its asynchronous API, CDK bundles synchronously), then copies the policies beside it
 * (`policiesBundleFile`). Its fields name what it bundles, so that each function's bundle is cached
 * apart (CDK keys its bundling cache on them).
 */
class HandlerBundling implements ILocalBundling {
  constructor(
    readonly entry: string,
    readonly policiesFile: string,
  ) {}

  tryBundle(outputDir: string): boolean {
    execFileSync(process.execPath, bundleCommand(this.entry, outputDir), {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    copyFileSync(this.policiesFile, join(outputDir, POLICIES_FILE));
    return true;
  }
}

/**
 * A function's code: its handler bundled here (`HandlerBundling`), the asset hashed from the output,
 * as NodejsFunction does, so that a change to the bundle (or to the policies in it) redeploys it.
 * Docker is never used: the image is only what CDK asks for should local bundling be unavailable.
 */
function handlerCode(entry: string, policiesFile: string): Code {
  return Code.fromAsset(REPO_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: new HandlerBundling(entry, policiesFile),
    },
  });
}

/** What every ACW function is built with. */
export interface AcwFunctionSettings {
  /**
   * The validated configuration; becomes `ACW_CONFIG` (without the instance ARN and the
   * policies) and `POLICIES_FILE` in the bundle (the policies).
   */
  readonly config: AcwConfig;
  /** The Amazon Connect instance ARN (a token: the `ConnectInstanceArn` parameter). */
  readonly instanceArn: string;
  /** The default wrap-up duration in seconds (a token: the `DefaultDurationSeconds` parameter). */
  readonly defaultDurationSeconds: string;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * The KMS key the function's logs are encrypted with (`LogEncryptionKey`), also used by the
   * constructs that make other log groups for the functions (the API's access logs).
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: IKey;
  /**
   * Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * Powertools service name (`POWERTOOLS_SERVICE_NAME`).
   * @default 'connect-acw'
   */
  readonly serviceName?: string;
}

/** Properties of one ACW function. */
export interface AcwFunctionProps {
  /** The shared settings. */
  readonly settings: AcwFunctionSettings;
  /** Absolute path of the handler file; it must export `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Function timeout.
   * @default Duration.seconds(20)
   */
  readonly timeout?: Duration;
  /**
   * Retries of an asynchronous invocation (0-2).
   * @default - Lambda's default (2) and no event invoke config
   */
  readonly retryAttempts?: number;
  /**
   * Where an asynchronous invocation goes once its retries are spent.
   * @default - none
   */
  readonly onFailure?: IDestination;
}

const LOG_LEVELS = new Set(['DEBUG', 'INFO', 'WARN', 'ERROR']);

/** A Lambda function with the project's runtime, bundling (lib/bundle.ts), logging and base environment. */
export class AcwFunction extends Construct implements IGrantable {
  /** The Lambda function. */
  readonly function: LambdaFunction;
  /** The function's own role: it starts with log writing only, each grant adds to it. */
  readonly role: Role;
  /** The function's log group. */
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AcwFunctionProps) {
    super(scope, id);
    validate(props);
    const settings = props.settings;

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (connect-acw)`,
    });
    // RETAIN: the logs are the audit trail of which agent the system put in which status and
    // why; they must outlive a stack deletion (the retention still expires them).
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: settings.logRetention ?? RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
      ...(settings.logEncryptionKey === undefined ? {} : { encryptionKey: settings.logEncryptionKey }),
    });
    // Only this log group: AWSLambdaBasicExecutionRole would allow writing to every log group.
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: handlerCode(props.entry, policiesBundleFile(settings.config)),
      handler: 'index.handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(20),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      environment: {
        [ENV.config]: configEnvironmentValue(settings.config),
        [ENV.instanceArn]: settings.instanceArn,
        [ENV.defaultDuration]: settings.defaultDurationSeconds,
        POWERTOOLS_SERVICE_NAME: settings.serviceName ?? 'connect-acw',
        POWERTOOLS_LOG_LEVEL: settings.logLevel ?? 'INFO',
      },
      ...(props.retryAttempts === undefined ? {} : { retryAttempts: props.retryAttempts }),
      ...(props.onFailure === undefined ? {} : { onFailure: props.onFailure }),
    });
    acknowledgeRule(
      this.function,
      'L1',
      'Pinned to nodejs22.x, the runtime the bundle (esbuild target node22) and the tests are built for; moving ' +
        'to nodejs24.x is a deliberate upgrade with its own test run, not a side effect of a CDK update.',
    );
  }

  /** The function's role, for grants. */
  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  /** The function ARN. */
  get functionArn(): string {
    return this.function.functionArn;
  }

  /** Sets one environment variable; used by the constructs that also grant the access it names. */
  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /** Adds a statement to the function's role. */
  addToRolePolicy(statement: PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }
}

function validate(props: AcwFunctionProps): void {
  if (!existsSync(props.entry)) {
    throw new Error(`AcwFunction: props.entry ${props.entry} does not exist`);
  }
  if (props.description.trim() === '') {
    throw new Error('AcwFunction: props.description must not be empty');
  }
  const timeout = props.timeout?.toSeconds();
  if (timeout !== undefined && (timeout < 1 || timeout > 900)) {
    throw new Error(`AcwFunction: props.timeout must be 1-900 seconds, got ${timeout}`);
  }
  const retries = props.retryAttempts;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) {
    throw new Error(`AcwFunction: props.retryAttempts must be an integer 0-2, got ${retries}`);
  }
  const level = props.settings.logLevel;
  if (level !== undefined && !LOG_LEVELS.has(level)) {
    throw new Error(
      `AcwFunction: props.settings.logLevel must be one of DEBUG, INFO, WARN, ERROR, got ${level}`,
    );
  }
}
