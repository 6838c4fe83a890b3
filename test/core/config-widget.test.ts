import { describe, expect, it } from 'vitest';
import { ConfigError, parseAcwConfig } from '../../lambda/config/acw-config';

function problemsOf(input: unknown): readonly string[] {
  try {
    parseAcwConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

const API_OIDC = { oidc: { issuer: 'https://login.example.com/oauth2/default', audience: ['acw'] } };
const WIDGET_OIDC = {
  authorizeUrl: 'https://login.example.com/oauth2/default/v1/authorize',
  tokenUrl: 'https://login.example.com/oauth2/default/v1/token',
  clientId: 'acw-widget',
};

describe('acw.widget (issue 5)', () => {
  it('defaults to Agent Workspace on *.awsapps.com, no app registration, no alias, no OIDC', () => {
    expect(parseAcwConfig({}).widget).toEqual({
      frameAncestors: ['https://*.awsapps.com'],
      registerApp: false,
      agentPort: 'workspace',
    });
  });

  it('accepts every field as documented', () => {
    const widget = parseAcwConfig({
      widget: {
        frameAncestors: ['https://*.awsapps.com', 'https://ccp.example.com', 'https://localhost:8443'],
        connectAlias: 'ExampleCorp',
        registerApp: true,
        cognitoDomainPrefix: 'examplecorp-wrapup',
        agentPort: 'ccp',
      },
    }).widget;

    expect(widget).toEqual({
      frameAncestors: ['https://*.awsapps.com', 'https://ccp.example.com', 'https://localhost:8443'],
      connectAlias: 'ExampleCorp',
      registerApp: true,
      cognitoDomainPrefix: 'examplecorp-wrapup',
      agentPort: 'ccp',
    });
  });

  it.each([
    ['http://ccp.example.com', 'not https'],
    ['https://ccp.example.com/path', 'a URL, not an origin'],
    ["https://ccp.example.com; script-src 'unsafe-inline'", 'another CSP directive'],
    ['https://*.com', 'a wildcard over a whole top-level domain'],
    ['https://*', 'a bare wildcard'],
    ['*.awsapps.com', 'no scheme'],
  ])('refuses the frame ancestor %s (%s), naming it', (origin) => {
    expect(problemsOf({ widget: { frameAncestors: ['https://*.awsapps.com', origin] } })).toEqual([
      `acw.widget.frameAncestors[1] must be an https origin, optionally with a wildcard subdomain, such as https://*.awsapps.com, got ${JSON.stringify(origin)}`,
    ]);
  });

  it('refuses more than 20 frame ancestors', () => {
    const many = Array.from({ length: 21 }, (_, i) => `https://ccp${i}.example.com`);

    expect(problemsOf({ widget: { frameAncestors: many } })).toEqual([
      expect.stringMatching(/^acw\.widget\.frameAncestors must hold at most 20 origins/),
    ]);
  });

  it.each(['d-1234567890', '-corp', 'corp-', 'a'.repeat(46), 'corp.example'])(
    'refuses the instance alias %s, naming the field',
    (alias) => {
      expect(problemsOf({ widget: { connectAlias: alias } })).toEqual([
        `acw.widget.connectAlias must be an Amazon Connect instance alias: 1-45 letters, digits and "-", not starting with "d-", got ${JSON.stringify(alias)}`,
      ]);
    },
  );

  it.each(['ExampleCorp', 'acw-', '-acw', 'acw.example', 'a'.repeat(64)])(
    'refuses the Cognito domain prefix %s (Cognito: lowercase letters, digits, inner hyphens, 1-63)',
    (prefix) => {
      expect(problemsOf({ widget: { cognitoDomainPrefix: prefix } })).toEqual([
        `acw.widget.cognitoDomainPrefix must be a Cognito domain prefix: 1-63 lowercase letters, digits and "-", not starting or ending with "-", got ${JSON.stringify(prefix)}`,
      ]);
    },
  );

  it.each(['my-aws-wrapup', 'amazon-acw', 'acw-cognito'])(
    'refuses the Cognito domain prefix %s: Cognito reserves aws, amazon and cognito',
    (prefix) => {
      expect(problemsOf({ widget: { cognitoDomainPrefix: prefix } })).toEqual([
        'acw.widget.cognitoDomainPrefix must not contain aws, amazon, cognito (Cognito reserves them)',
      ]);
    },
  );

  it('refuses an agent port other than workspace or ccp, and a registerApp that is not a boolean', () => {
    expect(problemsOf({ widget: { agentPort: 'softphone', registerApp: 'yes' } })).toEqual([
      'acw.widget.registerApp must be true or false, got "yes"',
      'acw.widget.agentPort must be one of workspace, ccp, got "softphone"',
    ]);
  });

  it('refuses an unknown field, and a widget that is not an object', () => {
    expect(problemsOf({ widget: { frameAncestor: [] } })).toEqual([
      'acw.widget has unknown field "frameAncestor"',
    ]);
    expect(problemsOf({ widget: 'yes' })).toEqual(['acw.widget must be an object, got "yes"']);
  });

  it('with agentPort ccp, requires connectAlias: the widget opens the CCP on the instance domain', () => {
    expect(problemsOf({ widget: { agentPort: 'ccp' } })).toEqual([
      'acw.widget.connectAlias is required when agentPort is ccp: the widget opens the CCP at https://ALIAS.my.connect.aws',
    ]);
  });
});

describe('acw.widget sign-in follows acw.api', () => {
  it('with acw.api.oidc, takes the widget endpoints and client from acw.widget.oidc, scopes defaulting to openid', () => {
    const config = parseAcwConfig({ api: API_OIDC, widget: { oidc: WIDGET_OIDC } });

    expect(config.widget.oidc).toEqual({ ...WIDGET_OIDC, scopes: ['openid'] });
  });

  it('with acw.api.oidc, requires acw.widget.oidc', () => {
    expect(problemsOf({ api: API_OIDC })).toEqual([
      'acw.widget.oidc is required when acw.api.oidc is set: the widget signs agents in with that issuer ({ "authorizeUrl", "tokenUrl", "clientId" })',
    ]);
  });

  it('without acw.api.oidc, refuses acw.widget.oidc: the widget signs in with the stack user pool', () => {
    expect(problemsOf({ widget: { oidc: WIDGET_OIDC } })).toEqual([
      "acw.widget.oidc is only used with acw.api.oidc; without it the widget signs in with the stack's Cognito user pool",
    ]);
  });

  it('with acw.api.oidc, refuses a Cognito domain prefix: there is no user pool', () => {
    expect(
      problemsOf({ api: API_OIDC, widget: { oidc: WIDGET_OIDC, cognitoDomainPrefix: 'acw-example' } }),
    ).toEqual([
      'acw.widget.cognitoDomainPrefix is only used without acw.api.oidc: with it the stack creates no Cognito user pool',
    ]);
  });

  it('refuses OIDC endpoints that are not https, an empty client id and a scope with a space', () => {
    const problems = problemsOf({
      api: API_OIDC,
      widget: {
        oidc: {
          authorizeUrl: 'http://login.example.com/authorize',
          tokenUrl: 'token',
          clientId: '',
          scopes: ['openid profile'],
        },
      },
    });

    expect(problems).toEqual([
      'acw.widget.oidc.authorizeUrl must be an https URL, got "http://login.example.com/authorize"',
      'acw.widget.oidc.tokenUrl must be an https URL, got "token"',
      'acw.widget.oidc.clientId must be a client id, got ""',
      'acw.widget.oidc.scopes[0] must be an OAuth scope (no spaces or quotes), got "openid profile"',
    ]);
  });

  it('refuses an OIDC section without its endpoints, naming each', () => {
    expect(problemsOf({ api: API_OIDC, widget: { oidc: {} } })).toEqual([
      'acw.widget.oidc.authorizeUrl is required (must be an https URL)',
      'acw.widget.oidc.tokenUrl is required (must be an https URL)',
      'acw.widget.oidc.clientId is required (must be a client id)',
    ]);
  });
});
