/**
 * R20: the catalog (lambda/core/catalog.ts) as listed from Amazon Connect:
 *
 * - queues: ListQueues, STANDARD only (an agent queue is named after its agent, and no policy is
 *   keyed by one);
 * - agent hierarchy groups: ListUserHierarchyGroups (every level; a group's id is the last segment
 *   of the ARN the DISCONNECTED event names it by);
 * - agent statuses: ListAgentStatuses, every type. Not SearchAgentStatuses (R19's enabled-only
 *   search): the catalog names ids, and an id kept somewhere (a policy, a session's next status)
 *   may be of a status disabled since, which should still show by name.
 *
 * Each listing is paged (up to 1000 a page) and every page is one call through the quota gate
 * (lambda/core/quota.ts) on its own API's budget (`ListQueues`, `ListUserHierarchyGroups`,
 * `ListAgentStatuses`), so a listing never spends PutUserStatus's tokens, and a throttle slows only
 * its own API. The three listings run side by side: they share no quota.
 */
import {
  type ConnectClient,
  ListAgentStatusesCommand,
  ListQueuesCommand,
  ListUserHierarchyGroupsCommand,
} from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type {
  AgentStatusType,
  CatalogListing,
  CatalogSource,
  NamedResource,
  NamedStatus,
} from '../core/ports';
import type { ConnectGate } from '../core/quota';

export interface ConnectCatalogSourceProps {
  /** A client making one attempt per call: the gate owns retries. */
  readonly client: ConnectClient;
  /** Keeps each API to its own quota (R15). */
  readonly gate: ConnectGate;
}

/** Largest page the three List calls accept. */
export const CATALOG_PAGE_SIZE = 1000;

const TYPES: readonly AgentStatusType[] = ['ROUTABLE', 'CUSTOM', 'OFFLINE'];

/** CatalogSource on ListQueues, ListUserHierarchyGroups and ListAgentStatuses. */
export class ConnectCatalogSource implements CatalogSource {
  constructor(private readonly props: ConnectCatalogSourceProps) {}

  async list(instanceArn: string): Promise<CatalogListing> {
    const instanceId = lastArnSegment(instanceArn);
    const [queues, agentGroups, statuses] = await Promise.all([
      this.queues(instanceId),
      this.agentGroups(instanceId),
      this.statuses(instanceId),
    ]);
    return { queues, agentGroups, statuses };
  }

  private queues(instanceId: string): Promise<NamedResource[]> {
    return this.pages('ListQueues', async (nextToken) => {
      const page = await this.props.client.send(
        new ListQueuesCommand({
          InstanceId: instanceId,
          QueueTypes: ['STANDARD'],
          MaxResults: CATALOG_PAGE_SIZE,
          NextToken: nextToken,
        }),
      );
      return { items: named(page.QueueSummaryList), nextToken: page.NextToken };
    });
  }

  private agentGroups(instanceId: string): Promise<NamedResource[]> {
    return this.pages('ListUserHierarchyGroups', async (nextToken) => {
      const page = await this.props.client.send(
        new ListUserHierarchyGroupsCommand({
          InstanceId: instanceId,
          MaxResults: CATALOG_PAGE_SIZE,
          NextToken: nextToken,
        }),
      );
      return { items: named(page.UserHierarchyGroupSummaryList), nextToken: page.NextToken };
    });
  }

  private statuses(instanceId: string): Promise<NamedStatus[]> {
    return this.pages('ListAgentStatuses', async (nextToken) => {
      const page = await this.props.client.send(
        new ListAgentStatusesCommand({
          InstanceId: instanceId,
          MaxResults: CATALOG_PAGE_SIZE,
          NextToken: nextToken,
        }),
      );
      const items: NamedStatus[] = [];
      for (const { Id: id, Name: name, Type: type } of page.AgentStatusSummaryList ?? []) {
        if (id === undefined || name === undefined || name === '') continue;
        if (type === undefined || !(TYPES as readonly string[]).includes(type)) continue;
        items.push({ id, name, type: type as AgentStatusType });
      }
      return { items, nextToken: page.NextToken };
    });
  }

  /** Every page of one listing, each page one call on `api`'s budget. */
  private async pages<T>(
    api: string,
    page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>,
  ): Promise<T[]> {
    const all: T[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const result = await this.props.gate.call('OTHER', api, () => page(token));
      all.push(...result.items);
      nextToken = result.nextToken;
    } while (nextToken !== undefined);
    return all;
  }
}

/** Summaries with both an id and a non-empty name. */
function named(
  summaries:
    | ReadonlyArray<{ readonly Id?: string | undefined; readonly Name?: string | undefined }>
    | undefined,
): NamedResource[] {
  const items: NamedResource[] = [];
  for (const { Id: id, Name: name } of summaries ?? []) {
    if (id !== undefined && name !== undefined && name !== '') items.push({ id, name });
  }
  return items;
}
