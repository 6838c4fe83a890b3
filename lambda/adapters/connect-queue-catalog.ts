/**
 * Issue 13: the queues whose sessions the reports read raw and the roll-up reads each night
 * (QueueCatalog): every STANDARD queue of the instance, from ListQueues, paged, kept in memory for
 * `ttlMs`. The sessions of a queue deleted since are found only while it is listed: the roll-up
 * runs two hours after each day (lambda/core/reports.ts `rollUp`), a deletion in between loses
 * that queue's last day from the reports (README, "Reports").
 *
 * ListQueues has its own quota, not PutUserStatus's: the `connectDirectory` client, outside the
 * quota gate (R15).
 */
import { type ConnectClient, ListQueuesCommand } from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type { QueueCatalog } from '../core/reports';

export interface ConnectQueueCatalogProps {
  readonly client: ConnectClient;
  readonly instanceArn: string;
  /** How long a listing is kept. @default 300_000 (5 minutes) */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** QueueCatalog on ListQueues. */
export class ConnectQueueCatalog implements QueueCatalog {
  private cached: { readonly ids: Promise<string[]>; readonly at: number } | undefined;

  constructor(private readonly props: ConnectQueueCatalogProps) {}

  queueIds(): Promise<string[]> {
    const now = (this.props.now ?? Date.now)();
    if (this.cached === undefined || now - this.cached.at >= (this.props.ttlMs ?? 300_000)) {
      const ids = this.list();
      // A failed listing is not kept: the next call lists again.
      ids.catch(() => {
        if (this.cached?.ids === ids) this.cached = undefined;
      });
      this.cached = { ids, at: now };
    }
    return this.cached.ids;
  }

  private async list(): Promise<string[]> {
    const ids: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new ListQueuesCommand({
          InstanceId: lastArnSegment(this.props.instanceArn),
          QueueTypes: ['STANDARD'],
          MaxResults: 1000,
          NextToken: nextToken,
        }),
      );
      for (const queue of page.QueueSummaryList ?? []) if (queue.Id !== undefined) ids.push(queue.Id);
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return ids;
  }
}
