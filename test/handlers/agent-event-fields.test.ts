import { describe, expect, it } from 'vitest';
import { BadInput, readAgentEvent } from '../../lambda/handlers/events';
import { fixture } from '../support/events';

type Json = Record<string, unknown>;

/** The agent event stream fixture with its current status replaced by `status`. */
function withStatus(status: unknown): Json {
  const record = fixture('agent-event-state-change.json') as Json;
  const snapshot = record.CurrentAgentSnapshot as Json;
  return { ...record, CurrentAgentSnapshot: { ...snapshot, AgentStatus: status } };
}

describe('agent event stream records as Connect writes them (R16)', () => {
  it('R16: reads the fixture with no warning, the status with its name, ARN and start', () => {
    const { event, warnings } = readAgentEvent(fixture('agent-event-state-change.json'));
    expect(warnings).toEqual([]);
    expect(event.eventType).toBe('STATE_CHANGE');
    expect(event.status).toEqual({
      name: 'Available',
      arn: 'arn:aws:connect:us-east-1:012345678901:instance/aaaaaaaa-bbbb-cccc-dddd-111111111111/agent-state/agent-state-ARN',
      since: new Date('2018-10-25T18:43:59.059Z'),
    });
  });

  it('R16: a status ARN in a shape it does not know is left out with a warning naming the field, and the status is kept by name', () => {
    const { event, warnings } = readAgentEvent(
      withStatus({ Name: 'Lunch', ARN: { id: 'x' }, StartTimestamp: '2026-03-02T09:00:00Z' }),
    );
    expect(event.status).toEqual({ name: 'Lunch', arn: undefined, since: new Date('2026-03-02T09:00:00Z') });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^CurrentAgentSnapshot\.AgentStatus\.ARN /);
  });

  it('R16: fields Connect may add later, anywhere in the record, are ignored, never refused', () => {
    const record = {
      ...withStatus({ Name: 'Break', StartTimestamp: '2026-03-02T09:00:00Z', Colour: 7 }),
      SomeFutureField: [1, { nested: true }],
    };
    const { event, warnings } = readAgentEvent(record);
    expect(event.status?.name).toBe('Break');
    expect(warnings).toEqual([]);
  });

  it('R16: a status without its name or start time is refused naming the field (R8 cannot tell what was chosen, or when)', () => {
    expect(() => readAgentEvent(withStatus({ StartTimestamp: '2026-03-02T09:00:00Z' }))).toThrow(
      /CurrentAgentSnapshot\.AgentStatus\.Name/,
    );
    expect(() => readAgentEvent(withStatus({ Name: 'Lunch', StartTimestamp: 'yesterday' }))).toThrow(
      BadInput,
    );
  });
});
