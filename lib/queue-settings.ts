/**
 * The queues' delivery settings the stack deploys by default, shared with the simulator (no CDK
 * import), so that a record the simulated worker fails comes back when the deployed one's would.
 */

/** The wrap-up worker's timeout, in seconds (ContactEventIntake `functionTimeout`). */
export const WORKER_TIMEOUT_SECONDS = 30;
/**
 * An SQS event source's visibility timeout, in function timeouts: Lambda's advice, so that a record
 * is not received again while a retried invocation still holds it.
 */
export const VISIBILITY_PER_TIMEOUT = 6;
/** The intake queue's visibility timeout, in seconds. */
export const INTAKE_VISIBILITY_SECONDS = VISIBILITY_PER_TIMEOUT * WORKER_TIMEOUT_SECONDS;
/** The due queue's visibility timeout (WrapUpTimers `dueQueueVisibilityTimeout`). */
export const DUE_VISIBILITY_SECONDS = 60;
/** Receives of a record before its queue's redrive policy moves it to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
