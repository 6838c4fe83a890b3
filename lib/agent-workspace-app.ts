/**
 * The widget registered as an Amazon Connect Agent Workspace third-party application
 * (`acw.widget.registerApp`): an AppIntegrations application and its association with the instance.
 * An administrator still grants it to agents in their security profiles (README).
 */
import { Stack, Token } from 'aws-cdk-lib';
import { CfnApplication } from 'aws-cdk-lib/aws-appintegrations';
import { CfnIntegrationAssociation } from 'aws-cdk-lib/aws-connect';
import { Construct } from 'constructs';

/**
 * What the widget may read from Agent Workspace, and nothing more: the agent's ARN (the identity
 * hint it sends the API) and its contacts' events (After Contact Work started, contact cleared).
 */
export const WIDGET_APP_PERMISSIONS = ['User.Details.View', 'Contact.Details.View'] as const;

/** Properties of the Agent Workspace application. */
export interface AgentWorkspaceAppProps {
  /** The Amazon Connect instance ARN (usually the `ConnectInstanceArn` parameter). */
  readonly instanceArn: string;
  /** The page Agent Workspace opens, `https://WIDGET/index.html`. */
  readonly accessUrl: string;
  /** The origins the application is served from, `https://WIDGET`. */
  readonly approvedOrigins: readonly string[];
  /**
   * The name administrators see in Connect's Agent applications.
   * @default - `<stack name> wrap-up`
   */
  readonly name?: string;
}

/** An Agent Workspace application for the widget, associated with one instance. */
export class AgentWorkspaceApp extends Construct {
  /** The AppIntegrations application. */
  readonly application: CfnApplication;
  /** Its association with the instance (integration type APPLICATION). */
  readonly association: CfnIntegrationAssociation;

  constructor(scope: Construct, id: string, props: AgentWorkspaceAppProps) {
    super(scope, id);
    validate(props);
    const stackName = Stack.of(this).stackName;

    this.application = new CfnApplication(this, 'Application', {
      name: props.name ?? `${stackName} wrap-up`,
      namespace: `connect-acw.${stackName}`,
      description: 'connect-acw: the wrap-up countdown, Extend, All Done, disposition and notes',
      applicationSourceConfig: {
        externalUrlConfig: { accessUrl: props.accessUrl, approvedOrigins: [...props.approvedOrigins] },
      },
      // One instance of the app across contacts: a per-contact app would close when the contact is
      // cleared from the workspace, before its wrap-up ends.
      applicationConfig: { contactHandling: { scope: 'CROSS_CONTACTS' } },
      permissions: [...WIDGET_APP_PERMISSIONS],
    });

    this.association = new CfnIntegrationAssociation(this, 'Association', {
      instanceId: props.instanceArn,
      integrationType: 'APPLICATION',
      integrationArn: this.application.attrApplicationArn,
    });
  }

  /** The application's ARN. */
  get applicationArn(): string {
    return this.application.attrApplicationArn;
  }
}

/** Connect's rule for an application name (AppIntegrations `Name`). */
const APP_NAME = /^[a-zA-Z0-9/._ -]{1,255}$/;

function validate(props: AgentWorkspaceAppProps): void {
  if (!Token.isUnresolved(props.instanceArn) && !/^arn:aws[a-z-]*:connect:/.test(props.instanceArn)) {
    throw new Error(
      `AgentWorkspaceApp: props.instanceArn must be an Amazon Connect instance ARN, got ${props.instanceArn}`,
    );
  }
  if (props.name !== undefined && !Token.isUnresolved(props.name) && !APP_NAME.test(props.name)) {
    throw new Error(
      `AgentWorkspaceApp: props.name must be 1-255 letters, digits, spaces and / . _ -, got ${JSON.stringify(props.name)}`,
    );
  }
  if (props.approvedOrigins.length === 0) {
    throw new Error(
      'AgentWorkspaceApp: props.approvedOrigins must name the origin the widget is served from',
    );
  }
}
