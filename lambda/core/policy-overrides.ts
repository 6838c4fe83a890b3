/**
 * R20: policies as data. The deploy-time `acw.policies` are the baseline; administrators override
 * any level at run time. A policy given for a level is that level's whole override (the fields it
 * sets; the unset ones inherit as R3 says), replacing the baseline's policy for that key; removing
 * it brings the baseline's back. For the default level, the unset fields are the baseline
 * default's, so the default stays a whole policy.
 *
 * This module holds what the store, its in-memory model and the live resolution share: how a
 * change turns the document into the next one, and how the document merges over the baseline.
 * A change is validated in policy-change.ts, which needs the whole `acw` schema: kept apart so
 * that the functions' bundles, which only read overrides, do not carry it.
 */
import { definedFields, type PolicyConfig, type PolicyOverride, queueIdOf } from './config';
import { indexPolicies, type PolicyIndex } from './policy';
import {
  KILL_SWITCH_LEVEL,
  type KillSwitchWrite,
  type PolicyChangeRecord,
  type PolicyLevel,
  type PolicyOverrides,
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
 * The largest overrides document a change may leave, as JSON: DynamoDB refuses items over 400 KB
 * (its own measure differs a little from JSON's, hence the margin). About 2,000 overrides of a few
 * fields, or fewer with long disposition-code lists.
 */
export const MAX_DOCUMENT_BYTES = 350_000;

/** R20: a change would make the overrides document larger than one DynamoDB item can be. */
export class PolicyDocumentTooLarge extends Error {
  constructor(readonly bytes: number) {
    super(
      `The policy overrides would take ${bytes} bytes, more than the ${MAX_DOCUMENT_BYTES} one item holds: ` +
        'remove overrides that repeat the baseline, or move them into the deploy-time policies (cdk.json)',
    );
    this.name = 'PolicyDocumentTooLarge';
  }
}

/**
 * The document after `change` (already checked to be on `doc.version`), and its audit record.
 * The store writes both in one transaction.
 * @throws PolicyDocumentTooLarge when the document would not fit in one item.
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
  const bytes = new TextEncoder().encode(JSON.stringify(next)).length;
  if (bytes > MAX_DOCUMENT_BYTES) throw new PolicyDocumentTooLarge(bytes);
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

/**
 * R18, R20: the document after a kill switch change (already checked to be on `doc.version`), and
 * its audit record (level `killSwitch`, key `-`, before / after `{ state }`, absent for none).
 * The policies are untouched; the store writes both in one transaction, as for a policy change.
 */
export function nextKillSwitchDocument(
  doc: PolicyOverrides,
  change: KillSwitchWrite,
): { readonly doc: PolicyOverrides; readonly record: PolicyChangeRecord } {
  const version = doc.version + 1;
  const { killSwitch: before, ...rest } = doc;
  const next: PolicyOverrides = {
    ...rest,
    version,
    ...(change.state === null
      ? {}
      : { killSwitch: { state: change.state, version, at: change.at, by: change.by } }),
  };
  const record: PolicyChangeRecord = {
    version,
    at: change.at,
    by: change.by,
    reason: change.reason,
    level: KILL_SWITCH_LEVEL,
    key: DEFAULT_KEY,
    ...(before === undefined ? {} : { before: { state: before.state } }),
    ...(change.state === null ? {} : { after: { state: change.state } }),
  };
  return { doc: next, record };
}
