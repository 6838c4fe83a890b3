/**
 * R20: "a VOICE contact in queue Billing with profile tier3, its agent in group Trainees, gets
 * ...": the policy the live policies give such a contact (`POST /v1/admin/policies/preview`), and
 * the level each field comes from. Queues and groups are picked by name.
 */
import { useState } from 'preact/hooks';
import type { AdminApi } from '../admin-api';
import {
  CHANNELS,
  coreSourceLabel,
  FIELD_LABELS,
  type Named,
  type Names,
  POLICY_FIELDS,
  type PreviewResult,
  type PreviewSubject,
  previewSentence,
  valueWords,
} from '../logic/admin';
import { failureOf, failureWords } from '../logic/errors';

export interface PolicyPreviewProps {
  readonly api: AdminApi;
  readonly names: Names;
  readonly queues: readonly Named[];
  readonly agentGroups: readonly Named[];
  readonly profiles: readonly string[];
  readonly announce: (text: string) => void;
}

/** The preview form and its answer. */
export function PolicyPreview(props: PolicyPreviewProps) {
  const [channel, setChannel] = useState<string>('VOICE');
  const [queueId, setQueueId] = useState('');
  const [profile, setProfile] = useState('');
  const [group, setGroup] = useState('');
  const [deeperGroup, setDeeperGroup] = useState('');
  const [answer, setAnswer] = useState<{ subject: PreviewSubject; result: PreviewResult } | undefined>(
    undefined,
  );
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const subject: PreviewSubject = {
      channel,
      queueId: queueId || undefined,
      profile: profile.trim() || undefined,
      agentGroups: [group, deeperGroup].filter((g) => g !== ''),
    };
    setBusy(true);
    setError(undefined);
    try {
      const result = await props.api.preview(subject);
      setAnswer({ subject, result });
      props.announce(previewSentence(subject, result, props.names));
    } catch (failure) {
      setAnswer(undefined);
      setError(failureWords(failureOf(failure), 'admin').text);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview: what a contact gets</h2>
      <form class="preview-form" onSubmit={onSubmit}>
        <div class="field">
          <label for="preview-channel">Channel</label>
          <select
            id="preview-channel"
            data-testid="preview-channel"
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value)}
          >
            {CHANNELS.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="preview-queue">Queue</label>
          <select
            id="preview-queue"
            data-testid="preview-queue"
            value={queueId}
            onChange={(e) => setQueueId(e.currentTarget.value)}
          >
            <option value="">(none)</option>
            {props.queues.map((q) => (
              <option key={q.id} value={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="preview-profile">Profile (the contact's acwProfile tag)</label>
          <input
            id="preview-profile"
            data-testid="preview-profile"
            list="preview-profiles"
            autoComplete="off"
            value={profile}
            onInput={(e) => setProfile(e.currentTarget.value)}
          />
          <datalist id="preview-profiles">
            {props.profiles.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </div>
        <div class="field">
          <label for="preview-group">Agent's group</label>
          <select
            id="preview-group"
            data-testid="preview-group"
            value={group}
            onChange={(e) => setGroup(e.currentTarget.value)}
          >
            <option value="">(none)</option>
            {props.agentGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="preview-deeper-group">A deeper group under it</label>
          <select
            id="preview-deeper-group"
            data-testid="preview-deeper-group"
            value={deeperGroup}
            onChange={(e) => setDeeperGroup(e.currentTarget.value)}
          >
            <option value="">(none)</option>
            {props.agentGroups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit" class="button button-primary" data-testid="preview-button" disabled={busy}>
            {busy ? 'Resolving…' : 'Preview'}
          </button>
        </div>
      </form>
      {error !== undefined && (
        <p class="message message-error" role="alert" data-testid="preview-error">
          {error}
        </p>
      )}
      {answer !== undefined && (
        <div data-testid="preview-result">
          <p class="preview-sentence" data-testid="preview-sentence">
            {previewSentence(answer.subject, answer.result, props.names)}
          </p>
          <table class="board-table">
            <caption class="visually-hidden">
              The resolved policy, field by field, and the level each comes from
            </caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Value</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {POLICY_FIELDS.map((field) => {
                const from = answer.result.fieldSources[field];
                return (
                  <tr key={field} data-testid="preview-field" data-field={field}>
                    <th scope="row">
                      {FIELD_LABELS[field]} <code class="field-name">{field}</code>
                    </th>
                    <td>
                      {valueWords(field, answer.result.policy[field]) === 'inherited'
                        ? 'not set'
                        : valueWords(field, answer.result.policy[field])}
                    </td>
                    <td>{from === undefined ? '' : coreSourceLabel(from, props.names)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
