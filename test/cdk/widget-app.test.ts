import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { AgentWorkspaceApp, WIDGET_APP_PERMISSIONS } from '../../lib/agent-workspace-app';
import { flattenReference } from '../../lib/nag';
import { exampleWith, logicalId, propertiesOf, synth, testApp } from './support';

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';

describe('the widget as an Agent Workspace application (acw.widget.registerApp)', () => {
  it('registers nothing by default: no application, no association of type APPLICATION, no WidgetAppArn', () => {
    const { stack, template } = synth();

    template.resourceCountIs('AWS::AppIntegrations::Application', 0);
    const applications = Object.values(template.findResources('AWS::Connect::IntegrationAssociation')).filter(
      (association) => association.Properties.IntegrationType === 'APPLICATION',
    );
    expect(applications).toEqual([]);
    expect(stack.widgetApp).toBeUndefined();
    expect(template.findOutputs('WidgetAppArn')).toEqual({});
  });

  it('opens the widget for the whole session (CROSS_CONTACTS): a per-contact app would close before wrap-up ends', () => {
    const { stack, template } = synth(exampleWith({ widget: { registerApp: true } }));
    const app = stack.widgetApp;
    if (app === undefined) throw new Error('no application');

    const props = propertiesOf(template, logicalId(app.application));

    expect(props.ApplicationConfig).toEqual({ ContactHandling: { Scope: 'CROSS_CONTACTS' } });
  });

  it('asks for exactly User.Details.View and Contact.Details.View', () => {
    const { stack, template } = synth(exampleWith({ widget: { registerApp: true } }));
    const app = stack.widgetApp;
    if (app === undefined) throw new Error('no application');

    const props = propertiesOf(template, logicalId(app.application));

    expect(props.Permissions).toEqual(['User.Details.View', 'Contact.Details.View']);
    expect(WIDGET_APP_PERMISSIONS).toEqual(['User.Details.View', 'Contact.Details.View']);
  });

  it("opens the distribution's index.html and approves the distribution's origin only", () => {
    const { stack, template } = synth(exampleWith({ widget: { registerApp: true } }));
    const app = stack.widgetApp;
    if (app === undefined) throw new Error('no application');
    const origin = `https://<${logicalId(stack.widgetHosting.distribution)}.DomainName>`;

    const source = propertiesOf(template, logicalId(app.application)).ApplicationSourceConfig as {
      ExternalUrlConfig: { AccessUrl: unknown; ApprovedOrigins: unknown[] };
    };

    expect(flattenReference(source.ExternalUrlConfig.AccessUrl)).toBe(`${origin}/index.html`);
    expect(source.ExternalUrlConfig.ApprovedOrigins.map(flattenReference)).toEqual([origin]);
  });

  it('associates the application with the ConnectInstanceArn instance (integration type APPLICATION)', () => {
    const { stack, template } = synth(exampleWith({ widget: { registerApp: true } }));
    const app = stack.widgetApp;
    if (app === undefined) throw new Error('no application');

    const props = propertiesOf(template, logicalId(app.association));

    expect(props).toEqual({
      InstanceId: { Ref: 'ConnectInstanceArn' },
      IntegrationType: 'APPLICATION',
      IntegrationArn: { 'Fn::GetAtt': [logicalId(app.application), 'ApplicationArn'] },
    });
  });

  it('outputs the application ARN as WidgetAppArn', () => {
    const { stack, template } = synth(exampleWith({ widget: { registerApp: true } }));
    const app = stack.widgetApp;
    if (app === undefined) throw new Error('no application');

    expect(template.findOutputs('WidgetAppArn').WidgetAppArn?.Value).toEqual({
      'Fn::GetAtt': [logicalId(app.application), 'ApplicationArn'],
    });
  });
});

describe('AgentWorkspaceApp props', () => {
  const props = {
    instanceArn: INSTANCE,
    accessUrl: 'https://d111111abcdef8.cloudfront.net/index.html',
    approvedOrigins: ['https://d111111abcdef8.cloudfront.net'],
  };

  it('refuses an instance ARN that is not an Amazon Connect instance ARN, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(() => new AgentWorkspaceApp(stack, 'App', { ...props, instanceArn: 'my-instance' })).toThrow(
      /AgentWorkspaceApp: props\.instanceArn must be an Amazon Connect instance ARN/,
    );
  });

  it('refuses a name Connect would refuse, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(() => new AgentWorkspaceApp(stack, 'App', { ...props, name: 'Wrap-up (ACW)' })).toThrow(
      /AgentWorkspaceApp: props\.name must be 1-255 letters, digits, spaces and/,
    );
  });

  it('refuses an application without an approved origin, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(() => new AgentWorkspaceApp(stack, 'App', { ...props, approvedOrigins: [] })).toThrow(
      /AgentWorkspaceApp: props\.approvedOrigins must name the origin/,
    );
  });
});
