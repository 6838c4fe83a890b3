/**
 * Every function's handler, made from the apps the composition root builds: what the simulator
 * (sim/engine.ts) and the local server (server/world.ts) run, each function with its own App as
 * deployed. Deployed, each function's entry point (`handler` in lambda/handlers/<name>.ts) makes
 * its own from the environment instead.
 */
import { makeAgentEventsHandler } from '../handlers/agent-events';
import { makeApiHandler } from '../handlers/api';
import { makeContactEventsHandler } from '../handlers/contact-events';
import { makeContactFlowHandler } from '../handlers/contact-flow';
import { makeSweepHandler } from '../handlers/sweep';
import { makeTimerDueHandler } from '../handlers/timer-due';
import { makeTimerFiredHandler } from '../handlers/timer-fired';
import { composeApi, composeApp, type Wiring } from './compose';

/** The handlers of the event-driven functions. */
export function composeFunctions(wiring: Wiring) {
  return {
    contactEvents: makeContactEventsHandler(composeApp(wiring, 'contact-events')),
    agentEvents: makeAgentEventsHandler(composeApp(wiring, 'agent-events')),
    timerFired: makeTimerFiredHandler(composeApp(wiring, 'timer-fired')),
    timerDue: makeTimerDueHandler(composeApp(wiring, 'timer-due')),
    sweep: makeSweepHandler(composeApp(wiring, 'sweep')),
    contactFlow: makeContactFlowHandler(composeApp(wiring, 'contact-flow')),
  };
}

/** The API function's handler. */
export function composeApiHandler(wiring: Wiring) {
  return makeApiHandler(composeApi(wiring));
}
