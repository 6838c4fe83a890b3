/**
 * The virtual clock: a discrete-event scheduler on integer milliseconds since the epoch.
 *
 * Each queued action runs as a task with its own time: `now()` is the time of the task that
 * asks. A task that sleeps is parked until the clock reaches its wake-up time, and other tasks
 * due meanwhile run: invocations overlap in virtual time as Lambda invocations do (one waiting
 * for Connect's quota does not hold the others up), and every shared service sees its calls in
 * time order. Parallel branches of one task (`Promise.all`) share its time, which moves to the
 * latest wake-up of any of them.
 *
 * Only one task runs at a time: after starting or waking one, the clock waits until every task
 * is parked, finished, or waiting for real I/O that is reported busy (`trackBusy`: the
 * simulator's DynamoDB requests), so a run is as deterministic as its seed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../lambda/core/ports';

/** Something to do at a virtual time. */
export type Action = () => Promise<void>;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  /** A new task, or the wake-up of a parked one. */
  readonly run: { readonly action: Action } | { readonly wake: () => void };
}

/** A running action: its own time. */
interface Task {
  time: number;
}

/** The event queue and the tasks' times. */
export class VirtualClock implements Clock {
  private readonly heap: Entry[] = [];
  private readonly tasks = new AsyncLocalStorage<Task>();
  /** Set inside a busy request (trackBusy), whose sleeps are not busy. */
  private readonly requests = new AsyncLocalStorage<true>();
  private seq = 0;
  /** The time of the last entry run: `now()` outside any task. */
  private current: number;
  /** Real I/O in flight that the scheduler must wait for. */
  private busy = 0;
  private idle: (() => void) | undefined;
  private failure: { readonly error: unknown } | undefined;

  constructor(start: number) {
    this.current = start;
  }

  /** The asking task's time. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** The asking task's time in milliseconds. */
  nowMs(): number {
    return this.tasks.getStore()?.time ?? this.current;
  }

  /**
   * Parks the asking task for `ms` of virtual time (no real time passes); other tasks due
   * meanwhile run. Outside a task (before or after a run) it just moves the clock on.
   */
  async sleep(ms: number): Promise<void> {
    const delay = Math.max(0, Math.round(ms));
    const task = this.tasks.getStore();
    if (task === undefined) {
      this.current += delay;
      return;
    }
    if (delay === 0) return;
    const wake = task.time + delay;
    const inRequest = this.requests.getStore() === true;
    if (inRequest) this.release();
    try {
      await new Promise<void>((resolve) => {
        this.push({ at: wake, seq: this.seq++, label: 'wake-up', run: { wake: resolve } });
      });
    } finally {
      if (inRequest) this.busy++;
    }
    task.time = Math.max(task.time, wake);
  }

  /** Queues `action` at `at` (ms); actions at the same time run in the order they were queued. */
  schedule(at: number, label: string, action: Action): void {
    this.push({ at: Math.round(at), seq: this.seq++, label, run: { action } });
  }

  /**
   * Runs `request` (real I/O of the simulator's own, e.g. a DynamoDB request) as busy: the
   * scheduler waits for it before running anything else. Its time parked in `sleep` (a retry's
   * backoff) is not busy.
   */
  async trackBusy<T>(request: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await this.requests.run(true, request);
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
    for (let next = this.heap[0]; next !== undefined && next.at <= until; next = this.heap[0]) {
      this.pop();
      this.current = next.at;
      if ('action' in next.run) {
        started++;
        this.start(next.at, next.run.action);
      } else next.run.wake();
      await this.settle();
      if (this.failure !== undefined) throw this.failure.error;
    }
    this.current = until;
    return started;
  }

  private start(at: number, action: Action): void {
    this.tasks.run({ time: at }, () => {
      action().catch((error: unknown) => {
        this.failure ??= { error };
      });
    });
  }

  /** Waits until every task is parked, finished, or blocked on nothing the clock knows is busy. */
  private async settle(): Promise<void> {
    for (;;) {
      // A macrotask turn: every task has run its microtasks up to a park, an end, or real I/O.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.busy === 0) return;
      // While I/O is in flight a sleep on the real clock could only return too early: wait for it.
      // Real sockets keep the event loop alive until then.
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
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
