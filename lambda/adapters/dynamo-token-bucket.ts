/**
 * The Connect quota's token bucket (R15) as one item in the session table (partition `#QUOTA`),
 * shared by every function instance. Each take is a consistent read and a write conditional on
 * the state read, so two instances never take the same token.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { msUntil, type QuotaSettings, type TokenBucket, tokensAt } from '../core/quota';
import { QUOTA_PARTITION, SESSION_TABLE } from './session-keys';

export interface DynamoTokenBucketProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** One bucket per quota (default `connect`). */
  readonly name?: string;
}

/** Attempts of a take that loses its conditional write to another instance. */
const CONTENDED_ATTEMPTS = 5;

interface Stored {
  readonly tokens: number;
  readonly atMs: number;
  readonly version: number;
}

export class DynamoTokenBucket implements TokenBucket {
  constructor(private readonly props: DynamoTokenBucketProps) {}

  async take(need: number, now: Date, settings: QuotaSettings): Promise<number> {
    for (let attempt = 0; attempt < CONTENDED_ATTEMPTS; attempt++) {
      const stored = await this.read();
      const tokens = tokensAt(stored, now.getTime(), settings);
      if (tokens < need) return msUntil(tokens, need, settings);
      // Never moves the refill time back (an instance whose clock is behind would count a refill twice).
      const atMs = Math.max(now.getTime(), stored?.atMs ?? 0);
      if (await this.write({ tokens: tokens - 1, atMs }, stored)) return 0;
    }
    // Heavily contended: come back after about one token's time.
    return msUntil(0, 1, settings);
  }

  async drain(now: Date): Promise<void> {
    for (let attempt = 0; attempt < CONTENDED_ATTEMPTS; attempt++) {
      const stored = await this.read();
      if (await this.write({ tokens: 0, atMs: Math.max(now.getTime(), stored?.atMs ?? 0) }, stored)) return;
    }
  }

  private key(): Record<string, string> {
    return {
      [SESSION_TABLE.partitionKey]: QUOTA_PARTITION,
      [SESSION_TABLE.sortKey]: `#${this.props.name ?? 'connect'}`,
    };
  }

  private async read(): Promise<Stored | undefined> {
    const result = await this.props.client.send(
      new GetCommand({ TableName: this.props.tableName, Key: this.key(), ConsistentRead: true }),
    );
    const item = result.Item;
    if (item === undefined) return undefined;
    return { tokens: Number(item.tokens), atMs: Number(item.atMs), version: Number(item.version) };
  }

  /** Writes the new state if the stored one is still `read`; false when another instance got there first. */
  private async write(state: { tokens: number; atMs: number }, read: Stored | undefined): Promise<boolean> {
    try {
      await this.props.client.send(
        new PutCommand({
          TableName: this.props.tableName,
          Item: { ...this.key(), ...state, version: (read?.version ?? 0) + 1 },
          ...(read === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': SESSION_TABLE.partitionKey },
              }
            : {
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':version': read.version },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
