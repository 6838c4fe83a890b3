/**
 * R20: `GET /v1/admin/directory`: the catalog administrators pick from, by name: the instance's
 * standard queues, agent hierarchy groups and agent statuses, and when they were listed from
 * Connect (`refreshedAt`). Read from the table (refreshed every 15 minutes by the sweep); listed
 * from Connect when none is kept or the kept one is an hour old (lambda/core/catalog.ts).
 */

import type { App } from '../app/compose';
import { CatalogUnavailable, catalogOf } from '../core/catalog';
import { HttpError } from './api-errors';

/** The answer of `GET /v1/admin/directory`. */
export interface DirectoryAnswer {
  readonly queues: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly agentGroups: ReadonlyArray<{ readonly id: string; readonly name: string }>;
  readonly statuses: ReadonlyArray<{ readonly id: string; readonly name: string; readonly type: string }>;
  readonly refreshedAt: string;
}

/**
 * The catalog, each list by name. 503 `DIRECTORY_UNAVAILABLE` when none is kept and Connect
 * cannot list it now (throttled, or the function lacks the permission): try again later.
 */
export async function adminDirectory(app: App): Promise<DirectoryAnswer> {
  const { catalog, clock, log } = app.deps;
  const instanceArn = app.config.instanceArn;
  if (catalog === undefined || instanceArn === undefined) {
    throw new Error('The API is not composed with the catalog of names or an instance ARN');
  }
  try {
    const listed = await catalogOf(catalog, instanceArn, clock.now(), log);
    return {
      queues: listed.queues.map(({ id, name }) => ({ id, name })),
      agentGroups: listed.agentGroups.map(({ id, name }) => ({ id, name })),
      statuses: listed.statuses.map(({ id, name, type }) => ({ id, name, type })),
      refreshedAt: listed.refreshedAt,
    };
  } catch (error) {
    if (!(error instanceof CatalogUnavailable)) throw error;
    log.warn('The catalog of names is unavailable', { error: error.message });
    throw new HttpError(
      503,
      'DIRECTORY_UNAVAILABLE',
      'the names could not be listed from Amazon Connect now; try again in a minute',
    );
  }
}
