/**
 * ContactRecords on Amazon Connect: the wrap-up record as contact attributes
 * (UpdateContactAttributes), so that it reaches contact records and Connect's own reports (R17).
 */
import { type ConnectClient, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type { ContactRecords } from '../core/ports';

export class ConnectContactRecords implements ContactRecords {
  constructor(private readonly client: ConnectClient) {}

  async write(instanceArn: string, contactId: string, attributes: Record<string, string>): Promise<void> {
    await this.client.send(
      new UpdateContactAttributesCommand({
        InstanceId: lastArnSegment(instanceArn),
        InitialContactId: contactId,
        Attributes: attributes,
      }),
    );
  }
}
