/**
 * `npm start`: a live local contact center on 127.0.0.1 (no AWS account, no network). Prints the
 * pages' URLs, then what happens on the floor (`--quiet`: only the URLs); Ctrl-C stops it.
 *
 * Usage: `tsx server/main.ts [--quiet]`, port from `PORT` (default 3000).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AGENTS } from './floor';
import { DEFAULT_PORT, type LocalServer, PortInUse, startLocalServer } from './server';
import type { FloorLine } from './world';

/** How long a stopped server may take to let the process end before it is reported, ms. */
const EXIT_GRACE_MS = 3_000;

/** The port from `PORT`: an integer 0-65535 (0: any free port); default 3000. */
export function portFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`PORT must be an integer 0-65535, got "${raw}"`);
  }
  return port;
}

/** The lines printed once the server listens. */
export function banner(url: string): string {
  const human = AGENTS.find((agent) => agent.human);
  const rows: Array<[string, string]> = [
    ...(human === undefined
      ? []
      : [
          [`You, as agent ${human.name} (${human.queue.name} queue):`, `${url}/?agent=${human.id}`] as [
            string,
            string,
          ],
        ]),
    ['The supervisor board:', `${url}/board.html`],
    ["The administrators' page (as Ada):", `${url}/admin.html`],
    ['Be another agent:', `${url}/`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    'connect-acw: a local contact center on the real handlers (simulated Connect, Scheduler, SQS;',
    'DynamoDB in-process). No AWS account, nothing leaves this machine.',
    '',
    ...rows.map(([label, link]) => `  ${label.padEnd(width)}  ${link}`),
    '',
    'Ctrl-C stops it.',
    '',
  ].join('\n');
}

function floorLine(line: FloorLine): string {
  const time = new Date(line.at).toTimeString().slice(0, 8);
  return `${time}  ${line.agent.padEnd(6)} ${line.text}\n`;
}

/** Starts the server and stops it on SIGINT / SIGTERM; resolves once it is stopped. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const quiet = argv.includes('--quiet');
  let port: number;
  try {
    port = portFrom(process.env);
  } catch (error) {
    process.stderr.write(`connect-acw: ${(error as Error).message}\n`);
    return 2;
  }
  let server: LocalServer;
  try {
    server = await startLocalServer({
      port,
      ...(quiet ? {} : { onFloor: (line: FloorLine) => process.stdout.write(floorLine(line)) }),
    });
  } catch (error) {
    if (error instanceof PortInUse) {
      process.stderr.write(`connect-acw: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stdout.write(banner(server.url));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`connect-acw: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      process.stdout.write('\nconnect-acw: stopping...\n');
      server.close().then(resolve, (error: unknown) => {
        process.stderr.write(`connect-acw: stopping failed: ${String(error)}\n`);
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.stdout.write('connect-acw: stopped\n');
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
      if (code !== 0) return;
      // Everything is closed: the process ends by itself. If something still holds it, say what.
      setTimeout(() => {
        process.stderr.write(
          `connect-acw: still running ${EXIT_GRACE_MS} ms after stopping, held by: ${process.getActiveResourcesInfo().join(', ')}\n`,
        );
        process.exit(0);
      }, EXIT_GRACE_MS).unref();
    },
    (error: unknown) => {
      process.stderr.write(
        `connect-acw: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
