/**
 * The agent and supervisor API (openapi/acw-api.json) as the pages call it: a bearer access
 * token, the desktop's agent as a hint header, and every answer checked. Failures are thrown as
 * ApiError (logic/errors.ts) with a code the pages turn into words; each answer carries the clock
 * sample (serverTime and the round trip) for the countdown's skew correction.
 *
 * No DOM: fetch and the clock are passed in, so the client runs in tests as in the browser.
 */
import type { ClockSample } from './logic/clock';
import { ApiError, type Failure } from './logic/errors';
import {
  MalformedAnswer,
  parseStatusList,
  parseWrapUpList,
  parseWrapUpResult,
  type StatusList,
  type WrapUpList,
  type WrapUpResult,
} from './logic/wrap-up';

/** Header naming the Connect agent the desktop is logged in as (AGENT_HINT_HEADER in lambda/handlers/api.ts). */
export const AGENT_HINT_HEADER = 'x-acw-agent-hint';

/** Where the client gets its bearer token. */
export interface TokenSource {
  /** The current access token; throws ApiError `signed-out` when there is none. */
  token(): Promise<string>;
  /** After a 401: a new token if one can be had without the user (refresh, local dev token), else undefined. */
  renew(): Promise<string | undefined>;
}

/** What the client is built from. */
export interface ApiClientOptions {
  /** Absolute base URL of the API, without a trailing slash. */
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  /** The desktop's agent (ARN or user id), sent as a hint on agent routes; undefined sends none. */
  readonly agentHint?: () => string | undefined;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Local clock, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** A request that takes longer is abandoned as TIMEOUT. @default 10000 */
  readonly timeoutMs?: number;
}

/** An answer and when it was measured. */
export interface Answer<T> {
  readonly data: T;
  readonly clock: ClockSample;
}

/** Body of All Done and Save: only the fields being set. */
export interface WrapUpChanges {
  readonly disposition?: string;
  readonly notes?: string;
  /** R19 (PUT only): the status to land in after wrap-up; null: the routable status. */
  readonly nextStatus?: string | null;
}

/** The API's routes, one method each. */
export class ApiClient {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;

  constructor(private readonly options: ApiClientOptions) {
    // The stack's config.json gives the API's origin with a trailing slash: never call `//v1/...`.
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `GET /v1/me/wrap-ups`: the signed-in agent's open wrap-ups. */
  myWrapUps(): Promise<Answer<WrapUpList>> {
    return this.call('GET', '/v1/me/wrap-ups', { agent: true }, parseWrapUpList);
  }

  /** `POST /v1/me/wrap-ups/{contactId}/extend` (R5). */
  extend(contactId: string): Promise<Answer<WrapUpResult>> {
    return this.call(
      'POST',
      `/v1/me/wrap-ups/${segment(contactId)}/extend`,
      { agent: true },
      parseWrapUpResult,
    );
  }

  /** `POST /v1/me/wrap-ups/{contactId}/done` (R6), with the disposition and notes being set. */
  done(contactId: string, changes: WrapUpChanges = {}): Promise<Answer<WrapUpResult>> {
    return this.call(
      'POST',
      `/v1/me/wrap-ups/${segment(contactId)}/done`,
      { agent: true, body: changes },
      parseWrapUpResult,
    );
  }

  /** `GET /v1/me/statuses` (R19): the statuses the agent may choose to land in after wrap-up. */
  statuses(): Promise<Answer<StatusList>> {
    return this.call('GET', '/v1/me/statuses', { agent: true }, parseStatusList);
  }

  /** `PUT /v1/me/wrap-ups/{contactId}`: sets the disposition, the notes and/or (R19) the next status. */
  update(contactId: string, changes: WrapUpChanges): Promise<Answer<WrapUpResult>> {
    return this.call(
      'PUT',
      `/v1/me/wrap-ups/${segment(contactId)}`,
      { agent: true, body: changes },
      parseWrapUpResult,
    );
  }

  /** `GET /v1/wrap-ups?queueId=`: everyone's open wrap-ups (supervisors). */
  allWrapUps(queueId?: string): Promise<Answer<WrapUpList>> {
    const query = queueId === undefined || queueId === '' ? '' : `?queueId=${encodeURIComponent(queueId)}`;
    return this.call('GET', `/v1/wrap-ups${query}`, { agent: false }, parseWrapUpList);
  }

  /** `POST /v1/wrap-ups/{contactId}/{agentId}/extend` (supervisors). */
  extendFor(contactId: string, agentId: string): Promise<Answer<WrapUpResult>> {
    return this.call(
      'POST',
      `/v1/wrap-ups/${segment(contactId)}/${segment(agentId)}/extend`,
      { agent: false },
      parseWrapUpResult,
    );
  }

  /** `POST /v1/wrap-ups/{contactId}/{agentId}/done` (supervisors). */
  doneFor(contactId: string, agentId: string, changes: WrapUpChanges = {}): Promise<Answer<WrapUpResult>> {
    return this.call(
      'POST',
      `/v1/wrap-ups/${segment(contactId)}/${segment(agentId)}/done`,
      { agent: false, body: changes },
      parseWrapUpResult,
    );
  }

  /**
   * `GET` a supervisor route this client has no method of its own for (the Insights view's, in
   * their own chunk: web/src/insights-api.ts), with the token and the `accept` asked for. Refusals
   * are thrown as ApiError; the answer comes back as text, and as JSON when it is some.
   */
  async getRaw(
    path: string,
    accept = 'application/json',
  ): Promise<{ response: Response; text: string; body: unknown }> {
    const { response, text, body } = await this.exchange('GET', path, { agent: false, accept });
    return { response, text, body };
  }

  private async call<T extends { serverTime: string }>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    request: { agent: boolean; body?: WrapUpChanges },
    parse: (body: unknown) => T,
  ): Promise<Answer<T>> {
    const { body, sentAt, receivedAt } = await this.exchange(method, path, request);
    const data = parsed(body, parse);
    return { data, clock: { serverTime: Date.parse(data.serverTime), sentAt, receivedAt } };
  }

  /**
   * One request with the bearer token, and once more with a renewed token after a 401; a
   * refusal is thrown as ApiError. The body is read as text, and as JSON when it is some.
   */
  private async exchange(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    request: Outgoing,
  ): Promise<{ response: Response; text: string; body: unknown; sentAt: number; receivedAt: number }> {
    let token = await this.options.tokens.token();
    for (let attempt = 0; ; attempt++) {
      const sentAt = this.now();
      const response = await this.send(method, path, request, token);
      const text = await response.text().catch(() => '');
      const body = jsonOf(text);
      const receivedAt = this.now();
      if (response.status === 401 && attempt === 0) {
        // An expired or revoked token: one new token without the user, then give up (sign in again).
        const renewed = await this.options.tokens.renew();
        if (renewed !== undefined) {
          token = renewed;
          continue;
        }
      }
      if (!response.ok) throw new ApiError(httpFailure(response, body));
      return { response, text, body, sentAt, receivedAt };
    }
  }

  private async send(method: string, path: string, request: Outgoing, token: string): Promise<Response> {
    const headers: Record<string, string> = {
      accept: request.accept ?? 'application/json',
      authorization: `Bearer ${token}`,
    };
    const hint = request.agent ? this.options.agentHint?.() : undefined;
    if (hint !== undefined && hint !== '') headers[AGENT_HINT_HEADER] = hint;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: controller.signal,
        // A bearer token, no cookies: the API is on another origin and needs none.
        credentials: 'omit',
      });
    } catch (error) {
      if (controller.signal.aborted) throw new ApiError({ kind: 'timeout' });
      throw new ApiError({ kind: 'network', detail: error instanceof Error ? error.message : String(error) });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A path parameter, encoded (ids are letters, digits and "-", but never trust that in a URL). */
function segment(value: string): string {
  return encodeURIComponent(value);
}

/** What a request sends besides its method and path. */
interface Outgoing {
  /** An agent route: the desktop's agent goes along as a hint. */
  readonly agent: boolean;
  readonly body?: WrapUpChanges;
  /** @default 'application/json' */
  readonly accept?: string;
}

/** The answer checked by `parse`; a shape the page does not know is a `malformed` ApiError. */
export function parsed<T>(body: unknown, parse: (body: unknown) => T): T {
  try {
    return parse(body);
  } catch (error) {
    if (error instanceof MalformedAnswer) throw new ApiError({ kind: 'malformed', detail: error.message });
    throw error;
  }
}

/** The body of an answer: JSON when it is, else its text (undefined when empty). */
export async function readJson(response: Response): Promise<unknown> {
  return jsonOf(await response.text().catch(() => ''));
}

function jsonOf(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A refused request as a Failure: the body's code and message, and Retry-After. */
export function httpFailure(response: Response, body: unknown): Failure {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code =
    typeof fields.error === 'string'
      ? fields.error
      : typeof fields.code === 'string'
        ? fields.code
        : undefined;
  const message = typeof fields.message === 'string' ? fields.message : undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  return {
    kind: 'http',
    status: response.status,
    code,
    message,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  };
}
