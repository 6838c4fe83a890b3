/**
 * R20: an administrator's change to the policies: validated exactly as the deploy-time
 * configuration is (the `acw` schema and its messages, which name the field), then written with
 * its audit record on the version it was made on.
 */
import { ConfigError, parseAcwConfig } from '../config/acw-config';
import { definedFields, type PolicyConfig, type PolicyOverride, queueIdOf } from './config';
import {
  effectivePolicies,
  LEVEL_FIELDS,
  nextDocument,
  PolicyChangeInvalid,
  storedKey,
} from './policy-overrides';
import {
  type PolicyChangeRecord,
  type PolicyLevel,
  type PolicyOverrides,
  type PolicyStore,
  PolicyVersionConflict,
} from './ports';

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
  if (request.policy === null) {
    // A removal brings the baseline's policy back, which must still hold with the other overrides
    // (a queue override may rely on the default override's disposition codes).
    const { doc: after } = nextDocument(doc, {
      level: request.level,
      key,
      policy: null,
      expectedVersion: doc.version,
      by: request.by,
      reason: request.reason,
      at: new Date(0).toISOString(),
    });
    checkPolicies(effectivePolicies(baseline, after));
    return null;
  }
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

/** The deploy-time schema over whole policies; its problems as PolicyChangeInvalid. */
function checkPolicies(policies: unknown): void {
  try {
    parseAcwConfig({ policies });
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
