/**
 * R20: `connect-acw policies import FILE`, the bulk change: a file of `acw.policies` (what
 * `policies export` prints) becomes the policies in force, in ONE audited change.
 *
 * The deploy-time baseline stays what cdk.json deployed; the import computes the overrides that
 * make the baseline equal the file (a key whose policy equals the baseline's needs none) and
 * replaces the whole overrides document with them, conditional on the version it was read at.
 * An override can replace a baseline policy but not take it away, so a baseline key (or a field of
 * the baseline default) the file lacks is refused, named.
 */
import { ConfigError, parseAcwConfig } from '../config/acw-config';
import { definedFields, type PolicyConfig, type PolicyOverride, queueIdOf } from './config';
import {
  DEFAULT_KEY,
  LEVEL_FIELDS,
  MAX_DOCUMENT_BYTES,
  PolicyChangeInvalid,
  PolicyDocumentTooLarge,
} from './policy-overrides';
import {
  type PolicyImportRecord,
  type PolicyOverrides,
  type PolicyOverridesSnapshot,
  type PolicyStore,
  PolicyVersionConflict,
  type StoredOverride,
} from './ports';

/** What an administrator imports: a whole `acw.policies` object, on a version. */
export interface PolicyImportRequest {
  /** The `acw.policies` JSON, as `policies export` prints it (or as written in cdk.json). */
  readonly policies: unknown;
  readonly expectedVersion: number;
  readonly by: string;
  readonly reason: string;
}

type KeyedField = (typeof LEVEL_FIELDS)[keyof typeof LEVEL_FIELDS];
const KEYED_FIELDS = Object.values(LEVEL_FIELDS) as readonly KeyedField[];

/**
 * R20: the document after importing `request.policies` over `baseline`, and its audit record.
 * Overrides the import leaves as they were keep who set them and when.
 * @throws PolicyChangeInvalid naming each field the schema refuses, or each baseline key (or
 *   default field) the file lacks.
 * @throws PolicyDocumentTooLarge when the document, or the record of what changed, would not fit
 *   in one item.
 */
export function importDocument(
  baseline: PolicyConfig,
  doc: PolicyOverrides,
  request: PolicyImportRequest,
  at: string,
): { readonly doc: PolicyOverrides; readonly record: PolicyImportRecord } {
  if (request.reason.trim() === '')
    throw new PolicyChangeInvalid(['reason must say why the policies change']);
  if (request.by.trim() === '') throw new PolicyChangeInvalid(['by must name who changes the policies']);
  const file = parseFile(request.policies);
  const problems = missingFromFile(baseline, file);
  if (problems.length > 0) throw new PolicyChangeInvalid(problems);

  const version = doc.version + 1;
  const stored = (current: StoredOverride | undefined, policy: PolicyOverride): StoredOverride =>
    current !== undefined && sameJson(current.policy, policy)
      ? current
      : { policy, version, at, by: request.by };

  const defaultOverride = differingFields(baseline.default, file.default);
  const nextDefault =
    Object.keys(defaultOverride).length === 0 ? undefined : stored(doc.default, defaultOverride);
  const levels = {} as Record<KeyedField, Record<string, StoredOverride>>;
  for (const field of KEYED_FIELDS) {
    const idOf = field === 'queues' ? queueIdOf : (key: string) => key;
    const base = new Map(Object.entries(baseline[field]).map(([key, policy]) => [idOf(key), policy]));
    const entries: Record<string, StoredOverride> = {};
    for (const [key, given] of Object.entries(file[field])) {
      if (given === undefined) continue;
      const id = idOf(key);
      const policy = definedFields(given) as PolicyOverride;
      const basePolicy = base.get(id);
      if (basePolicy !== undefined && sameJson(definedFields(basePolicy), policy)) continue;
      entries[id] = stored(doc[field][id], policy);
    }
    levels[field] = entries;
  }
  // Spread first: what the document holds besides the policy levels (the kill switch) is kept.
  const { default: _replaced, ...rest } = doc;
  const next: PolicyOverrides = {
    ...rest,
    version,
    ...(nextDefault === undefined ? {} : { default: nextDefault }),
    ...levels,
  };
  const { before, after } = changedOverrides(doc, next);
  const record: PolicyImportRecord = {
    version,
    at,
    by: request.by,
    reason: request.reason,
    level: 'import',
    key: DEFAULT_KEY,
    before,
    after,
  };
  for (const value of [next, record]) {
    const bytes = new TextEncoder().encode(JSON.stringify(value)).length;
    if (bytes > MAX_DOCUMENT_BYTES) throw new PolicyDocumentTooLarge(bytes);
  }
  return { doc: next, record };
}

/**
 * R20: `policies import`.
 *
 * 1. Read the live document; refuse an import on another version (PolicyVersionConflict).
 * 2. Validate the file with the deploy-time schema, and against the baseline (PolicyChangeInvalid).
 * 3. Write the whole next document and one audit record in one transaction, conditional on the version.
 */
export async function applyPolicyImport(
  store: PolicyStore,
  baseline: PolicyConfig,
  request: PolicyImportRequest,
  now: Date,
): Promise<PolicyImportRecord> {
  const doc = await store.read();
  if (doc.version !== request.expectedVersion) throw new PolicyVersionConflict(request.expectedVersion);
  const { doc: next, record } = importDocument(baseline, doc, request, now.toISOString());
  return store.replaceAll({ expectedVersion: request.expectedVersion, doc: next, record });
}

/** The file through the deploy-time schema (defaults filled in, as cdk.json's would be). */
function parseFile(policies: unknown): PolicyConfig {
  if (policies === null || typeof policies !== 'object' || Array.isArray(policies)) {
    throw new PolicyChangeInvalid([
      'acw.policies must be an object: { "default", "channels", "queues", "profiles", "agentGroups" }',
    ]);
  }
  try {
    return parseAcwConfig({ policies }).policies;
  } catch (error) {
    if (error instanceof ConfigError) throw new PolicyChangeInvalid(error.problems);
    throw error;
  }
}

/** Baseline keys, and fields of the baseline default, that the file lacks: no override can remove them. */
function missingFromFile(baseline: PolicyConfig, file: PolicyConfig): string[] {
  const problems: string[] = [];
  const why = 'is in the deploy-time policies (cdk.json) and an override cannot remove it';
  const fix = 'keep it in the file, or remove it from cdk.json and deploy';
  for (const [field, value] of Object.entries(baseline.default)) {
    if (value !== undefined && (file.default as Record<string, unknown>)[field] === undefined) {
      problems.push(`acw.policies.default.${field} ${why}: ${fix}`);
    }
  }
  for (const field of KEYED_FIELDS) {
    const idOf = field === 'queues' ? queueIdOf : (key: string) => key;
    const given = new Set(Object.keys(file[field]).map(idOf));
    for (const key of Object.keys(baseline[field])) {
      if (!given.has(idOf(key)))
        problems.push(`acw.policies.${field}[${JSON.stringify(key)}] ${why}: ${fix}`);
    }
  }
  return problems;
}

/** The fields of `file` that differ from `base` (the default override: unset fields inherit the baseline's). */
function differingFields(base: PolicyConfig['default'], file: PolicyConfig['default']): PolicyOverride {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(definedFields(file))) {
    if (!sameJson((base as Record<string, unknown>)[field], value)) out[field] = value;
  }
  return out as PolicyOverride;
}

/** The overrides that differ between two documents, as they were and as they are. */
function changedOverrides(
  before: PolicyOverrides,
  after: PolicyOverrides,
): { before: PolicyOverridesSnapshot; after: PolicyOverridesSnapshot } {
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  if (!sameJson(before.default?.policy, after.default?.policy)) {
    if (before.default !== undefined) was.default = before.default.policy;
    if (after.default !== undefined) now.default = after.default.policy;
  }
  for (const field of KEYED_FIELDS) {
    const old: Record<string, PolicyOverride> = {};
    const current: Record<string, PolicyOverride> = {};
    for (const key of new Set([...Object.keys(before[field]), ...Object.keys(after[field])])) {
      const a = before[field][key]?.policy;
      const b = after[field][key]?.policy;
      if (sameJson(a, b)) continue;
      if (a !== undefined) old[key] = a;
      if (b !== undefined) current[key] = b;
    }
    was[field] = old;
    now[field] = current;
  }
  return {
    before: was as unknown as PolicyOverridesSnapshot,
    after: now as unknown as PolicyOverridesSnapshot,
  };
}

/** Equal as JSON, whatever the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return (
    JSON.stringify(value, (_key, inner: unknown) =>
      inner !== null && typeof inner === 'object' && !Array.isArray(inner)
        ? Object.fromEntries(Object.entries(inner).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
        : inner,
    ) ?? 'undefined'
  );
}
