/**
 * `npm run demo`: runs the built-in demo scenario through the simulator and prints a readable
 * timeline of what the system did (wrap-ups started, timers, agents put back in Available) and
 * what agents did (extend, All Done, dispositions, refusals), then a short summary.
 */
import { pathToFileURL } from 'node:url';
import type { SQSEvent } from 'aws-lambda';
import type { ContactEvent } from '../lambda/core/contact';
import type { Session } from '../lambda/core/session';
import { parseContactEvent } from '../lambda/handlers/events';
import { DEMO_AGENTS, DEMO_QUEUES, demoScenario } from './demo-scenario';
import { type AgentActionRecord, type Invocation, runSimulation, type SimulationRun } from './engine';

interface Row {
  readonly at: number;
  readonly agent: string;
  readonly channel: string;
  readonly queue: string;
  readonly what: string;
}

/** Runs the demo and writes its timeline to `out`; returns the exit code. */
export async function main(out: { write(text: string): unknown } = process.stdout): Promise<number> {
  const run = await runSimulation(demoScenario, { quiet: true, callLatency: true });
  const { rows, lateness } = timeline(run);
  const start = run.scenario.steps[0]?.at ?? run.scenario.until;
  const kinds = (kind: string) => run.scenario.steps.filter((step) => step.kind === kind).length;
  out.write(
    `connect-acw demo: ${run.scenario.agents.length} agents, ${kinds('contactEvent')} contact events, ` +
      `${kinds('agentAction')} agent actions, ${kinds('contactFlowEvent')} contact flow invocation, ` +
      `${hms(start)}-${hms(run.scenario.until)} UTC on ${new Date(start).toISOString().slice(0, 10)} (simulated)\n`,
  );
  out.write(`policies: ${policiesText(run)}\n\n`);
  out.write(table(rows));
  out.write(`\n${summary(run, lateness).join('\n')}\n`);
  return 0;
}

/** One row per thing worth seeing, in time order, and how late (s) each restore took effect. */
function timeline(run: SimulationRun): { rows: Row[]; lateness: number[] } {
  const sessions = new Map(
    run.storedSessions.map((session) => [key(session.contactId, session.agentId), session]),
  );
  const rows: Row[] = [];
  const lateness: number[] = [];
  for (const invocation of run.invocations) {
    const outcome = outcomeOf(invocation);
    const session =
      outcome === undefined
        ? undefined
        : sessions.get(key(String(outcome.contactId), String(outcome.agentId)));
    const where = session === undefined ? undefined : placeOf(session);
    if (invocation.failed) {
      rows.push({
        at: invocation.at,
        ...(where ?? blank),
        what: `failed (${invocation.error ?? 'record failed'})`,
      });
      continue;
    }
    if (invocation.fn === 'api' && invocation.agentAction !== undefined) {
      const action = invocation.agentAction;
      const acted = sessions.get(key(action.contactId ?? '', action.agentId));
      const place = acted === undefined ? { ...blank, agent: agentName(action.agentId) } : placeOf(acted);
      rows.push({ at: invocation.at, ...place, what: agentActionText(action, invocation) });
    } else if (invocation.fn === 'contact-flow') {
      const answer = invocation.flowResponse ?? {};
      const what =
        answer.error === undefined
          ? `contact flow chose this contact's wrap-up: ${answer.acwSeconds ?? '?'} s, ${answer.acwMode ?? 'timed'}`
          : `contact flow parameters refused: ${answer.error}`;
      rows.push({ at: invocation.at, ...placeOfFlow(invocation.input), what });
    } else if (invocation.fn === 'contact-events') {
      const event = eventOf(invocation);
      const place = where ?? (event === undefined ? blank : placeOfEvent(event));
      rows.push({ at: invocation.at, ...place, what: contactEventText(outcome, session) });
    } else if (invocation.fn === 'timer-fired' && where !== undefined && session !== undefined) {
      // The deadline this timer was armed for (an extension moves the session's on).
      const early =
        (Date.parse(timerDeadlineOf(invocation) ?? session.deadline ?? '') - invocation.at) / 1000;
      const again = invocation.fire?.duplicate ? 'Scheduler fired again' : 'Scheduler fired';
      const what =
        outcome?.outcome === 'DEFERRED'
          ? `· ${again} ${early.toFixed(1)} s before the deadline: due queue in ${String(outcome.delaySeconds)} s`
          : `· ${again}: nothing left to do (${String(outcome?.reason ?? outcome?.outcome).toLowerCase()})`;
      rows.push({ at: invocation.at, ...where, what });
    } else if (invocation.fn === 'timer-due' && where !== undefined && session !== undefined) {
      if (invocation.statusChanges.length === 0) {
        rows.push({ at: invocation.at, ...where, what: idleTimerText(outcome, session) });
      }
      for (const change of invocation.statusChanges) {
        const late = (change.at - Date.parse(session.deadline ?? '')) / 1000;
        lateness.push(late);
        const reason = session.endReason === 'TIMER' ? 'timer' : String(session.endReason).toLowerCase();
        rows.push({
          at: change.at,
          ...where,
          what: `${change.status} (${reason}, ${late.toFixed(2)} s after deadline)`,
        });
      }
    }
  }
  return { rows: rows.sort((a, b) => a.at - b.at), lateness };
}

/** A due-queue timer that changed nothing: early, or its session already ended or moved on. */
function idleTimerText(outcome: Record<string, unknown> | undefined, session: Session): string {
  if (outcome?.outcome === 'DEFERRED') return `· due timer early: again in ${String(outcome.delaySeconds)} s`;
  if (outcome?.reason === 'STALE_DEADLINE')
    return '· timer for the deadline before the extension: nothing to do (R13)';
  if (outcome?.reason === 'ALREADY_CLOSED' && session.endReason === 'AGENT_DONE')
    return '· timer arrived after All Done: nothing to do (R13)';
  return '· same timer delivered again: nothing to do (R14)';
}

const ACTION_NAMES: Readonly<Record<AgentActionRecord['action'], string>> = {
  extend: 'extend',
  allDone: 'All Done',
  update: 'update',
};

/** `extended by 60 s, ends 09:06:03 (1 of 1)`, `All Done (disposition SOLD): Available`, `extend refused: EXTENSION_LIMIT`. */
function agentActionText(action: AgentActionRecord, invocation: Invocation): string {
  const by = action.by.startsWith('supervisor:') ? ' by a supervisor' : '';
  if (action.code !== undefined) return `${ACTION_NAMES[action.action]}${by} refused: ${action.code}`;
  const after = action.after;
  if (after === undefined) return `${ACTION_NAMES[action.action]}${by}`;
  switch (action.action) {
    case 'extend': {
      const ends = after.deadline === undefined ? 'untimed' : `ends ${hms(Date.parse(after.deadline))}`;
      return (
        `extended${by} by ${after.policy.extensionSeconds} s, ${ends} ` +
        `(${after.extensionsUsed} of ${after.policy.maxExtensions})`
      );
    }
    case 'allDone': {
      const disposition = after.disposition === undefined ? '' : ` (disposition ${after.disposition})`;
      const status = invocation.statusChanges.at(-1)?.status ?? 'status not restored';
      return `All Done${by}${disposition}: ${status}`;
    }
    case 'update': {
      const parts = [
        action.disposition === undefined ? '' : `disposition ${action.disposition}`,
        action.notes === undefined ? '' : 'notes',
      ].filter(Boolean);
      return `recorded${by} ${parts.join(' and ') || 'nothing'}`;
    }
  }
}

function contactEventText(
  outcome: Record<string, unknown> | undefined,
  session: Session | undefined,
): string {
  switch (outcome?.outcome) {
    case 'STARTED':
      return session === undefined
        ? 'wrap-up started'
        : session.deadline === undefined
          ? `wrap-up started, untimed (${policyText(session)})`
          : `wrap-up started, ends ${hms(firstDeadlineOf(session))} (${policyText(session)})`;
    case 'RESUMED':
      return 'wrap-up resumed after a failed attempt';
    case 'LATE':
      return 'event arrived after its wrap-up would have ended: agent left alone';
    case 'IGNORED':
      switch (outcome.reason) {
        case 'NO_AGENT':
          return 'never reached an agent: no wrap-up (R2)';
        case 'NO_WRAP_UP_POLICY':
          return 'policy is 0 s: no wrap-up, agent stays routable';
        // A duplicate of an event already acted on: DUPLICATE while open, ALREADY_CLOSED after.
        case 'ALREADY_CLOSED':
        case 'DUPLICATE':
          return 'same event again: ignored (R14)';
        default:
          return `ignored (${String(outcome.reason).toLowerCase()})`;
      }
    default:
      return String(outcome?.outcome ?? 'no outcome').toLowerCase();
  }
}

function summary(run: SimulationRun, lateness: readonly number[]): string[] {
  const contactEvents = run.invocations.filter((invocation) => invocation.fn === 'contact-events');
  const outcomes = contactEvents.map(outcomeOf);
  const count = (test: (outcome: Record<string, unknown> | undefined) => boolean) =>
    outcomes.filter(test).length;
  const started = count((outcome) => outcome?.outcome === 'STARTED');
  const duplicates = count(
    (outcome) => outcome?.reason === 'ALREADY_CLOSED' || outcome?.reason === 'DUPLICATE',
  );
  const noAgent = count((outcome) => outcome?.reason === 'NO_AGENT');
  const zero = count((outcome) => outcome?.reason === 'NO_WRAP_UP_POLICY');
  const sessions = run.storedSessions;
  const byTimer = sessions.filter((session) => session.endReason === 'TIMER');
  const byAgent = sessions.filter((session) => session.endReason === 'AGENT_DONE');
  const open = sessions.filter((session) => session.state === 'WRAP_UP').length;
  const actions = run.invocations.flatMap((invocation) =>
    invocation.agentAction === undefined ? [] : [invocation.agentAction],
  );
  const actionCount = (name: AgentActionRecord['action']) => {
    const all = actions.filter((action) => action.action === name);
    const refused = all.filter((action) => action.code !== undefined).length;
    return `${all.length - refused} ${ACTION_NAMES[name]}${refused === 0 ? '' : ` (+${refused} refused)`}`;
  };
  const refusals = [...new Set(run.result.errors.map((error) => error.code))].join(', ');
  const restores = run.result.statusChanges.filter((change) => change.status !== 'Wrap Up');
  const stats = run.stats;
  const connect = Object.entries(stats.connectCalls)
    .map(([name, n]) => `${n} ${name.replace(/Command$/, '')}`)
    .join(' + ');
  return [
    'summary',
    `  contact events  ${contactEvents.length} delivered: ${started} wrap-ups started, ${duplicates} duplicate ignored, ` +
      `${noAgent} never reached an agent, ${zero} with a 0 s policy`,
    `  wrap-ups        ${byTimer.length} ended by the timer, ${byAgent.length} by All Done, ` +
      `${open} still open at ${hms(run.scenario.until)}; ${restores.length} agents put back in Available`,
    `  agent actions   ${actionCount('extend')}, ${actionCount('allDone')}, ${actionCount('update')}` +
      (refusals === '' ? '' : `; refused: ${refusals}`),
    `  on time (R13)   agents back in Available ${range(lateness)} s after their deadline ` +
      '(target: within 2 s)',
    `  timers          ${stats.schedulesCreated} Scheduler schedules (each fires anywhere in its minute), ` +
      `${stats.scheduleFires} firings (+${stats.duplicateFires} duplicate), ` +
      `${stats.sqsCalls.SendMessageCommand ?? 0} due-queue messages`,
    `  AWS calls       Connect ${connect}; DynamoDB ${stats.dynamo.writes} writes, ${stats.dynamo.reads} reads`,
  ];
}

function range(values: readonly number[]): string {
  if (values.length === 0) return 'n/a';
  return `${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}`;
}

function table(rows: readonly Row[]): string {
  const header: Row = { at: 0, agent: 'agent', channel: 'channel', queue: 'queue', what: 'what happened' };
  const width = (field: 'agent' | 'channel' | 'queue') =>
    Math.max(...[header, ...rows].map((row) => [...row[field]].length));
  const widths = { agent: width('agent'), channel: width('channel'), queue: width('queue') };
  const line = (time: string, row: Row) =>
    `${time.padEnd(12)}  ${pad(row.agent, widths.agent)}  ${pad(row.channel, widths.channel)}  ` +
    `${pad(row.queue, widths.queue)}  ${row.what}\n`;
  return [line('time', header), ...rows.map((row) => line(hms(row.at, true), row))].join('');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - [...text].length));
}

const blank = { agent: '-', channel: '-', queue: '-' };

function placeOf(session: Session): Omit<Row, 'at' | 'what'> {
  return {
    agent: DEMO_AGENTS[session.agentId] ?? session.agentId,
    channel: session.channel,
    queue: queueName(session.queueId),
  };
}

/** Channel and queue of a contact-flow event (no agent yet: the flow runs before one answers). */
function placeOfFlow(event: unknown): Omit<Row, 'at' | 'what'> {
  const data = (
    event as { Details?: { ContactData?: { Channel?: unknown; Queue?: { ARN?: unknown } | null } } }
  ).Details?.ContactData;
  const arn = data?.Queue?.ARN;
  return {
    agent: '-',
    channel: typeof data?.Channel === 'string' ? data.Channel : '-',
    queue: typeof arn === 'string' ? queueName(arn.split('/').at(-1)) : '(none)',
  };
}

function agentName(agentId: string): string {
  return DEMO_AGENTS[agentId] ?? agentId;
}

function placeOfEvent(event: ContactEvent): Omit<Row, 'at' | 'what'> {
  return {
    agent: event.agentId === undefined ? '-' : agentName(event.agentId),
    channel: event.channel,
    queue: queueName(event.queueId),
  };
}

function queueName(queueId: string | undefined): string {
  return queueId === undefined ? '(none)' : (DEMO_QUEUES[queueId] ?? queueId);
}

function policyText(session: Session): string {
  const [level, name] = session.policySource.split(':');
  const mode = session.policy.mode === 'timed' ? '' : `, ${session.policy.mode}`;
  const seconds = `${session.policy.durationSeconds} s${mode}`;
  if (level === 'queue' && name !== undefined) return `queue ${queueName(name)} policy, ${seconds}`;
  if (level === 'channel') return `channel ${name} policy, ${seconds}`;
  if (level === 'profile') return `profile ${name}, ${seconds}`;
  if (level === 'agentGroup') return `agent group ${name} policy, ${seconds}`;
  if (level === 'flow') return `contact flow's choice, ${seconds}`;
  return `default policy, ${seconds}`;
}

function policiesText(run: SimulationRun): string {
  const policies = run.scenario.config.policies;
  const base = policies.default;
  const codes = base.dispositionCodes.map((entry) => entry.code).join('/');
  const parts = [
    `default ${overrideText(base)}` +
      (base.maxExtensions === 0
        ? ''
        : `, up to ${base.maxExtensions} extension${base.maxExtensions === 1 ? '' : 's'} of ${base.extensionSeconds} s`) +
      (codes === '' ? '' : `, dispositions ${codes}`),
  ];
  for (const [channel, policy] of Object.entries(policies.channels))
    if (policy !== undefined) parts.push(`${channel} ${overrideText(policy)}`);
  for (const [queue, policy] of Object.entries(policies.queues))
    parts.push(`queue ${queueName(queue)} ${overrideText(policy)}`);
  for (const [profile, policy] of Object.entries(policies.profiles))
    parts.push(`profile ${profile} ${overrideText(policy)}`);
  for (const [group, policy] of Object.entries(policies.agentGroups))
    parts.push(`agent group ${group} ${overrideText(policy)}`);
  return parts.join(' · ');
}

/** `300 s`, `forced`, `600 s untimed`: the duration and mode a level sets. */
function overrideText(policy: { durationSeconds?: number | undefined; mode?: string | undefined }): string {
  const parts = [
    policy.durationSeconds === undefined ? '' : `${policy.durationSeconds} s`,
    policy.mode === undefined || (policy.mode === 'timed' && policy.durationSeconds !== undefined)
      ? ''
      : policy.mode,
  ].filter(Boolean);
  return parts.join(' ') || '(other fields)';
}

/** The deadline a session started with, before any extension (R1: disconnect + duration). */
function firstDeadlineOf(session: Session): number {
  return Date.parse(session.startedAt) + session.policy.durationSeconds * 1000;
}

/** The deadline a timer invocation carries. */
function timerDeadlineOf(invocation: Invocation): string | undefined {
  const input = invocation.input;
  if (input === null || typeof input !== 'object' || !('deadline' in input)) return undefined;
  return typeof input.deadline === 'string' ? input.deadline : undefined;
}

/** The fields of the handler's outcome log line. */
function outcomeOf(invocation: Invocation): Record<string, unknown> | undefined {
  return invocation.logs.find((line) => typeof line.fields.outcome === 'string')?.fields;
}

function eventOf(invocation: Invocation): ContactEvent | undefined {
  const body = (invocation.input as SQSEvent).Records[0]?.body;
  try {
    return parseContactEvent(body);
  } catch {
    return undefined;
  }
}

function key(contactId: string, agentId: string): string {
  return `${contactId}/${agentId}`;
}

/** `09:05:03` or, with `millis`, `09:05:03.412` (UTC). */
function hms(ms: number, millis = false): string {
  return new Date(ms).toISOString().slice(11, millis ? 23 : 19);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main();
}
