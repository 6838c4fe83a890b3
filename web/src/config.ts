/**
 * The runtime configuration, `config.json` next to the pages. The host writes it (the CDK stack
 * from its outputs, the local server from its own URLs); the build never does, so one bundle
 * serves every deployment. Checked on load: a wrong file gives a message naming each bad field.
 *
 * See web/README.md for the format.
 */

/** Where the agent's identity and Connect events come from (agent-port.ts). */
export type AgentPortKind = 'workspace' | 'ccp' | 'local';

/** OAuth 2.0 authorization code with PKCE in a popup (the stack's Cognito hosted UI or an OIDC issuer). */
export interface OAuthConfig {
  readonly kind: 'cognito' | 'oidc';
  /** The authorization endpoint, e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/authorize`. */
  readonly authorizeUrl: string;
  /** The token endpoint, e.g. `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`. */
  readonly tokenUrl: string;
  /** A public client (no secret) allowed to redirect to `redirectPath`. */
  readonly clientId: string;
  /** Scopes asked for, e.g. `["openid"]`. */
  readonly scopes: readonly string[];
  /** The callback page, relative to the page (`callback.html`) or absolute on this origin (`/callback.html`). */
  readonly redirectPath: string;
}

/** The local server's development tokens (`npm start`): no popup, no password. */
export interface LocalAuthConfig {
  readonly kind: 'local';
  /** Where to ask for a token, default `/local/token`. */
  readonly tokenUrl: string;
}

/** How the pages sign in. */
export type AuthConfig = OAuthConfig | LocalAuthConfig;

/** The whole runtime configuration. */
export interface WebConfig {
  /** Base URL of the agent API (`https://...execute-api...amazonaws.com`, or a path on this origin such as `/api`). */
  readonly apiUrl: string;
  readonly auth: AuthConfig;
  readonly agentPort: AgentPortKind;
  /** The CCP to embed (`https://<alias>.my.connect.aws/ccp-v2/`); required with agentPort `ccp`, refused otherwise. */
  readonly ccpUrl?: string;
}

/** config.json is missing or wrong; `problems` lists every bad field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`config.json: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const PORTS: readonly AgentPortKind[] = ['workspace', 'ccp', 'local'];
const TOP_FIELDS = ['apiUrl', 'auth', 'agentPort', 'ccpUrl'];
const OAUTH_FIELDS = ['kind', 'authorizeUrl', 'tokenUrl', 'clientId', 'scopes', 'redirectPath'];
const LOCAL_FIELDS = ['kind', 'tokenUrl'];
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The default callback page and local token endpoint. */
export const DEFAULTS = { redirectPath: 'callback.html', localTokenUrl: '/local/token' } as const;

/** An https URL, or http on this machine (development). */
function isSecureUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
}

/** A path on this origin: starts with one `/`, no scheme, no host. */
function isOriginPath(value: string): boolean {
  return /^\/(?!\/)[^\s\\]*$/.test(value);
}

/**
 * Checks config.json's content and fills the defaults; throws ConfigError naming every bad field.
 * Unknown fields are refused, so a misspelt one does not pass silently.
 */
export function parseWebConfig(input: unknown): WebConfig {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError(['must be a JSON object']);
  }
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!TOP_FIELDS.includes(key)) problems.push(`unknown field "${key}"`);
  }

  const apiUrl = raw.apiUrl;
  if (typeof apiUrl !== 'string' || !(isSecureUrl(apiUrl) || isOriginPath(apiUrl))) {
    problems.push(
      'apiUrl must be an https URL (http only on localhost) or a path on this origin starting with "/"',
    );
  }

  const agentPort = raw.agentPort;
  if (typeof agentPort !== 'string' || !PORTS.includes(agentPort as AgentPortKind)) {
    problems.push('agentPort must be "workspace", "ccp" or "local"');
  }
  const ccpUrl = raw.ccpUrl;
  if (agentPort === 'ccp') {
    if (typeof ccpUrl !== 'string' || !isSecureUrl(ccpUrl)) {
      problems.push(
        'ccpUrl must be the https URL of the CCP (e.g. https://<alias>.my.connect.aws/ccp-v2/) with agentPort "ccp"',
      );
    }
  } else if (ccpUrl !== undefined) {
    problems.push('ccpUrl is only used with agentPort "ccp": remove it or set agentPort to "ccp"');
  }

  const auth = parseAuth(raw.auth, problems);
  if (problems.length > 0 || auth === undefined) throw new ConfigError(problems);
  return {
    apiUrl: (apiUrl as string).replace(/\/+$/, ''),
    auth,
    agentPort: agentPort as AgentPortKind,
    ...(agentPort === 'ccp' ? { ccpUrl: ccpUrl as string } : {}),
  };
}

function parseAuth(input: unknown, problems: string[]): AuthConfig | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push('auth must be an object with kind "cognito", "oidc" or "local"');
    return undefined;
  }
  const raw = input as Record<string, unknown>;
  const kind = raw.kind;
  if (kind === 'local') {
    for (const key of Object.keys(raw)) {
      if (!LOCAL_FIELDS.includes(key)) problems.push(`unknown field "auth.${key}" for auth.kind "local"`);
    }
    const tokenUrl = raw.tokenUrl ?? DEFAULTS.localTokenUrl;
    if (typeof tokenUrl !== 'string' || !(isOriginPath(tokenUrl) || isSecureUrl(tokenUrl))) {
      problems.push(
        'auth.tokenUrl must be a path on this origin (default "/local/token") or a local http URL',
      );
      return undefined;
    }
    return { kind, tokenUrl };
  }
  if (kind !== 'cognito' && kind !== 'oidc') {
    problems.push('auth.kind must be "cognito", "oidc" or "local"');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!OAUTH_FIELDS.includes(key)) problems.push(`unknown field "auth.${key}"`);
  }
  const before = problems.length;
  for (const key of ['authorizeUrl', 'tokenUrl'] as const) {
    const value = raw[key];
    if (typeof value !== 'string' || !isSecureUrl(value)) {
      problems.push(`auth.${key} must be an https URL (http only on localhost)`);
    }
  }
  const clientId = raw.clientId;
  if (typeof clientId !== 'string' || clientId.trim() === '')
    problems.push('auth.clientId must be a non-empty string');
  const scopes = raw.scopes;
  if (
    !Array.isArray(scopes) ||
    scopes.length === 0 ||
    !scopes.every((scope) => typeof scope === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))
  ) {
    problems.push('auth.scopes must be a non-empty list of scope names without spaces, e.g. ["openid"]');
  }
  const redirectPath = raw.redirectPath ?? DEFAULTS.redirectPath;
  if (
    typeof redirectPath !== 'string' ||
    !(isOriginPath(redirectPath) || /^(?![a-zA-Z][a-zA-Z0-9+.-]*:)[^\s\\/][^\s\\]*$/.test(redirectPath))
  ) {
    problems.push(
      'auth.redirectPath must be a path on this origin, relative ("callback.html") or absolute ("/callback.html")',
    );
  }
  if (problems.length > before) return undefined;
  return {
    kind,
    authorizeUrl: raw.authorizeUrl as string,
    tokenUrl: raw.tokenUrl as string,
    clientId: clientId as string,
    scopes: scopes as string[],
    redirectPath: redirectPath as string,
  };
}

/** An URL of the config (apiUrl, a token URL, the redirect) made absolute against the page's URL. */
export function resolveUrl(value: string, pageUrl: string): string {
  return new URL(value, pageUrl).toString();
}

/**
 * Fetches and checks `config.json` next to the page. The host serves it with
 * `cache-control: no-cache`: it is the deployment's, and changes without a new bundle.
 */
export async function loadConfig(fetchImpl: typeof fetch = fetch, url = 'config.json'): Promise<WebConfig> {
  let response: Response;
  try {
    response = await fetchImpl(url, { credentials: 'same-origin' });
  } catch (error) {
    throw new ConfigError([
      `could not be fetched (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
  if (!response.ok) {
    throw new ConfigError([
      `could not be fetched: HTTP ${response.status} (the host must serve config.json next to the page)`,
    ]);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError(['is not valid JSON']);
  }
  return parseWebConfig(body);
}
