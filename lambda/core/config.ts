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

function intRange(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(min, { error: message })
    .max(max, { error: message });
}

/** R3 modes: `timed` ends by itself, `untimed` only when the agent ends it, `forced` is timed with no early end. */
export const MODES = ['timed', 'untimed', 'forced'] as const;
export type Mode = (typeof MODES)[number];

const CODE = /^[A-Za-z0-9_.-]{1,64}$/;
const dispositionCode = z.string({ error: 'must be a disposition code' }).regex(CODE, {
  error: 'must be a disposition code of 1-64 letters, digits, "_", "-" or "."',
});

const dispositionCodesSchema = z
  .array(
    z.strictObject({
      code: dispositionCode,
      label: z
        .string({ error: 'must be a label of 1-128 characters' })
        .min(1, { error: 'must be a label of 1-128 characters' })
        .max(128, { error: 'must be a label of 1-128 characters' }),
    }),
    { error: 'must be a list of { "code", "label" }' },
  )
  .max(100, { error: 'must hold at most 100 codes' })
  .superRefine((codes, ctx) => {
    const seen = new Set<string>();
    codes.forEach((entry, index) => {
      if (seen.has(entry.code)) {
        ctx.addIssue({ code: 'custom', path: [index, 'code'], message: `repeats the code "${entry.code}"` });
      }
      seen.add(entry.code);
    });
  });

/** Every policy field (R3); a level of the configuration may set any of them. */
const policyFields = {
  durationSeconds,
  mode: z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` }),
  extensionSeconds: intRange(1, 3600),
  maxExtensions: intRange(0, 10),
  requireDisposition: z.boolean({ error: 'must be true or false' }),
  dispositionCodes: dispositionCodesSchema,
  defaultDispositionOnTimeout: dispositionCode,
  showCountdown: z.boolean({ error: 'must be true or false' }),
  /**
   * R21: an outbound call the agent dialled that the customer never answered gets this policy's
   * wrap-up (true) or none (false, the default: R2).
   */
  unansweredOutbound: z.boolean({ error: 'must be true or false' }),
};

/** A policy that overrides some fields of the less specific one (R3). */
const policyOverrideSchema = z.strictObject({
  durationSeconds: policyFields.durationSeconds.optional(),
  mode: policyFields.mode.optional(),
  extensionSeconds: policyFields.extensionSeconds.optional(),
  maxExtensions: policyFields.maxExtensions.optional(),
  requireDisposition: policyFields.requireDisposition.optional(),
  dispositionCodes: policyFields.dispositionCodes.optional(),
  defaultDispositionOnTimeout: policyFields.defaultDispositionOnTimeout.optional(),
  showCountdown: policyFields.showCountdown.optional(),
  unansweredOutbound: policyFields.unansweredOutbound.optional(),
});

/** Defaults of the fields a user leaves out of `policies.default`. */
export const POLICY_DEFAULTS = {
  durationSeconds: 90,
  mode: 'timed',
  extensionSeconds: 60,
  maxExtensions: 1,
  requireDisposition: false,
  dispositionCodes: [],
  showCountdown: true,
} as const;

/** The default policy: every field present (but the timeout disposition), so resolution always yields a whole policy. */
const defaultPolicySchema = z.strictObject({
  durationSeconds,
  mode: policyFields.mode.default(POLICY_DEFAULTS.mode),
  extensionSeconds: policyFields.extensionSeconds.default(POLICY_DEFAULTS.extensionSeconds),
  maxExtensions: policyFields.maxExtensions.default(POLICY_DEFAULTS.maxExtensions),
  requireDisposition: policyFields.requireDisposition.default(POLICY_DEFAULTS.requireDisposition),
  dispositionCodes: policyFields.dispositionCodes.default([]),
  defaultDispositionOnTimeout: policyFields.defaultDispositionOnTimeout.optional(),
  showCountdown: policyFields.showCountdown.default(POLICY_DEFAULTS.showCountdown),
  // Left out means false (R2), so that policies written before R21 read as they did.
  unansweredOutbound: policyFields.unansweredOutbound.optional(),
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

/** An agent's own queue (quick connects to an agent): `.../queue/agent/AGENT_ID`. */
const AGENT_QUEUE_ARN =
  /^arn:aws[a-z-]*:connect:[a-z0-9-]+:\d{12}:instance\/[0-9a-f-]{36}\/queue\/agent\/[^/]+$/;

const queueKey = z.string().superRefine((key, ctx) => {
  if (AGENT_QUEUE_ARN.test(key) || key.startsWith('agent/')) {
    ctx.addIssue({
      code: 'custom',
      message:
        "is an agent queue: a contact transferred to an agent gets the policy of the queue it came from (or its channel's), so agent queues take no policy",
    });
  } else if (!(QUEUE_ARN.test(key) || QUEUE_ID.test(key))) {
    ctx.addIssue({
      code: 'custom',
      message: 'must be a queue id or a queue ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID/queue/ID)',
    });
  }
});

const profileKey = z.string().regex(PROFILE_NAME, {
  error: 'must be a profile name of 1-64 letters, digits, "_", "-" or "."',
});

const policiesSchema = z
  .strictObject({
    default: defaultPolicySchema.default({ ...POLICY_DEFAULTS, dispositionCodes: [] }),
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
    // Cross-field rules hold for every level as it applies on top of the default.
    checkPolicy(value.default, value.default, ['default'], ctx);
    for (const group of ['channels', 'queues', 'profiles'] as const) {
      for (const [key, override] of Object.entries(value[group])) {
        if (override !== undefined) checkPolicy(value.default, override, [group, key], ctx);
      }
    }
  });

type DefaultPolicy = z.output<typeof defaultPolicySchema>;

function checkPolicy(
  base: DefaultPolicy,
  level: z.output<typeof policyOverrideSchema>,
  path: PropertyKey[],
  ctx: z.core.$RefinementCtx,
): void {
  const policy = { ...base, ...definedFields(level) };
  const codes = new Set(policy.dispositionCodes.map((entry) => entry.code));
  const fallback = policy.defaultDispositionOnTimeout;
  if (fallback !== undefined && !codes.has(fallback)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'defaultDispositionOnTimeout'],
      message: `"${fallback}" is not one of the policy's dispositionCodes (${[...codes].join(', ') || 'none'})`,
    });
  }
  if (policy.requireDisposition && codes.size === 0) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'requireDisposition'],
      message: 'needs dispositionCodes to choose from',
    });
  }
  if (policy.requireDisposition && policy.mode !== 'untimed' && fallback === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'defaultDispositionOnTimeout'],
      message: 'is required when requireDisposition is true and the wrap-up can end by its timer (R7)',
    });
  }
}

/** The fields of `value` that are set: an override applies these and nothing else. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Defaults of the agent and supervisor HTTP API. */
export const API_DEFAULTS = {
  corsOrigins: [] as string[],
  usernameClaim: 'username',
  groupsClaim: 'cognito:groups',
  supervisorGroup: 'supervisors',
  throttle: { rateLimit: 20, burstLimit: 40 },
};

/**
 * The HTTP API (agent desktop widget, supervisors). Without `oidc`, the stack creates a Cognito
 * user pool; with it, tokens of the contact center's own identity provider are accepted.
 */
const apiSchema = z.strictObject({
  corsOrigins: z
    .array(
      z.string().regex(/^https:\/\/[A-Za-z0-9.*-]+(:\d+)?$/, {
        error: 'must be an https origin such as https://example.my.connect.aws',
      }),
      { error: 'must be a list of origins' },
    )
    .max(20, { error: 'must hold at most 20 origins' })
    .default([]),
  oidc: z
    .strictObject({
      issuer: z.url({ protocol: /^https$/, error: 'must be the https URL of an OIDC issuer' }),
      audience: z
        .array(z.string().min(1, { error: 'must not be empty' }), { error: 'must be a list of audiences' })
        .min(1, { error: 'must name at least one audience' }),
    })
    .optional(),
  usernameClaim: z
    .string({ error: 'must be a claim name' })
    .min(1, { error: 'must be a claim name' })
    .default(API_DEFAULTS.usernameClaim),
  groupsClaim: z
    .string({ error: 'must be a claim name' })
    .min(1, { error: 'must be a claim name' })
    .default(API_DEFAULTS.groupsClaim),
  supervisorGroup: z
    .string({ error: 'must be a group name' })
    .min(1, { error: 'must be a group name' })
    .default(API_DEFAULTS.supervisorGroup),
  throttle: z
    .strictObject({
      rateLimit: intRange(1, 10_000).default(API_DEFAULTS.throttle.rateLimit),
      burstLimit: intRange(1, 5_000).default(API_DEFAULTS.throttle.burstLimit),
    })
    .default(API_DEFAULTS.throttle),
});

const QUOTA_RATE_MESSAGE = 'must be a number of requests per second above 0 and at most 1000';
const QUOTA_BURST_MESSAGE = 'must be an integer 1-10000 (requests)';

/** R15: the account's Connect API quota this system keeps to (Service Quotas, per account and Region). */
const connectQuotaSchema = z.strictObject({
  requestsPerSecond: z
    .number({ error: QUOTA_RATE_MESSAGE })
    .gt(0, { error: QUOTA_RATE_MESSAGE })
    .max(1000, { error: QUOTA_RATE_MESSAGE })
    .default(2),
  burst: z
    .number({ error: QUOTA_BURST_MESSAGE })
    .int({ error: QUOTA_BURST_MESSAGE })
    .min(1, { error: QUOTA_BURST_MESSAGE })
    .max(10_000, { error: QUOTA_BURST_MESSAGE })
    .default(5),
});

/** A Kinesis data stream ARN (also checked by lib/agent-event-stream.ts for direct construct use). */
export const KINESIS_STREAM_ARN = /^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[A-Za-z0-9_.-]{1,128}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;

/** R8, R11: the instance's agent event stream (an existing Kinesis data stream), when it has one. */
const agentEventStreamSchema = z.strictObject({
  streamArn: z.string({ error: 'must be a Kinesis data stream ARN' }).regex(KINESIS_STREAM_ARN, {
    error: 'must be a Kinesis data stream ARN (arn:aws:kinesis:REGION:ACCOUNT:stream/NAME)',
  }),
  kmsKeyArn: z
    .string({ error: 'must be a KMS key ARN' })
    .regex(KMS_KEY_ARN, { error: 'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)' })
    .optional(),
});

/**
 * Where the agent widget hears of the agent's contacts: Connect's Agent Workspace
 * (`@amazon-connect/app`), or a custom CCP it opens itself (amazon-connect-streams).
 */
export const AGENT_PORTS = ['workspace', 'ccp'] as const;
export type AgentPortKind = (typeof AGENT_PORTS)[number];

/** Defaults of the agent widget's hosting. */
export const WIDGET_DEFAULTS = {
  frameAncestors: ['https://*.awsapps.com'],
  registerApp: false,
  agentPort: 'workspace',
} as const;

/**
 * An https origin that may frame the widget (CSP `frame-ancestors`); a leading `*.` stands for any
 * subdomain of a domain of at least two labels (`*.awsapps.com`, never `*.com`). Nothing else: a
 * space or `;` would smuggle another directive into the header.
 */
const FRAME_ANCESTOR =
  /^https:\/\/(?:\*\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::\d{1,5})?$/;
const FRAME_ANCESTOR_MESSAGE =
  'must be an https origin, optionally with a wildcard subdomain, such as https://*.awsapps.com';
/** Connect's rule for an instance alias (CreateInstance `InstanceAlias`). */
const CONNECT_ALIAS = /^(?!d-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,43}[A-Za-z0-9])?$/;
/** Cognito's rule for a prefix domain (CreateUserPoolDomain `Domain`). */
const COGNITO_DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses in a prefix domain. */
const COGNITO_RESERVED = ['aws', 'amazon', 'cognito'] as const;

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' });

/** The agent widget: who may frame it, how agents sign in to it, and whether Connect knows it as an app. */
const widgetSchema = z.strictObject(
  {
    frameAncestors: z
      .array(
        z.string({ error: FRAME_ANCESTOR_MESSAGE }).regex(FRAME_ANCESTOR, { error: FRAME_ANCESTOR_MESSAGE }),
        { error: 'must be a list of origins' },
      )
      .max(20, { error: 'must hold at most 20 origins' })
      .default([...WIDGET_DEFAULTS.frameAncestors]),
    connectAlias: z
      .string({ error: 'must be an Amazon Connect instance alias' })
      .regex(CONNECT_ALIAS, {
        error:
          'must be an Amazon Connect instance alias: 1-45 letters, digits and "-", not starting with "d-"',
      })
      .optional(),
    registerApp: z.boolean({ error: 'must be true or false' }).default(WIDGET_DEFAULTS.registerApp),
    cognitoDomainPrefix: z
      .string({ error: 'must be a Cognito domain prefix' })
      .regex(COGNITO_DOMAIN_PREFIX, {
        error:
          'must be a Cognito domain prefix: 1-63 lowercase letters, digits and "-", not starting or ending with "-"',
      })
      .refine((prefix) => !COGNITO_RESERVED.some((word) => prefix.includes(word)), {
        error: `must not contain ${COGNITO_RESERVED.join(', ')} (Cognito reserves them)`,
      })
      .optional(),
    agentPort: z
      .enum(AGENT_PORTS, { error: `must be one of ${AGENT_PORTS.join(', ')}` })
      .default(WIDGET_DEFAULTS.agentPort),
    oidc: z
      .strictObject(
        {
          authorizeUrl: httpsUrl,
          tokenUrl: httpsUrl,
          clientId: z.string({ error: 'must be a client id' }).min(1, { error: 'must be a client id' }),
          scopes: z
            .array(
              z.string({ error: 'must be a scope' }).regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, {
                error: 'must be an OAuth scope (no spaces or quotes)',
              }),
              { error: 'must be a list of scopes' },
            )
            .min(1, { error: 'must name at least one scope' })
            .default(['openid']),
        },
        { error: 'must be an object { "authorizeUrl", "tokenUrl", "clientId" }' },
      )
      .optional(),
  },
  { error: 'must be an object' },
);

/**
 * Rules across sections: the widget signs agents in where the API takes its tokens from, so its
 * OIDC endpoints come with `api.oidc` and only with it, and a Cognito domain only without it.
 */
function checkWidgetIdentity(config: z.output<typeof acwObjectSchema>, ctx: z.core.$RefinementCtx): void {
  const external = config.api.oidc !== undefined;
  if (external && config.widget.oidc === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['widget', 'oidc'],
      message:
        'is required when acw.api.oidc is set: the widget signs agents in with that issuer ({ "authorizeUrl", "tokenUrl", "clientId" })',
    });
  }
  if (!external && config.widget.oidc !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['widget', 'oidc'],
      message:
        "is only used with acw.api.oidc; without it the widget signs in with the stack's Cognito user pool",
    });
  }
  if (external && config.widget.cognitoDomainPrefix !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['widget', 'cognitoDomainPrefix'],
      message: 'is only used without acw.api.oidc: with it the stack creates no Cognito user pool',
    });
  }
  if (config.widget.agentPort === 'ccp' && config.widget.connectAlias === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['widget', 'connectAlias'],
      message: 'is required when agentPort is ccp: the widget opens the CCP at https://ALIAS.my.connect.aws',
    });
  }
}

/** The whole `acw` object, field by field. */
const acwObjectSchema = z.strictObject({
  connectInstanceArn: z
    .string({ error: 'must be an Amazon Connect instance ARN' })
    .regex(INSTANCE_ARN, {
      error: 'must be an Amazon Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID)',
    })
    .optional(),
  wrapUpStatus: wrapUpStatusSchema.default({ name: 'Wrap Up', create: false }),
  routableStatus: routableStatusSchema.default({ name: 'Available' }),
  policies: policiesSchema.default({
    default: { ...POLICY_DEFAULTS, dispositionCodes: [] },
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
  api: apiSchema.default(API_DEFAULTS),
  connectQuota: connectQuotaSchema.default({ requestsPerSecond: 2, burst: 5 }),
  agentEventStream: agentEventStreamSchema.optional(),
  widget: widgetSchema.default({ ...WIDGET_DEFAULTS, frameAncestors: [...WIDGET_DEFAULTS.frameAncestors] }),
});

/** The whole `acw` object. */
export const acwConfigSchema = acwObjectSchema.superRefine(checkWidgetIdentity);

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
