/**
 * The connect-acw stack: composes the constructs and wires each function to what it may use.
 * Operators change the Connect instance and the default wrap-up duration through CloudFormation
 * parameters; everything else comes from the validated `acw` configuration.
 */
import { CfnOutput, CfnParameter, Stack, type StackProps, Token } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { AcwConfig } from '../lambda/config/acw-config';
import { MAX_DURATION_SECONDS } from '../lambda/core/config';
import { INSTANCE_ARN_PATTERN } from '../lambda/core/connect-arns';
import { type AcwFunctionSettings, configEnvironmentValue } from './acw-function';
import { AgentApi } from './agent-api';
import { AgentEventStream } from './agent-event-stream';
import { cognitoHostedUiUrl, WIDGET_CALLBACK_PATH, WIDGET_OAUTH_SCOPES } from './agent-identity';
import { AgentWorkspaceApp } from './agent-workspace-app';
import { acwConfigFromContext } from './config-context';
import { ConnectInstance } from './connect-instance';
import { ContactEventIntake } from './contact-event-intake';
import { ContactFlowFunction } from './contact-flow';
import { LogEncryptionKey } from './keys';
import { KillSwitch } from './kill-switch';
import { Monitoring } from './monitoring';
import { grantReportReads, ReportRollups } from './report-rollups';
import { SessionTable } from './session-table';
import { Sweep } from './sweep';
import { BOARD_PAGE, WidgetDeployment, type WidgetRuntimeConfig } from './widget-deployment';
import { connectInstanceOrigins, frameAncestorsOf, stackUuid, WidgetHosting } from './widget-hosting';
import { WrapUpTimers } from './wrap-up-timers';

/** CloudFormation's rule for the `ConnectInstanceArn` parameter: the config schema's, defined once. */
export { INSTANCE_ARN_PATTERN };

/** INSTANCE_ARN_PATTERN for the instances of one Region only. */
export function instanceArnPatternIn(region: string): string {
  if (!/^[a-z0-9-]+$/.test(region)) throw new Error(`instanceArnPatternIn: not a Region name: ${region}`);
  return INSTANCE_ARN_PATTERN.replace(':connect:[a-z0-9-]+:', `:connect:${region}:`);
}

/** Properties of the stack. */
export interface ConnectAcwStackProps extends StackProps {
  /**
   * The validated configuration.
   * @default - the `acw` context value, validated with `parseAcwConfig`
   */
  readonly config?: AcwConfig;
}

/** After Contact Work for one Amazon Connect instance. */
export class ConnectAcwStack extends Stack {
  /** The configuration the stack was built from. */
  readonly config: AcwConfig;
  /** The `ConnectInstanceArn` parameter. */
  readonly instanceArnParameter: CfnParameter;
  /** The `DefaultDurationSeconds` parameter. */
  readonly defaultDurationParameter: CfnParameter;
  /** The wrap-up session table. */
  readonly sessions: SessionTable;
  /** The Connect instance: the wrap-up agent status and the grants on the instance's resources. */
  readonly connectInstance: ConnectInstance;
  /** Scheduler timers, the due queue and the timer functions. */
  readonly timers: WrapUpTimers;
  /** The contact event rule, queue and function. */
  readonly intake: ContactEventIntake;
  /** The agent and supervisor HTTP API. */
  readonly agentApi: AgentApi;
  /** The contact flow Lambda (R3). */
  readonly contactFlow: ContactFlowFunction;
  /** The sweep (R15). */
  readonly sweep: Sweep;
  /** The reports' daily roll-ups (issue 13). */
  readonly reportRollups: ReportRollups;
  /** The runtime switch (R18). */
  readonly killSwitch: KillSwitch;
  /** The alarm topic and alarms. */
  readonly monitoring: Monitoring;
  /** The KMS key of every log group of the stack. */
  readonly logKey: LogEncryptionKey;
  /** The agent event stream's consumer (R8, R11), when `acw.agentEventStream` names a stream. */
  readonly agentEvents?: AgentEventStream;
  /** The bucket and distribution that serve the agent widget and the supervisor board. */
  readonly widgetHosting: WidgetHosting;
  /** The widget's files and `config.json`. */
  readonly widgetDeployment: WidgetDeployment;
  /** The widget as an Agent Workspace application, with `acw.widget.registerApp`. */
  readonly widgetApp?: AgentWorkspaceApp;

  constructor(scope: Construct, id: string, props: ConnectAcwStackProps = {}) {
    super(scope, id, {
      description: 'connect-acw: After Contact Work (wrap-up) for Amazon Connect',
      ...props,
    });
    // Fail before building anything: a bad configuration names its field.
    const config = props.config ?? acwConfigFromContext(this);
    configEnvironmentValue(config);
    this.config = config;

    // Connect sends an instance's contact events to the default event bus of the instance's Region:
    // a stack elsewhere would never see one. With the stack's Region known at synth, an instance of
    // another Region is refused, in the configuration now and in the parameter at deploy.
    const region = Token.isUnresolved(this.region) ? undefined : this.region;
    const instanceRegion = config.connectInstanceArn?.split(':')[3];
    if (region !== undefined && instanceRegion !== undefined && instanceRegion !== region) {
      throw new Error(
        `acw.connectInstanceArn: the instance is in ${instanceRegion} and the stack deploys to ${region}; ` +
          "Connect sends contact events to its own Region's event bus: deploy the stack in the instance's Region",
      );
    }
    this.instanceArnParameter = new CfnParameter(this, 'ConnectInstanceArn', {
      type: 'String',
      description: 'ARN of the Amazon Connect instance whose agents get wrap-up',
      allowedPattern: region === undefined ? INSTANCE_ARN_PATTERN : instanceArnPatternIn(region),
      constraintDescription:
        region === undefined
          ? 'must be an Amazon Connect instance ARN: arn:aws:connect:REGION:ACCOUNT:instance/ID'
          : `must be the ARN of an Amazon Connect instance in this stack's Region: arn:aws:connect:${region}:ACCOUNT:instance/ID`,
      ...(config.connectInstanceArn === undefined ? {} : { default: config.connectInstanceArn }),
    });
    this.defaultDurationParameter = new CfnParameter(this, 'DefaultDurationSeconds', {
      type: 'Number',
      description:
        'Wrap-up seconds for contacts that no channel, queue or profile policy covers (0: no wrap-up)',
      minValue: 0,
      maxValue: MAX_DURATION_SECONDS,
      default: config.policies.default.durationSeconds,
    });
    const instanceArn = this.instanceArnParameter.valueAsString;
    this.logKey = new LogEncryptionKey(this, 'LogKey');
    const functionSettings: AcwFunctionSettings = {
      config,
      instanceArn,
      defaultDurationSeconds: this.defaultDurationParameter.valueAsString,
      logEncryptionKey: this.logKey.key,
    };

    this.sessions = new SessionTable(this, 'Sessions');
    // Its id stays `AgentStatus`: the wrap-up status it may create is named after it.
    this.connectInstance = new ConnectInstance(this, 'AgentStatus', {
      instanceArn,
      wrapUpStatus: config.wrapUpStatus,
    });
    this.timers = new WrapUpTimers(this, 'Timers', { functionSettings });
    this.intake = new ContactEventIntake(this, 'Intake', { functionSettings, instanceArn });
    // R15: the intake's function (the wrap-up worker) also ends wrap-ups on time: the holds and the
    // restores wait in one line for PutUserStatus's quota.
    this.timers.consumeDue(this.intake.function);

    // Every function reads and writes sessions, sets agent statuses and can defer a timer to the
    // due queue; only the intake arms Scheduler timers.
    for (const fn of [this.intake.function, ...this.timers.functions]) {
      this.sessions.grantSessions(fn);
      this.connectInstance.grantSetStatus(fn);
      this.timers.grantDefer(fn);
    }
    this.timers.grantArm(this.intake.function);
    this.sessions.grantTransferReads(this.intake.function);
    this.sessions.grantInterruptions(this.intake.function);
    // Every function that closes sessions writes the record to the contact (R17): the timers, and
    // the intake for a contact event that arrives after its wrap-up would have ended.
    for (const fn of [this.intake.function, ...this.timers.functions]) {
      this.connectInstance.grantWriteContactRecord(fn);
    }

    // R15: the sweep ends what timers did not, and lists open sessions to find it. It never arms,
    // defers or cancels a timer (a schedule it leaves fires and finds the wrap-up closed).
    this.sweep = new Sweep(this, 'Sweep', { functionSettings });
    this.sessions.grantSessions(this.sweep.function);
    this.sessions.grantListOpen(this.sweep.function);
    this.connectInstance.grantSetStatus(this.sweep.function);
    this.connectInstance.grantWriteContactRecord(this.sweep.function);
    // R20: the sweep keeps the catalog of names fresh (listed again every 15 minutes).
    this.connectInstance.grantCatalog(this.sweep.function);

    // R18: the intake stops starting wrap-ups and the sweep ends the open ones when switched off.
    this.killSwitch = new KillSwitch(this, 'Switch');
    this.killSwitch.grantRead(this.intake.function);
    this.killSwitch.grantRead(this.sweep.function);

    // R3: contact flows choose a contact's wrap-up through their own function.
    this.contactFlow = new ContactFlowFunction(this, 'ContactFlow', { functionSettings });
    this.sessions.grantSessions(this.contactFlow.function);

    // The agent widget: its pages may call the API and the sign-in endpoints, and only the
    // Connect instance's pages may frame them.
    const widget = config.widget;
    const cognitoDomainPrefix =
      config.api.oidc === undefined ? (widget.cognitoDomainPrefix ?? `acw-${stackUuid()}`) : undefined;
    const signInUrl =
      cognitoDomainPrefix === undefined ? undefined : cognitoHostedUiUrl(cognitoDomainPrefix, this.region);
    this.widgetHosting = new WidgetHosting(this, 'Widget', {
      frameAncestors: frameAncestorsOf(widget),
      connectSources: [
        // The API's own URL would make the distribution depend on the API and the API's CORS on the
        // distribution, a cycle: the Region's API Gateway host stands for it.
        `https://*.execute-api.${this.region}.${this.urlSuffix}`,
        // The token endpoint (the code and refresh exchanges); sign-in itself is a navigation.
        signInUrl ?? new URL(widgetOidc(config).tokenUrl).origin,
      ],
      ...(widget.agentPort === 'ccp' ? { frameSources: connectInstanceOrigins(widget.connectAlias) } : {}),
    });
    const widgetOrigin = this.widgetHosting.origin;

    // The API's actions change sessions, statuses and timers (Extend re-arms, All Done cancels).
    this.agentApi = new AgentApi(this, 'AgentApi', {
      functionSettings,
      connectInstance: this.connectInstance,
      sessions: this.sessions,
      widget: {
        origin: widgetOrigin,
        ...(cognitoDomainPrefix === undefined ? {} : { cognitoDomainPrefix }),
      },
    });
    this.sessions.grantSessions(this.agentApi.function);
    this.connectInstance.grantSetStatus(this.agentApi.function);
    this.timers.grantArm(this.agentApi.function);
    this.timers.grantDefer(this.agentApi.function);
    // R18, R20: GET /v1/admin/policies reports the deployed parameter beside an override.
    this.killSwitch.grantRead(this.agentApi.function);

    // Issue 13: the reports' roll-ups, and the API's reads of them.
    this.reportRollups = new ReportRollups(this, 'ReportRollups', {
      functionSettings,
      sessions: this.sessions,
      instanceArn,
    });
    grantReportReads(this.sessions, this.agentApi.function);

    // R8, R11: before a restore, the agent's own status is read: from the agent event stream's
    // reports (kept by its consumer) when there is one, else with GetCurrentUserData (which the
    // sweep also uses each minute for the agents in wrap-up).
    const restoring = [
      this.intake.function,
      ...this.timers.functions,
      this.sweep.function,
      this.agentApi.function,
    ];
    if (config.agentEventStream === undefined) {
      for (const fn of restoring) this.connectInstance.grantReadCurrentStatus(fn);
    } else {
      const stream = config.agentEventStream;
      const agentEvents = new AgentEventStream(this, 'AgentEvents', {
        functionSettings,
        streamArn: stream.streamArn,
        ...(stream.kmsKeyArn === undefined ? {} : { kmsKeyArn: stream.kmsKeyArn }),
      });
      this.agentEvents = agentEvents;
      this.sessions.grantSessions(agentEvents.function);
      this.connectInstance.grantWriteContactRecord(agentEvents.function);
      // A status the agent chose ends their wrap-up: its timer is cancelled (nothing else: it never
      // arms or defers one, so it may not, and has no due queue).
      this.timers.grantCancel(agentEvents.function);
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      deadLetterQueues: [
        ...this.intake.deadLetterQueues,
        ...this.timers.deadLetterQueues,
        ...(this.agentEvents?.deadLetterQueues ?? []),
        { name: 'ReportRollupFailures', queue: this.reportRollups.deadLetterQueue },
      ],
      functions: [
        ...(this.agentEvents === undefined ? [] : [{ name: 'AgentEvents', fn: this.agentEvents.function }]),
        { name: 'Worker', fn: this.intake.function },
        { name: 'TimerFired', fn: this.timers.firedFunction },
        { name: 'Api', fn: this.agentApi.function },
        { name: 'ContactFlow', fn: this.contactFlow.function },
        { name: 'Sweep', fn: this.sweep.function },
        { name: 'ReportRollups', fn: this.reportRollups.function },
      ],
      ...(config.alarmEmail === undefined ? {} : { alarmEmail: config.alarmEmail }),
      nativeAcwSeconds: config.monitoring.nativeAcwSeconds,
    });

    this.monitoring.showAlarm(
      'Sweep: overdue wrap-ups (R15)',
      this.sweep.alarmOverdue(this.monitoring.topic),
    );
    this.monitoring.showAlarm(
      'Sweep: catalog of names not refreshed (R20)',
      this.sweep.alarmCatalogRefresh(this.monitoring.topic),
    );

    this.widgetDeployment = new WidgetDeployment(this, 'WidgetFiles', {
      bucket: this.widgetHosting.bucket,
      runtimeConfig: this.widgetRuntimeConfig(signInUrl),
      logEncryptionKey: this.logKey.key,
    });
    if (widget.registerApp) {
      this.widgetApp = new AgentWorkspaceApp(this, 'WidgetApp', {
        instanceArn,
        accessUrl: this.widgetHosting.urlOf('index.html'),
        approvedOrigins: [widgetOrigin],
      });
    }

    new CfnOutput(this, 'SessionTableName', { value: this.sessions.table.tableName });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.timers.scheduleGroupName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'SwitchParameterName', { value: this.killSwitch.parameter.parameterName });
    new CfnOutput(this, 'ContactFlowFunctionArn', { value: this.contactFlow.function.functionArn });
    if (this.connectInstance.wrapUpStatusId !== undefined) {
      new CfnOutput(this, 'WrapUpStatusId', { value: this.connectInstance.wrapUpStatusId });
    }
    new CfnOutput(this, 'WidgetUrl', {
      value: this.widgetHosting.urlOf(''),
      description: "The agent widget: Agent Workspace's application URL, or a custom CCP's page",
    });
    new CfnOutput(this, 'SupervisorBoardUrl', {
      value: this.widgetHosting.urlOf(BOARD_PAGE),
      description: 'The supervisor board',
    });
    if (signInUrl !== undefined) {
      new CfnOutput(this, 'CognitoDomain', {
        value: signInUrl,
        description: "The user pool's hosted UI, where agents and supervisors sign in",
      });
    }
    if (this.widgetApp !== undefined) {
      new CfnOutput(this, 'WidgetAppArn', { value: this.widgetApp.applicationArn });
    }
  }

  /** `config.json`: the API, the sign-in endpoints (Cognito's hosted UI or acw.widget.oidc) and the agent port. */
  private widgetRuntimeConfig(signInUrl: string | undefined): WidgetRuntimeConfig {
    const widget = this.config.widget;
    let auth: WidgetRuntimeConfig['auth'];
    const client = this.agentApi.userPoolClient;
    if (signInUrl !== undefined && client !== undefined) {
      auth = {
        kind: 'cognito',
        authorizeUrl: `${signInUrl}/oauth2/authorize`,
        tokenUrl: `${signInUrl}/oauth2/token`,
        clientId: client.userPoolClientId,
        scopes: [...WIDGET_OAUTH_SCOPES],
        redirectPath: WIDGET_CALLBACK_PATH,
      };
    } else {
      const oidc = widgetOidc(this.config);
      auth = {
        kind: 'oidc',
        authorizeUrl: oidc.authorizeUrl,
        tokenUrl: oidc.tokenUrl,
        clientId: oidc.clientId,
        scopes: [...oidc.scopes],
        redirectPath: WIDGET_CALLBACK_PATH,
      };
    }
    return {
      apiUrl: this.agentApi.stage.url,
      agentPort: widget.agentPort,
      ...(widget.agentPort === 'ccp' && widget.connectAlias !== undefined
        ? { ccpUrl: `https://${widget.connectAlias.toLowerCase()}.my.connect.aws/ccp-v2/` }
        : {}),
      auth,
    };
  }
}

/**
 * The widget's sign-in with `acw.api.oidc`: `acw.widget.oidc`, which parseAcwConfig requires then.
 * @throws Error when it is missing, in a configuration that did not come through parseAcwConfig.
 */
function widgetOidc(config: AcwConfig): NonNullable<AcwConfig['widget']['oidc']> {
  if (config.widget.oidc === undefined) {
    throw new Error('ConnectAcwStack: config.widget.oidc is required when config.api.oidc is set');
  }
  return config.widget.oidc;
}
