/**
 * The routes of the agent and supervisor HTTP API: one list that the construct (lib/agent-api.ts)
 * declares to API Gateway, the handler (lambda/handlers/api.ts) dispatches on, and the OpenAPI
 * document is tested against. No imports, so the CDK app reads it without loading the SDK.
 */

/** HTTP methods the API uses. */
export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call a route: every signed-in agent, or members of the supervisor group only; R20's
 * administrator routes: `policyReader` (supervisors and administrators: read the policies, their
 * history, a preview) or `admin` (administrators only: change them, the kill switch); issue 13's
 * reports: `reader` (supervisors and administrators, who need not be Connect users).
 */
export type ApiAudience = 'agent' | 'supervisor' | 'policyReader' | 'admin' | 'reader';

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
  // R20: administrators (lambda/handlers/api-admin.ts).
  { method: 'GET', path: '/v1/admin/policies', audience: 'policyReader' },
  { method: 'GET', path: '/v1/admin/policies/history', audience: 'policyReader' },
  { method: 'POST', path: '/v1/admin/policies/preview', audience: 'policyReader' },
  { method: 'PUT', path: '/v1/admin/policies/{level}/{key}', audience: 'admin' },
  { method: 'DELETE', path: '/v1/admin/policies/{level}/{key}', audience: 'admin' },
  { method: 'PUT', path: '/v1/admin/kill-switch', audience: 'admin' },
  // R20: the catalog of names administrators pick from (lambda/handlers/api-directory.ts), for
  // supervisors and administrators like the other reads (merge of wt-admin and wt-names).
  { method: 'GET', path: '/v1/admin/directory', audience: 'policyReader' },
  // Issue 13: reports and recommendations (supervisors and administrators).
  { method: 'GET', path: '/v1/reports/acw', audience: 'reader' },
  { method: 'GET', path: '/v1/reports/acw/distribution', audience: 'reader' },
  { method: 'GET', path: '/v1/recommendations', audience: 'reader' },
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

/** R20: the administrator routes' keys (lambda/handlers/api-admin.ts handles them). */
export type AdminRouteKey = KeyOf<
  Extract<(typeof API_ROUTES)[number], { audience: 'policyReader' | 'admin' }>
>;

/** R20: whether a route is one of the administrator routes. */
export function isAdminRoute(route: ApiRoute): boolean {
  return route.audience === 'policyReader' || route.audience === 'admin';
}

/** `METHOD /path` of a route. */
export function routeKeyOf(route: ApiRoute): string {
  return `${route.method} ${route.path}`;
}

/** Largest request body the handler reads, in bytes. */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024;
