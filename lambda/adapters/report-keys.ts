/**
 * Issue 13: the keys of the reports' roll-up items in the session table, shared by the adapter
 * (lambda/adapters/dynamo-report-store.ts) and the CDK construct (lib/report-rollups.ts); no SDK
 * import, so the CDK app does not load the SDK to read them.
 */

/** The partitions and sort keys of the roll-up items (no contact id starts with `#`). */
export const REPORT_ITEMS = {
  queuePartition: '#REPORT#QUEUE',
  agentPartition: '#REPORT#AGENT',
  statePartition: '#REPORT#STATE',
  stateSort: '#STATE',
  /** Days to roll up again (sort key: the day), marked by the write completing a late session. */
  latePartition: '#REPORT#LATE',
  /** What every roll-up partition starts with (IAM's `dynamodb:LeadingKeys` matches `#REPORT#*`). */
  prefix: '#REPORT#',
} as const;
