import { ConnectClient, ListQueuesCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectQueueCatalog } from '../../lambda/adapters/connect-queue-catalog';

const INSTANCE = 'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012';
const connect = mockClient(ConnectClient);

beforeEach(() => connect.reset());

describe('ConnectQueueCatalog (issue 13: the queues whose sessions are read)', () => {
  it('lists every STANDARD queue of the instance, page by page', async () => {
    connect
      .on(ListQueuesCommand)
      .resolvesOnce({ QueueSummaryList: [{ Id: 'q-1', Name: 'Billing' }], NextToken: 'page-2' })
      .resolvesOnce({ QueueSummaryList: [{ Id: 'q-2', Name: 'Sales' }, { Name: 'no id' }] });
    const catalog = new ConnectQueueCatalog({
      client: new ConnectClient({ region: 'us-east-1' }),
      instanceArn: INSTANCE,
    });

    expect(await catalog.queueIds()).toEqual(['q-1', 'q-2']);
    expect(connect.commandCalls(ListQueuesCommand).map((call) => call.args[0].input)).toEqual([
      {
        InstanceId: '12345678-1234-1234-1234-123456789012',
        QueueTypes: ['STANDARD'],
        MaxResults: 1000,
        NextToken: undefined,
      },
      {
        InstanceId: '12345678-1234-1234-1234-123456789012',
        QueueTypes: ['STANDARD'],
        MaxResults: 1000,
        NextToken: 'page-2',
      },
    ]);
  });

  it('keeps the listing for its TTL, lists again after it, and does not keep a failed listing', async () => {
    let now = 0;
    connect
      .on(ListQueuesCommand)
      .resolvesOnce({ QueueSummaryList: [{ Id: 'q-1' }] })
      .rejectsOnce(new Error('ThrottlingException'))
      .resolves({ QueueSummaryList: [{ Id: 'q-3' }] });
    const catalog = new ConnectQueueCatalog({
      client: new ConnectClient({ region: 'us-east-1' }),
      instanceArn: INSTANCE,
      ttlMs: 1_000,
      now: () => now,
    });

    expect(await catalog.queueIds()).toEqual(['q-1']);
    now = 999;
    expect(await catalog.queueIds()).toEqual(['q-1']);
    now = 1_000;
    await expect(catalog.queueIds()).rejects.toThrow('ThrottlingException');
    expect(await catalog.queueIds()).toEqual(['q-3']);
    expect(connect.commandCalls(ListQueuesCommand)).toHaveLength(3);
  });
});
