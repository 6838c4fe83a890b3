/**
 * R20: the administrators' routes of the HTTP API (`/v1/admin/`), dispatched from
 * lambda/handlers/api.ts once the caller's groups allow the route (`policyReader`: supervisors and
 * administrators; `admin`: administrators only). An administrator need not be a Connect user: these
 * routes never resolve the caller to one; the audit names them `admin:<username claim>`.
 *
 * Each route validates path, query and body (naming the bad field), calls the core
 * (policy-change.ts, policy-overrides.ts, policy.ts) on the policy store, and maps its typed errors:
 * 400 INVALID_POLICY with every problem naming its field, 409 VERSION_CONFLICT with the current
 * version, 404 when there is no override to remove.
 */

import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import * as z from '../config/zod';
import { CHANNELS, definedFields, type PolicyConfig, QUEUE_ID, queueIdOf } from '../core/config';
import { policyFieldSources, resolvePolicy } from '../core/policy';
import { applyPolicyChange } from '../core/policy-change';
import {
  DEFAULT_KEY,
  effectivePolicies,
  indexLivePolicies,
  LEVEL_FIELDS,
  overrideAt,
  PolicyChangeInvalid,
  PolicyDocumentTooLarge,
  storedKey,
} from '../core/policy-overrides';
import {
  type Directory,
  type KillSwitch,
  type Log,
  POLICY_LEVELS,
  type PolicyLevel,
  type PolicyOverrides,
  type PolicyStore,
  PolicyVersionConflict,
  type StoredKillSwitch,
  type StoredOverride,
} from '../core/ports';
import type { Caller, ClaimSettings } from './api-claims';
import { HttpError, jsonBodyOf } from './api-errors';
import type { AdminRouteKey, ApiRoute } from './api-routes';

/** What the administrator routes are built from. */
export interface AdminDeps {
  /** The run-time overrides and their audit (DynamoDB). */
  readonly store: PolicyStore;
  /** The deploy-time policies (`acw.policies`), validated. */
  readonly baseline: PolicyConfig;
  /** R18: the deployed switch (SSM), for `GET /v1/admin/policies`; absent: on. */
  readonly deployedSwitch?: KillSwitch | undefined;
}

/** One administrator request: the caller may call the route. */
export interface AdminRequest {
  readonly admin: AdminDeps;
  readonly event: APIGatewayProxyEventV2WithJWTAuthorizer;
  readonly caller: Caller;
  readonly now: Date;
  readonly log: Log;
  /** Names of queues (the Directory port); absent, the policies carry none. */
  readonly directory?: Directory | undefined;
  readonly instanceArn?: string | undefined;
}

/** Largest body an administrator route reads, bytes (a policy with many disposition codes). */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;
/** `GET /v1/admin/policies/history`: how many changes without `limit`, and at most. */
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;
/** Longest reason an administrator gives for a change. */
export const MAX_REASON_LENGTH = 1_000;

/**
 * 403 unless the caller's groups allow the route: `policyReader` routes are for supervisors and
 * administrators, `admin` routes for administrators only.
 */
export function checkAdminAudience(route: ApiRoute, caller: Caller, api: ClaimSettings): void {
  if (caller.admin) return;
  if (route.audience === 'policyReader' && caller.supervisor) return;
  const groups =
    route.audience === 'policyReader' ? `${api.supervisorGroup} or ${api.adminGroup}` : api.adminGroup;
  throw new HttpError(403, 'FORBIDDEN', `only members of ${groups} may do this`);
}

/** The administrator routes of the policies (the catalog of names is api-directory.ts's). */
export type PolicyRouteKey = Exclude<AdminRouteKey, 'GET /v1/admin/directory'>;

/** Handles an administrator route; the body of its 200 answer. */
export async function handleAdmin(routeKey: PolicyRouteKey, request: AdminRequest): Promise<unknown> {
  try {
    return await ADMIN_HANDLERS[routeKey](request);
  } catch (error) {
    throw await asHttpError(error, request.admin.store);
  }
}

const ADMIN_HANDLERS = {
  'GET /v1/admin/policies': listPolicies,
  'GET /v1/admin/policies/history': listHistory,
  'POST /v1/admin/policies/preview': preview,
  'PUT /v1/admin/policies/{level}/{key}': putPolicy,
  'DELETE /v1/admin/policies/{level}/{key}': deletePolicy,
  'PUT /v1/admin/kill-switch': putKillSwitch,
} as const satisfies Record<PolicyRouteKey, (request: AdminRequest) => Promise<unknown>>;

const version = z
  .number({ error: 'version must be the version the change is made on (an integer)' })
  .check(z.int({ error: 'version must be an integer' }), z.gte(0, { error: 'version must be 0 or more' }));
const reason = z
  .string({ error: 'reason must say why (a string)' })
  .check(
    z.trim(),
    z.minLength(1, { error: 'reason must say why the policies change' }),
    z.maxLength(MAX_REASON_LENGTH, { error: `reason must be at most ${MAX_REASON_LENGTH} characters` }),
  );
const putBody = z.strictObject({
  policy: z.record(z.string(), z.unknown(), { error: 'policy must be an object of policy fields' }),
  version,
  reason,
});
const deleteBody = z.strictObject({ version, reason });
const killSwitchBody = z.strictObject({
  state: z.nullable(z.enum(['on', 'off'], { error: 'state must be "on", "off" or null' })),
  version,
  reason,
});
const previewBody = z.strictObject({
  channel: z.enum(CHANNELS, { error: `channel must be one of ${CHANNELS.join(', ')}` }),
  queueId: z.optional(
    z
      .string({ error: 'queueId must be a queue id' })
      .check(z.regex(QUEUE_ID, { error: 'queueId must be a queue id of 1-128 letters, digits or "-"' })),
  ),
  profile: z.optional(
    z
      .string({ error: 'profile must be a profile name' })
      .check(
        z.minLength(1, { error: 'profile must be a profile name' }),
        z.maxLength(64, { error: 'profile must be at most 64 characters' }),
      ),
  ),
  agentGroups: z.optional(
    z
      .array(z.string({ error: 'agentGroups must hold hierarchy group ids' }), {
        error: 'agentGroups must be a list of hierarchy group ids, level 1 first',
      })
      .check(z.maxLength(5, { error: 'agentGroups must hold at most 5 ids (levels 1-5)' })),
  ),
});
const LIMIT_MESSAGE = `limit must be an integer 1-${HISTORY_MAX_LIMIT}`;
const historyQuery = z.strictObject({
  limit: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,3}$/, { error: LIMIT_MESSAGE })),
      z.pipe(
        z.transform(Number),
        z.number().check(z.refine((n) => n >= 1 && n <= HISTORY_MAX_LIMIT, { error: LIMIT_MESSAGE })),
      ),
    ),
  ),
});

/** Where a policy in force came from. */
type PolicyOrigin =
  | { readonly kind: 'deployed' }
  | { readonly kind: 'changed'; readonly by: string; readonly at: string; readonly version: number };

function originOf(stored: StoredOverride | StoredKillSwitch | undefined): PolicyOrigin {
  return stored === undefined
    ? { kind: 'deployed' }
    : { kind: 'changed', by: stored.by, at: stored.at, version: stored.version };
}

/**
 * `GET /v1/admin/policies`: every level and key in force (the baseline with the overrides),
 * the default first, then channels, queues, profiles and agent groups, each by key; queues named
 * when the directory knows them.
 */
async function listPolicies(request: AdminRequest) {
  const { store, baseline } = request.admin;
  const doc = await store.read();
  const effective = effectivePolicies(baseline, doc);
  const entries: Array<{
    level: PolicyLevel;
    key: string;
    policy: object;
    source: PolicyOrigin;
  }> = [{ level: 'default', key: DEFAULT_KEY, policy: effective.default, source: originOf(doc.default) }];
  for (const [level, field] of Object.entries(LEVEL_FIELDS) as Array<
    [Exclude<PolicyLevel, 'default'>, (typeof LEVEL_FIELDS)[Exclude<PolicyLevel, 'default'>]]
  >) {
    const levelEntries = Object.entries(effective[field]).map(([configKey, policy]) => {
      const key = level === 'queue' ? queueIdOf(configKey) : configKey;
      return { level, key, policy: definedFields(policy ?? {}), source: originOf(doc[field][key]) };
    });
    levelEntries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    entries.push(...levelEntries);
  }
  const queueNames = await namesOfQueues(
    request,
    entries.filter((entry) => entry.level === 'queue').map((entry) => entry.key),
  );
  return {
    version: doc.version,
    killSwitch: await killSwitchView(request.admin, doc),
    // The admin page shows supervisors the policies read-only (wt-adminpage).
    canChange: request.caller.admin,
    policies: entries.map((entry) => {
      const name = entry.level === 'queue' ? queueNames.get(entry.key) : undefined;
      return {
        level: entry.level,
        key: entry.key,
        ...(name === undefined ? {} : { name }),
        policy: entry.policy,
        source: entry.source,
      };
    }),
  };
}

/** R18, R20: the switch in force: the override, else the deployed parameter. */
async function killSwitchView(admin: AdminDeps, doc: PolicyOverrides) {
  if (doc.killSwitch !== undefined) {
    return { state: doc.killSwitch.state, source: originOf(doc.killSwitch) };
  }
  const on = admin.deployedSwitch === undefined ? true : await admin.deployedSwitch.isOn();
  return { state: on ? 'on' : 'off', source: originOf(undefined) } as const;
}

/** Names are a convenience: when the directory fails, the policies carry none (logged). */
async function namesOfQueues(
  request: AdminRequest,
  queueIds: readonly string[],
): Promise<ReadonlyMap<string, string>> {
  const { directory, instanceArn, log } = request;
  if (directory === undefined || instanceArn === undefined || queueIds.length === 0) return new Map();
  try {
    return (await directory.names(instanceArn, { queueIds, agentIds: [] })).queues;
  } catch (error) {
    log.warn('Names of queues unavailable: the policies carry ids only', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return new Map();
  }
}

/** `GET /v1/admin/policies/history?limit=`: the audited changes, newest first. */
async function listHistory(request: AdminRequest) {
  const query = parse(historyQuery, request.event.queryStringParameters ?? {});
  return { changes: await request.admin.store.history(query.limit ?? HISTORY_DEFAULT_LIMIT) };
}

/**
 * `POST /v1/admin/policies/preview`: what a contact would get now, with the level each field came
 * from, resolved (R3) on the policies just read, so a change shows at once (the functions see it
 * within a minute).
 */
async function preview(request: AdminRequest) {
  const body = parse(previewBody, bodyOf(request.event));
  const doc = await request.admin.store.read();
  const index = indexLivePolicies(request.admin.baseline, doc);
  const subject = {
    channel: body.channel,
    queueId: body.queueId,
    profile: body.profile,
    agentGroupIds: body.agentGroups,
  };
  const resolved = resolvePolicy(index, subject);
  return {
    version: doc.version,
    policy: resolved.policy,
    source: resolved.source,
    fields: policyFieldSources(index, subject),
    ...(resolved.unknownProfile === undefined ? {} : { unknownProfile: resolved.unknownProfile }),
  };
}

/** `PUT /v1/admin/policies/{level}/{key}`: one level's whole override, on a version. */
async function putPolicy(request: AdminRequest) {
  const { level, key } = levelAndKey(request.event);
  const body = parse(putBody, bodyOf(request.event));
  const change = await applyPolicyChange(
    request.admin.store,
    request.admin.baseline,
    {
      level,
      key,
      policy: body.policy,
      expectedVersion: body.version,
      by: byOf(request.caller),
      reason: body.reason,
    },
    request.now,
  );
  return { version: change.version, change };
}

/** `DELETE /v1/admin/policies/{level}/{key}`: removes the override; the baseline applies again. */
async function deletePolicy(request: AdminRequest) {
  const { level, key } = levelAndKey(request.event);
  const body = parse(deleteBody, bodyOf(request.event));
  const doc = await request.admin.store.read();
  if (doc.version !== body.version) throw new PolicyVersionConflict(body.version);
  if (overrideAt(doc, level, storedKey(level, key)) === undefined) {
    throw new HttpError(404, 'NOT_FOUND', `there is no override at ${level} ${key} to remove`);
  }
  const change = await applyPolicyChange(
    request.admin.store,
    request.admin.baseline,
    {
      level,
      key,
      policy: null,
      expectedVersion: body.version,
      by: byOf(request.caller),
      reason: body.reason,
    },
    request.now,
  );
  return { version: change.version, change };
}

/**
 * `PUT /v1/admin/kill-switch`: R18's switch set at run time (`on`, `off`), or (`null`) back to the
 * deployed parameter; versioned and audited with the policies. The functions see it within 60 s.
 */
async function putKillSwitch(request: AdminRequest) {
  const body = parse(killSwitchBody, bodyOf(request.event));
  const { store } = request.admin;
  const doc = await store.read();
  if (doc.version !== body.version) throw new PolicyVersionConflict(body.version);
  if (body.state === null && doc.killSwitch === undefined) {
    throw new HttpError(404, 'NOT_FOUND', 'the kill switch has no override to remove');
  }
  const change = await store.writeKillSwitch({
    state: body.state,
    expectedVersion: body.version,
    by: byOf(request.caller),
    reason: body.reason,
    at: request.now.toISOString(),
  });
  const after = await store.read();
  return { version: change.version, change, killSwitch: await killSwitchView(request.admin, after) };
}

/** Who a change is audited as: the administrator's username claim. */
function byOf(caller: Caller): string {
  return `admin:${caller.username}`;
}

/** The path's level (one of POLICY_LEVELS, named when not) and key (`-` for the default only). */
function levelAndKey(event: APIGatewayProxyEventV2WithJWTAuthorizer): { level: PolicyLevel; key: string } {
  const params = event.pathParameters ?? {};
  const level = params.level ?? '';
  const key = params.key ?? '';
  if (!(POLICY_LEVELS as readonly string[]).includes(level)) {
    throw new HttpError(400, 'BAD_REQUEST', `level "${level}" is not one of ${POLICY_LEVELS.join(', ')}`);
  }
  if (key === '' || key.length > 256) {
    throw new HttpError(400, 'BAD_REQUEST', 'key must be 1-256 characters');
  }
  if ((level === 'default') !== (key === DEFAULT_KEY)) {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      level === 'default'
        ? `the default level's key is "${DEFAULT_KEY}"`
        : `key "${DEFAULT_KEY}" is the default level's: name the ${level}`,
    );
  }
  return { level: level as PolicyLevel, key };
}

/** The JSON body (required); refused when too large or not JSON. */
function bodyOf(event: APIGatewayProxyEventV2WithJWTAuthorizer): unknown {
  return jsonBodyOf(event, MAX_ADMIN_BODY_BYTES);
}

function parse<T extends z.ZodMiniType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new HttpError(400, 'BAD_REQUEST', `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  if (issue?.code === 'invalid_type' && issue.path.length === 0) {
    throw new HttpError(400, 'BAD_REQUEST', 'body must be a JSON object');
  }
  const field = issue?.path[0];
  if (
    issue?.code === 'invalid_type' &&
    issue.path.length === 1 &&
    typeof input === 'object' &&
    input !== null &&
    field !== undefined &&
    !(field in input)
  ) {
    throw new HttpError(400, 'BAD_REQUEST', `${String(field)} is required`);
  }
  throw new HttpError(400, 'BAD_REQUEST', issue?.message ?? 'bad request');
}

/** The core's refusals as the answers R20 names; anything else is the dispatcher's to map. */
async function asHttpError(error: unknown, store: PolicyStore): Promise<unknown> {
  if (error instanceof PolicyChangeInvalid) {
    return new HttpError(400, 'INVALID_POLICY', `the change is not valid: ${error.problems.join('; ')}`, {
      problems: error.problems,
    });
  }
  if (error instanceof PolicyVersionConflict) {
    const current = await store.read();
    return new HttpError(409, 'VERSION_CONFLICT', error.message, { version: current.version });
  }
  if (error instanceof PolicyDocumentTooLarge) {
    return new HttpError(400, 'POLICIES_TOO_LARGE', error.message);
  }
  return error;
}
