import {
  ConnectClient,
  SearchUsersCommand,
  type SearchUsersCommandInput,
  ThrottlingException,
} from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConnectUserDirectory, UnknownConnectUser } from '../../lambda/adapters/connect-users';

const connect = mockClient(ConnectClient);
const INSTANCE_ID = '12345678-1234-1234-1234-123456789012';
const INSTANCE_ARN = `arn:aws:connect:us-east-1:111122223333:instance/${INSTANCE_ID}`;

function directory(now: () => number = () => 0) {
  return new ConnectUserDirectory({
    client: new ConnectClient({ region: 'us-east-1' }),
    instanceArn: INSTANCE_ARN,
    ttlMs: 1000,
    now,
  });
}

function searchFor(username: string): SearchUsersCommandInput {
  return {
    InstanceId: INSTANCE_ID,
    SearchCriteria: {
      StringCondition: { FieldName: 'Username', Value: username, ComparisonType: 'EXACT' as const },
    },
  };
}

beforeEach(() => {
  connect.reset();
  connect
    .on(SearchUsersCommand, { ...searchFor('jdoe'), NextToken: undefined })
    .resolves({ Users: [{ Id: 'user-other', Username: 'jdoe2' }], NextToken: 'p2' })
    .on(SearchUsersCommand, { ...searchFor('jdoe'), NextToken: 'p2' })
    .resolves({ Users: [{ Id: 'user-jdoe', Username: 'JDoe' }] })
    .on(SearchUsersCommand, searchFor('ghost'))
    .resolves({ Users: [] });
});

describe('ConnectUserDirectory', () => {
  it('resolves the Connect login to the user id with an exact SearchUsers on this instance, across pages', async () => {
    const users = directory();

    const id = await users.userIdOf('jdoe');

    expect(id).toBe('user-jdoe');
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(2);
  });

  it('keeps a resolved id for the TTL, then asks Connect again', async () => {
    let t = 0;
    const users = directory(() => t);

    await users.userIdOf('jdoe');
    t = 999;
    await users.userIdOf('JDOE');
    const callsWithinTtl = connect.commandCalls(SearchUsersCommand).length;
    t = 1000;
    await users.userIdOf('jdoe');

    expect(callsWithinTtl).toBe(2);
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(4);
  });

  it('refuses a login the instance does not have with UnknownConnectUser naming it, and does not cache the miss', async () => {
    const users = directory();

    await expect(users.userIdOf('ghost')).rejects.toThrow(UnknownConnectUser);
    await expect(users.userIdOf('ghost')).rejects.toThrow(/no user with the login "ghost"/);
    expect(connect.commandCalls(SearchUsersCommand)).toHaveLength(2);
  });

  it('does not cache a failed lookup: the next request tries Connect again', async () => {
    connect
      .on(SearchUsersCommand, searchFor('amy'))
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ Users: [{ Id: 'user-amy', Username: 'amy' }] });
    const users = directory();

    await expect(users.userIdOf('amy')).rejects.toThrow(/Rate exceeded/);
    await expect(users.userIdOf('amy')).resolves.toBe('user-amy');
  });
});
