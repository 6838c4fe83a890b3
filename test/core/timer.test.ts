import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  atExpression,
  DELIVERY_ALLOWANCE_MS,
  FINAL_WAIT_MS,
  MAX_SQS_DELAY_SECONDS,
  planTimer,
  stepTimer,
} from '../../lambda/core/timer';

const T0 = Date.parse('2026-03-02T09:00:05.250Z');

describe('R13: timers land on time although Scheduler fires anywhere in its minute', () => {
  it('a long wrap-up is scheduled for the whole minute before its deadline minute', () => {
    const plan = planTimer(new Date(T0), new Date('2026-03-02T09:05:35.000Z'));
    expect(plan).toEqual({ kind: 'schedule', at: new Date('2026-03-02T09:04:00.000Z') });
  });

  it('a short wrap-up skips Scheduler and uses the whole seconds left as an SQS delay', () => {
    const plan = planTimer(new Date(T0), new Date('2026-03-02T09:01:35.000Z'));
    expect(plan).toEqual({ kind: 'delay', delaySeconds: 89 });
  });

  it('whatever second Scheduler picks in the scheduled minute, it fires after now and at or before the deadline', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        fc.integer({ min: 0, max: 59_999 }),
        (offset, duration, fireSecond) => {
          const now = new Date(T0 + offset);
          const deadline = new Date(now.getTime() + duration);
          const plan = planTimer(now, deadline);
          if (plan.kind === 'schedule') {
            const fired = plan.at.getTime() + fireSecond;
            expect(plan.at.getTime() % 60_000).toBe(0);
            expect(fired).toBeGreaterThan(now.getTime());
            expect(fired).toBeLessThanOrEqual(deadline.getTime());
            expect(deadline.getTime() - fired).toBeLessThanOrEqual(120_000);
          } else {
            expect(plan.delaySeconds).toBeLessThanOrEqual(MAX_SQS_DELAY_SECONDS);
            const arrives = now.getTime() + plan.delaySeconds * 1000;
            const early = deadline.getTime() - arrives;
            expect(early).toBeLessThanOrEqual(FINAL_WAIT_MS);
            // Aimed a second early, unless the deadline is less than a second away.
            if (duration >= DELIVERY_ALLOWANCE_MS)
              expect(early).toBeGreaterThanOrEqual(DELIVERY_ALLOWANCE_MS);
          }
        },
      ),
      { seed: 13, numRuns: 2000 },
    );
  });

  it('a timer within the final wait ends after waiting exactly to the deadline', () => {
    expect(stepTimer(new Date(T0), new Date(T0 + 700))).toEqual({ kind: 'end', waitMs: 700 });
    expect(stepTimer(new Date(T0), new Date(T0 + FINAL_WAIT_MS))).toEqual({
      kind: 'end',
      waitMs: FINAL_WAIT_MS,
    });
  });

  it('a timer past its deadline ends at once', () => {
    expect(stepTimer(new Date(T0 + 5_000), new Date(T0))).toEqual({ kind: 'end', waitMs: 0 });
  });

  it('a timer further than the final wait comes back through the due queue, never past the deadline', () => {
    expect(stepTimer(new Date(T0), new Date(T0 + 75_500))).toEqual({ kind: 'delay', delaySeconds: 75 });
    expect(stepTimer(new Date(T0), new Date(T0 + 3_600_000))).toEqual({ kind: 'delay', delaySeconds: 900 });
  });

  it('formats the one-time expression Scheduler expects, in UTC without milliseconds', () => {
    expect(atExpression(new Date('2026-03-02T09:04:00.000Z'))).toBe('at(2026-03-02T09:04:00)');
  });
});
