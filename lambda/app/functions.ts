/**
 * Every function's handler, made from the apps the composition root builds: what the simulator
 * (sim/engine.ts) and the local server (server/world.ts) run, each function with its own App as
 * deployed. Deployed, each function's entry point (`handler` in lambda/handlers/<name>.ts) makes
 * its own from the environment instead.
 *
 * The contact events and the due timers are the two event sources of one deployed function, the
 * wrap-up worker (lambda/handlers/worker.ts): both handlers here are that function, on one App, so
 * the holds and the restores wait in one PutUserStatus line (R15). They are named apart for what
 * the simulator reports of each queue's invocations.
 */
import { makeAgentEventsHandler } from '../handlers/agent-events';
import { makeApiHandler } from '../handlers/api';
import { makeContactFlowHandler } from '../handlers/contact-flow';
import { makeSweepHandler } from '../handlers/sweep';
import { makeTimerFiredHandler } from '../handlers/timer-fired';
import { makeWorkerHandler, queueNameOfUrl } from '../handlers/worker';
import { composeApi, composeApp, type Wiring } from './compose';

/** The handlers of the event-driven functions. */
export function composeFunctions(wiring: Wiring) {
  const worker = makeWorkerHandler(
    composeApp(wiring, 'worker'),
    queueNameOfUrl(wiring.resources.dueQueueUrl),
  );
  return {
    contactEvents: worker,
    agentEvents: makeAgentEventsHandler(composeApp(wiring, 'agent-events')),
    timerFired: makeTimerFiredHandler(composeApp(wiring, 'timer-fired')),
    timerDue: worker,
    sweep: makeSweepHandler(composeApp(wiring, 'sweep')),
    contactFlow: makeContactFlowHandler(composeApp(wiring, 'contact-flow')),
  };
}

/** The API function's handler. */
export function composeApiHandler(wiring: Wiring) {
  return makeApiHandler(composeApi(wiring));
}
