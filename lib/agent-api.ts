/**
 * The agent and supervisor HTTP API: an API Gateway HTTP API with a JWT authorizer on every
 * route, one Lambda function behind it, throttling and access logs on its default stage, and CORS
 * for the agent desktop's origins and the agent widget's.
 *
 * Who may call it (the stack's Cognito user pool or the contact center's OIDC provider) is
 * lib/agent-identity.ts; the function's grants come from the constructs that own the resources
 * (`SessionTable`, `ConnectInstance`).
 */
import { CfnOutput, Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
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
import type { CfnUserPoolGroup, UserPool, UserPoolClient, UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES, routeKeyOf } from '../lambda/handlers/api-routes';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from './acw-function';
import { type AgentApiWidget, agentIdentity } from './agent-identity';
import type { ConnectInstance } from './connect-instance';
import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';
import type { SessionTable } from './session-table';

export type { AgentApiWidget } from './agent-identity';

/** Properties of the agent API. */
export interface AgentApiProps {
  /** The settings every ACW function shares (configuration, instance ARN, default duration). */
  readonly functionSettings: AcwFunctionSettings;
  /** The Connect instance: the function writes contact records and looks up users and statuses. */
  readonly connectInstance: ConnectInstance;
  /** The session table: the function lists open sessions on its `openByAgent` index. */
  readonly sessions: SessionTable;
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

/** Request headers the widget sends: the token, JSON bodies, and the Connect agent it runs for. */
export const CORS_ALLOW_HEADERS = ['Authorization', 'Content-Type', 'X-Acw-Agent-Hint'];

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
  readonly userPool: UserPool | undefined;
  /** The user pool's app client for the agent desktop (public, PKCE). */
  readonly userPoolClient: UserPoolClient | undefined;
  /** The supervisors group of the user pool. */
  readonly supervisorsGroup: CfnUserPoolGroup | undefined;
  /** R20: the administrators group of the user pool (`acw.api.adminGroup`). */
  readonly adminsGroup: CfnUserPoolGroup | undefined;
  /** The user pool's hosted-UI domain, with the widget and the stack's user pool. */
  readonly userPoolDomain: UserPoolDomain | undefined;
  /** The hosted UI's base URL (`https://PREFIX.auth.REGION.amazoncognito.com`), with `userPoolDomain`. */
  readonly hostedUiUrl: string | undefined;

  constructor(scope: Construct, id: string, props: AgentApiProps) {
    super(scope, id);
    validate(props);
    const api = props.functionSettings.config.api;

    const corsOrigins = [...api.corsOrigins, ...(props.widget === undefined ? [] : [props.widget.origin])];

    const identity = agentIdentity(this, {
      api,
      threatProtection: props.threatProtection ?? false,
      widget: props.widget,
    });
    this.userPool = identity.userPool;
    this.userPoolClient = identity.userPoolClient;
    this.supervisorsGroup = identity.supervisorsGroup;
    this.adminsGroup = identity.adminsGroup;
    this.userPoolDomain = identity.userPoolDomain;
    this.hostedUiUrl = identity.hostedUiUrl;

    this.function = new AcwFunction(this, 'Handler', {
      settings: props.functionSettings,
      entry: handlerEntry('api'),
      description:
        'Agent and supervisor HTTP API: wrap-ups, extend, All Done, dispositions, notes and the status after wrap-up',
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.api),
    });
    props.sessions.grantListOpen(this.function);
    props.connectInstance.grantWriteContactRecord(this.function);
    props.connectInstance.grantUserLookup(this.function);
    props.connectInstance.grantStatusSearch(this.function);
    // R20: names of queues and agents for the views.
    props.connectInstance.grantNames(this.function);
    // R20: the administrator routes read, change and audit the policies (the history is a Query).
    props.sessions.grantPolicyAdministration(this.function);
    // R20: the catalog of names administrators pick from (GET /v1/admin/directory), read on a miss.
    props.connectInstance.grantCatalog(this.function);

    this.authorizer = new HttpJwtAuthorizer('Jwt', identity.issuer, {
      jwtAudience: identity.audience,
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
                // R20: DELETE /v1/admin/policies/{level}/{key}.
                CorsHttpMethod.DELETE,
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
