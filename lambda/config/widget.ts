/**
 * The `acw.widget` section: the agent widget's hosting and sign-in (lib/widget-hosting.ts,
 * lib/widget-deployment.ts, lib/agent-workspace-app.ts use it). A deployment setting. Here, beside
 * the other sections, because the functions validate the whole `acw` object they are given.
 */
import * as z from './zod';

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
export const widgetSchema = z.strictObject(
  {
    frameAncestors: z._default(
      z
        .array(
          z
            .string({ error: FRAME_ANCESTOR_MESSAGE })
            .check(z.regex(FRAME_ANCESTOR, { error: FRAME_ANCESTOR_MESSAGE })),
          { error: 'must be a list of origins' },
        )
        .check(z.maxLength(20, { error: 'must hold at most 20 origins' })),
      [...WIDGET_DEFAULTS.frameAncestors],
    ),
    connectAlias: z.optional(
      z.string({ error: 'must be an Amazon Connect instance alias' }).check(
        z.regex(CONNECT_ALIAS, {
          error:
            'must be an Amazon Connect instance alias: 1-45 letters, digits and "-", not starting with "d-"',
        }),
      ),
    ),
    registerApp: z._default(z.boolean({ error: 'must be true or false' }), WIDGET_DEFAULTS.registerApp),
    cognitoDomainPrefix: z.optional(
      z.string({ error: 'must be a Cognito domain prefix' }).check(
        z.regex(COGNITO_DOMAIN_PREFIX, {
          error:
            'must be a Cognito domain prefix: 1-63 lowercase letters, digits and "-", not starting or ending with "-"',
        }),
        z.refine((prefix) => !COGNITO_RESERVED.some((word) => prefix.includes(word)), {
          error: `must not contain ${COGNITO_RESERVED.join(', ')} (Cognito reserves them)`,
        }),
      ),
    ),
    agentPort: z._default(
      z.enum(AGENT_PORTS, { error: `must be one of ${AGENT_PORTS.join(', ')}` }),
      WIDGET_DEFAULTS.agentPort,
    ),
    oidc: z.optional(
      z.strictObject(
        {
          authorizeUrl: httpsUrl,
          tokenUrl: httpsUrl,
          clientId: z
            .string({ error: 'must be a client id' })
            .check(z.minLength(1, { error: 'must be a client id' })),
          scopes: z._default(
            z
              .array(
                z.string({ error: 'must be a scope' }).check(
                  z.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, {
                    error: 'must be an OAuth scope (no spaces or quotes)',
                  }),
                ),
                { error: 'must be a list of scopes' },
              )
              .check(z.minLength(1, { error: 'must name at least one scope' })),
            ['openid'],
          ),
        },
        { error: 'must be an object { "authorizeUrl", "tokenUrl", "clientId" }' },
      ),
    ),
  },
  { error: 'must be an object' },
);
