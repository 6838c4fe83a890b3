import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { POLICY_PARTITION_KEY } from '../../lambda/adapters/session-keys';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { API_ROUTES, routeKeyOf } from '../../lambda/handlers/api-routes';
import { AgentApi, type AgentApiProps } from '../../lib/agent-api';
import { ConnectInstance } from '../../lib/connect-instance';
import { SessionTable } from '../../lib/session-table';
import {
  EXAMPLE_ACW,
  exampleWith,
  logicalId,
  propertiesOf,
  resourcesAllowed,
  statementsAllowing,
  synth,
  testApp,
  underInstance,
} from './support';

/** An AgentApi alone in a stack (on the Connect instance `instanceArn`), with `props` over the example settings. */
function standalone(
  props: Partial<AgentApiProps> = {},
  instanceArn = String(EXAMPLE_ACW.connectInstanceArn),
): { api: AgentApi; template: () => Template } {
  const stack = new Stack(testApp(), 'Standalone');
  const config = parseAcwConfig(EXAMPLE_ACW);
  const api = new AgentApi(stack, 'AgentApi', {
    functionSettings: {
      config,
      instanceArn: String(EXAMPLE_ACW.connectInstanceArn),
      defaultDurationSeconds: '90',
    },
    connectInstance: new ConnectInstance(stack, 'AgentStatus', {
      instanceArn,
      wrapUpStatus: config.wrapUpStatus,
    }),
    sessions: new SessionTable(stack, 'Sessions'),
    ...props,
  });
  return { api, template: () => Template.fromStack(stack) };
}

function acknowledged(api: AgentApi): string[] {
  return api.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.keys(m.data as Record<string, string>));
}

const OIDC = { issuer: 'https://login.example.com/oauth2/default', audience: ['acw-desktop'] };
/** The widget's sign-in with OIDC (acw.widget.oidc comes with acw.api.oidc). */
const WIDGET_OIDC = {
  authorizeUrl: 'https://login.example.com/oauth2/default/v1/authorize',
  tokenUrl: 'https://login.example.com/oauth2/default/v1/token',
  clientId: 'acw-desktop',
};

describe('AgentApi', () => {
  it('declares every route of API_ROUTES and no other, each behind the JWT authorizer: a missing or expired token never reaches the function', () => {
    const { stack, template } = synth();

    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties,
    );
    const [authorizer, ...others] = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'));

    expect(routes.map((route) => route.RouteKey).sort()).toEqual(API_ROUTES.map(routeKeyOf).sort());
    for (const route of routes) {
      expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
      expect(route.AuthorizerId, route.RouteKey).toEqual({ Ref: authorizer });
    }
    expect(others).toEqual([]);
    expect(stack.agentApi.routes.size).toBe(API_ROUTES.length);
  });

  it('checks tokens against the stack user pool: its issuer URL and its app client as audience', () => {
    const { stack, template } = synth();
    const pool = stack.agentApi.userPool;
    const client = stack.agentApi.userPoolClient;
    if (pool === undefined || client === undefined) throw new Error('no user pool');

    const authorizers = template.findResources('AWS::ApiGatewayV2::Authorizer');

    expect(Object.values(authorizers).map((a) => a.Properties)).toEqual([
      expect.objectContaining({
        AuthorizerType: 'JWT',
        IdentitySource: ['$request.header.Authorization'],
        JwtConfiguration: {
          Issuer: {
            'Fn::Join': [
              '',
              ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: logicalId(pool) }],
            ],
          },
          Audience: [{ Ref: logicalId(client) }],
        },
      }),
    ]);
  });

  it('with acw.api.oidc, checks tokens against that issuer and audience and creates no user pool', () => {
    const { stack, template } = synth(exampleWith({ api: { oidc: OIDC }, widget: { oidc: WIDGET_OIDC } }));

    const authorizer = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

    expect(authorizer?.Properties.JwtConfiguration).toEqual({ Issuer: OIDC.issuer, Audience: OIDC.audience });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    expect(stack.agentApi.userPool).toBeUndefined();
    expect(Object.keys(template.findOutputs('*')).some((key) => key.includes('UserPool'))).toBe(false);
  });

  it('throttles the default stage with acw.api.throttle and writes JSON access logs to its own log group', () => {
    const { stack, template } = synth(exampleWith({ api: { throttle: { rateLimit: 7, burstLimit: 11 } } }));

    const stage = propertiesOf(template, logicalId(stack.agentApi.stage));

    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 11 });
    const logs = stage.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(logs.DestinationArn).toEqual({ 'Fn::GetAtt': [logicalId(stack.agentApi.accessLogs), 'Arn'] });
    expect(JSON.parse(logs.Format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
  });

  it("allows the configured origins and the widget's (CORS) with Authorization, Content-Type and the agent hint header, GET, POST, PUT, DELETE (R20) and OPTIONS", () => {
    const origins = ['https://example.my.connect.aws'];
    const { stack, template } = synth(exampleWith({ api: { corsOrigins: origins } }));

    const api = propertiesOf(template, logicalId(stack.agentApi.api));

    expect(api.CorsConfiguration).toEqual({
      AllowOrigins: [...origins, stack.resolve(stack.widgetHosting.origin)],
      AllowHeaders: ['Authorization', 'Content-Type', 'X-Acw-Agent-Hint'],
      AllowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      MaxAge: 3600,
    });
  });

  it("without corsOrigins, allows the widget's origin only: browsers of other origins are refused", () => {
    const { stack, template } = synth(exampleWith({ api: { corsOrigins: [] } }));

    const cors = propertiesOf(template, logicalId(stack.agentApi.api)).CorsConfiguration;

    expect(cors).toMatchObject({ AllowOrigins: [stack.resolve(stack.widgetHosting.origin)] });
  });

  it('without the widget and without corsOrigins (the construct alone), sets no CORS', () => {
    const { api, template } = standalone();

    expect(propertiesOf(template(), logicalId(api.api)).CorsConfiguration).toBeUndefined();
  });

  it('creates a user pool without self sign-up, MFA optional with TOTP, and a 12-character all-classes password policy', () => {
    const { stack, template } = synth();
    const pool = stack.agentApi.userPool;
    if (pool === undefined) throw new Error('no user pool');

    const props = propertiesOf(template, logicalId(pool));

    expect(props.AdminCreateUserConfig).toMatchObject({ AllowAdminCreateUserOnly: true });
    expect(props.MfaConfiguration).toBe('OPTIONAL');
    expect(props.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(props.Policies).toMatchObject({
      PasswordPolicy: {
        MinimumLength: 12,
        RequireLowercase: true,
        RequireUppercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
      },
    });
    expect(props.UserPoolTier).toBe('ESSENTIALS');
    expect(template.toJSON().Resources[logicalId(pool)].DeletionPolicy).toBe('Retain');
  });

  it('gives the desktop a public app client (no secret) and a supervisors group named by acw.api.supervisorGroup', () => {
    const { stack, template } = synth(exampleWith({ api: { supervisorGroup: 'acw-leads' } }));
    const client = stack.agentApi.userPoolClient;
    if (client === undefined) throw new Error('no client');

    expect(propertiesOf(template, logicalId(client)).GenerateSecret).toBe(false);
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'acw-leads' });
  });

  it('lets the API function query and scan only the openByAgent index (and, R20, query the policies partition), beside GetItem and PutItem on the table', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);
    const table = logicalId(stack.sessions.table);
    const index = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/openByAgent']] };

    expect(resourcesAllowed(template, role, 'dynamodb:Query')).toEqual(
      expect.arrayContaining([index, { 'Fn::GetAtt': [table, 'Arn'] }]),
    );
    expect(resourcesAllowed(template, role, 'dynamodb:Scan')).toEqual([index]);
    expect(resourcesAllowed(template, role, 'dynamodb:GetItem')).toEqual(
      expect.arrayContaining([{ 'Fn::GetAtt': [table, 'Arn'] }]),
    );
  });

  it("R20, issue 13: lets the API function query the table on the policies' and the report roll-ups' partitions only, and no other function", () => {
    const { stack, template } = synth();
    const table = { 'Fn::GetAtt': [logicalId(stack.sessions.table), 'Arn'] };
    const onTable = (roleId: string) =>
      statementsAllowing(template, roleId, 'dynamodb:Query').filter(
        (statement) => JSON.stringify(statement.Resource) === JSON.stringify(table),
      );

    expect(onTable(logicalId(stack.agentApi.function.role))).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [POLICY_PARTITION_KEY] } },
      }),
      // Issue 13: the report roll-ups' partitions, read only.
      expect.objectContaining({
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['#REPORT#*'] } },
      }),
    ]);
    // The intake queries the table for transfers (R10), unconditioned; the sweep and the timers never.
    expect(onTable(logicalId(stack.sweep.function.role))).toEqual([]);
  });

  it('R20: creates an administrators group named by acw.api.adminGroup beside the supervisors group', () => {
    const { stack, template } = synth(exampleWith({ api: { adminGroup: 'acw-admins' } }));

    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'acw-admins' });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'supervisors' });
    expect(stack.resolve(stack.agentApi.adminsGroup?.userPoolId)).toEqual(
      stack.resolve(stack.agentApi.userPool?.userPoolId),
    );
  });

  it('R18, R20: lets the API function read the kill switch parameter (to report it beside an override)', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);

    expect(resourcesAllowed(template, role, 'ssm:GetParameter')).toHaveLength(1);
    expect(propertiesOf(template, logicalId(stack.agentApi.function.function)).Environment).toMatchObject({
      Variables: { ACW_SWITCH_PARAMETER: { Ref: expect.any(String) } },
    });
  });

  it('R20: acw.api.adminGroup must be a group name, named in the error', () => {
    expect(() => parseAcwConfig({ api: { adminGroup: '' } })).toThrow(
      'acw.api.adminGroup must be a group name',
    );
  });

  it('lets the API function write contact attributes, look up users and set statuses on this instance only', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);

    expect(resourcesAllowed(template, role, 'connect:UpdateContactAttributes')).toEqual([
      underInstance('/contact/*'),
    ]);
    const lookup = resourcesAllowed(template, role, 'connect:SearchUsers');
    expect(lookup).toHaveLength(2);
    expect(lookup).toEqual(
      expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/agent/*')]),
    );
    // SearchUsers depends on DescribeUser and ListUserProficiencies (Service Authorization Reference).
    expect(resourcesAllowed(template, role, 'connect:ListUserProficiencies')).toEqual(
      expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/agent/*')]),
    );
    const statuses = resourcesAllowed(template, role, 'connect:PutUserStatus');
    expect(statuses).toHaveLength(3);
    expect(statuses).toEqual(
      expect.arrayContaining([
        { Ref: 'ConnectInstanceArn' },
        underInstance('/agent/*'),
        underInstance('/agent-state/*'),
      ]),
    );
  });

  it('R19: lets the API function search the agent statuses of this instance only (SearchAgentStatuses), and no other function', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);

    const search = resourcesAllowed(template, role, 'connect:SearchAgentStatuses');

    expect(search).toHaveLength(2);
    expect(search).toEqual(
      expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/agent-state/*')]),
    );
    // The action the search depends on (Service Authorization Reference).
    expect(resourcesAllowed(template, role, 'connect:DescribeAgentStatus')).toEqual([
      underInstance('/agent-state/*'),
    ]);
    const others = [stack.sweep.function.role].map(logicalId);
    for (const other of others)
      expect(resourcesAllowed(template, other, 'connect:SearchAgentStatuses')).toEqual([]);
  });

  it('R20: lets the API function name queues and agents of this instance only (ListQueues, DescribeUser); of the others, only the sweep lists queues (the catalog)', () => {
    const { stack, template } = synth();
    const role = logicalId(stack.agentApi.function.role);

    const queues = resourcesAllowed(template, role, 'connect:ListQueues');
    const users = resourcesAllowed(template, role, 'connect:DescribeUser');

    expect(queues).toHaveLength(2);
    expect(queues).toEqual(
      expect.arrayContaining([{ Ref: 'ConnectInstanceArn' }, underInstance('/queue/*')]),
    );
    // DescribeUser names agents (R20) and is what SearchUsers depends on: on the instance and its users.
    expect(users).toEqual(expect.arrayContaining([underInstance('/agent/*')]));
    expect(users.every((arn) => JSON.stringify(arn).includes('ConnectInstanceArn'))).toBe(true);
    const others = [stack.sweep.function.role, stack.intake.function.role].map(logicalId);
    for (const other of others) {
      expect(resourcesAllowed(template, other, 'connect:DescribeUser')).toEqual([]);
    }
    // R20: the sweep refreshes the catalog of names (test/cdk/catalog.test.ts); the intake never lists.
    expect(resourcesAllowed(template, logicalId(stack.intake.function.role), 'connect:ListQueues')).toEqual(
      [],
    );
  });

  it('outputs the API URL, the user pool id and the app client id', () => {
    const { template } = synth();

    const outputs = Object.keys(template.findOutputs('*'));

    for (const name of ['Url', 'UserPoolId', 'UserPoolClientId']) {
      expect(
        outputs.some((key) => key.startsWith('AgentApi') && key.includes(name)),
        name,
      ).toBe(true);
    }
  });

  it('with threatProtection, puts the pool on the Plus plan with threat protection enforced, and acknowledges no COG8', () => {
    const { api, template } = standalone({ threatProtection: true });
    const pool = api.userPool;
    if (pool === undefined) throw new Error('no user pool');

    const props = propertiesOf(template(), logicalId(pool));

    expect(props.UserPoolTier).toBe('PLUS');
    expect(props.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(acknowledged(api).some((id) => id.includes('COG8'))).toBe(false);
  });

  it('with a widget, refuses an origin that is not an https origin, naming the prop', () => {
    expect(() =>
      standalone({ widget: { origin: 'http://widget.example.com', cognitoDomainPrefix: 'acw-example' } }),
    ).toThrow('AgentApi: props.widget.origin must be an https origin, got http://widget.example.com');
  });

  it("with a widget and the stack's user pool, requires the hosted UI's domain prefix, naming the prop", () => {
    expect(() => standalone({ widget: { origin: 'https://widget.example.com' } })).toThrow(
      /AgentApi: props\.widget\.cognitoDomainPrefix is required with the stack's user pool/,
    );
  });

  it('with a widget, redirects the app client to its callback.html and allows its origin (CORS)', () => {
    const { api, template } = standalone({
      widget: { origin: 'https://widget.example.com', cognitoDomainPrefix: 'acw-example' },
    });
    const client = api.userPoolClient;
    if (client === undefined) throw new Error('no client');

    const props = propertiesOf(template(), logicalId(client));

    expect(props.CallbackURLs).toEqual(['https://widget.example.com/callback.html']);
    expect(props.LogoutURLs).toEqual(['https://widget.example.com/']);
    expect(propertiesOf(template(), logicalId(api.api)).CorsConfiguration).toMatchObject({
      AllowOrigins: ['https://widget.example.com'],
    });
    template().hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'acw-example' });
  });

  it('refuses an instance ARN that is not an Amazon Connect instance ARN, naming the prop', () => {
    expect(() => standalone({}, 'my-instance')).toThrow(
      /ConnectInstance: props\.instanceArn must be an Amazon Connect instance ARN/,
    );
  });
});
