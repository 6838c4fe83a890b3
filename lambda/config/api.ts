/**
 * The `acw.api` section: the agent and supervisor HTTP API (lib/agent-api.ts builds it,
 * lambda/handlers/api.ts reads its claims). A deployment setting, not a wrap-up rule.
 */
import * as z from 'zod';
import { intRange } from './policies';

/** An origin a browser may call the API from: https, a host (wildcards allowed), an optional port. */
export const CORS_ORIGIN = /^https:\/\/[A-Za-z0-9.*-]+(:\d+)?$/;

/** Defaults of the agent and supervisor HTTP API. */
export const API_DEFAULTS = {
  corsOrigins: [] as string[],
  usernameClaim: 'username',
  groupsClaim: 'cognito:groups',
  supervisorGroup: 'supervisors',
  adminGroup: 'admins',
  throttle: { rateLimit: 20, burstLimit: 40 },
};

/**
 * The HTTP API (agent desktop widget, supervisors). Without `oidc`, the stack creates a Cognito
 * user pool; with it, tokens of the contact center's own identity provider are accepted.
 */
export const apiSchema = z.strictObject({
  corsOrigins: z
    .array(
      z.string().regex(CORS_ORIGIN, {
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
  /** R20: the group whose members change the policies at run time (the `/v1/admin/` routes). */
  adminGroup: z
    .string({ error: 'must be a group name' })
    .min(1, { error: 'must be a group name' })
    .default(API_DEFAULTS.adminGroup),
  throttle: z
    .strictObject({
      rateLimit: intRange(1, 10_000).default(API_DEFAULTS.throttle.rateLimit),
      burstLimit: intRange(1, 5_000).default(API_DEFAULTS.throttle.burstLimit),
    })
    .default(API_DEFAULTS.throttle),
});
