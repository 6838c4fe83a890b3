import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseWebConfig, resolveUrl } from '../../web/src/config';

const COGNITO = {
  apiUrl: 'https://abc123.execute-api.eu-west-2.amazonaws.com/',
  auth: {
    kind: 'cognito',
    authorizeUrl: 'https://acw.auth.eu-west-2.amazoncognito.com/oauth2/authorize',
    tokenUrl: 'https://acw.auth.eu-west-2.amazoncognito.com/oauth2/token',
    clientId: '1example23456789',
    scopes: ['openid'],
  },
  agentPort: 'workspace',
};

function problemsOf(input: unknown): readonly string[] {
  try {
    parseWebConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config.json', () => {
  it('reads a Cognito configuration, fills the callback page and drops the trailing slash', () => {
    const config = parseWebConfig(COGNITO);

    expect(config).toEqual({
      apiUrl: 'https://abc123.execute-api.eu-west-2.amazonaws.com',
      auth: { ...COGNITO.auth, redirectPath: 'callback.html' },
      agentPort: 'workspace',
    });
  });

  it('reads the local configuration: a same-origin API path, dev tokens at /local/token', () => {
    const config = parseWebConfig({ apiUrl: '/api', auth: { kind: 'local' }, agentPort: 'local' });

    expect(config).toEqual({
      apiUrl: '/api',
      auth: { kind: 'local', tokenUrl: '/local/token' },
      agentPort: 'local',
    });
  });

  it('requires ccpUrl with agentPort "ccp" and refuses it otherwise', () => {
    expect(problemsOf({ ...COGNITO, agentPort: 'ccp' })).toEqual([expect.stringMatching(/^ccpUrl must be/)]);
    expect(problemsOf({ ...COGNITO, ccpUrl: 'https://x.my.connect.aws/ccp-v2/' })).toEqual([
      expect.stringMatching(/^ccpUrl is only used with agentPort "ccp"/),
    ]);
    expect(
      parseWebConfig({ ...COGNITO, agentPort: 'ccp', ccpUrl: 'https://x.my.connect.aws/ccp-v2/' }).ccpUrl,
    ).toBe('https://x.my.connect.aws/ccp-v2/');
  });

  it('names every bad field at once', () => {
    const problems = problemsOf({
      apiUrl: 'http://api.example.com',
      auth: {
        kind: 'oidc',
        authorizeUrl: 'ftp://x',
        tokenUrl: 'https://idp/token',
        clientId: '',
        scopes: [],
      },
      agentPort: 'desktop',
      colour: 'blue',
    });

    expect(problems).toEqual([
      'unknown field "colour"',
      expect.stringMatching(/^apiUrl must be an https URL/),
      'agentPort must be "workspace", "ccp" or "local"',
      expect.stringMatching(/^auth.authorizeUrl must be an https URL/),
      'auth.clientId must be a non-empty string',
      expect.stringMatching(/^auth.scopes must be a non-empty list/),
    ]);
  });

  it('allows http only on this machine (development)', () => {
    expect(parseWebConfig({ ...COGNITO, apiUrl: 'http://localhost:3000' }).apiUrl).toBe(
      'http://localhost:3000',
    );
    expect(problemsOf({ ...COGNITO, apiUrl: 'http://10.0.0.1:3000' })).toHaveLength(1);
  });

  it('refuses a callback that leaves this origin, and a misspelt auth field', () => {
    expect(
      problemsOf({ ...COGNITO, auth: { ...COGNITO.auth, redirectPath: 'https://evil.example/cb' } }),
    ).toEqual([expect.stringMatching(/^auth.redirectPath must be a path on this origin/)]);
    expect(
      problemsOf({ ...COGNITO, auth: { ...COGNITO.auth, redirectPath: '//evil.example/cb' } }),
    ).toHaveLength(1);
    expect(problemsOf({ ...COGNITO, auth: { ...COGNITO.auth, clientID: 'x' } })).toEqual([
      'unknown field "auth.clientID"',
    ]);
  });

  it('refuses what is not an object, and an unknown auth kind', () => {
    expect(problemsOf([])).toEqual(['must be a JSON object']);
    expect(problemsOf({ ...COGNITO, auth: { kind: 'saml' } })).toEqual([
      'auth.kind must be "cognito", "oidc" or "local"',
    ]);
  });

  it('says when config.json is missing or not JSON', async () => {
    const missing = (async () => new Response('not found', { status: 404 })) as typeof fetch;
    const garbled = (async () => new Response('{', { status: 200 })) as typeof fetch;

    await expect(loadConfig(missing)).rejects.toThrow(/HTTP 404/);
    await expect(loadConfig(garbled)).rejects.toThrow(/not valid JSON/);
  });

  it('resolves relative URLs against the page', () => {
    expect(resolveUrl('callback.html', 'https://d1.cloudfront.net/acw/index.html?agent=x')).toBe(
      'https://d1.cloudfront.net/acw/callback.html',
    );
    expect(resolveUrl('/api', 'http://localhost:8080/index.html')).toBe('http://localhost:8080/api');
  });
});
