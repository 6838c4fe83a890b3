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

/**
 * The statuses this instance kept lately, by agent: what makes a repeated report free. Connect
 * reports the agent's status again with every change of a contact's state and in a heartbeat
 * every 120 s, the same status and start each time; the table refuses a report no newer than
 * the one it holds (a conditional write, still a request). The table holds what this instance
 * kept or newer (only the consumer writes it, newest wins), so a report no newer than a kept one is
 * refused here, without the request. Kept for `trustMs` (far within the table's retention), for
 * `maxAgents` agents at most (the least recently reported forgotten first).
 */
export class KeptStatuses {
  private readonly kept = new Map<string, { readonly sinceMs: number; readonly atMs: number }>();

  constructor(
    private readonly maxAgents = 20_000,
    private readonly trustMs = 3_600_000,
  ) {}

  /** Whether a report of `agentId`'s status since `sinceMs` is no newer than one kept. */
  isStale(agentId: string, sinceMs: number, nowMs: number): boolean {
    const kept = this.kept.get(agentId);
    return kept !== undefined && nowMs - kept.atMs < this.trustMs && sinceMs <= kept.sinceMs;
  }

  /** The table holds `agentId`'s status since `sinceMs`, or a newer one. */
  keep(agentId: string, sinceMs: number, nowMs: number): void {
    const kept = this.kept.get(agentId);
    this.kept.delete(agentId);
    this.kept.set(agentId, { sinceMs: Math.max(sinceMs, kept?.sinceMs ?? sinceMs), atMs: nowMs });
    if (this.kept.size > this.maxAgents) {
      const oldest = this.kept.keys().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
  }
}

/**
 * R8, R11: one report of an agent's status (see the module comment). `kept`: the statuses this
 * instance kept lately, so that a repeated report costs no request.
 */
export async function onAgentEvent(
  deps: Deps,
  config: LifecycleConfig,
  event: AgentEvent,
  kept?: KeptStatuses,
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
  const nowMs = deps.clock.now().getTime();
  const sinceMs = status.since.getTime();
  if (kept?.isStale(event.agentId, sinceMs, nowMs)) return [{ kind: 'IGNORED', reason: 'STALE_STATUS' }];
  const expiresAt = new Date(nowMs + OBSERVED_STATUS_RETENTION_MS);
  const newer = await deps.store.putAgentStatus(event.agentId, observed, expiresAt);
  // Refused or written, the table now holds this status or a newer one.
  kept?.keep(event.agentId, sinceMs, nowMs);
  if (!newer) return [{ kind: 'IGNORED', reason: 'STALE_STATUS' }];
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
