/**
 * The `acw.connectQuota` section (R15): the Connect API rate the functions keep to, through the
 * token bucket (lambda/core/quota.ts). A deployment setting: the account's quota, not a wrap-up rule.
 */
import * as z from 'zod';

const QUOTA_RATE_MESSAGE = 'must be a number of requests per second above 0 and at most 1000';
const QUOTA_BURST_MESSAGE = 'must be an integer 1-10000 (requests)';

/** R15: the account's Connect API quota this system keeps to (Service Quotas, per account and Region). */
export const connectQuotaSchema = z.strictObject({
  requestsPerSecond: z
    .number({ error: QUOTA_RATE_MESSAGE })
    .gt(0, { error: QUOTA_RATE_MESSAGE })
    .max(1000, { error: QUOTA_RATE_MESSAGE })
    .default(2),
  burst: z
    .number({ error: QUOTA_BURST_MESSAGE })
    .int({ error: QUOTA_BURST_MESSAGE })
    .min(1, { error: QUOTA_BURST_MESSAGE })
    .max(10_000, { error: QUOTA_BURST_MESSAGE })
    .default(5),
});

/** The quota when the section is left out. */
export const CONNECT_QUOTA_DEFAULTS = { requestsPerSecond: 2, burst: 5 };
