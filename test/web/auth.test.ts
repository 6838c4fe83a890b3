import { describe, expect, it } from 'vitest';
import { createAuth, type SignInPopup } from '../../web/src/auth';
import { ApiError } from '../../web/src/logic/errors';
import { callbackMessage, codeChallenge } from '../../web/src/logic/pkce';

const PAGE = 'http://localhost:8080/index.html?agent=agent-a';

function tokenServer(...statuses: number[]) {
  const requests: Array<{ url: string; body: unknown }> = [];
  let issued = 0;
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), body: JSON.parse(String(init?.body)) });
    const status = statuses.shift() ?? 200;
    if (status !== 200) return new Response('no', { status });
    issued++;
    return Response.json({ access_token: `dev-${issued}`, expires_in: 3600 });
  }) as typeof fetch;
  return { requests, fetchImpl };
}

describe('local sign-in (npm start): development tokens from the local server', () => {
  it('asks POST /local/token for the agent of the page, without a click', async () => {
    const { requests, fetchImpl } = tokenServer();
    const auth = createAuth(
      { kind: 'local', tokenUrl: '/local/token' },
      { pageUrl: PAGE, local: { agentId: 'agent-a' }, fetch: fetchImpl },
    );

    await expect(auth.token()).resolves.toBe('dev-1');

    expect(auth.interactive).toBe(false);
    expect(auth.status()).toBe('signed-in');
    expect(requests).toEqual([{ url: 'http://localhost:8080/local/token', body: { agentId: 'agent-a' } }]);
  });

  it('asks for a supervisor token on the board', async () => {
    const { requests, fetchImpl } = tokenServer();
    const auth = createAuth(
      { kind: 'local', tokenUrl: '/local/token' },
      { pageUrl: PAGE, local: { supervisor: true }, fetch: fetchImpl },
    );

    await auth.token();

    expect(requests[0]?.body).toEqual({ supervisor: true });
  });

  it('keeps the token in memory and reuses it until it is renewed', async () => {
    const { requests, fetchImpl } = tokenServer();
    const auth = createAuth(
      { kind: 'local', tokenUrl: '/local/token' },
      { pageUrl: PAGE, local: { agentId: 'agent-a' }, fetch: fetchImpl },
    );

    await auth.token();
    await auth.token();
    const renewed = await auth.renew();

    expect(renewed).toBe('dev-2');
    expect(requests).toHaveLength(2);
  });

  it('is signed out, with the reason, when the local server refuses', async () => {
    const { fetchImpl } = tokenServer(404);
    const auth = createAuth(
      { kind: 'local', tokenUrl: '/local/token' },
      { pageUrl: PAGE, local: { agentId: 'agent-a' }, fetch: fetchImpl },
    );

    const error = await auth.token().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('SIGNED_OUT');
    expect(auth.lastError()).toMatch(/HTTP 404/);
  });
});

const OAUTH = {
  kind: 'cognito',
  authorizeUrl: 'https://acw.auth.eu-west-2.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://acw.auth.eu-west-2.amazoncognito.com/oauth2/token',
  clientId: 'client',
  scopes: ['openid'],
  redirectPath: 'callback.html',
} as const;

/** The popup, driven by the test: it plays the issuer and the callback page. */
class FakePopup implements SignInPopup {
  url: string | undefined;
  closed = false;
  private onMessage: ((data: unknown) => void) | undefined;
  private onClosed: (() => void) | undefined;
  private navigated: () => void = () => undefined;
  readonly ready = new Promise<void>((resolve) => {
    this.navigated = resolve;
  });

  navigate(url: string): void {
    this.url = url;
    this.navigated();
  }

  listen(onMessage: (data: unknown) => void, onClosed: () => void): () => void {
    this.onMessage = onMessage;
    this.onClosed = onClosed;
    return () => {
      this.onMessage = undefined;
      this.onClosed = undefined;
    };
  }

  close(): void {
    this.closed = true;
  }

  /** The callback page's message for a redirect with this query. */
  callback(query: string): void {
    this.onMessage?.(callbackMessage(query));
  }

  userClosed(): void {
    this.closed = true;
    this.onClosed?.();
  }

  param(name: string): string {
    return new URL(this.url ?? 'about:blank').searchParams.get(name) ?? '';
  }
}

function issuer() {
  const requests: Array<Record<string, string>> = [];
  let issued = 0;
  const fetchImpl = (async (_input: string | URL | Request, init?: RequestInit) => {
    requests.push(Object.fromEntries(new URLSearchParams(String(init?.body))));
    issued++;
    return Response.json({ access_token: `access-${issued}`, refresh_token: 'refresh-1', expires_in: 3600 });
  }) as typeof fetch;
  return { requests, fetchImpl };
}

function popupAuth(popup: FakePopup | null, fetchImpl: typeof fetch = issuer().fetchImpl) {
  return createAuth(OAUTH, {
    pageUrl: 'https://d1.cloudfront.net/index.html',
    openPopup: () => popup,
    fetch: fetchImpl,
  });
}

describe('popup sign-in (authorization code with PKCE)', () => {
  it('has no token to give until the user signs in (never one from storage)', async () => {
    const auth = popupAuth(new FakePopup());

    const error = await auth.token().catch((e: unknown) => e);

    expect(auth.interactive).toBe(true);
    expect(auth.status()).toBe('signed-out');
    expect((error as ApiError).code).toBe('SIGNED_OUT');
    await expect(auth.renew()).resolves.toBeUndefined();
  });

  it('sends the popup to the issuer and exchanges the code with the verifier of the challenge', async () => {
    const popup = new FakePopup();
    const { requests, fetchImpl } = issuer();
    const auth = popupAuth(popup, fetchImpl);

    const signingIn = auth.signIn();
    await popup.ready;
    expect(auth.status()).toBe('signing-in');
    popup.callback(`?code=the-code&state=${popup.param('state')}`);
    await signingIn;

    expect(popup.param('redirect_uri')).toBe('https://d1.cloudfront.net/callback.html');
    expect(popup.param('code_challenge_method')).toBe('S256');
    expect(requests[0]).toMatchObject({
      grant_type: 'authorization_code',
      code: 'the-code',
      client_id: 'client',
      redirect_uri: 'https://d1.cloudfront.net/callback.html',
    });
    await expect(codeChallenge(requests[0]?.code_verifier ?? '')).resolves.toBe(
      popup.param('code_challenge'),
    );
    expect(auth.status()).toBe('signed-in');
    await expect(auth.token()).resolves.toBe('access-1');
    auth.signOut();
  });

  it('refuses a callback for another sign-in (state) and closes the popup', async () => {
    const popup = new FakePopup();
    const { requests, fetchImpl } = issuer();
    const auth = popupAuth(popup, fetchImpl);

    const signingIn = auth.signIn();
    await popup.ready;
    popup.callback('?code=stolen&state=not-this-one');
    await signingIn;

    expect(requests).toEqual([]);
    expect(popup.closed).toBe(true);
    expect(auth.status()).toBe('signed-out');
    expect(auth.lastError()).toMatch(/did not match/);
  });

  it('says so when the popup was blocked or closed before the end', async () => {
    const blocked = popupAuth(null);
    await blocked.signIn();
    expect(blocked.lastError()).toMatch(/blocked/);

    const popup = new FakePopup();
    const closed = popupAuth(popup);
    const signingIn = closed.signIn();
    await popup.ready;
    popup.userClosed();
    await signingIn;
    expect(closed.lastError()).toMatch(/closed before/);
  });

  it('after a 401 gets a new access token with the refresh token, without the user', async () => {
    const popup = new FakePopup();
    const { requests, fetchImpl } = issuer();
    const auth = popupAuth(popup, fetchImpl);
    const signingIn = auth.signIn();
    await popup.ready;
    popup.callback(`?code=c&state=${popup.param('state')}`);
    await signingIn;

    await expect(auth.renew()).resolves.toBe('access-2');

    expect(requests[1]).toEqual({
      grant_type: 'refresh_token',
      client_id: 'client',
      refresh_token: 'refresh-1',
    });
    auth.signOut();
  });
});
