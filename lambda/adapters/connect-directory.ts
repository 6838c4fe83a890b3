/**
 * The names of an instance's queues and agents, from Amazon Connect, for the API's views.
 *
 * - Queues: ListQueues (STANDARD queues only: agent queues are named after their agent), paged.
 * - Agents: SearchUsers without criteria lists every user with its identity (paged, 100 a page);
 *   an agent is named "FirstName LastName", else by their login (Username). An agent the listing
 *   lacks (created since) is looked up with DescribeUser.
 *
 * Both listings are kept in memory per instance for `ttlMs` (5 minutes), so a board polling every
 * few seconds costs a few Connect calls per TTL per container, not per request. An id the cache
 * does not know is a miss: the queue listing is read again, or the user described, at most once
 * every `missRefreshMs` (60 s) per listing or per user id, so ids Connect cannot name (a deleted
 * user, a queue of another instance) do not turn every request into Connect calls.
 * The cache is in memory only (per Lambda container), not kept in the session table.
 *
 * These calls have their own API quotas, not PutUserStatus's: they go on the `connectDirectory`
 * client, outside the quota gate (R15).
 */
import {
  type ConnectClient,
  DescribeUserCommand,
  ListQueuesCommand,
  ResourceNotFoundException,
  SearchUsersCommand,
} from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type { Directory, DirectoryNames } from '../core/ports';

export interface ConnectDirectoryProps {
  readonly client: ConnectClient;
  /**
   * How long a listing is kept.
   * @default 300_000 (5 minutes)
   */
  readonly ttlMs?: number;
  /**
   * The least time between two look-ups caused by ids the cache lacks (per listing, per user id).
   * @default 60_000 (1 minute)
   */
  readonly missRefreshMs?: number;
  /**
   * Most users described (DescribeUser) for one request's misses; the rest wait for the next.
   * @default 10
   */
  readonly maxDescribesPerCall?: number;
  /** Milliseconds since the epoch; the clock the cache expires on. @default Date.now */
  readonly now?: () => number;
}

/** Default time a listing is kept: a queue or agent renamed in Connect shows within this long. */
export const DIRECTORY_CACHE_TTL_MS = 5 * 60 * 1000;
/** Default least time between two look-ups caused by unknown ids. */
export const DIRECTORY_MISS_REFRESH_MS = 60 * 1000;

interface Listing {
  readonly names: Promise<Map<string, string>>;
  readonly loadedAt: number;
}

/** Directory on ListQueues, SearchUsers and DescribeUser, cached per instance. */
export class ConnectDirectory implements Directory {
  private readonly queues = new Map<string, Listing>();
  private readonly agents = new Map<string, Listing>();
  /** `instanceId/userId` to when DescribeUser last failed to name it. */
  private readonly unnamed = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly missRefreshMs: number;
  private readonly maxDescribes: number;
  private readonly now: () => number;

  constructor(private readonly props: ConnectDirectoryProps) {
    this.ttlMs = props.ttlMs ?? DIRECTORY_CACHE_TTL_MS;
    this.missRefreshMs = props.missRefreshMs ?? DIRECTORY_MISS_REFRESH_MS;
    this.maxDescribes = props.maxDescribesPerCall ?? 10;
    this.now = props.now ?? Date.now;
  }

  async names(
    instanceArn: string,
    ids: { readonly queueIds: readonly string[]; readonly agentIds: readonly string[] },
  ): Promise<DirectoryNames> {
    const instanceId = lastArnSegment(instanceArn);
    const [queues, agents] = await Promise.all([
      ids.queueIds.length === 0
        ? new Map<string, string>()
        : this.listing(this.queues, instanceId, ids.queueIds, () => this.listQueues(instanceId)),
      ids.agentIds.length === 0 ? new Map<string, string>() : this.agentNames(instanceId, ids.agentIds),
    ]);
    return { queues: pick(queues, ids.queueIds), agents: pick(agents, ids.agentIds) };
  }

  /**
   * The cached listing, read again when it is older than the TTL, or when it lacks one of `ids`
   * and is older than `missRefreshMs`. A failed read is not kept: the next request tries again.
   */
  private async listing(
    cache: Map<string, Listing>,
    instanceId: string,
    ids: readonly string[],
    load: () => Promise<Map<string, string>>,
  ): Promise<Map<string, string>> {
    const cached = cache.get(instanceId);
    const now = this.now();
    if (cached !== undefined && now - cached.loadedAt < this.ttlMs) {
      const names = await cached.names;
      const missing = ids.some((id) => !names.has(id));
      if (!missing || now - cached.loadedAt < this.missRefreshMs) return names;
    }
    // The cache may have been replaced while this request waited.
    const current = cache.get(instanceId);
    if (current !== undefined && current !== cached) return current.names;
    const names = load();
    const listing = { names, loadedAt: now };
    cache.set(instanceId, listing);
    names.catch(() => {
      if (cache.get(instanceId) === listing) cache.delete(instanceId);
    });
    return names;
  }

  /** The user listing, and DescribeUser for the agents it lacks (each at most once per `missRefreshMs`). */
  private async agentNames(instanceId: string, agentIds: readonly string[]): Promise<Map<string, string>> {
    // No id is a miss of the listing itself: the agents it lacks are described one by one.
    const names = await this.listing(this.agents, instanceId, [], () => this.searchUsers(instanceId));
    const now = this.now();
    const toDescribe = [...new Set(agentIds)]
      .filter((id) => !names.has(id))
      .filter((id) => {
        const triedAt = this.unnamed.get(`${instanceId}/${id}`);
        return triedAt === undefined || now - triedAt >= this.missRefreshMs;
      })
      .slice(0, this.maxDescribes);
    await Promise.all(
      toDescribe.map(async (userId) => {
        const name = await this.describeUser(instanceId, userId);
        if (name === undefined) this.unnamed.set(`${instanceId}/${userId}`, now);
        else {
          names.set(userId, name);
          this.unnamed.delete(`${instanceId}/${userId}`);
        }
      }),
    );
    return names;
  }

  private async listQueues(instanceId: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new ListQueuesCommand({
          InstanceId: instanceId,
          QueueTypes: ['STANDARD'],
          MaxResults: 1000,
          NextToken: nextToken,
        }),
      );
      for (const queue of page.QueueSummaryList ?? []) {
        if (queue.Id !== undefined && queue.Name !== undefined && queue.Name !== '')
          names.set(queue.Id, queue.Name);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return names;
  }

  private async searchUsers(instanceId: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new SearchUsersCommand({ InstanceId: instanceId, MaxResults: 100, NextToken: nextToken }),
      );
      for (const user of page.Users ?? []) {
        const name = agentName(user.IdentityInfo, user.Username);
        if (user.Id !== undefined && name !== undefined) names.set(user.Id, name);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return names;
  }

  /** The user's name, or undefined when the instance has no such user (deleted). */
  private async describeUser(instanceId: string, userId: string): Promise<string | undefined> {
    try {
      const { User: user } = await this.props.client.send(
        new DescribeUserCommand({ InstanceId: instanceId, UserId: userId }),
      );
      return agentName(user?.IdentityInfo, user?.Username);
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    }
  }
}

/** "FirstName LastName" when Connect has either, else the login. */
export function agentName(
  identity: { readonly FirstName?: string | undefined; readonly LastName?: string | undefined } | undefined,
  username: string | undefined,
): string | undefined {
  const full = [identity?.FirstName, identity?.LastName]
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' ');
  if (full !== '') return full;
  return username === undefined || username === '' ? undefined : username;
}

function pick(names: ReadonlyMap<string, string>, ids: readonly string[]): Map<string, string> {
  const picked = new Map<string, string>();
  for (const id of ids) {
    const name = names.get(id);
    if (name !== undefined) picked.set(id, name);
  }
  return picked;
}
