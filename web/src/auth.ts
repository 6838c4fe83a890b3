/**
 * Signing in. The Connect SDK gives the page no identity token, so the pages sign the user in
 * themselves:
 *
 * - `cognito` / `oidc`: OAuth 2.0 authorization code with PKCE (S256) in a **popup** (the widget
 *   lives in Agent Workspace's iframe, where the issuer's cookies and redirects do not work).
 *   The popup lands on the callback page (callback.html, same origin), which posts the code to its
 *   opener; the state is checked, the code exchanged by fetch with the verifier.
 * - `local`: the local server's development token (`POST /local/token`).
 *
 * No DOM here (the popup is passed in, auth-popup.ts), so the whole flow runs in tests.
 *
 * Tokens are kept **in memory only** (never localStorage or cookies): a reload signs in again
 * (the issuer's own session usually makes that one click). The access token is refreshed a minute
 * before it expires when there is a refresh token; otherwise the user signs in again.
 */
import type { TokenSource } from './api';
import { type AuthConfig, type OAuthConfig, resolveUrl } from './config';
import { ApiError } from './logic/errors';
import {
  authorizeUrl,
  codeChallenge,
  codeFromCallback,
  codeGrantBody,
  isExpiring,
  randomToken,
  refreshAt,
  refreshGrantBody,
  SignInFailed,
  type Tokens,
  tokensFrom,
} from './logic/pkce';

/** Where the sign-in stands. */
export type AuthStatus = 'signed-out' | 'signing-in' | 'signed-in';

/** Signing in and the current token, for the API client. */
export interface Auth extends TokenSource {
  /** Whether signing in needs a click (a popup must open from a user gesture). */
  readonly interactive: boolean;
  status(): AuthStatus;
  /** The last sign-in failure in words, if any. */
  lastError(): string | undefined;
  /** Called on every status change. */
  subscribe(listener: () => void): () => void;
  /**
   * Signs in; for popups, call it from a click handler. `fresh` asks the issuer to show its
   * sign-in even if it remembers someone (after the API refused who was signed in).
   */
  signIn(options?: { fresh?: boolean }): Promise<void>;
  /** Forgets the tokens. */
  signOut(): void;
}

/** Who the local development token is for. */
export type LocalIdentity =
  | { readonly agentId: string }
  | { readonly supervisor: true }
  | { readonly admin: true };

/** What sign-in needs besides its configuration. */
export interface AuthOptions {
  /** The page's URL, to resolve the callback page and local URLs. */
  readonly pageUrl: string;
  /** For `local`: whom to ask a token for. */
  readonly local?: LocalIdentity;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Opens the sign-in popup (auth-popup.ts in the browser); required for `cognito` and `oidc`. */
  readonly openPopup?: OpenSignInPopup;
}

/** The sign-in popup, as the flow needs it (auth-popup.ts is the browser's). */
export interface SignInPopup {
  /** Sends the popup to the issuer's authorization URL. */
  navigate(url: string): void;
  /**
   * Calls `onMessage` with each message for this page from its own origin (the callback page's),
   * and `onClosed` once the popup was closed; returns a function that stops listening.
   */
  listen(onMessage: (data: unknown) => void, onClosed: () => void): () => void;
  close(): void;
}

/** Opens the popup at once (in the click's own task, or browsers block it); null when blocked. */
export type OpenSignInPopup = () => SignInPopup | null;

/** Creates the sign-in of the configured kind. */
export function createAuth(config: AuthConfig, options: AuthOptions): Auth {
  return config.kind === 'local' ? localAuth(config.tokenUrl, options) : popupAuth(config, options);
}

/** Status, error and listeners shared by both kinds. */
class AuthState {
  status: AuthStatus = 'signed-out';
  error: string | undefined;
  private readonly listeners = new Set<() => void>();

  set(status: AuthStatus, error?: string): void {
    this.status = status;
    this.error = error;
    for (const listener of [...this.listeners]) listener();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const signedOut = () => new ApiError({ kind: 'signed-out' });

function popupAuth(config: OAuthConfig, options: AuthOptions): Auth {
  const state = new AuthState();
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const redirectUri = resolveUrl(config.redirectPath, options.pageUrl);
  const tokenUrl = resolveUrl(config.tokenUrl, options.pageUrl);
  let tokens: Tokens | undefined;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let refreshing: Promise<string | undefined> | undefined;

  const keep = (next: Tokens | undefined) => {
    tokens = next;
    clearTimeout(refreshTimer);
    if (next === undefined) return;
    // Refresh ahead of expiry when possible; without a refresh token the user signs in again.
    if (next.refreshToken !== undefined) {
      refreshTimer = setTimeout(() => void refresh(), refreshAt(next, Date.now()) - Date.now());
    }
  };

  const exchange = async (body: URLSearchParams, previousRefresh?: string): Promise<Tokens> => {
    const response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      credentials: 'omit',
    });
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error =
        typeof json === 'object' && json !== null ? (json as Record<string, unknown>).error : undefined;
      throw new SignInFailed(
        `The sign-in service refused the token request (${String(error ?? response.status)}).`,
      );
    }
    return tokensFrom(json, Date.now(), previousRefresh);
  };

  /** One refresh at a time; on failure the tokens are dropped (signed out) once they expire. */
  const refresh = (): Promise<string | undefined> => {
    refreshing ??= (async () => {
      const current = tokens;
      if (current?.refreshToken === undefined) return undefined;
      try {
        const next = await exchange(
          refreshGrantBody({ refreshToken: current.refreshToken, clientId: config.clientId }),
          current.refreshToken,
        );
        keep(next);
        return next.accessToken;
      } catch {
        if (tokens === current && isExpiring(current, Date.now())) {
          keep(undefined);
          state.set('signed-out', 'Your sign-in has expired. Sign in again.');
        }
        return undefined;
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  return {
    interactive: true,
    status: () => state.status,
    lastError: () => state.error,
    subscribe: (listener) => state.subscribe(listener),
    async token() {
      if (tokens !== undefined && !isExpiring(tokens, Date.now())) return tokens.accessToken;
      const renewed = tokens === undefined ? undefined : await refresh();
      if (renewed !== undefined) return renewed;
      if (state.status === 'signed-in') state.set('signed-out', 'Your sign-in has expired. Sign in again.');
      throw signedOut();
    },
    async renew() {
      const renewed = await refresh();
      if (renewed === undefined) {
        keep(undefined);
        state.set('signed-out', 'Your sign-in has expired. Sign in again.');
      }
      return renewed;
    },
    async signIn(signInOptions = {}) {
      // Opened before any await: browsers allow popups only in the click's own task.
      const popup = options.openPopup?.() ?? null;
      if (popup === null) {
        state.set('signed-out', 'The sign-in window was blocked. Allow pop-ups for this page and try again.');
        return;
      }
      state.set('signing-in');
      try {
        const verifier = randomToken(48);
        const expected = randomToken(16);
        popup.navigate(
          authorizeUrl({
            authorizeUrl: config.authorizeUrl,
            clientId: config.clientId,
            redirectUri,
            scopes: config.scopes,
            state: expected,
            challenge: await codeChallenge(verifier),
            prompt: signInOptions.fresh ? 'login' : undefined,
          }),
        );
        const code = await waitForCode(popup, expected);
        keep(await exchange(codeGrantBody({ code, clientId: config.clientId, redirectUri, verifier })));
        state.set('signed-in');
      } catch (error) {
        popup.close();
        keep(undefined);
        state.set(
          'signed-out',
          error instanceof SignInFailed
            ? error.reason
            : 'Signing in failed: the sign-in service could not be reached.',
        );
      }
    },
    signOut() {
      keep(undefined);
      state.set('signed-out');
    },
  };
}

/** Waits for the callback page's message matching this sign-in's state (logic/pkce.ts checks it). */
function waitForCode(popup: SignInPopup, expectedState: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stop = popup.listen(
      (data) => {
        try {
          const code = codeFromCallback(data, expectedState);
          if (code === undefined) return;
          stop();
          resolve(code);
        } catch (error) {
          stop();
          reject(error);
        }
      },
      () => {
        stop();
        reject(new SignInFailed('The sign-in window was closed before signing in finished.'));
      },
    );
  });
}

function localAuth(tokenPath: string, options: AuthOptions): Auth {
  const state = new AuthState();
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const tokenUrl = resolveUrl(tokenPath, options.pageUrl);
  let tokens: Tokens | undefined;
  let pending: Promise<string | undefined> | undefined;

  const issue = (): Promise<string | undefined> => {
    pending ??= (async () => {
      if (options.local === undefined) {
        state.set('signed-out', 'Choose an agent first.');
        return undefined;
      }
      state.set('signing-in');
      try {
        const response = await fetchImpl(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(options.local),
        });
        if (!response.ok)
          throw new SignInFailed(`The local server refused a token (HTTP ${response.status}).`);
        tokens = tokensFrom(await response.json(), Date.now());
        state.set('signed-in');
        return tokens.accessToken;
      } catch (error) {
        tokens = undefined;
        state.set(
          'signed-out',
          error instanceof SignInFailed ? error.reason : 'The local server could not be reached for a token.',
        );
        return undefined;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };

  return {
    interactive: false,
    status: () => state.status,
    lastError: () => state.error,
    subscribe: (listener) => state.subscribe(listener),
    async token() {
      if (tokens !== undefined && !isExpiring(tokens, Date.now())) return tokens.accessToken;
      const token = await issue();
      if (token === undefined) throw signedOut();
      return token;
    },
    renew: () => issue(),
    async signIn() {
      await issue();
    },
    signOut() {
      tokens = undefined;
      state.set('signed-out');
    },
  };
}
