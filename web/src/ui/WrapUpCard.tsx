/**
 * One open wrap-up in the agent's widget: channel, queue, countdown (or "no time limit") and
 * beside it the "After wrap-up" picker (R19: the status to land in, saved as soon as chosen),
 * extensions left, mode; Extend and All Done with the reason when disabled; the disposition
 * picker; notes with the limit; Save. Every state is said in words, never colour alone.
 */
import { useId } from 'preact/hooks';
import {
  type ActionContext,
  doneState,
  extendLabel,
  extendState,
  extensionsText,
  isExpired,
  MAX_NOTES_LENGTH,
  notesCounter,
  saveState,
} from '../logic/buttons';
import { formatClock, spokenDuration } from '../logic/clock';
import {
  channelLabel,
  modeLabel,
  nextStatusOptions,
  queueLabel,
  type StatusChoice,
  type WrapUp,
} from '../logic/wrap-up';

/** What the agent typed or chose and has not saved. */
export interface Draft {
  /** Chosen in the picker; null when untouched. */
  readonly disposition: string | null;
  /** Typed; null when untouched (the saved notes show). */
  readonly notes: string | null;
}

/** A message under the card: a refusal (alert) or a confirmation (status). */
export interface CardMessage {
  readonly text: string;
  readonly tone: 'error' | 'ok';
}

/** The card's inputs. */
export interface WrapUpCardProps {
  readonly wrapUp: WrapUp;
  /** Skew-corrected seconds left; null without deadline. */
  readonly secondsLeft: number | null;
  readonly draft: Draft;
  readonly busy: boolean;
  readonly message: CardMessage | undefined;
  readonly queueNames: ReadonlyMap<string, string>;
  /** R19: the statuses the agent may choose (GET /v1/me/statuses); undefined until loaded. */
  readonly statuses: readonly StatusChoice[] | undefined;
  /** R19: the agent chose where to land after wrap-up (null: the routable status). */
  readonly onNextStatus: (nextStatus: string | null) => void;
  readonly onDraft: (draft: Draft) => void;
  readonly onExtend: () => void;
  readonly onDone: () => void;
  readonly onSave: () => void;
}

/** One wrap-up card. */
export function WrapUpCard(props: WrapUpCardProps) {
  const { wrapUp, secondsLeft, draft } = props;
  const id = useId();
  const context: ActionContext = {
    secondsLeft,
    draftDisposition: draft.disposition,
    draftNotes: draft.notes ?? wrapUp.notes ?? '',
    busy: props.busy,
  };
  const extend = extendState(wrapUp, context);
  const done = doneState(wrapUp, context);
  const save = saveState(wrapUp, context);
  const expired = isExpired(wrapUp, secondsLeft);
  const channel = channelLabel(wrapUp.channel);
  const queue = queueLabel(wrapUp, props.queueNames);
  const selected = draft.disposition ?? wrapUp.disposition ?? '';

  return (
    <section
      class="card"
      aria-labelledby={`${id}-title`}
      data-testid="wrap-up-card"
      data-contact-id={wrapUp.contactId}
      data-mode={wrapUp.mode}
    >
      <header class="card-header">
        <h2 id={`${id}-title`} class="card-title">
          <span data-testid="channel">{channel}</span> wrap-up
        </h2>
        <p class="card-meta">
          Queue: <span data-testid="queue">{queue}</span>
        </p>
      </header>

      <div class="countdown-row">
        <Countdown wrapUp={wrapUp} secondsLeft={secondsLeft} expired={expired} />
        <NextStatusPicker
          id={`${id}-next-status`}
          wrapUp={wrapUp}
          statuses={props.statuses}
          busy={props.busy}
          onChange={props.onNextStatus}
        />
      </div>

      <dl class="facts">
        <div>
          <dt>Mode</dt>
          <dd data-testid="mode">{modeLabel(wrapUp.mode)}</dd>
        </div>
        <div>
          <dt>Extensions</dt>
          <dd data-testid="extensions-left">{extensionsText(wrapUp)}</dd>
        </div>
      </dl>

      <div class="actions">
        <div class="action">
          <button
            type="button"
            class="button"
            data-testid="extend-button"
            disabled={!extend.enabled}
            aria-describedby={extend.reason ? `${id}-extend-reason` : undefined}
            onClick={props.onExtend}
          >
            {extendLabel(wrapUp)}
          </button>
          {extend.reason && (
            <p id={`${id}-extend-reason`} class="reason" data-testid="extend-reason">
              {extend.reason}
            </p>
          )}
        </div>
        <div class="action">
          <button
            type="button"
            class="button button-primary"
            data-testid="done-button"
            disabled={!done.enabled}
            aria-describedby={done.reason ? `${id}-done-reason` : undefined}
            onClick={props.onDone}
          >
            All Done
          </button>
          {done.reason && (
            <p id={`${id}-done-reason`} class="reason" data-testid="done-reason">
              {done.reason}
            </p>
          )}
        </div>
      </div>

      <div class="field">
        <label for={`${id}-disposition`}>Disposition{wrapUp.requireDisposition ? ' (required)' : ''}</label>
        {wrapUp.dispositionCodes.length === 0 ? (
          <p class="hint" data-testid="disposition-picker">
            No dispositions for this queue.
          </p>
        ) : (
          <select
            id={`${id}-disposition`}
            data-testid="disposition-picker"
            value={selected}
            aria-required={wrapUp.requireDisposition}
            disabled={wrapUp.state !== 'WRAP_UP'}
            onChange={(event) => props.onDraft({ ...draft, disposition: event.currentTarget.value || null })}
          >
            <option value="" disabled={wrapUp.disposition !== null}>
              Choose…
            </option>
            {wrapUp.dispositionCodes.map((entry) => (
              <option key={entry.code} value={entry.code}>
                {entry.label}
              </option>
            ))}
          </select>
        )}
      </div>

      <div class="field">
        <label for={`${id}-notes`}>Notes</label>
        <textarea
          id={`${id}-notes`}
          data-testid="notes"
          rows={3}
          maxLength={MAX_NOTES_LENGTH}
          value={context.draftNotes}
          aria-describedby={`${id}-notes-count`}
          disabled={wrapUp.state !== 'WRAP_UP'}
          onInput={(event) => props.onDraft({ ...draft, notes: event.currentTarget.value })}
        />
        <p id={`${id}-notes-count`} class="hint" data-testid="notes-count">
          {notesCounter(context.draftNotes.length)}
        </p>
      </div>

      <div class="action">
        <button
          type="button"
          class="button"
          data-testid="save-button"
          disabled={!save.enabled}
          onClick={props.onSave}
        >
          Save
        </button>
        {save.reason && save.reason !== 'Nothing to save' && (
          <p class="reason" data-testid="save-reason">
            {save.reason}
          </p>
        )}
      </div>

      {props.message && (
        <p
          class={`message ${props.message.tone === 'error' ? 'message-error' : 'message-ok'}`}
          role={props.message.tone === 'error' ? 'alert' : 'status'}
          data-testid="action-message"
        >
          {props.message.tone === 'error' ? 'Not done: ' : ''}
          {props.message.text}
        </p>
      )}
    </section>
  );
}

/**
 * R19: "After wrap-up": the status the agent lands in when the wrap-up ends, the routable status
 * by default. A native select: labelled, reachable and operable from the keyboard; each choice is
 * saved at once (PUT nextStatus) and does not end the wrap-up.
 */
function NextStatusPicker({
  id,
  wrapUp,
  statuses,
  busy,
  onChange,
}: {
  id: string;
  wrapUp: WrapUp;
  statuses: readonly StatusChoice[] | undefined;
  busy: boolean;
  onChange: (nextStatus: string | null) => void;
}) {
  const options = nextStatusOptions(statuses ?? [], wrapUp.nextStatus);
  const current = options.find((option) => option.value === wrapUp.nextStatus) ?? options[0];
  return (
    <div class="field next-status">
      <label for={id}>After wrap-up</label>
      <select
        id={id}
        data-testid="next-status-picker"
        value={wrapUp.nextStatus ?? ''}
        aria-describedby={`${id}-hint`}
        disabled={wrapUp.state !== 'WRAP_UP' || busy || statuses === undefined}
        onChange={(event) => onChange(event.currentTarget.value === '' ? null : event.currentTarget.value)}
      >
        {options.map((option) => (
          <option key={option.value ?? ''} value={option.value ?? ''}>
            {option.label}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} class="hint" data-testid="next-status-hint">
        {statuses === undefined
          ? 'Loading the statuses you can choose…'
          : `When wrap-up ends you will be put in ${current?.label ?? 'the routable status'}.`}
      </p>
    </div>
  );
}

/** The countdown, or why there is none. Visual only: the live region speaks at moments. */
function Countdown({
  wrapUp,
  secondsLeft,
  expired,
}: {
  wrapUp: WrapUp;
  secondsLeft: number | null;
  expired: boolean;
}) {
  if (wrapUp.mode === 'untimed' || secondsLeft === null) {
    return (
      <p class="countdown" data-testid="countdown" data-seconds-left="">
        No time limit
      </p>
    );
  }
  if (!wrapUp.showCountdown) {
    return (
      <p class="countdown countdown-hidden" data-testid="countdown" data-hidden="true">
        {expired ? 'Time is up' : 'Ends automatically'}
      </p>
    );
  }
  const urgent = secondsLeft <= 30;
  return (
    <p
      class={`countdown${urgent ? ' countdown-urgent' : ''}`}
      data-testid="countdown"
      data-seconds-left={String(secondsLeft)}
    >
      {expired ? (
        'Time is up'
      ) : (
        <>
          <span class="countdown-digits" aria-hidden="true">
            {formatClock(secondsLeft)}
          </span>
          <span class="visually-hidden">{spokenDuration(secondsLeft)}</span>
          <span class="countdown-label"> left{urgent ? ' (ending soon)' : ''}</span>
        </>
      )}
    </p>
  );
}
