/** Issue 13's what-if: the replay model of lambda/insight/whatif.ts, on hand-computed events. */
import { describe, expect, it } from 'vitest';
import { type AcwConfigInput, parseAcwConfig } from '../../lambda/config/acw-config';
import { readContactEvent } from '../../lambda/handlers/events';
import { neededSecondsOf, type ReplayPolicy, replayWrapUp, WhatIfReplay } from '../../lambda/insight/whatif';
import type { ContactEventJson } from '../../sim/contact-events';
import {
  BASELINE,
  BILLING,
  completed,
  disconnected,
  eventsOf,
  HAND_COMPUTED,
  HAND_DAY,
  PROPOSED,
  SUPPORT,
} from './whatif-support';

function replayOf(
  events: readonly ContactEventJson[],
  baseline: AcwConfigInput = BASELINE,
  proposed: AcwConfigInput = PROPOSED,
  options: { horizonHours?: number } = {},
): WhatIfReplay {
  const replay = new WhatIfReplay(parseAcwConfig(baseline), parseAcwConfig(proposed), options);
  for (const raw of events) replay.add(readContactEvent(raw).event, raw.detail);
  return replay;
}

const timed: ReplayPolicy = { durationSeconds: 90, mode: 'timed', extensionSeconds: 60, maxExtensions: 1 };

describe('issue 13 what-if: one wrap-up under one policy', () => {
  it.each([
    [
      'needed below the window: the agent ends it at needed',
      timed,
      40,
      { seconds: 40, systemEnded: false, extensions: 0 },
    ],
    [
      'needed exactly the window: the timer ends it',
      timed,
      90,
      { seconds: 90, systemEnded: true, extensions: 0 },
    ],
    [
      'needed within one extension: extended once, ended by the agent',
      timed,
      130,
      { seconds: 130, systemEnded: false, extensions: 1 },
    ],
    [
      'needed past the last extension: the timer ends it at the extended deadline',
      timed,
      200,
      { seconds: 150, systemEnded: true, extensions: 1 },
    ],
    [
      'needed unknown: the timer ends it at the window, no extension',
      timed,
      undefined,
      { seconds: 90, systemEnded: true, extensions: 0 },
    ],
    [
      'no extension allowed: the timer ends it at the window',
      { ...timed, maxExtensions: 0 },
      130,
      { seconds: 90, systemEnded: true, extensions: 0 },
    ],
    [
      'as many extensions as needed, up to maxExtensions',
      { ...timed, extensionSeconds: 30, maxExtensions: 3 },
      140,
      { seconds: 140, systemEnded: false, extensions: 2 },
    ],
    [
      'forced: lasts the window even when the agent needs less',
      { ...timed, mode: 'forced' },
      40,
      { seconds: 90, systemEnded: true, extensions: 0 },
    ],
    [
      'forced: extended, then lasts to the extended deadline',
      { ...timed, mode: 'forced' },
      100,
      { seconds: 150, systemEnded: true, extensions: 1 },
    ],
    [
      'untimed: lasts what the agent needs, ended by them',
      { ...timed, mode: 'untimed' },
      400,
      { seconds: 400, systemEnded: false, extensions: 0 },
    ],
    [
      'untimed, needed unknown: its length is unknown',
      { ...timed, mode: 'untimed' },
      undefined,
      { seconds: undefined, systemEnded: false, extensions: 0 },
    ],
  ] as const)('R3, R5, R6, R7: %s', (_name, policy, needed, expected) => {
    expect(replayWrapUp(policy, needed)).toEqual(expected);
  });

  it('R3: a 0 s policy gives no wrap-up', () => {
    expect(replayWrapUp({ ...timed, durationSeconds: 0 }, 40)).toBeUndefined();
  });
});

describe("issue 13 what-if: the time needed is the COMPLETED event's ACW", () => {
  it('reads afterContactWorkDuration, else the difference of its timestamps, else unknown', () => {
    expect(neededSecondsOf({ agentInfo: { afterContactWorkDuration: 90 } })).toBe(90);
    expect(
      neededSecondsOf({
        agentInfo: {
          afterContactWorkStartTimestamp: '2021-08-04T17:38:37.000Z',
          afterContactWorkEndTimestamp: '2021-08-04T17:40:07.000Z',
        },
      }),
    ).toBe(90);
    expect(neededSecondsOf({ agentInfo: { afterContactWorkDuration: -1 } })).toBeUndefined();
    expect(neededSecondsOf({ agentInfo: {} })).toBeUndefined();
    expect(neededSecondsOf({})).toBeUndefined();
  });
});

describe('issue 13 what-if: a day of two queues under both configurations, computed by hand', () => {
  it('R1, R2, R3, R5, R7: totals per queue and channel match the hand computation', () => {
    const replay = replayOf(eventsOf(HAND_DAY));

    expect(replay.result()).toEqual(HAND_COMPUTED);
    expect(replay.stats).toMatchObject({ disconnects: 8, completed: 7, wrapUpContacts: 7, neededKnown: 6 });
  });

  it('R14: events in any order and delivered twice give the same totals', () => {
    const events = eventsOf(HAND_DAY);
    const shuffled = [...events.slice(4), ...events.slice(0, 4).reverse(), ...events.slice(2, 6)];

    const replay = replayOf(shuffled);

    expect(replay.result()).toEqual(HAND_COMPUTED);
    expect(replay.stats.duplicates).toBe(4);
  });
});

describe('issue 13 what-if: which contacts get a wrap-up, as the product decides', () => {
  it('R2: a contact that never reached its agent starts nothing', () => {
    const spec = { contactId: 'x', queueId: BILLING, minute: 0, needed: 10 };
    const raw = disconnected(spec) as { detail: { agentInfo: Record<string, unknown> } };
    delete raw.detail.agentInfo.connectedToAgentTimestamp;

    expect(replayOf([raw as unknown as ContactEventJson, completed(spec)]).result().queues).toEqual([]);
  });

  it('a supervisor monitoring leg starts nothing', () => {
    const spec = {
      contactId: 'x',
      queueId: BILLING,
      minute: 0,
      needed: 10,
      extra: { initiationMethod: 'MONITOR' as const },
    };

    expect(replayOf([disconnected(spec), completed(spec)]).result().queues).toEqual([]);
  });

  it('R21: an unanswered outbound call gets a wrap-up only under a policy that asks for one', () => {
    const spec = {
      contactId: 'x',
      minute: 0,
      needed: 30,
      extra: { initiationMethod: 'OUTBOUND' as const, answered: false },
    };
    const asks = { policies: { default: { durationSeconds: 90, unansweredOutbound: true } } };

    const [queue] = replayOf([disconnected(spec), completed(spec)], BASELINE, asks).result().queues;

    expect(queue).toMatchObject({
      queueId: null,
      channel: 'VOICE',
      baseline: { wrapUps: 0, agentHours: 0, systemEndedShare: null },
      proposed: { wrapUps: 1, systemEndedShare: 0 },
    });
  });

  it('R3: the acwProfile tag chooses the profile under each configuration', () => {
    const spec = {
      contactId: 'x',
      queueId: SUPPORT,
      minute: 0,
      needed: 500,
      extra: { tags: { acwProfile: 'tier3' } },
    };
    const baseline = {
      policies: { default: { durationSeconds: 90 }, profiles: { tier3: { durationSeconds: 600 } } },
    };
    const proposed = {
      policies: { default: { durationSeconds: 90 }, profiles: { tier3: { durationSeconds: 300 } } },
    };

    const [queue] = replayOf([disconnected(spec), completed(spec)], baseline, proposed).result().queues;

    // 500 s needed: under 600 s the agent ends it; under 300 s one 60 s extension is not enough.
    expect(queue?.baseline).toMatchObject({ agentHours: 0.139, systemEndedShare: 0, extensions: 0 });
    expect(queue?.proposed).toMatchObject({ agentHours: 0.1, systemEndedShare: 1, extensions: 1 });
  });

  it("R3, R20: the agent's hierarchy groups choose their policy under each configuration", () => {
    const trainees = '0000aaaa-0000-4000-8000-000000000001';
    const spec = {
      contactId: 'g',
      queueId: SUPPORT,
      minute: 0,
      needed: 200,
      extra: { agentGroupIds: [trainees] },
    };
    const baseline = { policies: { default: { durationSeconds: 90, maxExtensions: 0 } } };
    const proposed = {
      policies: {
        default: { durationSeconds: 90, maxExtensions: 0 },
        agentGroups: { [trainees]: { durationSeconds: 300 } },
      },
    };

    const [queue] = replayOf([disconnected(spec), completed(spec)], baseline, proposed).result().queues;

    // 200 s needed: the 90 s default ends it (no extensions); the trainees' 300 s lets the agent finish.
    expect(queue?.baseline).toMatchObject({ agentHours: 0.025, systemEndedShare: 1 });
    expect(queue?.proposed).toMatchObject({ agentHours: 0.056, systemEndedShare: 0 });
  });

  it("R10: a quick-connect transfer to an agent's queue takes the queue, and the profile, of the contact it came from", () => {
    const first = {
      contactId: 'first',
      queueId: BILLING,
      minute: 0,
      needed: 10,
      extra: { tags: { acwProfile: 'vip' } },
    };
    const second = {
      contactId: 'second',
      minute: 5,
      needed: 10,
      agentId: '11111111-2222-4333-8444-555555555555',
      extra: {
        agentQueueOf: '11111111-2222-4333-8444-555555555555',
        previousContactId: 'first',
        initialContactId: 'first',
      },
    };
    const config = {
      policies: { default: { durationSeconds: 90 }, profiles: { vip: { durationSeconds: 5 } } },
    };

    const { queues } = replayOf(eventsOf([first, second]), config, config).result();

    expect(queues).toEqual([
      expect.objectContaining({
        queueId: BILLING,
        channel: 'VOICE',
        // Both legs: the vip profile's 5 s, extended once to 65 s and ended by the agent at 10 s.
        baseline: expect.objectContaining({ wrapUps: 2, extensions: 2, agentHours: 0.006 }),
      }),
    ]);
  });
});

describe('issue 13 what-if: memory stays bounded by the horizon', () => {
  it('a DISCONNECTED whose COMPLETED comes after the horizon is replayed with the time needed unknown', () => {
    const late = { contactId: 'late', queueId: BILLING, minute: 0, needed: 40 };
    const later = { contactId: 'later', queueId: BILLING, minute: 180, needed: 40 };
    const events = [disconnected(late), disconnected(later), completed(later), completed(late)];

    const replay = replayOf(events, BASELINE, BASELINE, { horizonHours: 1 });

    // late: 90 s system-ended (unknown); later: 40 s by the agent.
    expect(replay.result().queues[0]?.baseline).toMatchObject({
      wrapUps: 2,
      agentHours: 0.036,
      systemEndedShare: 0.5,
    });
    expect(replay.stats.unpairedCompleted).toBe(1);
  });

  it('holds no more contacts than a horizon of event time brings, however long the file', () => {
    // One contact every 6 minutes for 100 hours: a 1-hour horizon holds about 10.
    const contacts = Array.from({ length: 1000 }, (_, index) => ({
      contactId: `c${index}`,
      queueId: BILLING,
      minute: index * 6,
      needed: 30,
    }));

    const replay = replayOf(eventsOf(contacts), BASELINE, BASELINE, { horizonHours: 1 });

    expect(replay.stats.peakPending).toBeLessThanOrEqual(12);
    expect(replay.result().queues[0]?.baseline.wrapUps).toBe(1000);
  });
});
