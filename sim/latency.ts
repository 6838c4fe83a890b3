/**
 * How long simulated AWS calls take. Off by default, so that a scenario's times are exactly the
 * ones it gives (a Wrap Up set by an event handled at 09:00:05 is at 09:00:05.000); the demo and
 * the bench turn it on, so that what an invocation does after a call is stamped as late as it
 * would be in a real Region, and the lateness they report includes the calls that end a wrap-up.
 */
import type { VirtualClock } from './clock';
import type { Random } from './random';

/** The simulated services. */
export type Service = 'dynamodb' | 'connect' | 'scheduler' | 'sqs';

/** Typical in-Region latency of one call, in ms (min, max). */
export const TYPICAL_LATENCY_MS: Readonly<Record<Service, readonly [number, number]>> = {
  dynamodb: [3, 12],
  sqs: [5, 25],
  scheduler: [20, 80],
  connect: [30, 150],
};

/** Makes each call take a seeded time on the virtual clock; the effect lands halfway through. */
export class CallLatency {
  constructor(
    private readonly clock: VirtualClock,
    private readonly random: Random,
    private readonly ranges: Readonly<Record<Service, readonly [number, number]>> = TYPICAL_LATENCY_MS,
  ) {}

  /** Runs `effect` (the request reaching the service) inside a call of `service`. */
  async around<T>(service: Service, effect: () => T | Promise<T>): Promise<T> {
    const [min, max] = this.ranges[service];
    const total = this.random.int(min, max);
    const before = Math.floor(total / 2);
    await this.clock.sleep(before);
    try {
      return await effect();
    } finally {
      await this.clock.sleep(total - before);
    }
  }
}

/** No latency: the effect runs at the caller's time. */
export const NO_LATENCY = {
  around<T>(_service: Service, effect: () => T | Promise<T>): Promise<T> {
    return Promise.resolve().then(effect);
  },
};

/** What the simulated services are given. */
export type Latency = Pick<CallLatency, 'around'>;
