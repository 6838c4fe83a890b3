/**
 * The session table's layout, shared by the DynamoDB adapter and the CDK construct (no SDK import,
 * so the CDK app does not load the SDK to read it).
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { closeIsPending, type HistoryEntry, type Session } from '../core/session';

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

/**
 * What the `byQueueDay` index holds of a session besides the keys: what reports and calibration
 * read (R17, R22). Not the history, notes or the rest: the index is written once per session, when
 * it is complete, and a smaller copy costs fewer write units.
 */
export const BY_QUEUE_DAY_ATTRIBUTES = [
  'channel',
  'queueId',
  'state',
  'endedAt',
  'endReason',
  'systemWrapUp',
  'extensionsUsed',
  'deadline',
  'policy',
  'policySource',
  'disposition',
] as const;

/** The sort key of a contact flow's override item, beside the contact's sessions (no agent id starts with #). */
export const OVERRIDE_SORT_KEY = '#FLOW';

/** The sort key of an interruption record: `#INTERRUPT#` + the agent id, beside the interrupting contact's sessions. */
export const INTERRUPTION_SORT_PREFIX = '#INTERRUPT#';

/** The partition key of an agent's observed status: `#AGENT#` + the agent id (no contact id starts with #). */
export const AGENT_STATUS_PARTITION_PREFIX = '#AGENT#';
export const AGENT_STATUS_SORT_KEY = '#STATUS';
/**
 * The agent's status item is also in the `openByAgent` index, under the agent (`openAgentId`) with
 * this `openUntil`, so that the Query listing the agent's open wrap-ups returns it too (R8, R11: the
 * restore's status check costs no request of its own). `#` sorts before every deadline and UNTIMED.
 */
export const AGENT_STATUS_OPEN_SORT = '#STATUS';

/**
 * R14: the sort key of the agent's last claim on a restore shared by wrap-ups that closed together,
 * beside the agent's status item (`AGENT_STATUS_PARTITION_PREFIX` + the agent id): one item per
 * agent, holding who claimed and when.
 */
export const RESTORE_CLAIM_SORT_KEY = '#RESTORE';

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
  const index = (IndexName: string, hash: string, range: string, include?: readonly string[]) => ({
    IndexName,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection:
      include === undefined
        ? { ProjectionType: 'ALL' as const }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...include] },
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
      index(t.byQueueDayIndex, t.byQueueDayKey, t.byQueueDaySort, BY_QUEUE_DAY_ATTRIBUTES),
    ],
  };
}

/** A session nothing more will happen to: closed, its restore and record done (or skipped). */
export function isComplete(session: Session): boolean {
  return session.state !== 'WRAP_UP' && !closeIsPending(session);
}

/** The `byQueueDay` partition of a session: its queue and the UTC day it started. */
export function queueDayOf(session: Session): string {
  return `${session.queueId ?? NO_QUEUE}#${session.startedAt.slice(0, 10)}`;
}

/**
 * How a session's history is stored: each entry one string `AT|WHAT|BY|DETAIL` rather than a map
 * (AT: the epoch milliseconds in base 36 when the time is canonical ISO-8601, as the clock writes
 * it, else the time as given; DETAIL may itself hold `|`). A history of six entries takes about 180
 * bytes less, which keeps a typical closed session under the 1 KB of one write unit, in the table
 * and in the `openByAgent` index alike. Items written before, with the history as maps, still read.
 */
export function storedHistory(history: readonly HistoryEntry[]): string[] {
  return history.map((entry) => {
    const ms = Date.parse(entry.at);
    const at = Number.isFinite(ms) && new Date(ms).toISOString() === entry.at ? ms.toString(36) : entry.at;
    return `${at}|${entry.what}|${entry.by}|${entry.detail ?? ''}`;
  });
}

/** A stored history back as entries: `storedHistory`'s strings, or the maps of older items. */
export function historyOf(stored: unknown): HistoryEntry[] {
  if (!Array.isArray(stored)) return [];
  return stored.map((entry: unknown) => {
    if (typeof entry !== 'string') return entry as HistoryEntry;
    const [at = '', what = '', by = '', ...rest] = entry.split('|');
    const detail = rest.join('|');
    const time = /^[0-9a-z]+$/.test(at) ? new Date(Number.parseInt(at, 36)).toISOString() : at;
    return {
      at: time,
      what: what as HistoryEntry['what'],
      by: by as HistoryEntry['by'],
      ...(detail === '' ? {} : { detail }),
    };
  });
}

/**
 * R20: the run-time policy overrides: one document item and one audit item per change, all under
 * one partition no contact id can take (`#`). Audit sort keys are `#CHANGE#` + the version,
 * zero-padded, so that a query reads them in order.
 */
export const POLICY_PARTITION_KEY = '#POLICIES';
export const POLICY_DOCUMENT_SORT_KEY = '#LIVE';
export const POLICY_CHANGE_SORT_PREFIX = '#CHANGE#';

/** The audit item's sort key of a version: `#CHANGE#0000000042`. */
export function policyChangeSortKey(version: number): string {
  return `${POLICY_CHANGE_SORT_PREFIX}${version.toString().padStart(10, '0')}`;
}
