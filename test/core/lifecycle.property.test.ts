/**
 * R14 as a property: whatever order and however many times the contact events and the timers
 * arrive, the sessions and the status changes end up as in the clean run (each event once, in
 * order; each timer once, on time).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { endOnTimer } from '../../lambda/core/end-on-time';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type { AgentStatus, Deps, TargetStatus, TimerPayload, Timers } from '../../lambda/core/ports';
import { startWrapUp } from '../../lambda/core/start';
import { planTimer } from '../../lambda/core/timer';
import { StepInProgress } from '../../lambda/core/write-loop';
import { disconnect, INSTANCE_ARN } from '../support/events';
import { FakeClock, RecordingContacts, RecordingLog } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const QUEUES = ['q-30', 'q-90', 'q-300', 'q-none'] as const;
const config: LifecycleConfig = {
  instanceArn: INSTANCE_ARN,
  policies: indexPolicies(
    parseAcwConfig({
      policies: {
        default: { durationSeconds: 90 },
        queues: {
          'q-30': { durationSeconds: 30 },
          'q-300': { durationSeconds: 300 },
          'q-none': { durationSeconds: 0 },
        },
      },
    }).policies,
  ),
};

/** One agent's leg of a contact: when it ended, in which queue, and how its deliveries go wrong. */
interface Leg {
  readonly disconnectSec: number;
  readonly queue: (typeof QUEUES)[number];
  /** Each copy of the DISCONNECTED event arrives this fraction of the wrap-up after the disconnect. */
  readonly eventCopies: readonly number[];
  /** Where in its minute Scheduler fires, and the due queue's latency. */
  readonly fireMs: number;
  readonly latencyMs: number;
  /** Extra timer deliveries (duplicates, late retries), seconds after the deadline (negative: early). */
  readonly strayTimers: readonly number[];
}

const legArb: fc.Arbitrary<Leg> = fc.record({
  disconnectSec: fc.integer({ min: 0, max: 240 }),
  queue: fc.constantFrom(...QUEUES),
  eventCopies: fc.array(fc.double({ min: 0, max: 0.95, noNaN: true }), { minLength: 1, maxLength: 3 }),
  fireMs: fc.integer({ min: 0, max: 59_999 }),
  latencyMs: fc.integer({ min: 0, max: 300 }),
  strayTimers: fc.array(fc.integer({ min: -150, max: 120 }), { maxLength: 3 }),
});

type Arrival =
  | { at: number; kind: 'event'; leg: number }
  | { at: number; kind: 'timer'; payload: TimerPayload };
type Delivery = Arrival & { seq: number };

/**
 * One store for every history (each has its own contacts and agents): the in-memory model, which
 * test/adapters/store-contract.test.ts holds to the DynamoDB adapter on dynalite.
 */
const store = new MemorySessionStore();
let runs = 0;

/** Runs one history; returns each leg's final session and each agent's status changes. */
async function play(legs: readonly Leg[], messy: boolean) {
  runs += 1;
  const prefix = `run${runs}-${messy ? 'm' : 'c'}`;
  const clock = new FakeClock(T0);
  const queue: Delivery[] = [];
  let seq = 0;
  const push = (arrival: Arrival) => queue.push({ ...arrival, seq: seq++ });
  const changes = new Map<string, Array<{ status: TargetStatus; at: string }>>();
  const agents: AgentStatus = {
    async set(_instance, agentId, status) {
      const list = changes.get(agentId) ?? [];
      list.push({ status, at: clock.now().toISOString() });
      changes.set(agentId, list);
    },
  };
  const legOf = (payload: TimerPayload) => legs[Number(payload.agentId.split('-')[1])];
  const timers: Timers = {
    async arm(payload, now) {
      const leg = legOf(payload);
      if (!messy || leg === undefined) {
        push({ at: Date.parse(payload.deadline), kind: 'timer', payload });
        return;
      }
      const plan = planTimer(now, new Date(payload.deadline));
      const first =
        plan.kind === 'schedule'
          ? plan.at.getTime() + leg.fireMs
          : now.getTime() + plan.delaySeconds * 1000 + leg.latencyMs;
      push({ at: first, kind: 'timer', payload });
      for (const stray of leg.strayTimers)
        push({ at: Date.parse(payload.deadline) + stray * 1000, kind: 'timer', payload });
    },
    async cancel() {},
    async defer(payload, delaySeconds) {
      const latency = legOf(payload)?.latencyMs ?? 0;
      push({ at: clock.now().getTime() + delaySeconds * 1000 + latency, kind: 'timer', payload });
    },
  };
  const deps: Deps = {
    store,
    timers,
    agents,
    contacts: new RecordingContacts(),
    clock,
    log: new RecordingLog(),
  };

  legs.forEach((leg, index) => {
    const disconnectAt = T0 + leg.disconnectSec * 1000;
    const wrapUpMs = (config.policies.queues.get(leg.queue)?.durationSeconds ?? 90) * 1000;
    const copies = messy ? leg.eventCopies : [0];
    for (const fraction of copies)
      push({ at: disconnectAt + Math.floor(fraction * wrapUpMs), kind: 'event', leg: index });
  });

  while (queue.length > 0) {
    queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = queue.shift();
    if (next === undefined) break;
    clock.set(Math.max(clock.now().getTime(), next.at));
    try {
      if (next.kind === 'event') {
        const leg = legs[next.leg];
        if (leg === undefined) continue;
        await startWrapUp(
          deps,
          config,
          disconnect({
            contactId: `${prefix}-c${next.leg}`,
            agentId: `agent-${next.leg}`,
            queueId: leg.queue,
            disconnectedAt: new Date(T0 + leg.disconnectSec * 1000).toISOString(),
          }),
        );
      } else {
        await endOnTimer(deps, next.payload);
      }
    } catch (error) {
      // Another delivery is mid-step: SQS makes the message visible again a minute later.
      if (!(error instanceof StepInProgress)) throw error;
      push({ ...next, at: clock.now().getTime() + 60_000 });
    }
  }

  const sessions: Array<Record<string, unknown> | undefined> = [];
  for (let index = 0; index < legs.length; index++) {
    const session = await store.get(`${prefix}-c${index}`, `agent-${index}`);
    sessions.push(
      session && {
        state: session.state,
        startedAt: session.startedAt,
        deadline: session.deadline,
        endedAt: session.endedAt,
        endReason: session.endReason,
        systemWrapUp: session.systemWrapUp,
        restore: session.restore,
        policySource: session.policySource,
        history: session.history.map((h) => ({ what: h.what, by: h.by, detail: h.detail })),
      },
    );
  }
  const statuses = legs.map((_, index) => changes.get(`agent-${index}`)?.map((c) => c.status) ?? []);
  const restoredAt = legs.map(
    (_, index) => changes.get(`agent-${index}`)?.find((c) => c.status === 'ROUTABLE')?.at,
  );
  return { sessions, statuses, restoredAt };
}

describe('R14: exactly once, whatever arrives', () => {
  it('R14: random orders, duplicates, early and late timer deliveries give the same sessions and status changes as the clean order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(legArb, { minLength: 1, maxLength: 4 }), async (legs) => {
        const clean = await play(legs, false);
        const messy = await play(legs, true);
        expect(messy.sessions).toEqual(clean.sessions);
        expect(messy.statuses).toEqual(clean.statuses);
        expect(messy.restoredAt).toEqual(clean.restoredAt);
        // R7 / R13: every held agent is restored exactly at the deadline, once.
        legs.forEach((_, index) => {
          const session = clean.sessions[index];
          if (session === undefined) expect(clean.statuses[index]).toEqual([]);
          else {
            expect(clean.statuses[index]).toEqual(['WRAP_UP', 'ROUTABLE']);
            expect(clean.restoredAt[index]).toBe(session.deadline);
          }
        });
      }),
      { seed: 20260302, numRuns: 60 },
    );
    // Generous for a loaded CI runner (it is not a timing test).
  }, 300_000);
});
