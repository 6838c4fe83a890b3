import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { AcwFunction, type AcwFunctionSettings, handlerEntry } from '../../lib/acw-function';
import { ConnectInstance } from '../../lib/connect-instance';
import { ContactEventIntake } from '../../lib/contact-event-intake';
import { Monitoring } from '../../lib/monitoring';
import { WrapUpTimers } from '../../lib/wrap-up-timers';
import { EXAMPLE_ACW, testApp } from './support';

const INSTANCE = String(EXAMPLE_ACW.connectInstanceArn);

function scope(): { stack: Stack; settings: AcwFunctionSettings } {
  const stack = new Stack(testApp(), 'Props');
  const settings = {
    config: parseAcwConfig(EXAMPLE_ACW),
    instanceArn: INSTANCE,
    defaultDurationSeconds: '90',
  };
  return { stack, settings };
}

describe('construct props are validated first, with errors naming the prop', () => {
  it('AcwFunction refuses an entry file that does not exist', () => {
    const { stack, settings } = scope();

    expect(
      () =>
        new AcwFunction(stack, 'F', { settings, entry: handlerEntry('no-such-handler'), description: 'x' }),
    ).toThrow(/AcwFunction: props\.entry .*no-such-handler\.ts does not exist/);
  });

  it('AcwFunction refuses more than 2 asynchronous retries', () => {
    const { stack, settings } = scope();

    expect(
      () =>
        new AcwFunction(stack, 'F', {
          settings,
          entry: handlerEntry('timer-fired'),
          description: 'x',
          retryAttempts: 3,
        }),
    ).toThrow('AcwFunction: props.retryAttempts must be an integer 0-2, got 3');
  });

  it('WrapUpTimers refuses a schedule group name Scheduler would refuse', () => {
    const { stack, settings } = scope();

    expect(
      () => new WrapUpTimers(stack, 'T', { functionSettings: settings, scheduleGroupName: 'has spaces' }),
    ).toThrow(
      'WrapUpTimers: props.scheduleGroupName must be 1-64 characters of [0-9a-zA-Z-_.], got "has spaces"',
    );
  });

  it('WrapUpTimers uses a valid schedule group name it is given', () => {
    const { stack, settings } = scope();

    new WrapUpTimers(stack, 'T', { functionSettings: settings, scheduleGroupName: 'my.group_1' });

    Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'my.group_1' });
  });

  it("WrapUpTimers refuses a due queue visibility timeout of 0, and one shorter than its consumer's timeout", () => {
    const { stack, settings } = scope();

    expect(
      () =>
        new WrapUpTimers(stack, 'T0', {
          functionSettings: settings,
          dueQueueVisibilityTimeout: Duration.seconds(0),
        }),
    ).toThrow('WrapUpTimers: props.dueQueueVisibilityTimeout must be 1-43200 seconds, got 0');
    const timers = new WrapUpTimers(stack, 'T', {
      functionSettings: settings,
      dueQueueVisibilityTimeout: Duration.seconds(10),
    });
    const worker = new AcwFunction(stack, 'W', {
      settings,
      entry: handlerEntry('worker'),
      description: 'x',
      timeout: Duration.seconds(30),
    });
    expect(() => timers.consumeDue(worker)).toThrow(
      "WrapUpTimers: the due queue's visibility timeout (10 s) must be at least its consumer's timeout (30 s)",
    );
  });

  it('WrapUpTimers refuses a maxReceiveCount of 0', () => {
    const { stack, settings } = scope();

    expect(() => new WrapUpTimers(stack, 'T', { functionSettings: settings, maxReceiveCount: 0 })).toThrow(
      'WrapUpTimers: props.maxReceiveCount must be an integer 1-1000, got 0',
    );
  });

  it('ContactEventIntake refuses a batch size above 10 (no batching window)', () => {
    const { stack, settings } = scope();

    expect(
      () =>
        new ContactEventIntake(stack, 'I', {
          functionSettings: settings,
          instanceArn: INSTANCE,
          batchSize: 11,
        }),
    ).toThrow('ContactEventIntake: props.batchSize must be an integer 1-10, got 11');
  });

  it('ContactEventIntake refuses an instance that is not an ARN', () => {
    const { stack, settings } = scope();

    expect(
      () => new ContactEventIntake(stack, 'I', { functionSettings: settings, instanceArn: 'my-instance' }),
    ).toThrow(
      'ContactEventIntake: props.instanceArn must be an Amazon Connect instance ARN, got "my-instance"',
    );
  });

  it('ConnectInstance refuses to create a wrap-up status without a name', () => {
    const { stack } = scope();

    expect(
      () =>
        new ConnectInstance(stack, 'A', { instanceArn: INSTANCE, wrapUpStatus: { id: 'abc', create: true } }),
    ).toThrow('ConnectInstance: props.wrapUpStatus.create needs props.wrapUpStatus.name');
  });

  it('Monitoring refuses two alarms with the same name', () => {
    const { stack, settings } = scope();
    const fn = new AcwFunction(stack, 'F', { settings, entry: handlerEntry('worker'), description: 'x' });

    expect(
      () =>
        new Monitoring(stack, 'M', {
          deadLetterQueues: [],
          functions: [
            { name: 'Same', fn },
            { name: 'Same', fn },
          ],
        }),
    ).toThrow('Monitoring: props name "Same" is used twice');
  });

  it('Monitoring refuses an alarmEmail that is not an email address', () => {
    const { stack } = scope();

    expect(
      () => new Monitoring(stack, 'M', { deadLetterQueues: [], functions: [], alarmEmail: 'ops' }),
    ).toThrow('Monitoring: props.alarmEmail must be an email address, got "ops"');
  });

  it.each([0, 1.5, 3601])('R15: Monitoring refuses nativeAcwSeconds %s, naming the prop', (seconds) => {
    const { stack } = scope();

    expect(
      () => new Monitoring(stack, 'M', { deadLetterQueues: [], functions: [], nativeAcwSeconds: seconds }),
    ).toThrow(`Monitoring: props.nativeAcwSeconds must be an integer 1-3600, got ${seconds}`);
  });

  it('Monitoring refuses a queue or function named like the time-to-hold alarm, whose construct id it would take', () => {
    const { stack, settings } = scope();
    const fn = new AcwFunction(stack, 'F', { settings, entry: handlerEntry('worker'), description: 'x' });

    expect(
      () => new Monitoring(stack, 'M', { deadLetterQueues: [], functions: [{ name: 'TimeToHold', fn }] }),
    ).toThrow('Monitoring: props name "TimeToHold" is the time-to-hold alarm\'s');
  });

  it('Monitoring refuses an empty serviceName', () => {
    const { stack } = scope();

    expect(
      () => new Monitoring(stack, 'M', { deadLetterQueues: [], functions: [], serviceName: ' ' }),
    ).toThrow('Monitoring: props.serviceName must not be empty');
  });
});
