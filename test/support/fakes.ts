/** Recording stand-ins for Connect, the timers, the clock and the log (the store is dynalite or its in-memory model). */
import type {
  AgentStatus,
  Clock,
  ContactRecords,
  Deps,
  Log,
  SessionStore,
  TargetStatus,
  TimerPayload,
  Timers,
} from '../../lambda/core/ports';

export class FakeClock implements Clock {
  private t: number;
  constructor(start: string | Date | number) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  async sleep(ms: number): Promise<void> {
    this.t += ms;
  }
  set(at: string | Date | number): void {
    this.t = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface StatusCall {
  readonly at: string;
  readonly instanceArn: string;
  readonly agentId: string;
  readonly status: TargetStatus;
}

/** Records every PutUserStatus; `failNext` makes the next calls throw like a throttled Connect. */
export class RecordingAgents implements AgentStatus {
  readonly calls: StatusCall[] = [];
  /** R15: the due time each call of `calls` gave its quota line (ISO-8601), in the same order. */
  readonly dueBy: Array<string | undefined> = [];
  /** R13, R15: the restores announced to the quota line: when, and due by when. */
  readonly announced: Array<{ at: string; dueBy: string }> = [];
  failNext = 0;
  constructor(private readonly clock: Clock) {}
  async set(instanceArn: string, agentId: string, status: TargetStatus, dueBy?: Date): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('TooManyRequestsException: Rate exceeded');
    }
    this.calls.push({ at: this.clock.now().toISOString(), instanceArn, agentId, status });
    this.dueBy.push(dueBy?.toISOString());
  }
  announceRestore(at: Date, dueBy: Date): void {
    this.announced.push({ at: at.toISOString(), dueBy: dueBy.toISOString() });
  }
}

export class RecordingTimers implements Timers {
  readonly armed: Array<{ payload: TimerPayload; at: string }> = [];
  readonly deferred: Array<{ payload: TimerPayload; delaySeconds: number; at: string }> = [];
  failNextArm = 0;
  constructor(private readonly clock: Clock) {}
  async arm(payload: TimerPayload, now: Date): Promise<void> {
    if (this.failNextArm > 0) {
      this.failNextArm -= 1;
      throw new Error('Scheduler unavailable');
    }
    this.armed.push({ payload, at: now.toISOString() });
  }
  async defer(payload: TimerPayload, delaySeconds: number): Promise<void> {
    this.deferred.push({ payload, delaySeconds, at: this.clock.now().toISOString() });
  }
  readonly cancelled: TimerPayload[] = [];
  async cancel(payload: TimerPayload): Promise<void> {
    this.cancelled.push(payload);
  }
}

/** Records every UpdateContactAttributes. */
export class RecordingContacts implements ContactRecords {
  readonly writes: Array<{ instanceArn: string; contactId: string; attributes: Record<string, string> }> = [];
  failNext = 0;
  async write(instanceArn: string, contactId: string, attributes: Record<string, string>): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('TooManyRequestsException: Rate exceeded');
    }
    this.writes.push({ instanceArn, contactId, attributes });
  }
}

export class RecordingLog implements Log {
  readonly lines: Array<{ level: string; message: string; fields?: Record<string, unknown> | undefined }> =
    [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

/** The recording stand-ins around a real store, on one fake clock: what most use-case tests need. */
export function testDeps(store: SessionStore, start: string) {
  const clock = new FakeClock(start);
  const agents = new RecordingAgents(clock);
  const timers = new RecordingTimers(clock);
  const contacts = new RecordingContacts();
  const log = new RecordingLog();
  const deps: Deps = { store, timers, agents, contacts, clock, log };
  return { clock, agents, timers, contacts, log, deps };
}
