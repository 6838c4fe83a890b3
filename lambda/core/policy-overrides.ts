/**
 * R20: policies as data. The deploy-time `acw.policies` are the baseline; administrators override
 * any level at run time. A policy given for a level is that level's whole override (the fields it
 * sets; the unset ones inherit as R3 says), replacing the baseline's policy for that key; removing
 * it brings the baseline's back. For the default level, the unset fields are the baseline
 * default's, so the default stays a whole policy.
 *
 * This module holds what the store, its in-memory model and the live resolution share: how a
 * change turns the document into the next one, how the document merges over the baseline, and the
 * validation of a change with the deploy-time schema (its messages name the field).
 */
import { ConfigError, parseAcwConfig } from '../config/acw-config';
import { definedFields, type PolicyConfig, type PolicyOverride, queueIdOf } from './config';
import { indexPolicies, type PolicyIndex } from './policy';
import {
  type PolicyChangeRecord,
  type PolicyLevel,
  type PolicyOverrides,
  type PolicyStore,
  PolicyVersionConflict,
  type PolicyWrite,
  type StoredOverride,
} from './ports';

/** The key of the default level, as the admin API spells it. */
export const DEFAULT_KEY = '-';

/** The document's field (and the configuration's) of each keyed level. */
export const LEVEL_FIELDS = {
  channel: 'channels',
  queue: 'queues',
  profile: 'profiles',
  agentGroup: 'agentGroups',
} as const satisfies Record<Exclude<PolicyLevel, 'default'>, keyof PolicyOverrides>;

/** The document before any change. */
export const NO_OVERRIDES: PolicyOverrides = {
  version: 0,
  channels: {},
  queues: {},
  profiles: {},
  agentGroups: {},
};

/** The key a level stores: a queue ARN becomes its queue id (as the index keys queues), the default `-`. */
export function storedKey(level: PolicyLevel, key: string | undefined): string {
  if (level === 'default') return DEFAULT_KEY;
  if (key === undefined || key === '') throw new PolicyChangeInvalid([`the ${level} level needs a key`]);
  return level === 'queue' ? queueIdOf(key) : key;
}

/** The override a level holds for `key` now, if any. */
export function overrideAt(
  doc: PolicyOverrides,
  level: PolicyLevel,
  key: string,
): StoredOverride | undefined {
  if (level === 'default') return doc.default;
  return doc[LEVEL_FIELDS[level]][key];
}

/**
 * The document after `change` (already checked to be on `doc.version`), and its audit record.
 * The store writes both in one transaction.
 */
export function nextDocument(
  doc: PolicyOverrides,
  change: PolicyWrite,
): { readonly doc: PolicyOverrides; readonly record: PolicyChangeRecord } {
  const version = doc.version + 1;
  const key = storedKey(change.level, change.key);
  const before = overrideAt(doc, change.level, key)?.policy;
  const entry: StoredOverride | undefined =
    change.policy === null
      ? undefined
      : { policy: definedFields(change.policy), version, at: change.at, by: change.by };
  let next: PolicyOverrides;
  if (change.level === 'default') {
    const { default: _replaced, ...rest } = doc;
    next = { ...rest, version, ...(entry === undefined ? {} : { default: entry }) };
  } else {
    const field = LEVEL_FIELDS[change.level];
    const { [key]: _replaced, ...others } = doc[field];
    next = { ...doc, version, [field]: entry === undefined ? others : { ...others, [key]: entry } };
  }
  const record: PolicyChangeRecord = {
    version,
    at: change.at,
    by: change.by,
    reason: change.reason,
    level: change.level,
    key,
    ...(before === undefined ? {} : { before }),
    ...(entry === undefined ? {} : { after: entry.policy }),
  };
  return { doc: next, record };
}

/**
 * The policies in force: the baseline with each override replacing its key's baseline policy
 * (a queue's by queue id, however the baseline keyed it), the default's set fields over the
 * baseline default.
 */
export function effectivePolicies(baseline: PolicyConfig, doc: PolicyOverrides): PolicyConfig {
  const replaced = (
    base: Readonly<Record<string, PolicyOverride>>,
    live: Readonly<Record<string, StoredOverride>>,
    idOf: (key: string) => string = (key) => key,
  ): Record<string, PolicyOverride> => {
    const out: Record<string, PolicyOverride> = {};
    for (const [key, policy] of Object.entries(base)) if (live[idOf(key)] === undefined) out[key] = policy;
    for (const [key, stored] of Object.entries(live)) out[key] = stored.policy;
    return out;
  };
  return {
    default:
      doc.default === undefined
        ? baseline.default
        : { ...baseline.default, ...(definedFields(doc.default.policy) as Partial<PolicyConfig['default']>) },
    channels: replaced(baseline.channels, doc.channels),
    queues: replaced(baseline.queues, doc.queues, queueIdOf),
    profiles: replaced(baseline.profiles, doc.profiles),
    agentGroups: replaced(baseline.agentGroups, doc.agentGroups),
  };
}

/** R3, R20: the lookup index of the baseline with the overrides. */
export function indexLivePolicies(baseline: PolicyConfig, doc: PolicyOverrides): PolicyIndex {
  return indexPolicies(effectivePolicies(baseline, doc));
}

/** R20: a change the deploy-time schema refuses: every problem, each naming its field. */
export class PolicyChangeInvalid extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid policy change:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PolicyChangeInvalid';
  }
}

/** What an administrator asks: one level's whole override (null removes it) on a version. */
export interface PolicyChangeRequest {
  readonly level: PolicyLevel;
  /** The channel, queue id (or ARN), profile name or hierarchy group id; `-` or absent for the default. */
  readonly key?: string | undefined;
  readonly policy: unknown;
  readonly expectedVersion: number;
  readonly by: string;
  readonly reason: string;
}

/**
 * R20: validates a change exactly as the deploy-time configuration is validated: the policies in
 * force after it (every level, since a new default can break an existing override's cross-field
 * rule) go through the `acw` schema, and its messages name the field
 * (`acw.policies.queues["q1"].durationSeconds must be an integer 0-86400, got -1`).
 * Returns the change's policy as the schema output it (null for a removal).
 * @throws PolicyChangeInvalid
 */
export function validatePolicyChange(
  baseline: PolicyConfig,
  doc: PolicyOverrides,
  request: PolicyChangeRequest,
): PolicyOverride | null {
  const key = storedKey(request.level, request.key);
  if (request.reason.trim() === '') throw new PolicyChangeInvalid(['reason must say why the policy changes']);
  if (request.by.trim() === '') throw new PolicyChangeInvalid(['by must name who changes the policy']);
  if (request.policy === null) return null;
  const current = effectivePolicies(baseline, doc);
  const field = request.level === 'default' ? undefined : LEVEL_FIELDS[request.level];
  const input: Record<string, unknown> = { ...current };
  if (field === undefined) {
    // The default's unset fields stay the baseline's; a field the schema refuses is named as given.
    input.default =
      typeof request.policy === 'object' && !Array.isArray(request.policy)
        ? { ...baseline.default, ...(request.policy as object) }
        : request.policy;
  } else {
    const others = Object.fromEntries(
      Object.entries(current[field]).filter(([k]) => (field === 'queues' ? queueIdOf(k) : k) !== key),
    );
    input[field] = { ...others, [key]: request.policy };
  }
  try {
    const parsed = parseAcwConfig({ policies: input }).policies;
    if (field === undefined) {
      return definedFields(request.policy as object) as PolicyOverride;
    }
    const policy = parsed[field][key as keyof (typeof parsed)[typeof field]];
    return policy === undefined ? {} : definedFields(policy);
  } catch (error) {
    if (error instanceof ConfigError) throw new PolicyChangeInvalid(error.problems);
    throw error;
  }
}

/**
 * R20: an administrator's change.
 *
 * 1. Read the live document; refuse a change on another version (PolicyVersionConflict).
 * 2. Validate it with the deploy-time schema, against the policies in force (PolicyChangeInvalid).
 * 3. Write the document and its audit record in one transaction, conditional on the version.
 */
export async function applyPolicyChange(
  store: PolicyStore,
  baseline: PolicyConfig,
  request: PolicyChangeRequest,
  now: Date,
): Promise<PolicyChangeRecord> {
  const doc = await store.read();
  if (doc.version !== request.expectedVersion) {
    throw new PolicyVersionConflict(request.expectedVersion);
  }
  const policy = validatePolicyChange(baseline, doc, request);
  return store.write({
    level: request.level,
    key: storedKey(request.level, request.key),
    policy,
    expectedVersion: request.expectedVersion,
    by: request.by,
    reason: request.reason,
    at: now.toISOString(),
  });
}
