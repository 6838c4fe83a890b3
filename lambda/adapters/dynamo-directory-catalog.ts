/**
 * R20: the catalog (lambda/core/catalog.ts) kept in the session table, beside the directory's
 * snapshots (lambda/adapters/dynamo-directory-snapshots.ts), partition `#DIRECTORY#<instance id>`
 * (no contact id starts with #, so it is never taken for a session):
 *
 * - the head, sort key `#CATALOG`: `refreshedAt`, the `generation` it belongs to and its number
 *   of `chunks`;
 * - the listing, sort keys `#CATALOG#<generation>#<n>` (n from 0000): each chunk `entries`, a
 *   JSON array of `[kind, id, name, type?]` (`q` queue, `g` agent group, `s` status), at most
 *   `MAX_CHUNK_BYTES` each, so that 2,000 queues of long names (or any number) stay below
 *   DynamoDB's 400 KB item limit.
 *
 * A write puts the chunks first, then the head: a reader gets the head, then its generation's
 * chunks (a GetItem each, usually one: no Query grant on the table is needed), all there; a
 * listing cut short by a failure is never read. No transaction is needed (and dynalite has none).
 * The generation is the listing's time and a hash of its content. Old generations are not
 * deleted (a reader may be following the previous head): every item expires a day after it was
 * written (the table's TTL), a few hundred KB a refresh, 96 refreshes a day at most.
 */
import { createHash } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { lastArnSegment } from '../core/contact';
import type {
  AgentStatusType,
  CatalogStore,
  DirectoryCatalog,
  NamedResource,
  NamedStatus,
} from '../core/ports';
import { DIRECTORY_PARTITION_PREFIX } from './dynamo-directory-snapshots';
import { SESSION_TABLE } from './session-keys';

/** The head's sort key; chunks are `#CATALOG#<generation>#<n>`. */
export const CATALOG_SORT_KEY = '#CATALOG';
/** Largest chunk of entries, in bytes of JSON: below DynamoDB's 400 KB item limit with room for the keys. */
export const MAX_CHUNK_BYTES = 300_000;
const KEEP_SECONDS = 24 * 60 * 60;

type Entry = readonly ['q' | 'g', string, string] | readonly ['s', string, string, AgentStatusType];

export interface DynamoCatalogStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** CatalogStore as items of the session table. */
export class DynamoCatalogStore implements CatalogStore {
  constructor(private readonly props: DynamoCatalogStoreProps) {}

  async read(instanceArn: string): Promise<DirectoryCatalog | undefined> {
    const partition = partitionOf(instanceArn);
    const { Item: head } = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: keyOf(partition, CATALOG_SORT_KEY) }),
    );
    if (head === undefined) return undefined;
    const { refreshedAt, generation, chunks } = head as Record<string, unknown>;
    if (typeof refreshedAt !== 'string' || typeof generation !== 'string' || typeof chunks !== 'number') {
      return undefined;
    }
    // One GetItem per chunk (usually one): the functions' grants on the table are item reads.
    const items = await Promise.all(
      Array.from({ length: chunks }, async (_, n) => {
        const { Item: item } = await this.props.client.send(
          new GetCommand({ TableName: this.props.tableName, Key: keyOf(partition, chunkKey(generation, n)) }),
        );
        return item;
      }),
    );
    const entries: Entry[] = [];
    for (const item of items) {
      // A generation whose chunks expired, in part or in all: as if none was kept.
      if (item === undefined) return undefined;
      entries.push(...parseEntries(item.entries));
    }
    return catalogOf(entries, refreshedAt);
  }

  async write(instanceArn: string, catalog: DirectoryCatalog): Promise<void> {
    const partition = partitionOf(instanceArn);
    const chunks = chunked(entriesOf(catalog));
    const generation = `${catalog.refreshedAt}#${createHash('sha256').update(JSON.stringify(chunks)).digest('hex').slice(0, 16)}`;
    const expiresAt = Math.floor(Date.parse(catalog.refreshedAt) / 1000) + KEEP_SECONDS;
    // Chunks first, the head last: a reader never follows a head to a generation cut short.
    await Promise.all(
      chunks.map((chunk, n) =>
        this.put({
          ...keyOf(partition, chunkKey(generation, n)),
          entries: chunk,
          [SESSION_TABLE.ttlAttribute]: expiresAt,
        }),
      ),
    );
    await this.put({
      ...keyOf(partition, CATALOG_SORT_KEY),
      refreshedAt: catalog.refreshedAt,
      generation,
      chunks: chunks.length,
      [SESSION_TABLE.ttlAttribute]: expiresAt,
    });
  }

  private async put(item: Record<string, unknown>): Promise<void> {
    await this.props.client.send(new PutCommand({ TableName: this.props.tableName, Item: item }));
  }
}

function partitionOf(instanceArn: string): string {
  return `${DIRECTORY_PARTITION_PREFIX}${lastArnSegment(instanceArn)}`;
}

function keyOf(partition: string, sort: string): Record<string, string> {
  return { [SESSION_TABLE.partitionKey]: partition, [SESSION_TABLE.sortKey]: sort };
}

function chunkKey(generation: string, n: number): string {
  return `${CATALOG_SORT_KEY}#${generation}#${String(n).padStart(4, '0')}`;
}

function entriesOf(catalog: DirectoryCatalog): Entry[] {
  return [
    ...catalog.queues.map(({ id, name }): Entry => ['q', id, name]),
    ...catalog.agentGroups.map(({ id, name }): Entry => ['g', id, name]),
    ...catalog.statuses.map(({ id, name, type }): Entry => ['s', id, name, type]),
  ];
}

/** The entries as JSON strings of at most MAX_CHUNK_BYTES each (one chunk at least, for an empty catalog). */
function chunked(entries: readonly Entry[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 2;
  for (const entry of entries) {
    const json = JSON.stringify(entry);
    const size = Buffer.byteLength(json, 'utf8') + 1;
    if (current.length > 0 && bytes + size > MAX_CHUNK_BYTES) {
      chunks.push(`[${current.join(',')}]`);
      current = [];
      bytes = 2;
    }
    current.push(json);
    bytes += size;
  }
  chunks.push(`[${current.join(',')}]`);
  return chunks;
}

/** A chunk's entries; anything else in it (a hand-edited item) is left out. */
function parseEntries(value: unknown): Entry[] {
  if (typeof value !== 'string') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isEntry);
}

function isEntry(value: unknown): value is Entry {
  if (!Array.isArray(value) || typeof value[1] !== 'string' || typeof value[2] !== 'string') return false;
  if (value[0] === 'q' || value[0] === 'g') return value.length === 3;
  return value[0] === 's' && (value[3] === 'ROUTABLE' || value[3] === 'CUSTOM' || value[3] === 'OFFLINE');
}

/** The catalog the entries make, in the order they were kept (by name). */
function catalogOf(entries: readonly Entry[], refreshedAt: string): DirectoryCatalog {
  const queues: NamedResource[] = [];
  const agentGroups: NamedResource[] = [];
  const statuses: NamedStatus[] = [];
  for (const entry of entries) {
    if (entry[0] === 's') statuses.push({ id: entry[1], name: entry[2], type: entry[3] });
    else (entry[0] === 'q' ? queues : agentGroups).push({ id: entry[1], name: entry[2] });
  }
  return { queues, agentGroups, statuses, refreshedAt };
}
