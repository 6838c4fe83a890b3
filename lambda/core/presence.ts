/**
 * R8, R11: what the agent's current status means for a restore. The system never overrides a
 * status it did not set, and never makes an offline agent routable.
 */
import type { StatusRef } from './config';
import { lastArnSegment } from './contact';
import type {
  AgentListing,
  AgentPresence,
  Deps,
  ObservedStatus,
  PresenceReport,
  SessionStore,
  StatusKind,
} from './ports';

/** The statuses the system sets, as configured. */
export interface ConfiguredStatuses {
  readonly wrapUp: StatusRef;
  readonly routable: StatusRef;
}

/** The configuration's defaults: "Wrap Up" and "Available". */
export const DEFAULT_STATUSES: ConfiguredStatuses = {
  wrapUp: { name: 'Wrap Up' },
  routable: { name: 'Available' },
};

/** The most agents one GetCurrentUserData call takes (`Filters.Agents`), and the most users a page returns. */
export const AGENTS_PER_STATUS_CALL = 100;

/** `agentIds` without repeats, in parts of at most AGENTS_PER_STATUS_CALL: one GetCurrentUserData call each. */
export function statusCallParts(agentIds: readonly string[]): string[][] {
  const distinct = [...new Set(agentIds)];
  const parts: string[][] = [];
  for (let start = 0; start < distinct.length; start += AGENTS_PER_STATUS_CALL) {
    parts.push(distinct.slice(start, start + AGENTS_PER_STATUS_CALL));
  }
  return parts;
}

/** Connect's own status for a logged-out agent (type OFFLINE; it cannot be renamed). */
export const OFFLINE_STATUS_NAME = 'Offline';

/** What a status Connect reports is: the wrap-up status, the routable one, Offline, or another. */
export function classifyStatus(
  status: Pick<ObservedStatus, 'name' | 'arn'>,
  statuses: ConfiguredStatuses = DEFAULT_STATUSES,
): StatusKind {
  if (matches(status, statuses.wrapUp)) return 'WRAP_UP';
  if (status.name === OFFLINE_STATUS_NAME) return 'OFFLINE';
  if (matches(status, statuses.routable)) return 'ROUTABLE';
  return 'OTHER';
}

function matches(status: Pick<ObservedStatus, 'name' | 'arn'>, ref: StatusRef): boolean {
  if (ref.id !== undefined) return status.arn !== undefined && lastArnSegment(status.arn) === ref.id;
  return ref.name !== undefined && status.name === ref.name;
}

/** Whether the agent may be put back in the routable status now, and if not, why. */
export type RestoreVerdict =
  | { readonly restore: true }
  | {
      readonly restore: false;
      readonly reason: 'AGENT_OFFLINE' | 'STATUS_CHANGED';
      /** When the agent entered the status they are in. */
      readonly since: Date;
      readonly detail: string;
    };

const RESTORE: RestoreVerdict = { restore: true };

/**
 * Reads the agent's status (the agent event stream's last report, or GetCurrentUserData) and
 * decides:
 * - Offline: never restored (R11), whenever they went offline.
 * - In the wrap-up status, or status unknown: restored.
 * - Another status entered after `heldSince` (when the system put them in wrap-up): their own
 *   choice (R8), kept. One entered before it is not a choice made during wrap-up (e.g. the status
 *   they had before the contact, reported late): restored. Without `heldSince` (the restore after
 *   an interruption, R10, when Connect has put them back in the status they had before the
 *   contact), any status but the wrap-up status is theirs and kept.
 * `listing`: the agent's listing the caller read already (the stream's report comes with it).
 */
export async function restoreVerdict(
  deps: Deps,
  instanceArn: string,
  agentId: string,
  heldSince: Date | undefined,
  listing?: AgentListing,
): Promise<RestoreVerdict> {
  if (deps.presence === undefined) return RESTORE;
  const current = await deps.presence.current(instanceArn, agentId, listing);
  if (current === undefined || current.kind === 'WRAP_UP') return RESTORE;
  const since = new Date(current.since);
  if (current.kind === 'OFFLINE') {
    return { restore: false, reason: 'AGENT_OFFLINE', since, detail: `agent is ${current.name}` };
  }
  if (heldSince !== undefined && since.getTime() <= heldSince.getTime()) return RESTORE;
  return { restore: false, reason: 'STATUS_CHANGED', since, detail: `agent chose ${current.name}` };
}

/**
 * AgentPresence from the agent event stream: the status the stream last reported, kept by the
 * consumer (no Connect call). The report is kept in the agent's `openByAgent` partition, so the
 * Query that lists the agent's open wrap-ups returns it too: a caller that passes its listing costs
 * no request; without one, it is read on its own (one GetItem).
 */
export class ObservedPresence implements AgentPresence {
  constructor(
    private readonly store: Pick<SessionStore, 'getAgentStatus'>,
    private readonly statuses: ConfiguredStatuses = DEFAULT_STATUSES,
  ) {}

  async current(
    _instanceArn: string,
    agentId: string,
    listing?: AgentListing,
  ): Promise<PresenceReport | undefined> {
    const observed = listing === undefined ? await this.store.getAgentStatus(agentId) : listing.observed;
    return observed === undefined
      ? undefined
      : { ...observed, kind: classifyStatus(observed, this.statuses) };
  }
}
