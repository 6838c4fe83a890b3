/**
 * OAuth 2.0 authorization code with PKCE (RFC 7636, S256), the pieces that need no window: the
 * verifier and challenge, the authorize URL, the callback message and its check, the token
 * answer, and when to refresh. WebCrypto only (the browser's `crypto`, also Node's).
 */

/** The callback page's message to the opener (and on the fallback BroadcastChannel). */
export interface CallbackMessage {
  readonly type: typeof CALLBACK_MESSAGE_TYPE;
  readonly state: string | null;
  readonly code: string | null;
  readonly error: string | null;
  readonly errorDescription: string | null;
}

/** The `type` of the callback message, so other messages to the window are ignored. */
export const CALLBACK_MESSAGE_TYPE = 'acw-auth-callback';

/** The BroadcastChannel the callback page also posts on when it has no opener. */
export const CALLBACK_CHANNEL = 'acw-auth';

/** Tokens as kept in memory. */
export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken?: string | undefined;
  /** Local epoch ms when the access token expires. */
  readonly expiresAt: number;
}

/** base64url without padding (RFC 4648 §5), as PKCE and `state` use. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A random URL-safe string of `bytes` random bytes (32 bytes → 43 characters, the verifier's minimum length). */
export function randomToken(bytes = 32): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 challenge of a verifier: base64url(SHA-256(verifier)). */
export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** What the authorize URL is built from. */
export interface AuthorizeRequest {
  readonly authorizeUrl: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state: string;
  readonly challenge: string;
  /**
   * `login` asks the issuer to show its sign-in again even when it remembers someone (OIDC
   * `prompt=login`): after the API said the signed-in user is the wrong one.
   */
  readonly prompt?: 'login' | undefined;
}

/** The authorization request (RFC 6749 §4.1.1 with RFC 7636 §4.3). */
export function authorizeUrl(request: AuthorizeRequest): string {
  const url = new URL(request.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', request.clientId);
  url.searchParams.set('redirect_uri', request.redirectUri);
  url.searchParams.set('scope', request.scopes.join(' '));
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (request.prompt !== undefined) url.searchParams.set('prompt', request.prompt);
  return url.toString();
}

/** The callback page's query string as its message to the opener. */
export function callbackMessage(search: string): CallbackMessage {
  const params = new URLSearchParams(search);
  return {
    type: CALLBACK_MESSAGE_TYPE,
    state: params.get('state'),
    code: params.get('code'),
    error: params.get('error'),
    errorDescription: params.get('error_description'),
  };
}

/** Why a callback message was not accepted. */
export class SignInFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SignInFailed';
  }
}

/**
 * The code from a callback message, after checking it answers this sign-in: the same `state`
 * (else it may be forged or from an older attempt) and no error from the issuer.
 * Returns undefined for messages that are not callback messages at all (to be ignored).
 */
export function codeFromCallback(data: unknown, expectedState: string): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Partial<CallbackMessage>;
  if (message.type !== CALLBACK_MESSAGE_TYPE) return undefined;
  if (message.state !== expectedState) {
    throw new SignInFailed('The sign-in answer did not match this sign-in (state). Try again.');
  }
  if (typeof message.error === 'string' && message.error !== '') {
    const detail = message.errorDescription ? `: ${message.errorDescription}` : '';
    throw new SignInFailed(`The sign-in was refused (${message.error}${detail}).`);
  }
  if (typeof message.code !== 'string' || message.code === '') {
    throw new SignInFailed('The sign-in answer had no authorization code. Try again.');
  }
  return message.code;
}

/** The token request's form body for a code (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function codeGrantBody(input: {
  code: string;
  clientId: string;
  redirectUri: string;
  verifier: string;
}): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: input.clientId,
    code: input.code,
    redirect_uri: input.redirectUri,
    code_verifier: input.verifier,
  });
}

/** The token request's form body for a refresh (RFC 6749 §6). */
export function refreshGrantBody(input: { refreshToken: string; clientId: string }): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: input.clientId,
    refresh_token: input.refreshToken,
  });
}

/** Access tokens without `expires_in` are taken to last this long (then refreshed or signed in again). */
const DEFAULT_LIFETIME_SECONDS = 3600;

/**
 * The token endpoint's answer as tokens kept in memory. The API takes the access token (it carries
 * the username claim and the client id); a refresh answer without a new refresh token keeps the old one.
 */
export function tokensFrom(body: unknown, now: number, previousRefreshToken?: string): Tokens {
  if (typeof body !== 'object' || body === null) throw new SignInFailed('The token answer was not JSON.');
  const answer = body as Record<string, unknown>;
  if (typeof answer.access_token !== 'string' || answer.access_token === '') {
    throw new SignInFailed('The token answer had no access token.');
  }
  const expiresIn =
    typeof answer.expires_in === 'number' && answer.expires_in > 0
      ? answer.expires_in
      : DEFAULT_LIFETIME_SECONDS;
  const refreshToken = typeof answer.refresh_token === 'string' ? answer.refresh_token : previousRefreshToken;
  return { accessToken: answer.access_token, refreshToken, expiresAt: now + expiresIn * 1000 };
}

/**
 * When to refresh: a minute before expiry, or 90% into the life of a token that lives under ten
 * minutes, and not sooner than 5 s from now.
 */
export function refreshAt(tokens: Tokens, now: number): number {
  const life = tokens.expiresAt - now;
  const at = tokens.expiresAt - Math.min(60_000, life * 0.1);
  return Math.max(now + 5_000, at);
}

/** Whether a token is too close to expiry to send (a request takes a while and clocks differ). */
export function isExpiring(tokens: Tokens, now: number): boolean {
  return tokens.expiresAt - now < 10_000;
}
