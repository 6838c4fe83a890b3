/**
 * Builds Amazon Connect contact events (EventBridge, `detail-type: Amazon Connect Contact Event`)
 * and agent event stream records (Kinesis) in the shape Connect sends them, for the demo, the
 * bench and the tests. The shape follows
 * test/sim/fixtures/contact-event-disconnected.json (the cleaned documentation sample): inbound
 * contacts carry `queueInfo` (a standard queue, or an agent's own queue for a quick-connect
 * transfer to that agent), agent-initiated outbound ones do not, an outbound call the customer
 * never answered has no `connectedToSystemTimestamp`, a contact that never reached an agent
 * has no `agentInfo`, and an agent in hierarchy groups carries them in
 * `agentInfo.hierarchyGroups` (`level1`-`level5`, each `{ "arn": ".../agent-group/ID" }`).
 */
import type { Channel } from '../lambda/core/config';
import { stableUuid } from './ids';

/** What a contact event is built from; times are epoch ms. */
export interface ContactEventSpec {
  /** `arn:aws:connect:REGION:ACCOUNT:instance/ID`. */
  readonly instanceArn: string;
  readonly contactId: string;
  /** Default DISCONNECTED. */
  readonly eventType?: string;
  readonly channel: Channel;
  /** Default INBOUND. */
  readonly initiationMethod?: InitiationMethod;
  readonly initiatedAt: number;
  /** Absent for a contact with no queue (agent-initiated outbound). */
  readonly queueId?: string | undefined;
  /**
   * The agent whose own queue the contact waits in (a quick-connect transfer to that agent):
   * `queueInfo.queueArn` `.../queue/agent/AGENT_ID`, `queueType: AGENT`. Instead of `queueId`.
   */
  readonly agentQueueOf?: string | undefined;
  /**
   * R21: false for an outbound call the customer never answered: no `connectedToSystemTimestamp`.
   * Default true.
   */
  readonly answered?: boolean | undefined;
  readonly enqueuedAt?: number | undefined;
  /** Absent for a contact that never reached an agent. */
  readonly agentId?: string | undefined;
  readonly connectedToAgentAt?: number | undefined;
  /**
   * The agent's hierarchy group ids, level 1 first (at most 5): `agentInfo.hierarchyGroups`
   * (R3, R20). Only with `agentId`.
   */
  readonly agentGroupIds?: readonly string[] | undefined;
  readonly disconnectedAt?: number | undefined;
  readonly initialContactId?: string | undefined;
  readonly previousContactId?: string | undefined;
  /** Contact tags (a flow's "Tag contact" block), e.g. `{ acwProfile: 'tier3' }`. */
  readonly tags?: Readonly<Record<string, string>>;
  /** EventBridge event id; default derived from the contact, agent and event type. */
  readonly eventId?: string;
  /** EventBridge `time`; default the disconnect time (or the initiation time). */
  readonly time?: number;
}

/** Every initiation method Connect documents (contact records, contact events, the API). */
export const INITIATION_METHODS = [
  'INBOUND',
  'OUTBOUND',
  'TRANSFER',
  'QUEUE_TRANSFER',
  'CALLBACK',
  'API',
  'DISCONNECT',
  'MONITOR',
  'EXTERNAL_OUTBOUND',
  'WEBRTC_API',
  'AGENT_REPLY',
  'FLOW',
] as const;
export type InitiationMethod = (typeof INITIATION_METHODS)[number];

/** An EventBridge contact event, as JSON. */
export type ContactEventJson = Record<string, unknown>;

/** Builds one contact event. */
export function contactEvent(spec: ContactEventSpec): ContactEventJson {
  const arn = /^arn:([^:]+):connect:([^:]+):(\d+):instance\/(.+)$/.exec(spec.instanceArn);
  const region = arn?.[2] ?? 'us-east-1';
  const account = arn?.[3] ?? '123456789012';
  const instanceId = arn?.[4] ?? 'unknown';
  const eventType = spec.eventType ?? 'DISCONNECTED';
  const detail: Record<string, unknown> = {
    eventType,
    contactId: spec.contactId,
    initialContactId: spec.initialContactId ?? spec.contactId,
    ...(spec.previousContactId === undefined ? {} : { previousContactId: spec.previousContactId }),
    channel: spec.channel,
    instanceArn: spec.instanceArn,
    initiationMethod: spec.initiationMethod ?? 'INBOUND',
    initiationTimestamp: iso(spec.initiatedAt),
    ...(spec.answered === false ? {} : { connectedToSystemTimestamp: iso(spec.initiatedAt) }),
  };
  if (spec.disconnectedAt !== undefined) detail.disconnectTimestamp = iso(spec.disconnectedAt);
  if (spec.agentQueueOf !== undefined) {
    detail.queueInfo = {
      queueArn: `${spec.instanceArn}/queue/agent/${spec.agentQueueOf}`,
      queueType: 'AGENT',
      enqueueTimestamp: iso(spec.enqueuedAt ?? spec.initiatedAt),
    };
  } else if (spec.queueId !== undefined) {
    detail.queueInfo = {
      queueArn: `${spec.instanceArn}/queue/${spec.queueId}`,
      queueType: 'STANDARD',
      enqueueTimestamp: iso(spec.enqueuedAt ?? spec.initiatedAt),
    };
  }
  if (spec.agentId !== undefined) {
    detail.agentInfo = {
      agentArn: `${spec.instanceArn}/agent/${spec.agentId}`,
      ...(spec.connectedToAgentAt === undefined
        ? {}
        : { connectedToAgentTimestamp: iso(spec.connectedToAgentAt) }),
      ...(spec.agentGroupIds === undefined || spec.agentGroupIds.length === 0
        ? {}
        : { hierarchyGroups: hierarchyGroups(spec.instanceArn, spec.agentGroupIds) }),
    };
  }
  detail.tags = { 'aws:connect:instanceId': instanceId, ...(spec.tags ?? {}) };
  const time = spec.time ?? spec.disconnectedAt ?? spec.initiatedAt;
  return {
    version: '0',
    id: spec.eventId ?? stableUuid(`${spec.contactId}/${spec.agentId ?? '-'}/${eventType}`),
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account,
    // EventBridge writes whole seconds.
    time: `${new Date(Math.floor(time / 1000) * 1000).toISOString().slice(0, 19)}Z`,
    region,
    resources: [spec.instanceArn, `${spec.instanceArn}/contact/${spec.contactId}`],
    detail,
  };
}

/** `{ level1: { arn }, level2: { arn }, ... }`, as Connect writes an agent's hierarchy path. */
function hierarchyGroups(instanceArn: string, ids: readonly string[]): Record<string, { arn: string }> {
  if (ids.length > 5) throw new Error(`an agent hierarchy has at most 5 levels, got ${ids.length} groups`);
  return Object.fromEntries(
    ids.map((id, index) => [`level${index + 1}`, { arn: `${instanceArn}/agent-group/${id}` }]),
  );
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** What a contact-flow event is built from. */
export interface ContactFlowEventSpec {
  readonly instanceArn: string;
  readonly contactId: string;
  readonly channel?: Channel;
  /** The queue the flow set ("Set working queue"), if any. */
  readonly queueId?: string | undefined;
  readonly queueName?: string | undefined;
  /** The "Invoke AWS Lambda function" block's parameters (always strings). */
  readonly parameters: Readonly<Record<string, string>>;
}

/**
 * The event Connect's "Invoke AWS Lambda function" block sends (`Name: ContactFlowEvent`), in the
 * shape of test/fixtures/connect/contact-flow-event.json (the documentation sample).
 */
export function contactFlowEvent(spec: ContactFlowEventSpec): ContactEventJson {
  return {
    Details: {
      ContactData: {
        Attributes: {},
        Channel: spec.channel ?? 'VOICE',
        ContactId: spec.contactId,
        InitialContactId: spec.contactId,
        InitiationMethod: 'INBOUND',
        InstanceARN: spec.instanceArn,
        PreviousContactId: spec.contactId,
        Queue:
          spec.queueId === undefined
            ? null
            : { ARN: `${spec.instanceArn}/queue/${spec.queueId}`, Name: spec.queueName ?? spec.queueId },
        // A documentation placeholder, not a customer's number.
        SystemEndpoint: { Address: '+10000000000', Type: 'TELEPHONE_NUMBER' },
      },
      Parameters: { ...spec.parameters },
    },
    Name: 'ContactFlowEvent',
  };
}

/** What an agent event stream record is built from; times are epoch ms. */
export interface AgentEventSpec {
  readonly instanceArn: string;
  readonly agentId: string;
  /** Default STATE_CHANGE. */
  readonly eventType?: 'STATE_CHANGE' | 'HEART_BEAT' | 'LOGIN' | 'LOGOUT';
  /** When Connect wrote it (EventTimestamp). */
  readonly at: number;
  /** The agent's status now, and since when (default `at`). */
  readonly status: string;
  readonly since?: number;
  /** The status before, for PreviousAgentSnapshot. */
  readonly previousStatus?: string;
  /** Default derived from the agent, time and status. */
  readonly eventId?: string;
}

/**
 * Builds one Kinesis agent event stream record, in the shape of
 * test/fixtures/connect/agent-event-state-change.json (the documentation sample): the agent's
 * current snapshot (status, routing profile, contacts) and, for a change, the previous one.
 */
export function agentEvent(spec: AgentEventSpec): ContactEventJson {
  const account = /^arn:[^:]+:connect:[^:]+:(\d+):/.exec(spec.instanceArn)?.[1] ?? '123456789012';
  const snapshot = (status: string, since: number) => ({
    AgentStatus: {
      ARN: `${spec.instanceArn}/agent-state/${stableUuid(`agent-status:${status}`)}`,
      Name: status,
      StartTimestamp: iso(since),
    },
    Configuration: {
      AgentHierarchyGroups: null,
      FirstName: '(Removed)',
      LastName: '(Removed)',
      RoutingProfile: {
        ARN: `${spec.instanceArn}/routing-profile/${stableUuid('routing-profile:basic')}`,
        Name: 'Basic Routing Profile',
      },
      Username: '(Removed)',
    },
    Contacts: [],
  });
  return {
    AWSAccountId: account,
    AgentARN: `${spec.instanceArn}/agent/${spec.agentId}`,
    CurrentAgentSnapshot: snapshot(spec.status, spec.since ?? spec.at),
    EventId: spec.eventId ?? stableUuid(`agent-event:${spec.agentId}/${spec.at}/${spec.status}`),
    EventTimestamp: iso(spec.at),
    EventType: spec.eventType ?? 'STATE_CHANGE',
    InstanceARN: spec.instanceArn,
    PreviousAgentSnapshot:
      spec.previousStatus === undefined ? null : snapshot(spec.previousStatus, spec.since ?? spec.at),
    Version: '2017-10-01',
  };
}
