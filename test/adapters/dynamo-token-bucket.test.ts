/**
 * R15: the Connect quota's token bucket as one item in the session table, on dynalite. Time is
 * passed in, so every test runs on fixed instants.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoTokenBucket } from '../../lambda/adapters/dynamo-token-bucket';
import { QUOTA_PARTITION } from '../../lambda/adapters/session-keys';
import { type QuotaSettings, tokensNeeded } from '../../lambda/core/quota';
import { startDynamo, type TestDynamo } from '../support/dynamo';

const SETTINGS: QuotaSettings = { requestsPerSecond: 2, burst: 5 };
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

let dynamo: TestDynamo;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynamo();
});
beforeEach(async () => {
  ({ tableName } = await dynamo.newStore());
});
afterAll(() => dynamo.close());

function bucket(name?: string): DynamoTokenBucket {
  return new DynamoTokenBucket({ client: dynamo.client, tableName, ...(name === undefined ? {} : { name }) });
}

/** Takes single tokens (need 1) at `now` until the bucket says wait; returns how many it gave. */
async function takeAll(b: DynamoTokenBucket, now: Date): Promise<number> {
  let taken = 0;
  while ((await b.take(1, now, SETTINGS)) === 0) taken += 1;
  return taken;
}

describe('DynamoTokenBucket (R15: one shared bucket in the session table)', () => {
  it('R15: a fresh bucket gives `burst` tokens at once, then says how long to wait for the next', async () => {
    const b = bucket();
    const waits: number[] = [];
    for (let i = 0; i < SETTINGS.burst; i++) waits.push(await b.take(1, at(0), SETTINGS));

    const next = await b.take(1, at(0), SETTINGS);

    expect(waits).toEqual([0, 0, 0, 0, 0]);
    // One token at 2/s takes 500 ms.
    expect(next).toBe(500);
  });

  it('R15: the bucket refills at the configured rate, and a call told to wait gets its token when the wait is over', async () => {
    const b = bucket();
    expect(await takeAll(b, at(0))).toBe(5);

    expect(await b.take(1, at(250), SETTINGS)).toBe(250);
    expect(await b.take(1, at(500), SETTINGS)).toBe(0);
    expect(await b.take(1, at(500), SETTINGS)).toBe(500);
    // 2 s later: 4 tokens more, no more.
    expect(await takeAll(b, at(2_500))).toBe(4);
  });

  it('R15: a bucket left idle refills to `burst` and no further', async () => {
    const b = bucket();
    await takeAll(b, at(0));

    expect(await takeAll(b, at(60_000))).toBe(SETTINGS.burst);
  });

  it('R15: drain empties the bucket (Connect throttled a call): the next call waits a full token', async () => {
    const b = bucket();
    expect(await b.take(1, at(0), SETTINGS)).toBe(0);

    await b.drain(at(100));

    expect(await b.take(1, at(100), SETTINGS)).toBe(500);
    expect(await b.take(1, at(600), SETTINGS)).toBe(0);
  });

  it('R15: drain on a bucket never used yet empties it too', async () => {
    const b = bucket();

    await b.drain(at(0));

    expect(await b.take(1, at(0), SETTINGS)).toBe(500);
  });

  it('R15: priority: with one token left a RESTORE (need 1) gets it and a HOLD (need 2) is told to wait', async () => {
    const b = bucket();
    for (let i = 0; i < 4; i++) expect(await b.take(1, at(0), SETTINGS)).toBe(0);
    const restoreNeed = tokensNeeded('RESTORE', SETTINGS);
    const holdNeed = tokensNeeded('HOLD', SETTINGS);
    expect([restoreNeed, holdNeed]).toEqual([1, 2]);

    const holdWait = await b.take(holdNeed, at(0), SETTINGS);
    const restoreWait = await b.take(restoreNeed, at(0), SETTINGS);

    // The HOLD took nothing: the last token was still there for the RESTORE.
    expect(holdWait).toBe(500);
    expect(restoreWait).toBe(0);
    expect(await b.take(holdNeed, at(0), SETTINGS)).toBe(1_000);
  });

  it('R15: two instances on the same table never hand out more than burst + rate x elapsed tokens (interleaved takes)', async () => {
    const a = bucket();
    const b = bucket();
    let granted = 0;
    const stepMs = 100;
    const steps = 40;
    for (let step = 0; step <= steps; step++) {
      const now = at(step * stepMs);
      // Both instances take at the same moment: their reads see the same state, one write loses.
      const [waitA, waitB] = await Promise.all([a.take(1, now, SETTINGS), b.take(1, now, SETTINGS)]);
      granted += (waitA === 0 ? 1 : 0) + (waitB === 0 ? 1 : 0);
      const bound = SETTINGS.burst + (step * stepMs * SETTINGS.requestsPerSecond) / 1000;
      expect(granted).toBeLessThanOrEqual(bound);
    }
    // And the bucket was not stingy either: the whole allowance was handed out.
    expect(granted).toBe(SETTINGS.burst + (steps * stepMs * SETTINGS.requestsPerSecond) / 1000);
  });

  it('R15: many instances taking at once from a fresh bucket get at most `burst` tokens between them', async () => {
    const instances = Array.from({ length: 8 }, () => bucket());

    const waits = await Promise.all(instances.map((b) => b.take(1, at(0), SETTINGS)));

    const granted = waits.filter((wait) => wait === 0).length;
    expect(granted).toBeGreaterThan(0);
    expect(granted).toBeLessThanOrEqual(SETTINGS.burst);
    expect(granted + (await takeAll(bucket(), at(0)))).toBe(SETTINGS.burst);
  });

  it('R15: each quota is one item under the quota partition; two names do not share tokens', async () => {
    const connect = bucket();
    const other = bucket('other');
    await takeAll(connect, at(0));

    expect(await other.take(1, at(0), SETTINGS)).toBe(0);
    const stored = await dynamo.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'contactId = :quota',
        ExpressionAttributeValues: { ':quota': QUOTA_PARTITION },
        ConsistentRead: true,
      }),
    );
    expect(stored.Items?.map((item) => [item.tokens, item.atMs]).sort()).toEqual([
      [0, T0],
      [4, T0],
    ]);
  });
});
