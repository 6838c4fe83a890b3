/**
 * Each function's timeout as the stack deploys it, shared with the bench (no CDK import): the
 * simulator runs an invocation to its end however long it takes, so the bench checks that none ran
 * longer than Lambda would have let it (bench/capacity.ts).
 */
import type { FunctionName } from '../lambda/app/compose';

/** Seconds, by function. The report roll-ups (not simulated) have their own, 10 minutes. */
export const FUNCTION_TIMEOUT_SECONDS = {
  /** Holds wait for a PutUserStatus token at most 10 s before their record goes back to the queue. */
  worker: 30,
  'agent-events': 60,
  'timer-fired': 20,
  sweep: 50,
  /** Under API Gateway's 29 s integration timeout. */
  api: 15,
  /** Connect waits at most 8 s for a flow's Lambda. */
  'contact-flow': 7,
} as const satisfies Record<FunctionName, number>;
