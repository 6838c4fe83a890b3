/**
 * R20: the run-time policy overrides in the session table, beside the sessions: one document item
 * (`#POLICIES` / `#LIVE`) and one audit item per change (`#POLICIES` / `#CHANGE#<version>`), kept
 * (no expiry). A change (or an import, which replaces the whole document) writes both in one
 * transaction, the document conditional on the version it was made on, so two administrators can
 * never both win, and no change goes unaudited.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { NO_OVERRIDES, nextDocument, nextKillSwitchDocument } from '../core/policy-overrides';
import {
  type KillSwitchWrite,
  type PolicyChangeRecord,
  type PolicyHistoryRecord,
  type PolicyImportRecord,
  type PolicyOverrides,
  type PolicyReplacement,
  type PolicyStore,
  PolicyVersionConflict,
  type PolicyWrite,
} from '../core/ports';
import {
  POLICY_CHANGE_SORT_PREFIX,
  POLICY_DOCUMENT_SORT_KEY,
  POLICY_PARTITION_KEY,
  policyChangeSortKey,
  SESSION_TABLE,
} from './session-keys';

export interface DynamoPolicyStoreProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

const KEY = SESSION_TABLE;

/** The policy store on the session table. */
export class DynamoPolicyStore implements PolicyStore {
  constructor(private readonly props: DynamoPolicyStoreProps) {}

  async read(): Promise<PolicyOverrides> {
    const { Item } = await this.props.client.send(
      new GetCommand({
        TableName: this.props.tableName,
        Key: { [KEY.partitionKey]: POLICY_PARTITION_KEY, [KEY.sortKey]: POLICY_DOCUMENT_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    if (Item === undefined) return NO_OVERRIDES;
    return {
      version: Number(Item.version),
      ...(Item.default === undefined ? {} : { default: Item.default }),
      channels: Item.channels ?? {},
      queues: Item.queues ?? {},
      profiles: Item.profiles ?? {},
      agentGroups: Item.agentGroups ?? {},
      ...(Item.killSwitch === undefined ? {} : { killSwitch: Item.killSwitch }),
    };
  }

  async write(change: PolicyWrite): Promise<PolicyChangeRecord> {
    const current = await this.read();
    if (current.version !== change.expectedVersion) throw new PolicyVersionConflict(change.expectedVersion);
    const { doc, record } = nextDocument(current, change);
    await this.commit(change.expectedVersion, doc, record);
    return record;
  }

  async writeKillSwitch(change: KillSwitchWrite): Promise<PolicyChangeRecord> {
    const current = await this.read();
    if (current.version !== change.expectedVersion) throw new PolicyVersionConflict(change.expectedVersion);
    const { doc, record } = nextKillSwitchDocument(current, change);
    await this.commit(change.expectedVersion, doc, record);
    return record;
  }

  async replaceAll(replacement: PolicyReplacement): Promise<PolicyImportRecord> {
    await this.commit(replacement.expectedVersion, replacement.doc, replacement.record);
    return replacement.record;
  }

  /** The document and its audit record in one transaction, the document conditional on the version. */
  private async commit(
    expectedVersion: number,
    doc: PolicyOverrides,
    record: PolicyHistoryRecord,
  ): Promise<void> {
    try {
      await this.props.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.props.tableName,
                Item: {
                  [KEY.partitionKey]: POLICY_PARTITION_KEY,
                  [KEY.sortKey]: POLICY_DOCUMENT_SORT_KEY,
                  ...doc,
                },
                ConditionExpression:
                  expectedVersion === 0 ? 'attribute_not_exists(#version)' : '#version = :expected',
                ExpressionAttributeNames: { '#version': 'version' },
                ...(expectedVersion === 0
                  ? {}
                  : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
              },
            },
            {
              Put: {
                TableName: this.props.tableName,
                Item: {
                  [KEY.partitionKey]: POLICY_PARTITION_KEY,
                  [KEY.sortKey]: policyChangeSortKey(record.version),
                  ...record,
                },
                ConditionExpression: 'attribute_not_exists(#sk)',
                ExpressionAttributeNames: { '#sk': KEY.sortKey },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const failed = error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed');
        if (failed) throw new PolicyVersionConflict(expectedVersion);
      }
      throw error;
    }
  }

  async history(limit: number): Promise<PolicyHistoryRecord[]> {
    const records: PolicyHistoryRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.props.client.send(
        new QueryCommand({
          TableName: this.props.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
          ExpressionAttributeValues: { ':pk': POLICY_PARTITION_KEY, ':prefix': POLICY_CHANGE_SORT_PREFIX },
          ScanIndexForward: false,
          Limit: limit - records.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const { [KEY.partitionKey]: _pk, [KEY.sortKey]: _sk, ...record } = item;
        records.push(record as PolicyHistoryRecord);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && records.length < limit);
    return records;
  }
}
