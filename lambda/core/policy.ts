/**
 * R3: which wrap-up a contact gets. Most specific first: the contact's profile (a contact flow
 * tags the contact `acwProfile=NAME`) > the agent's hierarchy groups (R20) > its queue > its
 * channel > the default. Each level overrides only the fields it sets, so
 * `queues.billing: { durationSeconds: 300 }` keeps every other field of the channel or default
 * policy. The agent's groups cascade the same way among themselves: level 1's policy, then level
 * 2's over it, down to level 5's, so a team under "trainees" can change the extensions and keep
 * the trainees' duration. No Connect call: the DISCONNECTED event names the agent's groups.
 */
import { definedFields, type Policy, type PolicyConfig, type PolicyOverride, queueIdOf } from './config';

/** The contact tag a contact flow sets ("Tag contact" block) to choose a profile. */
export const PROFILE_TAG = 'acwProfile';

/** What policy resolution needs to know about a contact. */
export interface PolicySubject {
  readonly channel: string;
  readonly queueId?: string | undefined;
  readonly profile?: string | undefined;
  /** The agent's hierarchy group ids, shallowest level first (`ContactEvent.agentGroupIds`). */
  readonly agentGroupIds?: readonly string[] | undefined;
}

/** A whole policy and the levels it was built from, most specific first (for the record and logs). */
export interface ResolvedPolicy {
  readonly policy: Policy;
  /**
   * The most specific level that set anything: `flow`, `profile:tier3`, `agentGroup:<id>` (the
   * deepest of the agent's groups that has a policy), `queue:<id>`, `channel:CHAT` or `default`.
   */
  readonly source: string;
  /** A profile named by the contact that the configuration does not define. */
  readonly unknownProfile?: string | undefined;
}

/** Policies indexed for lookup: queue keys normalised to queue ids once, not per contact. */
export interface PolicyIndex {
  readonly default: Policy;
  readonly channels: ReadonlyMap<string, PolicyOverride>;
  readonly queues: ReadonlyMap<string, PolicyOverride>;
  readonly profiles: ReadonlyMap<string, PolicyOverride>;
  /** By agent hierarchy group id (R3, R20). */
  readonly agentGroups: ReadonlyMap<string, PolicyOverride>;
}

/** Builds the lookup index from validated policies. */
export function indexPolicies(policies: PolicyConfig): PolicyIndex {
  return {
    default: policies.default,
    channels: new Map(Object.entries(policies.channels)),
    queues: new Map(Object.entries(policies.queues).map(([key, value]) => [queueIdOf(key), value])),
    profiles: new Map(Object.entries(policies.profiles)),
    agentGroups: new Map(Object.entries(policies.agentGroups)),
  };
}

/** R3: resolves the policy for one contact. */
export function resolvePolicy(index: PolicyIndex, subject: PolicySubject): ResolvedPolicy {
  const layers = layersOf(index, subject);
  let policy: Policy = { ...index.default };
  for (const [, override] of layers) policy = applyOverride(policy, override);
  const source = layers.length === 0 ? 'default' : (layers[layers.length - 1]?.[0] ?? 'default');
  return {
    policy,
    source,
    unknownProfile:
      subject.profile !== undefined && !index.profiles.get(subject.profile) ? subject.profile : undefined,
  };
}

/**
 * R3, R20: which level set each field of the policy `resolvePolicy` resolves for `subject`,
 * named as its `source` names levels (`default`, `channel:VOICE`, `queue:<id>`,
 * `agentGroup:<id>`, `profile:<name>`): the administrators' preview.
 */
export function policyFieldSources(index: PolicyIndex, subject: PolicySubject): Record<keyof Policy, string> {
  const sources: Record<string, string> = {};
  for (const field of Object.keys(index.default)) sources[field] = 'default';
  for (const [level, override] of layersOf(index, subject)) {
    for (const field of Object.keys(definedFields(override))) sources[field] = level;
  }
  return sources as Record<keyof Policy, string>;
}

/** R3's levels that hold a policy for `subject`, least specific first, each with its source name. */
function layersOf(index: PolicyIndex, subject: PolicySubject): Array<[string, PolicyOverride]> {
  const layers: Array<[string, PolicyOverride]> = [];
  const channel = index.channels.get(subject.channel);
  if (channel) layers.push([`channel:${subject.channel}`, channel]);
  const queue = subject.queueId === undefined ? undefined : index.queues.get(subject.queueId);
  if (queue) layers.push([`queue:${subject.queueId}`, queue]);
  // Shallowest first, so that a deeper group overrides only the fields it sets.
  for (const groupId of subject.agentGroupIds ?? []) {
    const group = index.agentGroups.get(groupId);
    if (group) layers.push([`agentGroup:${groupId}`, group]);
  }
  const profile = subject.profile === undefined ? undefined : index.profiles.get(subject.profile);
  if (profile) layers.push([`profile:${subject.profile}`, profile]);
  return layers;
}

/** What a contact flow chose for one contact (R3: the most specific level). */
export interface FlowChoice {
  readonly profile?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly mode?: Policy['mode'] | undefined;
  /** R21: whether an unanswered outbound attempt gets the wrap-up. */
  readonly unansweredOutbound?: boolean | undefined;
}

/**
 * R3 with the contact flow's choice on top: a profile the flow names replaces the contact's tag,
 * and an explicit duration or mode from the flow overrides whatever the levels below decided.
 */
export function resolveContactPolicy(
  index: PolicyIndex,
  subject: PolicySubject,
  flow?: FlowChoice | undefined,
): ResolvedPolicy {
  const resolved = resolvePolicy(index, { ...subject, profile: flow?.profile ?? subject.profile });
  if (
    flow === undefined ||
    (flow.durationSeconds === undefined && flow.mode === undefined && flow.unansweredOutbound === undefined)
  )
    return resolved;
  return {
    ...resolved,
    policy: applyOverride(resolved.policy, {
      durationSeconds: flow.durationSeconds,
      mode: flow.mode,
      unansweredOutbound: flow.unansweredOutbound,
    }),
    source: 'flow',
  };
}

function applyOverride(base: Policy, override: PolicyOverride): Policy {
  return { ...base, ...(definedFields(override) as Partial<Policy>) };
}
