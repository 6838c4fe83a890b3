/**
 * The Amazon Connect instance as the functions use it: the wrap-up status (created here when
 * asked), and the grants on the instance's resources, each on this instance only: agents' statuses
 * (PutUserStatus, ListAgentStatuses, GetCurrentUserData), the contacts' wrap-up record
 * (UpdateContactAttributes), and the API's look-ups (SearchUsers, SearchAgentStatuses, and (R20) the
 * names of queues and agents: ListQueues, DescribeUser), and (R20) the catalog of names
 * administrators pick from (ListQueues, ListUserHierarchyGroups, ListAgentStatuses).
 */
import { Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import { CfnAgentStatus } from 'aws-cdk-lib/aws-connect';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AcwConfig } from '../lambda/config/acw-config';
import { INSTANCE_ARN } from '../lambda/core/connect-arns';
import { ENV } from '../lambda/handlers/env';
import type { AcwFunction } from './acw-function';
import { acknowledgeWildcardResource } from './nag';

/** Properties of the Connect instance. */
export interface ConnectInstanceProps {
  /** The Amazon Connect instance ARN (usually the `ConnectInstanceArn` parameter). */
  readonly instanceArn: string;
  /** The configured wrap-up status (`acw.wrapUpStatus`). */
  readonly wrapUpStatus: AcwConfig['wrapUpStatus'];
  /**
   * Description of the wrap-up status the stack creates.
   * @default 'After contact work (connect-acw): not routable until wrap-up ends'
   */
  readonly statusDescription?: string;
}

/**
 * When `wrapUpStatus.create` is set, an `AWS::Connect::AgentStatus` (CUSTOM, ENABLED) that is
 * kept when the stack is deleted: Connect cannot delete an agent status, only disable it.
 */
export class ConnectInstance extends Construct {
  /** The instance the functions act on. */
  readonly instanceArn: string;
  /** The status the stack created, if it did. */
  readonly wrapUpStatus?: CfnAgentStatus;
  /**
   * The wrap-up status id when known at deploy time (created here, or configured by id);
   * otherwise the functions resolve the configured name at run time.
   */
  readonly wrapUpStatusId?: string;

  constructor(scope: Construct, id: string, props: ConnectInstanceProps) {
    super(scope, id);
    validate(props);
    this.instanceArn = props.instanceArn;
    const wanted = props.wrapUpStatus;

    if (wanted.create && wanted.name !== undefined) {
      const status = new CfnAgentStatus(this, 'WrapUpStatus', {
        instanceArn: props.instanceArn,
        name: wanted.name,
        description:
          props.statusDescription ?? 'After contact work (connect-acw): not routable until wrap-up ends',
        state: 'ENABLED',
        type: 'CUSTOM',
      });
      status.applyRemovalPolicy(RemovalPolicy.RETAIN);
      this.wrapUpStatus = status;
      // arn:...:instance/INSTANCE_ID/agent-state/STATUS_ID: the id is the fourth "/" segment.
      this.wrapUpStatusId = Fn.select(3, Fn.split('/', status.attrAgentStatusArn));
    } else if (wanted.id !== undefined) {
      this.wrapUpStatusId = wanted.id;
    }
  }

  /**
   * Lets `fn` write the wrap-up record to the contact (R17): `connect:UpdateContactAttributes` on
   * the contacts of this instance only.
   */
  grantWriteContactRecord(fn: AcwFunction): void {
    const contacts = `${this.instanceArn}/contact/*`;
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['connect:UpdateContactAttributes'], resources: [contacts] }),
    );
    acknowledgeWildcardResource(
      fn,
      contacts,
      'UpdateContactAttributes is authorised on the contact resource, instance/ID/contact/CONTACT_ID; the ' +
        'contact is only known at run time, so the grant covers the contacts of this one instance.',
    );
  }

  /**
   * Lets `fn` read agents' current status (R8, R11, used when no agent event stream is configured:
   * before a restore, and the sweep's read of the agents in wrap-up): `connect:GetCurrentUserData`
   * on the four resource types the Service Authorization Reference requires for it (users,
   * hierarchy groups, queues, routing profiles), of this instance only. The calls filter by agent,
   * so the users are the ones checked; the row lists the others as required too, and they are
   * read-only here.
   */
  grantReadCurrentStatus(fn: AcwFunction): void {
    const reads = [
      { type: 'agent', what: 'agents (users, instance/ID/agent/USER_ID)' },
      { type: 'agent-group', what: 'agent hierarchy groups (instance/ID/agent-group/ID)' },
      { type: 'queue', what: 'queues (instance/ID/queue/ID)' },
      { type: 'routing-profile', what: 'routing profiles (instance/ID/routing-profile/ID)' },
    ];
    const resources = reads.map(({ type }) => `${this.instanceArn}/${type}/*`);
    fn.addToRolePolicy(new PolicyStatement({ actions: ['connect:GetCurrentUserData'], resources }));
    for (const [i, { what }] of reads.entries()) {
      acknowledgeWildcardResource(
        fn,
        resources[i] as string,
        `GetCurrentUserData is authorised on the ${what} it reports on; the agents asked about are only known ` +
          'at run time, so the grant covers those of this one instance (read-only).',
      );
    }
  }

  /**
   * Lets `fn` resolve a caller's Connect login to their user id (SearchUsers, see
   * lambda/adapters/connect-users.ts) on this instance and its users, with DescribeUser and
   * ListUserProficiencies, which the Service Authorization Reference lists as the actions
   * SearchUsers depends on; the `agent/*` wildcard is acknowledged by `grantSetStatus`, which the
   * stack gives the same function.
   */
  grantUserLookup(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:SearchUsers'],
        resources: [this.instanceArn, `${this.instanceArn}/agent/*`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:DescribeUser', 'connect:ListUserProficiencies'],
        resources: [this.instanceArn, `${this.instanceArn}/agent/*`],
      }),
    );
  }

  /**
   * R20: lets `fn` name the instance's queues and agents (see lambda/adapters/connect-directory.ts):
   * ListQueues on this instance and its queues, `instance/ID/queue/*`, and DescribeUser on its
   * users, `instance/ID/agent/*` (SearchUsers comes with `grantUserLookup`). The Service
   * Authorization Reference (2026) authorises ListQueues on `instance/ID/queue/*` alone; the
   * instance, which it required until 2022, is kept: it grants nothing more. The `agent/*` wildcard
   * is acknowledged by `grantSetStatus`, which the stack gives the same function.
   */
  grantNames(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:ListQueues'],
        resources: [this.instanceArn, `${this.instanceArn}/queue/*`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['connect:DescribeUser'], resources: [`${this.instanceArn}/agent/*`] }),
    );
    acknowledgeWildcardResource(
      fn,
      `${this.instanceArn}/queue/*`,
      'ListQueues is authorised on the instance and its queue resources, instance/ID/queue/ID; it lists every ' +
        'queue of this one instance to show them by name, so the grant covers the queues of this instance only.',
    );
  }

  /**
   * R20: lets `fn` list the catalog of names (lambda/adapters/connect-catalog.ts): ListQueues on
   * this instance and its queues (`instance/ID/queue/*`), ListUserHierarchyGroups on it and its
   * agent hierarchy groups (`instance/ID/agent-group/*`), ListAgentStatuses on it and its agent
   * statuses (`instance/ID/agent-state/*`). The Service Authorization Reference (2026) authorises
   * ListQueues and ListAgentStatuses on their wildcard resource alone and ListUserHierarchyGroups on
   * the instance alone; each grant also names the other, which grants nothing more (the rows have
   * changed before). Each wildcard is acknowledged on `fn` with the reason: a listing names every
   * resource of its type, so no narrower ARN exists.
   */
  grantCatalog(fn: AcwFunction): void {
    const listings = [
      {
        action: 'connect:ListQueues',
        type: 'queue',
        reason:
          'ListQueues lists every queue of the instance (queue resources, instance/ID/queue/ID) to show ' +
          'them by name: no narrower ARN exists, and the grant covers the queues of this one instance.',
      },
      {
        action: 'connect:ListUserHierarchyGroups',
        type: 'agent-group',
        reason:
          'ListUserHierarchyGroups lists every agent hierarchy group of the instance (instance/ID/agent-group/ID) ' +
          'to show them by name: no narrower ARN exists, and the grant covers the groups of this one instance.',
      },
      {
        action: 'connect:ListAgentStatuses',
        type: 'agent-state',
        reason:
          'ListAgentStatuses lists every agent status of the instance (instance/ID/agent-state/ID) to show them ' +
          'by name: no narrower ARN exists, and the grant covers the agent statuses of this one instance.',
      },
    ];
    for (const { action, type, reason } of listings) {
      const resources = `${this.instanceArn}/${type}/*`;
      fn.addToRolePolicy(
        new PolicyStatement({ actions: [action], resources: [this.instanceArn, resources] }),
      );
      acknowledgeWildcardResource(fn, resources, reason);
    }
  }

  /**
   * R19: lets `fn` list the statuses an agent may choose to land in after wrap-up
   * (SearchAgentStatuses, see lambda/adapters/connect-status-directory.ts) on this instance and
   * its agent statuses, `instance/ID/agent-state/*`, as for ListAgentStatuses and SearchUsers (the
   * instance and the resource type searched), and DescribeAgentStatus on the statuses, which the
   * Service Authorization Reference lists as the action the search depends on. The wildcard is
   * acknowledged by `grantSetStatus`, which the stack gives the same function.
   */
  grantStatusSearch(fn: AcwFunction): void {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:SearchAgentStatuses'],
        resources: [this.instanceArn, `${this.instanceArn}/agent-state/*`],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:DescribeAgentStatus'],
        resources: [`${this.instanceArn}/agent-state/*`],
      }),
    );
  }

  /**
   * Lets `fn` set agents' statuses: grants `connect:PutUserStatus` on the instance, its agents and
   * its agent statuses (the Service Authorization Reference requires all three) and `connect:ListAgentStatuses` on the instance and its agent statuses, and
   * sets `WRAP_UP_STATUS_ID` when the id is known at deploy time.
   */
  grantSetStatus(fn: AcwFunction): void {
    if (this.wrapUpStatusId !== undefined) fn.addEnvironment(ENV.wrapUpStatusId, this.wrapUpStatusId);
    const agents = `${this.instanceArn}/agent/*`;
    const statuses = `${this.instanceArn}/agent-state/*`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:PutUserStatus'],
        resources: [this.instanceArn, agents, statuses],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['connect:ListAgentStatuses'],
        resources: [this.instanceArn, statuses],
      }),
    );
    acknowledgeWildcardResource(
      fn,
      agents,
      'PutUserStatus is authorised on the agent (user) resource, instance/ID/agent/USER_ID; the agent is only ' +
        'known at run time, from the contact event, so the grant covers the agents of this one instance.',
    );
    acknowledgeWildcardResource(
      fn,
      statuses,
      'PutUserStatus and ListAgentStatuses are authorised on agent-status resources, instance/ID/agent-state/ID; ' +
        'the routable status (and a wrap-up status named by name) is resolved at run time, so the grant covers ' +
        'the agent statuses of this one instance.',
    );
  }
}

function validate(props: ConnectInstanceProps): void {
  if (!Token.isUnresolved(props.instanceArn) && !INSTANCE_ARN.test(props.instanceArn)) {
    throw new Error(
      `ConnectInstance: props.instanceArn must be an Amazon Connect instance ARN, got ${props.instanceArn}`,
    );
  }
  const wanted = props.wrapUpStatus;
  if (wanted.create && wanted.name === undefined) {
    throw new Error('ConnectInstance: props.wrapUpStatus.create needs props.wrapUpStatus.name');
  }
  if (wanted.create && wanted.id !== undefined) {
    throw new Error(
      'ConnectInstance: props.wrapUpStatus.create cannot be combined with props.wrapUpStatus.id',
    );
  }
  if (props.statusDescription !== undefined && props.statusDescription.length > 250) {
    throw new Error('ConnectInstance: props.statusDescription must be at most 250 characters');
  }
}
