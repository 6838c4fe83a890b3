/** Wrap-ups as the pages hold them, for the web tests. */
import type { WrapUp } from '../../web/src/logic/wrap-up';

/** A wrap-up started at 09:00:00 with a 2-minute timed policy; override what a test is about. */
export function aWrapUp(overrides: Partial<WrapUp> = {}): WrapUp {
  return {
    contactId: 'contact-1',
    agentId: 'agent-a',
    channel: 'VOICE',
    queueId: 'q-sales',
    state: 'WRAP_UP',
    mode: 'timed',
    startedAt: '2026-03-02T09:00:00.000Z',
    deadline: '2026-03-02T09:02:00.000Z',
    secondsLeft: 120,
    extensionsUsed: 0,
    extensionsLeft: 2,
    extensionSeconds: 60,
    dispositionCodes: [
      { code: 'SALE', label: 'Sale' },
      { code: 'NO_SALE', label: 'No sale' },
    ],
    requireDisposition: false,
    showCountdown: true,
    disposition: null,
    notes: null,
    nextStatus: null,
    endReason: null,
    queueName: null,
    agentName: null,
    ...overrides,
  };
}

/** The API's JSON for a wrap-up (what `view()` sends): no display names. */
export function wrapUpJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { queueName: _q, agentName: _a, ...json } = aWrapUp();
  return { ...json, ...overrides };
}
