import { describe, expect, it } from 'vitest';
import { lacksTimeoutDisposition } from '../../lambda/core/config';
import {
  AGENT_QUEUE_ARN,
  CONNECT_ID,
  INSTANCE_ARN,
  INSTANCE_ARN_PATTERN,
  QUEUE_ARN,
  STANDARD_QUEUE_ARN_IN_EVENT,
} from '../../lambda/core/connect-arns';

const INSTANCE = 'arn:aws:connect:eu-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012';

describe('Connect names, each rule stated once', () => {
  it('the instance ARN rule accepts instance ARNs of every partition and refuses what lies inside one', () => {
    expect(INSTANCE_ARN.test(INSTANCE)).toBe(true);
    expect(INSTANCE_ARN.test(INSTANCE.replace('arn:aws:', 'arn:aws-us-gov:'))).toBe(true);
    expect(INSTANCE_ARN.test(`${INSTANCE}/queue/q-1`)).toBe(false);
    expect(INSTANCE_ARN.test(INSTANCE.replace(':connect:', ':kinesis:'))).toBe(false);
    expect(INSTANCE_ARN.test('my-instance')).toBe(false);
    // The CloudFormation parameter's AllowedPattern is the same rule, as a string.
    expect(INSTANCE_ARN.source).toBe(new RegExp(INSTANCE_ARN_PATTERN).source);
  });

  it('R3: a configured queue ARN gives its id; an agent queue is told apart', () => {
    expect(QUEUE_ARN.exec(`${INSTANCE}/queue/billing-1`)?.[1]).toBe('billing-1');
    expect(QUEUE_ARN.test(`${INSTANCE}/queue/agent/a-1`)).toBe(false);
    expect(AGENT_QUEUE_ARN.test(`${INSTANCE}/queue/agent/a-1`)).toBe(true);
    expect(AGENT_QUEUE_ARN.test(`${INSTANCE}/queue/billing-1`)).toBe(false);
  });

  it('R10: in an event, any standard queue ARN gives its id, an agent queue none', () => {
    expect(STANDARD_QUEUE_ARN_IN_EVENT.exec(`${INSTANCE}/queue/q-9`)?.[1]).toBe('q-9');
    expect(STANDARD_QUEUE_ARN_IN_EVENT.test(`${INSTANCE}/queue/agent/a-1`)).toBe(false);
  });

  it('a Connect id is 1-256 letters, digits or "-"', () => {
    expect(CONNECT_ID.test('a'.repeat(256))).toBe(true);
    expect(CONNECT_ID.test('a'.repeat(257))).toBe(false);
    expect(CONNECT_ID.test('')).toBe(false);
    expect(CONNECT_ID.test('abc/def')).toBe(false);
  });

  it.each([
    { requireDisposition: true, mode: 'timed', fallback: undefined, lacks: true },
    { requireDisposition: true, mode: 'forced', fallback: undefined, lacks: true },
    { requireDisposition: true, mode: 'untimed', fallback: undefined, lacks: false },
    { requireDisposition: true, mode: 'timed', fallback: 'INFO', lacks: false },
    { requireDisposition: false, mode: 'timed', fallback: undefined, lacks: false },
  ] as const)(
    'R7: requireDisposition $requireDisposition, mode $mode, fallback $fallback: lacks one is $lacks',
    (row) => {
      expect(
        lacksTimeoutDisposition({
          requireDisposition: row.requireDisposition,
          mode: row.mode,
          defaultDispositionOnTimeout: row.fallback,
        }),
      ).toBe(row.lacks);
    },
  );
});
