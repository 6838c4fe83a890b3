/**
 * `npm run --silent simulate -- FILE.json [--quiet]`: runs a scenario and prints its outcome as JSON on
 * stdout (only the result: logs go to stderr). `-` reads the scenario from stdin.
 *
 * Exit codes: 0 ran; 2 the scenario or the command line is invalid (the message names the
 * problem); 1 the simulator itself failed.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { runScenario } from './engine';
import { ScenarioError } from './scenario';

const USAGE = 'usage: npm run --silent simulate -- FILE.json [--quiet]   (FILE "-" reads stdin)';

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: {
    readonly stdout: { write(text: string): unknown };
    readonly stderr: { write(text: string): unknown };
    readonly stdin?: NodeJS.ReadableStream;
  } = process,
): Promise<number> {
  const quiet = argv.includes('--quiet');
  const unknownFlags = argv.filter((arg) => arg.startsWith('--') && arg !== '--quiet');
  const files = argv.filter((arg) => !arg.startsWith('--'));
  if (unknownFlags.length > 0 || files.length !== 1) {
    const problem =
      unknownFlags.length > 0
        ? `unknown option ${unknownFlags.join(', ')}`
        : 'expected exactly one scenario file';
    io.stderr.write(`simulate: ${problem}\n${USAGE}\n`);
    return 2;
  }
  const file = files[0] ?? '-';
  let text: string;
  try {
    text = file === '-' ? await readAll(io.stdin ?? process.stdin) : await readFile(file, 'utf8');
  } catch (error) {
    io.stderr.write(
      `simulate: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 2;
  }
  try {
    const result = await runScenario(text, { quiet, logStream: io.stderr });
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.stderr.write(`simulate: ${file}: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(
      `simulate: the simulation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
