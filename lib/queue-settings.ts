/**
 * The queues' delivery settings the stack deploys by default, shared with the simulator (no CDK
 * import), so that a record the simulated worker fails comes back when the deployed one's would.
 */

import { FUNCTION_TIMEOUT_SECONDS } from './function-timeouts';

/** The wrap-up worker's timeout, in seconds (ContactEventIntake `functionTimeout`). */
export const WORKER_TIMEOUT_SECONDS = FUNCTION_TIMEOUT_SECONDS.worker;
/**
 * The intake queue's visibility timeout, in worker timeouts: two, not the six Lambda advises for
 * SQS event sources (so that a record is not received again while a retried invocation might still
 * hold it). A hold that could not get a `PutUserStatus` token within its wait (10 s) is given back
 * to the queue, and comes back after this: at six times 30 s, 180 s, past most wrap-ups' deadlines,
 * so the hold was dropped in effect (R15: "queued, never dropped"; the simulator's burst of 20
 * wrap-ups over a 1 request/s quota left agents never held). Two timeouts still outlast any
 * invocation, and a record received twice is harmless (R14). The due queue's is 60 s likewise.
 */
export const VISIBILITY_PER_TIMEOUT = 2;
/** The intake queue's visibility timeout, in seconds. */
export const INTAKE_VISIBILITY_SECONDS = VISIBILITY_PER_TIMEOUT * WORKER_TIMEOUT_SECONDS;
/** The due queue's visibility timeout (WrapUpTimers `dueQueueVisibilityTimeout`). */
export const DUE_VISIBILITY_SECONDS = 60;
/** Receives of a record before its queue's redrive policy moves it to the dead-letter queue. */
export const MAX_RECEIVE_COUNT = 5;
