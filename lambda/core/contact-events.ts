/**
 * Every contact event the intake receives: DISCONNECTED starts a wrap-up (R1); an agent's
 * CONNECTED_TO_AGENT, or an outbound contact naming them, interrupts one (R9, R10).
 */
import { type ContactEvent, isMonitoringLeg } from './contact';
import { interruptWrapUp } from './interrupt';
import type { LifecycleConfig, Outcome } from './lifecycle';
import type { Deps } from './ports';
import { startWrapUp } from './start';

/** Dispatches one contact event to the use case it starts; what it does not concern is IGNORED. */
export async function onContactEvent(
  deps: Deps,
  config: LifecycleConfig,
  event: ContactEvent,
): Promise<Outcome[]> {
  if (config.instanceArn !== undefined && event.instanceArn !== config.instanceArn) {
    return [{ kind: 'IGNORED', reason: 'OTHER_INSTANCE' }];
  }
  // A supervisor's silent monitor or barge is not a contact they handle: it neither starts a
  // wrap-up of theirs nor ends one (they are watching someone else's contact, not taking one).
  if (isMonitoringLeg(event)) return [{ kind: 'IGNORED', reason: 'MONITORING' }];
  if (event.eventType === 'DISCONNECTED') return [await startWrapUp(deps, config, event)];
  const outbound = event.initiationMethod === 'OUTBOUND';
  if (event.eventType === 'CONNECTED_TO_AGENT' || (event.eventType === 'INITIATED' && outbound)) {
    return interruptWrapUp(deps, event, outbound ? 'OUTBOUND' : 'INTERRUPTED');
  }
  return [{ kind: 'IGNORED', reason: 'NOT_HANDLED' }];
}
