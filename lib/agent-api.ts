/**
 * The agent and supervisor HTTP API (issue 3): an API Gateway HTTP API with a JWT authorizer on
 * every route, one Lambda function behind it, throttling and access logs on its default stage,
 * and CORS for the agent desktop's origins.
 *
 * Tokens come from a Cognito user pool the construct creates (agents, and a supervisors group),
 * or, when `config.oidc` is set, from the contact center's own OIDC identity provider. With the
 * agent widget (issue 5), the pool gets a hosted-UI domain and its app client signs agents in to
 * the widget with the authorization code grant and PKCE; the widget's origin is allowed by CORS.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
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
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SESSION_TABLE } from '../lambda/adapters/session-keys';
import type { AcwConfig } from '../lambda/config/acw-config';
import { API_ROUTES, routeKeyOf } from '../lambda/handlers/api-routes';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { acknowledgeRule, acknowledgeWildcardResource } from './nag';

/** Properties of the agent API. */
export interface AgentApiProps {
  /** The settings every ACW function shares (configuration, instance ARN, default duration). */
  readonly functionSettings: AcwFunctionSettings;
  /** The Amazon Connect instance ARN (usually the `ConnectInstanceArn` parameter). */
  readonly instanceArn: string;
  /** The session table: the function queries and scans its `openByAgent` index. */
  readonly sessionTable: ITable;
  /**
   * Put the user pool on Cognito's Plus feature plan with threat protection enforced (cdk-nag
   * COG8). It is billed per monthly active user on top of the Essentials plan.
   * @default false - Essentials plan, the finding acknowledged
   */
  readonly threatProtection?: boolean;
  /**
   * How long the access logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: RetentionDays;
  /**
   * The agent widget that signs agents in and calls this API (lib/widget-hosting.ts).
   * @default - no widget: CORS and the app client's redirects follow `config.api.corsOrigins` only
   */
  readonly widget?: AgentApiWidget;
}

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

/** Request headers the widget sends: the token, JSON bodies, and the Connect agent it runs for. */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'X-Acw-Agent-Hint'];

/** The base URL of a Cognito prefix domain (its hosted UI and OAuth endpoints) in `region`. */
export function cognitoHostedUiUrl(prefix: string, region: string): string {
  return `https://${prefix}.auth.${region}.amazoncognito.com`;
}

/** How tokens are issued and checked. */
interface Issuer {
  readonly issuer: string;
  readonly audience: string[];
}

/** An HTTP API for the agent desktop widget and supervisors; see lambda/handlers/api.ts. */
export class AgentApi extends Construct {
  /** The HTTP API. */
  readonly api: HttpApi;
  /** Its default stage, throttled and access-logged. */
  readonly stage: HttpStage;
  /** The access log group of the stage. */
  readonly accessLogs: LogGroup;
  /** The function behind every route. */
  readonly function: AcwFunction;
  /** The JWT authorizer every route uses. */
  readonly authorizer: HttpJwtAuthorizer;
  /** One route per entry of API_ROUTES, by route key (`GET /v1/me/wrap-ups`). */
  readonly routes: ReadonlyMap<string, HttpRoute>;
  /** The user pool, unless `config.api.oidc` names another issuer. */
  readonly userPool?: UserPool;
  /** The user pool's app client for the agent desktop (public, PKCE). */
  readonly userPoolClient?: UserPoolClient;
  /** The supervisors group of the user pool. */
  readonly supervisorsGroup?: CfnUserPoolGroup;
  /** The user pool's hosted-UI domain, with the widget and the stack's user pool. */
  readonly userPoolDomain?: UserPoolDomain;
  /** The hosted UI's base URL (`https://PREFIX.auth.REGION.amazoncognito.com`), with `userPoolDomain`. */
  readonly hostedUiUrl?: string;

  constructor(scope: Construct, id: string, props: AgentApiProps) {
    super(scope, id);
    validate(props);
    const api = props.functionSettings.config.api;

    const corsOrigins = [...api.corsOrigins, ...(props.widget === undefined ? [] : [props.widget.origin])];

    let issuer: Issuer;
    if (api.oidc === undefined) {
      const pool = this.createUserPool(api, props.threatProtection ?? false, props.widget);
      this.userPool = pool.userPool;
      this.userPoolClient = pool.client;
      this.supervisorsGroup = pool.group;
      if (pool.domain !== undefined && props.widget?.cognitoDomainPrefix !== undefined) {
        this.userPoolDomain = pool.domain;
        this.hostedUiUrl = cognitoHostedUiUrl(props.widget.cognitoDomainPrefix, Stack.of(this).region);
      }
      issuer = {
        issuer: `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${pool.userPool.userPoolId}`,
        audience: [pool.client.userPoolClientId],
      };
    } else {
      issuer = { issuer: api.oidc.issuer, audience: [...api.oidc.audience] };
    }

    this.function = new AcwFunction(this, 'Handler', {
      settings: props.functionSettings,
      entry: handlerEntry('api'),
      description:
        'Agent and supervisor HTTP API: wrap-ups, extend, All Done, dispositions, notes and the status after wrap-up',
      timeout: Duration.seconds(15),
    });
    this.grantOpenSessionQueries(props.sessionTable);
    this.grantContactAttributes(props.instanceArn);
    this.grantUserLookup(props.instanceArn);
    this.grantStatusSearch(props.instanceArn);

    this.authorizer = new HttpJwtAuthorizer('Jwt', issuer.issuer, {
      jwtAudience: issuer.audience,
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', {
      description: 'connect-acw agent and supervisor API',
      createDefaultStage: false,
      defaultAuthorizer: this.authorizer,
      ...(corsOrigins.length === 0
        ? {}
        : {
            corsPreflight: {
              allowOrigins: corsOrigins,
              allowHeaders: [...CORS_ALLOW_HEADERS],
              allowMethods: [
                CorsHttpMethod.GET,
                CorsHttpMethod.POST,
                CorsHttpMethod.PUT,
                CorsHttpMethod.OPTIONS,
              ],
              maxAge: Duration.hours(1),
            },
          }),
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
      // The access logs are the audit trail of who called the API; keep them past a stack deletion.
      removalPolicy: RemovalPolicy.RETAIN,
      ...(props.functionSettings.logEncryptionKey === undefined
        ? {}
        : { encryptionKey: props.functionSettings.logEncryptionKey }),
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: api.throttle.rateLimit, burstLimit: api.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Lambda', this.function.function);
    const routes = new Map<string, HttpRoute>();
    for (const route of API_ROUTES) {
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
      });
      if (added !== undefined) routes.set(routeKeyOf(route), added);
    }
    this.routes = routes;

    new CfnOutput(this, 'Url', { value: this.stage.url, description: 'Base URL of the wrap-up API' });
    if (this.userPool !== undefined && this.userPoolClient !== undefined) {
      new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
      new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    }
  }

  private createUserPool(
    api: AcwConfig['api'],
    threatProtection: boolean,
    widget: AgentApiWidget | undefined,
  ): { userPool: UserPool; client: UserPoolClient; group: CfnUserPoolGroup; domain?: UserPoolDomain } {
    const userPool = new UserPool(this, 'Users', {
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
      ...(threatProtection
        ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION }
        : {}),
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
              scopes: WIDGET_OAUTH_SCOPES.map((scope) => OAuthScope.custom(scope)),
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
    const group = new CfnUserPoolGroup(this, 'Supervisors', {
      userPoolId: userPool.userPoolId,
      groupName: api.supervisorGroup,
      description: 'connect-acw supervisors: see every open wrap-up, extend or end any of them',
    });
    return { userPool, client, group, ...(domain === undefined ? {} : { domain }) };
  }

  /**
   * Lets the function list open sessions: `dynamodb:Query` (one agent's) and `dynamodb:Scan`
   * (every agent's, for supervisors) on the `openByAgent` index only. Reads and writes of single
   * sessions come from `SessionTable.grantSessions`.
   */
  private grantOpenSessionQueries(table: ITable): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:Scan'],
        resources: [`${table.tableArn}/index/${SESSION_TABLE.openByAgentIndex}`],
      }),
    );
  }

  /** Lets the function write the wrap-up record onto the contact (R17). */
  private grantContactAttributes(instanceArn: string): void {
    const contacts = `${instanceArn}/contact/*`;
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['connect:UpdateContactAttributes'], resources: [contacts] }),
    );
    acknowledgeWildcardResource(
      this.function,
      contacts,
      'UpdateContactAttributes is authorised on the contact resource, instance/ID/contact/CONTACT_ID; the contact ' +
        'is only known at run time, from the session an agent ends, so the grant covers the contacts of this one instance.',
    );
  }

  /**
   * Lets the function resolve a caller's Connect login to their user id (SearchUsers, see
   * lambda/adapters/connect-users.ts) on this instance and its users; the `agent/*` wildcard is
   * acknowledged by `AgentStatusApi.grantSetStatus`, which the stack gives the same function.
   */
  /**
   * R19: lets the function list the statuses an agent may choose to land in after wrap-up
   * (SearchAgentStatuses, see lambda/adapters/connect-status-directory.ts) on this instance and
   * its agent statuses, `instance/ID/agent-state/*`, as for ListAgentStatuses and SearchUsers (the
   * instance and the resource type searched). The Service Authorization Reference's row for
   * SearchAgentStatuses could not be read offline: check it before the first deploy. The wildcard
   * is acknowledged by `AgentStatusApi.grantSetStatus`, which the stack gives the same function.
   */
  private grantStatusSearch(instanceArn: string): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:SearchAgentStatuses'],
        resources: [instanceArn, `${instanceArn}/agent-state/*`],
      }),
    );
  }

  private grantUserLookup(instanceArn: string): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:SearchUsers'],
        resources: [instanceArn, `${instanceArn}/agent/*`],
      }),
    );
  }
}

/** What one access log line holds: the call, its outcome and the caller's token subject, no body. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  sourceIp: '$context.identity.sourceIp',
  sub: '$context.authorizer.claims.sub',
  authorizerError: '$context.authorizer.error',
  integrationError: '$context.integrationErrorMessage',
  latencyMs: '$context.responseLatency',
  responseLength: '$context.responseLength',
};

function validate(props: AgentApiProps): void {
  if (!Token.isUnresolved(props.instanceArn) && !/^arn:aws[a-z-]*:connect:/.test(props.instanceArn)) {
    throw new Error(
      `AgentApi: props.instanceArn must be an Amazon Connect instance ARN, got ${props.instanceArn}`,
    );
  }
  const api = props.functionSettings.config.api;
  if (api.throttle.burstLimit < 1 || api.throttle.rateLimit < 1) {
    throw new Error('AgentApi: props.functionSettings.config.api.throttle limits must be at least 1');
  }
  const widget = props.widget;
  if (widget === undefined) return;
  if (!Token.isUnresolved(widget.origin) && !/^https:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(widget.origin)) {
    throw new Error(`AgentApi: props.widget.origin must be an https origin, got ${widget.origin}`);
  }
  if (api.oidc === undefined && widget.cognitoDomainPrefix === undefined) {
    throw new Error(
      "AgentApi: props.widget.cognitoDomainPrefix is required with the stack's user pool: the widget signs " +
        'agents in on its hosted UI',
    );
  }
}
