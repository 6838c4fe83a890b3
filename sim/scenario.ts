/**
 * A simulation scenario: its JSON shape (a public contract), validated with errors that name the
 * field, e.g. `steps[2].at must be an ISO-8601 timestamp, got "9am"`.
 *
 * A step is `{ "at": TIME, KIND: PAYLOAD }` with exactly one step kind. The kinds are listed in
 * `STEP_KINDS`; the engine has one runner per kind, so a new kind is a schema here and a runner
 * there. Steps need not be in order: they are sorted stably by `at`.
 *
 * - `contactEvent`: an EventBridge contact event as Connect sends it (the handler judges it: a
 *   malformed one is data, dead-lettered, not a scenario error).
 * - `agentAction`: `{ "agentId", "action": "extend" | "allDone" | "update", "contactId"?,
 *   "disposition"?, "notes"?, "nextStatus"?, "as"?: "supervisor" }`, what the HTTP API lets an
 *   agent or a supervisor do (validated here; a refusal by the rules is data: the output's
 *   `errors`, e.g. a `nextStatus` the instance does not have, `UNKNOWN_STATUS`).
 * - `contactFlowEvent`: the event a contact flow's "Invoke AWS Lambda function" block sends.
 * - `agentEvent`: an agent event stream record as Connect writes it to Kinesis (`AgentARN`,
 *   `EventType`, `CurrentAgentSnapshot`...); like a contact event, its shape is the handler's to
 *   judge.
 *
 * - `adminAction`: `{ "action": "setPolicy", "level": "default" | "channel" | "queue" | "profile" |
 *   "agentGroup", "key"?, "policy" }` or `{ "action": "removePolicy", "level", "key"? }` (key: the
 *   channel, queue id, profile name or hierarchy group id; none for the default): an
 *   administrator's change of the run-time policies (R20), applied as the admin API applies it.
 *
 * `faults` (optional) names what goes wrong in the simulated account (see faults.ts); each rate
 * is a probability 0-1.
 */
import { z } from 'zod';
import { type AcwConfig, ConfigError, parseAcwConfig } from '../lambda/config/acw-config';
import { MAX_NOTES_LENGTH } from '../lambda/core/actions';
import { MAX_STATUS_NAME_LENGTH } from '../lambda/core/config';
import { DEFAULT_KEY } from '../lambda/core/policy-overrides';
import { POLICY_LEVELS, type PolicyLevel } from '../lambda/core/ports';
import type { Faults } from './faults';

/** Default seed of the pseudo-random numbers. */
export const DEFAULT_SEED = 1;
/** Status of an agent whose scenario does not give one. */
export const DEFAULT_AGENT_STATUS = 'Available';

const TIMESTAMP_MESSAGE = 'must be an ISO-8601 timestamp (e.g. 2026-03-02T09:00:05Z)';
const timestamp = z.iso.datetime({ offset: true, error: TIMESTAMP_MESSAGE });

const USER_ID_MESSAGE = 'must be a Connect user id (1-256 characters, no "/" or spaces)';
const userId = z.string({ error: USER_ID_MESSAGE }).regex(/^[^/\s]{1,256}$/, { error: USER_ID_MESSAGE });

/** What an agent (or a supervisor) does to a wrap-up, as the HTTP API offers it. */
export const AGENT_ACTIONS = ['extend', 'allDone', 'update'] as const;
export type AgentActionName = (typeof AGENT_ACTIONS)[number];

const CONTACT_ID_MESSAGE = 'must be a contact id (1-256 characters, no "/" or spaces)';
const NOTES_MESSAGE = `must be a string of at most ${MAX_NOTES_LENGTH} characters`;
const STATUS_NAME_MESSAGE = `must be an agent status name (1-${MAX_STATUS_NAME_LENGTH} characters) or null`;

/**
 * An agent action: `extend`, `allDone` or `update` of the agent's wrap-up of `contactId` (without
 * it, of the agent's open wrap-up with the soonest deadline). `as: "supervisor"` makes a
 * supervisor the actor. A disposition or notes go with `allDone` and `update` only; `nextStatus`
 * (R19: the status to land in when the wrap-up ends, `null` for the routable status) with `update`
 * only. Whether the instance has that status is the instance's business, not the format's.
 */
const agentActionSchema = z
  .strictObject(
    {
      agentId: userId,
      action: z.enum(AGENT_ACTIONS, { error: `must be one of ${AGENT_ACTIONS.join(', ')}` }),
      contactId: z
        .string({ error: CONTACT_ID_MESSAGE })
        .regex(/^[^/\s]{1,256}$/, { error: CONTACT_ID_MESSAGE })
        .optional(),
      disposition: z
        .string({ error: 'must be a disposition code (a string)' })
        .min(1, { error: 'must be a disposition code (a string)' })
        .optional(),
      notes: z.string({ error: NOTES_MESSAGE }).max(MAX_NOTES_LENGTH, { error: NOTES_MESSAGE }).optional(),
      nextStatus: z
        .string({ error: STATUS_NAME_MESSAGE })
        .min(1, { error: STATUS_NAME_MESSAGE })
        .max(MAX_STATUS_NAME_LENGTH, { error: STATUS_NAME_MESSAGE })
        .nullable()
        .optional(),
      as: z
        .enum(['supervisor'], { error: 'must be "supervisor" (leave it out when the agent acts)' })
        .optional(),
    },
    {
      error: `must be an agent action: { "agentId": USER_ID, "action": ${AGENT_ACTIONS.map((a) => `"${a}"`).join(' | ')}, ... }`,
    },
  )
  .superRefine((value, ctx) => {
    if (value.action !== 'update' && value.nextStatus !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['nextStatus'], message: 'goes with "update" only' });
    }
    if (value.action !== 'extend') return;
    for (const field of ['disposition', 'notes'] as const) {
      if (value[field] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'goes with "allDone" or "update", not "extend"',
        });
      }
    }
  });

/** A validated agent action step's payload. */
export type AgentAction = z.output<typeof agentActionSchema>;

/** What an administrator does to the run-time policies (R20), as the admin API offers it. */
export const ADMIN_ACTIONS = ['setPolicy', 'removePolicy'] as const;

/** What a level's key is, for the messages. */
const LEVEL_KEYS: Readonly<Record<Exclude<PolicyLevel, 'default'>, string>> = {
  channel: 'the channel (VOICE, CHAT, TASK, EMAIL)',
  queue: 'the queue id',
  profile: 'the profile name',
  agentGroup: 'the agent hierarchy group id',
};

/**
 * An administrator's change of the run-time policies (R20): `setPolicy` makes `policy` the level's
 * whole override for `key`, `removePolicy` removes the override (the baseline applies again). Only
 * the shape is checked here: whether the policy holds is the deploy-time schema's to judge when the
 * step runs, and a refusal is data (the output's `errors`, `INVALID_POLICY:<field>`).
 */
const adminActionSchema = z
  .strictObject(
    {
      action: z.enum(ADMIN_ACTIONS, { error: `must be one of ${ADMIN_ACTIONS.join(', ')}` }),
      level: z.enum(POLICY_LEVELS, { error: `must be one of ${POLICY_LEVELS.join(', ')}` }),
      key: z
        .string({ error: 'must be a non-empty string' })
        .min(1, { error: 'must be a non-empty string' })
        .optional(),
      policy: z
        .record(z.string(), z.unknown(), {
          error: "must be an object: the level's whole override (the policy fields it sets)",
        })
        .optional(),
    },
    {
      error:
        'must be an admin action: { "action": "setPolicy" | "removePolicy", "level", "key"?, "policy"? }',
    },
  )
  .superRefine((value, ctx) => {
    if (value.level === 'default') {
      if (value.key !== undefined && value.key !== DEFAULT_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: ['key'],
          message: `must be left out (or "${DEFAULT_KEY}") for the default level`,
        });
      }
    } else if (value.key === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['key'],
        message: `is required for the ${value.level} level: ${LEVEL_KEYS[value.level]}`,
      });
    }
    if (value.action === 'setPolicy' && value.policy === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['policy'],
        message: "is required for setPolicy: the level's whole override (the policy fields it sets)",
      });
    }
    if (value.action === 'removePolicy' && value.policy !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['policy'], message: 'goes with "setPolicy" only' });
    }
  });

/** A validated admin action step's payload. */
export type AdminAction = z.output<typeof adminActionSchema>;

/** What each step kind carries. */
const stepPayloadSchemas = {
  /** An EventBridge contact event as Connect sends it; its own shape is the handler's to judge. */
  contactEvent: z.record(z.string(), z.unknown(), {
    error: 'must be an object: an EventBridge contact event as Amazon Connect sends it',
  }),
  agentAction: agentActionSchema,
  /** The event Connect's "Invoke AWS Lambda function" block sends; the flow Lambda judges its shape. */
  contactFlowEvent: z.record(z.string(), z.unknown(), {
    error:
      'must be an object: the event a contact flow sends the Lambda ("Name": "ContactFlowEvent", "Details": ...)',
  }),
  /** An agent event stream record as Connect writes it to Kinesis; the consumer judges its shape. */
  agentEvent: z.record(z.string(), z.unknown(), {
    error:
      'must be an object: an agent event stream record as Amazon Connect sends it ("AgentARN", "EventType", ...)',
  }),
  /** R20: an administrator's change of the run-time policies, through the policy store. */
  adminAction: adminActionSchema,
} as const;

/** The step kinds a scenario may use. */
export type StepKind = keyof typeof stepPayloadSchemas;
export const STEP_KINDS = Object.keys(stepPayloadSchemas) as StepKind[];

/** One step, its time in epoch milliseconds and `index` its position in the scenario file. */
export type Step = {
  [K in StepKind]: {
    readonly index: number;
    readonly at: number;
    readonly kind: K;
    readonly payload: z.output<(typeof stepPayloadSchemas)[K]>;
  };
}[StepKind];

/** An agent of the simulated Connect instance. */
export interface ScenarioAgent {
  /** Connect user id: the last segment of `agentInfo.agentArn`. */
  readonly id: string;
  /** Status name the agent starts in. */
  readonly status: string;
}

/** A validated scenario. */
export interface Scenario {
  readonly seed: number;
  /** What goes wrong; `{}` when nothing does. */
  readonly faults: Faults;
  /** The validated `acw` configuration, defaults filled in. */
  readonly config: AcwConfig;
  readonly agents: readonly ScenarioAgent[];
  /** Sorted stably by `at`. */
  readonly steps: readonly Step[];
  /** Epoch ms; nothing due after it runs. */
  readonly until: number;
}

/** A scenario that cannot run: every problem, each naming its field. */
export class ScenarioError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid scenario:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ScenarioError';
  }
}

const agentSchema = z.strictObject(
  {
    id: userId,
    status: z
      .string({ error: 'must be an agent status name (1-127 characters)' })
      .min(1, { error: 'must be an agent status name (1-127 characters)' })
      .max(127, { error: 'must be an agent status name (1-127 characters)' })
      .default(DEFAULT_AGENT_STATUS),
  },
  { error: 'must be an agent: { "id": USER_ID, "status": STATUS_NAME }' },
);

const stepSchema = z.looseObject(
  { at: timestamp },
  { error: `must be a step: { "at": TIME, KIND: ... } with KIND one of ${STEP_KINDS.join(', ')}` },
);

const RATE_MESSAGE = 'must be a probability: a number 0-1';
const rate = z
  .number({ error: RATE_MESSAGE })
  .min(0, { error: RATE_MESSAGE })
  .max(1, { error: RATE_MESSAGE })
  .optional();

/** `faults`: every field optional; an absent one never happens. */
const faultsSchema = z.strictObject(
  {
    connectThrottleRate: rate,
    connectRatePerSecond: z
      .number({ error: 'must be a number of requests per second > 0' })
      .positive({ error: 'must be a number of requests per second > 0' })
      .optional(),
    dynamoErrorRate: rate,
    lostTimerRate: rate,
    duplicateRate: rate,
    reorderWindowSeconds: z
      .number({ error: 'must be a number of seconds >= 0' })
      .min(0, { error: 'must be a number of seconds >= 0' })
      .optional(),
  },
  {
    error:
      'must be an object: { "connectThrottleRate"?, "connectRatePerSecond"?, "dynamoErrorRate"?, "lostTimerRate"?, "duplicateRate"?, "reorderWindowSeconds"? }',
  },
);

const scenarioSchema = z.strictObject(
  {
    name: z.string({ error: 'must be a string' }).optional(),
    description: z.string({ error: 'must be a string' }).optional(),
    seed: z
      .number({ error: 'must be an integer 0-4294967295' })
      .int({ error: 'must be an integer 0-4294967295' })
      .min(0, { error: 'must be an integer 0-4294967295' })
      .max(4_294_967_295, { error: 'must be an integer 0-4294967295' })
      .default(DEFAULT_SEED),
    config: z.unknown().optional(),
    faults: faultsSchema.optional(),
    agents: z.array(agentSchema, { error: 'must be a list of agents' }),
    steps: z.array(stepSchema, { error: 'must be a list of steps' }),
    until: timestamp,
  },
  { error: 'must be a JSON object' },
);

/**
 * Validates a scenario (an object, or its JSON text).
 * @throws ScenarioError naming every problem found.
 */
export function parseScenario(input: unknown): Scenario {
  const raw = typeof input === 'string' ? parseJson(input) : input;
  const result = scenarioSchema.safeParse(raw, { reportInput: true });
  const problems = result.success ? [] : result.error.issues.map((issue) => describeIssue(issue, []));
  const fields: Record<string, unknown> = isRecord(raw) ? raw : {};
  let config: AcwConfig | undefined;
  try {
    config = parseAcwConfig(fields.config, 'config');
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // Step kinds are checked even when other fields are wrong, so that every problem is named at once.
  const steps: Step[] = [];
  if (Array.isArray(fields.steps)) {
    fields.steps.forEach((rawStep: unknown, index) => {
      const step = isRecord(rawStep) ? parseStep(rawStep, index, problems) : undefined;
      if (step !== undefined) steps.push(step);
    });
  }
  if (!result.success || config === undefined) throw new ScenarioError(problems);

  const data = result.data;
  const seen = new Map<string, number>();
  data.agents.forEach((agent, index) => {
    const earlier = seen.get(agent.id);
    if (earlier !== undefined)
      problems.push(`agents[${index}].id "${agent.id}" repeats agents[${earlier}].id`);
    else seen.set(agent.id, index);
  });
  const until = Date.parse(data.until);
  for (const step of steps) {
    if (step.at > until) {
      problems.push(
        `until (${data.until}) is before steps[${step.index}].at (${new Date(step.at).toISOString()}): ` +
          'until must be at or after every step',
      );
    }
  }
  if (problems.length > 0) throw new ScenarioError(problems);

  // Array#sort is stable: steps at the same time keep their order in the file.
  steps.sort((a, b) => a.at - b.at);
  return {
    seed: data.seed,
    faults: definedOnly(data.faults ?? {}),
    config,
    agents: data.agents,
    steps,
    until,
  };
}

function parseStep(raw: Record<string, unknown>, index: number, problems: string[]): Step | undefined {
  const path = `steps[${index}]`;
  const keys = Object.keys(raw).filter((key) => key !== 'at');
  const unknown = keys.filter((key) => !(STEP_KINDS as string[]).includes(key));
  const known = keys.filter((key): key is StepKind => (STEP_KINDS as string[]).includes(key));
  for (const key of unknown) {
    problems.push(`${path} has unknown step kind "${key}": must be one of ${STEP_KINDS.join(', ')}`);
  }
  if (unknown.length > 0) return undefined;
  const kind = known[0];
  if (kind === undefined) {
    problems.push(`${path} has no step kind: it needs one of ${STEP_KINDS.join(', ')}`);
    return undefined;
  }
  if (known.length > 1) {
    problems.push(`${path} has ${known.length} step kinds (${known.join(', ')}): a step has exactly one`);
    return undefined;
  }
  const payload = stepPayloadSchemas[kind].safeParse(raw[kind], { reportInput: true });
  if (!payload.success) {
    problems.push(...payload.error.issues.map((issue) => describeIssue(issue, ['steps', index, kind])));
    return undefined;
  }
  // NaN when `at` is invalid: the schema has named that problem already.
  // Each kind's payload was parsed by that kind's own schema.
  return {
    index,
    at: typeof raw.at === 'string' ? Date.parse(raw.at) : Number.NaN,
    kind,
    payload: payload.data,
  } as Step;
}

/** The faults the scenario sets, without the ones it left out. */
function definedOnly(faults: Faults): Faults {
  return Object.fromEntries(Object.entries(faults).filter(([, value]) => value !== undefined));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ScenarioError([
      `scenario is not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
}

function describeIssue(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): string {
  const path = formatPath([...prefix, ...issue.path]);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    return `${path} has unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${path} is required (${issue.message})`;
  }
  const got = 'input' in issue && issue.input !== undefined ? `, got ${preview(issue.input)}` : '';
  return `${path} ${issue.message}${issue.code === 'custom' ? '' : got}`;
}

/** `steps[2].at`; the root itself is `scenario`. */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'scenario';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
