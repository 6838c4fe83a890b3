/**
 * R20: the last listing of an instance's queue or agent names, kept as one item of the session
 * table, so that a new Lambda container reads one item instead of listing Connect again (a cold
 * start, or many containers at once after a deploy).
 *
 * Item: partition `#DIRECTORY#<instance id>` (no contact id starts with #, so it is never taken
 * for a session), sort `#QUEUES` or `#AGENTS`, `names` (a map id to name), `savedAt` (epoch ms),
 * and `expiresAt` a day later (the table's TTL removes snapshots of an instance no longer used).
 * A listing too large for one item (DynamoDB's 400 KB) is not kept: the containers then list
 * Connect themselves, as without a snapshot.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { SESSION_TABLE } from './session-keys';

/** Which listing a snapshot holds. */
export type DirectoryKind = 'queues' | 'agents';

/** A listing as it was saved. */
export interface SavedNames {
  readonly names: Map<string, string>;
  /** When it was listed from Connect (epoch ms). */
  readonly savedAt: number;
}

/** Where listings of names are kept between containers. */
export interface DirectorySnapshots {
  read(instanceId: string, kind: DirectoryKind): Promise<SavedNames | undefined>;
  write(instanceId: string, kind: DirectoryKind, saved: SavedNames): Promise<void>;
}

/** The partition key of an instance's snapshots. */
export const DIRECTORY_PARTITION_PREFIX = '#DIRECTORY#';
const SORT_KEYS: Record<DirectoryKind, string> = { queues: '#QUEUES', agents: '#AGENTS' };
/** Largest listing kept, in bytes of JSON: below DynamoDB's 400 KB item limit with room for the keys. */
export const MAX_SNAPSHOT_BYTES = 350_000;
const KEEP_SECONDS = 24 * 60 * 60;

export interface DynamoDirectorySnapshotsProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** DirectorySnapshots as items of the session table. */
export class DynamoDirectorySnapshots implements DirectorySnapshots {
  constructor(private readonly props: DynamoDirectorySnapshotsProps) {}

  async read(instanceId: string, kind: DirectoryKind): Promise<SavedNames | undefined> {
    const { Item: item } = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: keyOf(instanceId, kind) }),
    );
    if (item === undefined) return undefined;
    const { names, savedAt } = item as { names?: unknown; savedAt?: unknown };
    if (typeof savedAt !== 'number' || names === null || typeof names !== 'object') return undefined;
    const map = new Map<string, string>();
    for (const [id, name] of Object.entries(names)) if (typeof name === 'string') map.set(id, name);
    return { names: map, savedAt };
  }

  async write(instanceId: string, kind: DirectoryKind, saved: SavedNames): Promise<void> {
    const names = Object.fromEntries(saved.names);
    if (Buffer.byteLength(JSON.stringify(names), 'utf8') > MAX_SNAPSHOT_BYTES) return;
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          ...keyOf(instanceId, kind),
          names,
          savedAt: saved.savedAt,
          [SESSION_TABLE.ttlAttribute]: Math.floor(saved.savedAt / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }
}

function keyOf(instanceId: string, kind: DirectoryKind): Record<string, string> {
  return {
    [SESSION_TABLE.partitionKey]: `${DIRECTORY_PARTITION_PREFIX}${instanceId}`,
    [SESSION_TABLE.sortKey]: SORT_KEYS[kind],
  };
}
