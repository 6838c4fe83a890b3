/**
 * An in-memory model of `DynamoSessionStore`, for tests that run more histories than a real
 * DynamoDB API can take (property tests: 10,000 generated histories at ~200 ms each on dynalite).
 *
 * This is a TEST MODEL, not a second adapter. Its equivalence to the DynamoDB adapter
 * (lambda/adapters/dynamo-session-store.ts) is checked by test/adapters/store-contract.test.ts,
 * which runs the same assertions against both; change the adapter and that suite tells whether the
 * model still agrees. DynamoDB behaviour itself is always tested against dynalite
 * (test/support/dynamo.ts), never through this model.
 *
 * How it stays faithful: it keeps the items the adapter would write (same keys, same derived index
 * and TTL attributes, in one table) and does what each DynamoDB request of the adapter would do,
 * condition expressions included. Values are copied in and out as they round-trip through the
 * document client with `removeUndefinedValues` (undefined map values and list elements dropped,
 * -0 read back as 0, NaN and unsafe integers refused with the SDK's message), so callers can never
 * mutate stored state.
 *
 * Where dynalite is laxer than DynamoDB the model follows DynamoDB, so that a history it accepts
 * is one DynamoDB would accept: an empty string as a key of the table or of an index (`deadline: ''`,
 * `startedAt: ''`, `listOpenByAgent('')`) is a ValidationException here, as in DynamoDB.
 *
 * Not modelled (tests must not depend on them): TTL deletion (DynamoDB deletes expired items days
 * late, dynalite never); index lag (the open-by-agent index is eventually consistent in DynamoDB,
 * immediate here and in dynalite); the order of `listOpen` and of equal deadlines in
 * `listOpenByAgent` (unspecified); the 400 KB item limit; values other than JSON-like data (Sets,
 * Maps, binary, bigint are refused).
 */

import { beforeEach } from 'vitest';
import {
  AGENT_STATUS_OPEN_SORT,
  AGENT_STATUS_PARTITION_PREFIX,
  AGENT_STATUS_SORT_KEY,
  historyOf,
  INTERRUPTION_SORT_PREFIX,
  isComplete,
  isSessionItem,
  OVERRIDE_SORT_KEY,
  queueDayOf,
  RESTORE_CLAIM_SORT_KEY,
  SESSION_TABLE,
  storedHistory,
  UNTIMED,
} from '../../lambda/adapters/session-keys';
import { NO_OVERRIDES, nextDocument, nextKillSwitchDocument } from '../../lambda/core/policy-overrides';
import {
  type AgentListing,
  type ContactOverride,
  type KillSwitchWrite,
  type LegRead,
  type ObservedStatus,
  type PolicyChangeRecord,
  type PolicyHistoryRecord,
  type PolicyImportRecord,
  type PolicyOverrides,
  type PolicyReplacement,
  type PolicyStore,
  PolicyVersionConflict,
  type PolicyWrite,
  type SessionStore,
  VersionConflict,
} from '../../lambda/core/ports';
import type { Session } from '../../lambda/core/session';
import { closeIsPending } from '../../lambda/core/session';

type Item = Record<string, unknown>;

const T = SESSION_TABLE;

/** Attributes the adapter derives from a session; never read back as part of it. */
const DERIVED = new Set<string>([T.byQueueDayKey, T.openByAgentKey, T.openByAgentSort, T.ttlAttribute]);

/** Key attributes of the table's indexes, declared as strings (sessionTableDefinition). */
const INDEX_KEYS = [T.openByAgentKey, T.openByAgentSort, T.byQueueDayKey, T.byQueueDaySort] as const;

/** The error DynamoDB answers a request it refuses with (the SDK has no class of its own for it). */
class ValidationException extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationException';
  }
}

export interface MemorySessionStoreOptions {
  /** Days after its end that a closed session's TTL is set to, as the adapter does (TTL deletion is not modelled). @default 90 */
  readonly retentionDays?: number;
}

/** `SessionStore` in memory, behaving as `DynamoSessionStore` does (see the file comment). */
export class MemorySessionStore implements SessionStore {
  /** DynamoDB reads the adapter would have sent (GetItem, Query, Scan; one per call, pages ignored). */
  reads = 0;
  /** DynamoDB writes the adapter would have sent (PutItem, UpdateItem), refused ones included. */
  writes = 0;
  /** Conditional writes refused (ConditionalCheckFailedException). */
  failedConditions = 0;

  /** partition key -> sort key -> item. */
  private readonly items = new Map<string, Map<string, Item>>();
  /** The sparse `openByAgent` index: `openAgentId` -> the items that carry both of its keys. */
  private readonly openByAgent = new Map<string, Set<Item>>();
  private readonly retentionDays: number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.retentionDays = options.retentionDays ?? 90;
  }

  async create(session: Session): Promise<{ created: boolean; session: Session }> {
    const item = this.sessionItem({ ...session, version: 1 });
    // Like the adapter, the caller's session is returned, not the stored copy.
    if (this.put(item, (existing) => existing === undefined)) {
      return { created: true, session: { ...session, version: 1 } };
    }
    const existing = await this.get(session.contactId, session.agentId);
    if (existing === undefined) throw new VersionConflict(session.contactId, session.agentId);
    return { created: false, session: existing };
  }

  async get(contactId: string, agentId: string): Promise<Session | undefined> {
    // As the adapter: no request at all for the contact flow's choice or an interruption record.
    if (agentId.startsWith('#')) return undefined;
    const item = this.read(contactId, agentId);
    return item === undefined ? undefined : sessionOf(item);
  }

  async putOverride(override: ContactOverride, expiresAt: Date): Promise<void> {
    this.put({
      ...override,
      [T.sortKey]: OVERRIDE_SORT_KEY,
      [T.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
    });
  }

  async getOverride(contactId: string): Promise<ContactOverride | undefined> {
    const item = this.read(contactId, OVERRIDE_SORT_KEY);
    if (item === undefined) return undefined;
    const { [T.sortKey]: _sort, [T.ttlAttribute]: _ttl, ...override } = structuredClone(item);
    return override as unknown as ContactOverride;
  }

  async getOverrides(contactIds: readonly string[]): Promise<ReadonlyMap<string, ContactOverride>> {
    const found = new Map<string, ContactOverride>();
    const ids = [...new Set(contactIds)];
    if (ids.length === 0) return found;
    // One BatchGetItem, as the adapter (DynamoDB refuses a batch with the same key twice: deduplicated).
    this.reads += 1;
    for (const contactId of ids) {
      checkKeyValue(T.partitionKey, contactId);
      const item = this.items.get(contactId)?.get(OVERRIDE_SORT_KEY);
      if (item === undefined) continue;
      const { [T.sortKey]: _sort, [T.ttlAttribute]: _ttl, ...override } = structuredClone(item);
      found.set(contactId, override as unknown as ContactOverride);
    }
    return found;
  }

  async readLeg(
    contactIds: readonly string[],
    key: { readonly contactId: string; readonly agentId: string },
  ): Promise<LegRead> {
    const overrides = await this.getOverrides(contactIds);
    // The same BatchGetItem as the choices: counted once (getOverrides counted it, if it read).
    if (new Set(contactIds).size === 0) this.reads += 1;
    checkKeyValue(T.partitionKey, key.contactId);
    const partition = this.items.get(key.contactId);
    const item = key.agentId.startsWith('#') ? undefined : partition?.get(key.agentId);
    const interruption = partition?.get(`${INTERRUPTION_SORT_PREFIX}${key.agentId}`);
    return {
      overrides,
      session: item === undefined ? undefined : sessionOf(item),
      interrupted: interruption?.interrupted === true,
    };
  }

  async listByContact(contactId: string): Promise<Session[]> {
    this.reads += 1;
    checkKeyValue(T.partitionKey, contactId);
    const partition = [...(this.items.get(contactId) ?? new Map<string, Item>()).entries()];
    // Query order: by sort key (agent ids); the '#' records are not sessions.
    partition.sort(([a], [b]) => compare(a, b));
    return partition.filter(([sort]) => !sort.startsWith('#')).map(([, item]) => sessionOf(item));
  }

  async markInterruption(
    contactId: string,
    agentId: string,
    side: 'INTERRUPTED' | 'ENDED',
    expiresAt: Date,
  ): Promise<{ interrupted: boolean; ended: boolean }> {
    const after = this.update(contactId, `${INTERRUPTION_SORT_PREFIX}${agentId}`, {
      [side === 'INTERRUPTED' ? 'interrupted' : 'ended']: true,
      [T.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
    });
    return { interrupted: after?.interrupted === true, ended: after?.ended === true };
  }

  async claimInterruptionRestore(
    contactId: string,
    agentId: string,
    now: Date,
    staleBefore: Date,
  ): Promise<boolean> {
    const stale = dynamoNumber(staleBefore.getTime());
    const claimed = this.update(
      contactId,
      `${INTERRUPTION_SORT_PREFIX}${agentId}`,
      { restoreClaimedAt: now.getTime() },
      // attribute_exists(contactId) AND attribute_not_exists(restoreDone) AND
      // (attribute_not_exists(restoreClaimedAt) OR restoreClaimedAt < :stale)
      (existing) =>
        existing !== undefined &&
        existing.restoreDone === undefined &&
        (existing.restoreClaimedAt === undefined ||
          (typeof existing.restoreClaimedAt === 'number' && existing.restoreClaimedAt < stale)),
    );
    return claimed !== undefined;
  }

  async claimSharedRestore(
    agentId: string,
    claimant: string,
    heldSince: Date,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    const claimed = this.update(
      `${AGENT_STATUS_PARTITION_PREFIX}${agentId}`,
      RESTORE_CLAIM_SORT_KEY,
      { claimant, claimedAt: now.getTime(), [T.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000) },
      // attribute_not_exists(#pk) OR claimedAt < :held OR claimant = :claimant
      (existing) =>
        existing === undefined ||
        (typeof existing.claimedAt === 'number' && existing.claimedAt < heldSince.getTime()) ||
        existing.claimant === claimant,
    );
    return claimed !== undefined;
  }

  async markInterruptionRestored(contactId: string, agentId: string): Promise<void> {
    // Conditional on the record existing, as the adapter: without one it does nothing.
    this.update(
      contactId,
      `${INTERRUPTION_SORT_PREFIX}${agentId}`,
      { restoreDone: true },
      (existing) => existing !== undefined,
    );
  }

  async putAgentStatus(agentId: string, status: ObservedStatus, expiresAt: Date): Promise<boolean> {
    const since = dynamoNumber(Date.parse(status.since));
    return this.put(
      {
        [T.partitionKey]: `${AGENT_STATUS_PARTITION_PREFIX}${agentId}`,
        [T.sortKey]: AGENT_STATUS_SORT_KEY,
        ...status,
        sinceMs: since,
        [T.openByAgentKey]: agentId,
        [T.openByAgentSort]: AGENT_STATUS_OPEN_SORT,
        [T.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
      },
      // attribute_not_exists(sinceMs) OR sinceMs < :since
      (existing) =>
        existing?.sinceMs === undefined || (typeof existing.sinceMs === 'number' && existing.sinceMs < since),
    );
  }

  async getAgentStatus(agentId: string): Promise<ObservedStatus | undefined> {
    const item = this.read(`${AGENT_STATUS_PARTITION_PREFIX}${agentId}`, AGENT_STATUS_SORT_KEY);
    return item === undefined ? undefined : observedOf(item);
  }

  async listOpenByAgent(agentId: string): Promise<Session[]> {
    return [...(await this.listAgent(agentId)).sessions];
  }

  async listAgent(agentId: string): Promise<AgentListing> {
    this.reads += 1;
    checkKeyValue(T.openByAgentKey, agentId);
    const items = [...(this.openByAgent.get(agentId) ?? [])];
    // The index's sort key; ISO-8601 deadlines and UNTIMED are ASCII, so code-unit order is DynamoDB's byte order.
    items.sort((a, b) => compare(String(a[T.openByAgentSort]), String(b[T.openByAgentSort])));
    const status = items.find((item) => !isSessionItem(item));
    return {
      sessions: items.filter(isSessionItem).map(sessionOf),
      observed: status === undefined ? undefined : observedOf(status),
    };
  }

  async listOpen(): Promise<Session[]> {
    this.reads += 1;
    const sessions: Session[] = [];
    for (const items of this.openByAgent.values())
      for (const item of items) if (isSessionItem(item)) sessions.push(sessionOf(item));
    return sessions;
  }

  async save(session: Session): Promise<Session> {
    const next = { ...session, version: session.version + 1 };
    const expected = dynamoNumber(session.version);
    // #version = :expected
    if (!this.put(this.sessionItem(next), (existing) => existing?.version === expected)) {
      throw new VersionConflict(session.contactId, session.agentId);
    }
    return next;
  }

  /** The item the adapter's `toItem` writes for a session. */
  private sessionItem(session: Session): Item {
    const { contactRecord, history, ...fields } = session;
    const item: Item = {
      ...fields,
      history: storedHistory(history),
      ...(contactRecord === undefined ? {} : { [T.contactRecordAttribute]: contactRecord }),
    };
    if (isComplete(session)) item[T.byQueueDayKey] = queueDayOf(session);
    if (session.state === 'WRAP_UP' || closeIsPending(session)) {
      item[T.openByAgentKey] = session.agentId;
      item[T.openByAgentSort] = session.deadline ?? UNTIMED;
    }
    if (session.endedAt !== undefined) {
      item[T.ttlAttribute] =
        Math.floor(new Date(session.endedAt).getTime() / 1000) + this.retentionDays * 86_400;
    }
    return item;
  }

  /** GetItem, strongly consistent. The stored item itself: callers copy before handing it out. */
  private read(partition: string, sort: string): Item | undefined {
    this.reads += 1;
    checkKeyValue(T.partitionKey, partition);
    checkKeyValue(T.sortKey, sort);
    return this.items.get(partition)?.get(sort);
  }

  /** PutItem, optionally conditional; false when the condition failed. */
  private put(raw: Item, condition?: (existing: Item | undefined) => boolean): boolean {
    this.writes += 1;
    const item = dynamoValue(raw) as Item;
    checkItemKeys(item);
    const partition = item[T.partitionKey] as string;
    const sort = item[T.sortKey] as string;
    if (condition !== undefined && !condition(this.items.get(partition)?.get(sort))) {
      this.failedConditions += 1;
      return false;
    }
    this.store(partition, sort, item);
    return true;
  }

  /**
   * UpdateItem `SET` of `changes` (creating the item when there is none, as DynamoDB does),
   * optionally conditional; the stored item after the write (ALL_NEW: read it, never hand it out),
   * undefined when the condition failed.
   */
  private update(
    partition: string,
    sort: string,
    changes: Item,
    condition?: (existing: Item | undefined) => boolean,
  ): Item | undefined {
    this.writes += 1;
    const values = dynamoValue(changes) as Item;
    checkKeyValue(T.partitionKey, partition);
    checkKeyValue(T.sortKey, sort);
    const existing = this.items.get(partition)?.get(sort);
    if (condition !== undefined && !condition(existing)) {
      this.failedConditions += 1;
      return undefined;
    }
    const item: Item = { ...(existing ?? { [T.partitionKey]: partition, [T.sortKey]: sort }), ...values };
    checkItemKeys(item);
    this.store(partition, sort, item);
    return item;
  }

  private store(partition: string, sort: string, item: Item): void {
    let byPartition = this.items.get(partition);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.items.set(partition, byPartition);
    }
    const previous = byPartition.get(sort);
    if (previous !== undefined) this.openByAgent.get(previous[T.openByAgentKey] as string)?.delete(previous);
    byPartition.set(sort, item);
    // Sparse: an item is in the index only when it has both of the index's keys.
    const agent = item[T.openByAgentKey];
    if (typeof agent === 'string' && item[T.openByAgentSort] !== undefined) {
      let open = this.openByAgent.get(agent);
      if (open === undefined) {
        open = new Set();
        this.openByAgent.set(agent, open);
      }
      open.add(item);
    }
  }
}

/** A stored item as the adapter's `sessionFromItem` reads it: a copy, without the derived attributes. */
function sessionOf(item: Item): Session {
  const session: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === T.contactRecordAttribute) session.contactRecord = value;
    else if (key === 'history') session.history = historyOf(value);
    else if (!DERIVED.has(key)) session[key] = value;
  }
  return structuredClone(session) as unknown as Session;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** DynamoDB's checks of a written item's keys: the table's, and the indexes' when present. */
function checkItemKeys(item: Item): void {
  for (const key of [T.partitionKey, T.sortKey]) {
    if (item[key] === undefined) {
      throw new ValidationException(
        `One or more parameter values were invalid: Missing the key ${key} in the item`,
      );
    }
    checkKeyValue(key, item[key]);
  }
  for (const key of INDEX_KEYS) if (item[key] !== undefined) checkKeyValue(key, item[key]);
}

/** Every key of the table and its indexes is declared a string, and DynamoDB refuses an empty one. */
function checkKeyValue(key: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new ValidationException(
      `One or more parameter values were invalid: Type mismatch for key ${key} expected: S actual: ${typeof value}`,
    );
  }
  if (value === '') {
    throw new ValidationException(
      `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${key}`,
    );
  }
}

/** A number as DynamoDB stores it through the SDK's marshaller, or the error either gives. */
function dynamoNumber(value: number): number {
  if (!Number.isFinite(value)) throw new Error(`Special numeric value ${value} is not allowed`);
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new Error(
      `Number ${value} is greater than Number.MAX_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`,
    );
  }
  if (value < Number.MIN_SAFE_INTEGER) {
    throw new Error(
      `Number ${value} is lesser than Number.MIN_SAFE_INTEGER. Use NumberValue from @aws-sdk/lib-dynamodb.`,
    );
  }
  if (value !== 0 && Math.abs(value) < 1e-130) {
    throw new ValidationException(
      'Number underflow. Attempting to store a number with magnitude smaller than supported range',
    );
  }
  // DynamoDB has no negative zero: the SDK writes "0".
  return value === 0 ? 0 : value;
}

/**
 * A deep copy of `value` as DynamoDB would give it back through the document client with
 * `removeUndefinedValues`: undefined and function members of maps and lists dropped, numbers as
 * `dynamoNumber`. Anything but JSON-like data is refused rather than guessed at.
 */
function dynamoValue(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return dynamoNumber(value);
  if (Array.isArray(value)) {
    return value.filter((v) => v !== undefined && typeof v !== 'function').map(dynamoValue);
  }
  if (typeof value === 'object' && isPlainObject(value)) {
    const map: Item = {};
    // for...in, as the SDK's marshaller: inherited enumerable members are written too.
    for (const key in value) {
      const member = (value as Item)[key];
      if (member !== undefined && typeof member !== 'function') map[key] = dynamoValue(member);
    }
    return map;
  }
  throw new Error(`MemorySessionStore does not model this value: ${String(value)} (${typeof value})`);
}

/** The SDK's test for a value it writes as a map. */
function isPlainObject(value: object): boolean {
  const made = (value as { constructor?: { name?: string } }).constructor;
  return made === undefined || made.name === 'Object';
}

/**
 * A fresh, empty in-memory store for every test (a vitest hook registered here): the core's tests
 * use it as `useSessionStore()` of test/support/dynamo.ts is used, without dynalite. No test sees
 * another's sessions, which R12 (an agent's other open wrap-ups) depends on.
 */
export function useMemorySessionStore(): { readonly store: MemorySessionStore } {
  const handle = { store: new MemorySessionStore() };
  beforeEach(() => {
    handle.store = new MemorySessionStore();
  });
  return handle;
}

/**
 * A model of `DynamoPolicyStore` (R20), held to it by test/adapters/policy-store-contract.test.ts:
 * the document and the audit records, replaced together or not at all (the adapter's transaction),
 * values copied in and out as they round-trip through DynamoDB.
 */
export class MemoryPolicyStore implements PolicyStore {
  private doc: PolicyOverrides = NO_OVERRIDES;
  private readonly changes: PolicyHistoryRecord[] = [];
  /** How many times the document was read (R20: at most once a minute per instance). */
  reads = 0;

  async read(): Promise<PolicyOverrides> {
    this.reads += 1;
    return roundTrip(this.doc);
  }

  async write(change: PolicyWrite): Promise<PolicyChangeRecord> {
    if (this.doc.version !== change.expectedVersion) throw new PolicyVersionConflict(change.expectedVersion);
    const { doc, record } = nextDocument(this.doc, roundTrip(change));
    this.doc = roundTrip(doc);
    this.changes.push(roundTrip(record));
    return roundTrip(record);
  }

  async replaceAll(replacement: PolicyReplacement): Promise<PolicyImportRecord> {
    if (this.doc.version !== replacement.expectedVersion)
      throw new PolicyVersionConflict(replacement.expectedVersion);
    this.doc = roundTrip(replacement.doc);
    this.changes.push(roundTrip(replacement.record));
    return roundTrip(replacement.record);
  }

  async history(limit: number): Promise<PolicyHistoryRecord[]> {
    return roundTrip([...this.changes].reverse().slice(0, limit));
  }

  async writeKillSwitch(change: KillSwitchWrite): Promise<PolicyChangeRecord> {
    if (this.doc.version !== change.expectedVersion) throw new PolicyVersionConflict(change.expectedVersion);
    const { doc, record } = nextKillSwitchDocument(this.doc, roundTrip(change));
    this.doc = roundTrip(doc);
    this.changes.push(roundTrip(record));
    return roundTrip(record);
  }
}

function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A stored agent status as the adapter reads it back; undefined when malformed. */
function observedOf(item: Item): ObservedStatus | undefined {
  if (typeof item.name !== 'string' || typeof item.since !== 'string') return undefined;
  return { name: item.name, since: item.since, ...(typeof item.arn === 'string' ? { arn: item.arn } : {}) };
}
