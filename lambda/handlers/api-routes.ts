/**
 * The routes of the agent and supervisor HTTP API: one list that the construct (lib/agent-api.ts)
 * declares to API Gateway, the handler (lambda/handlers/api.ts) dispatches on, and the OpenAPI
 * document is tested against. No imports, so the CDK app reads it without loading the SDK.
 */

/** HTTP methods the API uses. */
export type ApiMethod = 'GET' | 'POST' | 'PUT';

/** Who may call a route: every signed-in agent, or members of the supervisor group only. */
export type ApiAudience = 'agent' | 'supervisor';

/** One route of the API, keyed like API Gateway's `routeKey` (`METHOD /path/{param}`). */
export interface ApiRoute {
  readonly method: ApiMethod;
  readonly path: string;
  readonly audience: ApiAudience;
}

/** Every route of the API. */
export const API_ROUTES = [
  { method: 'GET', path: '/v1/me/wrap-ups', audience: 'agent' },
  { method: 'POST', path: '/v1/me/wrap-ups/{contactId}/extend', audience: 'agent' },
  { method: 'POST', path: '/v1/me/wrap-ups/{contactId}/done', audience: 'agent' },
  { method: 'PUT', path: '/v1/me/wrap-ups/{contactId}', audience: 'agent' },
  { method: 'GET', path: '/v1/me/statuses', audience: 'agent' },
  { method: 'GET', path: '/v1/wrap-ups', audience: 'supervisor' },
  { method: 'PUT', path: '/v1/wrap-ups/{contactId}/{agentId}', audience: 'supervisor' },
  { method: 'POST', path: '/v1/wrap-ups/{contactId}/{agentId}/extend', audience: 'supervisor' },
  { method: 'POST', path: '/v1/wrap-ups/{contactId}/{agentId}/done', audience: 'supervisor' },
  // Issue 13: reports and recommendations (supervisors; wt-admin adds the `admin` audience).
  { method: 'GET', path: '/v1/reports/acw', audience: 'supervisor' },
  { method: 'GET', path: '/v1/reports/acw/distribution', audience: 'supervisor' },
  { method: 'GET', path: '/v1/recommendations', audience: 'supervisor' },
] as const satisfies readonly ApiRoute[];

/** A route key as API Gateway sends it in `event.routeKey`. */
export type RouteKey = KeyOf<(typeof API_ROUTES)[number]>;

/** The key of each route of a union on its own (not every method with every path). */
type KeyOf<Route> = Route extends {
  readonly method: infer M extends string;
  readonly path: infer P extends string;
}
  ? `${M} ${P}`
  : never;

/** `METHOD /path` of a route. */
export function routeKeyOf(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
}

/** Largest request body the handler reads, in bytes. */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024;
