/**
 * The outside systems the core needs, named by what it asks of them. Adapters implement them
 * against AWS; tests and the simulator give their own.
 */
import type { Mode, PolicyOverride } from './config';
import type { LateCompletions } from './late-completions';
import type { PolicyIndex } from './policy';
import type { Session } from './session';

/** Raised by a store when a conditional write lost to a concurrent one. */
export class VersionConflict extends Error {
  constructor(
    readonly contactId: string,
    readonly agentId: string,
  ) {
    super(`Session ${contactId}/${agentId} was changed concurrently`);
    this.name = 'VersionConflict';
  }
}

/**
 * A contact flow's choice of wrap-up for one contact (R3: above the contact's tag, queue and
 * channel), stored before the contact ends.
 */
export interface ContactOverride {
  readonly contactId: string;
  readonly profile?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly mode?: Mode | undefined;
  /** R21: whether an unanswered outbound attempt gets the wrap-up. */
  readonly unansweredOutbound?: boolean | undefined;
  /**
   * R10: the standard queue the contact was in when the choice was made, so that a contact
   * transferred from it into an agent's queue gets that queue's policy.
   */
  readonly queueId?: string | undefined;
  /**
   * R3: where the choice came from when it is not this contact's own flow's: the contact it was
   * inherited from (a transfer), or `tag` (the contact's own `acwProfile` tag, recorded so that
   * the contacts it is transferred into inherit it).
   */
  readonly inheritedFrom?: string | undefined;
  readonly setAt: string;
}

/** Durable wrap-up sessions (DynamoDB). */
/** What `SessionStore.readLeg` found. */
export interface LegRead {
  readonly overrides: ReadonlyMap<string, ContactOverride>;
  readonly session: Session | undefined;
  /** The contact interrupted a wrap-up of the agent (R9, R10), as recorded so far. */
  readonly interrupted: boolean;
}

export interface SessionStore {
  /** Stores (or replaces) a contact flow's choice for a contact, kept until `expiresAt`. */
  putOverride(override: ContactOverride, expiresAt: Date): Promise<void>;
  /** The contact flow's choice for a contact, if any. */
  getOverride(contactId: string): Promise<ContactOverride | undefined>;
  /**
   * R3: the choices stored for several contacts (a transfer chain: the contact, its previous and
   * its initial contact) in one request, by contact id; contacts without one are left out.
   */
  getOverrides(contactIds: readonly string[]): Promise<ReadonlyMap<string, ContactOverride>>;
  /**
   * R1, R3, R10, R14: what starting one agent's wrap-up reads, in one request: the choices of a
   * transfer chain (as `getOverrides`), the agent's session of the contact if there is one already,
   * and whether the contact is recorded as having interrupted a wrap-up of theirs
   * (`markInterruption`'s INTERRUPTED side).
   */
  readLeg(
    contactIds: readonly string[],
    session: { readonly contactId: string; readonly agentId: string },
  ): Promise<LegRead>;
  /**
   * R10: the sessions of one contact, every agent's (eventually consistent): a contact
   * transferred into an agent's queue reads the queue of the leg it came from.
   */
  listByContact(contactId: string): Promise<Session[]>;
  /** Writes a new session unless one exists for its contact and agent; returns the stored one. */
  create(session: Session): Promise<{ created: boolean; session: Session }>;
  /** A strongly consistent read. */
  get(contactId: string, agentId: string): Promise<Session | undefined>;
  /** The agent's open sessions (eventually consistent: an index). */
  listOpenByAgent(agentId: string): Promise<Session[]>;
  /**
   * R8, R11, R12: the agent's open sessions and, in the same request, their status as the agent
   * event stream last reported it (`putAgentStatus`), if it did (eventually consistent: an index).
   */
  listAgent(agentId: string): Promise<AgentListing>;
  /** Every open session (eventually consistent). */
  listOpen(): Promise<Session[]>;
  /**
   * Replaces the session if its stored version is still `session.version`; returns it with the
   * version incremented.
   * @throws VersionConflict when another writer got there first.
   */
  save(session: Session): Promise<Session>;
  /**
   * R9, R10: records one side of an interruption of an agent's wrap-up by contact `contactId`:
   * `INTERRUPTED` (the contact ended a wrap-up of theirs) or `ENDED` (the agent's leg of the
   * contact is over). Atomic: of the two writers, exactly one sees both sides set.
   */
  markInterruption(
    contactId: string,
    agentId: string,
    side: 'INTERRUPTED' | 'ENDED',
    expiresAt: Date,
  ): Promise<{ readonly interrupted: boolean; readonly ended: boolean }>;
  /**
   * Claims the restore that follows an interruption (R10: the interrupting contact ended with no
   * wrap-up of its own): true for one delivery only, unless its claim is older than `staleBefore`
   * and the restore was never recorded done (that delivery evidently failed).
   */
  claimInterruptionRestore(
    contactId: string,
    agentId: string,
    now: Date,
    staleBefore: Date,
  ): Promise<boolean>;
  /** The restore after an interruption is done: it is never claimed again. */
  markInterruptionRestored(contactId: string, agentId: string): Promise<void>;
  /**
   * R14: wrap-ups of one agent closed at about the same moment, and a close found others closed
   * too: each may restore the agent, and only the first to claim does. One claim per agent, kept
   * with its time: a claim made since `heldSince` (the claimant's wrap-up status was set) restored
   * this wrap-up's agent already, so this claim fails; an older one belongs to an earlier wrap-up
   * and is replaced. True for the claimant that wins, and again for it alone (its retry).
   */
  claimSharedRestore(
    agentId: string,
    claimant: string,
    heldSince: Date,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean>;
  /**
   * R8, R11: keeps the agent's status as the agent event stream last reported it, unless a newer
   * one is kept already (events arrive out of order). Returns whether this one was newer.
   */
  putAgentStatus(agentId: string, status: ObservedStatus, expiresAt: Date): Promise<boolean>;
  /** The agent's status as the agent event stream last reported it, if it did. */
  getAgentStatus(agentId: string): Promise<ObservedStatus | undefined>;
}

/** What `SessionStore.listAgent` found: one Query on the agent's open wrap-ups. */
export interface AgentListing {
  readonly sessions: readonly Session[];
  /** The agent's status as the agent event stream last reported it; undefined when it did not. */
  readonly observed?: ObservedStatus | undefined;
}

/** An agent status as Connect reports it (agent event stream, GetCurrentUserData). */
export interface ObservedStatus {
  readonly name: string;
  /** The status's ARN, when Connect gives it. */
  readonly arn?: string | undefined;
  /** When the agent entered it (ISO-8601). */
  readonly since: string;
}

/** What an observed status means for wrap-up. */
export type StatusKind = 'WRAP_UP' | 'ROUTABLE' | 'OFFLINE' | 'OTHER';

/** What an end timer carries: the session it ends and the deadline it was set for (R13). */
export interface TimerPayload {
  readonly contactId: string;
  readonly agentId: string;
  readonly deadline: string;
}

/** End timers (EventBridge Scheduler, SQS delays). */
export interface Timers {
  /** Arms the timer for `payload.deadline`. Arming the same timer again is harmless. */
  arm(payload: TimerPayload, now: Date): Promise<void>;
  /** Brings the timer back after `delaySeconds`. */
  defer(payload: TimerPayload, delaySeconds: number): Promise<void>;
  /** Removes the timer if it is still pending; a timer already gone is fine. */
  cancel(payload: TimerPayload): Promise<void>;
}

/** The Connect contact record (UpdateContactAttributes). */
export interface ContactRecords {
  write(instanceArn: string, contactId: string, attributes: Record<string, string>): Promise<void>;
}

/**
 * Which status an agent is put in: the configured wrap-up or routable status, or (R19) a status
 * of the instance the agent chose, by name, to land in when their wrap-up ends.
 */
export type TargetStatus = 'WRAP_UP' | 'ROUTABLE' | { readonly name: string };

/** Connect agent statuses (PutUserStatus). */
export interface AgentStatus {
  /**
   * @throws StatusUnavailable when a status named by the agent (R19) is not, or no longer, an
   *   enabled status of the instance.
   */
  set(instanceArn: string, agentId: string, status: TargetStatus, dueBy?: Date): Promise<void>;
  /**
   * R13, R15: a restore due by `dueBy` will be asked for at `at` (a wrap-up's deadline): calls due
   * later leave it a token. Optional: an adapter without a quota line has nothing to keep.
   */
  announceRestore?(at: Date, dueBy: Date): void;
}

/**
 * R19: a status named by the agent could not be set: the instance has no such status (any more),
 * or it is disabled. The restore then falls back to the routable status rather than leave the
 * agent in wrap-up (R15).
 */
export class StatusUnavailable extends Error {
  constructor(
    readonly statusName: string,
    detail: string,
  ) {
    super(`Agent status "${statusName}" cannot be set: ${detail}`);
    this.name = 'StatusUnavailable';
  }
}

/** The type of an agent status, as Connect names it. */
export type AgentStatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';

/** An agent status an agent may choose to land in after wrap-up (R19). */
export interface ChoosableStatus {
  readonly name: string;
  readonly type: AgentStatusType;
}

/**
 * R19: the statuses of the instance an agent may choose to land in after wrap-up: its enabled
 * statuses, the wrap-up status left out. Adapters cache the list (it changes rarely).
 */
export interface StatusDirectory {
  choosable(instanceArn: string): Promise<readonly ChoosableStatus[]>;
}

/** Names of an instance's queues, agents and agent hierarchy groups, by id (`Directory.names`). */
export interface DirectoryNames {
  readonly queues: ReadonlyMap<string, string>;
  readonly agents: ReadonlyMap<string, string>;
  /** R3, R20: the agent hierarchy groups asked for (`agentGroupIds`); absent when none were. */
  readonly agentGroups?: ReadonlyMap<string, string> | undefined;
}

/**
 * The names of an instance's queues and agents, so that people see "Billing" and "Ana Lima"
 * rather than ids. Adapters cache them (they change rarely) and look again when asked for an id
 * they do not know.
 */
export interface Directory {
  /** The names of the queues and agents given, by id; an id the instance cannot name is left out. */
  names(
    instanceArn: string,
    ids: {
      readonly queueIds: readonly string[];
      readonly agentIds: readonly string[];
      /** R3, R20: agent hierarchy group ids, named from the instance's catalog. */
      readonly agentGroupIds?: readonly string[] | undefined;
    },
  ): Promise<DirectoryNames>;
}

/** A queue or an agent hierarchy group of the instance: its id and its name. */
export interface NamedResource {
  readonly id: string;
  readonly name: string;
}

/** An agent status of the instance: its id, name and type. */
export interface NamedStatus extends NamedResource {
  readonly type: AgentStatusType;
}

/**
 * R20: what an administrator picks from, by name: the instance's standard queues, its agent
 * hierarchy groups and its agent statuses, as listed from Connect.
 */
export interface CatalogListing {
  readonly queues: readonly NamedResource[];
  readonly agentGroups: readonly NamedResource[];
  readonly statuses: readonly NamedStatus[];
}

/** R20: a catalog as kept: the listing, and when it was listed (ISO 8601). */
export interface DirectoryCatalog extends CatalogListing {
  readonly refreshedAt: string;
}

/**
 * R20: lists the catalog from Connect: ListQueues, ListUserHierarchyGroups and ListAgentStatuses,
 * paged, each call spending its own API's quota budget (R15).
 */
export interface CatalogSource {
  list(instanceArn: string): Promise<CatalogListing>;
}

/** R20: where the last catalog listed is kept for every function (the session table). */
export interface CatalogStore {
  /** Undefined when none was kept (or it expired). */
  read(instanceArn: string): Promise<DirectoryCatalog | undefined>;
  write(instanceArn: string, catalog: DirectoryCatalog): Promise<void>;
}

/** R20: the catalog's two sides: Connect, listed on a schedule and on a miss, and the kept copy. */
export interface CatalogPorts {
  readonly source: CatalogSource;
  readonly store: CatalogStore;
}

/**
 * R8, R11: the agent's current status, read before a restore so that the system never overrides a
 * status the agent chose, nor makes an offline agent routable. From the agent event stream when
 * one is configured (no Connect call), else from GetCurrentUserData (one Connect call).
 */
export interface AgentPresence {
  /**
   * Undefined when unknown (nothing seen yet): the restore goes ahead. `listing`: the agent's
   * listing the caller has already read (`SessionStore.listAgent`), which holds the stream's last
   * report, so that the stream's presence needs no request of its own; GetCurrentUserData ignores it.
   */
  current(instanceArn: string, agentId: string, listing?: AgentListing): Promise<PresenceReport | undefined>;
  /**
   * R8 without the agent event stream: the current status of several agents at once (Connect's
   * GetCurrentUserData takes up to 100 agents a call), so that the sweep learns of the statuses
   * agents chose during wrap-up within a minute, not at the deadline. By agent id; an agent
   * Connect does not list (logged out) is Offline. Absent where the stream reports statuses.
   */
  currentOfAgents?(
    instanceArn: string,
    agentIds: readonly string[],
  ): Promise<ReadonlyMap<string, PresenceReport>>;
}

/** An agent's status as Connect reports it, and what it means for wrap-up. */
export type PresenceReport = ObservedStatus & { readonly kind: StatusKind };

/** Time, passed in so that tests and the simulator run on a virtual clock. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Structured logging; the fields must never hold customer phone numbers. */
export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** R18: the runtime switch that turns ACW off without a redeploy. */
export interface KillSwitch {
  /** False when ACW is switched off. */
  isOn(): Promise<boolean>;
}

/** Everything a use case needs. */
/**
 * R17, R22: what is told of each wrap-up once nothing more will happen to it (closed, its restore
 * done or skipped, its record written): exactly once per session, by the write that completed it.
 */
export interface WrapUpObserver {
  completed(session: Session): void;
}

export interface Deps {
  readonly store: SessionStore;
  readonly timers: Timers;
  readonly agents: AgentStatus;
  readonly contacts: ContactRecords;
  readonly clock: Clock;
  readonly log: Log;
  /** R18: absent means ACW is always on (tests, the simulator). */
  readonly killSwitch?: KillSwitch | undefined;
  /** R17, R22: told of each wrap-up once it is complete (metrics); absent, nobody is told. */
  readonly observer?: WrapUpObserver | undefined;
  /** R8, R11: absent means every restore goes ahead (the agent's choices are not checked). */
  readonly presence?: AgentPresence | undefined;
  /** R19: the statuses an agent may choose to land in; absent, a choice is refused. */
  readonly statuses?: StatusDirectory | undefined;
  /** R20: the live policies; absent, the deploy-time ones (`LifecycleConfig.policies`) apply. */
  readonly policies?: PolicySource | undefined;
  /** Names of queues and agents for the views; absent, views carry none. */
  readonly directory?: Directory | undefined;
  /** R20: the catalog of queues, agent groups and statuses by name; absent, none is listed. */
  readonly catalog?: CatalogPorts | undefined;
  /** Issue 13: where a wrap-up completing after its day's roll-up marks the day; absent, not marked. */
  readonly lateCompletions?: LateCompletions | undefined;
}

/** R20: the levels an administrator overrides at run time, as the admin API names them. */
export const POLICY_LEVELS = ['default', 'channel', 'queue', 'profile', 'agentGroup'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

/** R20: one level's run-time override as stored: the policy as set, and which change set it. */
export interface StoredOverride {
  readonly policy: PolicyOverride;
  readonly version: number;
  readonly at: string;
  readonly by: string;
}

/**
 * R20: the live overrides document: one version for the whole document (every change increments
 * it), and per level each key's whole override as an administrator set it. Version 0 and empty
 * levels: nothing was ever changed.
 */
export interface PolicyOverrides {
  readonly version: number;
  readonly default?: StoredOverride | undefined;
  readonly channels: Readonly<Record<string, StoredOverride>>;
  readonly queues: Readonly<Record<string, StoredOverride>>;
  readonly profiles: Readonly<Record<string, StoredOverride>>;
  readonly agentGroups: Readonly<Record<string, StoredOverride>>;
  /** R18, R20: the kill switch as an administrator set it; absent, the deployed SSM parameter decides. */
  readonly killSwitch?: StoredKillSwitch | undefined;
}

/** R20: one accepted change, as audited (kept for good). */
export interface PolicyChangeRecord {
  /** The document's version this change made. */
  readonly version: number;
  readonly at: string;
  readonly by: string;
  readonly reason: string;
  readonly level: PolicyLevel | typeof KILL_SWITCH_LEVEL;
  /** The channel, queue id, profile name or hierarchy group id; `-` for the default. */
  readonly key: string;
  /** The override before the change (absent: none, the baseline applied). */
  readonly before?: PolicyOverride | KillSwitchSetting | undefined;
  /** The override after it (absent: removed, the baseline applies again). */
  readonly after?: PolicyOverride | KillSwitchSetting | undefined;
}

/** R20: a change made on a version another change already replaced (the admin API answers 409). */
export class PolicyVersionConflict extends Error {
  constructor(readonly expectedVersion: number) {
    super(
      `The policies changed since version ${expectedVersion}: read them again and make the change on the current version`,
    );
    this.name = 'PolicyVersionConflict';
  }
}

/** What a store is asked to write: an already validated change on `expectedVersion`. */
export interface PolicyWrite {
  readonly level: PolicyLevel;
  readonly key: string;
  /** The level's whole override; null removes it (the baseline applies again). */
  readonly policy: PolicyOverride | null;
  readonly expectedVersion: number;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}

/**
 * R20: the overrides' policies by level, without who set them: what an import changed (the keys
 * it added, replaced or removed), before and after.
 */
export interface PolicyOverridesSnapshot {
  readonly default?: PolicyOverride | undefined;
  readonly channels: Readonly<Record<string, PolicyOverride>>;
  readonly queues: Readonly<Record<string, PolicyOverride>>;
  readonly profiles: Readonly<Record<string, PolicyOverride>>;
  readonly agentGroups: Readonly<Record<string, PolicyOverride>>;
}

/** R20: one accepted import (`connect-acw policies import`): one change replacing every override. */
export interface PolicyImportRecord {
  /** The document's version this import made. */
  readonly version: number;
  readonly at: string;
  readonly by: string;
  readonly reason: string;
  readonly level: 'import';
  /** Always `-`: an import has no single key. */
  readonly key: string;
  /** The overrides the import replaced or removed, as they were (a key absent: it had none). */
  readonly before: PolicyOverridesSnapshot;
  /** The overrides it set, as they are now (a key of `before` absent here: removed). */
  readonly after: PolicyOverridesSnapshot;
}

/** R20: an entry of the policies' history: a change of one level, or an import. */
export type PolicyHistoryRecord = PolicyChangeRecord | PolicyImportRecord;

/** What a store is asked to write for an import: the whole next document, on `expectedVersion`. */
export interface PolicyReplacement {
  readonly expectedVersion: number;
  /** The document after the import (version `expectedVersion + 1`). */
  readonly doc: PolicyOverrides;
  readonly record: PolicyImportRecord;
}

/** R20: the run-time policy overrides, beside the sessions (DynamoDB). */
export interface PolicyStore {
  /** The live overrides (strongly consistent); version 0 when none was ever set. */
  read(): Promise<PolicyOverrides>;
  /**
   * Replaces (or removes) one level's override and audits it, atomically, if the document is
   * still at `change.expectedVersion`; returns the audit record (its version is the new one).
   * @throws PolicyVersionConflict when another change came first.
   */
  write(change: PolicyWrite): Promise<PolicyChangeRecord>;
  /**
   * R18, R20: sets (or, with `state: null`, removes) the kill switch's override in the same
   * document, versioned and audited like a policy change (record level `killSwitch`, key `-`).
   * @throws PolicyVersionConflict when another change came first.
   */
  writeKillSwitch(change: KillSwitchWrite): Promise<PolicyChangeRecord>;
  /**
   * R20 import: replaces the whole document and audits it, atomically, if the document is still at
   * `replacement.expectedVersion`.
   * @throws PolicyVersionConflict when another change came first.
   */
  replaceAll(replacement: PolicyReplacement): Promise<PolicyImportRecord>;
  /** The audited changes and imports, newest first. */
  history(limit: number): Promise<PolicyHistoryRecord[]>;
}

/** R3, R20: the policies in force now (deploy-time baseline with the run-time overrides). */
export interface PolicySource {
  index(): Promise<PolicyIndex>;
  /**
   * R18, R20: the kill switch's run-time override, from the same read of the document as `index`
   * (no read of its own); undefined when none is set (the deployed parameter decides).
   */
  killSwitchOverride?(): Promise<KillSwitchState | undefined>;
}

/** R18, R20: the kill switch's record level in the audit (its key is `-`). */
export const KILL_SWITCH_LEVEL = 'killSwitch';

/** R18: ACW on or off. */
export type KillSwitchState = 'on' | 'off';

/** R18, R20: the kill switch as an audit record's `before` / `after` holds it. */
export interface KillSwitchSetting {
  readonly state: KillSwitchState;
}

/** R18, R20: the kill switch's run-time override as stored, and which change set it. */
export interface StoredKillSwitch {
  readonly state: KillSwitchState;
  readonly version: number;
  readonly at: string;
  readonly by: string;
}

/** R18, R20: what a store is asked to write for the kill switch (null: back to the deployed parameter). */
export interface KillSwitchWrite {
  readonly state: KillSwitchState | null;
  readonly expectedVersion: number;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
}
