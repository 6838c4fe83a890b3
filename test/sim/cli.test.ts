import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildResult, runChild, sink } from '../../bench/child';
import { main } from '../../sim/cli';
import { disconnected, scenarioOf } from './support';

/** Runs `npx tsx sim/cli.ts ...args`. */
function simulate(args: readonly string[]): Promise<ChildResult> {
  return runChild('npx', ['tsx', 'sim/cli.ts', ...args]);
}

describe('npm run simulate (sim/cli.ts)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'acw-sim-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints only the result JSON on stdout, logs on stderr, and exits 0', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(
      file,
      JSON.stringify(scenarioOf([{ at: '2021-08-04T17:38:40Z', contactEvent: disconnected() }])),
    );

    const { code, stdout, stderr } = await simulate([file]);

    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['sessions', 'statusChanges', 'errors', 'agents', 'stuck']);
    expect(result.sessions).toHaveLength(1);
    expect(result.statusChanges.map((change: { status: string }) => change.status)).toEqual([
      'Wrap Up',
      'Available',
    ]);
    expect(stderr).toContain('"message":"Wrap-up started"');
  });

  it('exits non-zero with a message naming the problem for an invalid scenario', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(scenarioOf([{ at: 'noon', contactEvent: disconnected() }])));

    const { code, stdout, stderr } = await simulate([file]);

    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('steps[0].at must be an ISO-8601 timestamp');
  });

  it('prints agent actions’ effects and refusals (errors) in the result JSON', async () => {
    const file = join(dir, 'actions.json');
    const agentId = '87654321-4321-4321-4321-210987654321';
    await writeFile(
      file,
      JSON.stringify(
        scenarioOf([
          { at: '2021-08-04T17:38:40Z', contactEvent: disconnected() },
          { at: '2021-08-04T17:39:00Z', agentAction: { agentId, action: 'extend' } },
          { at: '2021-08-04T17:39:10Z', agentAction: { agentId, action: 'extend' } },
          { at: '2021-08-04T17:39:20Z', agentAction: { agentId, action: 'update', notes: 'ok' } },
        ]),
      ),
    );
    const stdout = sink();
    const stderr = sink();

    expect(await main([file, '--quiet'], { stdout, stderr })).toBe(0);

    const result = JSON.parse(stdout.text());
    expect(result.sessions[0]).toMatchObject({
      extensionsUsed: 1,
      notes: 'ok',
      disposition: null,
      mode: 'timed',
    });
    expect(result.errors).toEqual([
      {
        at: '2021-08-04T17:39:10.000Z',
        agentId,
        contactId: '11111111-1111-1111-1111-111111111111',
        code: 'EXTENSION_LIMIT',
      },
    ]);
    expect(stderr.text()).toBe('');
  });

  it('exits non-zero for a file that is not JSON, or no file at all', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "steps": [');
    const stderr = sink();
    expect(await main([file], { stdout: sink(), stderr: stderr })).toBe(2);
    expect(stderr.text()).toContain('scenario is not valid JSON');

    const usage = sink();
    expect(await main([], { stdout: sink(), stderr: usage })).toBe(2);
    expect(usage.text()).toContain('expected exactly one scenario file');
  });
});
