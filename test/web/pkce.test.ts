import { describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  base64Url,
  CALLBACK_MESSAGE_TYPE,
  callbackMessage,
  codeChallenge,
  codeFromCallback,
  codeGrantBody,
  isExpiring,
  randomToken,
  refreshAt,
  refreshGrantBody,
  SignInFailed,
  tokensFrom,
} from '../../web/src/logic/pkce';

const T = Date.parse('2026-03-02T09:00:00.000Z');

describe('PKCE sign-in (RFC 7636, S256)', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    await expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43+ URL-safe characters, different every time', () => {
    const a = randomToken(48);
    const b = randomToken(48);

    expect(a).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(a).not.toBe(b);
    expect(base64Url(new Uint8Array([251, 255]))).toBe('-_8');
  });

  it('asks for a code with the challenge, the state and the scopes', () => {
    const url = new URL(
      authorizeUrl({
        authorizeUrl: 'https://acw.auth.eu-west-2.amazoncognito.com/oauth2/authorize',
        clientId: 'client',
        redirectUri: 'https://d1.cloudfront.net/callback.html',
        scopes: ['openid', 'profile'],
        state: 'st4te',
        challenge: 'ch4llenge',
      }),
    );

    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client',
      redirect_uri: 'https://d1.cloudfront.net/callback.html',
      scope: 'openid profile',
      state: 'st4te',
      code_challenge: 'ch4llenge',
      code_challenge_method: 'S256',
    });
  });

  it('asks the issuer to show its sign-in again after the API refused who was signed in', () => {
    const url = authorizeUrl({
      authorizeUrl: 'https://idp.example.com/authorize',
      clientId: 'client',
      redirectUri: 'https://d1.cloudfront.net/callback.html',
      scopes: ['openid'],
      state: 's',
      challenge: 'c',
      prompt: 'login',
    });

    expect(new URL(url).searchParams.get('prompt')).toBe('login');
  });

  it('accepts the callback of this sign-in only: same state, no error, a code', () => {
    const good = callbackMessage('?code=abc&state=s1');

    expect(good.type).toBe(CALLBACK_MESSAGE_TYPE);
    expect(codeFromCallback(good, 's1')).toBe('abc');
    expect(() => codeFromCallback(good, 's2')).toThrow(SignInFailed);
    expect(() => codeFromCallback(callbackMessage('?error=access_denied&state=s1'), 's1')).toThrow(
      /access_denied/,
    );
    expect(() => codeFromCallback(callbackMessage('?state=s1'), 's1')).toThrow(/no authorization code/);
  });

  it('ignores messages that are not the callback (other scripts post to the window too)', () => {
    expect(codeFromCallback({ type: 'something-else', code: 'x', state: 's1' }, 's1')).toBeUndefined();
    expect(codeFromCallback('hello', 's1')).toBeUndefined();
  });

  it('exchanges the code with the verifier, and refreshes with the refresh token', () => {
    expect(
      Object.fromEntries(
        codeGrantBody({ code: 'c', clientId: 'id', redirectUri: 'https://x/cb', verifier: 'v' }),
      ),
    ).toEqual({
      grant_type: 'authorization_code',
      client_id: 'id',
      code: 'c',
      redirect_uri: 'https://x/cb',
      code_verifier: 'v',
    });
    expect(Object.fromEntries(refreshGrantBody({ refreshToken: 'r', clientId: 'id' }))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'id',
      refresh_token: 'r',
    });
  });

  it('keeps the access token with its expiry; a refresh without a new refresh token keeps the old one', () => {
    expect(tokensFrom({ access_token: 'a', refresh_token: 'r', expires_in: 3600 }, T)).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: T + 3_600_000,
    });
    expect(tokensFrom({ access_token: 'a2', expires_in: 3600 }, T, 'r').refreshToken).toBe('r');
    expect(() => tokensFrom({ id_token: 'x' }, T)).toThrow(/no access token/);
  });

  it('refreshes a minute before expiry, earlier for short-lived tokens, never in under 5 s', () => {
    expect(refreshAt({ accessToken: 'a', expiresAt: T + 3_600_000 }, T)).toBe(T + 3_540_000);
    expect(refreshAt({ accessToken: 'a', expiresAt: T + 100_000 }, T)).toBe(T + 90_000);
    expect(refreshAt({ accessToken: 'a', expiresAt: T + 3_000 }, T)).toBe(T + 5_000);
    expect(isExpiring({ accessToken: 'a', expiresAt: T + 9_000 }, T)).toBe(true);
    expect(isExpiring({ accessToken: 'a', expiresAt: T + 60_000 }, T)).toBe(false);
  });
});
