import {
  ConnectClient,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectAgentStatus } from '../../lambda/adapters/connect-agent-status';
import type { StatusRef } from '../../lambda/core/config';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;
const AGENT = '87654321-4321-4321-4321-210987654321';

function adapter(wrapUpStatus: StatusRef = { name: 'Wrap Up' }) {
  return new ConnectAgentStatus({
    client: new ConnectClient({ region: 'us-east-1' }),
    wrapUpStatus,
    routableStatus: { name: 'Available' },
  });
}

beforeEach(() => {
  connect.reset();
  connect
    .on(ListAgentStatusesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
    .resolves({
      AgentStatusSummaryList: [{ Id: 'status-available', Name: 'Available' }],
      NextToken: 'page-2',
    })
    .on(ListAgentStatusesCommand, { InstanceId: INSTANCE_ID, NextToken: 'page-2' })
    .resolves({ AgentStatusSummaryList: [{ Id: 'status-wrap', Name: 'Wrap Up' }] })
    .on(PutUserStatusCommand)
    .resolves({});
});

describe('ConnectAgentStatus', () => {
  it('R1: puts the agent in the wrap-up status by id, resolved from its name across pages', async () => {
    await adapter().set(INSTANCE_ARN, AGENT, 'WRAP_UP');
    expect(connect.commandCalls(PutUserStatusCommand)[0]?.args[0].input).toEqual({
      InstanceId: INSTANCE_ID,
      UserId: AGENT,
      AgentStatusId: 'status-wrap',
    });
  });

  it('R7: puts the agent back in the routable status', async () => {
    await adapter().set(INSTANCE_ARN, AGENT, 'ROUTABLE');
    expect(connect.commandCalls(PutUserStatusCommand)[0]?.args[0].input.AgentStatusId).toBe(
      'status-available',
    );
  });

  it('lists the statuses once per container: two Connect calls per wrap-up after the first', async () => {
    const statuses = adapter();
    await statuses.set(INSTANCE_ARN, AGENT, 'WRAP_UP');
    await statuses.set(INSTANCE_ARN, AGENT, 'ROUTABLE');
    await statuses.set(INSTANCE_ARN, 'agent-2', 'WRAP_UP');
    expect(connect.commandCalls(ListAgentStatusesCommand)).toHaveLength(2);
    expect(connect.commandCalls(PutUserStatusCommand)).toHaveLength(3);
  });

  it('uses a configured status id without listing', async () => {
    await adapter({ id: 'configured-id' }).set(INSTANCE_ARN, AGENT, 'WRAP_UP');
    expect(connect.commandCalls(ListAgentStatusesCommand)).toHaveLength(0);
    expect(connect.commandCalls(PutUserStatusCommand)[0]?.args[0].input.AgentStatusId).toBe('configured-id');
  });

  it('refuses a status name the instance does not have, naming it', async () => {
    await expect(adapter({ name: 'After Call' }).set(INSTANCE_ARN, AGENT, 'WRAP_UP')).rejects.toThrow(
      `Amazon Connect instance ${INSTANCE_ID} has no enabled agent status named "After Call"`,
    );
    expect(connect.commandCalls(PutUserStatusCommand)).toHaveLength(0);
  });

  it('R15: a failed listing is not cached; the next call lists again', async () => {
    connect
      .on(ListAgentStatusesCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }));
    const statuses = adapter();
    await expect(statuses.set(INSTANCE_ARN, AGENT, 'WRAP_UP')).rejects.toThrow('slow down');
    connect
      .on(ListAgentStatusesCommand)
      .resolves({ AgentStatusSummaryList: [{ Id: 'status-wrap', Name: 'Wrap Up' }] });
    await statuses.set(INSTANCE_ARN, AGENT, 'WRAP_UP');
    expect(connect.commandCalls(PutUserStatusCommand)[0]?.args[0].input.AgentStatusId).toBe('status-wrap');
  });
});
