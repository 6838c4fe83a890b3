/**
 * The `acw.connectQuota` section (R15): the Connect API rates the functions keep to (the gate in
 * lambda/core/quota.ts). Connect's quotas are per API, per account and Region; `requestsPerSecond`
 * and `burst` are every API's, and `perApi` names the APIs whose quota differs (the ones raised
 * through Service Quotas, or shared with another tool). A deployment setting: the account's quotas,
 * not a wrap-up rule.
 */
import * as z from './zod';

const QUOTA_RATE_MESSAGE = 'must be a number of requests per second above 0 and at most 1000';
const QUOTA_BURST_MESSAGE = 'must be an integer 1-10000 (requests)';

/**
 * The Connect APIs this system calls, each with its own quota: the status changes (holds and
 * restores), the wrap-up record, the status check without an agent event stream, and the lookups
 * (who a caller is, the statuses they may choose, names, and (R20) the catalog's agent groups).
 */
export const CONNECT_APIS = [
  'PutUserStatus',
  'UpdateContactAttributes',
  'GetCurrentUserData',
  'SearchUsers',
  'SearchAgentStatuses',
  'ListAgentStatuses',
  'DescribeUser',
  'ListUsers',
  'ListQueues',
  'SearchQueues',
  'DescribeQueue',
  'ListUserHierarchyGroups',
] as const;

const rate = z
  .number({ error: QUOTA_RATE_MESSAGE })
  .check(z.gt(0, { error: QUOTA_RATE_MESSAGE }), z.lte(1000, { error: QUOTA_RATE_MESSAGE }));
const burst = z
  .int({ error: QUOTA_BURST_MESSAGE })
  .check(z.gte(1, { error: QUOTA_BURST_MESSAGE }), z.lte(10_000, { error: QUOTA_BURST_MESSAGE }));

/** One API's quota: both fields, as Service Quotas states them. */
const apiQuotaSchema = z.strictObject({ requestsPerSecond: rate, burst });

const API_NAME_MESSAGE = `must be one of the Connect APIs this system calls: ${CONNECT_APIS.join(', ')}`;

/** R15: the account's Connect API quotas this system keeps to (Service Quotas, per account and Region). */
export const connectQuotaSchema = z.strictObject({
  requestsPerSecond: z._default(rate, 2),
  burst: z._default(burst, 5),
  perApi: z.optional(
    z.partialRecord(z.enum(CONNECT_APIS, { error: API_NAME_MESSAGE }), apiQuotaSchema, {
      error: 'must be an object of { "<Operation>": { "requestsPerSecond", "burst" } }',
    }),
  ),
});

/** The quota when the section is left out. */
export const CONNECT_QUOTA_DEFAULTS = { requestsPerSecond: 2, burst: 5 };
