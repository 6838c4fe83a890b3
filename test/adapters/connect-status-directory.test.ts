/**
 * R19: the statuses an agent may choose, from SearchAgentStatuses (enabled only, the wrap-up status
 * left out), cached per instance; and PutUserStatus with a status the agent chose, by name.
 */
import {
  type AgentStatus,
  type AgentStatusState,
  type AgentStatusType,
  ConnectClient,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
  ResourceNotFoundException,
  SearchAgentStatusesCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectAgentStatus } from '../../lambda/adapters/connect-agent-status';
import { ConnectStatusDirectory, STATUS_CACHE_TTL_MS } from '../../lambda/adapters/connect-status-directory';
import { StatusUnavailable } from '../../lambda/core/ports';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;
const AGENT = '87654321-4321-4321-4321-210987654321';
const ENABLED_ONLY = { StringCondition: { FieldName: 'state', Value: 'ENABLED', ComparisonType: 'EXACT' } };

function status(
  name: string,
  type: AgentStatusType,
  order: number,
  state: AgentStatusState = 'ENABLED',
): AgentStatus {
  return { AgentStatusId: `id-${name}`, Name: name, Type: type, State: state, DisplayOrder: order };
}

const FIRST_PAGE = {
  AgentStatuses: [status('Lunch', 'CUSTOM', 3), status('Available', 'ROUTABLE', 1)],
  NextToken: 'page-2',
};

beforeEach(() => {
  connect.reset();
  connect
    .on(SearchAgentStatusesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
    .resolves(FIRST_PAGE)
    .on(SearchAgentStatusesCommand, { InstanceId: INSTANCE_ID, NextToken: 'page-2' })
    .resolves({
      AgentStatuses: [
        status('Wrap Up', 'CUSTOM', 2),
        // Connect answered the search; a disabled status is still left out should one come back.
        status('Meeting', 'CUSTOM', 4, 'DISABLED'),
        status('Offline', 'OFFLINE', 5),
      ],
    });
});

function directory(
  now: () => number = () => 0,
  wrapUpStatus: { name?: string; id?: string } = { name: 'Wrap Up' },
) {
  return new ConnectStatusDirectory({
    client: new ConnectClient({ region: 'us-east-1' }),
    wrapUpStatus,
    now,
  });
}

describe('ConnectStatusDirectory', () => {
  it('R19: searches the enabled statuses across pages, in display order, without the wrap-up status', async () => {
    const list = await directory().choosable(INSTANCE_ARN);

    expect(list).toEqual([
      { name: 'Available', type: 'ROUTABLE' },
      { name: 'Lunch', type: 'CUSTOM' },
      { name: 'Offline', type: 'OFFLINE' },
    ]);
    const calls = connect.commandCalls(SearchAgentStatusesCommand);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.args[0].input).toMatchObject({
        InstanceId: INSTANCE_ID,
        MaxResults: 100,
        SearchCriteria: ENABLED_ONLY,
      });
    }
    // One search, never a DescribeAgentStatus per status, nor a ListAgentStatuses.
    expect(connect.calls()).toHaveLength(2);
  });

  it('R19: a wrap-up status configured by id is left out by id', async () => {
    const list = await directory(() => 0, { id: 'id-Lunch' }).choosable(INSTANCE_ARN);

    expect(list.map((entry) => entry.name)).toEqual(['Available', 'Wrap Up', 'Offline']);
  });

  it('R19: the list is cached per instance until the TTL, then searched again', async () => {
    let now = 1_000;
    const statuses = directory(() => now);

    await statuses.choosable(INSTANCE_ARN);
    now += STATUS_CACHE_TTL_MS - 1;
    await statuses.choosable(INSTANCE_ARN);
    expect(connect.commandCalls(SearchAgentStatusesCommand)).toHaveLength(2);

    now += 1;
    await statuses.choosable(INSTANCE_ARN);
    expect(connect.commandCalls(SearchAgentStatusesCommand)).toHaveLength(4);
  });

  it('R19: a failed search is not cached: the next request searches again', async () => {
    const statuses = directory();
    connect
      .on(SearchAgentStatusesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .resolves(FIRST_PAGE);

    await expect(statuses.choosable(INSTANCE_ARN)).rejects.toThrow(/Rate exceeded/);
    await expect(statuses.choosable(INSTANCE_ARN)).resolves.toHaveLength(3);
  });
});

describe('ConnectAgentStatus with a status the agent chose (R19)', () => {
  function adapter() {
    return new ConnectAgentStatus({
      client: new ConnectClient({ region: 'us-east-1' }),
      wrapUpStatus: { name: 'Wrap Up' },
      routableStatus: { name: 'Available' },
    });
  }

  beforeEach(() => {
    connect
      .on(ListAgentStatusesCommand, { InstanceId: INSTANCE_ID })
      .resolves({
        AgentStatusSummaryList: [
          { Id: 'status-available', Name: 'Available' },
          { Id: 'status-lunch', Name: 'Lunch' },
        ],
      })
      .on(PutUserStatusCommand)
      .resolves({});
  });

  it('R19: puts the agent in the chosen status by its id, resolved from its name', async () => {
    await adapter().set(INSTANCE_ARN, AGENT, { name: 'Lunch' });

    expect(connect.commandCalls(PutUserStatusCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceId: INSTANCE_ID, UserId: AGENT, AgentStatusId: 'status-lunch' },
    ]);
  });

  it('R19: a name the cached list lacks is looked up once more (a status created since)', async () => {
    const statuses = adapter();
    await statuses.set(INSTANCE_ARN, AGENT, 'ROUTABLE');
    connect.on(ListAgentStatusesCommand, { InstanceId: INSTANCE_ID }).resolves({
      AgentStatusSummaryList: [{ Id: 'status-training', Name: 'Training' }],
    });

    await statuses.set(INSTANCE_ARN, AGENT, { name: 'Training' });

    expect(connect.commandCalls(ListAgentStatusesCommand)).toHaveLength(2);
    expect(connect.commandCalls(PutUserStatusCommand).at(-1)?.args[0].input.AgentStatusId).toBe(
      'status-training',
    );
  });

  it('R19: a name the instance does not have is StatusUnavailable, and nothing is set', async () => {
    const attempt = adapter().set(INSTANCE_ARN, AGENT, { name: 'Gardening' });

    await expect(attempt).rejects.toBeInstanceOf(StatusUnavailable);
    await expect(attempt).rejects.toThrow(/"Gardening"/);
    expect(connect.commandCalls(PutUserStatusCommand)).toHaveLength(0);
  });

  it('R19: Connect refusing the chosen status (deleted since) is StatusUnavailable; a throttle is not', async () => {
    connect
      .on(PutUserStatusCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', $metadata: { httpStatusCode: 404 } }))
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));
    const statuses = adapter();

    await expect(statuses.set(INSTANCE_ARN, AGENT, { name: 'Lunch' })).rejects.toBeInstanceOf(
      StatusUnavailable,
    );
    await expect(statuses.set(INSTANCE_ARN, AGENT, { name: 'Lunch' })).rejects.toBeInstanceOf(
      ThrottlingException,
    );
  });
});
