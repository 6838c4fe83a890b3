/**
 * The `acw` configuration: one typed object, validated before anything is synthesized or run.
 * The wrap-up rules' part (policies, statuses) is the core's (lambda/core/config.ts); each
 * deployment section's schema is beside this file; this one puts them together and turns every
 * problem into one message naming its field.
 *
 * The field names are a public contract (users' cdk.json, the simulator's scenarios), so the
 * schema is strict: an unknown field is refused with its path rather than silently ignored.
 */
import { CHANNELS } from '../core/config';
import { INSTANCE_ARN } from '../core/connect-arns';
import { agentEventStreamSchema } from './agent-event-stream';
import { API_DEFAULTS, apiSchema } from './api';
import { CONNECT_QUOTA_DEFAULTS, connectQuotaSchema } from './connect-quota';
import { intRange, POLICY_CONFIG_FIELDS } from './policies';
import { REPORTS_DEFAULTS, reportsSchema } from './reports';
import { WIDGET_DEFAULTS, widgetSchema } from './widget';
import * as z from './zod';

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

/** The `acw.monitoring` section: what the stack's alarms compare with (only the stack reads it). */
const monitoringSchema = z.strictObject({
  /**
   * R15: the After Contact Work timeout set on the instance's agents (their routing profile's or
   * user's ACW setting): Connect's own ACW that keeps an agent from being routed after a
   * disconnect, until this system puts them in the wrap-up status. A hold that takes longer finds
   * the agent routable; the time-to-hold alarm fires when holds take longer than this.
   */
  nativeAcwSeconds: z._default(intRange(1, 3600), 10),
});

/** The monitoring when the section is left out. */
export const MONITORING_DEFAULTS = { nativeAcwSeconds: 10 };

/** The whole `acw` object, field by field. */
const acwObjectSchema = z.strictObject({
  connectInstanceArn: z.optional(
    z.string({ error: 'must be an Amazon Connect instance ARN' }).check(
      z.regex(INSTANCE_ARN, {
        error: 'must be an Amazon Connect instance ARN (arn:aws:connect:REGION:ACCOUNT:instance/ID)',
      }),
    ),
  ),
  ...POLICY_CONFIG_FIELDS,
  sessionRetentionDays: z._default(intRange(1, 3650), 90),
  alarmEmail: z.optional(z.email({ error: 'must be an email address' })),
  api: z._default(apiSchema, API_DEFAULTS),
  connectQuota: z._default(connectQuotaSchema, CONNECT_QUOTA_DEFAULTS),
  agentEventStream: z.optional(agentEventStreamSchema),
  monitoring: z._default(monitoringSchema, MONITORING_DEFAULTS),
  widget: z._default(widgetSchema, {
    ...WIDGET_DEFAULTS,
    frameAncestors: [...WIDGET_DEFAULTS.frameAncestors],
  }),
  reports: z._default(reportsSchema, REPORTS_DEFAULTS),
});

/** The whole `acw` object. */
export const acwConfigSchema = acwObjectSchema.check(z.superRefine(checkWidgetIdentity));

/** The validated configuration, defaults filled in. */
export type AcwConfig = z.output<typeof acwConfigSchema>;
/** The configuration as a user writes it. */
export type AcwConfigInput = z.input<typeof acwConfigSchema>;

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

const RECORDS = new Set(['channels', 'queues', 'profiles', 'agentGroups']);

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
