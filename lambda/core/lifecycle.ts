/**
 * The wrap-up lifecycle: what its use cases are configured with and what they report. Each use
 * case is its own file, read top to bottom:
 *
 * - contact-events.ts: every contact event, dispatched to the two below;
 * - start.ts: a disconnect starts a wrap-up (R1-R3, R21; transfers R3, R10);
 * - interrupt.ts: a contact connected to the agent, or an outbound one, ends it (R8-R10);
 * - end-on-time.ts: the end timer closes it (R7, R13);
 * - complete-close.ts: after any close, restore the agent and write the record (R6, R12, R17, R19);
 * - agent-events.ts, actions.ts, sweep.ts: the agent's status (R8, R11), the agent's actions
 *   (R5, R6, R17, R19), the sweep (R15, R18).
 *
 * Every step is "read, decide purely, write conditionally, then act" (write-loop.ts): the
 * conditional write is what makes a duplicate a no-op (R14), and the flags it leaves behind
 * (`wrapUpStatusSet`, `timerArmed`, `restore: PENDING`) are what lets a retry finish work a crash
 * interrupted.
 */

import type { PolicyIndex } from './policy';
import type { TimerPayload } from './ports';
import type { ConfiguredStatuses } from './presence';
import type { Session } from './session';

/** What the lifecycle needs from the configuration. */
export interface LifecycleConfig {
  readonly policies: PolicyIndex;
  /** Events from any other instance are ignored; undefined accepts every instance. */
  readonly instanceArn?: string | undefined;
  /**
   * R8, R11: the agent event stream is consumed, so a status the agent chose ends their wrap-up
   * as it happens. Without it, the agent's current status is read before each restore.
   */
  readonly agentEventStream?: boolean | undefined;
  /** The wrap-up and routable statuses, to tell them from the agent's own (default "Wrap Up", "Available"). */
  readonly statuses?: ConfiguredStatuses | undefined;
}

/** Why an event or timer changed nothing. */
export type IgnoredReason =
  | 'NOT_A_DISCONNECT'
  | 'OTHER_INSTANCE'
  | 'NO_AGENT'
  | 'NO_WRAP_UP_POLICY'
  | 'UNANSWERED_OUTBOUND'
  | 'MONITORING'
  | 'SWITCHED_OFF'
  | 'UNKNOWN_SESSION'
  | 'DUPLICATE'
  | 'ALREADY_CLOSED'
  | 'STALE_DEADLINE'
  | 'NOT_HANDLED'
  | 'NOTHING_TO_INTERRUPT'
  | 'NO_STATUS'
  | 'STALE_STATUS'
  | 'STATUS_KEPT';

/** What a use case did, for the handler's log line and metrics. */
export type Outcome =
  | { readonly kind: 'IGNORED'; readonly reason: IgnoredReason; readonly session?: Session }
  | {
      readonly kind: 'STARTED' | 'RESUMED' | 'LATE' | 'CLOSED' | 'RESTORED' | 'ENDED_BY_AGENT';
      readonly session: Session;
    }
  /** R10: the agent was put back in the routable status after the contact that interrupted their wrap-up. */
  | {
      readonly kind: 'AGENT_RESTORED';
      readonly agentId: string;
      readonly contactId: string;
      readonly session?: undefined;
    }
  /**
   * R13: a timer came before its last stretch and was put back on the due queue. Without the
   * session when it was deferred unread (a timer far from its deadline needs no read).
   */
  | {
      readonly kind: 'DEFERRED';
      readonly delaySeconds: number;
      readonly timer: TimerPayload;
      readonly session?: Session | undefined;
    };
