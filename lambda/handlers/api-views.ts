/** What the API answers with: a session as the agent desktop and the supervisor board show it. */
import type { DirectoryNames } from '../core/ports';
import type { Session } from '../core/session';

/** No names known: every view's `agentName` and `queueName` are null. */
export const NO_NAMES: DirectoryNames = { queues: new Map(), agents: new Map() };

/**
 * One wrap-up as the agent desktop shows it. R20: `agentName` and `queueName` from the instance's
 * directory, null when it cannot name them (the clients then show the id).
 */
export function view(session: Session, now: Date, names: DirectoryNames = NO_NAMES) {
  const policy = session.policy;
  const deadline = session.deadline;
  return {
    contactId: session.contactId,
    agentId: session.agentId,
    agentName: names.agents.get(session.agentId) ?? null,
    channel: session.channel,
    queueId: session.queueId ?? null,
    queueName: session.queueId === undefined ? null : (names.queues.get(session.queueId) ?? null),
    state: session.state,
    mode: policy.mode,
    startedAt: session.startedAt,
    deadline: deadline ?? null,
    secondsLeft:
      deadline === undefined || session.state !== 'WRAP_UP'
        ? null
        : Math.max(0, Math.ceil((new Date(deadline).getTime() - now.getTime()) / 1000)),
    extensionsUsed: session.extensionsUsed,
    extensionsLeft: Math.max(0, policy.maxExtensions - session.extensionsUsed),
    extensionSeconds: policy.extensionSeconds,
    dispositionCodes: policy.dispositionCodes.map(({ code, label }) => ({ code, label })),
    requireDisposition: policy.requireDisposition,
    showCountdown: policy.showCountdown,
    disposition: session.disposition ?? null,
    notes: session.notes ?? null,
    /** R19: the status the agent will land in when the wrap-up ends; null: the routable status. */
    nextStatus: session.nextStatus ?? null,
    endReason: session.endReason ?? null,
  };
}
