import { describe, expect, it } from 'vitest';
import { SqsDeadLetterSink } from '../../lambda/adapters/sqs-dead-letters';
import { appFromEnvironment, ENV, requireEnv } from '../../lambda/handlers/runtime';

const base = {
  [ENV.config]: JSON.stringify({
    policies: { default: { durationSeconds: 90 }, channels: { CHAT: { durationSeconds: 60 } } },
  }),
  [ENV.instanceArn]: 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
  [ENV.defaultDuration]: '120',
  [ENV.tableName]: 'sessions',
  [ENV.dueQueueUrl]: 'https://sqs.us-east-1.amazonaws.com/111122223333/due',
  AWS_REGION: 'us-east-1',
};

describe('deployed wiring', () => {
  it('the DefaultDurationSeconds parameter overrides the default policy and keeps the others', () => {
    const app = appFromEnvironment(base);
    expect(app.config.policies.default).toMatchObject({ durationSeconds: 120, mode: 'timed' });
    expect(app.config.policies.channels.get('CHAT')).toEqual({ durationSeconds: 60 });
    expect(app.config.instanceArn).toBe(base[ENV.instanceArn]);
  });

  it.each([ENV.config, ENV.instanceArn, ENV.tableName, ENV.dueQueueUrl, ENV.defaultDuration])(
    'fails fast naming a missing variable (%s)',
    (name) => {
      const env: Record<string, string | undefined> = { ...base, [name]: undefined };
      expect(() => appFromEnvironment(env)).toThrow(name);
    },
  );

  it('refuses a default duration outside the policy rule, naming the field', () => {
    expect(() => appFromEnvironment({ ...base, [ENV.defaultDuration]: '-5' })).toThrow(
      'acw.policies.default.durationSeconds must be an integer 0-86400, got -5',
    );
  });

  it('needs every Scheduler variable once the schedule group is given', () => {
    expect(() => appFromEnvironment({ ...base, [ENV.scheduleGroup]: 'group' })).toThrow(
      ENV.scheduleTargetArn,
    );
  });

  it('R16: keeps refused records in the queue DEAD_LETTER_QUEUE_URL names, and nowhere without it', () => {
    const url = 'https://sqs.us-east-1.amazonaws.com/111122223333/intake-dlq';

    expect(appFromEnvironment({ ...base, [ENV.deadLetterQueueUrl]: url }).deadLetters).toBeInstanceOf(
      SqsDeadLetterSink,
    );
    expect(appFromEnvironment(base).deadLetters).toBeUndefined();
  });

  it('requireEnv treats an empty value as missing', () => {
    expect(() => requireEnv('X', { X: '' })).toThrow('Environment variable X is not set');
    expect(requireEnv('X', { X: 'y' })).toBe('y');
  });
});
