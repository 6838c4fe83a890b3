/**
 * R20: the catalog administrators pick from: the instance's queues, agent hierarchy groups and
 * agent statuses by name. It is listed from Connect (a few paged calls, each on its own API's
 * quota) and kept in the session table, so that a page opening, or a view naming a group, costs
 * one read, not Connect calls.
 *
 * - On a schedule: the sweep (every minute) lists it again when the kept one is older than
 *   `CATALOG_REFRESH_MS` (15 minutes): a queue renamed in Connect shows within about 15 minutes.
 * - On a miss: a reader that finds none kept, or one older than `CATALOG_STALE_MS` (the schedule
 *   has not refreshed it for an hour), lists it from Connect itself and keeps it; when Connect
 *   fails then, the older one is served rather than nothing (its `refreshedAt` tells its age).
 */
import type { CatalogPorts, DirectoryCatalog, Log } from './ports';

/** How old the kept catalog may get before the schedule lists it again. */
export const CATALOG_REFRESH_MS = 15 * 60 * 1000;
/**
 * The schedule runs every minute, not exactly on the minute: a catalog this much younger than
 * `CATALOG_REFRESH_MS` is refreshed already, so that it is not left a whole extra minute.
 */
const SCHEDULE_SLACK_MS = 30 * 1000;
/** A kept catalog older than this is a miss for a reader: four scheduled refreshes did not happen. */
export const CATALOG_STALE_MS = 60 * 60 * 1000;

/** No catalog could be listed from Connect and none is kept. */
export class CatalogUnavailable extends Error {
  constructor(instanceArn: string, cause: unknown) {
    super(
      `The catalog of ${instanceArn} is not kept and could not be listed from Amazon Connect (${describe(cause)})`,
    );
    this.name = 'CatalogUnavailable';
  }
}

/**
 * Lists the catalog from Connect now and keeps it.
 * 1. List queues, agent hierarchy groups and statuses (the source pages and paces each API).
 * 2. Sort each list by name, so that readers show it as kept.
 * 3. Keep it, stamped with `now` (when the listing began).
 */
export async function refreshCatalog(
  catalog: CatalogPorts,
  instanceArn: string,
  now: Date,
): Promise<DirectoryCatalog> {
  const listed = await catalog.source.list(instanceArn);
  const refreshed: DirectoryCatalog = {
    queues: byName(listed.queues),
    agentGroups: byName(listed.agentGroups),
    statuses: byName(listed.statuses),
    refreshedAt: now.toISOString(),
  };
  await catalog.store.write(instanceArn, refreshed);
  return refreshed;
}

/** What the scheduled step did. */
export interface ScheduledRefresh {
  readonly refreshed: boolean;
  /** When the catalog kept now was listed. */
  readonly refreshedAt: string;
}

/**
 * The scheduled step (the sweep, every minute): the kept catalog is listed again when there is
 * none or it is `everyMs` old (less a little slack for the schedule's own drift).
 */
export async function refreshCatalogIfDue(
  catalog: CatalogPorts,
  instanceArn: string,
  now: Date,
  everyMs = CATALOG_REFRESH_MS,
): Promise<ScheduledRefresh> {
  const kept = await catalog.store.read(instanceArn);
  if (kept !== undefined && ageMs(kept, now) < everyMs - SCHEDULE_SLACK_MS) {
    return { refreshed: false, refreshedAt: kept.refreshedAt };
  }
  const refreshed = await refreshCatalog(catalog, instanceArn, now);
  return { refreshed: true, refreshedAt: refreshed.refreshedAt };
}

/** How a reader asks for the catalog. */
export interface CatalogRead {
  /** A kept catalog older than this is a miss. @default CATALOG_STALE_MS */
  readonly maxAgeMs?: number | undefined;
  /** List from Connect even when the kept one is young enough (an id it lacks). @default false */
  readonly refresh?: boolean | undefined;
}

/**
 * The catalog for a reader (the admin route, the names of groups):
 * 1. the kept one, when it is younger than `maxAgeMs` and no refresh is asked;
 * 2. else listed from Connect and kept (a miss);
 * 3. when that fails, the kept one however old (a warning logged), else `CatalogUnavailable`.
 */
export async function catalogOf(
  catalog: CatalogPorts,
  instanceArn: string,
  now: Date,
  log: Pick<Log, 'warn'>,
  read: CatalogRead = {},
): Promise<DirectoryCatalog> {
  const kept = await catalog.store.read(instanceArn).catch((error: unknown) => {
    log.warn('Could not read the kept catalog: listing it from Connect', { error: describe(error) });
    return undefined;
  });
  const fresh = kept !== undefined && ageMs(kept, now) < (read.maxAgeMs ?? CATALOG_STALE_MS);
  if (fresh && read.refresh !== true) return kept;
  try {
    return await refreshCatalog(catalog, instanceArn, now);
  } catch (error) {
    if (kept === undefined) throw new CatalogUnavailable(instanceArn, error);
    log.warn('Could not list the catalog from Connect: the kept one is served', {
      refreshedAt: kept.refreshedAt,
      error: describe(error),
    });
    return kept;
  }
}

function ageMs(catalog: DirectoryCatalog, now: Date): number {
  return now.getTime() - Date.parse(catalog.refreshedAt);
}

/** By name, then by id: the order an administrator looks for a name in. */
function byName<T extends { readonly id: string; readonly name: string }>(items: readonly T[]): T[] {
  return [...items].sort(
    (a, b) => a.name.localeCompare(b.name, 'en') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
