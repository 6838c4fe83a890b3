/**
 * R16: where a record that can never succeed (malformed, or from something this system does not
 * know) is kept at once, instead of being retried until the queue gives up on it. Deployed, it is
 * the source's dead-letter queue; the simulator lists it in its `errors`.
 */

/** The function a refused record reached. */
export type DeadLetterSource = 'contact-events' | 'agent-events' | 'timer-due' | 'timer-fired';

/** A record refused for good, with the error that names what is wrong with it. */
export interface DeadLetter {
  readonly source: DeadLetterSource;
  /** The record as it arrived (JSON text). */
  readonly body: string;
  /** What is wrong with it, e.g. `detail.contactId Required`. */
  readonly error: string;
}

/** Keeps refused records. */
export interface DeadLetterSink {
  keep(letter: DeadLetter): Promise<void>;
}
