/**
 * `npm start` as a person runs it (server/main.ts in its own process): it prints the pages' URLs,
 * says clearly when the port is taken, and on Ctrl-C (SIGINT) or SIGTERM stops and exits 0 by
 * itself, nothing left holding the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../server/floor';
import { banner, portFrom } from '../../server/main';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Run {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>, args: string[] = []): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    run.stderr += chunk.toString('utf8');
  });
  return run;
}

async function waitFor(run: Run, text: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const match = text.exec(run.stdout);
    if (match !== null) return match;
    if (Date.now() > until || run.child.exitCode !== null) {
      throw new Error(`no ${text} in the output:\n${run.stdout}\n${run.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start (server/main.ts)', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    'prints the URLs, serves, and on %s stops and exits 0 with nothing left open',
    async (signal) => {
      const run = start({ PORT: '0' }, ['--quiet']);
      const [, url] = await waitFor(run, /supervisor board:\s+(http:\/\/127\.0\.0\.1:\d+)\/board\.html/);
      const config = await fetch(`${url}/config.json`);
      expect(config.status).toBe(200);
      expect(run.stdout).toContain(`${url}/?agent=${AGENTS[0]?.id}`);
      expect(run.stdout).toContain(`${url}/admin.html`);

      run.child.kill(signal);
      const exit = await run.exited;

      expect(exit).toEqual({ code: 0, signal: null });
      expect(run.stdout).toContain('connect-acw: stopped');
      expect(run.stderr).not.toContain('still running');
    },
  );

  it('says clearly that the port is taken, and exits 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = start({ PORT: String(port) });
      const exit = await run.exited;

      expect(exit.code).toBe(1);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('reads PORT: default 3000, 0 for any free port, anything else refused by name', () => {
    expect(portFrom({})).toBe(3000);
    expect(portFrom({ PORT: '0' })).toBe(0);
    expect(portFrom({ PORT: '8080' })).toBe(8080);
    expect(() => portFrom({ PORT: 'http' })).toThrow('PORT must be an integer 0-65535, got "http"');
    expect(() => portFrom({ PORT: '70000' })).toThrow('PORT must be an integer 0-65535');
  });

  it('the banner names the browser agent, the board and the agent picker', () => {
    const text = banner('http://127.0.0.1:3000');

    expect(text).toContain('http://127.0.0.1:3000/?agent=');
    expect(text).toContain('http://127.0.0.1:3000/board.html');
    expect(text).toContain('http://127.0.0.1:3000/\n');
    expect(text).toContain('Ctrl-C');
  });
});
