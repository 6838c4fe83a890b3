/**
 * The list of open wrap-ups a page shows, kept current: loaded from the API on start, on the
 * desktop's events, every few seconds while something is open, every second once a countdown has
 * reached 0 (until the server closes it), with backoff on failures. Action answers replace their
 * wrap-up at once, and a list whose request left before the last action's answer is dropped, so
 * the page never shows (or acts on) a deadline older than the one the server last returned.
 *
 * No DOM: timers and the clock are passed in, so tests run it on fake time.
 */
import type { Answer } from './api';
import { combine, LOCAL_CLOCK, measure, type ServerClock, secondsLeft } from './logic/clock';
import { type Failure, failureCode, failureOf } from './logic/errors';
import { ACW_STARTED_RETRIES, acceptList, REFRESH, refreshDelayMs, withResult } from './logic/refresh';
import type { WrapUp, WrapUpList, WrapUpResult } from './logic/wrap-up';

/** What the page renders. */
export interface FeedState {
  readonly wrapUps: readonly WrapUp[];
  /** The server clock estimate, for the countdowns. */
  readonly clock: ServerClock;
  /** A first answer arrived. */
  readonly loaded: boolean;
  /** The last refresh failed with this; cleared by the next success. */
  readonly failure: Failure | undefined;
  /** Failed refreshes in a row. */
  readonly failures: number;
  /** Local time of the last successful refresh. */
  readonly updatedAt: number | undefined;
}

/** Timers, injectable for tests. */
export interface Scheduler {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** What a feed is built from. */
export interface FeedOptions {
  /** Loads the list (`myWrapUps` or `allWrapUps`). */
  load: () => Promise<Answer<WrapUpList>>;
  /** Refresh period while something is open, ms. @default REFRESH.open */
  readonly period?: number;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout / clearTimeout */
  readonly scheduler?: Scheduler;
}

/** Failures after which polling stops until `refresh()` is called (signing in again). */
const STOPPING = new Set(['SIGNED_OUT', 'UNAUTHORIZED', 'FORBIDDEN', 'AGENT_MISMATCH']);

const REAL_TIMERS: Scheduler = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A self-refreshing list of open wrap-ups. */
export class WrapUpFeed {
  private current: FeedState = {
    wrapUps: [],
    clock: LOCAL_CLOCK,
    loaded: false,
    failure: undefined,
    failures: 0,
    updatedAt: undefined,
  };
  private readonly listeners = new Set<() => void>();
  private readonly now: () => number;
  private readonly timers: Scheduler;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private next: unknown;
  /** Local time the next scheduled refresh is due. */
  private nextAt = Number.POSITIVE_INFINITY;
  private lastActionAnsweredAt = Number.NEGATIVE_INFINITY;
  /** Bumped by reload(): an answer for the previous `load` is dropped. */
  private generation = 0;
  private readonly expected = new Map<string, unknown[]>();

  constructor(private options: FeedOptions) {
    this.now = options.now ?? Date.now;
    this.timers = options.scheduler ?? REAL_TIMERS;
  }

  /** The state to render. */
  state(): FeedState {
    return this.current;
  }

  /** Called after every change of state. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads now and keeps refreshing until stopped. */
  start(): void {
    this.running = true;
    void this.refresh();
  }

  /** Stops refreshing (the page is closing, or the user signed out). */
  stop(): void {
    this.running = false;
    this.timers.clear(this.next);
    for (const handles of this.expected.values()) for (const handle of handles) this.timers.clear(handle);
    this.expected.clear();
  }

  /** Changes what is loaded (the board's queue filter) and loads it. */
  reload(load: FeedOptions['load']): Promise<void> {
    this.options = { ...this.options, load };
    this.generation++;
    this.current = { ...this.current, wrapUps: [], loaded: false };
    this.emit();
    return this.refresh();
  }

  /**
   * Loads the list now. Calls while one is in flight coalesce into one more load after it, so a
   * burst of events costs two requests at most.
   */
  refresh(): Promise<void> {
    this.running = true;
    if (this.inFlight !== undefined) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.loadOnce().finally(() => {
      this.inFlight = undefined;
      if (this.again) {
        this.again = false;
        void this.refresh();
      } else {
        this.schedule();
      }
    });
    return this.inFlight;
  }

  /**
   * The desktop says this contact's wrap-up started: the backend learns it from Connect's
   * contact event a few seconds later, so ask again at growing delays until it shows.
   */
  expectContact(contactId: string): void {
    if (this.has(contactId)) return;
    for (const handle of this.expected.get(contactId) ?? []) this.timers.clear(handle);
    this.expected.set(
      contactId,
      ACW_STARTED_RETRIES.map((ms) =>
        this.timers.set(() => {
          if (!this.has(contactId)) void this.refresh();
        }, ms),
      ),
    );
  }

  /** An action's answer: the returned wrap-up replaces what was shown; older list answers are dropped. */
  applyResult(answer: Answer<WrapUpResult>): void {
    this.lastActionAnsweredAt = answer.clock.receivedAt;
    this.current = {
      ...this.current,
      wrapUps: withResult(this.current.wrapUps, answer.data.wrapUp),
      clock: combine(this.current.clock, measure(answer.clock)),
    };
    this.emit();
    this.schedule();
  }

  /**
   * A countdown the page shows reached 0: check with the server soon rather than at the next
   * period. Pages call it on every tick; a refresh already due soon is left as it is (moving it
   * on each call would postpone it for ever).
   */
  expired(): void {
    if (!this.running || this.inFlight !== undefined) return;
    if (this.nextAt - this.now() > REFRESH.expired) this.schedule();
  }

  private has(contactId: string): boolean {
    const found = this.current.wrapUps.some((w) => w.contactId === contactId);
    if (found) {
      for (const handle of this.expected.get(contactId) ?? []) this.timers.clear(handle);
      this.expected.delete(contactId);
    }
    return found;
  }

  private async loadOnce(): Promise<void> {
    const sentAt = this.now();
    const generation = this.generation;
    try {
      const answer = await this.options.load();
      if (generation !== this.generation) {
        this.again = true;
        return;
      }
      const clock = combine(this.current.clock, measure(answer.clock));
      if (!acceptList(sentAt, this.lastActionAnsweredAt)) {
        // May predate the last action: keep what the action returned, ask again.
        this.current = { ...this.current, clock };
        this.again = true;
        return;
      }
      this.current = {
        wrapUps: answer.data.wrapUps,
        clock,
        loaded: true,
        failure: undefined,
        failures: 0,
        updatedAt: this.now(),
      };
      for (const contactId of [...this.expected.keys()]) this.has(contactId);
    } catch (error) {
      if (generation !== this.generation) {
        this.again = true;
        return;
      }
      const failure = failureOf(error);
      this.current = { ...this.current, failure, failures: this.current.failures + 1 };
      if (STOPPING.has(failureCode(failure))) this.running = false;
    } finally {
      this.emit();
    }
  }

  private schedule(): void {
    this.timers.clear(this.next);
    this.nextAt = Number.POSITIVE_INFINITY;
    if (!this.running) return;
    const now = this.now();
    const expired = this.current.wrapUps.some(
      (w) => w.mode !== 'untimed' && secondsLeft(w.deadline, this.current.clock, now) === 0,
    );
    const delay = refreshDelayMs({
      open: this.current.wrapUps.length,
      expired,
      failures: this.current.failures,
      ...(this.options.period === undefined ? {} : { period: this.options.period }),
    });
    this.nextAt = now + delay;
    this.next = this.timers.set(() => {
      this.nextAt = Number.POSITIVE_INFINITY;
      void this.refresh();
    }, delay);
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
