/**
 * The wrap-up rules' part of the `acw` configuration as the core uses it: the channels, modes and
 * limits, the policies' types and defaults, and the helpers that read them. Its schemas (R3: the
 * policies, the statuses) are in lambda/config/policies.ts, which lambda/config/acw-config.ts puts
 * together with the deployment settings: the functions that only apply policies (every one but the
 * API, which validates administrators' changes, R20) do not load zod's schemas at init for them.
 */
import type { Policy } from '../config/policies';
import { QUEUE_ARN } from './connect-arns';

/** Amazon Connect channel names, as Connect spells them in contact events. */
export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Longest wrap-up a policy may ask for: 24 hours. */
export const MAX_DURATION_SECONDS = 86_400;

/** A queue id as a policy key (and the supervisors' queue filter) takes it. */
export const QUEUE_ID = /^[0-9a-zA-Z-]{1,128}$/;

/** R3 modes: `timed` ends by itself, `untimed` only when the agent ends it, `forced` is timed with no early end. */
export const MODES = ['timed', 'untimed', 'forced'] as const;
export type Mode = (typeof MODES)[number];

/** A disposition code (R17): what the agent records, and the API takes. */
export const DISPOSITION_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

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

/** Longest agent status name Connect allows. */
export const MAX_STATUS_NAME_LENGTH = 127;

/**
 * R7: a wrap-up that requires a disposition and can end by its timer needs one to record when
 * nobody chose: true when `policy` has none to fall back on.
 */
export function lacksTimeoutDisposition(
  policy: Pick<Policy, 'requireDisposition' | 'mode' | 'defaultDispositionOnTimeout'>,
): boolean {
  return (
    policy.requireDisposition && policy.mode !== 'untimed' && policy.defaultDispositionOnTimeout === undefined
  );
}

/** The fields of `value` that are set: an override applies these and nothing else. */
export function definedFields<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The validated policies (R3), defaults filled in (the schema's output: lambda/config/policies.ts). */
export type { Policy, PolicyConfig, PolicyOverride } from '../config/policies';
/** How an agent status is named: by name or by id. */
export type StatusRef = { name?: string | undefined; id?: string | undefined };

/** The queue id of a policy key that is either a queue id or a queue ARN. */
export function queueIdOf(key: string): string {
  const match = QUEUE_ARN.exec(key);
  return match?.[1] ?? key;
}
