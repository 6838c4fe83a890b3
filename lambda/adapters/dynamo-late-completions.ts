/**
 * Issue 13: LateCompletions on the session table: one item per day to roll up again, partition
 * `#REPORT#LATE`, sort key the day, `markedAt` the last mark (a later mark replaces it, so the
 * roll-up removes the mark only if nothing marked it since it read it). Written only by the write
 * completing a session after its day's roll-up: never on time.
 */
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LateCompletions } from '../core/late-completions';
import { REPORT_ITEMS } from './report-keys';
import { SESSION_TABLE } from './session-keys';

export interface DynamoLateCompletionsProps {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

export class DynamoLateCompletions implements LateCompletions {
  constructor(private readonly props: DynamoLateCompletionsProps) {}

  async mark(day: string, at: Date): Promise<void> {
    await this.props.client.send(
      new PutCommand({
        TableName: this.props.tableName,
        Item: {
          [SESSION_TABLE.partitionKey]: REPORT_ITEMS.latePartition,
          [SESSION_TABLE.sortKey]: day,
          markedAt: at.toISOString(),
        },
      }),
    );
  }
}
