/**
 * The agent and supervisor HTTP API (API Gateway HTTP API, payload format 2.0, JWT authorizer).
 *
 * API Gateway has already checked the token (issuer, audience, expiry); this handler
 * 1. finds the route (API_ROUTES) and the caller: the username claim is the Connect login,
 *    resolved to the Connect user id; the groups claim says whether they are a supervisor;
 *    R20's administrator routes go to lambda/handlers/api-admin.ts instead (no Connect user);
 * 2. validates path, query and body (strict schemas, size limits), naming the bad field;
 * 3. calls the core action (lambda/core/actions.ts) and maps the result or the typed error to
 *    a status: 404 for a session that is not the caller's, 409 with the refusal code, 400
 *    UNKNOWN_STATUS for a status the agent may not choose (R19), never a raw error.
 */

import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type ConnectUsers, UnknownConnectUser } from '../adapters/connect-users';
import { parseAcwConfig } from '../config/acw-config';
import * as z from '../config/zod';
import {
  ActionRefused,
  type ActionRequest,
  allOpenWrapUps,
  choosableStatuses,
  extendWrapUp,
  finishWrapUp,
  MAX_NOTES_LENGTH,
  openWrapUpsOf,
  SessionNotFound,
  UnknownStatus,
  updateWrapUp,
} from '../core/actions';
import { DISPOSITION_CODE, MAX_STATUS_NAME_LENGTH, QUEUE_ID } from '../core/config';
import { CONNECT_ID } from '../core/connect-arns';
import { type Clock, type Deps, type DirectoryNames, VersionConflict } from '../core/ports';
import type { Actor, Session } from '../core/session';
import { type AdminDeps, checkAdminAudience, handleAdmin, type PolicyRouteKey } from './api-admin';
import { type Caller, type ClaimSettings, callerOf } from './api-claims';
import { adminDirectory } from './api-directory';
import { HttpError, jsonBodyOf } from './api-errors';
import { HttpAnswer, REPORT_HANDLERS, type ReportsParts } from './api-reports';
import {
  type AdminRouteKey,
  API_ROUTES,
  type ApiRoute,
  isAdminRoute,
  MAX_REQUEST_BODY_BYTES,
  type RouteKey,
  routeKeyOf,
} from './api-routes';
import { NO_NAMES, view } from './api-views';
import {
  type App,
  catalog,
  connect,
  deployedApi,
  directory,
  dueQueue,
  killSwitch,
  reports,
  schedules,
  sessions,
} from './runtime';

/** What the API handler is built from; tests pass fakes. */
export interface ApiHandlerDeps {
  readonly app: App;
  /** Resolves the token's Connect login to the Connect user id. */
  readonly users: ConnectUsers;
  /** The clock `secondsLeft` and `serverTime` are computed on. */
  readonly clock: Clock;
  /**
   * Claim names, the supervisor group and the administrator group (`acw.api`).
   * @default - the defaults of `acw.api`
   */
  readonly api?: ClaimSettings;
  /**
   * R20: the policy store and the baseline the administrator routes change.
   * @default - none: the administrator routes answer 503
   */
  readonly admin?: AdminDeps | undefined;
  /** Issue 13: the roll-ups and sessions the report routes read (lambda/handlers/api-reports.ts). */
  readonly reports?: ReportsParts | undefined;
}

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

const idParam = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .check(z.regex(CONNECT_ID, { error: `${name} must be 1-256 letters, digits or "-"` }));

/** Body of All Done and of PUT: a disposition code, notes, or both (PUT needs at least one). */
const wrapUpBody = z.strictObject({
  disposition: z.optional(
    z.string({ error: 'disposition must be a string' }).check(
      z.regex(DISPOSITION_CODE, {
        error: 'disposition must be a code of 1-64 letters, digits, "_", "-" or "."',
      }),
    ),
  ),
  notes: z.optional(
    z
      .string({ error: 'notes must be a string' })
      .check(
        z.maxLength(MAX_NOTES_LENGTH, { error: `notes must be at most ${MAX_NOTES_LENGTH} characters` }),
      ),
  ),
});
type WrapUpBody = z.output<typeof wrapUpBody>;
const STATUS_NAME_MESSAGE = `nextStatus must be an agent status name (1-${MAX_STATUS_NAME_LENGTH} characters) or null`;
/**
 * Body of PUT: a disposition, notes, and (R19) the status to land in when the wrap-up ends
 * (`null`: back to the routable status); at least one of them.
 */
const updateBody = z.strictObject({
  ...wrapUpBody.shape,
  nextStatus: z.optional(
    z.nullable(
      z
        .string({ error: STATUS_NAME_MESSAGE })
        .check(
          z.minLength(1, { error: STATUS_NAME_MESSAGE }),
          z.maxLength(MAX_STATUS_NAME_LENGTH, { error: STATUS_NAME_MESSAGE }),
        ),
    ),
  ),
});
const emptyBody = z.strictObject({});
const supervisorQuery = z.strictObject({
  queueId: z.optional(
    z
      .string()
      .check(z.regex(QUEUE_ID, { error: 'queueId must be a queue id of 1-128 letters, digits or "-"' })),
  ),
});

/** Builds the handler from its dependencies. */
export function makeApiHandler(deps: ApiHandlerDeps) {
  const api = deps.api ?? parseAcwConfig({}).api;
  const log = deps.app.deps.log;

  return async (event: Event): Promise<Result> => {
    try {
      const found = ROUTES.get(event.routeKey);
      if (found === undefined) throw new HttpError(404, 'NOT_FOUND');
      const { route, handle } = found;
      const caller = callerOf(event, api);
      if (handle === undefined) return ok(await administer(deps, api, route, event, caller));
      if (route.audience === 'reader') {
        // Issue 13: reports read no one's wrap-up: supervisors and administrators, Connect users or not.
        if (!caller.supervisor && !caller.admin) {
          throw new HttpError(
            403,
            'FORBIDDEN',
            `only members of ${api.supervisorGroup} or ${api.adminGroup} may do this`,
          );
        }
        const body = await handle({ deps, route, event, userId: caller.username });
        return body instanceof HttpAnswer ? body.result : ok(body);
      }
      if (route.audience === 'supervisor' && !caller.supervisor) {
        throw new HttpError(403, 'FORBIDDEN', `only members of ${api.supervisorGroup} may do this`);
      }
      const userId = await resolveUser(deps.users, caller.username);
      if (route.audience === 'agent') checkAgentHint(event, userId);
      const body = await handle({ deps, route, event, userId });
      return body instanceof HttpAnswer ? body.result : ok(body);
    } catch (error) {
      return failure(error, event, log);
    }
  };
}

/** A request on its way to a route's handler: the caller is known and may call the route. */
interface RouteRequest {
  readonly deps: ApiHandlerDeps;
  readonly route: ApiRoute;
  readonly event: Event;
  /** The caller's Connect user id. */
  readonly userId: string;
}

/** What a route does: the body of its 200 answer. */
type RouteHandler = (request: RouteRequest) => Promise<unknown>;

/** A route that changes one wrap-up: given the checked request, the session after the change. */
type SessionAction = (core: Deps, request: ActionRequest, event: Event) => Promise<Session>;

/** What each route of API_ROUTES does. */
const HANDLERS = {
  'GET /v1/me/wrap-ups': listOwnWrapUps,
  'GET /v1/me/statuses': listChoosableStatuses,
  'GET /v1/wrap-ups': listAllWrapUps,
  'POST /v1/me/wrap-ups/{contactId}/extend': onWrapUp(extend),
  'POST /v1/wrap-ups/{contactId}/{agentId}/extend': onWrapUp(extend),
  'POST /v1/me/wrap-ups/{contactId}/done': onWrapUp(finish),
  'POST /v1/wrap-ups/{contactId}/{agentId}/done': onWrapUp(finish),
  'PUT /v1/me/wrap-ups/{contactId}': onWrapUp(update),
  'PUT /v1/wrap-ups/{contactId}/{agentId}': onWrapUp(update),
  // Issue 13: reports and recommendations (lambda/handlers/api-reports.ts).
  'GET /v1/reports/acw': ({ deps, event }) => REPORT_HANDLERS['GET /v1/reports/acw'](deps, event),
  'GET /v1/reports/acw/distribution': ({ deps, event }) =>
    REPORT_HANDLERS['GET /v1/reports/acw/distribution'](deps, event),
  'GET /v1/recommendations': ({ deps, event }) => REPORT_HANDLERS['GET /v1/recommendations'](deps, event),
} as const satisfies Record<Exclude<RouteKey, AdminRouteKey>, RouteHandler>;

/**
 * The route table: API Gateway's `routeKey` to the route and its handler; R20's administrator
 * routes have none here (api-admin.ts handles them).
 */
const ROUTES = new Map(
  API_ROUTES.map((route) => {
    const handlers: Readonly<Record<string, RouteHandler>> = HANDLERS;
    const handle = isAdminRoute(route) ? undefined : handlers[routeKeyOf(route)];
    if (handle === undefined && !isAdminRoute(route)) throw new Error(`No handler for ${routeKeyOf(route)}`);
    return [routeKeyOf(route), { route, handle }] as const;
  }),
);

/** R20: the administrators' catalog of names, answered by api-directory.ts. */
const DIRECTORY_ROUTE = 'GET /v1/admin/directory' satisfies AdminRouteKey;

/** R20: an administrator route, for the callers its audience allows; no Connect user is resolved. */
async function administer(
  deps: ApiHandlerDeps,
  api: ClaimSettings,
  route: ApiRoute,
  event: Event,
  caller: Caller,
): Promise<unknown> {
  checkAdminAudience(route, caller, api);
  // The catalog of names needs no policy store (api-directory.ts).
  if (routeKeyOf(route) === DIRECTORY_ROUTE) return adminDirectory(deps.app);
  if (deps.admin === undefined) {
    throw new HttpError(503, 'UNAVAILABLE', 'the policy administration is not configured in this API');
  }
  const core = deps.app.deps;
  return handleAdmin(routeKeyOf(route) as PolicyRouteKey, {
    admin: deps.admin,
    event,
    caller,
    now: deps.clock.now(),
    log: core.log,
    directory: core.directory,
    instanceArn: deps.app.config.instanceArn,
  });
}

async function listOwnWrapUps({ deps, userId }: RouteRequest) {
  const serverTime = deps.clock.now().toISOString();
  const sessions = await openWrapUpsOf(deps.app.deps, userId);
  const names = await namesOf(deps, sessions);
  return { serverTime, wrapUps: sessions.map((s) => view(s, deps.clock.now(), names)) };
}

/** R19: what the "After wrap-up" picker offers; from the instance, cached by the adapter. */
async function listChoosableStatuses({ deps }: RouteRequest) {
  const instanceArn = deps.app.config.instanceArn;
  if (instanceArn === undefined) throw new Error('The API is not configured with an instance ARN');
  const statuses = await choosableStatuses(deps.app.deps, instanceArn);
  return {
    serverTime: deps.clock.now().toISOString(),
    statuses: statuses.map(({ name, type }) => ({ name, type })),
  };
}

async function listAllWrapUps({ deps, event }: RouteRequest) {
  const query = parse(supervisorQuery, event.queryStringParameters ?? {});
  const sessions = await allOpenWrapUps(
    deps.app.deps,
    query.queueId === undefined ? {} : { queueId: query.queueId },
  );
  const names = await namesOf(deps, sessions);
  const now = deps.clock.now();
  return { serverTime: now.toISOString(), wrapUps: sessions.map((s) => view(s, now, names)) };
}

/**
 * A route on one wrap-up: the agent's own (another agent's contact is simply not found, no leak),
 * or any agent's for a supervisor.
 */
function onWrapUp(action: SessionAction): RouteHandler {
  return async ({ deps, route, event, userId }) => {
    const core = deps.app.deps;
    const params = event.pathParameters ?? {};
    const contactId = parse(idParam('contactId'), params.contactId);
    if (route.audience === 'agent') {
      const session = await core.store.get(contactId, userId);
      if (session === undefined || session.agentId !== userId) throw new HttpError(404, 'NOT_FOUND');
    }
    const agentId = route.audience === 'agent' ? userId : parse(idParam('agentId'), params.agentId);
    const by: Actor = route.audience === 'agent' ? `agent:${userId}` : `supervisor:${userId}`;
    const session = await action(core, { contactId, agentId, by }, event);
    const names = await namesOf(deps, [session]);
    const now = deps.clock.now();
    return { serverTime: now.toISOString(), wrapUp: view(session, now, names) };
  };
}

/**
 * R20: the names of the sessions' agents and queues. Names are a convenience: when the directory
 * fails (Connect throttles, a missing permission) the answer carries none, with a warning logged,
 * rather than failing a request the agent needs to wrap up.
 */
async function namesOf(deps: ApiHandlerDeps, sessions: readonly Session[]): Promise<DirectoryNames> {
  const { directory, log } = deps.app.deps;
  const instanceArn = deps.app.config.instanceArn;
  if (directory === undefined || instanceArn === undefined || sessions.length === 0) return NO_NAMES;
  const queueIds = [...new Set(sessions.flatMap((s) => (s.queueId === undefined ? [] : [s.queueId])))];
  const agentIds = [...new Set(sessions.map((s) => s.agentId))];
  try {
    return await directory.names(instanceArn, { queueIds, agentIds });
  } catch (error) {
    log.warn('Names of queues and agents unavailable: the answer carries ids only', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return NO_NAMES;
  }
}

function extend(core: Deps, request: ActionRequest, event: Event): Promise<Session> {
  parse(emptyBody, bodyOf(event, true));
  return extendWrapUp(core, request);
}

function finish(core: Deps, request: ActionRequest, event: Event): Promise<Session> {
  return finishWrapUp(core, { ...request, ...withoutUndefined(parse(wrapUpBody, bodyOf(event, true))) });
}

function update(core: Deps, request: ActionRequest, event: Event): Promise<Session> {
  const body = parse(updateBody, bodyOf(event, false));
  if (body.disposition === undefined && body.notes === undefined && body.nextStatus === undefined) {
    throw new HttpError(400, 'BAD_REQUEST', 'body must set disposition, notes or nextStatus');
  }
  return updateWrapUp(core, {
    ...request,
    ...withoutUndefined(body),
    ...(body.nextStatus === undefined ? {} : { nextStatus: body.nextStatus }),
  });
}

/** Header where the agent desktop names the Connect agent it is logged in as (an ARN or a user id). */
export const AGENT_HINT_HEADER = 'x-acw-agent-hint';

/**
 * The desktop's agent (from the Connect SDK) is only a hint: the token decides who the caller is.
 * A hint naming someone else means the desktop and the sign-in disagree (another agent's
 * browser session, a shared machine): refused rather than showing one agent another's wrap-ups.
 */
function checkAgentHint(event: Event, userId: string): void {
  const headers = event.headers ?? {};
  const hint = Object.entries(headers).find(([name]) => name.toLowerCase() === AGENT_HINT_HEADER)?.[1];
  if (hint === undefined || hint === '') return;
  const hinted = hint.includes('/') ? hint.slice(hint.lastIndexOf('/') + 1) : hint;
  if (hinted !== userId) {
    throw new HttpError(
      403,
      'AGENT_MISMATCH',
      'the signed-in user is not the agent this desktop is logged in as: sign in as that agent',
    );
  }
}

async function resolveUser(users: ConnectUsers, username: string): Promise<string> {
  try {
    return await users.userIdOf(username);
  } catch (error) {
    if (error instanceof UnknownConnectUser) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'the signed-in user is not an Amazon Connect user of this instance',
      );
    }
    throw error;
  }
}

/** The JSON body, or `{}` when `optional` and absent; refused when too large or not JSON. */
function bodyOf(event: Event, optional: boolean): unknown {
  return jsonBodyOf(event, MAX_REQUEST_BODY_BYTES, optional);
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
  throw new HttpError(400, 'BAD_REQUEST', issue?.message ?? 'bad request');
}

function withoutUndefined(body: WrapUpBody): Partial<Pick<ActionRequest, 'disposition' | 'notes'>> {
  return {
    ...(body.disposition === undefined ? {} : { disposition: body.disposition }),
    ...(body.notes === undefined ? {} : { notes: body.notes }),
  };
}

const HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function ok(body: unknown): Result {
  return { statusCode: 200, headers: HEADERS, body: JSON.stringify(body) };
}

function answer(
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Result {
  return { statusCode, headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) };
}

function failure(error: unknown, event: Event, log: App['deps']['log']): Result {
  if (error instanceof HttpError) {
    return answer(error.statusCode, {
      error: error.code,
      ...(error.message === error.code ? {} : { message: error.message }),
      ...error.details,
    });
  }
  if (error instanceof SessionNotFound) return answer(404, { error: 'NOT_FOUND' });
  if (error instanceof UnknownStatus) return answer(400, { error: 'UNKNOWN_STATUS', message: error.message });
  if (error instanceof ActionRefused) return answer(409, { error: error.code, message: error.message });
  if (error instanceof VersionConflict) {
    return answer(
      503,
      { error: 'BUSY', message: 'the wrap-up is being changed; try again' },
      { 'retry-after': '1' },
    );
  }
  log.error('API request failed', {
    routeKey: event.routeKey,
    requestId: event.requestContext.requestId,
    error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
  });
  return answer(500, {
    error: 'INTERNAL',
    message: `something went wrong; request id ${event.requestContext.requestId}`,
  });
}

// R18, R20: the kill switch kit for the deployed parameter the administrator routes report.
const parts = deployedApi(sessions, connect, directory, catalog, dueQueue, schedules, killSwitch, reports);
let deployed: ((event: Event) => Promise<Result>) | undefined;

/** The deployed handler: dependencies built on first use and kept for the container's life. */
export const handler = (event: Event): Promise<Result> => {
  deployed ??= makeApiHandler(parts());
  return deployed(event);
};
