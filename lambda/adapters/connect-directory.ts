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
 * With `snapshots` (the session table, one item per listing), a container without a listing of
 * its own reads the last one saved, if younger than the TTL, before listing Connect; each listing
 * from Connect is saved there. There is no scheduled refresh: a listing is refreshed when a
 * request finds it expired or missing an id.
 *
 * Agent hierarchy groups (R3, R20) are named from the catalog (lambda/core/catalog.ts: kept in
 * the table, refreshed on a schedule), through `agentGroups`; kept in memory like the listings,
 * and a group the catalog lacks makes it listed from Connect again, at most once per
 * `missRefreshMs`.
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
import type { Directory, DirectoryNames, Log } from '../core/ports';
import type { DirectoryKind, DirectorySnapshots } from './dynamo-directory-snapshots';

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
  /** Where listings are kept between containers. @default - in memory only */
  readonly snapshots?: DirectorySnapshots | undefined;
  /** Told when a snapshot cannot be read or saved (names still come from Connect). */
  readonly log?: Pick<Log, 'warn'> | undefined;
  /**
   * R3, R20: every agent hierarchy group's name by id, from the catalog; `miss` when a group asked
   * for was not in the last answer (the catalog is then listed from Connect again).
   * @default - groups are not named
   */
  readonly agentGroups?:
    | ((instanceArn: string, miss: boolean) => Promise<ReadonlyMap<string, string>>)
    | undefined;
}

/** Default time a listing is kept: a queue or agent renamed in Connect shows within this long. */
export const DIRECTORY_CACHE_TTL_MS = 5 * 60 * 1000;
/** Default least time between two look-ups caused by unknown ids. */
export const DIRECTORY_MISS_REFRESH_MS = 60 * 1000;

interface Listing {
  readonly names: Map<string, string>;
  /** When it was listed from Connect (epoch ms). */
  readonly loadedAt: number;
  /** A refresh failed: this (older) listing is served until then (epoch ms) before trying again. */
  readonly retryAt?: number | undefined;
}

/** Directory on ListQueues, SearchUsers and DescribeUser, cached per instance. */
export class ConnectDirectory implements Directory {
  private readonly queues = new Map<string, Promise<Listing>>();
  private readonly agents = new Map<string, Promise<Listing>>();
  private readonly groups = new Map<string, Promise<Listing>>();
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
    ids: {
      readonly queueIds: readonly string[];
      readonly agentIds: readonly string[];
      readonly agentGroupIds?: readonly string[] | undefined;
    },
  ): Promise<DirectoryNames> {
    const instanceId = lastArnSegment(instanceArn);
    const groupIds = ids.agentGroupIds ?? [];
    const [queues, agents, groups] = await Promise.all([
      ids.queueIds.length === 0
        ? new Map<string, string>()
        : this.listing('queues', instanceId, ids.queueIds, () => this.listQueues(instanceId)),
      ids.agentIds.length === 0 ? new Map<string, string>() : this.agentNames(instanceId, ids.agentIds),
      groupIds.length === 0 ? new Map<string, string>() : this.groupNames(instanceArn, instanceId, groupIds),
    ]);
    return {
      queues: pick(queues, ids.queueIds),
      agents: pick(agents, ids.agentIds),
      ...(ids.agentGroupIds === undefined ? {} : { agentGroups: pick(groups, groupIds) }),
    };
  }

  /** R3, R20: the groups' names from the catalog, kept like a listing (not saved again: the catalog is). */
  private async groupNames(
    instanceArn: string,
    instanceId: string,
    groupIds: readonly string[],
  ): Promise<Map<string, string>> {
    const source = this.props.agentGroups;
    if (source === undefined) return new Map();
    try {
      return await this.listing(
        'agentGroups',
        instanceId,
        groupIds,
        async (miss) => new Map(await source(instanceArn, miss)),
      );
    } catch (error) {
      // Groups left unnamed never cost the queues' and agents' names of the same answer.
      this.warn('Could not name the agent groups: the answer names none', 'agentGroups', error);
      return new Map();
    }
  }

  /**
   * The cached listing, read again when it is older than the TTL, or when it lacks one of `ids`
   * and is older than `missRefreshMs`. When a refresh fails, the older listing is served for
   * `missRefreshMs` more (a warning logged) rather than calling Connect on every request while it
   * throttles; a first listing that fails is not kept: the error reaches the caller, and the next
   * request tries again.
   */
  private async listing(
    kind: DirectoryKind | 'agentGroups',
    instanceId: string,
    ids: readonly string[],
    fromConnect: (miss: boolean) => Promise<Map<string, string>>,
  ): Promise<Map<string, string>> {
    const cache = kind === 'queues' ? this.queues : kind === 'agents' ? this.agents : this.groups;
    const cached = cache.get(instanceId);
    let miss = false;
    if (cached !== undefined) {
      const listing = await cached;
      const now = this.now();
      const age = now - listing.loadedAt;
      const missing = ids.some((id) => !listing.names.has(id));
      if (listing.retryAt !== undefined && now < listing.retryAt) return listing.names;
      if (age < this.ttlMs && (!missing || age < this.missRefreshMs)) return listing.names;
      miss = missing && age < this.ttlMs;
      // Another request may have started the refresh while this one waited.
      const current = cache.get(instanceId);
      if (current !== undefined && current !== cached) return (await current).names;
    }
    const previous = cached === undefined ? undefined : await cached;
    const load =
      kind === 'agentGroups'
        ? fromConnect(miss).then((names) => ({ names, loadedAt: this.now() }))
        : this.load(kind, instanceId, cached === undefined, () => fromConnect(miss));
    const loading = load.catch((error: unknown): Listing => {
      if (previous === undefined) throw error;
      this.warn('Could not refresh the names: the older ones are kept', kind, error);
      return { ...previous, retryAt: this.now() + this.missRefreshMs };
    });
    cache.set(instanceId, loading);
    loading.catch(() => {
      if (cache.get(instanceId) === loading) cache.delete(instanceId);
    });
    return (await loading).names;
  }

  /**
   * A listing: a container without one of its own (`cold`) takes the saved snapshot when it is
   * younger than the TTL; else Connect's, then saved.
   */
  private async load(
    kind: DirectoryKind,
    instanceId: string,
    cold: boolean,
    fromConnect: () => Promise<Map<string, string>>,
  ): Promise<Listing> {
    const snapshots = this.props.snapshots;
    if (cold && snapshots !== undefined) {
      const saved = await snapshots.read(instanceId, kind).catch((error: unknown) => {
        this.warn('Could not read the saved names', kind, error);
        return undefined;
      });
      if (saved !== undefined && this.now() - saved.savedAt < this.ttlMs) {
        return { names: saved.names, loadedAt: saved.savedAt };
      }
    }
    const names = await fromConnect();
    const loadedAt = this.now();
    await snapshots
      ?.write(instanceId, kind, { names: new Map(names), savedAt: loadedAt })
      .catch((error: unknown) => {
        this.warn('Could not save the names', kind, error);
      });
    return { names, loadedAt };
  }

  private warn(message: string, kind: DirectoryKind | 'agentGroups', error: unknown): void {
    this.props.log?.warn(message, {
      kind,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
  }

  /** The user listing, and DescribeUser for the agents it lacks (each at most once per `missRefreshMs`). */
  private async agentNames(instanceId: string, agentIds: readonly string[]): Promise<Map<string, string>> {
    // No id is a miss of the listing itself: the agents it lacks are described one by one.
    const names = await this.listing('agents', instanceId, [], () => this.searchUsers(instanceId));
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
