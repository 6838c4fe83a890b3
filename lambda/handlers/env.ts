/**
 * The environment contract between the stack (lib/) and the deployed functions. No imports with
 * side effects: the CDK app reads these names without loading the SDK or the logger.
 */

/** The environment variables the stack sets (lib/ uses the same names). */
export const ENV = {
  config: 'ACW_CONFIG',
  instanceArn: 'CONNECT_INSTANCE_ARN',
  defaultDuration: 'DEFAULT_DURATION_SECONDS',
  wrapUpStatusId: 'WRAP_UP_STATUS_ID',
  tableName: 'TABLE_NAME',
  scheduleGroup: 'SCHEDULE_GROUP_NAME',
  scheduleTargetArn: 'SCHEDULE_TARGET_ARN',
  scheduleRoleArn: 'SCHEDULE_ROLE_ARN',
  scheduleDlqArn: 'SCHEDULE_DLQ_ARN',
  dueQueueUrl: 'DUE_QUEUE_URL',
  switchParameter: 'ACW_SWITCH_PARAMETER',
  /** R16: the queue a function keeps the records it refuses in (its source's dead-letter queue). */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** R16: the wrap-up worker's second one: the due queue's dead-letter queue, for the timers it refuses. */
  dueDeadLetterQueueUrl: 'DUE_DEAD_LETTER_QUEUE_URL',
} as const;

/** A required environment variable, or an error naming it (fail fast, never `|| ''`). */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`Environment variable ${name} is not set`);
  return value;
}
