/**
 * Connect's "Invoke AWS Lambda function" block: a contact flow chooses this contact's wrap-up
 * (R3: above tag, queue and channel) before the contact ends.
 *
 * Block parameters (all strings, as Connect sends them): `profile` (a configured profile),
 * `durationSeconds` (0-86400), `mode` (timed, untimed, forced), `unansweredOutbound` (`true` or
 * `false`, R21); at least one. The choice also applies to the contacts this one is transferred
 * into, unless their own flow chooses again (R3). The answer is the
 * flat string map Connect expects, e.g. `{ "acwProfile": "tier3", "acwSeconds": "600",
 * "acwMode": "timed" }`; bad parameters get `{ "error": "..." }` instead of an exception, so the
 * flow can branch on it. Connect waits at most 8 seconds: one DynamoDB write.
 */
import * as z from '../config/zod';
import { lacksTimeoutDisposition, MAX_DURATION_SECONDS, MODES } from '../core/config';
import { STANDARD_QUEUE_ARN_IN_EVENT } from '../core/connect-arns';
import { lastArnSegment, normaliseChannel } from '../core/contact';
import { type FlowChoice, resolveContactPolicy } from '../core/policy';
import { type App, deployedApp, sessions } from './runtime';

/** How long a flow's choice is kept for a contact that has not ended yet. */
export const FLOW_CHOICE_TTL_SECONDS = 7 * 86_400;

const flowEventSchema = z.object({
  Name: z.literal('ContactFlowEvent'),
  Details: z.object({
    ContactData: z.object({
      ContactId: z.string().check(z.minLength(1), z.maxLength(256)),
      Channel: z.optional(z.text()),
      Queue: z.nullish(z.object({ ARN: z.optional(z.string()) })),
    }),
    Parameters: z._default(z.record(z.string(), z.string()), {}),
  }),
});

const SECONDS_MESSAGE = `must be a whole number of seconds 0-${MAX_DURATION_SECONDS}`;

const parametersSchema = z
  .strictObject({
    profile: z.optional(z.string().check(z.minLength(1, { error: 'must name a profile' }))),
    durationSeconds: z.optional(
      z.pipe(
        z.string().check(z.regex(/^\d{1,5}$/, { error: SECONDS_MESSAGE })),
        z.pipe(
          z.transform(Number),
          z.number().check(z.refine((n) => n <= MAX_DURATION_SECONDS, { error: SECONDS_MESSAGE })),
        ),
      ),
    ),
    mode: z.optional(z.enum(MODES, { error: `must be one of ${MODES.join(', ')}` })),
    unansweredOutbound: z.optional(
      z.pipe(
        z.enum(['true', 'false'], { error: 'must be "true" or "false"' }),
        z.transform((value) => value === 'true'),
      ),
    ),
  })
  .check(
    z.refine(
      (p) =>
        p.profile !== undefined ||
        p.durationSeconds !== undefined ||
        p.mode !== undefined ||
        p.unansweredOutbound !== undefined,
      { error: 'give at least one of profile, durationSeconds, mode, unansweredOutbound' },
    ),
  );

/** The answer Connect receives: a flat map of strings. */
export type FlowResponse = Record<string, string>;

export function makeContactFlowHandler(app: App) {
  return async (event: unknown): Promise<FlowResponse> => {
    const parsed = flowEventSchema.safeParse(event);
    if (!parsed.success) return refuse(app, 'not a ContactFlowEvent', parsed.error);
    const contact = parsed.data.Details.ContactData;
    const parameters = parametersSchema.safeParse(parsed.data.Details.Parameters);
    if (!parameters.success) return refuse(app, 'bad parameters', parameters.error, contact.ContactId);

    const choice: FlowChoice = parameters.data;
    // R20: the live policies (a profile an administrator added at run time is configured too).
    const policies = app.deps.policies === undefined ? app.config.policies : await app.deps.policies.index();
    if (choice.profile !== undefined && !policies.profiles.has(choice.profile)) {
      const known = [...policies.profiles.keys()].join(', ') || 'none';
      return refuseWith(
        app,
        `profile "${choice.profile}" is not configured (configured: ${known})`,
        contact.ContactId,
      );
    }

    const queueArn = contact.Queue?.ARN;
    // R10: only a standard queue chooses a policy; it is kept with the choice, so that a contact
    // transferred from this one into an agent's queue gets this queue's policy.
    const queueId =
      queueArn !== undefined && STANDARD_QUEUE_ARN_IN_EVENT.test(queueArn)
        ? lastArnSegment(queueArn)
        : undefined;
    const resolved = resolveContactPolicy(
      policies,
      { channel: normaliseChannel(contact.Channel ?? 'VOICE'), queueId },
      choice,
    );
    const policy = resolved.policy;
    // R7: a timed wrap-up that requires a disposition needs one to fall back on at its deadline.
    if (lacksTimeoutDisposition(policy)) {
      return refuseWith(
        app,
        `mode ${policy.mode} needs a defaultDispositionOnTimeout in this contact's policy, which requires a disposition`,
        contact.ContactId,
      );
    }

    const now = app.deps.clock.now();
    await app.deps.store.putOverride(
      { contactId: contact.ContactId, ...choice, queueId, setAt: now.toISOString() },
      new Date(now.getTime() + FLOW_CHOICE_TTL_SECONDS * 1000),
    );
    app.deps.log.info('Contact flow chose the wrap-up', {
      contactId: contact.ContactId,
      profile: choice.profile,
      durationSeconds: resolved.policy.durationSeconds,
      mode: resolved.policy.mode,
    });
    return {
      ...(choice.profile === undefined ? {} : { acwProfile: choice.profile }),
      acwSeconds: String(resolved.policy.durationSeconds),
      acwMode: resolved.policy.mode,
    };
  };
}

function refuse(app: App, what: string, error: z.core.$ZodError, contactId?: string): FlowResponse {
  const detail = error.issues
    .map((issue) => `${issue.path.length === 0 ? '(root)' : issue.path.join('.')} ${issue.message}`)
    .join('; ');
  return refuseWith(app, `${what}: ${detail}`, contactId);
}

function refuseWith(app: App, message: string, contactId?: string): FlowResponse {
  app.deps.log.warn('Contact flow parameters refused', { contactId, error: message });
  return { error: message };
}

// One DynamoDB write: no Connect, no timers (a call to them fails with PortUnavailable).
const app = deployedApp(sessions);

export const handler = (event: unknown): Promise<FlowResponse> => makeContactFlowHandler(app())(event);
