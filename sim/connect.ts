/**
 * A simulated Amazon Connect instance behind the SDK's `send(command)`: just the agent-status API
 * the ConnectAgentStatus adapter calls, validated as Connect does, recording every status the
 * system sets at the virtual time of the call.
 */
import {
  type AgentStatusSummary,
  type AgentStatusType,
  type ConnectClient,
  InvalidParameterException,
  ListAgentStatusesCommand,
  type ListAgentStatusesCommandOutput,
  PutUserStatusCommand,
  type PutUserStatusCommandOutput,
  ResourceNotFoundException,
  UpdateContactAttributesCommand,
  type UpdateContactAttributesCommandOutput,
} from '@aws-sdk/client-connect';
import type { StatusRef } from '../lambda/core/config';
import { lastArnSegment } from '../lambda/core/contact';
import type { VirtualClock } from './clock';
import { stableUuid } from './ids';
import type { Latency } from './latency';
import { DEFAULT_AGENT_STATUS, type ScenarioAgent } from './scenario';

/** Name of the status a wrap-up or routable status configured by id carries. */
export const WRAP_UP_NAME_FOR_ID = 'Wrap Up';
export const ROUTABLE_NAME_FOR_ID = 'Available';

/** A status the system set, when it took effect. */
export interface StatusChange {
  readonly at: number;
  readonly agentId: string;
  readonly status: string;
}

export interface SimConnectProps {
  readonly clock: VirtualClock;
  /** Instance ARNs the account has. */
  readonly instanceArns: readonly string[];
  readonly agents: readonly ScenarioAgent[];
  readonly wrapUpStatus: StatusRef;
  readonly routableStatus: StatusRef;
  /** How long a call takes. */
  readonly latency: Latency;
  /** Told of every status the system sets. */
  readonly onStatusChange?: (change: StatusChange) => void;
}

const BAD_REQUEST = { httpStatusCode: 400 } as const;
const NOT_FOUND = { httpStatusCode: 404 } as const;

export class SimConnect {
  /** Every status the system set, in the order the calls were made. */
  readonly statusChanges: StatusChange[] = [];
  /** API calls by command name, refused ones included. */
  readonly calls: Record<string, number> = {};
  /** Each agent's current status name. */
  readonly agentStatus = new Map<string, string>();
  private readonly statuses: Array<{ id: string; name: string; type: AgentStatusType }> = [];
  private readonly instances = new Map<string, string>();

  constructor(private readonly props: SimConnectProps) {
    for (const arn of props.instanceArns) this.instances.set(lastArnSegment(arn), arn);
    const { wrapUpStatus, routableStatus } = props;
    if (routableStatus.id !== undefined) this.addStatus(ROUTABLE_NAME_FOR_ID, 'ROUTABLE', routableStatus.id);
    else this.addStatus(routableStatus.name ?? ROUTABLE_NAME_FOR_ID, 'ROUTABLE');
    this.addStatus('Available', 'ROUTABLE');
    this.addStatus('Offline', 'OFFLINE');
    if (wrapUpStatus.id !== undefined) this.addStatus(WRAP_UP_NAME_FOR_ID, 'CUSTOM', wrapUpStatus.id);
    else this.addStatus(wrapUpStatus.name ?? WRAP_UP_NAME_FOR_ID, 'CUSTOM');
    for (const agent of props.agents) {
      this.addStatus(agent.status, 'CUSTOM');
      this.agentStatus.set(agent.id, agent.status);
    }
  }

  /** The object the adapter uses as its ConnectClient. */
  client(): ConnectClient {
    return { send: (command: unknown) => this.send(command) } as unknown as ConnectClient;
  }

  /** The id of a status name, if the instance has it. */
  statusIdOf(name: string): string | undefined {
    return this.statuses.find((status) => status.name === name)?.id;
  }

  async send(command: unknown): Promise<unknown> {
    const name = commandName(command);
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    return this.props.latency.around('connect', () => {
      if (command instanceof ListAgentStatusesCommand) return this.listAgentStatuses(command);
      if (command instanceof PutUserStatusCommand) return this.putUserStatus(command);
      if (command instanceof UpdateContactAttributesCommand) return this.updateContactAttributes(command);
      throw new Error(`The simulated Amazon Connect does not implement ${name}`);
    });
  }

  private listAgentStatuses(command: ListAgentStatusesCommand): ListAgentStatusesCommandOutput {
    const input = command.input;
    const arn = this.instanceArn(input.InstanceId);
    const pageSize = input.MaxResults ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new InvalidParameterException({ message: 'MaxResults must be 1-1000', $metadata: BAD_REQUEST });
    }
    const types = input.AgentStatusTypes;
    const matching = this.statuses.filter((status) => types === undefined || types.includes(status.type));
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken);
    if (!Number.isInteger(start) || start < 0 || start > matching.length) {
      throw new InvalidParameterException({ message: 'NextToken is not valid', $metadata: BAD_REQUEST });
    }
    const page = matching.slice(start, start + pageSize);
    const summaries: AgentStatusSummary[] = page.map((status) => ({
      Id: status.id,
      Arn: `${arn}/agent-state/${status.id}`,
      Name: status.name,
      Type: status.type,
    }));
    const next = start + pageSize;
    return {
      AgentStatusSummaryList: summaries,
      NextToken: next < matching.length ? String(next) : undefined,
      $metadata: { httpStatusCode: 200 },
    };
  }

  private putUserStatus(command: PutUserStatusCommand): PutUserStatusCommandOutput {
    const { InstanceId, UserId, AgentStatusId } = command.input;
    this.instanceArn(InstanceId);
    if (UserId === undefined || !/^[^/\s]{1,256}$/.test(UserId)) {
      throw new ResourceNotFoundException({
        message: `User ${String(UserId)} not found in instance ${String(InstanceId)}`,
        $metadata: NOT_FOUND,
      });
    }
    // An agent the scenario does not list is an agent of the instance all the same (its contact
    // events name it), starting in the default status.
    if (!this.agentStatus.has(UserId)) this.agentStatus.set(UserId, DEFAULT_AGENT_STATUS);
    const status = this.statuses.find((candidate) => candidate.id === AgentStatusId);
    if (status === undefined) {
      throw new ResourceNotFoundException({
        message: `Agent status ${String(AgentStatusId)} not found in instance ${String(InstanceId)}`,
        $metadata: NOT_FOUND,
      });
    }
    this.agentStatus.set(UserId, status.name);
    const change: StatusChange = { at: this.props.clock.nowMs(), agentId: UserId, status: status.name };
    this.statusChanges.push(change);
    this.props.onStatusChange?.(change);
    return { $metadata: { httpStatusCode: 200 } };
  }

  /** Contact attributes written per contact, as Connect would keep them on the contact record. */
  readonly contactAttributes = new Map<string, Record<string, string>>();

  private updateContactAttributes(
    command: UpdateContactAttributesCommand,
  ): UpdateContactAttributesCommandOutput {
    const { InstanceId, InitialContactId, Attributes } = command.input;
    this.instanceArn(InstanceId);
    if (InitialContactId === undefined || Attributes === undefined) {
      throw new InvalidParameterException({
        message: 'InitialContactId and Attributes are required',
        $metadata: BAD_REQUEST,
      });
    }
    this.contactAttributes.set(InitialContactId, {
      ...this.contactAttributes.get(InitialContactId),
      ...Attributes,
    });
    return { $metadata: { httpStatusCode: 200 } };
  }

  private instanceArn(instanceId: string | undefined): string {
    const arn = instanceId === undefined ? undefined : this.instances.get(instanceId);
    if (arn === undefined) {
      throw new ResourceNotFoundException({
        message: `Instance ${String(instanceId)} not found`,
        $metadata: NOT_FOUND,
      });
    }
    return arn;
  }

  private addStatus(name: string, type: AgentStatusType, id = stableUuid(`agent-status:${name}`)): void {
    if (this.statuses.some((status) => status.name === name || status.id === id)) return;
    this.statuses.push({ id, name, type });
  }
}

/** `PutUserStatusCommand`, or the class name of whatever was sent. */
export function commandName(command: unknown): string {
  if (command !== null && typeof command === 'object') return command.constructor.name;
  return typeof command;
}
