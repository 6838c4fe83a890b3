/**
 * The schemas of the wrap-up rules' part of the `acw` configuration: the policies (R3) and the
 * statuses the agent is held in and restored to. lambda/config/acw-config.ts puts them together
 * with the deployment settings and validates the whole object; the admin API validates
 * administrators' changes with them (R20). The constants and helpers they share with the core are
 * in lambda/core/config.ts.
 *
 * The field names are a public contract (users' cdk.json, the simulator's scenarios), so the
 * schema is strict: an unknown field is refused with its path rather than silently ignored.
 */

import {
  CHANNELS,
  DISPOSITION_CODE,
  definedFields,
  lacksTimeoutDisposition,
  MAX_DURATION_SECONDS,
  MAX_STATUS_NAME_LENGTH,
  MODES,
  POLICY_DEFAULTS,
  QUEUE_ID,
  queueIdOf,
  type StatusRef,
} from '../core/config';
import { AGENT_QUEUE_ARN, CONNECT_ID, QUEUE_ARN } from '../core/connect-arns';
import * as z from './zod';

const PROFILE_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** A whole number from `min` to `max`, refused with one message that says so. */
export function intRange(min: number, max: number) {
  const message = `must be an integer ${min}-${max}`;
  return z.int({ error: message }).check(z.gte(min, { error: message }), z.lte(max, { error: message }));
}

const durationSeconds = intRange(0, MAX_DURATION_SECONDS);

const dispositionCode = z.string({ error: 'must be a disposition code' }).check(
  z.regex(DISPOSITION_CODE, {
    error: 'must be a disposition code of 1-64 letters, digits, "_", "-" or "."',
  }),
);

const dispositionCodesSchema = z
  .array(
    z.strictObject({
      code: dispositionCode,
      label: z.text(128, 'must be a label of 1-128 characters'),
    }),
    { error: 'must be a list of { "code", "label" }' },
  )
  .check(
    z.maxLength(100, { error: 'must hold at most 100 codes' }),
    z.superRefine((codes, ctx) => {
      const seen = new Set<string>();
      codes.forEach((entry, index) => {
        if (seen.has(entry.code)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'code'],
            message: `repeats the code "${entry.code}"`,
          });
        }
        seen.add(entry.code);
      });
    }),
  );

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
  durationSeconds: z.optional(policyFields.durationSeconds),
  mode: z.optional(policyFields.mode),
  extensionSeconds: z.optional(policyFields.extensionSeconds),
  maxExtensions: z.optional(policyFields.maxExtensions),
  requireDisposition: z.optional(policyFields.requireDisposition),
  dispositionCodes: z.optional(policyFields.dispositionCodes),
  defaultDispositionOnTimeout: z.optional(policyFields.defaultDispositionOnTimeout),
  showCountdown: z.optional(policyFields.showCountdown),
  unansweredOutbound: z.optional(policyFields.unansweredOutbound),
});

/** The default policy: every field present (but the timeout disposition), so resolution always yields a whole policy. */
const defaultPolicySchema = z.strictObject({
  durationSeconds,
  mode: z._default(policyFields.mode, POLICY_DEFAULTS.mode),
  extensionSeconds: z._default(policyFields.extensionSeconds, POLICY_DEFAULTS.extensionSeconds),
  maxExtensions: z._default(policyFields.maxExtensions, POLICY_DEFAULTS.maxExtensions),
  requireDisposition: z._default(policyFields.requireDisposition, POLICY_DEFAULTS.requireDisposition),
  dispositionCodes: z._default(policyFields.dispositionCodes, []),
  defaultDispositionOnTimeout: z.optional(policyFields.defaultDispositionOnTimeout),
  showCountdown: z._default(policyFields.showCountdown, POLICY_DEFAULTS.showCountdown),
  // Left out means false (R2), so that policies written before R21 read as they did.
  unansweredOutbound: z.optional(policyFields.unansweredOutbound),
});

const statusName = z.text(
  MAX_STATUS_NAME_LENGTH,
  `must be a string of 1-${MAX_STATUS_NAME_LENGTH} characters`,
);
const statusId = z
  .string({ error: 'must be an agent status id (1-256 characters)' })
  .check(z.regex(CONNECT_ID, { error: 'must be an agent status id (1-256 characters)' }));

const wrapUpStatusSchema = z
  .strictObject({
    name: z.optional(statusName),
    id: z.optional(statusId),
    create: z._default(z.boolean({ error: 'must be true or false' }), false),
  })
  .check(
    z.superRefine((value, ctx) => {
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
    }),
  );

const routableStatusSchema = z.pipe(
  z
    .strictObject({
      name: z.optional(statusName),
      id: z.optional(statusId),
    })
    .check(
      z.superRefine((value, ctx) => {
        if (value.name !== undefined && value.id !== undefined) {
          ctx.addIssue({ code: 'custom', message: 'must name the status by exactly one of "name" or "id"' });
        }
      }),
    ),
  z.transform(
    (value): StatusRef =>
      value.id === undefined && value.name === undefined ? { name: 'Available' } : value,
  ),
);

const channelKey = z.enum(CHANNELS, { error: `must be one of ${CHANNELS.join(', ')}` });

const queueKey = z.string().check(
  z.superRefine((key, ctx) => {
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
  }),
);

const profileKey = z.string().check(
  z.regex(PROFILE_NAME, {
    error: 'must be a profile name of 1-64 letters, digits, "_", "-" or "."',
  }),
);

/**
 * An agent hierarchy group's id, the last segment of its ARN (`.../agent-group/ID`): what the
 * DISCONNECTED event's `agentInfo.hierarchyGroups` names the agent's groups by (R3, R20).
 */
const agentGroupKey = z.string().check(
  z.superRefine((key, ctx) => {
    if (CONNECT_ID.test(key)) return;
    ctx.addIssue({
      code: 'custom',
      message: key.includes('/agent-group/')
        ? 'must be the hierarchy group id, the last segment of its ARN (.../agent-group/ID), not the ARN'
        : 'must be an agent hierarchy group id (1-256 letters, digits or "-")',
    });
  }),
);

const policiesSchema = z
  .strictObject({
    default: z._default(defaultPolicySchema, { ...POLICY_DEFAULTS, dispositionCodes: [] }),
    channels: z._default(z.partialRecord(channelKey, policyOverrideSchema), {}),
    queues: z._default(z.record(queueKey, policyOverrideSchema), {}),
    profiles: z._default(z.record(profileKey, policyOverrideSchema), {}),
    agentGroups: z._default(z.record(agentGroupKey, policyOverrideSchema), {}),
  })
  .check(
    z.superRefine((value, ctx) => {
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
      for (const group of ['channels', 'queues', 'profiles', 'agentGroups'] as const) {
        for (const [key, override] of Object.entries(value[group])) {
          if (override !== undefined) checkPolicy(value.default, override, [group, key], ctx);
        }
      }
    }),
  );

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
  if (lacksTimeoutDisposition(policy)) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'defaultDispositionOnTimeout'],
      message: 'is required when requireDisposition is true and the wrap-up can end by its timer (R7)',
    });
  }
}

/**
 * The rules' fields of the `acw` object, with their defaults: the statuses the agent is held in
 * and restored to, and the policies.
 */
export const POLICY_CONFIG_FIELDS = {
  wrapUpStatus: z._default(wrapUpStatusSchema, { name: 'Wrap Up', create: false }),
  routableStatus: z._default(routableStatusSchema, { name: 'Available' }),
  policies: z._default(policiesSchema, {
    default: { ...POLICY_DEFAULTS, dispositionCodes: [] },
    channels: {},
    queues: {},
    profiles: {},
    agentGroups: {},
  }),
};

/** The validated policies (R3), defaults filled in. */
export type PolicyConfig = z.output<typeof policiesSchema>;
/** A whole policy: what one contact's wrap-up follows. */
export type Policy = DefaultPolicy;
/** Some fields of a policy, overriding a less specific one. */
export type PolicyOverride = z.output<typeof policyOverrideSchema>;
