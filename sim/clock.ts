/**
 * The virtual clock: a discrete-event queue of actions ordered by (time, sequence), run one at a
 * time. Times are integer milliseconds since the epoch.
 *
 * Each action is one invocation of something (a Lambda handler, a schedule firing). While it runs,
 * `now()` is that invocation's own time; `sleep(ms)` moves only that invocation forward (handlers
 * run one at a time, so what it does after sleeping is stamped at the later time, and the next
 * action still starts at its own, possibly earlier, time).
 */
import type { Clock } from '../lambda/core/ports';

/** Something to do at a virtual time. */
export type Action = () => Promise<void>;

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  readonly action: Action;
}

/** The event queue and the current invocation's time. */
export class VirtualClock implements Clock {
  private readonly heap: Entry[] = [];
  private seq = 0;
  private current: number;

  constructor(start: number) {
    this.current = start;
  }

  /** The running invocation's time. */
  now(): Date {
    return new Date(this.current);
  }

  /** The running invocation's time in milliseconds. */
  nowMs(): number {
    return this.current;
  }

  /** Advances only the running invocation: nothing else runs meanwhile, and no real time passes. */
  async sleep(ms: number): Promise<void> {
    this.current += Math.max(0, Math.round(ms));
  }

  /** Queues `action` at `at` (ms); actions at the same time run in the order they were queued. */
  schedule(at: number, label: string, action: Action): void {
    this.push({ at: Math.round(at), seq: this.seq++, label, action });
  }

  /** Pending actions. */
  get pending(): number {
    return this.heap.length;
  }

  /**
   * Runs the queue in order until it is empty or the next action is due after `until`; actions
   * queued meanwhile take part. Returns how many actions ran.
   */
  async runUntil(until: number): Promise<number> {
    let ran = 0;
    for (let next = this.heap[0]; next !== undefined && next.at <= until; next = this.heap[0]) {
      this.pop();
      this.current = next.at;
      await next.action();
      ran++;
    }
    this.current = until;
    return ran;
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
