/**
 * R16 fuzz: SQS batches mixing valid records and generated malformed ones, through the real
 * handlers and a real (dynalite) table. Every valid record is processed; every malformed one is
 * kept in the dead-letter sink, named and acknowledged (not reported failed); nothing else in the
 * table changes.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_STATUS_PARTITION_PREFIX, isSessionItem } from '../../lambda/adapters/session-keys';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { indexPolicies } from '../../lambda/core/policy';
import { markHeld, openSession } from '../../lambda/core/session';
import { makeContactEventsHandler } from '../../lambda/handlers/contact-events';
import { parseContactEvent, parseTimerPayload } from '../../lambda/handlers/events';
import type { App } from '../../lambda/handlers/runtime';
import { makeTimerDueHandler } from '../../lambda/handlers/timer-due';
import { makeTimerFiredHandler } from '../../lambda/handlers/timer-fired';
import { RecordingDeadLetters } from '../support/dead-letters';
import { INSTANCE_ARN, rawDisconnect } from '../support/events';
import { testDeps } from '../support/fakes';
import { sqsRecord } from '../support/sqs';
import { anyInput, mutated, runs, useFuzzTables } from './support';

const tables = useFuzzTables();
const START = '2026-03-02T09:00:02.000Z';
const POLICIES = indexPolicies(parseAcwConfig({}).policies);

/** A fresh table and recording stand-ins around it, with a dead-letter sink. */
async function world() {
  const { store, scan } = await tables.fresh();
  const t = testDeps(store, START);
  const deadLetters = new RecordingDeadLetters();
  const app: App = { deps: t.deps, config: { instanceArn: INSTANCE_ARN, policies: POLICIES }, deadLetters };
  return { ...t, store, scan, deadLetters, app };
}

/** Whether `parse` refuses `body` (a generated record is malformed only if it does). */
function refused(parse: (body: string) => unknown, body: string): boolean {
  try {
    parse(body);
    return false;
  } catch {
    return true;
  }
}

/** JSON text of a value; fast-check's JSON values are always serialisable. */
const text = (value: unknown): string =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');

/** Malformed SQS bodies for `parse`: mutated valid records and arbitrary input, refused by it. */
function malformed(parse: (body: string) => unknown, valid: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc
    .oneof(
      valid.chain(mutated).map((m) => text(m.value)),
      anyInput.map(text),
    )
    .filter((body) => body !== '' && refused(parse, body));
}

/** A batch of up to 10 records, 0-3 valid and 1-7 malformed, interleaved at random. */
function mix<T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<string>) {
  return fc
    .tuple(
      fc.array(valid, { minLength: 0, maxLength: 3 }),
      fc.array(bad, { minLength: 1, maxLength: 7 }),
      fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    )
    .map(([good, malformedBodies, coins]) => {
      const order: Array<{ good: T } | { bad: string }> = [];
      let g = 0;
      let b = 0;
      while (g < good.length || b < malformedBodies.length) {
        const coin = coins[order.length] ?? true;
        const takeGood = b >= malformedBodies.length || (g < good.length && coin);
        if (takeGood) order.push({ good: good[g++] as T });
        else order.push({ bad: malformedBodies[b++] as string });
      }
      return order;
    });
}

let uid = 0;
const AGENTS = Array.from({ length: 5 }, (_, i) => `agent-${i}`);

describe('contact-events handler (R16 fuzz)', () => {
  /** A valid DISCONNECTED event with unique contact and agent, disconnected just before START. */
  const validEvent = fc.record({
    channel: fc.constantFrom('VOICE', 'CHAT', 'TASK', 'EMAIL', 'Voice'),
    queued: fc.boolean(),
    secondsBefore: fc.integer({ min: 0, max: 60 }),
  });

  it('R16: in a batch of valid and malformed contact events, each valid one starts its wrap-up, each malformed one is kept and acknowledged, and nothing else changes', async () => {
    const badEvent = malformed(parseContactEvent, fc.constant(rawDisconnect({ contactId: 'bad-contact' })));
    await fc.assert(
      fc.asyncProperty(mix(validEvent, badEvent), async (batch) => {
        const w = await world();
        uid += 1;
        const records: SQSRecord[] = [];
        const expected: Array<{ contactId: string; agentId: string }> = [];
        const kept: string[] = [];
        batch.forEach((entry, index) => {
          if ('good' in entry) {
            const contactId = `c-${uid}-${index}`;
            const agentId = `${AGENTS[expected.length % AGENTS.length]}-${uid}`;
            const disconnectedAt = new Date(
              Date.parse(START) - entry.good.secondsBefore * 1000,
            ).toISOString();
            const event = rawDisconnect({
              contactId,
              agentId,
              channel: entry.good.channel,
              queueId: entry.good.queued ? 'q-1' : null,
              disconnectedAt,
            });
            expected.push({ contactId, agentId });
            records.push(sqsRecord(`good-${index}`, JSON.stringify(event)));
          } else {
            kept.push(entry.bad);
            records.push(sqsRecord(`bad-${index}`, entry.bad));
          }
        });

        const response = await makeContactEventsHandler(w.app)({ Records: records } satisfies SQSEvent);

        expect(response.batchItemFailures).toEqual([]);
        expect(w.deadLetters.kept.map((k) => k.body)).toEqual(kept);
        for (const letter of w.deadLetters.kept) {
          expect(letter.source).toBe('contact-events');
          expect(letter.error).toMatch(/^Not an Amazon Connect contact event: \S/);
        }
        // Only the valid records' sessions exist, and every other item belongs to one of their
        // contacts or agents: a malformed record changed nothing.
        const items = await w.scan();
        const sessions = items.filter(isSessionItem);
        expect(sessions.map((item) => `${item.contactId}/${item.agentId}`).sort()).toEqual(
          expected.map((e) => `${e.contactId}/${e.agentId}`).sort(),
        );
        for (const session of sessions) expect(session.state).toBe('WRAP_UP');
        const owners = new Set(
          expected.flatMap((e) => [e.contactId, `${AGENT_STATUS_PARTITION_PREFIX}${e.agentId}`]),
        );
        for (const item of items) expect(owners, JSON.stringify(item)).toContain(item.contactId);
        expect(w.agents.calls.map((c) => c.agentId).sort()).toEqual(expected.map((e) => e.agentId).sort());
        expect([...w.timers.armed, ...w.timers.deferred].map((t) => t.payload.contactId).sort()).toEqual(
          expected.map((e) => e.contactId).sort(),
        );
        // Refusals are logged by message id and error, never with the record (phone numbers).
        expect(JSON.stringify(w.log.lines)).not.toContain('+11234567890');
      }),
      runs(60),
    );
  });
});

describe('timer handlers (R16 fuzz)', () => {
  const validTimer = fc.constant({ contactId: 'c', agentId: 'a', deadline: '2026-03-02T09:01:30.000Z' });
  const badTimer = malformed(parseTimerPayload, validTimer);

  it('R16: in a batch of timers, the due one ends its wrap-up, timers of unknown sessions do nothing, malformed ones are kept and acknowledged, and nothing else changes', async () => {
    await fc.assert(
      fc.asyncProperty(mix(fc.boolean(), badTimer), async (batch) => {
        const w = await world();
        uid += 1;
        const contactId = `due-${uid}`;
        const agentId = `agent-due-${uid}`;
        // An open, held wrap-up, written directly: the batch is what is under test.
        const started = new Date(START);
        const session = openSession({
          contactId,
          agentId,
          instanceArn: INSTANCE_ARN,
          channel: 'VOICE',
          queueId: 'q-1',
          policy: POLICIES.default,
          policySource: 'default',
          startedAt: started,
          now: started,
        });
        await w.store.create(markHeld(session, started, true, true));
        const deadline = session.deadline;
        if (deadline === undefined) throw new Error('the default policy is timed');
        const before = await w.scan();
        w.clock.set(new Date(Date.parse(deadline) - 400));

        const records: SQSRecord[] = [];
        const kept: string[] = [];
        let due = false;
        batch.forEach((entry, index) => {
          if ('good' in entry) {
            // The first `true` is this session's timer; the others are timers of sessions that do not exist.
            const mine = entry.good && !due;
            due ||= mine;
            const payload = mine
              ? { contactId, agentId, deadline }
              : { contactId: `gone-${index}`, agentId, deadline };
            records.push(sqsRecord(`good-${index}`, JSON.stringify(payload)));
          } else {
            kept.push(entry.bad);
            records.push(sqsRecord(`bad-${index}`, entry.bad));
          }
        });

        const response = await makeTimerDueHandler(w.app)({ Records: records });

        expect(response.batchItemFailures).toEqual([]);
        expect(w.deadLetters.kept.map((k) => k.body).sort()).toEqual([...kept].sort());
        for (const letter of w.deadLetters.kept) {
          expect(letter.source).toBe('timer-due');
          expect(letter.error).toMatch(/^Not a wrap-up timer: \S/);
        }
        const after = await w.scan();
        expect(after.map((item) => `${item.contactId}/${item.agentId}`)).toEqual(
          before.map((item) => `${item.contactId}/${item.agentId}`),
        );
        if (due) {
          expect(await w.store.get(contactId, agentId)).toMatchObject({
            state: 'CLOSED_COMPLETE',
            endReason: 'TIMER',
          });
          expect(w.agents.calls.map((c) => c.status)).toEqual(['ROUTABLE']);
        } else {
          expect(after).toEqual(before);
          expect(w.agents.calls).toEqual([]);
        }
      }),
      runs(50),
    );
  });

  it('R16: timer-fired keeps any malformed payload at once, ends normally, and changes nothing', async () => {
    const w = await world();
    const before = await w.scan();
    const payloads = fc
      .oneof(
        validTimer.chain(mutated).map((m) => m.value),
        anyInput,
      )
      .filter((payload) => refused(parseTimerPayload, payload as string));

    await fc.assert(
      fc.asyncProperty(payloads, async (payload) => {
        const keptBefore = w.deadLetters.kept.length;

        await makeTimerFiredHandler(w.app)(payload, { awsRequestId: 'r' });

        expect(w.deadLetters.kept.slice(keptBefore)).toEqual([
          {
            source: 'timer-fired',
            body: expect.any(String),
            error: expect.stringMatching(/^Not a wrap-up timer: \S/),
          },
        ]);
      }),
      runs(400),
    );
    expect(await w.scan()).toEqual(before);
    expect(w.timers.deferred).toEqual([]);
    expect(w.agents.calls).toEqual([]);
  });
});
