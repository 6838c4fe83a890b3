/**
 * An SQS record as the Lambda event source mapping hands it to a handler: `body` as given when it
 * is a string (a malformed body stays malformed), else as JSON.
 */
import type { SQSRecord } from 'aws-lambda';

export function sqsRecord(id: string, body: unknown): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: 'events',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:111122223333:intake',
    awsRegion: 'us-west-2',
  };
}
