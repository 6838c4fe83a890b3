/**
 * R16: refused records kept in an SQS queue (the source's dead-letter queue), the record as the
 * body and what is wrong with it as message attributes, so an operator reads both with
 * `aws sqs receive-message --message-attribute-names All` and redrives the record after a fix.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSink, DeadLetterSource } from '../core/dead-letter-port';

/** The message attributes a kept record carries. */
export const DEAD_LETTER_ATTRIBUTES = {
  /** The function that refused it (`contact-events`, `timer-due`, ...). */
  source: 'acw-source',
  /** What is wrong with it, at most `MAX_ERROR_LENGTH` characters. */
  error: 'acw-error',
  /** `base64` when the record had characters SQS does not accept, and the body is its UTF-8 in base64. */
  encoding: 'acw-body-encoding',
  /** `true` when the record was longer than `MAX_KEPT_RECORD_BYTES` and only its beginning is kept. */
  truncated: 'acw-body-truncated',
} as const;

/** Longest error kept: a message attribute needs no more to name the field. */
export const MAX_ERROR_LENGTH = 1_000;

/**
 * Most of a record kept, in bytes: SQS's smallest message size limit (256 KiB) less room for the
 * attributes, so a record that came from any queue or stream can always be kept.
 */
export const MAX_KEPT_RECORD_BYTES = 250_000;

export interface SqsDeadLetterSinkProps {
  readonly client: SQSClient;
  /** The queue refused records are sent to. */
  readonly queueUrl: string;
  /** The queue of the records refused by a given source, when not `queueUrl` (the worker's timers). */
  readonly queueUrlBySource?: Readonly<Partial<Record<DeadLetterSource, string>>> | undefined;
}

export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(private readonly props: SqsDeadLetterSinkProps) {}

  async keep(letter: DeadLetter): Promise<void> {
    const text = letter.body === '' ? '(empty record)' : letter.body;
    const encode = !isSqsText(text);
    const encoded = encode ? Buffer.from(text, 'utf8').toString('base64') : text;
    const truncated = Buffer.byteLength(encoded, 'utf8') > MAX_KEPT_RECORD_BYTES;
    const body = truncated ? cutToBytes(encoded, MAX_KEPT_RECORD_BYTES) : encoded;
    await this.props.client.send(
      new SendMessageCommand({
        QueueUrl: this.props.queueUrlBySource?.[letter.source] ?? this.props.queueUrl,
        MessageBody: body,
        MessageAttributes: {
          [DEAD_LETTER_ATTRIBUTES.source]: { DataType: 'String', StringValue: letter.source },
          [DEAD_LETTER_ATTRIBUTES.error]: { DataType: 'String', StringValue: safeError(letter.error) },
          ...(encode
            ? { [DEAD_LETTER_ATTRIBUTES.encoding]: { DataType: 'String', StringValue: 'base64' } }
            : {}),
          ...(truncated
            ? { [DEAD_LETTER_ATTRIBUTES.truncated]: { DataType: 'String', StringValue: 'true' } }
            : {}),
        },
      }),
    );
  }
}

/**
 * The characters SQS accepts in a body or attribute: #x9 #xA #xD, #x20-#xD7FF, #xE000-#xFFFD,
 * #x10000-#x10FFFF (a lone surrogate is not a character).
 */
const NOT_SQS_TEXT = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_SQS_TEXT_ALL = new RegExp(NOT_SQS_TEXT.source, 'gu');

function isSqsText(text: string): boolean {
  return !NOT_SQS_TEXT.test(text);
}

/** The error as an attribute value: SQS characters only, at most MAX_ERROR_LENGTH, never empty. */
function safeError(error: string): string {
  const clean = error.replace(NOT_SQS_TEXT_ALL, '\uFFFD');
  const chars = Array.from(clean === '' ? '(no error text)' : clean);
  return chars.length <= MAX_ERROR_LENGTH
    ? chars.join('')
    : `${chars.slice(0, MAX_ERROR_LENGTH - 1).join('')}…`;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, never splitting a character. */
function cutToBytes(text: string, bytes: number): string {
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (used + size > bytes) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}
