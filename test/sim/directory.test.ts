/**
 * R20: the simulated Connect names its queues and users as Connect does (ListQueues, SearchUsers,
 * DescribeUser, paged and validated), so the directory adapter works on it unchanged.
 */
import {
  DescribeUserCommand,
  InvalidParameterException,
  ListQueuesCommand,
  ListUserHierarchyGroupsCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
} from '@aws-sdk/client-connect';
import { describe, expect, it } from 'vitest';
import { ConnectCatalogSource } from '../../lambda/adapters/connect-catalog';
import { ConnectDirectory } from '../../lambda/adapters/connect-directory';
import { ConnectGate } from '../../lambda/core/quota';
import { VirtualClock } from '../../sim/clock';
import { SimConnect, type SimUser } from '../../sim/connect';
import { NO_LATENCY } from '../../sim/latency';

const T0 = Date.parse('2026-03-02T09:00:05Z');
const INSTANCE_ID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const INSTANCE = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;

function connect(users?: readonly SimUser[]) {
  const sim = new SimConnect({
    clock: new VirtualClock(T0),
    instanceArns: [INSTANCE],
    agents: [
      { id: 'u-x', status: 'Available' },
      { id: 'u-y', status: 'Available' },
    ],
    wrapUpStatus: { name: 'Wrap Up' },
    routableStatus: { name: 'Available' },
    latency: NO_LATENCY,
    queues: Array.from({ length: 3 }, (_, i) => ({ id: `q-${i + 1}`, name: `Queue ${i + 1}` })),
    agentGroups: Array.from({ length: 1001 }, (_, i) => ({ id: `g-${i}`, name: `Group ${i}` })),
    ...(users === undefined ? {} : { users }),
  });
  return { sim, client: sim.client() };
}

describe('SimConnect directory calls (R20)', () => {
  it('R20: the directory adapter names the simulated queues and users, across pages', async () => {
    const users = Array.from({ length: 150 }, (_, i) => ({
      id: `user-${i}`,
      username: `login${i}`,
      ...(i === 149 ? { firstName: 'Zoe', lastName: 'Last' } : {}),
    }));
    const { sim, client } = connect(users);

    const names = await new ConnectDirectory({ client }).names(INSTANCE, {
      queueIds: ['q-3', 'q-9'],
      agentIds: ['user-0', 'user-149', 'nobody'],
    });

    expect(Object.fromEntries(names.queues)).toEqual({ 'q-3': 'Queue 3' });
    expect(Object.fromEntries(names.agents)).toEqual({ 'user-0': 'login0', 'user-149': 'Zoe Last' });
    expect(sim.calls).toMatchObject({ ListQueuesCommand: 1, SearchUsersCommand: 2, DescribeUserCommand: 1 });
  });

  it('R20: without users given, the scenario agents are the users, named agent-N', async () => {
    const { client } = connect();

    const names = await new ConnectDirectory({ client }).names(INSTANCE, {
      queueIds: [],
      agentIds: ['u-y'],
    });

    expect(names.agents.get('u-y')).toBe('agent-2');
  });

  it('R20: a search by login finds that user only; other criteria, bad pages and unknown users are refused as Connect does', async () => {
    const { client } = connect();

    const found = await client.send(
      new SearchUsersCommand({
        InstanceId: INSTANCE_ID,
        SearchCriteria: {
          StringCondition: { FieldName: 'Username', Value: 'AGENT-1', ComparisonType: 'EXACT' },
        },
      }),
    );
    expect(found.Users?.map((user) => user.Id)).toEqual(['u-x']);
    await expect(
      client.send(
        new SearchUsersCommand({
          InstanceId: INSTANCE_ID,
          SearchCriteria: { StringCondition: { FieldName: 'name', Value: 'x', ComparisonType: 'CONTAINS' } },
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      client.send(new ListQueuesCommand({ InstanceId: INSTANCE_ID, MaxResults: 1001 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(
      client.send(new DescribeUserCommand({ InstanceId: INSTANCE_ID, UserId: 'nobody' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const agentQueues = await client.send(
      new ListQueuesCommand({ InstanceId: INSTANCE_ID, QueueTypes: ['AGENT'] }),
    );
    expect(agentQueues.QueueSummaryList).toEqual([]);
  });

  it('R3, R20: ListUserHierarchyGroups names every group in pages of up to 1000, refusing bigger pages as Connect does', async () => {
    const { client } = connect();

    const first = await client.send(
      new ListUserHierarchyGroupsCommand({ InstanceId: INSTANCE_ID, MaxResults: 1000 }),
    );
    const second = await client.send(
      new ListUserHierarchyGroupsCommand({
        InstanceId: INSTANCE_ID,
        MaxResults: 1000,
        NextToken: first.NextToken,
      }),
    );

    expect(first.UserHierarchyGroupSummaryList).toHaveLength(1000);
    expect(first.UserHierarchyGroupSummaryList?.[0]).toEqual({
      Id: 'g-0',
      Arn: `${INSTANCE}/agent-group/g-0`,
      Name: 'Group 0',
    });
    expect(second.UserHierarchyGroupSummaryList?.map((group) => group.Name)).toEqual(['Group 1000']);
    expect(second.NextToken).toBeUndefined();
    await expect(
      client.send(new ListUserHierarchyGroupsCommand({ InstanceId: INSTANCE_ID, MaxResults: 1001 })),
    ).rejects.toBeInstanceOf(InvalidParameterException);
  });

  it('R20: the catalog source lists the simulated queues, groups and statuses through the quota gate', async () => {
    const { sim, client } = connect();
    const clock = new VirtualClock(T0);
    const gate = new ConnectGate({ quota: { requestsPerSecond: 2, burst: 5 }, clock, random: () => 0 });

    const listed = await new ConnectCatalogSource({ client, gate }).list(INSTANCE);

    expect(listed.queues.map((q) => q.name)).toEqual(['Queue 1', 'Queue 2', 'Queue 3']);
    expect(listed.agentGroups).toHaveLength(1001);
    expect(listed.statuses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'Available', type: 'ROUTABLE' }),
        expect.objectContaining({ name: 'Wrap Up', type: 'CUSTOM' }),
        expect.objectContaining({ name: 'Lunch', type: 'CUSTOM' }),
        expect.objectContaining({ name: 'Offline', type: 'OFFLINE' }),
      ]),
    );
    expect(sim.calls).toMatchObject({
      ListQueuesCommand: 1,
      ListUserHierarchyGroupsCommand: 2,
      ListAgentStatusesCommand: 1,
    });
  });
});
