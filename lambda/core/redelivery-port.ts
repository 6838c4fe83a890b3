/**
 * R15: a queued record that failed (a hold or a restore that could not get Connect's quota, a
 * write that kept failing) is tried again soon, with backoff and jitter, instead of after its
 * queue's visibility timeout (six times the function's timeout: minutes, by which time the agent
 * has been routable for long). The queue's redrive policy still ends it in the dead-letter queue
 * after `maxReceiveCount` receives.
 */
export interface Redelivery {
  /**
   * Makes a failed record visible again after a backoff that grows with `receiveCount` (how many
   * times it has been received, this time included).
   * @throws Error when the record's queue is not one this function reads, or SQS refuses.
   */
  backOff(record: FailedRecord): Promise<void>;
}

/** The failed record, as its SQS event gave it. */
export interface FailedRecord {
  /** The queue it came from (`eventSourceARN`). */
  readonly queueArn: string;
  readonly receiptHandle: string;
  readonly receiveCount: number;
}
