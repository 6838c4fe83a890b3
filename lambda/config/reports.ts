/**
 * The `acw.reports` section: the reports and recommendations API (issue 13, R22) and the nightly
 * roll-ups it reads (lib/report-rollups.ts, lambda/handlers/report-rollup.ts).
 */
import { intRange } from './policies';
import * as z from './zod';

/** Defaults of the reports. */
export const REPORTS_DEFAULTS = {
  minSample: 30,
  maxRangeDays: 92,
};

/** Settings of the reports and recommendations. */
export const reportsSchema = z.strictObject({
  /** R22: below this many ended wrap-ups a queue and channel get no recommendation. */
  minSample: z._default(intRange(1, 1_000_000), REPORTS_DEFAULTS.minSample),
  /** The longest `from`-`to` range a report or recommendation may ask for, in days. */
  maxRangeDays: z._default(intRange(1, 366), REPORTS_DEFAULTS.maxRangeDays),
});

export type ReportsConfig = z.output<typeof reportsSchema>;
