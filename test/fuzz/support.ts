/**
 * Generated bad input for the R16 fuzz tests: arbitrary JSON, mutations of valid fixtures (a field
 * removed, replaced by another type, a bad timestamp, an unknown field added), and the checks
 * every parser must pass: a well-formed result, or its own error class naming the damaged field.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DynamoSessionStore } from '../../lambda/adapters/dynamo-session-store';
import { startDynamo, type TestDynamo } from '../support/dynamo';

/** Every property of these tests runs with this seed, so a failure replays exactly. */
export const SEED = 16;

/** A JSON path: object keys and array indexes. */
export type Path = readonly (string | number)[];

/** What was done to a valid value, for the failure message and the field check. */
export interface Mutation {
  readonly kind: 'remove' | 'replace' | 'badTimestamp' | 'addField';
  readonly path: Path;
  readonly value?: unknown;
}

/** A mutated copy of a valid value, and what was done to it. */
export interface Mutated {
  readonly value: unknown;
  readonly mutations: readonly Mutation[];
}

const ISO = /^\d{4}-\d{2}-\d{2}T/;

/** Values of every JSON type, and the edge values parsers trip on. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 0, -1, 1.5, 1e308, -0, '', ' ', 'x', true, false, [], {}, [null], { '': '' }),
  fc.constantFrom('__proto__', 'constructor', 'arn:', 'arn:/', '/', '-', '\u0000', '😀'),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Timestamps that are not ISO-8601, or not real dates. */
export const badTimestamp: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'yesterday',
    'now',
    '2021-13-01T00:00:00Z',
    '2021-02-30T00:00:00Z',
    '2021-08-04 17:43:48',
    '2021-08-04T25:00:00Z',
    '2021-08-04T17:43:48',
    '2021-08-04',
    '17:43:48Z',
    '2021-08-04T17:43:48+25:00',
    '1628099028',
    '+275760-09-13T00:00:00.001Z',
  ),
  fc.string({ maxLength: 30 }),
);

/** Every path in `value` (objects and arrays), the root excluded. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  }
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => [
      [...prefix, key],
      ...pathsOf(item, [...prefix, key]),
    ]);
  }
  return [];
}

/** The paths of `value` that hold objects (the root included): where a field can be added. */
export function objectPathsOf(value: unknown): Path[] {
  return [[], ...pathsOf(value)].filter((path) => isObject(at(value, path)));
}

/** The value at `path`. */
export function at(value: unknown, path: Path): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isObject(current) && typeof segment === 'string') current = current[segment];
    else return undefined;
  }
  return current;
}

/** A copy of `value` with `mutation` applied. */
export function applyMutation(value: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(value);
  const path = mutation.path;
  if (mutation.kind === 'replace' && path.length === 0) return mutation.value;
  const key = path[path.length - 1];
  const parent = at(copy, path.slice(0, -1));
  if (key === undefined) return copy;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (mutation.kind === 'remove') parent.splice(key, 1);
    else parent[key] = mutation.value;
  } else if (isObject(parent)) {
    if (mutation.kind === 'remove') delete parent[String(key)];
    else
      Object.defineProperty(parent, String(key), {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

/** One mutation of `valid`: a field removed, replaced, given a bad timestamp, or a field added. */
export function mutation(valid: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(valid);
  const timestamps = paths.filter((path) => {
    const leaf = at(valid, path);
    return typeof leaf === 'string' && ISO.test(leaf);
  });
  const objects = objectPathsOf(valid);
  const options: fc.Arbitrary<Mutation>[] = [
    fc
      .tuple(fc.constantFrom<Path>([], ...paths), oddValue)
      .map(([path, value]) => ({ kind: 'replace' as const, path, value })),
    fc
      .tuple(
        fc.constantFrom(...objects),
        fc.oneof(fc.constantFrom('__proto__', 'extra', ''), fc.string({ maxLength: 10 })),
        oddValue,
      )
      .map(([path, key, value]) => ({ kind: 'addField' as const, path: [...path, key], value })),
  ];
  if (paths.length > 0) {
    options.push(fc.constantFrom(...paths).map((path) => ({ kind: 'remove' as const, path })));
  }
  if (timestamps.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...timestamps), badTimestamp)
        .map(([path, value]) => ({ kind: 'badTimestamp' as const, path, value })),
    );
  }
  return fc.oneof(...options);
}

/** `valid` with 1-3 mutations; JSON text is mutated as the value it holds, and stays text. */
export function mutated(valid: unknown): fc.Arbitrary<Mutated> {
  const text = typeof valid === 'string';
  const base: unknown = text ? JSON.parse(valid) : valid;
  return fc.array(mutation(base), { minLength: 1, maxLength: 3 }).map((mutations) => {
    const value = mutations.reduce<unknown>((current, m) => applyMutation(current, m), base);
    return { value: text ? JSON.stringify(value) : value, mutations };
  });
}

/** Arbitrary input a parser may be given: JSON values, their text, and text that is not JSON. */
export const anyInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(undefined, null, '', '{', '[]', '{}', 'null', '"{}"'),
);

/** A dotted path as the handlers' errors write it (`detail.agentInfo.agentArn`). */
export function dotted(path: Path): string {
  return path.join('.');
}

/**
 * The paths an error may name for damage at `path`: the path itself, an ancestor (a strict object
 * names the object holding an unknown field) or a descendant (a replaced object's missing fields).
 */
export function onTheLineOf(path: Path, named: Path): boolean {
  const n = Math.min(path.length, named.length);
  for (let i = 0; i < n; i += 1) if (String(path[i]) !== String(named[i])) return false;
  return true;
}

/**
 * Calls `parse`; it must return (checked by `wellFormed`) or throw `errorClass` (checked by
 * `refusal`). Any other exception fails the property.
 */
export function parsesOrRefuses<T, E extends Error>(
  parse: () => T,
  errorClass: abstract new (...args: never[]) => E,
  wellFormed: (result: T) => void,
  refusal: (error: E) => void,
): 'parsed' | 'refused' {
  let result: T;
  try {
    result = parse();
  } catch (error) {
    if (!(error instanceof errorClass)) {
      throw new Error(`expected ${errorClass.name} or a result, got ${String(error)}`, { cause: error });
    }
    refusal(error);
    return 'refused';
  }
  wellFormed(result);
  return 'parsed';
}

/** A valid, finite Date. */
export function expectDate(value: unknown): void {
  expect(value).toBeInstanceOf(Date);
  expect(Number.isNaN((value as Date).getTime())).toBe(false);
}

/** fast-check's options for these tests: seeded, with `numRuns` runs. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED, numRuns };
}

/**
 * A dynalite started once for the test file, with a fresh session table per call of `fresh()`,
 * and a scan of the whole table (every item: sessions, flow choices, interruptions, statuses).
 */
export function useFuzzTables(): {
  fresh(): Promise<{ store: DynamoSessionStore; scan: () => Promise<Record<string, unknown>[]> }>;
} {
  let dynamo: TestDynamo | undefined;
  beforeAll(async () => {
    dynamo = await startDynamo();
  });
  afterAll(() => dynamo?.close());
  return {
    async fresh() {
      if (dynamo === undefined) throw new Error('dynalite did not start');
      const client = dynamo.client;
      const { store, tableName } = await dynamo.newStore();
      return {
        store,
        async scan() {
          const items: Record<string, unknown>[] = [];
          let start: Record<string, unknown> | undefined;
          do {
            const page = await client.send(
              new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
            );
            items.push(...(page.Items ?? []));
            start = page.LastEvaluatedKey;
          } while (start !== undefined);
          return items.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
        },
      };
    },
  };
}

function keyOf(item: Record<string, unknown>): string {
  return `${String(item.contactId)}\u0000${String(item.agentId)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
