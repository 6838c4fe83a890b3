/**
 * The `acw.agentEventStream` section (R8, R11): the instance's agent event stream, when it has one
 * (lib/agent-event-stream.ts consumes it). A deployment setting.
 */
import * as z from './zod';

/** A Kinesis data stream ARN (also checked by lib/agent-event-stream.ts for direct construct use). */
export const KINESIS_STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

/** R8, R11: the instance's agent event stream (an existing Kinesis data stream), when it has one. */
export const agentEventStreamSchema = z.strictObject({
  streamArn: z.string({ error: 'must be a Kinesis data stream ARN' }).check(
    z.regex(KINESIS_STREAM_ARN, {
      error: 'must be a Kinesis data stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)',
    }),
  ),
  kmsKeyArn: z.optional(
    z
      .string({ error: 'must be a KMS key ARN' })
      .check(z.regex(KMS_KEY_ARN, { error: 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)' })),
  ),
});
