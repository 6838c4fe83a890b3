/**
 * Drives the simulator's cooperative VirtualClock (sim/clock.ts) on the wall clock, so the real
 * handlers and the simulated AWS services it schedules run in real time: the clock starts at
 * `Date.now()` and, every `tickMs` (or at once when something new is queued), runs every entry due
 * up to `Date.now()`. A handler's `sleep` (a quota wait, a backoff) parks its task until the wall
 * clock reaches the wake-up; a timer due at 12:00:45 fires when the wall clock says 12:00:45
 * (at most one tick late).
 *
 * Work from outside the clock (an HTTP request) runs as a task of its own through `run`, so it
 * sees the same time and the same DynamoDB bookkeeping as every simulated invocation.
 *
 * The clock treats an action that throws as fatal to the whole run (it rethrows it on every
 * later pass), so everything queued through here, and every callback the world hands the
 * simulated services, must catch its own errors.
 */
import { VirtualClock } from '../sim/clock';

/** How often the clock is brought up to the wall clock when nothing new is queued, ms. */
export const DEFAULT_TICK_MS = 100;

export interface RealTimeOptions {
  /** @default DEFAULT_TICK_MS */
  readonly tickMs?: number;
  /** Told when a pass of the clock failed (an action threw: a bug in the world's wiring); the clock stops. */
  readonly onError?: (error: unknown) => void;
}

/** A VirtualClock kept level with the wall clock. */
export class RealTimeClock {
  /** The clock the handlers, adapters and simulated services are given. */
  readonly clock: VirtualClock;
  private readonly tickMs: number;
  private readonly onError: (error: unknown) => void;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private kicked = false;

  constructor(options: RealTimeOptions = {}) {
    this.clock = new VirtualClock(Date.now());
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.onError =
      options.onError ?? ((error) => console.error('connect-acw local: clock pass failed', error));
  }

  /** Starts following the wall clock. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.follow();
  }

  /**
   * Runs `action` as a task of the clock, now, and answers what it returns (or throws).
   * @throws Error when the clock is stopped.
   */
  run<T>(label: string, action: () => Promise<T>): Promise<T> {
    if (!this.running) return Promise.reject(new Error('the local contact center is stopping'));
    return new Promise<T>((resolve, reject) => {
      this.clock.schedule(this.nowMs(), label, async () => {
        try {
          resolve(await action());
        } catch (error) {
          reject(error);
        }
      });
      this.kick();
    });
  }

  /** Queues `action` at `at` (epoch ms, not before now); its errors are reported, never thrown. */
  schedule(at: number, label: string, action: () => Promise<void> | void): void {
    this.clock.schedule(Math.max(at, this.clock.nowMs()), label, async () => {
      try {
        await action();
      } catch (error) {
        this.onError(error);
      }
    });
    this.kick();
  }

  /** The wall clock, never behind the virtual one (a task's time can run ahead by a tick). */
  nowMs(): number {
    return Math.max(Date.now(), this.clock.nowMs());
  }

  /** Stops following the wall clock once the pass in progress has settled. Parked tasks stay parked. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** Runs the next pass at once instead of at the next tick. */
  private kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  private async follow(): Promise<void> {
    while (this.running) {
      this.kicked = false;
      try {
        await this.clock.runUntil(Date.now());
      } catch (error) {
        // The clock keeps a failed action's error and rethrows it on every later pass: the world
        // cannot go on. Said once; later `run` calls are refused.
        this.running = false;
        this.onError(error);
        return;
      }
      if (!this.running) return;
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, this.tickMs);
      });
      clearTimeout(this.timer);
      this.wake = undefined;
    }
  }
}
