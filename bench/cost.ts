/**
 * AWS cost per 1,000 contacts from a run's counted requests (issue 11, "Cost"), at list prices.
 *
 * Prices: US East (N. Virginia), on demand, after any free tier, as published on
 * - Amazon DynamoDB pricing, on-demand capacity (https://aws.amazon.com/dynamodb/pricing/on-demand/):
 *   $0.625 per million write request units, $0.125 per million read request units;
 * - AWS Lambda pricing (https://aws.amazon.com/lambda/pricing/): Arm, $0.20 per million requests,
 *   $0.0000133334 per GB-second (the first tier);
 * - Amazon SQS pricing (https://aws.amazon.com/sqs/pricing/): standard queues, $0.40 per million
 *   requests (each 64 KB chunk of a payload one request; ours are far below 64 KB);
 * - Amazon EventBridge pricing, Scheduler (https://aws.amazon.com/eventbridge/pricing/): $1.00 per
 *   million scheduled invocations.
 * Not counted: the agent event stream (Kinesis, the customer's own Connect feature), CloudWatch
 * Logs and metrics, storage, idle long polls of the event source mappings.
 */

/** List prices, US dollars per unit. */
export const PRICES = {
  region: 'us-east-1',
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  sqsRequest: 0.4 / 1e6,
  schedulerInvocation: 1 / 1e6,
  sources: [
    'Amazon DynamoDB pricing for on-demand capacity, https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'AWS Lambda pricing, https://aws.amazon.com/lambda/pricing/ (Arm)',
    'Amazon SQS pricing, https://aws.amazon.com/sqs/pricing/ (standard queue)',
    'Amazon EventBridge pricing, Scheduler, https://aws.amazon.com/eventbridge/pricing/',
  ],
} as const;

/** What a run consumed, counted by the simulator. */
export interface Usage {
  readonly contacts: number;
  readonly dynamoReadUnits: number;
  /** Table plus every index. */
  readonly dynamoWriteUnits: number;
  readonly lambdaInvocations: number;
  /** Sum over invocations of (duration, s) x (memory, GB): waits included. */
  readonly lambdaGbSeconds: number;
  readonly sqsRequests: number;
  readonly schedulerInvocations: number;
}

/** Dollars per 1,000 contacts, in total and by service. */
export interface CostPer1000 {
  readonly total: number;
  readonly dynamodb: number;
  readonly lambda: number;
  readonly sqs: number;
  readonly scheduler: number;
}

export function costPer1000Contacts(usage: Usage, prices: typeof PRICES = PRICES): CostPer1000 {
  if (usage.contacts <= 0)
    throw new Error(`costPer1000Contacts: contacts must be > 0, got ${usage.contacts}`);
  const per1000 = 1000 / usage.contacts;
  const dynamodb =
    (usage.dynamoReadUnits * prices.dynamoReadRequestUnit +
      usage.dynamoWriteUnits * prices.dynamoWriteRequestUnit) *
    per1000;
  const lambda =
    (usage.lambdaInvocations * prices.lambdaRequest + usage.lambdaGbSeconds * prices.lambdaArmGbSecond) *
    per1000;
  const sqs = usage.sqsRequests * prices.sqsRequest * per1000;
  const scheduler = usage.schedulerInvocations * prices.schedulerInvocation * per1000;
  return { total: dynamodb + lambda + sqs + scheduler, dynamodb, lambda, sqs, scheduler };
}

/** GB-seconds of invocations of a function with `memoryMb`, each billed to the millisecond, rounded up. */
export function gbSeconds(durationsMs: Iterable<number>, memoryMb: number): number {
  let total = 0;
  for (const duration of durationsMs) total += Math.max(1, Math.ceil(duration));
  return (total / 1000) * (memoryMb / 1024);
}
