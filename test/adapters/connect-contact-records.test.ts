import { ConnectClient, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ConnectContactRecords } from '../../lambda/adapters/connect-contact-records';

describe('ConnectContactRecords (R17)', () => {
  it('R17: writes the wrap-up record as contact attributes of the contact', async () => {
    const connect = mockClient(ConnectClient);
    connect.on(UpdateContactAttributesCommand).resolves({});
    await new ConnectContactRecords(new ConnectClient({ region: 'us-east-1' })).write(
      'arn:aws:connect:us-east-1:111122223333:instance/12345678-1234-1234-1234-123456789012',
      '11111111-1111-1111-1111-111111111111',
      { acw_disposition: 'SOLD', acw_seconds: '40' },
    );
    expect(connect.commandCalls(UpdateContactAttributesCommand)[0]?.args[0].input).toEqual({
      InstanceId: '12345678-1234-1234-1234-123456789012',
      InitialContactId: '11111111-1111-1111-1111-111111111111',
      Attributes: { acw_disposition: 'SOLD', acw_seconds: '40' },
    });
  });
});
