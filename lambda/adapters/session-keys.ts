/**
 * The session table's layout, shared by the DynamoDB adapter and the CDK construct (no imports,
 * so the CDK app does not load the SDK to read it).
 */

/** Names of the table's indexes and attributes, shared with the CDK construct. */
export const SESSION_TABLE = {
  partitionKey: 'contactId',
  sortKey: 'agentId',
  openByAgentIndex: 'openByAgent',
  openByAgentKey: 'openAgentId',
  openByAgentSort: 'deadline',
  byQueueDayIndex: 'byQueueDay',
  byQueueDayKey: 'queueDay',
  byQueueDaySort: 'startedAt',
  ttlAttribute: 'expiresAt',
} as const;

/** The queue key of sessions whose contact had no queue (e.g. agent-initiated outbound). */
export const NO_QUEUE = 'NO_QUEUE';
