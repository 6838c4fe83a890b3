/**
 * The local server's development tokens (server/tokens.ts): HS256 JWTs whose claims reach the API
 * handler as API Gateway's JWT authorizer hands them on (strings; arrays as `[a b]`).
 */
import { describe, expect, it } from 'vitest';
import { groupsOf } from '../../lambda/handlers/api-claims';
import { DevTokens, TOKEN_LIFETIME_SECONDS } from '../../server/tokens';

const NOW = Date.parse('2026-03-02T09:00:00Z');

describe('DevTokens', () => {
  it("carries the agent's Connect login as username, as a Cognito access token does", () => {
    const tokens = new DevTokens(() => NOW);

    const claims = tokens.verify(tokens.issue({ username: 'ana', groups: [] }));

    expect(claims).toMatchObject({
      username: 'ana',
      token_use: 'access',
      exp: String(NOW / 1000 + TOKEN_LIFETIME_SECONDS),
    });
    expect(claims?.['cognito:groups']).toBeUndefined();
  });

  it('flattens the groups as API Gateway does, and the API handler reads them back', () => {
    const tokens = new DevTokens(() => NOW);

    const claims = tokens.verify(tokens.issue({ username: 'sam', groups: ['supervisors', 'leads'] }));

    expect(claims?.['cognito:groups']).toBe('[supervisors leads]');
    expect(groupsOf(claims?.['cognito:groups'])).toEqual(['supervisors', 'leads']);
  });

  it.each([
    ['another key signed it', (token: string) => new DevTokens(() => NOW).verify(token)],
    [
      'its payload was changed',
      (token: string, tokens: DevTokens) => {
        const [head, , signature] = token.split('.');
        const forged = Buffer.from(
          JSON.stringify({ username: 'sam', 'cognito:groups': ['supervisors'] }),
        ).toString('base64url');
        return tokens.verify(`${head}.${forged}.${signature}`);
      },
    ],
    ['it is not a JWT', (_token: string, tokens: DevTokens) => tokens.verify('not-a-token')],
  ])('refuses a token when %s', (_case, verify) => {
    const tokens = new DevTokens(() => NOW);
    const token = tokens.issue({ username: 'ana', groups: [] });

    expect(verify(token, tokens)).toBeUndefined();
  });

  it('refuses an expired token', () => {
    let now = NOW;
    const tokens = new DevTokens(() => now);
    const token = tokens.issue({ username: 'ana', groups: [] });

    now += TOKEN_LIFETIME_SECONDS * 1000;

    expect(tokens.verify(token)).toBeUndefined();
  });
});
