/**
 * The `acw.api` section: the agent and supervisor HTTP API (lib/agent-api.ts builds it,
 * lambda/handlers/api.ts reads its claims). A deployment setting, not a wrap-up rule.
 */
import { intRange } from './policies';
import * as z from './zod';

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
  corsOrigins: z._default(
    z
      .array(
        z.string().check(
          z.regex(CORS_ORIGIN, {
            error: 'must be an https origin such as https://example.my.connect.aws',
          }),
        ),
        { error: 'must be a list of origins' },
      )
      .check(z.maxLength(20, { error: 'must hold at most 20 origins' })),
    [],
  ),
  oidc: z.optional(
    z.strictObject({
      issuer: z.url({ protocol: /^https$/, error: 'must be the https URL of an OIDC issuer' }),
      audience: z
        .array(z.string().check(z.minLength(1, { error: 'must not be empty' })), {
          error: 'must be a list of audiences',
        })
        .check(z.minLength(1, { error: 'must name at least one audience' })),
    }),
  ),
  usernameClaim: z._default(z.text(undefined, 'must be a claim name'), API_DEFAULTS.usernameClaim),
  groupsClaim: z._default(z.text(undefined, 'must be a claim name'), API_DEFAULTS.groupsClaim),
  supervisorGroup: z._default(z.text(undefined, 'must be a group name'), API_DEFAULTS.supervisorGroup),
  /** R20: the group whose members change the policies at run time (the `/v1/admin/` routes). */
  adminGroup: z._default(z.text(undefined, 'must be a group name'), API_DEFAULTS.adminGroup),
  throttle: z._default(
    z.strictObject({
      rateLimit: z._default(intRange(1, 10_000), API_DEFAULTS.throttle.rateLimit),
      burstLimit: z._default(intRange(1, 5_000), API_DEFAULTS.throttle.burstLimit),
    }),
    API_DEFAULTS.throttle,
  ),
});
