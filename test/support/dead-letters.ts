/** A recording dead-letter sink (R16); `failNext` makes the next keeps throw like an SQS outage. */
import type { DeadLetter, DeadLetterSink } from '../../lambda/core/dead-letter-port';

export class RecordingDeadLetters implements DeadLetterSink {
  readonly kept: DeadLetter[] = [];
  failNext = 0;
  async keep(letter: DeadLetter): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('SQS unavailable');
    }
    this.kept.push(letter);
  }
}
