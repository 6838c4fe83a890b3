/**
 * SessionStore on DynamoDB.
 *
 * Keys (one item per contact and agent; a transfer gives each agent their own):
 * - table: `contactId` (partition) + `agentId` (sort): a session by contact and agent.
 * - GSI `openByAgent`: `openAgentId` + `openUntil` (the deadline, or UNTIMED), present only while
 *   the session is open (sparse), so it lists open wrap-ups and nothing else.
 * - GSI `byQueueDay`: `queueDay` (`QUEUE_ID#YYYY-MM-DD`, the UTC start day) + `startedAt`, for
 *   reports and calibration by queue (R17, R22): sparse, set once the session is complete (closed,
 *   restored, recorded), so each session is written to it once; it holds the attributes those read
 *   (`BY_QUEUE_DAY_ATTRIBUTES`), not the history.
 * - `expiresAt` (TTL, epoch seconds): set when the session closes, `retentionDays` later.
 *
 * Beside the sessions, items whose sort key starts with `#` (never an agent id): a contact flow's
 * choice (`#FLOW`), an interruption record (`#INTERRUPT#agent`), and under the partition
 * `#AGENT#id` the agent's status as the agent event stream last reported it. That one is in the
 * `openByAgent` index too (`openUntil` `#STATUS`), so that listing the agent's open wrap-ups
 * (`listAgent`) returns it in the same Query.
 *
 * Every write is conditional on the version read (optimistic locking), so concurrent deliveries of
 * the same event or timer cannot both win (R14).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { definedFields } from '../core/config';
import {
  type AgentListing,
  type ContactOverride,
  type LegRead,
  type ObservedStatus,
  type SessionStore,
  VersionConflict,
} from '../core/ports';
import type { Session } from '../core/session';
import { closeIsPending } from '../core/session';
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
} from './session-keys';

export { NO_QUEUE, SESSION_TABLE } from './session-keys';

export interface DynamoSessionStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Days a closed session is kept before DynamoDB's TTL removes it. */
  readonly retentionDays: number;
}

export class DynamoSessionStore implements SessionStore {
  constructor(private readonly props: DynamoSessionStoreProps) {}

  async create(session: Session): Promise<{ created: boolean; session: Session }> {
    const item = this.toItem({ ...session, version: 1 });
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(contactId)',
        }),
      );
      return { created: true, session: { ...session, version: 1 } };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(session.contactId, session.agentId);
      if (existing === undefined) throw new VersionConflict(session.contactId, session.agentId);
      return { created: false, session: existing };
    }
  }

  async get(contactId: string, agentId: string): Promise<Session | undefined> {
    // The contact flow's choice and interruption records share the contact's partition: not sessions.
    if (agentId.startsWith('#')) return undefined;
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: { contactId, agentId }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : sessionFromItem(result.Item);
  }

  async putOverride(override: ContactOverride, expiresAt: Date): Promise<void> {
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          ...definedFields(override),
          [SESSION_TABLE.sortKey]: OVERRIDE_SORT_KEY,
          [SESSION_TABLE.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
        },
      }),
    );
  }

  async getOverride(contactId: string): Promise<ContactOverride | undefined> {
    const result = await this.props.client.send(
      new GetCommand({
        TableName: this.props.tableName,
        Key: { [SESSION_TABLE.partitionKey]: contactId, [SESSION_TABLE.sortKey]: OVERRIDE_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : overrideFromItem(result.Item);
  }

  async getOverrides(contactIds: readonly string[]): Promise<ReadonlyMap<string, ContactOverride>> {
    return (await this.batchRead(contactIds, undefined)).overrides;
  }

  readLeg(
    contactIds: readonly string[],
    session: { readonly contactId: string; readonly agentId: string },
  ): Promise<LegRead> {
    return this.batchRead(contactIds, session);
  }

  /**
   * One consistent BatchGetItem: the flow choices of `contactIds`, and with `leg` its session and
   * its interruption record.
   */
  private async batchRead(
    contactIds: readonly string[],
    leg: { readonly contactId: string; readonly agentId: string } | undefined,
  ): Promise<{
    overrides: Map<string, ContactOverride>;
    session: Session | undefined;
    interrupted: boolean;
  }> {
    const found = new Map<string, ContactOverride>();
    let stored: Session | undefined;
    let interrupted = false;
    const ids = [...new Set(contactIds)];
    let keys: Record<string, unknown>[] | undefined = ids.map((contactId) => ({
      [SESSION_TABLE.partitionKey]: contactId,
      [SESSION_TABLE.sortKey]: OVERRIDE_SORT_KEY,
    }));
    if (leg !== undefined) {
      keys.push(
        { [SESSION_TABLE.partitionKey]: leg.contactId, [SESSION_TABLE.sortKey]: leg.agentId },
        this.interruptionKey(leg.contactId, leg.agentId),
      );
    }
    if (keys.length === 0) return { overrides: found, session: stored, interrupted };
    // One request; DynamoDB may leave some keys unprocessed under load: ask again for those only.
    for (let attempt = 0; keys !== undefined && keys.length > 0; attempt++) {
      if (attempt >= MAX_BATCH_ATTEMPTS) {
        throw new Error(`BatchGetItem left ${keys.length} items unread after ${attempt} attempts`);
      }
      const result: BatchGetCommandOutput = await this.props.client.send(
        new BatchGetCommand({
          RequestItems: { [this.props.tableName]: { Keys: keys, ConsistentRead: true } },
        }),
      );
      for (const item of result.Responses?.[this.props.tableName] ?? []) {
        const sort = String(item[SESSION_TABLE.sortKey]);
        if (sort === OVERRIDE_SORT_KEY) {
          const override = overrideFromItem(item);
          found.set(override.contactId, override);
        } else if (sort.startsWith(INTERRUPTION_SORT_PREFIX)) {
          interrupted = item.interrupted === true;
        } else {
          stored = sessionFromItem(item);
        }
      }
      keys = result.UnprocessedKeys?.[this.props.tableName]?.Keys;
    }
    return { overrides: found, session: stored, interrupted };
  }

  async listByContact(contactId: string): Promise<Session[]> {
    const sessions: Session[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          KeyConditionExpression: '#pk = :contact',
          ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey },
          ExpressionAttributeValues: { ':contact': contactId },
          ExclusiveStartKey: startKey,
        }),
      );
      // The partition also holds the flow's choice and interruption records (sort keys from '#').
      for (const item of page.Items ?? []) {
        if (!String(item[SESSION_TABLE.sortKey]).startsWith('#')) sessions.push(sessionFromItem(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return sessions;
  }

  async markInterruption(
    contactId: string,
    agentId: string,
    side: 'INTERRUPTED' | 'ENDED',
    expiresAt: Date,
  ): Promise<{ interrupted: boolean; ended: boolean }> {
    // One atomic update: the write that sets the second side is the only one that sees both.
    const result = await this.props.client.send(
      new UpdateCommand({
        TableName: this.props.tableName,
        Key: this.interruptionKey(contactId, agentId),
        UpdateExpression: 'SET #side = :true, #ttl = :ttl',
        ExpressionAttributeNames: {
          '#side': side === 'INTERRUPTED' ? 'interrupted' : 'ended',
          '#ttl': SESSION_TABLE.ttlAttribute,
        },
        ExpressionAttributeValues: { ':true': true, ':ttl': Math.floor(expiresAt.getTime() / 1000) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { interrupted: result.Attributes?.interrupted === true, ended: result.Attributes?.ended === true };
  }

  async claimInterruptionRestore(
    contactId: string,
    agentId: string,
    now: Date,
    staleBefore: Date,
  ): Promise<boolean> {
    try {
      await this.props.client.send(
        new UpdateCommand({
          TableName: this.props.tableName,
          Key: this.interruptionKey(contactId, agentId),
          UpdateExpression: 'SET restoreClaimedAt = :now',
          ConditionExpression:
            'attribute_exists(#pk) AND attribute_not_exists(restoreDone) AND ' +
            '(attribute_not_exists(restoreClaimedAt) OR restoreClaimedAt < :stale)',
          ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey },
          ExpressionAttributeValues: { ':now': now.getTime(), ':stale': staleBefore.getTime() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async claimSharedRestore(
    agentId: string,
    claimant: string,
    heldSince: Date,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: {
            [SESSION_TABLE.partitionKey]: `${AGENT_STATUS_PARTITION_PREFIX}${agentId}`,
            [SESSION_TABLE.sortKey]: RESTORE_CLAIM_SORT_KEY,
            claimant,
            claimedAt: now.getTime(),
            [SESSION_TABLE.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR claimedAt < :held OR claimant = :claimant',
          ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey },
          ExpressionAttributeValues: { ':claimant': claimant, ':held': heldSince.getTime() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async markInterruptionRestored(contactId: string, agentId: string): Promise<void> {
    try {
      await this.props.client.send(
        new UpdateCommand({
          TableName: this.props.tableName,
          Key: this.interruptionKey(contactId, agentId),
          UpdateExpression: 'SET restoreDone = :true',
          // Never creates a record (it would have no TTL): without one there is nothing to mark.
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey },
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private interruptionKey(contactId: string, agentId: string): Record<string, string> {
    return {
      [SESSION_TABLE.partitionKey]: contactId,
      [SESSION_TABLE.sortKey]: `${INTERRUPTION_SORT_PREFIX}${agentId}`,
    };
  }

  async putAgentStatus(agentId: string, status: ObservedStatus, expiresAt: Date): Promise<boolean> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: {
            ...this.agentStatusKey(agentId),
            ...definedFields(status),
            sinceMs: Date.parse(status.since),
            // Listed with the agent's open wrap-ups (listAgent): one Query reads both.
            [SESSION_TABLE.openByAgentKey]: agentId,
            [SESSION_TABLE.openByAgentSort]: AGENT_STATUS_OPEN_SORT,
            [SESSION_TABLE.ttlAttribute]: Math.floor(expiresAt.getTime() / 1000),
          },
          // Reordered events: an older status never replaces a newer one.
          ConditionExpression: 'attribute_not_exists(sinceMs) OR sinceMs < :since',
          ExpressionAttributeValues: { ':since': Date.parse(status.since) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getAgentStatus(agentId: string): Promise<ObservedStatus | undefined> {
    const result = await this.props.client.send(
      new GetCommand({
        TableName: this.props.tableName,
        Key: this.agentStatusKey(agentId),
        ConsistentRead: true,
      }),
    );
    return result.Item === undefined ? undefined : observedFromItem(result.Item);
  }

  private agentStatusKey(agentId: string): Record<string, string> {
    return {
      [SESSION_TABLE.partitionKey]: `${AGENT_STATUS_PARTITION_PREFIX}${agentId}`,
      [SESSION_TABLE.sortKey]: AGENT_STATUS_SORT_KEY,
    };
  }

  async listOpenByAgent(agentId: string): Promise<Session[]> {
    return [...(await this.listAgent(agentId)).sessions];
  }

  async listAgent(agentId: string): Promise<AgentListing> {
    const sessions: Session[] = [];
    let observed: ObservedStatus | undefined;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          IndexName: SESSION_TABLE.openByAgentIndex,
          KeyConditionExpression: '#agent = :agent',
          ExpressionAttributeNames: { '#agent': SESSION_TABLE.openByAgentKey },
          ExpressionAttributeValues: { ':agent': agentId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (isSessionItem(item)) sessions.push(sessionFromItem(item));
        else if (String(item[SESSION_TABLE.partitionKey]).startsWith(AGENT_STATUS_PARTITION_PREFIX))
          observed = observedFromItem(item);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return { sessions, observed };
  }

  async listOpen(): Promise<Session[]> {
    // The index is sparse: scanning it reads open sessions only, however many closed ones the table keeps.
    const sessions: Session[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new ScanCommand({
          TableName: this.props.tableName,
          IndexName: SESSION_TABLE.openByAgentIndex,
          ExclusiveStartKey: startKey,
        }),
      );
      // The agents' status items are in the index too (listAgent): not sessions.
      for (const item of page.Items ?? []) if (isSessionItem(item)) sessions.push(sessionFromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return sessions;
  }

  async save(session: Session): Promise<Session> {
    const next = { ...session, version: session.version + 1 };
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: this.toItem(next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': session.version },
        }),
      );
      return next;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new VersionConflict(session.contactId, session.agentId);
      }
      throw error;
    }
  }

  private toItem(session: Session): Record<string, unknown> {
    const { contactRecord, history, ...fields } = session;
    const item: Record<string, unknown> = {
      ...definedFields(fields),
      history: storedHistory(history),
      ...(contactRecord === undefined ? {} : { [SESSION_TABLE.contactRecordAttribute]: contactRecord }),
    };
    if (isComplete(session)) item[SESSION_TABLE.byQueueDayKey] = queueDayOf(session);
    // Listed while open, and after the close until its restore and record are done, so that the
    // sweep finds a close that did not finish (R15).
    if (session.state === 'WRAP_UP' || closeIsPending(session)) {
      item[SESSION_TABLE.openByAgentKey] = session.agentId;
      item[SESSION_TABLE.openByAgentSort] = session.deadline ?? UNTIMED;
    }
    if (session.endedAt !== undefined) {
      item[SESSION_TABLE.ttlAttribute] =
        Math.floor(new Date(session.endedAt).getTime() / 1000) + this.props.retentionDays * 86_400;
    }
    return item;
  }
}

/** How often `getOverrides` asks again for keys DynamoDB left unprocessed. */
const MAX_BATCH_ATTEMPTS = 3;

/** A stored agent status (`putAgentStatus`) as reported; undefined when malformed. */
function observedFromItem(item: Record<string, unknown>): ObservedStatus | undefined {
  if (typeof item.name !== 'string' || typeof item.since !== 'string') return undefined;
  return { name: item.name, since: item.since, ...(typeof item.arn === 'string' ? { arn: item.arn } : {}) };
}

/** A stored flow choice, its key and TTL attributes dropped. */
function overrideFromItem(item: Record<string, unknown>): ContactOverride {
  const { agentId: _sort, expiresAt: _ttl, ...override } = item;
  return override as unknown as ContactOverride;
}

const DERIVED = new Set<string>([
  SESSION_TABLE.byQueueDayKey,
  SESSION_TABLE.openByAgentKey,
  SESSION_TABLE.openByAgentSort,
  SESSION_TABLE.ttlAttribute,
]);

/**
 * A stored item as a session: the derived index and TTL attributes dropped, `contactRecord` under
 * its own name, the history decoded (`historyOf`).
 */
export function sessionFromItem(item: Record<string, unknown>): Session {
  const session: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === SESSION_TABLE.contactRecordAttribute) session.contactRecord = value;
    else if (key === 'history') session.history = historyOf(value);
    else if (!DERIVED.has(key)) session[key] = value;
  }
  return session as unknown as Session;
}
