/**
 * The wrap-up as the API sends it (`view()` in lambda/handlers/api.ts, `WrapUp` in
 * openapi/acw-api.json), checked on arrival: the pages never act on a shape they do not know.
 * Extra fields are ignored, so the API may add some without breaking a deployed page.
 */

/** How a wrap-up ends (R3): by itself at the deadline, only when ended, or at the deadline only. */
export type Mode = 'timed' | 'untimed' | 'forced';

/** One disposition the policy offers. */
export interface DispositionCode {
  readonly code: string;
  readonly label: string;
}

/** One wrap-up, as the agent widget and the supervisor board show it. */
export interface WrapUp {
  readonly contactId: string;
  /** Connect user id of the agent in wrap-up. */
  readonly agentId: string;
  readonly channel: string;
  readonly queueId: string | null;
  readonly state: 'WRAP_UP' | 'CLOSED_COMPLETE';
  readonly mode: Mode;
  readonly startedAt: string;
  /** ISO time; null in untimed mode. */
  readonly deadline: string | null;
  /** Seconds to the deadline at the answer's serverTime; null when untimed or closed. */
  readonly secondsLeft: number | null;
  /** Extends granted so far; null when the API does not say. */
  readonly extensionsUsed: number | null;
  readonly extensionsLeft: number;
  readonly extensionSeconds: number;
  readonly dispositionCodes: readonly DispositionCode[];
  readonly requireDisposition: boolean;
  readonly showCountdown: boolean;
  readonly disposition: string | null;
  readonly notes: string | null;
  /** R19: the status the agent will land in when the wrap-up ends; null: the routable status. */
  readonly nextStatus: string | null;
  readonly endReason: string | null;
  /** Display names, shown instead of the ids when the API sends them. */
  readonly queueName: string | null;
  readonly agentName: string | null;
}

/** `GET /v1/me/wrap-ups` and `GET /v1/wrap-ups`. */
export interface WrapUpList {
  readonly serverTime: string;
  readonly wrapUps: readonly WrapUp[];
}

/** Extend, All Done and PUT answer with the wrap-up after the change. */
export interface WrapUpResult {
  readonly serverTime: string;
  readonly wrapUp: WrapUp;
}

/** The API answered something this page does not understand; `path` names the field. */
export class MalformedAnswer extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`unexpected answer from the API: ${path} ${detail}`);
    this.name = 'MalformedAnswer';
  }
}

const MODES: readonly Mode[] = ['timed', 'untimed', 'forced'];

type Obj = Record<string, unknown>;

function object(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedAnswer(path, 'must be an object');
  }
  return value as Obj;
}

function string(o: Obj, key: string, path: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new MalformedAnswer(`${path}.${key}`, 'must be a string');
  return value;
}

function nullableString(o: Obj, key: string, path: string): string | null {
  const value = o[key];
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw new MalformedAnswer(`${path}.${key}`, 'must be a string or null');
  return value;
}

function count(o: Obj, key: string, path: string): number {
  const value = o[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new MalformedAnswer(`${path}.${key}`, 'must be a whole number of 0 or more');
  }
  return value;
}

function nullableCount(o: Obj, key: string, path: string): number | null {
  return o[key] === null || o[key] === undefined ? null : count(o, key, path);
}

function boolean(o: Obj, key: string, path: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new MalformedAnswer(`${path}.${key}`, 'must be true or false');
  return value;
}

function time(o: Obj, key: string, path: string): string {
  const value = string(o, key, path);
  if (Number.isNaN(Date.parse(value))) throw new MalformedAnswer(`${path}.${key}`, 'must be an ISO time');
  return value;
}

/** Checks one wrap-up of an answer; `path` names it in errors. */
export function parseWrapUp(value: unknown, path = 'wrapUp'): WrapUp {
  const o = object(value, path);
  const state = string(o, 'state', path);
  if (state !== 'WRAP_UP' && state !== 'CLOSED_COMPLETE') {
    throw new MalformedAnswer(`${path}.state`, 'must be WRAP_UP or CLOSED_COMPLETE');
  }
  const mode = string(o, 'mode', path);
  if (!MODES.includes(mode as Mode))
    throw new MalformedAnswer(`${path}.mode`, 'must be timed, untimed or forced');
  const deadline = nullableString(o, 'deadline', path);
  if (deadline !== null && Number.isNaN(Date.parse(deadline))) {
    throw new MalformedAnswer(`${path}.deadline`, 'must be an ISO time or null');
  }
  const codes = o.dispositionCodes;
  if (!Array.isArray(codes)) throw new MalformedAnswer(`${path}.dispositionCodes`, 'must be a list');
  return {
    contactId: string(o, 'contactId', path),
    agentId: string(o, 'agentId', path),
    channel: string(o, 'channel', path),
    queueId: nullableString(o, 'queueId', path),
    state,
    mode: mode as Mode,
    startedAt: time(o, 'startedAt', path),
    deadline,
    secondsLeft: nullableCount(o, 'secondsLeft', path),
    extensionsUsed: nullableCount(o, 'extensionsUsed', path),
    extensionsLeft: count(o, 'extensionsLeft', path),
    extensionSeconds: count(o, 'extensionSeconds', path),
    dispositionCodes: codes.map((entry, i) => {
      const code = object(entry, `${path}.dispositionCodes[${i}]`);
      return {
        code: string(code, 'code', `${path}.dispositionCodes[${i}]`),
        label: string(code, 'label', `${path}.dispositionCodes[${i}]`),
      };
    }),
    requireDisposition: boolean(o, 'requireDisposition', path),
    showCountdown: boolean(o, 'showCountdown', path),
    disposition: nullableString(o, 'disposition', path),
    notes: nullableString(o, 'notes', path),
    // An API from before R19 sends none: the routable status.
    nextStatus: nullableString(o, 'nextStatus', path),
    endReason: nullableString(o, 'endReason', path),
    queueName: nullableString(o, 'queueName', path),
    agentName: nullableString(o, 'agentName', path),
  };
}

/** Checks a list answer (`GET /v1/me/wrap-ups`, `GET /v1/wrap-ups`). */
export function parseWrapUpList(body: unknown): WrapUpList {
  const o = object(body, 'body');
  const list = o.wrapUps;
  if (!Array.isArray(list)) throw new MalformedAnswer('body.wrapUps', 'must be a list');
  return {
    serverTime: time(o, 'serverTime', 'body'),
    wrapUps: list.map((w, i) => parseWrapUp(w, `wrapUps[${i}]`)),
  };
}

/** Checks an action's answer (Extend, All Done, PUT). */
export function parseWrapUpResult(body: unknown): WrapUpResult {
  const o = object(body, 'body');
  return { serverTime: time(o, 'serverTime', 'body'), wrapUp: parseWrapUp(o.wrapUp) };
}

/** R19: an agent status the agent may choose to land in after wrap-up. */
export interface StatusChoice {
  readonly name: string;
  readonly type: 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';
}

/** `GET /v1/me/statuses`. */
export interface StatusList {
  readonly serverTime: string;
  readonly statuses: readonly StatusChoice[];
}

const STATUS_TYPES: readonly StatusChoice['type'][] = ['ROUTABLE', 'CUSTOM', 'OFFLINE'];

/** Checks `GET /v1/me/statuses`. */
export function parseStatusList(body: unknown): StatusList {
  const o = object(body, 'body');
  const list = o.statuses;
  if (!Array.isArray(list)) throw new MalformedAnswer('body.statuses', 'must be a list');
  return {
    serverTime: time(o, 'serverTime', 'body'),
    statuses: list.map((entry, i) => {
      const path = `statuses[${i}]`;
      const status = object(entry, path);
      const type = string(status, 'type', path);
      if (!STATUS_TYPES.includes(type as StatusChoice['type'])) {
        throw new MalformedAnswer(`${path}.type`, 'must be ROUTABLE, CUSTOM or OFFLINE');
      }
      return { name: string(status, 'name', path), type: type as StatusChoice['type'] };
    }),
  };
}

/** One option of the "After wrap-up" picker: `value` null is the routable status (no choice). */
export interface NextStatusOption {
  readonly value: string | null;
  readonly label: string;
}

/**
 * R19: the "After wrap-up" picker's options: first the default, the routable status (named after
 * the instance's first ROUTABLE status, "Available" when the list has none), then every other status
 * an agent may choose. A chosen status the list no longer has stays shown, so the picker never
 * silently shows another choice than the saved one.
 */
export function nextStatusOptions(
  statuses: readonly StatusChoice[],
  chosen: string | null,
): NextStatusOption[] {
  const routable = statuses.find((status) => status.type === 'ROUTABLE')?.name ?? 'Available';
  const options: NextStatusOption[] = [{ value: null, label: routable }];
  for (const status of statuses) {
    if (status.name === routable) continue;
    options.push({ value: status.name, label: status.name });
  }
  if (chosen !== null && chosen !== routable && !options.some((option) => option.value === chosen)) {
    options.push({ value: chosen, label: chosen });
  }
  return options;
}

/** R19: what the board and the card say the agent lands in: their choice, else the routable status. */
export function nextStatusLabel(wrapUp: Pick<WrapUp, 'nextStatus'>, routable = 'Available'): string {
  return wrapUp.nextStatus ?? `${routable} (default)`;
}

/** A wrap-up's identity: one agent's leg of one contact. */
export function keyOf(wrapUp: Pick<WrapUp, 'contactId' | 'agentId'>): string {
  return `${wrapUp.contactId}/${wrapUp.agentId}`;
}

/** R20: what the pages show for an agent: their name when the API sends it, else their Connect user id. */
export function agentLabel(wrapUp: Pick<WrapUp, 'agentId' | 'agentName'>): string {
  return wrapUp.agentName ?? wrapUp.agentId;
}

/** What the pages show for a queue: its name when known, else its id, else a dash. */
export function queueLabel(
  wrapUp: Pick<WrapUp, 'queueId' | 'queueName'>,
  names?: ReadonlyMap<string, string>,
): string {
  if (wrapUp.queueName) return wrapUp.queueName;
  if (wrapUp.queueId === null) return 'No queue';
  return names?.get(wrapUp.queueId) ?? wrapUp.queueId;
}

/** A channel as agents say it: VOICE → Voice. */
export function channelLabel(channel: string): string {
  const lower = channel.toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** The mode in words, short enough for the side panel; the same for agents and supervisors. */
export function modeLabel(mode: Mode): string {
  switch (mode) {
    case 'timed':
      return 'Timed: ends at the deadline';
    case 'untimed':
      return 'Untimed: ends only when ended';
    case 'forced':
      return 'Forced: cannot end early';
  }
}
