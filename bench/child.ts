/**
 * Runs a command of this repository in a child process and collects what it prints, without
 * blocking the event loop: the CLIs' tests (`npm run simulate`, `recommend`, `whatif`) and the
 * bench's what-if memory job.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: every command runs there. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ChildResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `command ...args` in the repository root, `env` added to this process's environment. */
export function runChild(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A writable that keeps what is written (a CLI's `main` run in-process). */
export function sink(): { write(text: string): boolean; text: () => string } {
  let buffer = '';
  return {
    write(text: string) {
      buffer += text;
      return true;
    },
    text: () => buffer,
  };
}
