/**
 * R20: the admin page's rules, pure (no DOM, no fetch, no clock): the admin API's answers checked,
 * a level's override as a form and back, the API's problems put beside the field they name, what
 * a change changes (for the confirm dialog and the history), and the preview in a sentence.
 *
 * The policy fields and their limits are those of lambda/core/config.ts; the server validates a
 * change with that schema and is the authority. The page only refuses what it cannot send (a
 * duration that is not a number), so every other refusal comes from the API in its own words.
 */
import { MalformedAnswer } from './wrap-up';

/** The levels an override is set at (R3's order, least specific first), as the admin API spells them. */
export const POLICY_LEVELS = ['default', 'channel', 'queue', 'agentGroup', 'profile'] as const;
export type PolicyLevel = (typeof POLICY_LEVELS)[number];

/** Amazon Connect's channels (lambda/core/config.ts CHANNELS). */
export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
/** R3's modes. */
export const MODES = ['timed', 'untimed', 'forced'] as const;
export type Mode = (typeof MODES)[number];

/** The key of the default level in the API's paths. */
export const DEFAULT_KEY = '-';

/** The policy fields, in the order the form shows them. */
export const POLICY_FIELDS = [
  'durationSeconds',
  'mode',
  'extensionSeconds',
  'maxExtensions',
  'requireDisposition',
  'dispositionCodes',
  'defaultDispositionOnTimeout',
  'showCountdown',
  'unansweredOutbound',
] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];

/** A disposition code and its label (R17). */
export interface DispositionCode {
  readonly code: string;
  readonly label: string;
}

/** The fields one level sets (unset fields inherit, R3). */
export interface PolicyOverride {
  readonly durationSeconds?: number;
  readonly mode?: Mode;
  readonly extensionSeconds?: number;
  readonly maxExtensions?: number;
  readonly requireDisposition?: boolean;
  readonly dispositionCodes?: readonly DispositionCode[];
  readonly defaultDispositionOnTimeout?: string;
  readonly showCountdown?: boolean;
  readonly unansweredOutbound?: boolean;
}

/** Where a level's policy comes from: `cdk.json`, or an administrator's change. */
export type PolicySource =
  | { readonly kind: 'deployed' }
  | { readonly kind: 'changed'; readonly by: string; readonly at: string; readonly version: number };

/** One level/key in force, as `GET /v1/admin/policies` lists it. */
export interface PolicyEntry {
  readonly level: PolicyLevel;
  readonly key: string;
  /** The queue's or agent group's name, when the directory knows it. */
  readonly name?: string | undefined;
  readonly policy: PolicyOverride;
  readonly source: PolicySource;
}

/** R18 + R20: whether ACW runs, and who decided. */
export interface KillSwitchView {
  readonly state: 'on' | 'off';
  readonly source: PolicySource;
}

/** `GET /v1/admin/policies`. */
export interface AdminPolicies {
  readonly version: number;
  readonly killSwitch: KillSwitchView;
  readonly policies: readonly PolicyEntry[];
  /**
   * Whether the caller may change them (administrators), when the API says so; undefined when it
   * does not, and the page then learns it from a 403.
   */
  readonly canChange?: boolean | undefined;
}

/** One audited change, as `GET /v1/admin/policies/history` lists it. */
export interface PolicyChange {
  readonly version: number;
  readonly at: string;
  readonly by: string;
  readonly reason: string;
  /** A policy level, or another kind of change (`killSwitch`, `import`). */
  readonly level: string;
  readonly key: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** A queue or agent group by name (`GET /v1/admin/directory`). */
export interface Named {
  readonly id: string;
  readonly name: string;
}

/** `GET /v1/admin/directory`: what an administrator picks by name. */
export interface AdminDirectory {
  readonly queues: readonly Named[];
  readonly agentGroups: readonly Named[];
  readonly refreshedAt?: string | undefined;
}

/** What the preview resolves: a contact's channel, queue, profile tag and its agent's groups. */
export interface PreviewSubject {
  readonly channel: string;
  readonly queueId?: string | undefined;
  readonly profile?: string | undefined;
  /** Hierarchy group ids, shallowest first. */
  readonly agentGroups?: readonly string[] | undefined;
}

/** `POST /v1/admin/policies/preview`: the whole policy, and the level each field came from. */
export interface PreviewResult {
  readonly policy: PolicyOverride;
  /** Per field, the level as the core names it: `default`, `channel:VOICE`, `queue:<id>`, `agentGroup:<id>`, `profile:<name>`. */
  readonly fieldSources: Readonly<Partial<Record<PolicyField, string>>>;
  /** The most specific level that set anything. */
  readonly source?: string | undefined;
  readonly unknownProfile?: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// The answers, checked

type Obj = Record<string, unknown>;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedAnswer(path, 'must be an object');
  }
  return value as Obj;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new MalformedAnswer(path, 'must be a list');
  return value;
}

function string(o: Obj, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new MalformedAnswer(`${path}.${key}`, 'must be a string');
  return value;
}

function optionalString(o: Obj, key: string, path: string): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : string(o, key, path);
}

function integer(o: Obj, key: string, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new MalformedAnswer(`${path}.${key}`, 'must be an integer');
  }
  return value;
}

function isLevel(value: unknown): value is PolicyLevel {
  return typeof value === 'string' && (POLICY_LEVELS as readonly string[]).includes(value);
}

/** A policy as the API returns it: its known fields checked, others (newer API) left out. */
export function parsePolicy(value: unknown, path: string): PolicyOverride {
  const o = object(value, path);
  const out: Record<string, unknown> = {};
  for (const field of ['durationSeconds', 'extensionSeconds', 'maxExtensions'] as const) {
    if (o[field] !== undefined) out[field] = integer(o, field, path);
  }
  if (o.mode !== undefined) {
    if (!(MODES as readonly unknown[]).includes(o.mode)) {
      throw new MalformedAnswer(`${path}.mode`, `must be one of ${MODES.join(', ')}`);
    }
    out.mode = o.mode;
  }
  for (const field of ['requireDisposition', 'showCountdown', 'unansweredOutbound'] as const) {
    if (o[field] === undefined) continue;
    if (typeof o[field] !== 'boolean') throw new MalformedAnswer(`${path}.${field}`, 'must be true or false');
    out[field] = o[field];
  }
  if (o.defaultDispositionOnTimeout !== undefined) {
    out.defaultDispositionOnTimeout = string(o, 'defaultDispositionOnTimeout', path);
  }
  if (o.dispositionCodes !== undefined) {
    out.dispositionCodes = array(o.dispositionCodes, `${path}.dispositionCodes`).map((entry, index) => {
      const at = `${path}.dispositionCodes[${index}]`;
      const code = object(entry, at);
      return { code: string(code, 'code', at), label: string(code, 'label', at) };
    });
  }
  return out as PolicyOverride;
}

function parseSource(value: unknown, path: string): PolicySource {
  const o = object(value, path);
  if (o.kind === 'deployed') return { kind: 'deployed' };
  if (o.kind === 'changed') {
    return {
      kind: 'changed',
      by: string(o, 'by', path),
      at: string(o, 'at', path),
      version: integer(o, 'version', path),
    };
  }
  throw new MalformedAnswer(`${path}.kind`, 'must be "deployed" or "changed"');
}

/** Checks `GET /v1/admin/policies`. */
export function parseAdminPolicies(body: unknown): AdminPolicies {
  const o = object(body, 'body');
  const kill = object(o.killSwitch, 'body.killSwitch');
  if (kill.state !== 'on' && kill.state !== 'off') {
    throw new MalformedAnswer('body.killSwitch.state', 'must be "on" or "off"');
  }
  const policies = array(o.policies, 'body.policies').map((item, index): PolicyEntry => {
    const path = `body.policies[${index}]`;
    const entry = object(item, path);
    if (!isLevel(entry.level))
      throw new MalformedAnswer(`${path}.level`, `must be one of ${POLICY_LEVELS.join(', ')}`);
    return {
      level: entry.level,
      key: string(entry, 'key', path),
      name: optionalString(entry, 'name', path),
      policy: parsePolicy(entry.policy, `${path}.policy`),
      source: parseSource(entry.source, `${path}.source`),
    };
  });
  return {
    version: integer(o, 'version', 'body'),
    killSwitch: { state: kill.state, source: parseSource(kill.source, 'body.killSwitch.source') },
    policies,
    canChange: typeof o.canChange === 'boolean' ? o.canChange : undefined,
  };
}

/** Checks `GET /v1/admin/policies/history`. */
export function parseHistory(body: unknown): PolicyChange[] {
  const o = object(body, 'body');
  return array(o.changes, 'body.changes').map((item, index) => {
    const path = `body.changes[${index}]`;
    const change = object(item, path);
    return {
      version: integer(change, 'version', path),
      at: string(change, 'at', path),
      by: string(change, 'by', path),
      reason: string(change, 'reason', path),
      level: string(change, 'level', path),
      key: optionalString(change, 'key', path) ?? DEFAULT_KEY,
      before: change.before ?? undefined,
      after: change.after ?? undefined,
    };
  });
}

/** Checks `GET /v1/admin/directory` (the statuses are not needed here). */
export function parseDirectory(body: unknown): AdminDirectory {
  const o = object(body, 'body');
  const named = (key: 'queues' | 'agentGroups') =>
    array(o[key], `body.${key}`).map((item, index) => {
      const path = `body.${key}[${index}]`;
      const entry = object(item, path);
      return { id: string(entry, 'id', path), name: string(entry, 'name', path) };
    });
  return {
    queues: named('queues'),
    agentGroups: named('agentGroups'),
    refreshedAt: optionalString(o, 'refreshedAt', 'body'),
  };
}

/** Checks the answer of a change: `{ version }` (the rest is shown from a reload). */
export function parseChangeAnswer(body: unknown): { version: number } {
  return { version: integer(object(body, 'body'), 'version', 'body') };
}

/**
 * Checks `POST /v1/admin/policies/preview`: `{ policy, fieldSources?, source?, unknownProfile? }`.
 * The per-field levels may also come as `sources` or `fields` (`{ field: level }`).
 */
export function parsePreview(body: unknown): PreviewResult {
  const o = object(body, 'body');
  const policy = parsePolicy(o.policy, 'body.policy');
  const raw = o.fieldSources ?? o.sources ?? o.fields;
  const fieldSources: Partial<Record<PolicyField, string>> = {};
  if (raw !== undefined) {
    const sources = object(raw, 'body.fieldSources');
    for (const field of POLICY_FIELDS) {
      const value = sources[field];
      if (typeof value === 'string') fieldSources[field] = value;
    }
  }
  return {
    policy,
    fieldSources,
    source: optionalString(o, 'source', 'body'),
    unknownProfile: optionalString(o, 'unknownProfile', 'body'),
  };
}

// ---------------------------------------------------------------------------------------------
// Names and words

/** Queue and agent group names by id. */
export interface Names {
  readonly queues: ReadonlyMap<string, string>;
  readonly agentGroups: ReadonlyMap<string, string>;
}

/** The names the directory and the policy list know (the list's own names win: they are newer). */
export function namesFrom(
  directory: AdminDirectory | undefined,
  policies: readonly PolicyEntry[] = [],
): Names {
  const queues = new Map((directory?.queues ?? []).map((q) => [q.id, q.name] as const));
  const agentGroups = new Map((directory?.agentGroups ?? []).map((g) => [g.id, g.name] as const));
  for (const entry of policies) {
    if (entry.name === undefined) continue;
    if (entry.level === 'queue') queues.set(entry.key, entry.name);
    if (entry.level === 'agentGroup') agentGroups.set(entry.key, entry.name);
  }
  return { queues, agentGroups };
}

const LEVEL_WORDS: Record<PolicyLevel, string> = {
  default: 'Default',
  channel: 'Channel',
  queue: 'Queue',
  agentGroup: 'Agent group',
  profile: 'Profile',
};

/** "Queue Billing", "Channel VOICE", "Default", "Agent group Trainees" (the id when no name is known). */
export function levelLabel(level: string, key: string, names?: Names): string {
  if (level === 'default') return 'Default';
  if (level === 'killSwitch') return 'Kill switch';
  if (level === 'import') return 'Import';
  if (level === 'queue') return `Queue ${names?.queues.get(key) ?? key}`;
  if (level === 'agentGroup') return `Agent group ${names?.agentGroups.get(key) ?? key}`;
  return `${isLevel(level) ? LEVEL_WORDS[level] : level} ${key}`;
}

/** A source as the core names it (`queue:<id>`, `agentGroup:<id>`, `channel:CHAT`, `default`) in words. */
export function coreSourceLabel(source: string, names?: Names): string {
  const colon = source.indexOf(':');
  if (colon < 0) return source === 'default' ? 'the default' : source;
  const level = source.slice(0, colon);
  const key = source.slice(colon + 1);
  if (level === 'flow') return 'the contact flow';
  return levelLabel(level, key, names).replace(/^(\S)/, (c) => c.toLowerCase());
}

/** "2026-12-03 10:12 UTC": the same for everyone, whatever their time zone. */
export function formatWhen(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Where a policy comes from, in words. */
export function sourceWords(source: PolicySource): string {
  return source.kind === 'deployed'
    ? 'Deployed (cdk.json)'
    : `Changed by ${source.by}, ${formatWhen(source.at)} (version ${source.version})`;
}

/** What each field is called on the page (the API's field name is shown beside it). */
export const FIELD_LABELS: Record<PolicyField, string> = {
  durationSeconds: 'Duration (seconds)',
  mode: 'Mode',
  extensionSeconds: 'Extension (seconds)',
  maxExtensions: 'Extensions allowed',
  requireDisposition: 'Disposition required',
  dispositionCodes: 'Disposition codes',
  defaultDispositionOnTimeout: 'Disposition on timeout',
  showCountdown: 'Show the countdown',
  unansweredOutbound: 'Wrap-up after unanswered outbound calls',
};

/** A field's value in words; undefined is "inherited" (not set at this level). */
export function valueWords(field: PolicyField, value: unknown): string {
  if (value === undefined) return 'inherited';
  if (field === 'dispositionCodes' && Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return (value as DispositionCode[]).map((entry) => `${entry.code} (${entry.label})`).join(', ');
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if ((field === 'durationSeconds' || field === 'extensionSeconds') && typeof value === 'number') {
    return `${value} s`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The fields a level sets, as "name: value" items (for the list). */
export function policyItems(policy: PolicyOverride): string[] {
  return POLICY_FIELDS.filter((field) => policy[field] !== undefined).map(
    (field) => `${field}: ${valueWords(field, policy[field])}`,
  );
}

/** One field a change changes. */
export interface FieldChange {
  readonly field: PolicyField;
  readonly before: string;
  readonly after: string;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What going from `before` to `after` changes, field by field (undefined: not set, or no override). */
export function describeChange(before: unknown, after: unknown): FieldChange[] {
  const from = asPolicy(before);
  const to = asPolicy(after);
  return POLICY_FIELDS.filter((field) => !sameValue(from[field], to[field])).map((field) => ({
    field,
    before: valueWords(field, from[field]),
    after: valueWords(field, to[field]),
  }));
}

function asPolicy(value: unknown): PolicyOverride {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  try {
    return parsePolicy(value, 'policy');
  } catch {
    return {};
  }
}

/** A history record's "what", one line: `durationSeconds: 90 s -> 120 s; mode: inherited -> forced`. */
export function changeLine(change: PolicyChange): string {
  if (change.level === 'killSwitch') {
    const state = (value: unknown) => {
      const s = typeof value === 'object' && value !== null ? (value as Obj).state : value;
      return s === 'on' || s === 'off' ? `ACW ${s}` : 'deployed setting';
    };
    return `${state(change.before)} -> ${state(change.after)}`;
  }
  // Another kind of change (a whole file imported): its record is not one level's override.
  if (!isLevel(change.level)) return `${change.level} (see the audit record)`;
  // No override on one side: the deployed policy (if any) applied, which the record does not hold.
  const whole = (value: unknown) => policyItems(asPolicy(value)).join(', ') || 'nothing set';
  if (change.before === undefined && change.after === undefined) return 'no override before or after';
  if (change.before === undefined) return `no override -> ${whole(change.after)}`;
  if (change.after === undefined)
    return `${whole(change.before)} -> no override (the deployed policy applies)`;
  const fields = describeChange(change.before, change.after);
  if (fields.length === 0) return 'no field changed';
  return fields.map((f) => `${f.field}: ${f.before} -> ${f.after}`).join('; ');
}

// ---------------------------------------------------------------------------------------------
// The form

/** A level's override as the form edits it: text as typed; '' means "not set at this level". */
export type PolicyForm = Record<PolicyField, string>;

/** The form of an empty override. */
export const EMPTY_FORM: PolicyForm = Object.fromEntries(POLICY_FIELDS.map((f) => [f, ''])) as PolicyForm;

/** One line per code: `CODE: Label` (the label defaults to the code). */
export function codesText(codes: readonly DispositionCode[]): string {
  return codes
    .map((entry) => (entry.label === entry.code ? entry.code : `${entry.code}: ${entry.label}`))
    .join('\n');
}

/** The form showing a level's override. */
export function formFromPolicy(policy: PolicyOverride): PolicyForm {
  const text = (value: unknown) => (value === undefined ? '' : String(value));
  return {
    durationSeconds: text(policy.durationSeconds),
    mode: text(policy.mode),
    extensionSeconds: text(policy.extensionSeconds),
    maxExtensions: text(policy.maxExtensions),
    requireDisposition: text(policy.requireDisposition),
    dispositionCodes: policy.dispositionCodes === undefined ? '' : codesText(policy.dispositionCodes),
    defaultDispositionOnTimeout: text(policy.defaultDispositionOnTimeout),
    showCountdown: text(policy.showCountdown),
    unansweredOutbound: text(policy.unansweredOutbound),
  };
}

/** A problem with one field (or with the reason, or the change as a whole). */
export interface FieldProblem {
  readonly field: PolicyField | 'reason' | 'general';
  readonly message: string;
}

/**
 * The override the form says, or what keeps it from being sent. Only what cannot be sent is
 * refused here (a number that is not one); limits and cross-field rules are the API's to say.
 */
export function policyFromForm(form: PolicyForm): { policy: PolicyOverride; problems: FieldProblem[] } {
  const policy: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const field of ['durationSeconds', 'extensionSeconds', 'maxExtensions'] as const) {
    const text = form[field].trim();
    if (text === '') continue;
    if (!/^-?\d+$/.test(text)) {
      problems.push({
        field,
        message: `${field} must be a whole number of ${field === 'maxExtensions' ? 'extensions' : 'seconds'}, got "${text}"`,
      });
    } else policy[field] = Number(text);
  }
  const mode = form.mode.trim();
  if (mode !== '') policy.mode = mode;
  for (const field of ['requireDisposition', 'showCountdown', 'unansweredOutbound'] as const) {
    const text = form[field].trim();
    if (text === 'true' || text === 'false') policy[field] = text === 'true';
  }
  const fallback = form.defaultDispositionOnTimeout.trim();
  if (fallback !== '') policy.defaultDispositionOnTimeout = fallback;
  const lines = form.dispositionCodes
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (lines.length > 0) {
    policy.dispositionCodes = lines.map((line) => {
      const colon = line.indexOf(':');
      const code = (colon < 0 ? line : line.slice(0, colon)).trim();
      const label = colon < 0 ? '' : line.slice(colon + 1).trim();
      return { code, label: label === '' ? code : label };
    });
  }
  return { policy: policy as PolicyOverride, problems };
}

/**
 * The API's problems (`acw.policies.queues["q-1"].durationSeconds must be an integer 0-86400,
 * got -1`) by the field they name: the first policy field named in the problem's path, else
 * `reason` when it is about the reason, else `general`.
 */
export function problemsByField(problems: readonly string[]): FieldProblem[] {
  return problems.map((message) => {
    let best: { field: PolicyField; at: number } | undefined;
    for (const field of POLICY_FIELDS) {
      const at = message.search(new RegExp(`(^|[.\\]"\\s])${field}\\b`));
      if (at >= 0 && (best === undefined || at < best.at)) best = { field, at };
    }
    if (best !== undefined) return { field: best.field, message };
    if (/^\s*reason\b/.test(message)) return { field: 'reason', message };
    return { field: 'general', message };
  });
}

/** The path of a level's override under `/v1/admin/policies/`. */
export function policyPath(level: PolicyLevel, key: string): string {
  return `/v1/admin/policies/${encodeURIComponent(level)}/${encodeURIComponent(level === 'default' ? DEFAULT_KEY : key)}`;
}

// ---------------------------------------------------------------------------------------------
// The list and the preview

/** The policies of one level, in a stable order (by name, then key); the default first overall. */
export function entriesOf(
  policies: readonly PolicyEntry[],
  level: PolicyLevel,
  names?: Names,
): PolicyEntry[] {
  return policies
    .filter((entry) => entry.level === level)
    .map((entry) => ({ entry, label: levelLabel(entry.level, entry.key, names) }))
    .sort((a, b) => a.label.localeCompare(b.label) || a.entry.key.localeCompare(b.entry.key))
    .map(({ entry }) => entry);
}

/**
 * The entries whose name or key contains `query` (case-insensitive), at most `limit` of them:
 * a center has hundreds of queues, and the page shows a page of them at a time.
 */
export function filterEntries(
  entries: readonly PolicyEntry[],
  query: string,
  limit: number,
  names?: Names,
): { shown: PolicyEntry[]; matching: number } {
  const needle = query.trim().toLowerCase();
  const matching =
    needle === ''
      ? [...entries]
      : entries.filter(
          (entry) =>
            entry.key.toLowerCase().includes(needle) ||
            levelLabel(entry.level, entry.key, names).toLowerCase().includes(needle),
        );
  return { shown: matching.slice(0, limit), matching: matching.length };
}

/** "A VOICE contact in queue Billing with profile tier3, its agent in group Trainees" */
export function previewSubjectWords(subject: PreviewSubject, names?: Names): string {
  const parts = [`A ${subject.channel} contact`];
  if (subject.queueId) parts.push(`in queue ${names?.queues.get(subject.queueId) ?? subject.queueId}`);
  if (subject.profile) parts.push(`with profile ${subject.profile}`);
  const groups = (subject.agentGroups ?? []).filter((g) => g !== '');
  if (groups.length > 0) {
    const list = groups.map((g) => names?.agentGroups.get(g) ?? g).join(' > ');
    parts.push(`handled by an agent in group ${list}`);
  }
  return parts.join(' ');
}

/** The preview in one sentence: "A VOICE contact in queue Billing ... gets 120 s of timed wrap-up, ...". */
export function previewSentence(subject: PreviewSubject, result: PreviewResult, names?: Names): string {
  const p = result.policy;
  const what: string[] = [];
  if (p.mode === 'untimed') what.push('untimed wrap-up (until the agent ends it)');
  else {
    const seconds = p.durationSeconds === undefined ? 'the' : `${p.durationSeconds} s of`;
    what.push(`${seconds} ${p.mode ?? 'timed'} wrap-up`);
  }
  if (p.mode !== 'untimed' && p.maxExtensions !== undefined) {
    what.push(
      p.maxExtensions === 0
        ? 'no extension'
        : `up to ${p.maxExtensions} extension${p.maxExtensions === 1 ? '' : 's'} of ${p.extensionSeconds ?? '?'} s`,
    );
  }
  if (p.requireDisposition) what.push('a disposition required');
  if (p.showCountdown === false) what.push('no countdown shown');
  const tail =
    result.unknownProfile === undefined ? '' : ` (profile ${result.unknownProfile} is not defined: ignored)`;
  return `${previewSubjectWords(subject, names)} gets ${what.join(', ')}${tail}.`;
}
