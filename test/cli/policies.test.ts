/**
 * R20: `npx connect-acw policies export|import` in a child process, against a session table on
 * moto (the import is a TransactWriteItems, which dynalite lacks) through AWS_ENDPOINT_URL_DYNAMODB.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runChild } from '../../bench/child';
import { DynamoPolicyStore } from '../../lambda/adapters/dynamo-policy-store';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { applyPolicyChange } from '../../lambda/core/policy-change';
import { effectivePolicies } from '../../lambda/core/policy-overrides';
import { useMotoTable } from '../support/moto';

const QUEUE_ARN =
  'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012/queue/q-billing';
/** The deploy-time configuration of the test's cdk.json. */
const ACW = {
  connectInstanceArn: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
  policies: {
    default: { durationSeconds: 90 },
    channels: { CHAT: { durationSeconds: 60 } },
    queues: { [QUEUE_ARN]: { durationSeconds: 300 } },
    profiles: { tier3: { durationSeconds: 600 } },
  },
};
const BASELINE = parseAcwConfig(ACW).policies;

describe('R20: npx connect-acw policies export / import', () => {
  const table = useMotoTable();
  let dir: string;
  let cdkJson: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acw-policies-'));
    cdkJson = join(dir, 'cdk.json');
    await writeFile(cdkJson, JSON.stringify({ app: 'npx tsx bin/connect-acw.ts', context: { acw: ACW } }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const store = () => new DynamoPolicyStore({ client: table.client, tableName: table.tableName });

  /** `connect-acw policies ARGS` through tsx, on moto, the table from ACW_TABLE_NAME. */
  function policies(args: readonly string[], env: Record<string, string> = {}) {
    return runChild(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['bin/connect-acw.ts', 'policies', ...args], {
      AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      ACW_TABLE_NAME: table.tableName,
      ...env,
    });
  }

  async function fileOf(name: string, content: unknown): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify(content));
    return file;
  }

  it("R20: export prints the baseline merged with the table's overrides as cdk.json's acw.policies", async () => {
    await applyPolicyChange(
      store(),
      BASELINE,
      {
        level: 'queue',
        key: 'q-billing',
        policy: { durationSeconds: 120 },
        expectedVersion: 0,
        by: 'a',
        reason: 'r',
      },
      new Date(),
    );

    const result = await policies(['export', '--cdk-json', cdkJson]);

    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout);
    expect(printed).toEqual(effectivePolicies(BASELINE, await store().read()));
    expect(printed.queues).toEqual({ 'q-billing': { durationSeconds: 120 } });
    expect(printed.profiles).toEqual({ tier3: { durationSeconds: 600 } });
    // It is a valid acw.policies as it stands.
    expect(parseAcwConfig({ policies: printed }).policies).toEqual(printed);
    expect(result.stderr).toContain(`version 1 of the overrides in ${table.tableName}`);
  });

  it('R20: export -> edit -> import round trip: the policies in force equal the file, in one history record', async () => {
    const exported = await policies(['export', '--cdk-json', cdkJson, '--table', table.tableName], {
      ACW_TABLE_NAME: '',
    });
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(exported.stdout);
    file.queues['q-new'] = { durationSeconds: 45, mode: 'forced' };
    file.channels.VOICE = { durationSeconds: 75 };
    const path = await fileOf('edited.json', file);

    // As the README gives it: npx runs the package's bin.
    const imported = await runChild(
      'npx',
      [
        'connect-acw',
        'policies',
        'import',
        path,
        '--reason',
        'Q3 review',
        '--by',
        'alice',
        '--cdk-json',
        cdkJson,
      ],
      {
        AWS_ENDPOINT_URL_DYNAMODB: table.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        ACW_TABLE_NAME: table.tableName,
      },
    );

    expect(imported.code, imported.stderr).toBe(0);
    const doc = await store().read();
    expect(effectivePolicies(BASELINE, doc)).toEqual(parseAcwConfig({ policies: file }).policies);
    const history = await store().history(10);
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ version: 1, level: 'import', by: 'alice', reason: 'Q3 review' });
    expect(history[0]?.after).toEqual({
      channels: { VOICE: { durationSeconds: 75 } },
      queues: { 'q-new': { durationSeconds: 45, mode: 'forced' } },
      profiles: {},
      agentGroups: {},
    });
    expect(JSON.parse(imported.stdout)).toEqual(history[0]);

    // Exported again, the same file comes back.
    const again = await policies(['export', '--cdk-json', cdkJson]);
    expect(JSON.parse(again.stdout)).toEqual(parseAcwConfig({ policies: file }).policies);
  }, 60_000);

  it('R20: an import on a stale --version is refused (exit 1) and changes nothing', async () => {
    const exported = await policies(['export', '--cdk-json', cdkJson]);
    expect(exported.stderr).toContain('version 0 of the overrides');
    await applyPolicyChange(
      store(),
      BASELINE,
      {
        level: 'profile',
        key: 'tier3',
        policy: { durationSeconds: 700 },
        expectedVersion: 0,
        by: 'b',
        reason: 'r',
      },
      new Date(),
    );
    const path = await fileOf('stale.json', JSON.parse(exported.stdout));

    const result = await policies([
      'import',
      path,
      '--reason',
      'restore',
      '--version',
      '0',
      '--cdk-json',
      cdkJson,
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The policies changed since version 0');
    expect((await store().read()).version).toBe(1);
    expect(await store().history(10)).toHaveLength(1);
  });

  it('R20: an invalid file is refused (exit 2) naming the field, and a baseline key it lacks is named', async () => {
    const bad = await fileOf('bad.json', {
      ...ACW.policies,
      queues: { ...ACW.policies.queues, 'q-x': { durationSeconds: -1 } },
    });
    const invalid = await policies(['import', bad, '--reason', 'r', '--cdk-json', cdkJson]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain(
      'acw.policies.queues["q-x"].durationSeconds must be an integer 0-86400, got -1',
    );

    const lacking = await fileOf('lacking.json', { ...ACW.policies, profiles: {} });
    const missing = await policies(['import', lacking, '--reason', 'r', '--cdk-json', cdkJson]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'acw.policies.profiles["tier3"] is in the deploy-time policies (cdk.json) and an override cannot remove it',
    );
    expect((await store().read()).version).toBe(0);
  });

  it('R20: the command line is checked first (exit 2), and a table that is not there is said plainly (exit 1)', async () => {
    const path = await fileOf('same.json', ACW.policies);
    const noReason = await policies(['import', path, '--cdk-json', cdkJson]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason TEXT is required');

    const noTable = await policies(['export', '--cdk-json', cdkJson], { ACW_TABLE_NAME: '' });
    expect(noTable.code).toBe(2);
    expect(noTable.stderr).toContain('no table: give --table NAME or set ACW_TABLE_NAME');
    expect(noTable.stderr).toContain('SessionTableName');

    const wrongTable = await policies(['export', '--cdk-json', cdkJson, '--table', 'no-such-table']);
    expect(wrongTable.code).toBe(1);
    expect(wrongTable.stderr).toContain('ResourceNotFoundException');
  }, 60_000);
});
