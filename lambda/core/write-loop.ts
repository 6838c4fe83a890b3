/**
 * The mechanics every use case shares: "read the session, decide purely, write conditionally on
 * the version read, re-read on a conflict" (R14), and the lease that keeps two deliveries of the
 * same event or timer from doing a half-done step twice.
 *
 * The conditional write is what makes a duplicate a no-op; losing it means another writer changed
 * the session since it was read, so the decision is made again on what is stored now.
 */
import type { Deps } from './ports';
import { VersionConflict } from './ports';
import type { Session } from './session';

/** How often a use case re-reads after losing a conditional write before giving up (and retrying later). */
const MAX_ATTEMPTS = 5;

/** Which session a loop reads and writes. */
export interface SessionKey {
  readonly contactId: string;
  readonly agentId: string;
}

/** What one attempt decided, from the session it read. */
export type Decision<T> =
  /** Nothing to write: the loop ends with this result. */
  | { readonly done: T }
  /**
   * Write `save` conditionally; once it is written, `after` finishes with the stored session.
   * (Not named `then`: a decision must not look like a promise to `await`.)
   */
  | { readonly save: Session; readonly after: (saved: Session) => T | Promise<T> };

/**
 * Reads the session of `key` (or starts from `options.first`, the session in hand), lets `decide`
 * choose, and writes its choice conditionally; on a conflict it reads again and decides again.
 * @throws VersionConflict when `decide`'s write lost MAX_ATTEMPTS times in a row.
 */
export async function retryOnConflict<T>(
  deps: Pick<Deps, 'store'>,
  key: SessionKey,
  decide: (session: Session | undefined) => Decision<T> | Promise<Decision<T>>,
  options: { readonly first?: Session } = {},
): Promise<T> {
  let session = options.first ?? (await deps.store.get(key.contactId, key.agentId));
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) session = await deps.store.get(key.contactId, key.agentId);
    const decision = await decide(session);
    if ('done' in decision) return decision.done;
    let saved: Session;
    try {
      saved = await deps.store.save(decision.save);
    } catch (error) {
      if (error instanceof VersionConflict) continue;
      throw error;
    }
    return decision.after(saved);
  }
  throw new VersionConflict(key.contactId, key.agentId);
}

/**
 * Saves `apply(session)` starting from the session in hand, re-reading on a conflict (someone else
 * recorded the step meanwhile, a duplicate delivery, or changed the session); stops when `apply`
 * finds nothing left to do.
 */
export async function saveStep(
  deps: Pick<Deps, 'store'>,
  initial: Session,
  apply: (session: Session) => Session | undefined,
): Promise<Session> {
  return retryOnConflict<Session>(
    deps,
    initial,
    (session) => {
      const stored = mustExist(initial, session);
      const next = apply(stored);
      return next === undefined ? { done: stored } : { save: next, after: (saved) => saved };
    },
    { first: initial },
  );
}

/** `session` as re-read for `key`; a session that was stored never disappears. */
export function mustExist(key: SessionKey, session: Session | undefined): Session {
  if (session === undefined) {
    throw new Error(`Session ${key.contactId}/${key.agentId} disappeared from the store`);
  }
  return session;
}

/**
 * How long a half-done step (agent not yet held, restore not yet recorded) belongs to the
 * delivery that began it. A duplicate arriving within it backs off instead of making the same
 * Connect call again (R14: never restore an agent twice); after it, the duplicate takes over,
 * since the first delivery has evidently failed.
 */
export const STEP_LEASE_MS = 15_000;

/** Another delivery of the same event or timer is doing this step now: retry later. */
export class StepInProgress extends Error {
  constructor(session: Session, step: string) {
    super(`Session ${session.contactId}/${session.agentId}: ${step} is in progress in another delivery`);
    this.name = 'StepInProgress';
  }
}

/** Whether the session's last write is recent enough that its step still belongs to that delivery. */
export function withinLease(session: Session, now: Date): boolean {
  return now.getTime() - new Date(session.updatedAt).getTime() < STEP_LEASE_MS;
}
