import { describe, expect, it } from 'vitest';
import { BadInput, parseContactEvent, parseTimerPayload } from '../../lambda/handlers/events';
import { fixture, rawDisconnect } from '../support/events';

describe('contact event parsing', () => {
  it('R1: reads the DISCONNECTED fixture as Connect sends it', () => {
    const event = parseContactEvent(fixture('contact-event-disconnected.json'));
    expect(event).toEqual({
      eventType: 'DISCONNECTED',
      contactId: '11111111-1111-1111-1111-111111111111',
      instanceArn: 'arn:aws:connect:us-west-2:111122223333:instance/12345678-1234-1234-1234-123456789012',
      channel: 'VOICE',
      initiationMethod: 'INBOUND',
      queueId: '12345678-1234-1234-1234-123456789012',
      agentId: '87654321-4321-4321-4321-210987654321',
      connectedToAgentAt: new Date('2021-08-04T17:29:09.000Z'),
      connectedToAgent: true,
      connectedToSystem: true,
      previousContactId: '11111111-2222-3333-4444-555555555555',
      initialContactId: '11111111-2222-3333-4444-555555555555',
      initiatedAt: new Date('2021-08-04T17:17:53.000Z'),
      disconnectedAt: new Date('2021-08-04T17:38:37.000Z'),
      eventTime: new Date('2021-08-04T17:43:48Z'),
      tags: {
        'aws:connect:instanceId': '12345678-1234-1234-1234-123456789012',
        'aws:connect:systemEndpoint': '+11234567890',
      },
    });
  });

  it('reads the COMPLETED fixture too (its extra agentInfo fields are allowed)', () => {
    expect(parseContactEvent(fixture('contact-event-completed.json')).eventType).toBe('COMPLETED');
  });

  it("accepts the documentation's channel spelling `Voice` as VOICE", () => {
    expect(parseContactEvent(rawDisconnect({ channel: 'Voice' })).channel).toBe('VOICE');
  });

  it('accepts the event as the JSON text SQS carries', () => {
    expect(parseContactEvent(JSON.stringify(rawDisconnect())).contactId).toBe(
      '11111111-1111-1111-1111-111111111111',
    );
  });

  it('R2: an outbound contact without queueInfo or agentInfo parses with both absent', () => {
    const event = parseContactEvent(rawDisconnect({ queueId: null, agentId: null }));
    expect(event.queueId).toBeUndefined();
    expect(event.agentId).toBeUndefined();
    expect(event.connectedToAgentAt).toBeUndefined();
  });

  it.each([
    ['not JSON', 'definitely not json', /Not an Amazon Connect contact event: \(root\)/],
    ['another source', { ...rawDisconnect(), source: 'aws.ec2' }, /source/],
    [
      'a missing contactId',
      { ...rawDisconnect(), detail: { ...(rawDisconnect().detail as object), contactId: undefined } },
      /detail\.contactId/,
    ],
    [
      'a bad disconnect timestamp',
      {
        ...rawDisconnect(),
        detail: { ...(rawDisconnect().detail as object), disconnectTimestamp: 'yesterday' },
      },
      /detail\.disconnectTimestamp must be an ISO-8601 timestamp/,
    ],
    [
      'an agent ARN that is not an ARN',
      {
        ...rawDisconnect(),
        detail: { ...(rawDisconnect().detail as object), agentInfo: { agentArn: 'bob' } },
      },
      /detail\.agentInfo\.agentArn/,
    ],
  ])('R16: refuses %s with an error naming the field', (_name, input, message) => {
    expect(() => parseContactEvent(input)).toThrow(BadInput);
    expect(() => parseContactEvent(input)).toThrow(message);
  });
});

describe('timer payload parsing', () => {
  it('reads the payload a schedule or the due queue carries, normalising the deadline', () => {
    expect(parseTimerPayload('{"contactId":"c","agentId":"a","deadline":"2026-03-02T09:01:30Z"}')).toEqual({
      contactId: 'c',
      agentId: 'a',
      deadline: '2026-03-02T09:01:30.000Z',
    });
  });

  it.each([
    [{ contactId: 'c', agentId: 'a' }, /deadline/],
    [{ contactId: 'c', agentId: 'a', deadline: 'soon' }, /deadline must be an ISO-8601 UTC timestamp/],
    [{ contactId: '', agentId: 'a', deadline: '2026-03-02T09:01:30Z' }, /contactId/],
    [{ contactId: 'c', agentId: 'a', deadline: '2026-03-02T09:01:30Z', extra: 1 }, /extra/],
  ])('R16: refuses %j naming the field', (input, message) => {
    expect(() => parseTimerPayload(input)).toThrow(message);
  });
});
