/**
 * R20: the admin API (`/v1/admin/...`, openapi/acw-api.json) as the admin page calls it: a bearer
 * access token (renewed once after a 401, like the agent API's client), every answer checked.
 * Failures are ApiError (logic/errors.ts); the two the page answers in its own way are typed:
 * PolicyInvalid (400 `INVALID_POLICY`, with the problems naming the fields) and VersionConflict
 * (409 `VERSION_CONFLICT`, with the version now in force).
 *
 * No DOM: fetch is passed in, so the client runs in tests as in the browser.
 */
import { httpFailure, readJson, type TokenSource } from './api';
import {
  type AdminDirectory,
  type AdminPolicies,
  DEFAULT_KEY,
  type PolicyChange,
  type PolicyLevel,
  type PolicyOverride,
  type PreviewResult,
  type PreviewSubject,
  parseAdminPolicies,
  parseChangeAnswer,
  parseDirectory,
  parseHistory,
  parsePreview,
  policyPath,
} from './logic/admin';
import { ApiError, type Failure } from './logic/errors';
import { MalformedAnswer } from './logic/wrap-up';

/** 400 `INVALID_POLICY`: the change was refused; each problem names its field. */
export class PolicyInvalid extends ApiError {
  constructor(
    failure: Failure,
    readonly problems: readonly string[],
  ) {
    super(failure);
    this.name = 'PolicyInvalid';
  }
}

/** 409 `VERSION_CONFLICT`: someone changed the policies first; `version` is the one in force now. */
export class VersionConflict extends ApiError {
  constructor(
    failure: Failure,
    readonly version: number | undefined,
  ) {
    super(failure);
    this.name = 'VersionConflict';
  }
}

/** What the admin client is built from. */
export interface AdminApiOptions {
  /** Absolute base URL of the API, without a trailing slash. */
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** A request that takes longer is abandoned as TIMEOUT. @default 10000 */
  readonly timeoutMs?: number;
}

/** A change's audit: the version it is made on and why. */
export interface ChangeBasis {
  readonly version: number;
  readonly reason: string;
}

/** The admin API's routes, one method each. */
export class AdminApi {
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: AdminApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** `GET /v1/admin/policies`: every level/key in force, its source, the version, the kill switch. */
  policies(): Promise<AdminPolicies> {
    return this.call('GET', '/v1/admin/policies', undefined, parseAdminPolicies);
  }

  /** `GET /v1/admin/policies/history?limit=`: the audited changes, newest first. */
  history(limit = 50): Promise<PolicyChange[]> {
    return this.call('GET', `/v1/admin/policies/history?limit=${limit}`, undefined, parseHistory);
  }

  /** `GET /v1/admin/directory`: queues and agent groups by name. */
  directory(): Promise<AdminDirectory> {
    return this.call('GET', '/v1/admin/directory', undefined, parseDirectory);
  }

  /** `PUT /v1/admin/policies/{level}/{key}`: the level's whole override. */
  setPolicy(
    level: PolicyLevel,
    key: string,
    policy: PolicyOverride,
    basis: ChangeBasis,
  ): Promise<{ version: number }> {
    return this.call('PUT', policyPath(level, key), { policy, ...basis }, parseChangeAnswer);
  }

  /** `DELETE /v1/admin/policies/{level}/{key}`: removes the override (the deployed policy applies again). */
  removePolicy(level: PolicyLevel, key: string, basis: ChangeBasis): Promise<{ version: number }> {
    return this.call(
      'DELETE',
      policyPath(level, level === 'default' ? DEFAULT_KEY : key),
      basis,
      parseChangeAnswer,
    );
  }

  /** `PUT /v1/admin/kill-switch`: `null` goes back to the deployed setting (R18). */
  setKillSwitch(state: 'on' | 'off' | null, basis: ChangeBasis): Promise<{ version: number }> {
    return this.call('PUT', '/v1/admin/kill-switch', { state, ...basis }, parseChangeAnswer);
  }

  /** `POST /v1/admin/policies/preview`: the policy a contact would get, and where each field comes from. */
  preview(subject: PreviewSubject): Promise<PreviewResult> {
    const body: Record<string, unknown> = { channel: subject.channel };
    if (subject.queueId) body.queueId = subject.queueId;
    if (subject.profile) body.profile = subject.profile;
    const groups = (subject.agentGroups ?? []).filter((group) => group !== '');
    if (groups.length > 0) body.agentGroups = groups;
    return this.call('POST', '/v1/admin/policies/preview', body, parsePreview);
  }

  private async call<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    parse: (body: unknown) => T,
  ): Promise<T> {
    let token = await this.options.tokens.token();
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, body, token);
      const answer = await readJson(response);
      if (response.status === 401 && attempt === 0) {
        const renewed = await this.options.tokens.renew();
        if (renewed !== undefined) {
          token = renewed;
          continue;
        }
      }
      if (!response.ok) throw refusal(response, answer);
      try {
        return parse(answer);
      } catch (error) {
        if (error instanceof MalformedAnswer)
          throw new ApiError({ kind: 'malformed', detail: error.message });
        throw error;
      }
    }
  }

  private async send(method: string, path: string, body: unknown, token: string): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
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

function refusal(response: Response, body: unknown): ApiError {
  const failure = httpFailure(response, body);
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (response.status === 400 && failure.kind === 'http' && failure.code === 'INVALID_POLICY') {
    const problems = Array.isArray(fields.problems)
      ? fields.problems.filter((p): p is string => typeof p === 'string')
      : [];
    return new PolicyInvalid(
      failure,
      problems.length > 0 ? problems : [failure.message ?? 'the policy was refused'],
    );
  }
  if (response.status === 409 && failure.kind === 'http' && failure.code === 'VERSION_CONFLICT') {
    return new VersionConflict(failure, typeof fields.version === 'number' ? fields.version : undefined);
  }
  return new ApiError(failure);
}
