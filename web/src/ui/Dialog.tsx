/**
 * A modal confirmation dialog on the browser's own `<dialog>` (showModal): the rest of the page is
 * inert while it is open, Tab and Shift+Tab stay inside it, Escape closes it (as Cancel), and on
 * closing the focus goes back to what had it when it opened (the button that asked).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

export interface ConfirmDialogProps {
  /** The dialog's heading (its accessible name). */
  readonly title: string;
  /** The Confirm button's words: what it does ("Change the policy"). */
  readonly confirmLabel: string;
  readonly busy?: boolean;
  /** A refusal to show in the dialog (an alert). */
  readonly error?: string | undefined;
  readonly onConfirm: () => void;
  /** Cancel, Escape. */
  readonly onCancel: () => void;
  readonly testId?: string;
  readonly children: ComponentChildren;
}

/** Open while rendered: mount it to ask, unmount it to close. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const onCancel = useRef(props.onCancel);
  onCancel.current = props.onCancel;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    // The first field (a reason to give), else Cancel: never Confirm, so Enter does not confirm by accident.
    const first =
      dialog.querySelector<HTMLElement>('textarea, input, select') ??
      dialog.querySelector<HTMLElement>('[data-cancel]');
    first?.focus();
    return () => {
      if (dialog.open) dialog.close();
      // Back where the user was (the opener may have been re-rendered away: then nothing to do).
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab') return;
    const dialog = ref.current;
    if (dialog === null) return;
    const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (first === undefined || last === undefined) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="dialog-title"
      data-testid={props.testId ?? 'confirm-dialog'}
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        // Escape: closed by us, so the focus goes back and the state follows.
        event.preventDefault();
        onCancel.current();
      }}
    >
      <h2 id="dialog-title">{props.title}</h2>
      {props.children}
      {props.error !== undefined && (
        <p class="message message-error" role="alert" data-testid="dialog-error">
          {props.error}
        </p>
      )}
      <div class="actions">
        <button
          type="button"
          class="button"
          data-cancel
          data-testid="dialog-cancel"
          onClick={() => props.onCancel()}
        >
          Cancel
        </button>
        <button
          type="button"
          class="button button-primary"
          data-testid="dialog-confirm"
          disabled={props.busy === true}
          onClick={() => props.onConfirm()}
        >
          {props.busy === true ? 'Sending…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
