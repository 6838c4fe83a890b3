import { describe, expect, it } from 'vitest';
import {
  combine,
  formatClock,
  LOCAL_CLOCK,
  measure,
  msLeft,
  secondsLeft,
  serverNow,
  spokenDuration,
} from '../../web/src/logic/clock';

const T = Date.parse('2026-03-02T09:00:00.000Z');

describe('clock skew from serverTime and the round trip', () => {
  it('takes the midpoint of the round trip: a browser 30 s behind gets an offset of +30 s', () => {
    // The browser sent at T-30s (its clock), the answer took 200 ms; the server stamped T+100ms (its clock).
    const clock = measure({ serverTime: T + 100, sentAt: T - 30_000, receivedAt: T - 30_000 + 200 });

    expect(clock.offsetMs).toBe(30_000);
    expect(clock.uncertaintyMs).toBe(100);
    expect(serverNow(clock, T - 29_000)).toBe(T + 1_000);
  });

  it('never counts a negative round trip (the local clock stepped back meanwhile)', () => {
    const clock = measure({ serverTime: T, sentAt: T + 500, receivedAt: T + 100 });

    expect(clock.uncertaintyMs).toBe(0);
    expect(clock.offsetMs).toBe(-500);
  });

  it('keeps the tighter of two agreeing measurements', () => {
    const tight = measure({ serverTime: T + 50, sentAt: T, receivedAt: T + 100 });
    const loose = measure({ serverTime: T + 1_200, sentAt: T + 1_000, receivedAt: T + 1_800 });

    expect(combine(tight, loose)).toBe(tight);
    expect(combine(loose, tight)).toBe(tight);
  });

  it('takes the new measurement when the two disagree beyond their uncertainty (a clock was changed)', () => {
    const before = measure({ serverTime: T + 50, sentAt: T, receivedAt: T + 100 });
    const after = measure({ serverTime: T + 60_000, sentAt: T + 1_000, receivedAt: T + 1_400 });

    expect(combine(before, after)).toBe(after);
  });

  it('takes the new measurement when the kept one is over 5 minutes old', () => {
    const old = measure({ serverTime: T + 50, sentAt: T, receivedAt: T + 100 });
    const fresh = measure({ serverTime: T + 400_300, sentAt: T + 400_000, receivedAt: T + 400_600 });

    expect(combine(old, fresh)).toBe(fresh);
  });

  it('trusts the local clock until a first answer', () => {
    const first = measure({ serverTime: T, sentAt: T, receivedAt: T + 5_000 });

    expect(serverNow(LOCAL_CLOCK, T)).toBe(T);
    expect(combine(LOCAL_CLOCK, first)).toBe(first);
  });
});

describe('countdown to the server deadline', () => {
  const deadline = '2026-03-02T09:02:00.000Z';

  it('counts on the server clock: a browser 30 s ahead still shows the full 2 minutes at the start', () => {
    const clock = { offsetMs: -30_000, uncertaintyMs: 50, measuredAt: T };

    expect(secondsLeft(deadline, clock, T + 30_000)).toBe(120);
  });

  it('rounds up like the API: 119.2 s left shows 120', () => {
    expect(secondsLeft(deadline, LOCAL_CLOCK, T + 800)).toBe(120);
    expect(secondsLeft(deadline, LOCAL_CLOCK, T + 1_000)).toBe(119);
  });

  it('stops at 0 past the deadline, while msLeft goes negative', () => {
    expect(secondsLeft(deadline, LOCAL_CLOCK, T + 125_000)).toBe(0);
    expect(msLeft(deadline, LOCAL_CLOCK, T + 125_000)).toBe(-5_000);
  });

  it('has no countdown without a deadline (untimed)', () => {
    expect(secondsLeft(null, LOCAL_CLOCK, T)).toBeNull();
  });

  it.each([
    [0, '0:00'],
    [9, '0:09'],
    [65, '1:05'],
    [600, '10:00'],
    [3_723, '1:02:03'],
  ])('shows %i s as %s', (seconds, shown) => {
    expect(formatClock(seconds)).toBe(shown);
  });

  it.each([
    [0, '0 seconds'],
    [1, '1 second'],
    [60, '1 minute'],
    [125, '2 minutes 5 seconds'],
    [3_600, '1 hour'],
  ])('says %i s as "%s"', (seconds, said) => {
    expect(spokenDuration(seconds)).toBe(said);
  });
});
