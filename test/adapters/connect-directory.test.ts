/**
 * R20: queues and agents are shown by name: ListQueues (STANDARD), SearchUsers and DescribeUser,
 * cached per instance, looked up again on a miss at most once per `missRefreshMs`.
 */
import {
  ConnectClient,
  DescribeUserCommand,
  ListQueuesCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  agentName,
  ConnectDirectory,
  DIRECTORY_CACHE_TTL_MS,
  DIRECTORY_MISS_REFRESH_MS,
} from '../../lambda/adapters/connect-directory';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;

beforeEach(() => {
  connect.reset();
  connect
    .on(ListQueuesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
    .resolves({
      QueueSummaryList: [{ Id: 'q-billing', Name: 'Billing', QueueType: 'STANDARD' }],
      NextToken: 'q2',
    })
    .on(ListQueuesCommand, { InstanceId: INSTANCE_ID, NextToken: 'q2' })
    .resolves({ QueueSummaryList: [{ Id: 'q-sales', Name: 'Sales', QueueType: 'STANDARD' }] })
    .on(SearchUsersCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
    .resolves({
      Users: [{ Id: 'u-ana', Username: 'alima', IdentityInfo: { FirstName: 'Ana', LastName: 'Lima' } }],
      NextToken: 'u2',
    })
    .on(SearchUsersCommand, { InstanceId: INSTANCE_ID, NextToken: 'u2' })
    .resolves({ Users: [{ Id: 'u-bot', Username: 'bot.login', IdentityInfo: {} }] })
    .on(DescribeUserCommand)
    .rejects(new ResourceNotFoundException({ message: 'no such user', $metadata: { httpStatusCode: 404 } }));
});

function directory(now: () => number = () => 0) {
  return new ConnectDirectory({ client: new ConnectClient({ region: 'us-east-1' }), now });
}

const BOTH = { queueIds: ['q-billing', 'q-sales'], agentIds: ['u-ana', 'u-bot'] };

describe('ConnectDirectory', () => {
  it('R20: names standard queues and agents across pages (FirstName LastName, else the login)', async () => {
    const names = await directory().names(INSTANCE_ARN, BOTH);

    expect(Object.fromEntries(names.queues)).toEqual({ 'q-billing': 'Billing', 'q-sales': 'Sales' });
    expect(Object.fromEntries(names.agents)).toEqual({ 'u-ana': 'Ana Lima', 'u-bot': 'bot.login' });
    const queueCalls = connect.commandCalls(ListQueuesCommand).map((call) => call.args[0].input);
    expect(queueCalls).toEqual([
      { InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'], MaxResults: 1000, NextToken: undefined },
      { InstanceId: INSTANCE_ID, QueueTypes: ['STANDARD'], MaxResults: 1000, NextToken: 'q2' },
    ]);
    const userCalls = connect.commandCalls(SearchUsersCommand).map((call) => call.args[0].input);
    expect(userCalls).toEqual([
      { InstanceId: INSTANCE_ID, MaxResults: 100, NextToken: undefined },
      { InstanceId: INSTANCE_ID, MaxResults: 100, NextToken: 'u2' },
    ]);
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(0);
  });

  it('R20: only the ids asked for are answered; nothing asked, nothing called', async () => {
    const names = await directory().names(INSTANCE_ARN, { queueIds: ['q-sales'], agentIds: [] });

    expect([...names.queues]).toEqual([['q-sales', 'Sales']]);
    expect(names.agents.size).toBe(0);
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(0);
  });

  it('R20: the listings are kept for the TTL, then read again', async () => {
    let now = 1_000;
    const names = directory(() => now);

    await names.names(INSTANCE_ARN, BOTH);
    now += DIRECTORY_CACHE_TTL_MS - 1;
    await names.names(INSTANCE_ARN, BOTH);
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(2);
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(2);

    now += 1;
    await names.names(INSTANCE_ARN, BOTH);
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(4);
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(4);
  });

  it('R20: a queue the cache lacks reads the listing again, at most once per miss interval', async () => {
    let now = 0;
    const names = directory(() => now);
    await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });
    connect.on(ListQueuesCommand, { InstanceId: INSTANCE_ID, NextToken: 'q2' }).resolves({
      QueueSummaryList: [
        { Id: 'q-sales', Name: 'Sales' },
        { Id: 'q-new', Name: 'Renewals' },
      ],
    });

    now = DIRECTORY_MISS_REFRESH_MS - 1;
    const early = await names.names(INSTANCE_ARN, { queueIds: ['q-new'], agentIds: [] });
    expect(early.queues.has('q-new')).toBe(false);
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(2);

    now = DIRECTORY_MISS_REFRESH_MS;
    const later = await names.names(INSTANCE_ARN, { queueIds: ['q-new'], agentIds: [] });
    expect(later.queues.get('q-new')).toBe('Renewals');
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(4);
  });

  it('R20: an agent the listing lacks is described once; an unknown user is not asked again within the miss interval', async () => {
    let now = 0;
    connect
      .on(DescribeUserCommand, { InstanceId: INSTANCE_ID, UserId: 'u-new' })
      .resolves({ User: { Id: 'u-new', Username: 'nsilva', IdentityInfo: { FirstName: 'Nuno' } } });
    const names = directory(() => now);

    const first = await names.names(INSTANCE_ARN, { queueIds: [], agentIds: ['u-new', 'u-gone'] });
    const again = await names.names(INSTANCE_ARN, { queueIds: [], agentIds: ['u-new', 'u-gone'] });

    expect(Object.fromEntries(first.agents)).toEqual({ 'u-new': 'Nuno' });
    expect(Object.fromEntries(again.agents)).toEqual({ 'u-new': 'Nuno' });
    expect(connect.commandCalls(DescribeUserCommand).map((call) => call.args[0].input)).toEqual([
      { InstanceId: INSTANCE_ID, UserId: 'u-new' },
      { InstanceId: INSTANCE_ID, UserId: 'u-gone' },
    ]);

    now = DIRECTORY_MISS_REFRESH_MS;
    await names.names(INSTANCE_ARN, { queueIds: [], agentIds: ['u-gone'] });
    expect(connect.commandCalls(DescribeUserCommand)).toHaveLength(3);
  });

  it('R20: a failed listing is not cached: the error reaches the caller and the next request lists again', async () => {
    connect
      .on(ListQueuesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }))
      .resolves({ QueueSummaryList: [{ Id: 'q-billing', Name: 'Billing' }] });
    const names = directory();

    await expect(names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] })).rejects.toThrow(
      /Rate exceeded/,
    );
    const retried = await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });
    expect(retried.queues.get('q-billing')).toBe('Billing');
  });

  it('R20: a refresh that fails keeps the older names for the miss interval, then tries again', async () => {
    let now = 0;
    const names = directory(() => now);
    await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });
    connect
      .on(ListQueuesCommand, { InstanceId: INSTANCE_ID, NextToken: undefined })
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } }));

    now = DIRECTORY_CACHE_TTL_MS;
    const stale = await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });
    now += DIRECTORY_MISS_REFRESH_MS - 1;
    await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });

    expect(stale.queues.get('q-billing')).toBe('Billing');
    // Two pages at first, one failed refresh, none while the older names are kept.
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(3);

    now += 1;
    await names.names(INSTANCE_ARN, { queueIds: ['q-billing'], agentIds: [] });
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(4);
  });

  it('R20: an agent is named by first and last name, either alone, else by login', () => {
    expect(agentName({ FirstName: ' Ana ', LastName: 'Lima' }, 'alima')).toBe('Ana Lima');
    expect(agentName({ LastName: 'Lima' }, 'alima')).toBe('Lima');
    expect(agentName({ FirstName: '', LastName: '' }, 'alima')).toBe('alima');
    expect(agentName(undefined, undefined)).toBeUndefined();
  });
});
