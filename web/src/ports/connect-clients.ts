/**
 * The agent port over the Amazon Connect SDK's clients (`@amazon-connect/contact`), shared by
 * Agent Workspace (the app's provider) and the custom CCP (streams' `getSDKClientConfig()`).
 *
 * - identity hint: `AgentClient.getARN()` (the API compares the ARN's last part with the
 *   token's Connect user);
 * - ACW started: `ContactClient.onStartingAcw`, with the queue's name from `getQueue` (the API
 *   sends the queue id only);
 * - contact cleared: `ContactClient.onCleared`;
 * - status: `AgentClient.onAvailabilityStateChanged`, and the older `onStateChanged` for desktops
 *   that do not send the newer event yet.
 */
import {
  type AgentAvailabilityStateChanged,
  AgentClient,
  type AgentStateChanged,
  ContactClient,
  type ContactStartingAcw,
  type ContactCleared as SdkContactCleared,
} from '@amazon-connect/contact';
import {
  type AcwStarted,
  type AgentPort,
  type AgentStatus,
  type ContactCleared,
  Listeners,
} from '../agent-port';
import type { AgentPortKind } from '../config';

/**
 * The configuration the clients take: a provider (the app's, or streams'). Taken from the
 * constructor so that it is the `@amazon-connect/core` copy `@amazon-connect/contact` uses.
 */
export type SdkClientConfig = FirstConstructorArgument<typeof AgentClient>;
type FirstConstructorArgument<T> = T extends {
  new (config: infer C): unknown;
  new (config?: infer _D): unknown;
}
  ? C
  : never;

/** How long to wait for the desktop to say who is logged in; the widget works without (no hint). */
const IDENTITY_TIMEOUT_MS = 10_000;

/** Builds the port on an SDK client configuration (a provider). */
export async function portFromClients(kind: AgentPortKind, config: SdkClientConfig): Promise<AgentPort> {
  const agent = new AgentClient(config);
  const contact = new ContactClient(config);
  const acw = new Listeners<AcwStarted>();
  const cleared = new Listeners<ContactCleared>();
  const statuses = new Listeners<AgentStatus>();
  let status: AgentStatus | undefined;

  const setStatus = (next: AgentStatus) => {
    if (status?.name === next.name && (next.type === undefined || status.type === next.type)) return;
    status = next;
    statuses.emit(next);
  };

  // The SDK's handlers return promises; none of these waits for anything.
  const onAcw = async (event: ContactStartingAcw) => {
    // The queue's name is a nicety: tell the widget at once, and again if the name arrives.
    acw.emit({ contactId: event.contactId });
    contact.getQueue(event.contactId).then(
      (queue) => acw.emit({ contactId: event.contactId, queueName: queue.name, queueId: queue.queueId }),
      () => undefined,
    );
  };
  const onCleared = async (event: SdkContactCleared) => cleared.emit({ contactId: event.contactId });
  const onAvailability = async (event: AgentAvailabilityStateChanged) =>
    setStatus({ name: event.state.name, type: event.state.type });
  const onState = async (event: AgentStateChanged) => setStatus({ name: event.state });

  contact.onStartingAcw(onAcw);
  contact.onCleared(onCleared);
  agent.onAvailabilityStateChanged(onAvailability);
  agent.onStateChanged(onState);

  const [arn, name, initial] = await Promise.all([
    within(agent.getARN()),
    within(agent.getName()),
    within(agent.getAvailabilityState()),
  ]);
  if (initial !== undefined && status === undefined) setStatus({ name: initial.name, type: initial.type });

  return {
    kind,
    agentHint: () => arn,
    agentName: () => name,
    currentStatus: () => status,
    onAcwStarted: (handler) => acw.add(handler),
    onContactCleared: (handler) => cleared.add(handler),
    onStatusChanged: (handler) => statuses.add(handler),
    close: () => {
      contact.offStartingAcw(onAcw);
      contact.offCleared(onCleared);
      agent.offAvailabilityStateChanged(onAvailability);
      agent.offStateChanged(onState);
      acw.clear();
      cleared.clear();
      statuses.clear();
    },
  };
}

/** The value, or undefined when the desktop does not answer in time or refuses. */
async function within<T>(promise: Promise<T>): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), IDENTITY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
