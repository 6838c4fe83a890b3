/**
 * The `acw` configuration: one typed object, validated before anything is synthesized or run.
 *
 * The field names are a public contract (users' cdk.json, the simulator's scenarios), so the
 * schema is strict: an unknown field is refused with its path rather than silently ignored.
 */
import * as z from 'zod';

/** Amazon Connect channel names, as Connect spells them in contact events. */
export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Longest wrap-up a policy may ask for: 24 hours. */
export const MAX_DURATION_SECONDS = 86_400;

const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}$/;
const QUEUE_ARN =
  /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/queue\/([0-9a-zA-Z-]+)$/;
const QUEUE_ID = /^[0-9a-zA-Z-]{1,128}$/;
const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

const durationSeconds = z
  .number({ error: `must be an integer 0-${MAX_DURATION_SECONDS}` })
  .int({ error: `must be an integer 0-${MAX_DURATION_SECONDS}` })
  .min(0, { error: `must be an integer 0-${MAX_DURATION_SECONDS}` })
  .max(MAX_DURATION_SECONDS, { error: `must be an integer 0-${MAX_DURATION_SECONDS}` });

/** A policy that overrides some fields of the less specific one (R3). */
const policyOverrideSchema = z.strictObject({
  durationSeconds: durationSeconds.optional(),
});

/** The default policy: every field present, so resolution always yields a whole policy. */
const defaultPolicySchema = z.strictObject({
  durationSeconds,
});

const statusName = z
  .string({ error: 'must be a string of 1-127 characters' })
  .min(1, { error: 'must be a string of 1-127 characters' })
  .max(127, { error: 'must be a string of 1-127 characters' });
const statusId = z
  .string({ error: 'must be an agent status id (1-256 characters)' })
  .regex(/^[0-9a-zA-Z-]{1,256}$/, { error: 'must be an agent status id (1-256 characters)' });

const wrapUpStatusSchema = z
  .strictObject({
    name: statusName.optional(),
    id: statusId.optional(),
    create: z.boolean({ error: 'must be true or false' }).default(false),
  })
  .superRefine((value, ctx) => {
    if ((value.name === undefined) === (value.id === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must name the status by exactly one of "name" or "id"' });
    }
    if (value.create && value.name === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['create'],
        message: 'needs "name": the stack creates the status by name',
      });
    }
  });

const routableStatusSchema = z
  .strictObject({
    name: statusName.optional(),
    id: statusId.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.name !== undefined && value.id !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'must name the status by exactly one of "name" or "id"' });
    }
  })
  .transform((value) => (value.id === undefined && value.name === undefined ? { name: 'Available' } : value));

const channelKey = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` });

const queueKey = z.string().refine((key) => QUEUE_ARN.test(key) || QUEUE_ID.test(key), {
  error: 'must be a queue id or a queue ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID/queue/ID)',
});

const profileKey = z.string().regex(PROFILE_NAME, {
  error: 'must be a profile name of 1-64 letters, digits, "_", "-" or "."',
});

const policiesSchema = z
  .strictObject({
    default: defaultPolicySchema.default({ durationSeconds: 90 }),
    channels: z.partialRecord(channelKey, policyOverrideSchema).default({}),
    queues: z.record(queueKey, policyOverrideSchema).default({}),
    profiles: z.record(profileKey, policyOverrideSchema).default({}),
  })
  .superRefine((value, ctx) => {
    const seen = new Map<string, string>();
    for (const key of Object.keys(value.queues)) {
      const id = queueIdOf(key);
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['queues', key],
          message: `names the same queue as "${earlier}"`,
        });
      }
      seen.set(id, key);
    }
  });

/** The whole `acw` object. */
export const acwConfigSchema = z.strictObject({
  connectInstanceArn: z
    .string({ error: 'must be an Amazon Connect instance ARN' })
    .regex(INSTANCE_ARN, {
      error: 'must be an Amazon Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID)',
    })
    .optional(),
  wrapUpStatus: wrapUpStatusSchema.default({ name: 'Wrap Up', create: false }),
  routableStatus: routableStatusSchema.default({ name: 'Available' }),
  policies: policiesSchema.default({
    default: { durationSeconds: 90 },
    channels: {},
    queues: {},
    profiles: {},
  }),
  sessionRetentionDays: z
    .number({ error: 'must be an integer 1-3650' })
    .int({ error: 'must be an integer 1-3650' })
    .min(1, { error: 'must be an integer 1-3650' })
    .max(3650, { error: 'must be an integer 1-3650' })
    .default(90),
  alarmEmail: z.email({ error: 'must be an email address' }).optional(),
});

/** The validated configuration, defaults filled in. */
export type AcwConfig = z.output<typeof acwConfigSchema>;
/** The configuration as a user writes it. */
export type AcwConfigInput = z.input<typeof acwConfigSchema>;
/** A whole policy: what one contact's wrap-up follows. */
export type Policy = AcwConfig['policies']['default'];
/** Some fields of a policy, overriding a less specific one. */
export type PolicyOverride = z.output<typeof policyOverrideSchema>;
/** How an agent status is named: by name or by id. */
export type StatusRef = { name?: string | undefined; id?: string | undefined };

/** A configuration that breaks a rule: every problem, each naming its field. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid acw configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates `input` as the `acw` configuration and fills in the defaults.
 * @throws ConfigError naming each bad field, e.g. `acw.policies.queues["billing"].durationSeconds must be an integer 0-86400, got -1`.
 */
export function parseAcwConfig(input: unknown, root = 'acw'): AcwConfig {
  const result = acwConfigSchema.safeParse(input ?? {}, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeIssue(issue, root)));
}

/** The queue id of a policy key that is either a queue id or a queue ARN. */
export function queueIdOf(key: string): string {
  const match = QUEUE_ARN.exec(key);
  return match?.[1] ?? key;
}

const RECORDS = new Set(['channels', 'queues', 'profiles']);

function describeIssue(issue: z.core.$ZodIssue, root: string): string {
  const path = formatPath(root, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `"${key}"`).join(', ');
    if (issue.path.at(-1) === 'channels') {
      return `${path} has unknown channel ${keys}: must be one of ${CHANNELS.join(', ')}`;
    }
    return `${path} has unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`;
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues[0];
    return `${path} key ${JSON.stringify(issue.input)} ${inner?.message ?? 'is not allowed'}`;
  }
  if (issue.code === 'invalid_type' && issue.input === undefined) {
    return `${path} is required (${issue.message})`;
  }
  const got = 'input' in issue && issue.input !== undefined ? `, got ${JSON.stringify(issue.input)}` : '';
  return `${path} ${issue.message}${issue.code === 'custom' ? '' : got}`;
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  path.forEach((segment, index) => {
    const parent = index > 0 ? path[index - 1] : undefined;
    if (typeof parent === 'string' && RECORDS.has(parent) && index === 2) {
      out += `[${JSON.stringify(String(segment))}]`;
    } else if (typeof segment === 'number') {
      out += `[${segment}]`;
    } else {
      out += `.${String(segment)}`;
    }
  });
  return out;
}
