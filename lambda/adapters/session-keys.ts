/**
 * The session table's layout, shared by the DynamoDB adapter and the CDK construct (no imports,
 * so the CDK app does not load the SDK to read it).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** Names of the table's indexes and attributes, shared with the CDK construct. */
export const SESSION_TABLE = {
  partitionKey: 'contactId',
  sortKey: 'agentId',
  openByAgentIndex: 'openByAgent',
  openByAgentKey: 'openAgentId',
  openByAgentSort: 'openUntil',
  byQueueDayIndex: 'byQueueDay',
  byQueueDayKey: 'queueDay',
  byQueueDaySort: 'startedAt',
  ttlAttribute: 'expiresAt',
  /**
   * Where a session's `contactRecord` (R17: is the wrap-up record on the Connect contact yet) is
   * stored: its name before the field was renamed, kept so that stored items still read.
   */
  contactRecordAttribute: 'attributes',
} as const;

/** The sort key of a contact flow's override item, beside the contact's sessions (no agent id starts with #). */
export const OVERRIDE_SORT_KEY = '#FLOW';

/** The sort key of an interruption record: `#INTERRUPT#` + the agent id, beside the interrupting contact's sessions. */
export const INTERRUPTION_SORT_PREFIX = '#INTERRUPT#';

/** The partition key of an agent's observed status: `#AGENT#` + the agent id (no contact id starts with #). */
export const AGENT_STATUS_PARTITION_PREFIX = '#AGENT#';
export const AGENT_STATUS_SORT_KEY = '#STATUS';

/** Whether an item is a session: every other item's sort key (and the agents' partition key) starts with `#`. */
export function isSessionItem(item: Record<string, unknown>): boolean {
  const partition = item[SESSION_TABLE.partitionKey];
  const sort = item[SESSION_TABLE.sortKey];
  return (
    typeof partition === 'string' &&
    !partition.startsWith('#') &&
    typeof sort === 'string' &&
    !sort.startsWith('#')
  );
}

/** `openUntil` of an untimed session: sorts after every deadline. */
export const UNTIMED = 'UNTIMED';

/** The queue key of sessions whose contact had no queue (e.g. agent-initiated outbound). */
export const NO_QUEUE = 'NO_QUEUE';

/**
 * The table as CreateTable declares it: what the tests and the simulator create in dynalite, and
 * what lib/session-table.ts declares for CloudFormation (its test checks they agree).
 */
export function sessionTableDefinition(tableName: string): CreateTableCommandInput {
  const t = SESSION_TABLE;
  const index = (IndexName: string, hash: string, range: string) => ({
    IndexName,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  const keys = [
    t.partitionKey,
    t.sortKey,
    t.openByAgentKey,
    t.openByAgentSort,
    t.byQueueDayKey,
    t.byQueueDaySort,
  ];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    KeySchema: [
      { AttributeName: t.partitionKey, KeyType: 'HASH' },
      { AttributeName: t.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      index(t.openByAgentIndex, t.openByAgentKey, t.openByAgentSort),
      index(t.byQueueDayIndex, t.byQueueDayKey, t.byQueueDaySort),
    ],
  };
}
