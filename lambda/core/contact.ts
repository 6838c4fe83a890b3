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
  readonly queueId?: string | undefined;
  /** Last segment of `agentInfo.agentArn`. */
  readonly agentId?: string | undefined;
  readonly connectedToAgentAt?: Date | undefined;
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
