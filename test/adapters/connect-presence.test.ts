/**
 * R8, R11: the agent's current status from Connect's GetCurrentUserData, used before a restore when
 * no agent event stream is configured.
 */
import { ConnectClient, GetCurrentUserDataCommand, type UserData } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectPresence } from '../../lambda/adapters/connect-presence';
import type { ConfiguredStatuses } from '../../lambda/core/presence';
import { FakeClock } from '../support/fakes';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;
const AGENT = '87654321-4321-4321-4321-210987654321';
const NOW = '2026-03-02T09:05:00.000Z';

function presence(statuses?: ConfiguredStatuses): ConnectPresence {
  return new ConnectPresence({
    client: new ConnectClient({ region: 'us-east-1' }),
    clock: new FakeClock(NOW),
    ...(statuses === undefined ? {} : { statuses }),
  });
}

/** One agent's entry in GetCurrentUserData's answer. */
function userData(name: string, options: { id?: string; agentId?: string; since?: string } = {}): UserData {
  return {
    User: { Id: options.agentId ?? AGENT, Arn: `${INSTANCE_ARN}/agent/${options.agentId ?? AGENT}` },
    Status: {
      StatusName: name,
      StatusArn: `${INSTANCE_ARN}/agent-state/${options.id ?? `status-${name.toLowerCase().replace(' ', '-')}`}`,
      StatusStartTimestamp: new Date(options.since ?? '2026-03-02T09:01:00.000Z'),
    },
  };
}

function listing(...entries: UserData[]): void {
  connect
    .on(GetCurrentUserDataCommand)
    .resolves({ UserDataList: entries, ApproximateTotalCount: entries.length });
}

beforeEach(() => {
  connect.reset();
});

describe('ConnectPresence (R8, R11: GetCurrentUserData)', () => {
  it('R8: asks Connect for this one agent, by instance id (the last segment of the instance ARN)', async () => {
    listing(userData('Wrap Up'));

    await presence().current(INSTANCE_ARN, AGENT);

    const calls = connect.commandCalls(GetCurrentUserDataCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ InstanceId: INSTANCE_ID, Filters: { Agents: [AGENT] } });
  });

  it('R8: an agent in the wrap-up status ("Wrap Up") is classified WRAP_UP', async () => {
    listing(userData('Wrap Up'));

    expect((await presence().current(INSTANCE_ARN, AGENT)).kind).toBe('WRAP_UP');
  });

  it('R8: an agent in a status of their own ("Lunch") is OTHER, since the status start time', async () => {
    listing(userData('Lunch', { id: 'status-lunch', since: '2026-03-02T09:02:03.456Z' }));

    expect(await presence().current(INSTANCE_ARN, AGENT)).toEqual({
      name: 'Lunch',
      arn: `${INSTANCE_ARN}/agent-state/status-lunch`,
      since: '2026-03-02T09:02:03.456Z',
      kind: 'OTHER',
    });
  });

  it('R8: an agent in the routable status ("Available") is ROUTABLE', async () => {
    listing(userData('Available'));

    expect((await presence().current(INSTANCE_ARN, AGENT)).kind).toBe('ROUTABLE');
  });

  it('R11: an agent Connect lists as "Offline" is OFFLINE', async () => {
    listing(userData('Offline'));

    expect((await presence().current(INSTANCE_ARN, AGENT)).kind).toBe('OFFLINE');
  });

  it('R11: an agent Connect does not list (logged out) is OFFLINE, as of now', async () => {
    listing();

    expect(await presence().current(INSTANCE_ARN, AGENT)).toEqual({
      name: 'Offline',
      since: NOW,
      kind: 'OFFLINE',
    });
  });

  it('R11: an answer with no list at all is OFFLINE too', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({});

    expect((await presence().current(INSTANCE_ARN, AGENT)).kind).toBe('OFFLINE');
  });

  it("R8: the agent's own entry is read, wherever it is in the list", async () => {
    listing(userData('Available', { agentId: 'someone-else' }), userData('Lunch'));

    expect((await presence().current(INSTANCE_ARN, AGENT)).name).toBe('Lunch');
  });

  it("R8: a wrap-up status configured by id matches on the StatusArn's last segment, whatever its name", async () => {
    const statuses: ConfiguredStatuses = { wrapUp: { id: 'wrap-id-1' }, routable: { name: 'Available' } };
    listing(userData('After Call Work', { id: 'wrap-id-1' }));

    expect((await presence(statuses).current(INSTANCE_ARN, AGENT)).kind).toBe('WRAP_UP');
  });

  it("R8: a status named like the wrap-up status but with another id is the agent's own (OTHER)", async () => {
    const statuses: ConfiguredStatuses = { wrapUp: { id: 'wrap-id-1' }, routable: { name: 'Available' } };
    listing(userData('Wrap Up', { id: 'another-id' }));

    expect((await presence(statuses).current(INSTANCE_ARN, AGENT)).kind).toBe('OTHER');
  });

  it('a Connect error is not swallowed (the gate and the queue retry it)', async () => {
    const failure = new Error('AccessDeniedException');
    connect.on(GetCurrentUserDataCommand).rejects(failure);

    await expect(presence().current(INSTANCE_ARN, AGENT)).rejects.toThrow('AccessDeniedException');
  });
});

describe('ConnectPresence.currentOfAgents (R8 without the stream: the sweep reads the agents in wrap-up)', () => {
  const agentIds = (count: number) =>
    Array.from({ length: count }, (_, index) => `agent-${String(index).padStart(3, '0')}`);

  it('R8: one GetCurrentUserData call per 100 agents, each asking for its own hundred, at most 100 a page', async () => {
    connect.on(GetCurrentUserDataCommand).callsFake((input: { Filters: { Agents: string[] } }) => ({
      UserDataList: input.Filters.Agents.map((agentId) => userData('Wrap Up', { agentId })),
    }));
    const ids = agentIds(250);

    const reports = await presence().currentOfAgents(INSTANCE_ARN, ids);

    const inputs = connect.commandCalls(GetCurrentUserDataCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.Filters?.Agents?.length)).toEqual([100, 100, 50]);
    expect(inputs.flatMap((input) => input.Filters?.Agents ?? [])).toEqual(ids);
    expect(inputs.every((input) => input.InstanceId === INSTANCE_ID && input.MaxResults === 100)).toBe(true);
    expect(reports.size).toBe(250);
    expect(reports.get('agent-249')).toMatchObject({ name: 'Wrap Up', kind: 'WRAP_UP' });
  });

  it('R8: asks for an agent once however many wrap-ups they hold, and follows NextToken', async () => {
    connect
      .on(GetCurrentUserDataCommand, { NextToken: undefined })
      .resolves({
        UserDataList: [userData('Lunch', { agentId: 'a', since: '2026-03-02T09:02:00.000Z' })],
        NextToken: 'page-2',
      })
      .on(GetCurrentUserDataCommand, { NextToken: 'page-2' })
      .resolves({ UserDataList: [userData('Available', { agentId: 'b' })] });

    const reports = await presence().currentOfAgents(INSTANCE_ARN, ['a', 'b', 'a']);

    const inputs = connect.commandCalls(GetCurrentUserDataCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs[0]?.Filters?.Agents).toEqual(['a', 'b']);
    expect(inputs[1]).toMatchObject({ Filters: { Agents: ['a', 'b'] }, NextToken: 'page-2' });
    expect(reports.get('a')).toEqual({
      name: 'Lunch',
      arn: `${INSTANCE_ARN}/agent-state/status-lunch`,
      since: '2026-03-02T09:02:00.000Z',
      kind: 'OTHER',
    });
    expect(reports.get('b')).toMatchObject({ name: 'Available', kind: 'ROUTABLE' });
  });

  it('R11: an agent Connect does not list (logged out) is Offline, as `current` reads them', async () => {
    listing(userData('Break', { agentId: 'listed' }));

    const reports = await presence().currentOfAgents(INSTANCE_ARN, ['listed', 'gone']);

    expect(reports.get('gone')).toEqual({ name: 'Offline', since: NOW, kind: 'OFFLINE' });
    expect(reports.get('listed')).toMatchObject({ name: 'Break', kind: 'OTHER' });
  });

  it('no agents, no call', async () => {
    listing();
    expect((await presence().currentOfAgents(INSTANCE_ARN, [])).size).toBe(0);
    expect(connect.commandCalls(GetCurrentUserDataCommand)).toHaveLength(0);
  });

  it('a NextToken that never ends is an error, not a loop', async () => {
    connect.on(GetCurrentUserDataCommand).resolves({ UserDataList: [], NextToken: 'again' });
    await expect(presence().currentOfAgents(INSTANCE_ARN, ['a'])).rejects.toThrow(/more than 10 pages/);
  });
});
