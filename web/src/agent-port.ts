/**
 * Where the widget runs: one interface over the agent desktop, with three implementations.
 *
 * - `workspace`: a third-party app in Connect's Agent Workspace (`@amazon-connect/app`,
 *   `AgentClient`, `ContactClient`);
 * - `ccp`: beside a custom CCP embedded with amazon-connect-streams, whose
 *   `connect.core.getSDKClientConfig()` feeds the same clients;
 * - `local`: the local server's fake desktop (`npm start`), agent chosen by `?agent=<id>`.
 *
 * The port gives what the SDK can give: the agent's identity as a *hint* (the API trusts only the
 * token; the hint lets it refuse a sign-in that is not this desktop's agent) and the events that
 * make the widget ask the API again. `connectAgentPort` (ports/index.ts) loads only the
 * implementation in use, so the SDKs are fetched only where they run.
 *
 * No DOM here: the interface and the local port are tested in Node.
 */
import type { AgentPortKind } from './config';

/** An agent status as the desktop reports it. */
export interface AgentStatus {
  /** The status's name, e.g. `Available`, `Wrap Up`, `Lunch`. */
  readonly name: string;
  /** Connect's type when known: `routable`, `not_routable`, `offline`, ... */
  readonly type?: string | undefined;
}

/** The desktop says a contact's after-contact work started (Connect's own ACW, the trigger to look). */
export interface AcwStarted {
  readonly contactId: string;
  /** The contact's queue name, when the desktop knows it (the API sends ids only). */
  readonly queueName?: string | undefined;
  readonly queueId?: string | undefined;
}

/** The desktop cleared a contact (the agent closed it, or Connect did). */
export interface ContactCleared {
  readonly contactId: string;
}

/** Removes a subscription. */
export type Unsubscribe = () => void;

/** The agent desktop, as the widget needs it. */
export interface AgentPort {
  readonly kind: AgentPortKind;
  /** The agent's ARN (workspace, ccp) or Connect user id (local): a hint only, sent as `x-acw-agent-hint`. */
  agentHint(): string | undefined;
  /** A name to show ("Signed in to the desktop as ..."), when known. */
  agentName(): string | undefined;
  /** The agent's status now, when known. */
  currentStatus(): AgentStatus | undefined;
  onAcwStarted(handler: (event: AcwStarted) => void): Unsubscribe;
  onContactCleared(handler: (event: ContactCleared) => void): Unsubscribe;
  onStatusChanged(handler: (status: AgentStatus) => void): Unsubscribe;
  /** Stops listening and frees what the port holds. */
  close(): void;
}

/** A small typed event hub the ports share. */
export class Listeners<T> {
  private readonly handlers = new Set<(value: T) => void>();

  add(handler: (value: T) => void): Unsubscribe {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  emit(value: T): void {
    for (const handler of [...this.handlers]) {
      try {
        handler(value);
      } catch (error) {
        // One failing listener must not keep the others from hearing the event.
        console.error('agent port listener failed', error);
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
