/**
 * AgentPresence from Connect's GetCurrentUserData (R8, R11), used when no agent event stream is
 * configured: one more Connect call before each restore, and the sweep's poll of the agents in
 * wrap-up (up to 100 a call). An agent Connect does not list (logged out) counts as Offline.
 */
import { type ConnectClient, GetCurrentUserDataCommand, type UserData } from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type { AgentPresence, Clock, PresenceReport } from '../core/ports';
import {
  AGENTS_PER_STATUS_CALL,
  type ConfiguredStatuses,
  classifyStatus,
  DEFAULT_STATUSES,
  OFFLINE_STATUS_NAME,
  statusCallParts,
} from '../core/presence';

export interface ConnectPresenceProps {
  readonly client: ConnectClient;
  readonly clock: Clock;
  readonly statuses?: ConfiguredStatuses;
}

/** Pages of one call followed before giving up (a NextToken that never ends is Connect's bug, not a loop). */
const MAX_PAGES = 10;

export class ConnectPresence implements AgentPresence {
  constructor(private readonly props: ConnectPresenceProps) {}

  async current(instanceArn: string, agentId: string): Promise<PresenceReport> {
    const output = await this.props.client.send(
      new GetCurrentUserDataCommand({
        InstanceId: lastArnSegment(instanceArn),
        Filters: { Agents: [agentId] },
      }),
    );
    const data =
      (output.UserDataList ?? []).find((entry) => entry.User?.Id === agentId) ?? output.UserDataList?.[0];
    return this.reportOf(data);
  }

  /** One GetCurrentUserData call (its pages followed) per 100 agents, one after the other. */
  async currentOfAgents(
    instanceArn: string,
    agentIds: readonly string[],
  ): Promise<ReadonlyMap<string, PresenceReport>> {
    const reports = new Map<string, PresenceReport>();
    for (const agents of statusCallParts(agentIds)) {
      let nextToken: string | undefined;
      let pages = 0;
      do {
        if (pages++ >= MAX_PAGES) {
          throw new Error(
            `GetCurrentUserData returned more than ${MAX_PAGES} pages for ${agents.length} agents`,
          );
        }
        const output = await this.props.client.send(
          new GetCurrentUserDataCommand({
            InstanceId: lastArnSegment(instanceArn),
            Filters: { Agents: agents },
            MaxResults: AGENTS_PER_STATUS_CALL,
            ...(nextToken === undefined ? {} : { NextToken: nextToken }),
          }),
        );
        for (const data of output.UserDataList ?? []) {
          const id = data.User?.Id;
          if (id !== undefined) reports.set(id, this.reportOf(data));
        }
        nextToken = output.NextToken;
      } while (nextToken !== undefined && nextToken !== '');
    }
    // Not listed: logged out, as `current` reads it.
    for (const agentId of agentIds) if (!reports.has(agentId)) reports.set(agentId, this.reportOf(undefined));
    return reports;
  }

  private reportOf(data: UserData | undefined): PresenceReport {
    const status = data?.Status;
    if (status?.StatusName === undefined) {
      return { name: OFFLINE_STATUS_NAME, since: this.props.clock.now().toISOString(), kind: 'OFFLINE' };
    }
    const observed = {
      name: status.StatusName,
      ...(status.StatusArn === undefined ? {} : { arn: status.StatusArn }),
      since: (status.StatusStartTimestamp ?? this.props.clock.now()).toISOString(),
    };
    return { ...observed, kind: classifyStatus(observed, this.props.statuses ?? DEFAULT_STATUSES) };
  }
}
