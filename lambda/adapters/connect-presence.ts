/**
 * AgentPresence from Connect's GetCurrentUserData (R8, R11), used when no agent event stream is
 * configured: one more Connect call before each restore. An agent Connect does not list (logged
 * out) counts as Offline.
 */
import { type ConnectClient, GetCurrentUserDataCommand } from '@aws-sdk/client-connect';
import { lastArnSegment } from '../core/contact';
import type { AgentPresence, Clock, ObservedStatus, StatusKind } from '../core/ports';
import {
  type ConfiguredStatuses,
  classifyStatus,
  DEFAULT_STATUSES,
  OFFLINE_STATUS_NAME,
} from '../core/presence';

export interface ConnectPresenceProps {
  readonly client: ConnectClient;
  readonly clock: Clock;
  readonly statuses?: ConfiguredStatuses;
}

export class ConnectPresence implements AgentPresence {
  constructor(private readonly props: ConnectPresenceProps) {}

  async current(instanceArn: string, agentId: string): Promise<ObservedStatus & { kind: StatusKind }> {
    const output = await this.props.client.send(
      new GetCurrentUserDataCommand({
        InstanceId: lastArnSegment(instanceArn),
        Filters: { Agents: [agentId] },
      }),
    );
    const data =
      (output.UserDataList ?? []).find((entry) => entry.User?.Id === agentId) ?? output.UserDataList?.[0];
    const status = data?.Status;
    if (status?.StatusName === undefined) {
      return { name: OFFLINE_STATUS_NAME, since: this.props.clock.now().toISOString(), kind: 'OFFLINE' };
    }
    const observed: ObservedStatus = {
      name: status.StatusName,
      ...(status.StatusArn === undefined ? {} : { arn: status.StatusArn }),
      since: (status.StatusStartTimestamp ?? this.props.clock.now()).toISOString(),
    };
    return { ...observed, kind: classifyStatus(observed, this.props.statuses ?? DEFAULT_STATUSES) };
  }
}
