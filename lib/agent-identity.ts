/**
 * Who may call the agent API: the tokens API Gateway's JWT authorizer accepts. Either a Cognito
 * user pool the stack creates (agents, a supervisors group and (R20) an administrators group; with the agent widget, a hosted-UI
 * domain and an app client that signs agents in with the authorization code grant and PKCE), or,
 * when `acw.api.oidc` is set, the contact center's own OIDC identity provider.
 *
 * Not a construct of its own: the user pool holds the agents' accounts, and a new scope would give
 * it a new logical id, which replaces the pool. Its resources keep the ids they have in the
 * `AgentApi` construct (`Users`, `Users/Desktop`, `Users/HostedUi`, `Supervisors`, `Admins`).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnUserPoolGroup,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import type { AcwConfig } from '../lambda/config/acw-config';
import { acknowledgeRule } from './nag';

/** The agent widget, as the API and the user pool see it. */
export interface AgentApiWidget {
  /** The widget's https origin (`https://d111111abcdef8.cloudfront.net`, a token allowed). */
  readonly origin: string;
  /**
   * Prefix of the user pool's hosted-UI domain, `PREFIX.auth.REGION.amazoncognito.com`; required
   * with the stack's user pool, unused with `config.api.oidc` (a token allowed).
   */
  readonly cognitoDomainPrefix?: string;
}

/** The page of the widget the hosted UI sends the agent back to with the authorization code. */
export const WIDGET_CALLBACK_PATH = 'callback.html';

/**
 * The scopes the widget asks for: the access token carries `username` whatever the scopes, and
 * `profile` gives the widget the agent's name in the ID token.
 */
export const WIDGET_OAUTH_SCOPES = ['openid', 'profile'] as const;

/** The base URL of a Cognito prefix domain (its hosted UI and OAuth endpoints) in `region`. */
export function cognitoHostedUiUrl(prefix: string, region: string): string {
  return `https://${prefix}.auth.${region}.amazoncognito.com`;
}

/** What the identity needs to know. */
export interface AgentIdentityProps {
  /** `acw.api`: the OIDC issuer, the supervisor group, the desktops' origins. */
  readonly api: AcwConfig['api'];
  /** Put the user pool on Cognito's Plus feature plan with threat protection enforced. */
  readonly threatProtection: boolean;
  readonly widget?: AgentApiWidget | undefined;
}

/** How tokens are issued and checked, and the user pool that issues them when it is the stack's. */
export interface AgentIdentity {
  readonly issuer: string;
  readonly audience: string[];
  /** The user pool, unless `config.api.oidc` names another issuer. */
  readonly userPool?: UserPool;
  /** The user pool's app client for the agent desktop (public, PKCE). */
  readonly userPoolClient?: UserPoolClient;
  /** The supervisors group of the user pool. */
  readonly supervisorsGroup?: CfnUserPoolGroup;
  /** R20: the administrators group of the user pool (`acw.api.adminGroup`). */
  readonly adminsGroup?: CfnUserPoolGroup;
  /** The user pool's hosted-UI domain, with the widget and the stack's user pool. */
  readonly userPoolDomain?: UserPoolDomain;
  /** The hosted UI's base URL (`https://PREFIX.auth.REGION.amazoncognito.com`), with `userPoolDomain`. */
  readonly hostedUiUrl?: string;
}

/** The identity of the API's callers, its resources (if any) created in `scope`. */
export function agentIdentity(scope: Construct, props: AgentIdentityProps): AgentIdentity {
  const { api, widget } = props;
  if (api.oidc !== undefined) return { issuer: api.oidc.issuer, audience: [...api.oidc.audience] };
  const pool = createUserPool(scope, api, props.threatProtection, widget);
  const region = Stack.of(scope).region;
  return {
    issuer: `https://cognito-idp.${region}.amazonaws.com/${pool.userPool.userPoolId}`,
    audience: [pool.client.userPoolClientId],
    userPool: pool.userPool,
    userPoolClient: pool.client,
    supervisorsGroup: pool.group,
    adminsGroup: pool.adminsGroup,
    ...(pool.domain !== undefined && widget?.cognitoDomainPrefix !== undefined
      ? { userPoolDomain: pool.domain, hostedUiUrl: cognitoHostedUiUrl(widget.cognitoDomainPrefix, region) }
      : {}),
  };
}

function createUserPool(
  scope: Construct,
  api: AcwConfig['api'],
  threatProtection: boolean,
  widget: AgentApiWidget | undefined,
): {
  userPool: UserPool;
  client: UserPoolClient;
  group: CfnUserPoolGroup;
  adminsGroup: CfnUserPoolGroup;
  domain?: UserPoolDomain;
} {
  const userPool = new UserPool(scope, 'Users', {
    // Agents are added by an administrator, matching their Connect login.
    selfSignUpEnabled: false,
    signInAliases: { username: true },
    signInCaseSensitive: false,
    mfa: Mfa.OPTIONAL,
    mfaSecondFactor: { otp: true, sms: false },
    passwordPolicy: {
      minLength: 12,
      requireLowercase: true,
      requireUppercase: true,
      requireDigits: true,
      requireSymbols: true,
      tempPasswordValidity: Duration.days(3),
    },
    accountRecovery: AccountRecovery.EMAIL_ONLY,
    featurePlan: threatProtection ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
    ...(threatProtection ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
    // The pool holds the agents' accounts; deleting the stack must not lock everyone out for good.
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
  });
  acknowledgeRule(
    userPool,
    'COG2',
    'MFA is OPTIONAL with TOTP so that agents can enrol from the desktop on first sign-in; contact centers ' +
      'that must enforce MFA do it in their own identity provider, configured through acw.api.oidc.',
  );
  if (!threatProtection) {
    acknowledgeRule(
      userPool,
      'COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user on top of Essentials; it is ' +
        'opt-in through the AgentApi threatProtection prop, and contact centers with their own IdP use acw.api.oidc.',
    );
  }
  // The widget's sign-in pages: the hosted UI on a Cognito prefix domain.
  const domain =
    widget?.cognitoDomainPrefix === undefined
      ? undefined
      : userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: widget.cognitoDomainPrefix } });
  // The widget's callback page, then the desktops' own origins.
  const callbackUrls = [
    ...(widget === undefined ? [] : [`${widget.origin}/${WIDGET_CALLBACK_PATH}`]),
    ...api.corsOrigins,
  ];
  const logoutUrls = [...(widget === undefined ? [] : [`${widget.origin}/`]), ...api.corsOrigins];
  const client = userPool.addClient('Desktop', {
    // A browser app (the agent widget): public client, authorization code with PKCE.
    generateSecret: false,
    authFlows: { userSrp: true },
    // The authorization code grant only (no implicit grant, no client credentials), with PKCE
    // since there is no secret, back to the widget and the desktops' own origins; without any
    // there is nowhere to redirect to, so the client signs in with SRP only.
    ...(callbackUrls.length === 0
      ? { disableOAuth: true }
      : {
          oAuth: {
            flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
            scopes: WIDGET_OAUTH_SCOPES.map((name) => OAuthScope.custom(name)),
            callbackUrls,
            logoutUrls,
          },
          supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
        }),
    preventUserExistenceErrors: true,
    enableTokenRevocation: true,
    accessTokenValidity: Duration.hours(1),
    idTokenValidity: Duration.hours(1),
    refreshTokenValidity: Duration.hours(12),
  });
  const group = new CfnUserPoolGroup(scope, 'Supervisors', {
    userPoolId: userPool.userPoolId,
    groupName: api.supervisorGroup,
    description: 'connect-acw supervisors: see every open wrap-up, extend or end any of them',
  });
  // R20: administrators change the wrap-up policies and the kill switch at run time; they need not
  // be Connect users.
  const adminsGroup = new CfnUserPoolGroup(scope, 'Admins', {
    userPoolId: userPool.userPoolId,
    groupName: api.adminGroup,
    description: 'connect-acw administrators: change the wrap-up policies and the kill switch at run time',
  });
  return { userPool, client, group, adminsGroup, ...(domain === undefined ? {} : { domain }) };
}
