/**
 * AgentStatus on Amazon Connect: PutUserStatus with the configured wrap-up or routable status, or
 * (R19) the status the agent chose to land in after wrap-up, by name.
 *
 * Statuses named by name are resolved to ids once per instance with ListAgentStatuses and cached
 * for the life of the container, so a wrap-up costs two Connect calls, not four. A chosen name the
 * cached list lacks (a status created since) is looked up once more before it is given up.
 */
import {
  type AgentStatusSummary,
  type ConnectClient,
  ListAgentStatusesCommand,
  PutUserStatusCommand,
} from '@aws-sdk/client-connect';
import type { StatusRef } from '../core/config';
import { lastArnSegment } from '../core/contact';
import { type AgentStatus, StatusUnavailable, type TargetStatus } from '../core/ports';

export interface ConnectAgentStatusProps {
  readonly client: ConnectClient;
  readonly wrapUpStatus: StatusRef;
  readonly routableStatus: StatusRef;
}

/** A configured status that the instance does not have. */
export class UnknownAgentStatus extends Error {
  constructor(instanceId: string, name: string) {
    super(`Amazon Connect instance ${instanceId} has no enabled agent status named "${name}"`);
    this.name = 'UnknownAgentStatus';
  }
}

export class ConnectAgentStatus implements AgentStatus {
  private readonly statusIds = new Map<string, Promise<Map<string, string>>>();

  constructor(private readonly props: ConnectAgentStatusProps) {}

  async set(instanceArn: string, agentId: string, status: TargetStatus): Promise<void> {
    const instanceId = lastArnSegment(instanceArn);
    if (typeof status === 'object') {
      await this.setChosen(instanceId, agentId, status.name);
      return;
    }
    const ref = status === 'WRAP_UP' ? this.props.wrapUpStatus : this.props.routableStatus;
    await this.put(instanceId, agentId, await this.idOf(instanceId, ref));
  }

  /** R19: a status the agent chose; one the instance does not have (any more) is StatusUnavailable. */
  private async setChosen(instanceId: string, agentId: string, name: string): Promise<void> {
    let id: string;
    try {
      id = await this.idOf(instanceId, { name });
    } catch (error) {
      if (!(error instanceof UnknownAgentStatus)) throw error;
      // The cache may predate the status: look once more.
      this.statusIds.delete(instanceId);
      try {
        id = await this.idOf(instanceId, { name });
      } catch (again) {
        if (again instanceof UnknownAgentStatus) throw new StatusUnavailable(name, again.message);
        throw again;
      }
    }
    try {
      await this.put(instanceId, agentId, id);
    } catch (error) {
      // Connect refuses a status that was deleted or disabled since it was listed.
      if (isRefusedStatus(error)) {
        throw new StatusUnavailable(name, error instanceof Error ? error.message : String(error));
      }
      throw error;
    }
  }

  private async put(instanceId: string, agentId: string, agentStatusId: string): Promise<void> {
    await this.props.client.send(
      new PutUserStatusCommand({ InstanceId: instanceId, UserId: agentId, AgentStatusId: agentStatusId }),
    );
  }

  private async idOf(instanceId: string, ref: StatusRef): Promise<string> {
    if (ref.id !== undefined) return ref.id;
    const name = ref.name ?? 'Available';
    let byName = this.statusIds.get(instanceId);
    if (byName === undefined) {
      byName = this.listStatuses(instanceId);
      this.statusIds.set(instanceId, byName);
      // A failed listing is not cached: the next call tries again.
      byName.catch(() => this.statusIds.delete(instanceId));
    }
    const id = (await byName).get(name);
    if (id === undefined) throw new UnknownAgentStatus(instanceId, name);
    return id;
  }

  private async listStatuses(instanceId: string): Promise<Map<string, string>> {
    const byName = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const page = await this.props.client.send(
        new ListAgentStatusesCommand({ InstanceId: instanceId, NextToken: nextToken, MaxResults: 100 }),
      );
      for (const summary of page.AgentStatusSummaryList ?? []) addSummary(byName, summary);
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return byName;
  }
}

function addSummary(byName: Map<string, string>, summary: AgentStatusSummary): void {
  if (summary.Name !== undefined && summary.Id !== undefined) byName.set(summary.Name, summary.Id);
}

/** Connect's answer to a PutUserStatus whose status does not exist or cannot be used. */
function isRefusedStatus(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return (
    name === 'ResourceNotFoundException' ||
    name === 'InvalidRequestException' ||
    name === 'InvalidParameterException'
  );
}
