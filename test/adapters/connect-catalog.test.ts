/**
 * R20: the catalog listed from Connect: ListQueues (STANDARD), ListUserHierarchyGroups and
 * ListAgentStatuses, paged, every page a call through the quota gate on its own API's budget (R15).
 */
import {
  ConnectClient,
  ListAgentStatusesCommand,
  ListQueuesCommand,
  ListUserHierarchyGroupsCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_PAGE_SIZE, ConnectCatalogSource } from '../../lambda/adapters/connect-catalog';
import { ConnectGate } from '../../lambda/core/quota';
import { FakeClock } from '../support/fakes';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;

let clock: FakeClock;
let gate: ConnectGate;

beforeEach(() => {
  connect.reset();
  connect
    .on(ListQueuesCommand, { NextToken: undefined })
    .resolves({
      QueueSummaryList: [
        { Id: 'q-billing', Name: 'Billing', QueueType: 'STANDARD' },
        { Id: 'q-nameless', QueueType: 'STANDARD' },
      ],
      NextToken: 'q2',
    })
    .on(ListQueuesCommand, { NextToken: 'q2' })
    .resolves({ QueueSummaryList: [{ Id: 'q-sales', Name: 'Sales', QueueType: 'STANDARD' }] })
    .on(ListUserHierarchyGroupsCommand, { NextToken: undefined })
    .resolves({ UserHierarchyGroupSummaryList: [{ Id: 'g-floor', Name: 'Floor' }], NextToken: 'g2' })
    .on(ListUserHierarchyGroupsCommand, { NextToken: 'g2' })
    .resolves({ UserHierarchyGroupSummaryList: [{ Id: 'g-trainees', Name: 'Trainees' }] })
    .on(ListAgentStatusesCommand)
    .resolves({
      AgentStatusSummaryList: [
        { Id: 's-available', Name: 'Available', Type: 'ROUTABLE' },
        { Id: 's-lunch', Name: 'Lunch', Type: 'CUSTOM' },
        { Id: 's-offline', Name: 'Offline', Type: 'OFFLINE' },
        { Id: 's-odd', Name: 'Odd', Type: 'SOMETHING_NEW' as 'CUSTOM' },
      ],
    });
  clock = new FakeClock('2026-03-02T09:00:00Z');
  gate = new ConnectGate({
    quota: { requestsPerSecond: 2, burst: 5 },
    clock,
    random: () => 0,
  });
});

function source() {
  return new ConnectCatalogSource({ client: new ConnectClient({ region: 'us-east-1' }), gate });
}

describe('ConnectCatalogSource', () => {
  it('R20: lists standard queues, every agent group and every status type across pages, in these request shapes', async () => {
    const listed = await source().list(INSTANCE_ARN);

    expect(listed).toEqual({
      queues: [
        { id: 'q-billing', name: 'Billing' },
        { id: 'q-sales', name: 'Sales' },
      ],
      agentGroups: [
        { id: 'g-floor', name: 'Floor' },
        { id: 'g-trainees', name: 'Trainees' },
      ],
      statuses: [
        { id: 's-available', name: 'Available', type: 'ROUTABLE' },
        { id: 's-lunch', name: 'Lunch', type: 'CUSTOM' },
        { id: 's-offline', name: 'Offline', type: 'OFFLINE' },
      ],
    });
    expect(connect.commandCalls(ListQueuesCommand).map((call) => call.args[0].input)).toEqual([
      {
        InstanceId: INSTANCE_ID,
        QueueTypes: ['STANDARD'],
        MaxResults: CATALOG_PAGE_SIZE,
        NextToken: undefined,
      },
      { InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'], MaxResults: CATALOG_PAGE_SIZE, NextToken: 'q2' },
    ]);
    expect(connect.commandCalls(ListUserHierarchyGroupsCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceId: INSTANCE_ID, MaxResults: CATALOG_PAGE_SIZE, NextToken: undefined },
      { InstanceId: INSTANCE_ID, MaxResults: CATALOG_PAGE_SIZE, NextToken: 'g2' },
    ]);
    // Every type, enabled or not: an id kept somewhere may name a status disabled since.
    expect(connect.commandCalls(ListAgentStatusesCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceId: INSTANCE_ID, MaxResults: CATALOG_PAGE_SIZE, NextToken: undefined },
    ]);
    expect(CATALOG_PAGE_SIZE).toBe(1000);
  });

  it("R15, R20: every page spends a token of its own API's budget", async () => {
    await source().list(INSTANCE_ARN);

    // Two pages of ListQueues took two of its five tokens, three are left; a single page of
    // ListAgentStatuses left it four.
    const now = clock.now().getTime();
    const queues = gate.budget('ListQueues');
    for (let i = 0; i < 3; i++) expect(queues.take(queues.enqueue(i, now), now)).toBe(0);
    expect(queues.take(queues.enqueue(3, now), now)).toBeGreaterThan(0);
    const statuses = gate.budget('ListAgentStatuses');
    for (let i = 0; i < 4; i++) expect(statuses.take(statuses.enqueue(10 + i, now), now)).toBe(0);
    expect(statuses.take(statuses.enqueue(14, now), now)).toBeGreaterThan(0);
  });

  it('R15, R20: a throttled listing is asked again through the gate and slows only its own API', async () => {
    const refused = () =>
      new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
    connect
      .on(ListUserHierarchyGroupsCommand, { NextToken: undefined })
      .rejectsOnce(refused())
      .rejectsOnce(refused())
      .resolves({ UserHierarchyGroupSummaryList: [{ Id: 'g-floor', Name: 'Floor' }] });

    const listed = await source().list(INSTANCE_ARN);

    expect(listed.agentGroups).toEqual([{ id: 'g-floor', name: 'Floor' }]);
    // Two throttles in a row: the second slowed the pace of that API.
    expect(connect.commandCalls(ListUserHierarchyGroupsCommand)).toHaveLength(3);
    expect(gate.budget('ListUserHierarchyGroups').pace).toBeLessThan(2);
    expect(gate.budget('ListQueues').pace).toBe(2);
    expect(gate.budget('ListAgentStatuses').pace).toBe(2);
    expect(gate.budget('PutUserStatus').pace).toBe(2);
  });

  it('R20: a listing Connect keeps refusing fails the whole catalog (nothing half-listed is returned)', async () => {
    connect
      .on(ListAgentStatusesCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const stubborn = new ConnectCatalogSource({
      client: new ConnectClient({ region: 'us-east-1' }),
      gate: new ConnectGate({
        quota: { requestsPerSecond: 2, burst: 5 },
        clock,
        random: () => 0,
        maxAttempts: 3,
      }),
    });

    await expect(stubborn.list(INSTANCE_ARN)).rejects.toThrow(ThrottlingException);
    expect(connect.commandCalls(ListAgentStatusesCommand)).toHaveLength(3);
  });
});
