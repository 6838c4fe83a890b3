/**
 * The wall-clock driver of the local server (server/realtime.ts): the simulator's virtual clock
 * followed in real time, so a handler's sleep or a timer takes the time it says.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RealTimeClock } from '../../server/realtime';

describe('RealTimeClock', () => {
  let clock: RealTimeClock | undefined;
  afterEach(async () => {
    await clock?.stop();
  });

  it('starts at the wall clock and runs a task now, answering what it returns', async () => {
    clock = new RealTimeClock({ tickMs: 20 });
    clock.start();
    const before = Date.now();

    const seen = await clock.run('read the time', async () => clock?.clock.nowMs());

    expect(seen).toBeGreaterThanOrEqual(before - 50);
    expect(seen).toBeLessThanOrEqual(Date.now());
  });

  it("a task's sleep takes that much real time, and its virtual time follows", async () => {
    clock = new RealTimeClock({ tickMs: 20 });
    clock.start();
    const started = Date.now();

    const { from, to } = await clock.run('sleep', async () => {
      const virtual = clock?.clock;
      if (virtual === undefined) throw new Error('no clock');
      const from = virtual.nowMs();
      await virtual.sleep(300);
      return { from, to: virtual.nowMs() };
    });

    expect(to - from).toBe(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('runs a scheduled action when the wall clock reaches its time, not before', async () => {
    clock = new RealTimeClock({ tickMs: 20 });
    clock.start();
    const at = Date.now() + 200;
    let ranAt: number | undefined;

    clock.schedule(at, 'later', () => {
      ranAt = Date.now();
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ranAt).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(ranAt).toBeGreaterThanOrEqual(at);
    expect(ranAt).toBeLessThan(at + 200);
  });

  it("a task's error goes to its caller and the clock keeps going", async () => {
    const failures: unknown[] = [];
    clock = new RealTimeClock({ tickMs: 20, onError: (error) => failures.push(error) });
    clock.start();

    await expect(
      clock.run('fails', async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    clock.schedule(Date.now(), 'also fails', () => {
      throw new Error('reported');
    });

    expect(await clock.run('after', async () => 'still running')).toBe('still running');
    expect(failures).toEqual([new Error('reported')]);
  });

  it('refuses work once stopped', async () => {
    clock = new RealTimeClock({ tickMs: 20 });
    clock.start();
    await clock.stop();

    await expect(clock.run('late', async () => 1)).rejects.toThrow('stopping');
  });
});
