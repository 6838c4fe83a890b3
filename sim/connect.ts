/**
 * A simulated Amazon Connect instance behind the SDK's `send(command)`: just the API the adapters
 * call (agent statuses, the agent's current data, contact attributes, and (R20) the names of its
 * queues, users and agent hierarchy groups: ListQueues, SearchUsers, DescribeUser,
 * ListUserHierarchyGroups), validated as Connect does,
 * recording every status the system sets at the virtual time of the call.
 *
 * It is also the world's truth about agents: the status each is in (set by the system through
 * PutUserStatus, or by the agent in Connect: a scenario's agent events) and the contacts each has
 * in progress (from the scenario's contact events, at their step time).
 *
 * Faults (a scenario's `faults`): every call may be throttled at random (`connectThrottleRate`),
 * and every call takes a token from its own API's quota (`connectRatePerSecond`: one bucket per
 * operation, as Connect's quotas are per API); either way it fails with the SDK's
 * ThrottlingException (429). As deployed, the client makes one attempt per
 * call: the system's quota gate (lambda/core/quota.ts) does the retrying.
 */
import {
  type AgentContactReference,
  type AgentStatusSummary,
  type AgentStatusType,
  type Channel,
  type ConnectClient,
  type ContactInitiationMethod,
  DescribeUserCommand,
  type DescribeUserCommandOutput,
  GetCurrentUserDataCommand,
  type GetCurrentUserDataCommandOutput,
  InvalidParameterException,
  ListAgentStatusesCommand,
  type ListAgentStatusesCommandOutput,
  ListQueuesCommand,
  type ListQueuesCommandOutput,
  ListUserHierarchyGroupsCommand,
  type ListUserHierarchyGroupsCommandOutput,
  PutUserStatusCommand,
  type PutUserStatusCommandOutput,
  ResourceNotFoundException,
  SearchAgentStatusesCommand,
  type SearchAgentStatusesCommandOutput,
  SearchUsersCommand,
  type SearchUsersCommandOutput,
  ThrottlingException,
  UpdateContactAttributesCommand,
  type UpdateContactAttributesCommandOutput,
} from '@aws-sdk/client-connect';
import type { StatusRef } from '../lambda/core/config';
import { lastArnSegment } from '../lambda/core/contact';
import type { VirtualClock } from './clock';
import { type ApiQuotas, type Chance, strikes } from './faults';
import { stableUuid } from './ids';
import type { Latency } from './latency';
import { DEFAULT_AGENT_STATUS, type ScenarioAgent } from './scenario';

/** Name of the status a wrap-up or routable status configured by id carries. */
export const WRAP_UP_NAME_FOR_ID = 'Wrap Up';
export const ROUTABLE_NAME_FOR_ID = 'Available';

/** The instance's own CUSTOM statuses besides the wrap-up status (R19: agents may choose them). */
export const SIM_CUSTOM_STATUSES = ['Lunch', 'Break', 'Training'] as const;

/** A standard queue of the simulated instance (R20: named by ListQueues). */
export interface SimQueueName {
  readonly id: string;
  readonly name: string;
}

/** An agent hierarchy group of the simulated instance (R3, R20: named by ListUserHierarchyGroups). */
export interface SimAgentGroup {
  readonly id: string;
  readonly name: string;
}

/** A user of the simulated instance (R20: named by SearchUsers and DescribeUser). */
export interface SimUser {
  readonly id: string;
  /** The Connect login. */
  readonly username: string;
  readonly firstName?: string | undefined;
  readonly lastName?: string | undefined;
}

/** A status the system set, when it took effect. */
export interface StatusChange {
  readonly at: number;
  readonly agentId: string;
  readonly status: string;
}

/** Where a status the system set was set, and what it replaced. */
export interface StatusSet {
  readonly instanceArn: string;
  readonly previous: string | undefined;
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
  /**
   * Told of every status the system sets, with its instance and the status it replaced (what
   * Connect's agent event stream reports of it: a STATE_CHANGE, as for the agent's own changes).
   */
  readonly onStatusChange?: (change: StatusChange, set: StatusSet) => void;
  /** `connectThrottleRate`: each call is throttled with this probability, drawn from `random`. */
  readonly throttle?: Chance;
  /** `connectRatePerSecond`: the account's quotas, one bucket per API (operation). */
  readonly quota?: ApiQuotas;
  /** R20: the instance's standard queues, by name. @default - none: no queue can be named */
  readonly queues?: readonly SimQueueName[];
  /** R3, R20: the instance's agent hierarchy groups, by name. @default - none */
  readonly agentGroups?: readonly SimAgentGroup[];
  /**
   * R20: the instance's users. @default - each of `agents`, with the login `agent-N` (its place
   *   in the list) and no first or last name
   */
  readonly users?: readonly SimUser[];
}

/** A contact an agent has in progress (connected to them, or an outbound one they started). */
export interface ContactInProgress {
  readonly contactId: string;
  readonly channel?: string | undefined;
  readonly initiationMethod?: string | undefined;
  /** When it reached the agent (epoch ms). */
  readonly since: number;
}

/** Calls that failed because of a fault, by cause. */
export interface ConnectFaultCounts {
  /** Throttled at random (`connectThrottleRate`). */
  throttled: number;
  /** Refused by their API's quota (`connectRatePerSecond`), all APIs together. */
  overQuota: number;
  /** The same, by API (operation name, `PutUserStatus`). */
  readonly overQuotaByApi: Record<string, number>;
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
  /** Calls refused by a fault. */
  readonly faultCounts: ConnectFaultCounts = { throttled: 0, overQuota: 0, overQuotaByApi: {} };
  /** When each agent entered their current status (epoch ms; absent: before the run). */
  private readonly statusSince = new Map<string, number>();
  /** Each agent's contacts in progress, by contact id. */
  private readonly contacts = new Map<string, Map<string, ContactInProgress>>();
  private readonly statuses: Array<{ id: string; name: string; type: AgentStatusType }> = [];
  private readonly instances = new Map<string, string>();
  private readonly users: readonly SimUser[];

  constructor(private readonly props: SimConnectProps) {
    for (const arn of props.instanceArns) this.instances.set(lastArnSegment(arn), arn);
    this.users =
      props.users ?? props.agents.map((agent, index) => ({ id: agent.id, username: `agent-${index + 1}` }));
    const { wrapUpStatus, routableStatus } = props;
    if (routableStatus.id !== undefined) this.addStatus(ROUTABLE_NAME_FOR_ID, 'ROUTABLE', routableStatus.id);
    else this.addStatus(routableStatus.name ?? ROUTABLE_NAME_FOR_ID, 'ROUTABLE');
    this.addStatus('Available', 'ROUTABLE');
    this.addStatus('Offline', 'OFFLINE');
    if (wrapUpStatus.id !== undefined) this.addStatus(WRAP_UP_NAME_FOR_ID, 'CUSTOM', wrapUpStatus.id);
    else this.addStatus(wrapUpStatus.name ?? WRAP_UP_NAME_FOR_ID, 'CUSTOM');
    // R19: statuses an agent may choose to land in after wrap-up.
    for (const name of SIM_CUSTOM_STATUSES) this.addStatus(name, 'CUSTOM');
    for (const agent of props.agents) {
      this.addStatus(agent.status, 'CUSTOM');
      this.agentStatus.set(agent.id, agent.status);
    }
  }

  /** The object the adapters use as their ConnectClient (one attempt per call, as deployed). */
  client(): ConnectClient {
    return { send: (command: unknown) => this.send(command) } as unknown as ConnectClient;
  }

  /** The name of the configured wrap-up status, as agents see it. */
  get wrapUpStatusName(): string {
    const ref = this.props.wrapUpStatus;
    return ref.id !== undefined ? WRAP_UP_NAME_FOR_ID : (ref.name ?? WRAP_UP_NAME_FOR_ID);
  }

  /** An agent's current status name (an agent nobody has named yet is in the default status). */
  statusOf(agentId: string): string {
    return this.agentStatus.get(agentId) ?? DEFAULT_AGENT_STATUS;
  }

  /** When the agent entered their current status, if the simulation saw it happen. */
  statusSinceOf(agentId: string): number | undefined {
    return this.statusSince.get(agentId);
  }

  /**
   * The agent chose a status in Connect (their desktop, or logging out): the world changes, but
   * not through the API, so it is not one of the `statusChanges` the system made.
   */
  agentChoseStatus(agentId: string, statusName: string): void {
    this.addStatus(statusName, statusName === 'Offline' ? 'OFFLINE' : 'CUSTOM');
    this.agentStatus.set(agentId, statusName);
    this.statusSince.set(agentId, this.props.clock.nowMs());
  }

  /** A contact reached the agent (or the agent started it). */
  contactStarted(agentId: string, contact: ContactInProgress): void {
    let ofAgent = this.contacts.get(agentId);
    if (ofAgent === undefined) {
      ofAgent = new Map();
      this.contacts.set(agentId, ofAgent);
    }
    if (!ofAgent.has(contact.contactId)) ofAgent.set(contact.contactId, contact);
  }

  /** The agent's leg of the contact ended. */
  contactEnded(agentId: string, contactId: string): void {
    this.contacts.get(agentId)?.delete(contactId);
  }

  /** The agent's contacts in progress now. */
  contactsOf(agentId: string): ContactInProgress[] {
    return [...(this.contacts.get(agentId)?.values() ?? [])];
  }

  /** The id of a status name, if the instance has it. */
  statusIdOf(name: string): string | undefined {
    return this.statuses.find((status) => status.name === name)?.id;
  }

  async send(command: unknown): Promise<unknown> {
    const name = commandName(command);
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    return this.props.latency.around('connect', () => {
      this.admit(operationOf(name));
      if (command instanceof ListAgentStatusesCommand) return this.listAgentStatuses(command);
      if (command instanceof SearchAgentStatusesCommand) return this.searchAgentStatuses(command);
      if (command instanceof PutUserStatusCommand) return this.putUserStatus(command);
      if (command instanceof GetCurrentUserDataCommand) return this.getCurrentUserData(command);
      if (command instanceof UpdateContactAttributesCommand) return this.updateContactAttributes(command);
      if (command instanceof ListQueuesCommand) return this.listQueues(command);
      if (command instanceof ListUserHierarchyGroupsCommand) return this.listUserHierarchyGroups(command);
      if (command instanceof SearchUsersCommand) return this.searchUsers(command);
      if (command instanceof DescribeUserCommand) return this.describeUser(command);
      throw new Error(`The simulated Amazon Connect does not implement ${name}`);
    });
  }

  /** The API's own quota, then the random throttling: either refuses the call with a 429. */
  private admit(api: string): void {
    const { quota, throttle, clock } = this.props;
    if (quota !== undefined && !quota.take(api, clock.nowMs())) {
      this.faultCounts.overQuota++;
      this.faultCounts.overQuotaByApi[api] = (this.faultCounts.overQuotaByApi[api] ?? 0) + 1;
      throw throttled();
    }
    if (strikes(throttle)) {
      this.faultCounts.throttled++;
      throw throttled();
    }
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

  /**
   * SearchAgentStatuses with no criteria or one `StringCondition` on `state` (EXACT): the only
   * search the system makes (R19: the enabled statuses). Every simulated status is ENABLED.
   */
  private searchAgentStatuses(command: SearchAgentStatusesCommand): SearchAgentStatusesCommandOutput {
    const { InstanceId, MaxResults, NextToken, SearchCriteria, SearchFilter } = command.input;
    const arn = this.instanceArn(InstanceId);
    const pageSize = MaxResults ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new InvalidParameterException({ message: 'MaxResults must be 1-100', $metadata: BAD_REQUEST });
    }
    const condition = SearchCriteria?.StringCondition;
    const simple =
      SearchFilter === undefined &&
      SearchCriteria?.AndConditions === undefined &&
      SearchCriteria?.OrConditions === undefined &&
      (condition === undefined || (condition.FieldName === 'state' && condition.ComparisonType === 'EXACT'));
    if (!simple) {
      throw new InvalidParameterException({
        message: 'The simulator implements only a StringCondition on state (EXACT), or no criteria',
        $metadata: BAD_REQUEST,
      });
    }
    const matching = condition === undefined || condition.Value === 'ENABLED' ? this.statuses : [];
    const start = NextToken === undefined ? 0 : Number(NextToken);
    if (!Number.isInteger(start) || start < 0 || start > matching.length) {
      throw new InvalidParameterException({ message: 'NextToken is not valid', $metadata: BAD_REQUEST });
    }
    const next = start + pageSize;
    return {
      AgentStatuses: matching.slice(start, next).map((status, index) => ({
        AgentStatusId: status.id,
        AgentStatusARN: `${arn}/agent-state/${status.id}`,
        Name: status.name,
        Type: status.type,
        State: 'ENABLED',
        DisplayOrder: start + index + 1,
      })),
      NextToken: next < matching.length ? String(next) : undefined,
      ApproximateTotalCount: matching.length,
      $metadata: { httpStatusCode: 200 },
    };
  }

  private putUserStatus(command: PutUserStatusCommand): PutUserStatusCommandOutput {
    const { InstanceId, UserId, AgentStatusId } = command.input;
    const instanceArn = this.instanceArn(InstanceId);
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
    const previous = this.agentStatus.get(UserId);
    this.agentStatus.set(UserId, status.name);
    this.statusSince.set(UserId, this.props.clock.nowMs());
    const change: StatusChange = { at: this.props.clock.nowMs(), agentId: UserId, status: status.name };
    this.statusChanges.push(change);
    this.props.onStatusChange?.(change, { instanceArn, previous });
    return { $metadata: { httpStatusCode: 200 } };
  }

  /**
   * GetCurrentUserData filtered by agents (ids or ARNs, 1-100): each agent's status, its ARN and
   * since when, and their contacts in progress. The only filter the simulator implements.
   */
  private getCurrentUserData(command: GetCurrentUserDataCommand): GetCurrentUserDataCommandOutput {
    const { InstanceId, Filters, MaxResults, NextToken } = command.input;
    const arn = this.instanceArn(InstanceId);
    const agents = Filters?.Agents;
    if (agents === undefined || agents.length === 0 || agents.length > 100) {
      throw new InvalidParameterException({
        message:
          'Filters.Agents must list 1-100 agent ids or ARNs (the only filter the simulator implements)',
        $metadata: BAD_REQUEST,
      });
    }
    const pageSize = MaxResults ?? 100;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) {
      throw new InvalidParameterException({ message: 'MaxResults must be 1-100', $metadata: BAD_REQUEST });
    }
    const start = NextToken === undefined ? 0 : Number(NextToken);
    if (!Number.isInteger(start) || start < 0 || start > agents.length) {
      throw new InvalidParameterException({ message: 'NextToken is not valid', $metadata: BAD_REQUEST });
    }
    const ids = agents.map(lastArnSegment).filter((id) => /^[^/\s]{1,256}$/.test(id));
    const page = ids.slice(start, start + pageSize);
    const next = start + pageSize;
    return {
      UserDataList: page.map((agentId) => {
        const statusName = this.statusOf(agentId);
        const statusId = this.statusIdOf(statusName);
        const since = this.statusSince.get(agentId);
        return {
          User: { Id: agentId, Arn: `${arn}/agent/${agentId}` },
          Status: {
            StatusName: statusName,
            StatusArn: statusId === undefined ? undefined : `${arn}/agent-state/${statusId}`,
            StatusStartTimestamp: since === undefined ? undefined : new Date(since),
          },
          Contacts: this.contactsOf(agentId).map(
            (contact): AgentContactReference => ({
              ContactId: contact.contactId,
              Channel: contact.channel as Channel | undefined,
              InitiationMethod: contact.initiationMethod as ContactInitiationMethod | undefined,
              AgentContactState: 'CONNECTED',
              ConnectedToAgentTimestamp: new Date(contact.since),
              StateStartTimestamp: new Date(contact.since),
            }),
          ),
        };
      }),
      NextToken: next < ids.length ? String(next) : undefined,
      ApproximateTotalCount: ids.length,
      $metadata: { httpStatusCode: 200 },
    };
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

  /** R20: ListQueues: every simulated queue is STANDARD; pages of `MaxResults` (1-1000). */
  private listQueues(command: ListQueuesCommand): ListQueuesCommandOutput {
    const { InstanceId, MaxResults, NextToken, QueueTypes } = command.input;
    const arn = this.instanceArn(InstanceId);
    const queues =
      QueueTypes === undefined || QueueTypes.includes('STANDARD') ? (this.props.queues ?? []) : [];
    const { page, next } = pageOf(queues, MaxResults ?? 100, 1000, NextToken);
    return {
      QueueSummaryList: page.map((queue) => ({
        Id: queue.id,
        Arn: `${arn}/queue/${queue.id}`,
        Name: queue.name,
        QueueType: 'STANDARD',
      })),
      NextToken: next,
      $metadata: { httpStatusCode: 200 },
    };
  }

  /** R3, R20: ListUserHierarchyGroups: every group, any level; pages of `MaxResults` (1-1000). */
  private listUserHierarchyGroups(
    command: ListUserHierarchyGroupsCommand,
  ): ListUserHierarchyGroupsCommandOutput {
    const { InstanceId, MaxResults, NextToken } = command.input;
    const arn = this.instanceArn(InstanceId);
    const { page, next } = pageOf(this.props.agentGroups ?? [], MaxResults ?? 100, 1000, NextToken);
    return {
      UserHierarchyGroupSummaryList: page.map((group) => ({
        Id: group.id,
        Arn: `${arn}/agent-group/${group.id}`,
        Name: group.name,
      })),
      NextToken: next,
      $metadata: { httpStatusCode: 200 },
    };
  }

  /**
   * R20: SearchUsers with no criteria (every user) or one `StringCondition` on `Username` (EXACT,
   * case-insensitive): the searches the system makes; pages of `MaxResults` (1-100).
   */
  private searchUsers(command: SearchUsersCommand): SearchUsersCommandOutput {
    const { InstanceId, MaxResults, NextToken, SearchCriteria, SearchFilter } = command.input;
    const arn = this.instanceArn(InstanceId);
    const condition = SearchCriteria?.StringCondition;
    const simple =
      SearchFilter === undefined &&
      SearchCriteria?.AndConditions === undefined &&
      SearchCriteria?.OrConditions === undefined &&
      SearchCriteria?.HierarchyGroupCondition === undefined &&
      (condition === undefined ||
        (condition.FieldName === 'Username' && condition.ComparisonType === 'EXACT'));
    if (!simple) {
      throw new InvalidParameterException({
        message: 'The simulator implements only a StringCondition on Username (EXACT), or no criteria',
        $metadata: BAD_REQUEST,
      });
    }
    const login = condition?.Value?.toLowerCase();
    const matching = this.users.filter(
      (user) => login === undefined || user.username.toLowerCase() === login,
    );
    const { page, next } = pageOf(matching, MaxResults ?? 100, 100, NextToken);
    return {
      Users: page.map((user) => ({
        Id: user.id,
        Arn: `${arn}/agent/${user.id}`,
        Username: user.username,
        IdentityInfo: { FirstName: user.firstName, LastName: user.lastName },
      })),
      NextToken: next,
      ApproximateTotalCount: matching.length,
      $metadata: { httpStatusCode: 200 },
    };
  }

  /** R20: DescribeUser; a user the instance does not have is ResourceNotFoundException (404). */
  private describeUser(command: DescribeUserCommand): DescribeUserCommandOutput {
    const { InstanceId, UserId } = command.input;
    const arn = this.instanceArn(InstanceId);
    const user = this.users.find((candidate) => candidate.id === UserId);
    if (user === undefined) {
      throw new ResourceNotFoundException({
        message: `User ${String(UserId)} not found in instance ${String(InstanceId)}`,
        $metadata: NOT_FOUND,
      });
    }
    return {
      User: {
        Id: user.id,
        Arn: `${arn}/agent/${user.id}`,
        Username: user.username,
        IdentityInfo: { FirstName: user.firstName, LastName: user.lastName },
      },
      $metadata: { httpStatusCode: 200 },
    };
  }

  private addStatus(name: string, type: AgentStatusType, id = stableUuid(`agent-status:${name}`)): void {
    if (this.statuses.some((status) => status.name === name || status.id === id)) return;
    this.statuses.push({ id, name, type });
  }
}

/** One page of `items` from the index `token` names, as Connect's list and search calls page. */
function pageOf<T>(
  items: readonly T[],
  pageSize: number,
  maxPageSize: number,
  token: string | undefined,
): { page: T[]; next: string | undefined } {
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw new InvalidParameterException({
      message: `MaxResults must be 1-${maxPageSize}`,
      $metadata: BAD_REQUEST,
    });
  }
  const start = token === undefined ? 0 : Number(token);
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new InvalidParameterException({ message: 'NextToken is not valid', $metadata: BAD_REQUEST });
  }
  const next = start + pageSize;
  return { page: items.slice(start, next), next: next < items.length ? String(next) : undefined };
}

/** What Connect answers a call over its quota. */
function throttled(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
}

/** The Connect operation a command calls: `PutUserStatus` for `PutUserStatusCommand`. */
export function operationOf(commandName: string): string {
  return commandName.replace(/Command$/, '');
}

/** `PutUserStatusCommand`, or the class name of whatever was sent. */
export function commandName(command: unknown): string {
  if (command !== null && typeof command === 'object') return command.constructor.name;
  return typeof command;
}
