/**
 * R8, R11: the agent event stream. Every report of an agent's status is kept (newest wins, as
 * events arrive out of order), so restores can tell a status the agent chose from the one the
 * system set. A status the agent chose during wrap-up (anything but the wrap-up status and
 * Offline) ends their open wrap-ups at once (`STATUS_CHANGED`), and their choice is kept: nobody
 * restores them. Offline ends nothing: the wrap-up still closes at its deadline, without a restore
 * (`AGENT_OFFLINE`, decided when it closes).
 */
import { endByAgentActivity } from './interrupt';
import type { LifecycleConfig, Outcome } from './lifecycle';
import type { Deps, ObservedStatus } from './ports';
import { classifyStatus, OFFLINE_STATUS_NAME } from './presence';
import { heldSince, type Session } from './session';

/** An agent event stream record, reduced to what wrap-up needs. */
export interface AgentEvent {
  readonly eventId: string;
  /** STATE_CHANGE, HEART_BEAT, LOGIN, LOGOUT. */
  readonly eventType: string;
  /** Last segment of `AgentARN`. */
  readonly agentId: string;
  readonly instanceArn: string;
  readonly eventTime: Date;
  /** `CurrentAgentSnapshot.AgentStatus`, when the record has one. */
  readonly status?:
    | { readonly name: string; readonly arn?: string | undefined; readonly since: Date }
    | undefined;
}

/** How long an agent's observed status is kept after its last report. */
const OBSERVED_STATUS_RETENTION_MS = 7 * 86_400_000;

export async function onAgentEvent(
  deps: Deps,
  config: LifecycleConfig,
  event: AgentEvent,
): Promise<Outcome[]> {
  if (config.instanceArn !== undefined && event.instanceArn !== config.instanceArn) {
    return [{ kind: 'IGNORED', reason: 'OTHER_INSTANCE' }];
  }
  // A logout is Offline from that moment, whatever the snapshot still says.
  const status =
    event.eventType === 'LOGOUT' ? { name: OFFLINE_STATUS_NAME, since: event.eventTime } : event.status;
  if (status === undefined) return [{ kind: 'IGNORED', reason: 'NO_STATUS' }];
  const observed: ObservedStatus = {
    name: status.name,
    ...('arn' in status && status.arn !== undefined ? { arn: status.arn } : {}),
    since: status.since.toISOString(),
  };
  const expiresAt = new Date(deps.clock.now().getTime() + OBSERVED_STATUS_RETENTION_MS);
  if (!(await deps.store.putAgentStatus(event.agentId, observed, expiresAt))) {
    return [{ kind: 'IGNORED', reason: 'STALE_STATUS' }];
  }
  const kind = classifyStatus(observed, config.statuses);
  if (kind === 'WRAP_UP' || kind === 'OFFLINE') return [{ kind: 'IGNORED', reason: 'STATUS_KEPT' }];

  const outcomes: Outcome[] = [];
  for (const candidate of await deps.store.listOpenByAgent(event.agentId)) {
    const ended = await endOnChosenStatus(deps, candidate, status);
    if (ended !== undefined) outcomes.push({ kind: 'ENDED_BY_AGENT', session: ended });
  }
  return outcomes.length > 0 ? outcomes : [{ kind: 'IGNORED', reason: 'STATUS_KEPT' }];
}

/**
 * R8: the agent is in `status` (neither the wrap-up status nor Offline) since `status.since`: their
 * open wrap-up `candidate` ends then (`STATUS_CHANGED`) if that was after the system held them,
 * and nobody restores them. Undefined when it was not ended (closed already, or no choice of
 * theirs). `keepTimer`: see `endByAgentActivity`.
 */
export async function endOnChosenStatus(
  deps: Deps,
  candidate: Session,
  status: { readonly name: string; readonly since: Date },
  options: { readonly keepTimer?: boolean } = {},
): Promise<Session | undefined> {
  if (candidate.state !== 'WRAP_UP') return undefined;
  return endByAgentActivity(
    deps,
    candidate,
    status.since,
    'STATUS_CHANGED',
    `agent chose ${status.name}`,
    choiceAfter,
    options,
  );
}

/**
 * A status counts as the agent's choice only when entered after the system put them in the
 * wrap-up status: before that (Connect's own short ACW ending, a report from before the contact)
 * it is not a choice made during this wrap-up.
 */
function choiceAfter(session: Session): Date | undefined {
  return session.wrapUpStatusSet ? heldSince(session) : undefined;
}
