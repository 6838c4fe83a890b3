/**
 * Issue 13, R22: the reports and recommendations routes of the API (supervisors):
 * - `GET /v1/reports/acw?from&to&groupBy=queue|agent|channel|day`: JSON `{ from, to, groupBy,
 *   rows }`, or CSV with `Accept: text/csv`;
 * - `GET /v1/reports/acw/distribution?from&to[&queueId][&channel]`: the time needed as a
 *   histogram, its Kaplan-Meier steps, the current window, and the average wrap-up per day;
 * - `GET /v1/recommendations?from&to`: `{ recommendations }`, as `npm run recommend`.
 *
 * Each route: 1. validates the query (naming the bad parameter); 2. reads the cells of the range
 * (lambda/core/reports.ts `cellsOf`: roll-ups, and raw sessions for what is not rolled up);
 * 3. computes the answer; for queue and agent rows, names them from the directory (ids only, with
 * a warning, when it fails).
 */

import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ReportsConfig } from '../config/reports';
import * as z from '../config/zod';
import { QUEUE_ID } from '../core/config';
import type { Clock, DirectoryNames } from '../core/ports';
import {
  cellsOf,
  distributionOf,
  GROUP_BYS,
  type GroupBy,
  type QueueCell,
  type ReportCells,
  type ReportPorts,
  type ReportRange,
  recommendationsOf,
  reportCsv,
  reportRows,
} from '../core/reports';
import { HttpError } from './api-errors';
import { NO_NAMES } from './api-views';
import type { App } from './runtime';

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;

/** What the report routes read from: the roll-ups and sessions, and the settings of `acw.reports`. */
export interface ReportsParts {
  readonly ports: ReportPorts;
  readonly settings: ReportsConfig;
}

/** What a report route is given (a part of the API handler's dependencies). */
export interface ReportRouteDeps {
  readonly app: App;
  readonly clock: Clock;
  /** Absent: the API was composed without reports; the routes answer 500 and log why. */
  readonly reports?: ReportsParts | undefined;
}

/** An answer that is not the API's usual JSON (the CSV report): returned as it is. */
export class HttpAnswer {
  constructor(readonly result: APIGatewayProxyStructuredResultV2) {}
}

/** The handlers of the report routes, by route key (lambda/handlers/api-routes.ts). */
export const REPORT_HANDLERS = {
  'GET /v1/reports/acw': acwReport,
  'GET /v1/reports/acw/distribution': distribution,
  'GET /v1/recommendations': recommendations,
} as const satisfies Record<string, (deps: ReportRouteDeps, event: Event) => Promise<unknown>>;

/** `YYYY-MM-DD`, or a UTC time `YYYY-MM-DDTHH:MM[:SS[.sss]]Z`. */
const DATE_OR_TIME = /^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/;
const dateOrTime = (name: string) =>
  z
    .string({
      error: `${name} is required: an ISO-8601 UTC date (2026-03-01) or time (2026-03-01T08:00:00Z)`,
    })
    .check(
      z.regex(DATE_OR_TIME, {
        error: `${name} must be an ISO-8601 UTC date (2026-03-01) or time (2026-03-01T08:00:00Z)`,
      }),
      z.refine((value) => validDate(value), { error: `${name} is not a date of the calendar` }),
    );
const rangeFields = { from: dateOrTime('from'), to: dateOrTime('to') };

const reportQuery = z.strictObject({
  ...rangeFields,
  groupBy: z.enum(GROUP_BYS, { error: `groupBy must be one of ${GROUP_BYS.join(', ')}` }),
});
const distributionQuery = z.strictObject({
  ...rangeFields,
  queueId: z.optional(
    z
      .string()
      .check(z.regex(QUEUE_ID, { error: 'queueId must be a queue id of 1-128 letters, digits or "-"' })),
  ),
  channel: z.optional(
    z
      .string()
      .check(
        z.regex(/^[A-Z_]{1,32}$/, { error: 'channel must be a channel name such as VOICE, CHAT or TASK' }),
      ),
  ),
});
const recommendationsQuery = z.strictObject(rangeFields);

async function acwReport(deps: ReportRouteDeps, event: Event): Promise<unknown> {
  const query = parse(reportQuery, event);
  const reports = reportsOf(deps);
  const range = rangeOf(query, reports.settings);
  const groupBy: GroupBy = query.groupBy;
  const cells = await cellsOf(reports.ports, range, deps.clock.now(), { agents: groupBy === 'agent' });
  const rows = reportRows(groupBy, cells, await namesOf(deps, groupBy, cells));
  if (wantsCsv(event)) {
    return new HttpAnswer({
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8; header=present',
        'content-disposition':
          `attachment; filename="acw-${groupBy}-${query.from}-${query.to}.csv"`.replaceAll(':', ''),
        'cache-control': 'no-store',
      },
      body: reportCsv(groupBy, rows),
    });
  }
  return { from: range.from.toISOString(), to: range.to.toISOString(), groupBy, rows };
}

async function distribution(deps: ReportRouteDeps, event: Event): Promise<unknown> {
  const query = parse(distributionQuery, event);
  const reports = reportsOf(deps);
  const range = rangeOf(query, reports.settings);
  const cells = await cellsOf(reports.ports, range, deps.clock.now(), { agents: false });
  const chosen = cells.queues.filter(
    (cell: QueueCell) =>
      (query.queueId === undefined || cell.queueId === query.queueId) &&
      (query.channel === undefined || cell.channel === query.channel),
  );
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    queueId: query.queueId ?? null,
    channel: query.channel ?? null,
    ...distributionOf(chosen),
  };
}

async function recommendations(deps: ReportRouteDeps, event: Event): Promise<unknown> {
  const query = parse(recommendationsQuery, event);
  const reports = reportsOf(deps);
  const range = rangeOf(query, reports.settings);
  const cells = await cellsOf(reports.ports, range, deps.clock.now(), { agents: false });
  const periodDays = (range.to.getTime() - range.from.getTime()) / 86_400_000;
  return { recommendations: recommendationsOf(cells.queues, reports.settings.minSample, periodDays) };
}

function reportsOf(deps: ReportRouteDeps): ReportsParts {
  if (deps.reports === undefined)
    throw new Error('The API is not composed with the reports (ApiParts.reports)');
  return deps.reports;
}

/**
 * The range asked for: a date as `from` is the start of that UTC day, as `to` its end (the day
 * is included); times are taken as they are. `to` must be after `from`, by at most
 * `maxRangeDays`.
 */
export function rangeOf(query: { from: string; to: string }, settings: ReportsConfig): ReportRange {
  const from = new Date(Date.parse(dateOnly(query.from) ? `${query.from}T00:00:00Z` : query.from));
  const to = new Date(
    Date.parse(dateOnly(query.to) ? `${query.to}T00:00:00Z` : query.to) +
      (dateOnly(query.to) ? 86_400_000 : 0),
  );
  if (to.getTime() <= from.getTime()) throw new HttpError(400, 'BAD_REQUEST', 'to must be after from');
  if (to.getTime() - from.getTime() > settings.maxRangeDays * 86_400_000) {
    throw new HttpError(400, 'BAD_REQUEST', `from-to must span at most ${settings.maxRangeDays} days`);
  }
  return { from, to };
}

function dateOnly(value: string): boolean {
  return value.length === 10;
}

/** A date part that names a day of the calendar (not 2026-02-30), and a time within its day. */
function validDate(value: string): boolean {
  const match = DATE_OR_TIME.exec(value);
  const day = match?.[1];
  if (day === undefined) return false;
  const parsed = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) return false;
  return !Number.isNaN(Date.parse(value));
}

/** `Accept: text/csv` (among others, in any case) asks for CSV. */
function wantsCsv(event: Event): boolean {
  const accept = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'accept')?.[1];
  return accept !== undefined && /(^|,)\s*text\/csv\s*(;|,|$)/i.test(accept);
}

/** Names for queue and agent rows; ids only (a warning logged) when the directory fails. */
async function namesOf(deps: ReportRouteDeps, groupBy: GroupBy, cells: ReportCells): Promise<DirectoryNames> {
  const { directory, log } = deps.app.deps;
  const instanceArn = deps.app.config.instanceArn;
  if (directory === undefined || instanceArn === undefined) return NO_NAMES;
  const queueIds =
    groupBy === 'queue'
      ? [...new Set(cells.queues.flatMap((c) => (c.queueId === null ? [] : [c.queueId])))]
      : [];
  const agentIds = groupBy === 'agent' ? [...new Set(cells.agents.map((c) => c.agentId))] : [];
  if (queueIds.length === 0 && agentIds.length === 0) return NO_NAMES;
  try {
    return await directory.names(instanceArn, { queueIds, agentIds });
  } catch (error) {
    log.warn('Names of queues and agents unavailable: the report carries ids only', {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return NO_NAMES;
  }
}

function parse<T extends z.ZodMiniType>(schema: T, event: Event): z.output<T> {
  const result = schema.safeParse(event.queryStringParameters ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue?.code === 'unrecognized_keys') {
    throw new HttpError(
      400,
      'BAD_REQUEST',
      `unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`,
    );
  }
  throw new HttpError(400, 'BAD_REQUEST', issue?.message ?? 'bad request');
}
