/**
 * R20: the administrators' command line for the policies as data, `npx connect-acw policies ...`
 * (dispatched by bin/connect-acw.ts):
 *
 * - `export`: the live policies (the deploy-time baseline from cdk.json's `acw` context, merged
 *   with the table's overrides) as the `acw.policies` JSON of cdk.json, on stdout, to take them
 *   back into code.
 * - `import FILE --reason TEXT [--by NAME] [--version N]`: makes the policies in force equal the
 *   file, as ONE audited change (lambda/core/policy-import.ts), conditional on the version.
 *
 * The table is `--table NAME` or `ACW_TABLE_NAME` (the stack output `SessionTableName`); the
 * region and credentials are the AWS SDK's usual ones (AWS_REGION, AWS_PROFILE...).
 *
 * Exit codes: 0 done; 2 the command line, cdk.json or the file is wrong (nothing changed; the
 * message names the field); 1 the change could not be made (another change came first, or a
 * DynamoDB call failed).
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoPolicyStore } from '../lambda/adapters/dynamo-policy-store';
import { ConfigError, parseAcwConfig } from '../lambda/config/acw-config';
import type { PolicyConfig } from '../lambda/core/config';
import { applyPolicyImport } from '../lambda/core/policy-import';
import {
  effectivePolicies,
  PolicyChangeInvalid,
  PolicyDocumentTooLarge,
} from '../lambda/core/policy-overrides';
import { PolicyVersionConflict } from '../lambda/core/ports';

const USAGE = [
  'usage: npx connect-acw policies export [--table NAME] [--cdk-json FILE]',
  '       npx connect-acw policies import FILE --reason TEXT [--by NAME] [--version N] [--table NAME] [--cdk-json FILE]',
  'The table: --table NAME or ACW_TABLE_NAME, the stack output SessionTableName',
  '  (aws cloudformation describe-stacks --stack-name ConnectAcw --query "Stacks[0].Outputs[?OutputKey==\'SessionTableName\'].OutputValue" --output text).',
  'The baseline: the acw context of ./cdk.json (or --cdk-json FILE), as deployed.',
].join('\n');

/** The command line, cdk.json or the file is wrong: nothing was changed (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: NodeJS.ProcessEnv;
}

interface Options {
  readonly command: 'export' | 'import';
  readonly file?: string | undefined;
  readonly table: string;
  readonly cdkJson: string;
  readonly reason?: string | undefined;
  readonly by?: string | undefined;
  readonly version?: number | undefined;
}

/** Runs `policies ARGS`; returns the exit code. */
export async function main(argv: readonly string[], io: Io = process): Promise<number> {
  try {
    const options = parseArguments(argv, io.env);
    const baseline = await baselineOf(options.cdkJson);
    const store = new DynamoPolicyStore({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName: options.table,
    });
    if (options.command === 'export') {
      const doc = await store.read();
      io.stdout.write(`${JSON.stringify(effectivePolicies(baseline, doc), null, 2)}\n`);
      io.stderr.write(
        `policies export: the policies in force at version ${doc.version} of the overrides in ${options.table}\n`,
      );
      return 0;
    }
    // The `acw.policies` object; its shape is the import's to judge, naming the field.
    const policies = await jsonOf(options.file ?? '');
    const expectedVersion = options.version ?? (await store.read()).version;
    const record = await applyPolicyImport(
      store,
      baseline,
      { policies, expectedVersion, by: options.by ?? defaultActor(), reason: options.reason ?? '' },
      new Date(),
    );
    io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    io.stderr.write(
      `policies import: ${options.file} is in force from version ${record.version} (one change, by ${record.by})\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`policies: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PolicyChangeInvalid) {
      io.stderr.write(`policies import: nothing changed: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PolicyDocumentTooLarge) {
      io.stderr.write(`policies import: nothing changed: ${error.message}\n`);
      return 2;
    }
    if (error instanceof PolicyVersionConflict) {
      io.stderr.write(`policies import: nothing changed: ${error.message} (export again, then import)\n`);
      return 1;
    }
    io.stderr.write(`policies: ${describeAwsError(error)}\n`);
    return 1;
  }
}

function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const [command, ...rest] = argv;
  if (command !== 'export' && command !== 'import') {
    throw new UsageError(
      `${command === undefined ? 'a command is required' : `unknown command "${command}"`}\n${USAGE}`,
    );
  }
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const allowed =
      command === 'export'
        ? ['--table', '--cdk-json']
        : ['--table', '--cdk-json', '--reason', '--by', '--version'];
    if (!allowed.includes(arg)) throw new UsageError(`unknown option ${arg} for ${command}\n${USAGE}`);
    const value = rest[index + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${arg} needs a value\n${USAGE}`);
    values.set(arg, value);
    index++;
  }
  const table = values.get('--table') ?? env.ACW_TABLE_NAME;
  if (table === undefined || table === '') {
    throw new UsageError(`no table: give --table NAME or set ACW_TABLE_NAME\n${USAGE}`);
  }
  const cdkJson = values.get('--cdk-json') ?? 'cdk.json';
  if (command === 'export') {
    if (positional.length > 0)
      throw new UsageError(`export takes no file (got ${positional.join(' ')})\n${USAGE}`);
    return { command, table, cdkJson };
  }
  if (positional.length !== 1) throw new UsageError(`import takes exactly one FILE\n${USAGE}`);
  const reason = values.get('--reason');
  if (reason === undefined || reason.trim() === '') {
    throw new UsageError(`--reason TEXT is required: the history says why the policies changed\n${USAGE}`);
  }
  const rawVersion = values.get('--version');
  const version = rawVersion === undefined ? undefined : Number(rawVersion);
  if (version !== undefined && !(Number.isInteger(version) && version >= 0)) {
    throw new UsageError(`--version must be a whole number of at least 0, got "${rawVersion}"\n${USAGE}`);
  }
  return { command, file: positional[0], table, cdkJson, reason, by: values.get('--by'), version };
}

/** The deploy-time policies: cdk.json's `acw` context, validated as the CDK app validates it. */
async function baselineOf(cdkJson: string): Promise<PolicyConfig> {
  const json = await jsonOf(cdkJson);
  const context = (json as { context?: { acw?: unknown } } | null)?.context;
  const raw = context?.acw;
  if (raw === undefined) throw new UsageError(`${cdkJson} has no context.acw: the deploy-time configuration`);
  try {
    return parseAcwConfig(typeof raw === 'string' ? JSON.parse(raw) : raw, 'acw').policies;
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(`${cdkJson}: ${error.message}`);
    if (error instanceof SyntaxError)
      throw new UsageError(`${cdkJson}: context.acw is not valid JSON (${error.message})`);
    throw error;
  }
}

async function jsonOf(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Who imports, when `--by` does not say: the operating system's user. */
function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'connect-acw-cli';
  }
}

/** A DynamoDB failure, said plainly (and what to check for the usual ones). */
function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const hint =
    error.name === 'ResourceNotFoundException'
      ? ' (is --table / ACW_TABLE_NAME the stack output SessionTableName, in this region?)'
      : /region is missing/i.test(error.message)
        ? " (set AWS_REGION to the stack's region)"
        : /credential/i.test(error.message)
          ? ' (set AWS_PROFILE, or credentials for the account of the stack)'
          : '';
  return `the DynamoDB call failed: ${error.name}: ${error.message}${hint}`;
}
