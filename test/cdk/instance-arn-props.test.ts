import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { AgentWorkspaceApp } from '../../lib/agent-workspace-app';
import { ConnectInstance } from '../../lib/connect-instance';
import { ContactEventIntake } from '../../lib/contact-event-intake';
import { EXAMPLE_ACW, testApp } from './support';

const QUEUE =
  'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012/queue/q-1';

describe('constructs take the instance ARN rule the configuration and the parameter use', () => {
  it('ConnectInstance refuses a queue ARN as props.instanceArn, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(
      () =>
        new ConnectInstance(stack, 'A', {
          instanceArn: QUEUE,
          wrapUpStatus: { name: 'Wrap Up', create: false },
        }),
    ).toThrow(/ConnectInstance: props\.instanceArn must be an Amazon Connect instance ARN/);
  });

  it('AgentWorkspaceApp refuses a queue ARN as props.instanceArn, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');

    expect(
      () =>
        new AgentWorkspaceApp(stack, 'App', {
          instanceArn: QUEUE,
          accessUrl: 'https://d111111abcdef8.cloudfront.net/index.html',
          approvedOrigins: ['https://d111111abcdef8.cloudfront.net'],
        }),
    ).toThrow(/AgentWorkspaceApp: props\.instanceArn must be an Amazon Connect instance ARN/);
  });

  it('ContactEventIntake refuses a queue ARN as props.instanceArn, naming the prop', () => {
    const stack = new Stack(testApp(), 'Props');
    const functionSettings = {
      config: parseAcwConfig(EXAMPLE_ACW),
      instanceArn: QUEUE,
      defaultDurationSeconds: '90',
    };

    expect(() => new ContactEventIntake(stack, 'I', { functionSettings, instanceArn: QUEUE })).toThrow(
      /ContactEventIntake: props\.instanceArn must be an Amazon Connect instance ARN/,
    );
  });
});
