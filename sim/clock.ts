/**
 * The virtual clock: a discrete-event scheduler on integer milliseconds since the epoch.
 *
 * Each queued action runs as a task. A task that sleeps is parked until the clock reaches its
 * wake-up time, and whatever is due meanwhile runs: invocations overlap in virtual time as Lambda
 * invocations do (one waiting for Connect's quota does not hold the others up), and every shared
 * service sees its calls in time order. `now()` is the time of the entry being run: a task's start
 * or a wake-up (parallel branches of one task, `Promise.all`, each go on at their own wake-up).
 *
 * Only one task runs at a time: after starting or waking one, the clock waits until every task
 * is parked, finished, or waiting for real I/O that is reported busy (`trackBusy`: the
 * simulator's DynamoDB requests), so a run is as deterministic as its seed. `context` (whose code
 * runs: the simulator's invocation) is kept across each task's sleeps.
 */
import type { Clock } from '../lambda/core/ports';

/** How long, in real time, the clock waits for I/O in flight before it gives up. */
const STALL_MS = 60_000;

/** Something to do at a virtual time. */
export type Action = () => Promise<void>;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  /** A new task, or the wake-up of a parked one. */
  readonly run: { readonly action: Action } | { readonly wake: () => void };
}

/** The event queue and the tasks' times. */
export class VirtualClock implements Clock {
  private readonly heap: Entry[] = [];
  private seq = 0;
  /** The time of the entry being run. */
  private current: number;
  /** Inside runUntil: sleeps park their task. */
  private running = false;
  /** Real I/O in flight that the scheduler must wait for. */
  private busy = 0;
  private idle: (() => void) | undefined;
  private failure: { readonly error: unknown } | undefined;

  /** Whose code runs now, for the simulator's trace; restored when a task wakes up. */
  context: unknown;

  constructor(start: number) {
    this.current = start;
  }

  /** The time of the entry being run. */
  now(): Date {
    return new Date(this.current);
  }

  /** The time of the entry being run, in milliseconds. */
  nowMs(): number {
    return this.current;
  }

  /**
   * Parks the asking task for `ms` of virtual time (no real time passes); what is due meanwhile
   * runs. Outside a run (before or after it) it just moves the clock on.
   */
  sleep(ms: number): Promise<void> {
    return this.park(ms, false);
  }

  /** A sleep inside a busy request (a retry's backoff): the request is not busy meanwhile. */
  sleepReleasingBusy(ms: number): Promise<void> {
    return this.park(ms, true);
  }

  private async park(ms: number, releasing: boolean): Promise<void> {
    const delay = Math.max(0, Math.round(ms));
    if (!this.running) {
      this.current += delay;
      return;
    }
    if (delay === 0) return;
    const context = this.context;
    if (releasing) this.release();
    await new Promise<void>((resolve) => {
      const wake = () => {
        this.context = context;
        resolve();
      };
      this.push({ at: this.current + delay, seq: this.seq++, label: 'wake-up', run: { wake } });
    });
    if (releasing) this.busy++;
  }

  /** Queues `action` at `at` (ms); actions at the same time run in the order they were queued. */
  schedule(at: number, label: string, action: Action): void {
    this.push({ at: Math.round(at), seq: this.seq++, label, run: { action } });
  }

  /**
   * Runs `request` (real I/O of the simulator's own, e.g. a DynamoDB request) as busy: the
   * scheduler waits for it before running anything else. Its time parked in `sleepReleasingBusy`
   * (a retry's backoff) is not busy.
   */
  async trackBusy<T>(request: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await request();
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.busy--;
    if (this.busy === 0) this.idle?.();
  }

  /** Pending entries: actions not yet started and parked tasks' wake-ups. */
  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs the queue in time order until it is empty or the next entry is due after `until`;
   * entries queued meanwhile take part. Tasks still parked then never resume. Returns how many
   * actions started.
   * @throws the first error an action threw, once the queue has settled.
   */
  async runUntil(until: number): Promise<number> {
    let started = 0;
    this.running = true;
    try {
      for (let next = this.heap[0]; next !== undefined && next.at <= until; next = this.heap[0]) {
        this.pop();
        this.current = next.at;
        if ('action' in next.run) {
          started++;
          this.start(next.run.action);
        } else next.run.wake();
        await this.settle();
        if (this.failure !== undefined) throw this.failure.error;
      }
    } finally {
      this.running = false;
      this.context = undefined;
    }
    this.current = until;
    return started;
  }

  private start(action: Action): void {
    this.context = undefined;
    action().catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  /** Waits until every task is parked, finished, or blocked on nothing the clock knows is busy. */
  private async settle(): Promise<void> {
    for (;;) {
      // A macrotask turn: every task has run its microtasks up to a park, an end, or real I/O.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.busy === 0) return;
      // While I/O is in flight, wait for it (its sockets keep the event loop alive meanwhile).
      let stalled: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve, reject) => {
        this.idle = resolve;
        // Only a task sleeping inside a busy request (with `sleep`, not `sleepReleasingBusy`)
        // could hold the clock forever: say so rather than hang.
        stalled = setTimeout(
          () => reject(new Error(`The virtual clock has waited ${STALL_MS} ms for real I/O to finish`)),
          STALL_MS,
        );
      });
      clearTimeout(stalled);
      this.idle = undefined;
    }
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const above = heap[parent];
      if (above === undefined || !before(entry, above)) break;
      heap[index] = above;
      heap[parent] = entry;
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      const leftEntry = heap[left];
      const rightEntry = heap[right];
      const smallestEntry = () => heap[smallest] as Entry;
      if (leftEntry !== undefined && before(leftEntry, smallestEntry())) smallest = left;
      if (rightEntry !== undefined && before(rightEntry, smallestEntry())) smallest = right;
      if (smallest === index) return;
      const moved = heap[smallest] as Entry;
      heap[smallest] = last;
      heap[index] = moved;
      index = smallest;
    }
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
