/**
 * The part of an Amazon Connect contact event this system acts on, with Connect's spellings
 * normalised (the documentation writes `Voice`, real events `VOICE`).
 */

/** A contact event, reduced to what wrap-up needs. */
export interface ContactEvent {
  /** DISCONNECTED, CONNECTED_TO_AGENT, ... */
  readonly eventType: string;
  readonly contactId: string;
  readonly instanceArn: string;
  /** Upper-case Connect channel name. */
  readonly channel: string;
  readonly initiationMethod?: string | undefined;
  /** The standard queue the contact was in (`queueInfo.queueArn` `.../queue/ID`). */
  readonly queueId?: string | undefined;
  /**
   * The agent whose own queue the contact was in (`queueInfo.queueArn` `.../queue/agent/AGENT_ID`,
   * `queueType: AGENT`): a quick-connect transfer to that agent (R10, R16).
   */
  readonly agentQueueOf?: string | undefined;
  /** Last segment of `agentInfo.agentArn`. */
  readonly agentId?: string | undefined;
  /**
   * R3, R20: the agent's hierarchy groups (`agentInfo.hierarchyGroups.level1`-`level5`, the last
   * segment of each `arn`), shallowest level first; levels the event does not carry (or carries
   * unreadably) are left out. Undefined when it carries none.
   */
  readonly agentGroupIds?: readonly string[] | undefined;
  readonly connectedToAgentAt?: Date | undefined;
  /**
   * R2: the event carries `agentInfo.connectedToAgentTimestamp`, readable or not. Undefined means
   * "as `connectedToAgentAt` says" (events built without the parser).
   */
  readonly connectedToAgent?: boolean | undefined;
  /**
   * R2, R21: the event carries `connectedToSystemTimestamp` (for an outbound contact: the customer
   * answered). Undefined means it was not looked at (events built without the parser): answered.
   */
  readonly connectedToSystem?: boolean | undefined;
  /** The contact this one was transferred from (R3, R10). */
  readonly previousContactId?: string | undefined;
  /** The first contact of the transfer chain (R3). */
  readonly initialContactId?: string | undefined;
  /** When the contact began (`initiationTimestamp`): for an outbound contact, when the agent started it. */
  readonly initiatedAt?: Date | undefined;
  readonly disconnectedAt?: Date | undefined;
  /** When EventBridge says the event happened. */
  readonly eventTime: Date;
  readonly tags: Readonly<Record<string, string>>;
}

/** Connect's channel spellings → the upper-case names the configuration uses. */
export function normaliseChannel(channel: string): string {
  return channel.trim().toUpperCase();
}

/** The last segment of a Connect ARN (`.../agent/ID` → `ID`). */
export function lastArnSegment(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash === -1 ? arn : arn.slice(slash + 1);
}

/** R2: whether the contact reached the agent (its `connectedToAgentTimestamp` is present). */
export function reachedAgent(event: ContactEvent): boolean {
  return event.connectedToAgent ?? event.connectedToAgentAt !== undefined;
}

/**
 * R21: initiation methods of a contact the agent dialled themselves, connected from the start:
 * `OUTBOUND` (the agent called a customer from the CCP) and `EXTERNAL_OUTBOUND` (the agent dialled
 * an external party). Campaign and API calls (`API`) reach the agent only once answered, so R2's
 * `connectedToAgentTimestamp` already tells them; `AGENT_REPLY` (email) has no answer to wait for.
 */
export const AGENT_DIALLED_METHODS: ReadonlySet<string> = new Set(['OUTBOUND', 'EXTERNAL_OUTBOUND']);

/** R21: an agent-dialled voice contact whose customer never answered (no `connectedToSystemTimestamp`). */
export function isUnansweredOutbound(event: ContactEvent): boolean {
  return (
    event.channel === 'VOICE' &&
    event.initiationMethod !== undefined &&
    AGENT_DIALLED_METHODS.has(event.initiationMethod) &&
    event.connectedToSystem === false
  );
}

/**
 * A supervisor's monitoring leg (silent monitor or barge): Connect gives it its own contact, with
 * `initiationMethod: MONITOR` and the supervisor in `agentInfo`. It is not a contact they handle:
 * it starts no wrap-up and interrupts none.
 */
export function isMonitoringLeg(event: ContactEvent): boolean {
  return event.initiationMethod === 'MONITOR';
}
