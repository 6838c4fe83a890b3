/**
 * Simulated EventBridge Scheduler behind the SDK's `send(command)`: one-time `at(...)` schedules,
 * validated as Scheduler does, that fire the way it documents:
 *
 * - anywhere in the scheduled minute (60-second precision): at the minute's start plus a seeded
 *   random 0-59.999 s;
 * - at least once: with a seeded probability, the target is invoked a second time a few seconds
 *   later;
 * - a schedule with ActionAfterCompletion DELETE is gone once it has fired, so its name can be
 *   used again.
 *
 * Fault `lostTimerRate`: a created schedule is lost with that probability: it is accepted and
 * deleted at its time like any other, but its target is never invoked (the sweep must catch it).
 */
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandOutput,
  DeleteScheduleCommand,
  type DeleteScheduleCommandOutput,
  ResourceNotFoundException,
  type SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import type { VirtualClock } from './clock';
import { commandName } from './connect';
import { type Chance, strikes } from './faults';
import type { Latency } from './latency';
import type { Random } from './random';

const MINUTE_MS = 60_000;
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const AT_EXPRESSION = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
const BAD_REQUEST = { httpStatusCode: 400 } as const;

/** When a schedule's target was invoked. */
export interface ScheduleFire {
  readonly name: string;
  /** The time the schedule was set for. */
  readonly scheduledFor: number;
  readonly at: number;
  /** A second delivery of the same firing (at least once). */
  readonly duplicate: boolean;
}

export interface SimSchedulerProps {
  readonly clock: VirtualClock;
  readonly random: Random;
  /** The only schedule group that exists. */
  readonly groupName: string;
  /** Probability that a firing is delivered twice. */
  readonly duplicateProbability: number;
  /** How long a call takes. */
  readonly latency: Latency;
  /** Invokes the schedule's target with its parsed `Input`. */
  readonly invokeTarget: (input: unknown, fire: ScheduleFire) => Promise<void>;
  /** `lostTimerRate`: a schedule never invokes its target with probability `rate`, drawn from `random`. */
  readonly lost?: Chance;
}

interface Schedule {
  readonly name: string;
  readonly at: number;
  readonly input: unknown;
}

export class SimScheduler {
  /** API calls by command name, refused ones included. */
  readonly calls: Record<string, number> = {};
  /** Every invocation of a target, in order. */
  readonly fires: ScheduleFire[] = [];
  /** Schedules created (accepted CreateSchedule calls). */
  created = 0;
  /** Schedules lost by the `lostTimerRate` fault (their target never invoked). */
  lost = 0;
  private readonly schedules = new Map<string, Schedule>();

  constructor(private readonly props: SimSchedulerProps) {}

  /** The object the adapter uses as its SchedulerClient. */
  client(): SchedulerClient {
    return { send: (command: unknown) => this.send(command) } as unknown as SchedulerClient;
  }

  /** Schedules that exist now (not yet fired or deleted). */
  get pending(): number {
    return this.schedules.size;
  }

  async send(command: unknown): Promise<unknown> {
    const name = commandName(command);
    this.calls[name] = (this.calls[name] ?? 0) + 1;
    return this.props.latency.around('scheduler', () => {
      if (command instanceof CreateScheduleCommand) return this.create(command);
      if (command instanceof DeleteScheduleCommand) return this.delete(command);
      throw new Error(`The simulated EventBridge Scheduler does not implement ${name}`);
    });
  }

  private create(command: CreateScheduleCommand): CreateScheduleCommandOutput {
    const input = command.input;
    const name = input.Name ?? '';
    if (!NAME.test(name)) invalid(`Name must be 1-64 characters of [0-9a-zA-Z-_.], got "${name}"`);
    this.checkGroup(input.GroupName);
    const at = parseAt(input.ScheduleExpression);
    if (input.ScheduleExpressionTimezone !== undefined && input.ScheduleExpressionTimezone !== 'UTC') {
      invalid(
        `the simulator supports ScheduleExpressionTimezone UTC only, got "${input.ScheduleExpressionTimezone}"`,
      );
    }
    if (input.FlexibleTimeWindow?.Mode !== 'OFF') {
      invalid(
        `FlexibleTimeWindow.Mode must be OFF for a timer, got ${String(input.FlexibleTimeWindow?.Mode)}`,
      );
    }
    if (input.ActionAfterCompletion !== 'DELETE') {
      invalid(
        `ActionAfterCompletion must be DELETE for a one-time timer, got ${String(input.ActionAfterCompletion)}`,
      );
    }
    const target = input.Target;
    if (target?.Arn === undefined || target.RoleArn === undefined) invalid('Target needs Arn and RoleArn');
    let payload: unknown;
    try {
      payload = JSON.parse(target?.Input ?? '');
    } catch {
      invalid('Target.Input must be JSON text');
    }
    if (this.schedules.has(name)) {
      const message = `Schedule ${name} already exists.`;
      throw new ConflictException({ message, Message: message, $metadata: { httpStatusCode: 409 } });
    }

    const schedule: Schedule = { name, at, input: payload };
    this.schedules.set(name, schedule);
    this.created++;
    if (input.State !== 'DISABLED') this.plan(schedule);
    return {
      ScheduleArn: `arn:aws:scheduler:us-east-1:123456789012:schedule/${this.props.groupName}/${name}`,
      $metadata: { httpStatusCode: 200 },
    };
  }

  private delete(command: DeleteScheduleCommand): DeleteScheduleCommandOutput {
    const name = command.input.Name ?? '';
    this.checkGroup(command.input.GroupName);
    if (!this.schedules.delete(name)) {
      const message = `Schedule ${name} does not exist.`;
      throw new ResourceNotFoundException({ message, Message: message, $metadata: { httpStatusCode: 404 } });
    }
    return { $metadata: { httpStatusCode: 200 } };
  }

  /** Queues the firing (and maybe its duplicate); a schedule deleted before then does not fire. */
  private plan(schedule: Schedule): void {
    const { clock, random } = this.props;
    const minute = Math.floor(schedule.at / MINUTE_MS) * MINUTE_MS;
    // A time already past fires as soon as possible.
    const fireAt = Math.max(clock.nowMs(), minute + Math.floor(random.float() * MINUTE_MS));
    const duplicateAt = random.chance(this.props.duplicateProbability)
      ? fireAt + random.int(1_000, 10_000)
      : undefined;
    const lost = strikes(this.props.lost);
    clock.schedule(fireAt, `schedule ${schedule.name}`, async () => {
      if (this.schedules.get(schedule.name) !== schedule) return;
      this.schedules.delete(schedule.name);
      if (lost) {
        this.lost++;
        return;
      }
      if (duplicateAt !== undefined) {
        clock.schedule(duplicateAt, `schedule ${schedule.name} (again)`, () => this.fire(schedule, true));
      }
      await this.fire(schedule, false);
    });
  }

  private async fire(schedule: Schedule, duplicate: boolean): Promise<void> {
    const fire: ScheduleFire = {
      name: schedule.name,
      scheduledFor: schedule.at,
      at: this.props.clock.nowMs(),
      duplicate,
    };
    this.fires.push(fire);
    await this.props.invokeTarget(schedule.input, fire);
  }

  private checkGroup(groupName: string | undefined): void {
    const group = groupName ?? 'default';
    if (group !== this.props.groupName) {
      const message = `Schedule group ${group} does not exist.`;
      throw new ResourceNotFoundException({ message, Message: message, $metadata: { httpStatusCode: 404 } });
    }
  }
}

function parseAt(expression: string | undefined): number {
  const match = AT_EXPRESSION.exec(expression ?? '');
  const at =
    match === null
      ? Number.NaN
      : Date.parse(`${match.slice(1, 4).join('-')}T${match.slice(4, 7).join(':')}Z`);
  const date = new Date(at);
  // Date.parse rolls 2026-02-30 over to March: compare back to refuse it.
  if (Number.isNaN(at) || date.toISOString().slice(0, 19) !== (expression ?? '').slice(3, 22)) {
    invalid(`ScheduleExpression must be at(yyyy-mm-ddThh:mm:ss), got "${String(expression)}"`);
  }
  return at;
}

function invalid(message: string): never {
  throw new ValidationException({ message, Message: message, $metadata: BAD_REQUEST });
}
