/**
 * R20: the form for one level's override: every policy field (empty: not set at this level, so
 * inherited as R3 says), a reason, and "Review change", which opens a dialog saying what changes
 * before anything is sent. Problems are shown beside the field they name (the API's 400
 * problems, or a number that is not one) and the first such field gets the focus.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  describeChange,
  FIELD_LABELS,
  type FieldChange,
  type FieldProblem,
  MODES,
  POLICY_FIELDS,
  type PolicyField,
  type PolicyForm,
  type PolicyOverride,
  policyFromForm,
} from '../logic/admin';
import { ConfirmDialog } from './Dialog';

export interface PolicyEditorProps {
  /** "Queue Billing", "Default". */
  readonly target: string;
  /** The level's override now (deployed or changed); undefined when it has none. */
  readonly current: PolicyOverride | undefined;
  readonly initial: PolicyForm;
  readonly busy: boolean;
  /**
   * Sends the change and shows the outcome; resolves with the problems by field when the API
   * refused the policy (400), else with none.
   */
  readonly onSend: (policy: PolicyOverride, reason: string) => Promise<readonly FieldProblem[]>;
  readonly onClose: () => void;
}

const BOOLEAN_FIELDS = new Set<PolicyField>(['requireDisposition', 'showCountdown', 'unansweredOutbound']);
const NUMBER_FIELDS = new Set<PolicyField>(['durationSeconds', 'extensionSeconds', 'maxExtensions']);

/** The editor of one level's override. */
export function PolicyEditor(props: PolicyEditorProps) {
  const [form, setForm] = useState<PolicyForm>(props.initial);
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [review, setReview] = useState<{ policy: PolicyOverride; changes: FieldChange[] } | undefined>(
    undefined,
  );
  const heading = useRef<HTMLHeadingElement>(null);
  const root = useRef<HTMLElement>(null);
  /** The problem whose field gets the focus once the dialog has closed (and given the focus back). */
  const focusNext = useRef<FieldProblem | undefined>(undefined);

  // Opened: the focus goes to the editor's heading, so a screen reader says where it is.
  useEffect(() => heading.current?.focus(), []);

  // Runs after the dialog's own clean-up (a child's), so this focus is the last word.
  useEffect(() => {
    const next = focusNext.current;
    if (next === undefined || review !== undefined) return;
    focusNext.current = undefined;
    focusProblem(next);
  }, [problems, review]);

  const focusProblem = (problem: FieldProblem) => {
    const id = problem.field === 'general' ? 'editor-errors' : `field-${problem.field}`;
    root.current?.querySelector<HTMLElement>(`#${id}`)?.focus();
  };

  const set = (field: PolicyField, value: string) => setForm((all) => ({ ...all, [field]: value }));

  const onReview = (event: Event) => {
    event.preventDefault();
    const { policy, problems: found } = policyFromForm(form);
    const all = [...found];
    if (reason.trim() === '')
      all.push({
        field: 'reason',
        message: 'reason: say why the policy changes (it is kept in the history)',
      });
    setProblems(all);
    focusNext.current = all[0];
    if (all.length === 0) setReview({ policy, changes: describeChange(props.current, policy) });
  };

  const send = async (policy: PolicyOverride) => {
    const refused = await props.onSend(policy, reason.trim());
    focusNext.current = refused[0];
    setProblems(refused);
    setReview(undefined);
  };

  const messagesOf = (field: FieldProblem['field']) => problems.filter((p) => p.field === field);
  const describedBy = (field: FieldProblem['field'], hint: boolean) =>
    [hint ? `hint-${field}` : '', messagesOf(field).length > 0 ? `error-${field}` : '']
      .filter(Boolean)
      .join(' ') || undefined;

  return (
    <section class="panel" aria-labelledby="editor-title" data-testid="policy-editor" ref={root}>
      <h2 id="editor-title" tabIndex={-1} ref={heading}>
        Change the policy: {props.target}
      </h2>
      <p class="hint">
        Empty fields are not set at this level: they are inherited (R3). The policy you send is this level's
        whole override.
      </p>
      {problems.length > 0 && (
        <div
          class="message message-error"
          role="alert"
          id="editor-errors"
          tabIndex={-1}
          data-testid="form-errors"
        >
          <p>Not sent: {problems.length === 1 ? 'one problem' : `${problems.length} problems`}.</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem.message}>{problem.message}</li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={onReview} noValidate>
        <div class="policy-fields">
          {POLICY_FIELDS.map((field) => {
            const messages = messagesOf(field);
            const hint = field === 'dispositionCodes';
            const common = {
              id: `field-${field}`,
              'data-testid': `field-${field}`,
              'aria-invalid': messages.length > 0 ? ('true' as const) : undefined,
              'aria-describedby': describedBy(field, hint),
            };
            return (
              <div class="field" key={field}>
                <label for={`field-${field}`}>
                  {FIELD_LABELS[field]} <code class="field-name">{field}</code>
                </label>
                {NUMBER_FIELDS.has(field) && (
                  <input
                    {...common}
                    type="text"
                    inputMode="numeric"
                    autoComplete="off"
                    placeholder="inherited"
                    value={form[field]}
                    onInput={(event) => set(field, event.currentTarget.value)}
                  />
                )}
                {field === 'mode' && (
                  <select
                    {...common}
                    value={form.mode}
                    onChange={(event) => set(field, event.currentTarget.value)}
                  >
                    <option value="">inherited</option>
                    {MODES.map((mode) => (
                      <option key={mode} value={mode}>
                        {mode}
                      </option>
                    ))}
                  </select>
                )}
                {BOOLEAN_FIELDS.has(field) && (
                  <select
                    {...common}
                    value={form[field]}
                    onChange={(event) => set(field, event.currentTarget.value)}
                  >
                    <option value="">inherited</option>
                    <option value="true">yes</option>
                    <option value="false">no</option>
                  </select>
                )}
                {field === 'dispositionCodes' && (
                  <>
                    <textarea
                      {...common}
                      rows={3}
                      placeholder="inherited"
                      value={form.dispositionCodes}
                      onInput={(event) => set(field, event.currentTarget.value)}
                    />
                    <span class="hint" id="hint-dispositionCodes">
                      One per line: <code>CODE: Label</code>.
                    </span>
                  </>
                )}
                {field === 'defaultDispositionOnTimeout' && (
                  <input
                    {...common}
                    type="text"
                    autoComplete="off"
                    placeholder="inherited"
                    value={form.defaultDispositionOnTimeout}
                    onInput={(event) => set(field, event.currentTarget.value)}
                  />
                )}
                {messages.length > 0 && (
                  <p class="field-error" id={`error-${field}`} data-testid={`error-${field}`}>
                    {messages.map((m) => m.message).join(' ')}
                  </p>
                )}
              </div>
            );
          })}
        </div>
        <div class="field">
          <label for="field-reason">Reason (kept in the history)</label>
          <textarea
            id="field-reason"
            data-testid="field-reason"
            rows={2}
            required
            aria-invalid={messagesOf('reason').length > 0 ? 'true' : undefined}
            aria-describedby={describedBy('reason', false)}
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          {messagesOf('reason').length > 0 && (
            <p class="field-error" id="error-reason" data-testid="error-reason">
              {messagesOf('reason')
                .map((m) => m.message)
                .join(' ')}
            </p>
          )}
        </div>
        <div class="actions">
          <button
            type="submit"
            class="button button-primary"
            data-testid="review-button"
            disabled={props.busy}
          >
            Review the change…
          </button>
          <button type="button" class="button" data-testid="editor-cancel" onClick={() => props.onClose()}>
            Cancel
          </button>
        </div>
      </form>
      {review !== undefined && (
        <ConfirmDialog
          title={`Change ${props.target}?`}
          confirmLabel="Change the policy"
          busy={props.busy}
          onCancel={() => setReview(undefined)}
          onConfirm={() => void send(review.policy)}
        >
          {review.changes.length === 0 ? (
            <p data-testid="dialog-changes">
              Nothing changes: the override stays as it is (the change is still recorded).
            </p>
          ) : (
            <ul data-testid="dialog-changes">
              {review.changes.map((change) => (
                <li key={change.field}>
                  <code>{change.field}</code>: {change.before} → {change.after}
                </li>
              ))}
            </ul>
          )}
          <p>
            Reason: <q>{reason.trim()}</q>
          </p>
          <p class="hint">
            It applies to contacts that disconnect from about a minute after it; open wrap-ups keep theirs.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
