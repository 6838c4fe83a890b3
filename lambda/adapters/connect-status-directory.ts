/**
 * R19: the statuses an agent may choose to land in after wrap-up, from Amazon Connect.
 *
 * ListAgentStatuses cannot tell them: its AgentStatusSummary carries Id, Arn, Name and Type but no
 * State, so a disabled status is listed like an enabled one, and telling them apart would take a
 * DescribeAgentStatus per status. SearchAgentStatuses returns whole AgentStatus objects (with
 * State) and searches on the `state` field, so one paged call with the condition
 * `state EXACT ENABLED` lists the enabled statuses only (the answer's State is checked as well).
 * The wrap-up status is left out. The list is cached per instance for a few minutes, so a widget
 * polling every few seconds costs one Connect call per TTL per container. It is a different API
 * from PutUserStatus, with its own quota: it does not go through the PutUserStatus quota gate.
 */
import {
  type AgentStatus as ConnectAgentStatus,
  type ConnectClient,
  SearchAgentStatusesCommand,
} from '@aws-sdk/client-connect';
import type { StatusRef } from '../core/config';
import { lastArnSegment } from '../core/contact';
import type { AgentStatusType, ChoosableStatus, StatusDirectory } from '../core/ports';

export interface ConnectStatusDirectoryProps {
  readonly client: ConnectClient;
  /** The wrap-up status, left out of the list (by id when configured by id, else by name). */
  readonly wrapUpStatus: StatusRef;
  /**
   * How long a listing is kept.
   * @default 300_000 (5 minutes)
   */
  readonly ttlMs?: number;
  /** Milliseconds since the epoch; the clock the cache expires on. @default Date.now */
  readonly now?: () => number;
}

/** Default time a listing is kept: a status enabled or disabled in Connect shows within this long. */
export const STATUS_CACHE_TTL_MS = 5 * 60 * 1000;

const TYPES: readonly AgentStatusType[] = ['ROUTABLE', 'CUSTOM', 'OFFLINE'];

/** StatusDirectory on SearchAgentStatuses (enabled statuses only), cached per instance. */
export class ConnectStatusDirectory implements StatusDirectory {
  private readonly cache = new Map<string, { list: Promise<ChoosableStatus[]>; expires: number }>();
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly props: ConnectStatusDirectoryProps) {
    this.ttlMs = props.ttlMs ?? STATUS_CACHE_TTL_MS;
    this.now = props.now ?? Date.now;
  }

  async choosable(instanceArn: string): Promise<readonly ChoosableStatus[]> {
    const instanceId = lastArnSegment(instanceArn);
    const cached = this.cache.get(instanceId);
    if (cached !== undefined && cached.expires > this.now()) return cached.list;
    const list = this.search(instanceId);
    this.cache.set(instanceId, { list, expires: this.now() + this.ttlMs });
    // A failed listing is not cached: the next request tries again.
    list.catch(() => this.cache.delete(instanceId));
    return list;
  }

  private async search(instanceId: string): Promise<ChoosableStatus[]> {
    const found: Array<{ status: ChoosableStatus; order: number }> = [];
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new SearchAgentStatusesCommand({
          InstanceId: instanceId,
          MaxResults: 100,
          NextToken: nextToken,
          SearchCriteria: {
            StringCondition: { FieldName: 'state', Value: 'ENABLED', ComparisonType: 'EXACT' },
          },
        }),
      );
      for (const status of page.AgentStatuses ?? []) {
        const choosable = this.choosableOf(status);
        if (choosable !== undefined)
          found.push({ status: choosable, order: status.DisplayOrder ?? Number.MAX_SAFE_INTEGER });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    // Connect's display order, then by name: the order agents know from their status list.
    found.sort(
      (a, b) =>
        a.order - b.order || (a.status.name < b.status.name ? -1 : a.status.name > b.status.name ? 1 : 0),
    );
    return found.map((entry) => entry.status);
  }

  private choosableOf(status: ConnectAgentStatus): ChoosableStatus | undefined {
    const { Name: name, Type: type, State: state, AgentStatusId: id } = status;
    if (name === undefined || state !== 'ENABLED') return undefined;
    if (type === undefined || !(TYPES as readonly string[]).includes(type)) return undefined;
    const wrapUp = this.props.wrapUpStatus;
    if (wrapUp.id !== undefined ? id === wrapUp.id : name === (wrapUp.name ?? 'Wrap Up')) return undefined;
    return { name, type: type as AgentStatusType };
  }
}
