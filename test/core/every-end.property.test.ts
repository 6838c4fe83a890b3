/**
 * R8-R15 as properties over generated histories: agents take contacts (some overlapping, some
 * outbound, some interrupting a wrap-up), choose statuses (Lunch, Available, Offline), press All
 * Done or Extend, while events arrive duplicated and out of order and timers fire late, twice or
 * never. Whatever happens, at every restore and at the end:
 *
 * - one session per contact and agent, for every leg that asks for a wrap-up (nothing lost);
 * - at most one close per session, and every close finished (restore and record done);
 * - a restore only when the agent's last open session has ended (R12);
 * - never a restore over a status the system did not set, hence never an offline agent made
 *   routable, and never a second restore (R8, R11, R14);
 * - nobody stuck: no agent left in the wrap-up status with nothing open and no contact in
 *   progress, and no session open past deadline + margin (R15).
 *
 * The core runs against the in-memory model of the store (test/support/memory-store.ts), whose
 * behaviour test/adapters/store-contract.test.ts checks against the DynamoDB adapter on dynalite:
 * 10,000 histories against dynalite would take most of an hour.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAcwConfig } from '../../lambda/config/acw-config';
import { ActionRefused, extendWrapUp, finishWrapUp, SessionNotFound } from '../../lambda/core/actions';
import { onAgentEvent } from '../../lambda/core/agent-events';
import type { ContactEvent } from '../../lambda/core/contact';
import { onContactEvent } from '../../lambda/core/contact-events';
import { endOnTimer } from '../../lambda/core/end-on-time';
import type { LifecycleConfig } from '../../lambda/core/lifecycle';
import { indexPolicies } from '../../lambda/core/policy';
import type {
  AgentPresence,
  AgentStatus,
  Deps,
  TargetStatus,
  TimerPayload,
  Timers,
} from '../../lambda/core/ports';
import { classifyStatus, ObservedPresence } from '../../lambda/core/presence';
import { SWEEP_MARGIN_MS, sweepOverdue } from '../../lambda/core/sweep';
import { planTimer } from '../../lambda/core/timer';
import { StepInProgress } from '../../lambda/core/write-loop';
import { INSTANCE_ARN } from '../support/events';
import { FakeClock, RecordingContacts, RecordingLog } from '../support/fakes';
import { MemorySessionStore } from '../support/memory-store';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const QUEUES = ['q-none', 'q-30', 'q-90', 'q-untimed'] as const;
type Queue = (typeof QUEUES)[number];
const CHOICES = ['Lunch', 'Available', 'Offline'] as const;
const WRAP_UP = 'Wrap Up';
const ROUTABLE = 'Available';

const policies = indexPolicies(
  parseAcwConfig({
    policies: {
      default: { durationSeconds: 60 },
      queues: {
        'q-none': { durationSeconds: 0 },
        'q-30': { durationSeconds: 30, extensionSeconds: 30, maxExtensions: 1 },
        'q-90': { durationSeconds: 90, mode: 'forced' },
        'q-untimed': { durationSeconds: 120, mode: 'untimed' },
      },
    },
  }).policies,
);

/** One contact of an agent: when it starts after the previous one ends (negative: they overlap). */
interface ContactGen {
  readonly gapSec: number;
  readonly talkSec: number;
  readonly queue: Queue;
  readonly outbound: boolean;
  /** Each event's copies, each delayed this many ms (duplicates, reordering). */
  readonly copies: readonly number[];
  /** An agent action some seconds after the contact ends. */
  readonly action?: { readonly afterSec: number; readonly kind: 'allDone' | 'extend' } | undefined;
}

/** A status the agent chooses, seconds after the first contact begins. */
interface ChoiceGen {
  readonly atSec: number;
  readonly status: (typeof CHOICES)[number];
}

interface AgentGen {
  readonly contacts: readonly ContactGen[];
  readonly choices: readonly ChoiceGen[];
}

/** How timers go wrong. */
interface TimerGen {
  readonly fireMs: number;
  readonly latencyMs: number;
  readonly duplicateAfterMs?: number | undefined;
  readonly lost: boolean;
}

const contactArb: fc.Arbitrary<ContactGen> = fc.record({
  gapSec: fc.integer({ min: -30, max: 150 }),
  talkSec: fc.integer({ min: 5, max: 90 }),
  queue: fc.constantFrom(...QUEUES),
  outbound: fc.boolean(),
  copies: fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 2 }),
  action: fc.option(
    fc.record({ afterSec: fc.integer({ min: 0, max: 100 }), kind: fc.constantFrom('allDone', 'extend') }),
    { nil: undefined },
  ),
});

const agentArb: fc.Arbitrary<AgentGen> = fc.record({
  contacts: fc.array(contactArb, { minLength: 1, maxLength: 4 }),
  choices: fc.array(
    fc.record({ atSec: fc.integer({ min: 0, max: 500 }), status: fc.constantFrom(...CHOICES) }),
    { maxLength: 2 },
  ),
});

/** Timer faults: about one timer in twenty is lost, one in four fires twice. */
const timerFaultsArb: fc.Arbitrary<readonly TimerGen[]> = fc.array(
  fc.record({
    fireMs: fc.integer({ min: 0, max: 59_999 }),
    latencyMs: fc.integer({ min: 0, max: 300 }),
    duplicateAfterMs: fc.option(fc.integer({ min: 0, max: 90_000 }), { nil: undefined, freq: 3 }),
    lost: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  }),
  { minLength: 8, maxLength: 8 },
);

type Job = {
  readonly at: number;
  readonly seq: number;
  readonly run: () => Promise<void>;
  readonly retry: boolean;
};

/** A violated invariant, with the history's step that broke it. */
class Violation extends Error {}

/** Runs one history; throws a Violation (or the core's own error) when an invariant breaks. */
async function play(agentsGen: readonly AgentGen[], timerFaults: readonly TimerGen[], stream: boolean) {
  const clock = new FakeClock(T0);
  const store = new MemorySessionStore();
  const jobs: Job[] = [];
  let seq = 0;
  const at = (ms: number, run: () => Promise<void>, retry = true) =>
    jobs.push({ at: ms, seq: seq++, run, retry });

  // The world as Connect sees it: each agent's status (who set it, since when) and contacts in progress.
  const world = new Map<
    string,
    { status: string; since: number; bySystem: boolean; inProgress: Set<string> }
  >();
  const agentIds = agentsGen.map((_, index) => `agent-${index}`);
  for (const id of agentIds)
    world.set(id, { status: ROUTABLE, since: T0 - 3_600_000, bySystem: false, inProgress: new Set() });
  const worldOf = (agentId: string) => {
    const entry = world.get(agentId);
    if (entry === undefined) throw new Violation(`unknown agent ${agentId}`);
    return entry;
  };

  const config: LifecycleConfig = { instanceArn: INSTANCE_ARN, policies, agentEventStream: stream };
  const agents: AgentStatus = {
    async set(_instance, agentId, status: TargetStatus) {
      const now = clock.now().getTime();
      const entry = worldOf(agentId);
      if (status === 'ROUTABLE') {
        if (entry.status !== WRAP_UP || !entry.bySystem) {
          throw new Violation(
            `restore of ${agentId} over "${entry.status}" (set by ${entry.bySystem ? 'the system' : 'the agent'})`,
          );
        }
        const open = (await store.listOpenByAgent(agentId)).filter((s) => s.state === 'WRAP_UP');
        if (open.length > 0)
          throw new Violation(`restore of ${agentId} with ${open.length} wrap-up(s) still open`);
      }
      entry.status = status === 'ROUTABLE' ? ROUTABLE : WRAP_UP;
      entry.since = now;
      entry.bySystem = true;
      // Connect reports the system's own changes on the stream too, a little later.
      if (stream) at(now + 700, () => report(agentId, entry.status, now));
    },
  };
  const presence: AgentPresence = stream
    ? new ObservedPresence(store)
    : {
        async current(_instance, agentId) {
          const entry = worldOf(agentId);
          const observed = { name: entry.status, since: new Date(entry.since).toISOString() };
          return { ...observed, kind: classifyStatus(observed) };
        },
      };
  let timerIndex = 0;
  const deliverTimer = (payload: TimerPayload, whenMs: number) =>
    at(whenMs, () => endOnTimer(deps, payload).then(() => {}));
  const timers: Timers = {
    async arm(payload, now) {
      const fault = timerFaults[timerIndex++ % timerFaults.length] as TimerGen;
      if (fault.lost) return;
      const plan = planTimer(now, new Date(payload.deadline));
      const first =
        plan.kind === 'schedule'
          ? plan.at.getTime() + fault.fireMs
          : now.getTime() + plan.delaySeconds * 1000 + fault.latencyMs;
      deliverTimer(payload, first);
      if (fault.duplicateAfterMs !== undefined) deliverTimer(payload, first + fault.duplicateAfterMs);
    },
    async defer(payload, delaySeconds) {
      deliverTimer(payload, clock.now().getTime() + delaySeconds * 1000 + 120);
    },
    async cancel() {},
  };
  const deps: Deps = {
    store,
    timers,
    agents,
    contacts: new RecordingContacts(),
    clock,
    log: new RecordingLog(),
    presence,
  };

  const report = (agentId: string, status: string, sinceMs: number) =>
    onAgentEvent(deps, config, {
      eventId: `${agentId}-${sinceMs}`,
      eventType: 'STATE_CHANGE',
      agentId,
      instanceArn: INSTANCE_ARN,
      eventTime: new Date(sinceMs),
      status: { name: status, since: new Date(sinceMs) },
    }).then(() => {});

  const contactEvent = (
    eventType: string,
    contactId: string,
    agentId: string,
    queue: Queue,
    outbound: boolean,
    times: { initiated: number; connected?: number; disconnected?: number },
  ): ContactEvent => ({
    eventType,
    contactId,
    instanceArn: INSTANCE_ARN,
    channel: 'VOICE',
    initiationMethod: outbound ? 'OUTBOUND' : 'INBOUND',
    queueId: queue,
    agentId,
    initiatedAt: new Date(times.initiated),
    connectedToAgentAt: times.connected === undefined ? undefined : new Date(times.connected),
    disconnectedAt: times.disconnected === undefined ? undefined : new Date(times.disconnected),
    eventTime: new Date(times.disconnected ?? times.connected ?? times.initiated),
    tags: {},
  });

  // The legs that must end up with a session: connected, with a wrap-up policy.
  const legs: Array<{ contactId: string; agentId: string; queue: Queue }> = [];
  agentsGen.forEach((agent, a) => {
    const agentId = agentIds[a] as string;
    let previousEnd = T0;
    let previousStart = T0 - 1000;
    agent.contacts.forEach((contact, c) => {
      const contactId = `c-${a}-${c}`;
      const connected = Math.max(previousStart + 1000, previousEnd + contact.gapSec * 1000);
      const initiated = connected - 3000;
      const disconnected = connected + contact.talkSec * 1000;
      previousStart = connected;
      previousEnd = Math.max(previousEnd, disconnected);
      const times = { initiated, connected, disconnected };
      // The world: the contact is in progress from when it names the agent until it ends.
      at(
        contact.outbound ? initiated : connected,
        async () => void worldOf(agentId).inProgress.add(contactId),
        false,
      );
      at(disconnected, async () => void worldOf(agentId).inProgress.delete(contactId), false);
      const send = (event: ContactEvent, when: number) => {
        for (const delay of contact.copies) {
          at(when + delay, () => onContactEvent(deps, config, event).then(() => {}));
        }
      };
      if (contact.outbound)
        send(contactEvent('INITIATED', contactId, agentId, contact.queue, true, { initiated }), initiated);
      send(
        contactEvent('CONNECTED_TO_AGENT', contactId, agentId, contact.queue, contact.outbound, times),
        connected,
      );
      send(
        contactEvent('DISCONNECTED', contactId, agentId, contact.queue, contact.outbound, times),
        disconnected,
      );
      if (contact.queue !== 'q-none') legs.push({ contactId, agentId, queue: contact.queue });
      if (contact.action !== undefined) {
        const request = { contactId, agentId, by: `agent:${agentId}` as const, disposition: undefined };
        const kind = contact.action.kind;
        at(
          disconnected + 6_000 + contact.action.afterSec * 1000,
          async () => {
            try {
              if (kind === 'allDone') await finishWrapUp(deps, request);
              else await extendWrapUp(deps, request);
            } catch (error) {
              if (!(error instanceof ActionRefused || error instanceof SessionNotFound)) throw error;
            }
          },
          false,
        );
      }
    });
    for (const choice of agent.choices) {
      const when = T0 + choice.atSec * 1000 + 500;
      at(
        when,
        async () => {
          const entry = worldOf(agentId);
          entry.status = choice.status;
          entry.since = when;
          entry.bySystem = false;
          if (stream) await report(agentId, choice.status, when);
        },
        false,
      );
    }
  });
  const lastEvent = Math.max(...jobs.map((job) => job.at));
  const end = lastEvent + 10 * 60_000;
  for (let minute = T0; minute <= end; minute += 60_000) at(minute, () => sweepOverdue(deps).then(() => {}));

  while (jobs.length > 0) {
    jobs.sort((x, y) => x.at - y.at || x.seq - y.seq);
    const job = jobs.shift() as Job;
    clock.set(Math.max(clock.now().getTime(), job.at));
    try {
      await job.run();
    } catch (error) {
      // Another delivery holds the step: SQS makes the message visible again later.
      if (!(error instanceof StepInProgress) || !job.retry) throw error;
      at(clock.now().getTime() + 60_000, job.run);
    }
  }

  // Nothing lost, each closed once and completely.
  for (const leg of legs) {
    const session = await store.get(leg.contactId, leg.agentId);
    if (session === undefined) throw new Violation(`no session for ${leg.contactId}/${leg.agentId}`);
    const closes = session.history.filter((entry) => entry.what === 'CLOSED').length;
    if (closes > 1) throw new Violation(`${leg.contactId} closed ${closes} times`);
    if (session.state !== 'WRAP_UP' && (session.restore === 'PENDING' || session.contactRecord !== 'DONE')) {
      throw new Violation(`${leg.contactId} closed but not finished (restore ${session.restore})`);
    }
    if (session.state === 'WRAP_UP' && session.deadline !== undefined) {
      if (Date.parse(session.deadline) + SWEEP_MARGIN_MS < clock.now().getTime()) {
        throw new Violation(`${leg.contactId} open past deadline + margin`);
      }
    }
  }
  // Nobody stuck.
  for (const agentId of agentIds) {
    const entry = worldOf(agentId);
    const open = (await store.listOpenByAgent(agentId)).filter((s) => s.state === 'WRAP_UP');
    if (entry.status === WRAP_UP && open.length === 0 && entry.inProgress.size === 0) {
      throw new Violation(`${agentId} stuck in the wrap-up status with nothing open`);
    }
  }
  return legs.length;
}

const historyArb = fc.tuple(fc.array(agentArb, { minLength: 1, maxLength: 3 }), timerFaultsArb);

describe('R8-R15: nobody stuck, nothing lost, over generated histories', () => {
  it.each([
    ['with the agent event stream', true, 20261123],
    ['without a stream (GetCurrentUserData)', false, 20261124],
  ])(
    'R8-R15: %s: invariants hold over 5,000 histories',
    async (_name, stream, seed) => {
      let legs = 0;
      await fc.assert(
        fc.asyncProperty(historyArb, async ([agents, faults]) => {
          legs += await play(agents, faults, stream as boolean);
        }),
        { seed: seed as number, numRuns: 5_000 },
      );
      // The generator does produce wrap-ups to check (not only 0 s contacts).
      expect(legs).toBeGreaterThan(5_000);
      // About 30 s on an idle machine; generous for a loaded 2-core CI runner (it is not a timing test).
    },
    600_000,
  );
});
