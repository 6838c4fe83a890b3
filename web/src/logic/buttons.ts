/**
 * Which actions a wrap-up offers, and why not when it does not (R5, R6). The API decides in the
 * end and its refusals are shown too; these states keep the agent from pressing a button that
 * can only be refused, and say why in words (never colour alone).
 */
import { spokenDuration } from './clock';
import type { WrapUp } from './wrap-up';

/** Longest notes the API accepts (MAX_NOTES_LENGTH in lambda/core/actions.ts; a test keeps them equal). */
export const MAX_NOTES_LENGTH = 2000;

/** A button's state: enabled, or disabled with the reason shown next to it. */
export interface ActionState {
  readonly enabled: boolean;
  /** Why it is disabled, in words; undefined when enabled or when nothing needs saying. */
  readonly reason?: string;
}

/** What the buttons depend on besides the wrap-up itself. */
export interface ActionContext {
  /** Seconds left on the skew-corrected countdown; null without deadline. */
  readonly secondsLeft: number | null;
  /** The disposition chosen in the picker and not saved yet, or null. */
  readonly draftDisposition: string | null;
  /** The notes as typed (the saved notes when untouched). */
  readonly draftNotes: string;
  /** An action on this wrap-up is in flight. */
  readonly busy: boolean;
}

/** Reasons, kept as constants so tests and the browser tests can name them. */
export const REASONS = {
  closed: 'Wrap-up has ended',
  untimed: 'No time limit: nothing to extend',
  noExtensionLeft: 'No extension left',
  timeUp: 'Time is up: checking with the server',
  busy: 'Working…',
  forced: 'Forced wrap-up: it ends by itself at the deadline',
  dispositionRequired: 'Choose a disposition first',
  nothingToSave: 'Nothing to save',
} as const;

const ENABLED: ActionState = { enabled: true };
const disabled = (reason: string): ActionState => ({ enabled: false, reason });

/** A timed or forced wrap-up whose countdown reached 0: its deadline is stale until refetched. */
export function isExpired(wrapUp: WrapUp, secondsLeft: number | null): boolean {
  return wrapUp.mode !== 'untimed' && wrapUp.deadline !== null && secondsLeft !== null && secondsLeft <= 0;
}

/** The disposition that All Done would send or keep: the picker's choice, else the saved one. */
export function effectiveDisposition(
  wrapUp: WrapUp,
  context: Pick<ActionContext, 'draftDisposition'>,
): string | null {
  return context.draftDisposition ?? wrapUp.disposition;
}

/** R5: Extend, while the wrap-up is open and timed or forced, and extensions are left. */
export function extendState(wrapUp: WrapUp, context: ActionContext): ActionState {
  if (wrapUp.state !== 'WRAP_UP') return disabled(REASONS.closed);
  if (wrapUp.mode === 'untimed' || wrapUp.deadline === null) return disabled(REASONS.untimed);
  if (wrapUp.extensionsLeft <= 0) return disabled(REASONS.noExtensionLeft);
  if (isExpired(wrapUp, context.secondsLeft)) return disabled(REASONS.timeUp);
  if (context.busy) return disabled(REASONS.busy);
  return ENABLED;
}

/** R6: All Done, except in forced mode and while a required disposition is missing. */
export function doneState(wrapUp: WrapUp, context: ActionContext): ActionState {
  if (wrapUp.state !== 'WRAP_UP') return disabled(REASONS.closed);
  if (wrapUp.mode === 'forced') return disabled(REASONS.forced);
  if (wrapUp.requireDisposition && effectiveDisposition(wrapUp, context) === null) {
    return disabled(REASONS.dispositionRequired);
  }
  if (isExpired(wrapUp, context.secondsLeft)) return disabled(REASONS.timeUp);
  if (context.busy) return disabled(REASONS.busy);
  return ENABLED;
}

/** Save (disposition and notes), when something changed and the notes fit. */
export function saveState(wrapUp: WrapUp, context: ActionContext): ActionState {
  if (wrapUp.state !== 'WRAP_UP') return disabled(REASONS.closed);
  if (context.draftNotes.length > MAX_NOTES_LENGTH) return disabled(notesTooLong(context.draftNotes.length));
  const changed =
    (context.draftDisposition !== null && context.draftDisposition !== wrapUp.disposition) ||
    context.draftNotes !== (wrapUp.notes ?? '');
  if (!changed) return disabled(REASONS.nothingToSave);
  if (isExpired(wrapUp, context.secondsLeft)) return disabled(REASONS.timeUp);
  if (context.busy) return disabled(REASONS.busy);
  return ENABLED;
}

/** The notes counter: `12 of 2000 characters`. */
export function notesCounter(length: number): string {
  return `${length} of ${MAX_NOTES_LENGTH} characters`;
}

/** The reason shown when the notes are over the limit. */
export function notesTooLong(length: number): string {
  return `Notes are too long: ${length} of ${MAX_NOTES_LENGTH} characters`;
}

/** The Extend button's text: what it adds. */
export function extendLabel(wrapUp: WrapUp): string {
  return wrapUp.mode === 'untimed' ? 'Extend' : `Extend +${spokenDuration(wrapUp.extensionSeconds)}`;
}

/** The extensions line: `2 of 3 extensions left`, or just `1 extension left` when the total is unknown. */
export function extensionsText(wrapUp: WrapUp): string {
  if (wrapUp.mode === 'untimed') return 'No extensions: no time limit';
  const left = wrapUp.extensionsLeft;
  if (wrapUp.extensionsUsed === null) return `${left} extension${left === 1 ? '' : 's'} left`;
  const total = left + wrapUp.extensionsUsed;
  return `${left} of ${total} extension${total === 1 ? '' : 's'} left`;
}

/**
 * The body of All Done or Save: only what the agent chose (the API keeps the rest), notes only
 * when changed; undefined fields are left out so the strict API schema accepts it.
 */
export function actionBody(
  wrapUp: WrapUp,
  context: Pick<ActionContext, 'draftDisposition' | 'draftNotes'>,
): {
  disposition?: string;
  notes?: string;
} {
  return {
    ...(context.draftDisposition !== null && context.draftDisposition !== wrapUp.disposition
      ? { disposition: context.draftDisposition }
      : {}),
    ...(context.draftNotes !== (wrapUp.notes ?? '') ? { notes: context.draftNotes } : {}),
  };
}
