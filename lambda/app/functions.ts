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

/**
 * The handlers of the event-driven functions. `workerInstances` (default 1): how many instances of
 * the worker, each its own App (its own PutUserStatus line), take the worker's invocations in turn.
 */
export function composeFunctions(wiring: Wiring, options: { readonly workerInstances?: number } = {}) {
  const instances = options.workerInstances ?? 1;
  if (!Number.isInteger(instances) || instances < 1 || instances > 100) {
    throw new Error(`workerInstances must be an integer 1-100, got ${instances}`);
  }
  const dueQueueUrl = wiring.resources.dueQueueUrl;
  if (dueQueueUrl === undefined)
    throw new Error('The wrap-up worker needs resources.dueQueueUrl (the due queue)');
  const dueQueueName = queueNameOfUrl(dueQueueUrl);
  const workers = Array.from({ length: instances }, () =>
    makeWorkerHandler(composeApp(wiring, 'worker'), dueQueueName),
  );
  let next = 0;
  const worker: (typeof workers)[number] = (event) => {
    const instance = workers[next % instances] as (typeof workers)[number];
    next += 1;
    return instance(event);
  };
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
