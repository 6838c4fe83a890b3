import { describe, expect, it } from 'vitest';
import type { Answer } from '../../web/src/api';
import { type Scheduler, WrapUpFeed } from '../../web/src/feed';
import { ApiError } from '../../web/src/logic/errors';
import { REFRESH } from '../../web/src/logic/refresh';
import type { WrapUp, WrapUpList, WrapUpResult } from '../../web/src/logic/wrap-up';
import { aWrapUp } from './fixtures';

const T = Date.parse('2026-03-02T09:00:00.000Z');

/** Virtual time: timers fire when the test advances the clock. */
class FakeTime implements Scheduler {
  now = T;
  private timers: Array<{ at: number; callback: () => void; id: number }> = [];
  private seq = 0;

  set(callback: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.push({ at: this.now + ms, callback, id });
    return id;
  }

  clear(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Delays of the timers pending now, soonest first. */
  pending(): number[] {
    return this.timers.map((t) => t.at - this.now).sort((a, b) => a - b);
  }

  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.now = due.at;
      due.callback();
      await flush();
    }
    this.now = end;
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function list(time: FakeTime, wrapUps: WrapUp[]): Answer<WrapUpList> {
  return {
    data: { serverTime: new Date(time.now).toISOString(), wrapUps },
    clock: { serverTime: time.now, sentAt: time.now, receivedAt: time.now },
  };
}

function setup(answers: Array<(time: FakeTime) => Answer<WrapUpList> | Promise<Answer<WrapUpList>>>) {
  const time = new FakeTime();
  let loads = 0;
  const feed = new WrapUpFeed({
    load: async () => {
      const answer = answers[Math.min(loads, answers.length - 1)];
      loads++;
      if (answer === undefined) throw new Error('no answer');
      return answer(time);
    },
    now: () => time.now,
    scheduler: time,
  });
  return { time, feed, loads: () => loads };
}

describe('the wrap-up feed', () => {
  it('loads on start and refreshes every few seconds while a wrap-up is open', async () => {
    const { time, feed, loads } = setup([(t) => list(t, [aWrapUp()])]);

    feed.start();
    await flush();

    expect(feed.state().wrapUps).toHaveLength(1);
    expect(time.pending()).toEqual([REFRESH.open]);
    await time.advance(REFRESH.open);
    expect(loads()).toBe(2);
  });

  it('refreshes slowly when nothing is open (a safety net for a missed desktop event)', async () => {
    const { time, feed } = setup([(t) => list(t, [])]);

    feed.start();
    await flush();

    expect(feed.state().loaded).toBe(true);
    expect(time.pending()).toEqual([REFRESH.idle]);
  });

  it('R13: once a countdown reached 0 it asks every second until the server has closed the wrap-up', async () => {
    const expired = aWrapUp({ deadline: new Date(T - 1_000).toISOString() });
    const { time, feed } = setup([(t) => list(t, [expired]), (t) => list(t, [])]);

    feed.start();
    await flush();
    expect(time.pending()).toEqual([REFRESH.expired]);

    await time.advance(REFRESH.expired);
    expect(feed.state().wrapUps).toEqual([]);
  });

  it('R13: a page reporting the expired countdown on every tick does not postpone that check', async () => {
    const expiring = aWrapUp({ deadline: new Date(T + 2_000).toISOString() });
    const { time, feed, loads } = setup([(t) => list(t, [expiring]), (t) => list(t, [])]);
    feed.start();
    await flush();

    // The countdown reaches 0 at T+2s; the page then says so 4 times a second.
    await time.advance(2_000);
    for (let tick = 0; tick < 8; tick++) {
      feed.expired();
      await time.advance(250);
    }

    expect(loads()).toBe(2);
    expect(feed.state().wrapUps).toEqual([]);
  });

  it('after Connect says ACW started, asks again at growing delays until the wrap-up shows', async () => {
    const { time, feed, loads } = setup([
      (t) => list(t, []),
      (t) => list(t, []),
      (t) => list(t, [aWrapUp({ contactId: 'new' })]),
    ]);
    feed.start();
    await flush();

    feed.expectContact('new');
    await time.advance(1_500);

    expect(loads()).toBe(3);
    expect(feed.state().wrapUps.map((w) => w.contactId)).toEqual(['new']);
    // The remaining retries are cancelled: only the regular refresh is left.
    expect(time.pending()).toEqual([REFRESH.open]);
  });

  it('never shows a deadline older than an action returned: a list sent before the answer is dropped', async () => {
    let release: (answer: Answer<WrapUpList>) => void = () => undefined;
    const slow = new Promise<Answer<WrapUpList>>((resolve) => {
      release = resolve;
    });
    const before = aWrapUp({ deadline: '2026-03-02T09:02:00.000Z', extensionsLeft: 2 });
    const extended = aWrapUp({ deadline: '2026-03-02T09:03:00.000Z', extensionsLeft: 1 });
    const { time, feed } = setup([(t) => list(t, [before]), () => slow, (t) => list(t, [extended])]);
    feed.start();
    await flush();

    // A poll leaves, then Extend answers, then the poll answers with the old deadline.
    const poll = feed.refresh();
    time.now += 50;
    const result: Answer<WrapUpResult> = {
      data: { serverTime: new Date(time.now).toISOString(), wrapUp: extended },
      clock: { serverTime: time.now, sentAt: time.now - 40, receivedAt: time.now },
    };
    feed.applyResult(result);
    time.now += 50;
    release(list(time, [before]));
    await poll;
    await flush();

    expect(feed.state().wrapUps[0]?.deadline).toBe('2026-03-02T09:03:00.000Z');
  });

  it('R6: an action that closed the wrap-up removes it at once', () => {
    const { feed } = setup([(t) => list(t, [])]);
    const open = aWrapUp();
    feed.applyResult({
      data: { serverTime: new Date(T).toISOString(), wrapUp: open },
      clock: { serverTime: T, sentAt: T, receivedAt: T },
    });

    feed.applyResult({
      data: {
        serverTime: new Date(T).toISOString(),
        wrapUp: { ...open, state: 'CLOSED_COMPLETE', endReason: 'AGENT_DONE' },
      },
      clock: { serverTime: T, sentAt: T, receivedAt: T },
    });

    expect(feed.state().wrapUps).toEqual([]);
  });

  it('backs off after failures and keeps what it showed', async () => {
    const { time, feed } = setup([
      (t) => list(t, [aWrapUp()]),
      () => {
        throw new ApiError({ kind: 'network' });
      },
    ]);
    feed.start();
    await flush();

    await time.advance(REFRESH.open);

    expect(feed.state().failure).toEqual({ kind: 'network' });
    expect(feed.state().wrapUps).toHaveLength(1);
    expect(time.pending()).toEqual([2_000]);
    await time.advance(2_000);
    expect(time.pending()).toEqual([4_000]);
  });

  it('stops polling when the sign-in is gone, until refreshed again', async () => {
    const { time, feed } = setup([
      () => {
        throw new ApiError({ kind: 'signed-out' });
      },
    ]);

    feed.start();
    await flush();

    expect(feed.state().failure).toEqual({ kind: 'signed-out' });
    expect(time.pending()).toEqual([]);
  });

  it('corrects the countdown’s clock from the answers', async () => {
    const { feed } = setup([
      (t) => ({
        ...list(t, []),
        clock: { serverTime: t.now + 30_000, sentAt: t.now - 100, receivedAt: t.now + 100 },
      }),
    ]);

    feed.start();
    await flush();

    expect(feed.state().clock.offsetMs).toBe(30_000);
  });
});
