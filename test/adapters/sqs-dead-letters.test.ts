import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_ATTRIBUTES,
  MAX_ERROR_LENGTH,
  MAX_KEPT_RECORD_BYTES,
  SqsDeadLetterSink,
} from '../../lambda/adapters/sqs-dead-letters';

const sqs = mockClient(SQSClient);
const queueUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/intake-dlq';
const sink = new SqsDeadLetterSink({ client: new SQSClient({ region: 'us-east-1' }), queueUrl });

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

function sent() {
  const calls = sqs.commandCalls(SendMessageCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]?.args[0].input;
  if (input === undefined) throw new Error('no SendMessage');
  return input;
}

describe('SqsDeadLetterSink (R16)', () => {
  it('R16: sends the record as it arrived to the queue, naming the source and the error in attributes', async () => {
    const body = '{"detail-type":"Amazon Connect Contact Event"}';

    await sink.keep({ source: 'contact-events', body, error: 'detail.contactId Required' });

    expect(sent()).toEqual({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: {
        [DEAD_LETTER_ATTRIBUTES.source]: { DataType: 'String', StringValue: 'contact-events' },
        [DEAD_LETTER_ATTRIBUTES.error]: { DataType: 'String', StringValue: 'detail.contactId Required' },
      },
    });
  });

  it("R16: the worker keeps a refused timer in the due queue's dead-letter queue, and a refused event in the intake's", async () => {
    const dueUrl = 'https://sqs.us-east-1.amazonaws.com/111122223333/due-dlq';
    const worker = new SqsDeadLetterSink({
      client: new SQSClient({ region: 'us-east-1' }),
      queueUrl,
      queueUrlBySource: { 'timer-due': dueUrl },
    });

    await worker.keep({ source: 'timer-due', body: '{}', error: 'deadline Required' });
    await worker.keep({ source: 'contact-events', body: '{}', error: 'detail Required' });

    expect(sqs.commandCalls(SendMessageCommand).map((call) => call.args[0].input.QueueUrl)).toEqual([
      dueUrl,
      queueUrl,
    ]);
  });

  it('R16: cuts a long error to a safe length, without splitting a character', async () => {
    const error = `${'😀'.repeat(MAX_ERROR_LENGTH)} and more`;

    await sink.keep({ source: 'timer-due', body: '{}', error });

    const kept = sent().MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.error]?.StringValue ?? '';
    expect(Array.from(kept)).toHaveLength(MAX_ERROR_LENGTH);
    expect(kept.endsWith('…')).toBe(true);
    expect(kept).not.toMatch(/[\ud800-\udfff]/u); // no lone surrogate
  });

  it('R16: replaces characters SQS refuses in the error, and never sends an empty one', async () => {
    await sink.keep({ source: 'timer-due', body: '{}', error: 'bad \u0000 key \ud800' });
    expect(sent().MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.error]?.StringValue).toBe(
      'bad \ufffd key \ufffd',
    );

    sqs.resetHistory();
    await sink.keep({ source: 'timer-due', body: '{}', error: '' });
    expect(sent().MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.error]?.StringValue).toBe('(no error text)');
  });

  it('R16: keeps a record with characters SQS refuses as base64, and says so', async () => {
    const body = 'agent\u0000event';

    await sink.keep({ source: 'agent-events', body, error: '(root) must be JSON' });

    const input = sent();
    expect(Buffer.from(input.MessageBody ?? '', 'base64').toString('utf8')).toBe(body);
    expect(input.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.encoding]).toEqual({
      DataType: 'String',
      StringValue: 'base64',
    });
  });

  it('R16: keeps the beginning of a record too large for SQS, and says so', async () => {
    const body = 'é'.repeat(MAX_KEPT_RECORD_BYTES);

    await sink.keep({ source: 'contact-events', body, error: '(root) too large' });

    const input = sent();
    expect(Buffer.byteLength(input.MessageBody ?? '', 'utf8')).toBe(MAX_KEPT_RECORD_BYTES);
    expect(body.startsWith(input.MessageBody ?? 'x')).toBe(true);
    expect(input.MessageAttributes?.[DEAD_LETTER_ATTRIBUTES.truncated]).toEqual({
      DataType: 'String',
      StringValue: 'true',
    });
  });

  it('R16: a failed send is the caller’s to see (the record is then retried, never lost)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));

    await expect(sink.keep({ source: 'timer-fired', body: '{}', error: 'x' })).rejects.toThrow(
      'AccessDenied',
    );
  });
});
