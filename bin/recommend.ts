/**
 * `npm run --silent recommend -- --sessions FILE [--min-sample N]`: the R22 recommendations for the
 * wrap-up sessions in FILE, as `{ "recommendations": [...] }` JSON on stdout (nothing else).
 *
 * FILE is a simulator output (an object with `sessions`), its `sessions` array, or an export of
 * the table in the same shape. Exit codes: 0 done; 2 the command line or the file is wrong (the
 * message on stderr says what and where); 1 anything else.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { DEFAULT_MIN_SAMPLE, recommend, type WrapUpRecord } from '../lambda/core/calibration';
import { END_REASONS, type EndReason } from '../lambda/core/session';

const USAGE = `usage: npm run --silent recommend -- --sessions FILE [--min-sample N]   (N defaults to ${DEFAULT_MIN_SAMPLE})`;

/** The command line or the file is not what it should be; the message says what. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: readonly string[],
  io: {
    readonly stdout: { write(text: string): unknown };
    readonly stderr: { write(text: string): unknown };
  } = process,
): Promise<number> {
  try {
    const { file, minSample } = parseArguments(argv);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const records = sessionsOf(text, file);
    io.stdout.write(`${JSON.stringify({ recommendations: recommend(records, { minSample }) }, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr.write(`recommend: ${error.message}\n`);
      return 2;
    }
    io.stderr.write(
      `recommend: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

function parseArguments(argv: readonly string[]): { file: string; minSample: number } {
  let file: string | undefined;
  let minSample = DEFAULT_MIN_SAMPLE;
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if (value === undefined || value.startsWith('--')) {
      throw new InputError(`${flag} needs a value\n${USAGE}`);
    }
    if (flag === '--sessions') file = value;
    else if (flag === '--min-sample') {
      minSample = Number(value);
      if (!Number.isInteger(minSample) || minSample < 1) {
        throw new InputError(`--min-sample must be a whole number of at least 1, got "${value}"\n${USAGE}`);
      }
    } else throw new InputError(`unknown argument ${flag}\n${USAGE}`);
  }
  if (file === undefined) throw new InputError(`--sessions FILE is required\n${USAGE}`);
  return { file, minSample };
}

/** The file's sessions, each checked: the first problem found is thrown, naming the session and the field. */
export function sessionsOf(text: string, file: string): WrapUpRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      `${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const sessions = Array.isArray(json) ? json : isObject(json) ? json.sessions : undefined;
  if (!Array.isArray(sessions)) {
    throw new InputError(
      `${file} has no sessions array: expected a simulator output (an object with "sessions") or an array of sessions`,
    );
  }
  return sessions.map((session, index) => sessionOf(session, `${file}: sessions[${index}]`));
}

function sessionOf(value: unknown, where: string): WrapUpRecord {
  if (!isObject(value)) throw new InputError(`${where} is not an object`);
  const contact = typeof value.contactId === 'string' ? ` (contact ${value.contactId})` : '';
  const field = <T>(name: string, check: (raw: unknown) => raw is T, expected: string): T => {
    if (!(name in value)) throw new InputError(`${where}${contact}: missing field "${name}"`);
    const raw = value[name];
    if (!check(raw))
      throw new InputError(`${where}${contact}: "${name}" must be ${expected}, got ${JSON.stringify(raw)}`);
    return raw;
  };
  const record = {
    queueId: field('queueId', orNull(isString), 'a string or null'),
    channel: field('channel', isString, 'a string'),
    startedAt: field('startedAt', isTime, 'an ISO-8601 time'),
    endedAt: field('endedAt', orNull(isTime), 'an ISO-8601 time or null'),
    endReason: field('endReason', orNull(isEndReason), `one of ${END_REASONS.join(', ')} or null`),
    deadline: field('deadline', orNull(isTime), 'an ISO-8601 time or null'),
    extensionsUsed: field('extensionsUsed', isCount, 'a whole number of at least 0'),
  };
  if ((record.endedAt === null) !== (record.endReason === null)) {
    throw new InputError(
      `${where}${contact}: "endedAt" and "endReason" must both be set (ended) or both null (open)`,
    );
  }
  if (record.endedAt !== null && Date.parse(record.endedAt) < Date.parse(record.startedAt)) {
    throw new InputError(`${where}${contact}: "endedAt" is before "startedAt"`);
  }
  return record;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function isEndReason(value: unknown): value is EndReason {
  return typeof value === 'string' && (END_REASONS as readonly string[]).includes(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function orNull<T>(check: (value: unknown) => value is T): (value: unknown) => value is T | null {
  return (value: unknown): value is T | null => value === null || check(value);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
