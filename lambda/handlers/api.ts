/**
 * The agent and supervisor HTTP API (API Gateway HTTP API, payload format 2.0, JWT authorizer).
 *
 * API Gateway has already checked the token (issuer, audience, expiry); this handler
 * 1. finds the route (API_ROUTES) and the caller: the username claim is the Connect login,
 *    resolved to the Connect user id; the groups claim says whether they are a supervisor;
 * 2. validates path, query and body (strict schemas, size limits), naming the bad field;
 * 3. calls the core action (lambda/core/actions.ts) and maps the result or the typed error to
 *    a status: 404 for a session that is not the caller's, 409 with the refusal code, 400
 *    UNKNOWN_STATUS for a status the agent may not choose (R19), never a raw error.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { type ConnectUsers, UnknownConnectUser } from '../adapters/connect-users';
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
import { type AcwConfig, parseAcwConfig } from '../core/config';
import { type Clock, VersionConflict } from '../core/ports';
import type { Actor, Session } from '../core/session';
import { API_ROUTES, type ApiRoute, MAX_BODY_BYTES, routeKeyOf } from './api-routes';
import { type App, deployedApi } from './runtime';

/** What the API handler is built from; tests pass fakes. */
export interface ApiHandlerDeps {
  readonly app: App;
  /** Resolves the token's Connect login to the Connect user id. */
  readonly users: ConnectUsers;
  /** The clock `secondsLeft` and `serverTime` are computed on. */
  readonly clock: Clock;
  /**
   * Claim names and the supervisor group (`acw.api`).
   * @default - the defaults of `acw.api`
   */
  readonly api?: Pick<AcwConfig['api'], 'usernameClaim' | 'groupsClaim' | 'supervisorGroup'>;
}

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/** An error answer: the status and the body the caller sees; nothing else of the cause leaks. */
class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'HttpError';
  }
}

const ROUTES = new Map<string, ApiRoute>(API_ROUTES.map((route) => [routeKeyOf(route), route]));
const ID = /^[0-9a-zA-Z-]{1,256}$/;
const DISPOSITION = /^[A-Za-z0-9_.-]{1,64}$/;

const idParam = (name: string) =>
  z
    .string({ error: `${name} is required` })
    .regex(ID, { error: `${name} must be 1-256 letters, digits or "-"` });

/** Body of All Done and of PUT: a disposition code, notes, or both (PUT needs at least one). */
const wrapUpBody = z.strictObject({
  disposition: z
    .string({ error: 'disposition must be a string' })
    .regex(DISPOSITION, { error: 'disposition must be a code of 1-64 letters, digits, "_", "-" or "."' })
    .optional(),
  notes: z
    .string({ error: 'notes must be a string' })
    .max(MAX_NOTES_LENGTH, { error: `notes must be at most ${MAX_NOTES_LENGTH} characters` })
    .optional(),
});
type WrapUpBody = z.output<typeof wrapUpBody>;
const STATUS_NAME_MESSAGE = 'nextStatus must be an agent status name (1-127 characters) or null';
/**
 * Body of PUT: a disposition, notes, and (R19) the status to land in when the wrap-up ends
 * (`null`: back to the routable status); at least one of them.
 */
const updateBody = z.strictObject({
  ...wrapUpBody.shape,
  nextStatus: z
    .string({ error: STATUS_NAME_MESSAGE })
    .min(1, { error: STATUS_NAME_MESSAGE })
    .max(127, { error: STATUS_NAME_MESSAGE })
    .nullable()
    .optional(),
});
const emptyBody = z.strictObject({});
const supervisorQuery = z.strictObject({
  queueId: z
    .string()
    .regex(/^[0-9a-zA-Z-]{1,128}$/, { error: 'queueId must be a queue id of 1-128 letters, digits or "-"' })
    .optional(),
});

/** Builds the handler from its dependencies. */
export function makeApiHandler(deps: ApiHandlerDeps) {
  const api = deps.api ?? parseAcwConfig({}).api;
  const log = deps.app.deps.log;

  return async (event: Event): Promise<Result> => {
    try {
      const route = ROUTES.get(event.routeKey);
      if (route === undefined) throw new HttpError(404, 'NOT_FOUND');
      const caller = callerOf(event, api);
      if (route.audience === 'supervisor' && !caller.supervisor) {
        throw new HttpError(403, 'FORBIDDEN', `only members of ${api.supervisorGroup} may do this`);
      }
      const userId = await resolveUser(deps.users, caller.username);
      if (route.audience === 'agent') checkAgentHint(event, userId);
      return ok(await dispatch(deps, route, event, userId));
    } catch (error) {
      return failure(error, event, log);
    }
  };
}

async function dispatch(deps: ApiHandlerDeps, route: ApiRoute, event: Event, userId: string) {
  const core = deps.app.deps;
  const now = () => deps.clock.now();
  const key = routeKeyOf(route);
  const params = event.pathParameters ?? {};

  if (key === 'GET /v1/me/wrap-ups') {
    return {
      serverTime: now().toISOString(),
      wrapUps: (await openWrapUpsOf(core, userId)).map((s) => view(s, now())),
    };
  }
  if (key === 'GET /v1/me/statuses') {
    // R19: what the "After wrap-up" picker offers; from the instance, cached by the adapter.
    const instanceArn = deps.app.config.instanceArn;
    if (instanceArn === undefined) throw new Error('The API is not configured with an instance ARN');
    const statuses = await choosableStatuses(core, instanceArn);
    return { serverTime: now().toISOString(), statuses: statuses.map(({ name, type }) => ({ name, type })) };
  }
  if (key === 'GET /v1/wrap-ups') {
    const query = parse(supervisorQuery, event.queryStringParameters ?? {});
    const sessions = await allOpenWrapUps(
      core,
      query.queueId === undefined ? {} : { queueId: query.queueId },
    );
    return { serverTime: now().toISOString(), wrapUps: sessions.map((s) => view(s, now())) };
  }

  const contactId = parse(idParam('contactId'), params.contactId);
  if (route.audience === 'agent') {
    // The caller's own session only: another agent's contact is simply not found (no leak).
    const session = await core.store.get(contactId, userId);
    if (session === undefined || session.agentId !== userId) throw new HttpError(404, 'NOT_FOUND');
  }
  const agentId = route.audience === 'agent' ? userId : parse(idParam('agentId'), params.agentId);
  const by: Actor = route.audience === 'agent' ? `agent:${userId}` : `supervisor:${userId}`;
  const request: ActionRequest = { contactId, agentId, by };

  let session: Session;
  if (key.endsWith('/extend')) {
    parse(emptyBody, bodyOf(event, true));
    session = await extendWrapUp(core, request);
  } else if (key.endsWith('/done')) {
    session = await finishWrapUp(core, {
      ...request,
      ...withoutUndefined(parse(wrapUpBody, bodyOf(event, true))),
    });
  } else {
    const body = parse(updateBody, bodyOf(event, false));
    if (body.disposition === undefined && body.notes === undefined && body.nextStatus === undefined) {
      throw new HttpError(400, 'BAD_REQUEST', 'body must set disposition, notes or nextStatus');
    }
    session = await updateWrapUp(core, {
      ...request,
      ...withoutUndefined(body),
      ...(body.nextStatus === undefined ? {} : { nextStatus: body.nextStatus }),
    });
  }
  return { serverTime: now().toISOString(), wrapUp: view(session, now()) };
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

/** One wrap-up as the agent desktop shows it. */
export function view(session: Session, now: Date) {
  const policy = session.policy;
  const deadline = session.deadline;
  return {
    contactId: session.contactId,
    agentId: session.agentId,
    channel: session.channel,
    queueId: session.queueId ?? null,
    state: session.state,
    mode: policy.mode,
    startedAt: session.startedAt,
    deadline: deadline ?? null,
    secondsLeft:
      deadline === undefined || session.state !== 'WRAP_UP'
        ? null
        : Math.max(0, Math.ceil((new Date(deadline).getTime() - now.getTime()) / 1000)),
    extensionsUsed: session.extensionsUsed,
    extensionsLeft: Math.max(0, policy.maxExtensions - session.extensionsUsed),
    extensionSeconds: policy.extensionSeconds,
    dispositionCodes: policy.dispositionCodes.map(({ code, label }) => ({ code, label })),
    requireDisposition: policy.requireDisposition,
    showCountdown: policy.showCountdown,
    disposition: session.disposition ?? null,
    notes: session.notes ?? null,
    /** R19: the status the agent will land in when the wrap-up ends; null: the routable status. */
    nextStatus: session.nextStatus ?? null,
    endReason: session.endReason ?? null,
  };
}

interface Caller {
  readonly username: string;
  readonly supervisor: boolean;
}

function callerOf(event: Event, api: NonNullable<ApiHandlerDeps['api']>): Caller {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const username = claims?.[api.usernameClaim];
  if (typeof username !== 'string' || username === '') {
    throw new HttpError(401, 'UNAUTHORIZED', `the token has no ${api.usernameClaim} claim`);
  }
  return { username, supervisor: groupsOf(claims?.[api.groupsClaim]).includes(api.supervisorGroup) };
}

/**
 * The groups claim: a JSON array, or how API Gateway flattens Cognito's array into a string
 * (`[supervisors agents]`), or a comma- or space-separated string.
 */
export function groupsOf(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.filter((group): group is string => typeof group === 'string');
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((group) => group.replace(/^"|"$/g, ''))
    .filter((group) => group !== '');
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
  const raw = event.body;
  if (raw === undefined || raw === '') {
    if (optional) return {};
    throw new HttpError(400, 'BAD_REQUEST', 'body is required');
  }
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
    throw new HttpError(400, 'BAD_REQUEST', `body must be at most ${MAX_BODY_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'body must be JSON');
  }
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
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
  body: Record<string, string>,
  headers: Record<string, string> = {},
): Result {
  return { statusCode, headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) };
}

function failure(error: unknown, event: Event, log: App['deps']['log']): Result {
  if (error instanceof HttpError) {
    return answer(error.statusCode, {
      error: error.code,
      ...(error.message === error.code ? {} : { message: error.message }),
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

let deployed: ((event: Event) => Promise<Result>) | undefined;

/** The deployed handler: dependencies built on first use and kept for the container's life. */
export const handler = (event: Event): Promise<Result> => {
  deployed ??= makeApiHandler(deployedApi());
  return deployed(event);
};
