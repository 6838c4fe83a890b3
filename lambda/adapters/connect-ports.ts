/**
 * The Connect-facing ports, as every deployment (and the simulator) builds them: PutUserStatus,
 * UpdateContactAttributes and the status check, through one gate that keeps each to its own API
 * quota, restores first (R15). The status check reads the agent event stream's reports
 * when a stream is configured, else calls GetCurrentUserData (R8, R11).
 */
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { StatusRef } from '../core/config';
import type { AgentPresence, AgentStatus, Clock, ContactRecords, SessionStore } from '../core/ports';
import { ObservedPresence } from '../core/presence';
import {
  ConnectGate,
  GatedAgentStatus,
  GatedContactRecords,
  GatedPresence,
  type QuotaTable,
} from '../core/quota';
import { ConnectAgentStatus } from './connect-agent-status';
import { ConnectContactRecords } from './connect-contact-records';
import { ConnectPresence } from './connect-presence';

export interface ConnectPortsProps {
  readonly client: ConnectClient;
  /** Each Connect API's quota (`acw.connectQuota`). */
  readonly quota: QuotaTable;
  readonly clock: Clock;
  /** [0, 1), for the gate's jitter. */
  readonly random: () => number;
  readonly wrapUpStatus: StatusRef;
  readonly routableStatus: StatusRef;
  /** Where the agent event stream's reports are kept. */
  readonly store: Pick<SessionStore, 'getAgentStatus'>;
  /** An agent event stream is configured: status checks read its reports, not Connect. */
  readonly agentEventStream: boolean;
  /** Told of every throttle, by API (a metric). */
  readonly onThrottle?: ((api: string) => void) | undefined;
}

export interface ConnectPorts {
  readonly agents: AgentStatus;
  readonly contacts: ContactRecords;
  readonly presence: AgentPresence;
  readonly gate: ConnectGate;
}

export function connectPorts(props: ConnectPortsProps): ConnectPorts {
  const gate = new ConnectGate({
    quota: props.quota,
    clock: props.clock,
    random: props.random,
    onThrottle: props.onThrottle,
  });
  const statuses = { wrapUp: props.wrapUpStatus, routable: props.routableStatus };
  return {
    gate,
    agents: new GatedAgentStatus(
      new ConnectAgentStatus({
        client: props.client,
        wrapUpStatus: props.wrapUpStatus,
        routableStatus: props.routableStatus,
      }),
      gate,
    ),
    contacts: new GatedContactRecords(new ConnectContactRecords(props.client), gate),
    presence: props.agentEventStream
      ? new ObservedPresence(props.store, statuses)
      : new GatedPresence(new ConnectPresence({ client: props.client, clock: props.clock, statuses }), gate),
  };
}
