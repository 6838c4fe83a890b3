/**
 * R20: the administrators' page (admin.html), beside the board. Every policy in force by level
 * (the default, channels, queues by name, agent groups by name, profiles) with its source
 * (deployed, or changed by whom and when), the kill switch (R18), the preview and the history.
 * Administrators change a level's override, remove one, or flip the kill switch, each confirmed
 * in a dialog that says what changes and with a reason; supervisors read it all, unchanged.
 *
 * Every change names the version the page read: when someone else changed the policies first
 * the API refuses it (409), and the page says so and reads them again.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AdminApi, PolicyInvalid, VersionConflict } from '../admin-api';
import { createAuth, type LocalIdentity } from '../auth';
import { openBrowserPopup } from '../auth-popup';
import { resolveUrl, type WebConfig } from '../config';
import {
  type AdminDirectory,
  type AdminPolicies,
  CHANNELS,
  changeLine,
  EMPTY_FORM,
  entriesOf,
  type FieldProblem,
  filterEntries,
  formatWhen,
  formFromPolicy,
  levelLabel,
  type Named,
  namesFrom,
  type PolicyChange,
  type PolicyEntry,
  type PolicyLevel,
  type PolicyOverride,
  policyItems,
  problemsByField,
  sourceWords,
} from '../logic/admin';
import { ApiError, failureOf, failureWords } from '../logic/errors';
import { LiveRegion, SignInPanel, useAnnouncer, useAuthStatus } from './common';
import { ConfirmDialog } from './Dialog';
import { PolicyEditor } from './PolicyEditor';
import { PolicyPreview } from './PolicyPreview';

/** Queues shown at once; the filter finds the others (centers have hundreds). */
const QUEUES_SHOWN = 100;
const HISTORY_LIMIT = 50;

interface Editing {
  readonly level: PolicyLevel;
  readonly key: string;
  readonly target: string;
}

type Confirming =
  | { readonly kind: 'remove'; readonly entry: PolicyEntry; readonly target: string }
  | { readonly kind: 'kill-switch'; readonly state: 'on' | 'off' | null };

interface Result {
  readonly tone: 'ok' | 'error';
  readonly text: string;
}

/** Locally (`npm start`), who the development token is for: `?as=supervisor` reads as a supervisor. */
function localIdentity(pageUrl: string): LocalIdentity {
  return new URL(pageUrl).searchParams.get('as') === 'supervisor' ? { supervisor: true } : { admin: true };
}

/** The admin page, once config.json is loaded. */
export function Admin({ config }: { config: WebConfig }) {
  const pageUrl = window.location.href;
  const auth = useMemo(
    () => createAuth(config.auth, { pageUrl, local: localIdentity(pageUrl), openPopup: openBrowserPopup }),
    [config, pageUrl],
  );
  const api = useMemo(
    () => new AdminApi({ baseUrl: resolveUrl(config.apiUrl, pageUrl), tokens: auth }),
    [config, pageUrl, auth],
  );
  const authStatus = useAuthStatus(auth);
  const [announcement, announce] = useAnnouncer();
  const [data, setData] = useState<AdminPolicies | undefined>(undefined);
  const [history, setHistory] = useState<readonly PolicyChange[]>([]);
  const [directory, setDirectory] = useState<AdminDirectory | undefined>(undefined);
  const [directoryProblem, setDirectoryProblem] = useState<string | undefined>(undefined);
  const [loadFailure, setLoadFailure] = useState<ReturnType<typeof failureWords> | undefined>(undefined);
  const [refusedChange, setRefusedChange] = useState(false);
  const [editing, setEditing] = useState<Editing | undefined>(undefined);
  const [confirming, setConfirming] = useState<Confirming | undefined>(undefined);
  const [dialogReason, setDialogReason] = useState('');
  const [dialogError, setDialogError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | undefined>(undefined);
  const [conflict, setConflict] = useState<string | undefined>(undefined);
  const resultRef = useRef<HTMLParagraphElement>(null);

  const reload = useCallback(async () => {
    try {
      const [policies, changes] = await Promise.all([api.policies(), api.history(HISTORY_LIMIT)]);
      setData(policies);
      setHistory(changes);
      setLoadFailure(undefined);
      return policies;
    } catch (error) {
      setLoadFailure(failureWords(failureOf(error), 'admin'));
      return undefined;
    }
  }, [api]);

  useEffect(() => {
    if (auth.interactive && authStatus !== 'signed-in') return;
    void reload();
    api.directory().then(
      (answer) => {
        setDirectory(answer);
        setDirectoryProblem(undefined);
      },
      (error: unknown) => {
        const failure = failureOf(error);
        const why = failure.kind === 'http' ? `HTTP ${failure.status}` : failure.kind;
        setDirectoryProblem(
          `The directory of queue and agent group names could not be read (${why}): queues are shown by the names the policies carry, agent groups by id.`,
        );
      },
    );
  }, [api, auth, authStatus, reload]);

  const names = useMemo(() => namesFrom(directory, data?.policies), [directory, data]);
  const readOnly = data?.canChange === false || refusedChange;
  const version = data?.version ?? 0;

  /** After a change: the result in words (shown, announced, focused) and the policies read again. */
  const finish = async (text: string) => {
    setResult({ tone: 'ok', text });
    setConflict(undefined);
    announce(text);
    await reload();
    resultRef.current?.focus();
  };

  /** A refusal the page answers itself: a conflict (reload), a 403 (read-only), else in words. */
  const refused = async (error: unknown): Promise<string> => {
    if (error instanceof VersionConflict) {
      const now = error.version === undefined ? '' : ` (version ${error.version} is now in force)`;
      const text = `Someone else changed the policies first${now}. They have been read again: check them and make your change again.`;
      setConflict(text);
      announce(text);
      await reload();
      return text;
    }
    const words = failureWords(failureOf(error), 'admin');
    if (words.code === 'NOT_FOUND') {
      // Removing an override (or the kill switch's) that someone else removed first.
      const text = 'Not changed: there is nothing to remove any more. The policies have been read again.';
      setResult({ tone: 'error', text });
      announce(text);
      await reload();
      return text;
    }
    if (error instanceof ApiError && words.code === 'FORBIDDEN') {
      setRefusedChange(true);
      const text = 'You can read the policies but not change them: that takes the administrators group.';
      setResult({ tone: 'error', text });
      announce(text);
      return text;
    }
    setResult({ tone: 'error', text: `Not changed: ${words.text}` });
    announce(`Not changed: ${words.text}`);
    return words.text;
  };

  const sendPolicy = async (policy: PolicyOverride, reason: string): Promise<readonly FieldProblem[]> => {
    if (editing === undefined) return [];
    setBusy(true);
    setResult(undefined);
    try {
      const answer = await api.setPolicy(editing.level, editing.key, policy, { version, reason });
      setEditing(undefined);
      await finish(`Changed ${editing.target} (version ${answer.version}).`);
      return [];
    } catch (error) {
      if (error instanceof PolicyInvalid) {
        const problems = problemsByField(error.problems);
        announce(`Not changed: ${error.problems.join(' ')}`);
        return problems;
      }
      await refused(error);
      return [];
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    if (confirming === undefined) return;
    const reason = dialogReason.trim();
    if (reason === '') {
      setDialogError('Give a reason: it is kept in the history.');
      return;
    }
    setBusy(true);
    setDialogError(undefined);
    try {
      if (confirming.kind === 'remove') {
        const answer = await api.removePolicy(confirming.entry.level, confirming.entry.key, {
          version,
          reason,
        });
        closeDialog();
        await finish(
          `Removed the override of ${confirming.target}: the deployed policy applies (version ${answer.version}).`,
        );
      } else {
        const answer = await api.setKillSwitch(confirming.state, { version, reason });
        closeDialog();
        await finish(`${killSwitchWords(confirming.state)} (version ${answer.version}).`);
      }
    } catch (error) {
      if (error instanceof PolicyInvalid) {
        setDialogError(error.problems.join(' '));
      } else {
        closeDialog();
        await refused(error);
      }
    } finally {
      setBusy(false);
    }
  };

  const openDialog = (next: Confirming) => {
    setDialogReason('');
    setDialogError(undefined);
    setConfirming(next);
  };
  const closeDialog = () => setConfirming(undefined);

  const edit = (level: PolicyLevel, key: string) => {
    setConflict(undefined);
    setResult(undefined);
    setEditing({ level, key, target: levelLabel(level, key, names) });
  };
  // Read from the policies as last read, so that after a conflict the form starts from the new ones.
  const current =
    editing === undefined
      ? undefined
      : data?.policies.find((p) => p.level === editing.level && p.key === editing.key)?.policy;

  const needsSignIn = auth.interactive && (authStatus !== 'signed-in' || loadFailure?.signIn === true);

  return (
    <main class="page admin" aria-labelledby="admin-title">
      <header class="page-header">
        <h1 id="admin-title">Wrap-up policies</h1>
        <nav aria-label="Pages">
          <a href="board.html" data-testid="board-link">
            Wrap-up board
          </a>
        </nav>
        <p class="hint" data-testid="admin-summary">
          {data === undefined
            ? 'Loading…'
            : `Version ${data.version}, ${data.policies.length} policies in force.`}
          {readOnly && data !== undefined
            ? ' Read-only: changing policies takes the administrators group.'
            : ''}
        </p>
      </header>
      <LiveRegion text={announcement} />
      {needsSignIn ? (
        <SignInPanel
          auth={auth}
          who="an administrator or a supervisor"
          reason={authStatus === 'signed-in' ? loadFailure?.text : undefined}
        />
      ) : (
        <>
          {loadFailure !== undefined && (
            <p class="message message-error" role="alert" data-testid="load-error">
              {loadFailure.text}
            </p>
          )}
          {conflict !== undefined && (
            <p class="message message-warning" role="alert" data-testid="conflict">
              {conflict}
            </p>
          )}
          {result !== undefined && (
            <p
              class={`message ${result.tone === 'ok' ? 'message-ok' : 'message-error'}`}
              data-testid="result"
              tabIndex={-1}
              ref={resultRef}
            >
              {result.text}
            </p>
          )}
          {directoryProblem !== undefined && (
            <p class="message message-warning" data-testid="directory-problem">
              {directoryProblem}
            </p>
          )}
          {editing !== undefined && !readOnly && (
            <PolicyEditor
              key={`${editing.level}/${editing.key}/${version}`}
              target={editing.target}
              current={current}
              initial={current === undefined ? EMPTY_FORM : formFromPolicy(current)}
              busy={busy}
              onSend={sendPolicy}
              onClose={() => setEditing(undefined)}
            />
          )}
          {data !== undefined && (
            <>
              <KillSwitch
                data={data}
                readOnly={readOnly}
                onFlip={(state) => openDialog({ kind: 'kill-switch', state })}
              />
              <Policies
                data={data}
                names={names}
                directory={directory}
                readOnly={readOnly}
                onEdit={edit}
                onRemove={(entry) =>
                  openDialog({ kind: 'remove', entry, target: levelLabel(entry.level, entry.key, names) })
                }
              />
              <PolicyPreview
                api={api}
                names={names}
                queues={pickList(directory?.queues, data.policies, 'queue', names)}
                agentGroups={pickList(directory?.agentGroups, data.policies, 'agentGroup', names)}
                profiles={data.policies.filter((p) => p.level === 'profile').map((p) => p.key)}
                announce={announce}
              />
              <History changes={history} names={names} />
            </>
          )}
        </>
      )}
      {confirming !== undefined && (
        <ConfirmDialog
          title={
            confirming.kind === 'remove'
              ? `Remove the override of ${confirming.target}?`
              : `${killSwitchAction(confirming.state)}?`
          }
          confirmLabel={
            confirming.kind === 'remove' ? 'Remove the override' : killSwitchAction(confirming.state)
          }
          busy={busy}
          error={dialogError}
          onCancel={closeDialog}
          onConfirm={() => void confirm()}
        >
          {confirming.kind === 'remove' ? (
            <p data-testid="dialog-changes">
              {confirming.target} goes back to its deployed policy (or, if it has none, inherits from the less
              specific levels). Now set: {policyItems(confirming.entry.policy).join('; ') || 'nothing'}.
            </p>
          ) : (
            <p data-testid="dialog-changes">{killSwitchConsequence(confirming.state)}</p>
          )}
          <div class="field">
            <label for="dialog-reason">Reason (kept in the history)</label>
            <textarea
              id="dialog-reason"
              data-testid="dialog-reason"
              rows={2}
              required
              value={dialogReason}
              onInput={(event) => setDialogReason(event.currentTarget.value)}
            />
          </div>
        </ConfirmDialog>
      )}
    </main>
  );
}

function killSwitchAction(state: 'on' | 'off' | null): string {
  if (state === null) return 'Go back to the deployed kill switch setting';
  return state === 'off' ? 'Switch ACW off' : 'Switch ACW on';
}

function killSwitchWords(state: 'on' | 'off' | null): string {
  if (state === null) return 'The kill switch is back to its deployed setting';
  return state === 'off' ? 'ACW is switched off' : 'ACW is switched on';
}

function killSwitchConsequence(state: 'on' | 'off' | null): string {
  if (state === 'off') {
    return 'No new wrap-up starts, and the open ones end with their agents restored (R18). Within about a minute.';
  }
  if (state === 'on')
    return 'Wrap-ups start again as the policies say, for contacts that disconnect from about a minute on.';
  return 'The deployed setting (the SSM parameter) decides again whether ACW runs.';
}

/** R18: whether ACW runs, and the buttons to change it. */
function KillSwitch({
  data,
  readOnly,
  onFlip,
}: {
  data: AdminPolicies;
  readOnly: boolean;
  onFlip: (state: 'on' | 'off' | null) => void;
}) {
  const { state, source } = data.killSwitch;
  return (
    <section class="panel" aria-labelledby="kill-switch-title">
      <h2 id="kill-switch-title">Kill switch</h2>
      <p data-testid="kill-switch-state" data-state={state}>
        {state === 'on' ? 'ACW is on: wrap-ups start as the policies say.' : 'ACW is off: no wrap-up starts.'}{' '}
        <span class="hint">{sourceWords(source)}</span>
      </p>
      {!readOnly && (
        <div class="actions">
          <button
            type="button"
            class="button"
            data-testid="kill-switch-button"
            onClick={() => onFlip(state === 'on' ? 'off' : 'on')}
          >
            {killSwitchAction(state === 'on' ? 'off' : 'on')}…
          </button>
          {source.kind === 'changed' && (
            <button type="button" class="button" data-testid="kill-switch-reset" onClick={() => onFlip(null)}>
              Back to the deployed setting…
            </button>
          )}
        </div>
      )}
    </section>
  );
}

const LEVEL_TITLES: Record<PolicyLevel, string> = {
  default: 'Default',
  channel: 'Channels',
  queue: 'Queues',
  agentGroup: 'Agent groups',
  profile: 'Profiles',
};

/** Every level/key in force, by level, with Change and Remove; the form to add an override. */
function Policies({
  data,
  names,
  directory,
  readOnly,
  onEdit,
  onRemove,
}: {
  data: AdminPolicies;
  names: ReturnType<typeof namesFrom>;
  directory: AdminDirectory | undefined;
  readOnly: boolean;
  onEdit: (level: PolicyLevel, key: string) => void;
  onRemove: (entry: PolicyEntry) => void;
}) {
  const [queueQuery, setQueueQuery] = useState('');
  const levels: PolicyLevel[] = ['default', 'channel', 'queue', 'agentGroup', 'profile'];
  return (
    <section class="panel" aria-labelledby="policies-title">
      <h2 id="policies-title">Policies in force</h2>
      <p class="hint">
        Most specific first: profile, agent group, queue, channel, default (R3). Each level sets only the
        fields shown; the others are inherited.
      </p>
      {!readOnly && <AddOverride data={data} names={names} directory={directory} onEdit={onEdit} />}
      {levels.map((level) => {
        const all = entriesOf(data.policies, level, names);
        const { shown, matching } =
          level === 'queue'
            ? filterEntries(all, queueQuery, QUEUES_SHOWN, names)
            : { shown: all, matching: all.length };
        return (
          <section key={level} aria-labelledby={`level-${level}`} data-testid={`level-${level}`}>
            <h3 id={`level-${level}`}>
              {LEVEL_TITLES[level]} <span class="hint">({all.length})</span>
            </h3>
            {level === 'queue' && all.length > 0 && (
              <div class="field field-inline">
                <label for="queue-search">Find a queue</label>
                <input
                  id="queue-search"
                  type="search"
                  data-testid="queue-search"
                  value={queueQuery}
                  onInput={(event) => setQueueQuery(event.currentTarget.value)}
                />
                <span class="hint" aria-live="polite" data-testid="queue-count">
                  {shown.length < matching ? `Showing ${shown.length} of ${matching}.` : `${matching} shown.`}
                </span>
              </div>
            )}
            {shown.length === 0 ? (
              <p class="hint">{all.length === 0 ? 'None.' : 'No queue matches.'}</p>
            ) : (
              <div class="table-wrap">
                <table class="board-table">
                  <caption class="visually-hidden">
                    {LEVEL_TITLES[level]}: the fields each sets, and its source
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{level === 'default' ? 'Level' : 'Name'}</th>
                      <th scope="col">Wrap-up (fields set here)</th>
                      <th scope="col">Source</th>
                      {!readOnly && <th scope="col">Actions</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((entry) => {
                      const label = levelLabel(entry.level, entry.key, names);
                      return (
                        <tr
                          key={`${entry.level}/${entry.key}`}
                          data-testid="policy-row"
                          data-level={entry.level}
                          data-key={entry.key}
                          data-source={entry.source.kind}
                        >
                          <th scope="row" data-testid="policy-name">
                            {label}
                            {entry.level === 'queue' || entry.level === 'agentGroup' ? (
                              <span class="hint key">{entry.key}</span>
                            ) : null}
                          </th>
                          <td data-testid="policy-fields">
                            {policyItems(entry.policy).length === 0 ? (
                              'nothing (all inherited)'
                            ) : (
                              <ul class="plain">
                                {policyItems(entry.policy).map((item) => (
                                  <li key={item}>{item}</li>
                                ))}
                              </ul>
                            )}
                          </td>
                          <td data-testid="policy-source">{sourceWords(entry.source)}</td>
                          {!readOnly && (
                            <td class="row-actions">
                              <button
                                type="button"
                                class="button"
                                data-testid="edit-button"
                                aria-label={`Change ${label}`}
                                onClick={() => onEdit(entry.level, entry.key)}
                              >
                                Change…
                              </button>
                              {entry.source.kind === 'changed' && (
                                <button
                                  type="button"
                                  class="button"
                                  data-testid="remove-button"
                                  aria-label={`Remove the override of ${label}`}
                                  onClick={() => onRemove(entry)}
                                >
                                  Remove override…
                                </button>
                              )}
                            </td>
                          )}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
    </section>
  );
}

/** The queues (or groups) to pick from by name: the directory's, with those that have a policy. */
function pickList(
  listed: readonly Named[] | undefined,
  policies: readonly PolicyEntry[],
  level: 'queue' | 'agentGroup',
  names: ReturnType<typeof namesFrom>,
): Named[] {
  const byId = new Map((listed ?? []).map((item) => [item.id, item.name] as const));
  for (const entry of policies) {
    if (entry.level === level && !byId.has(entry.key)) {
      byId.set(entry.key, (level === 'queue' ? names.queues : names.agentGroups).get(entry.key) ?? entry.key);
    }
  }
  return [...byId.entries()].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name));
}

/** Picks a level and a key (queues and groups by name) and opens the editor on it. */
function AddOverride({
  data,
  names,
  directory,
  onEdit,
}: {
  data: AdminPolicies;
  names: ReturnType<typeof namesFrom>;
  directory: AdminDirectory | undefined;
  onEdit: (level: PolicyLevel, key: string) => void;
}) {
  const [level, setLevel] = useState<PolicyLevel>('queue');
  const [key, setKey] = useState('');
  const queues = pickList(directory?.queues, data.policies, 'queue', names);
  const groups = pickList(directory?.agentGroups, data.policies, 'agentGroup', names);
  const choices = level === 'queue' ? queues : level === 'agentGroup' ? groups : undefined;
  const chosen = level === 'default' ? '-' : level === 'channel' ? key || 'VOICE' : key.trim();

  return (
    <form
      class="add-override"
      aria-labelledby="add-title"
      onSubmit={(event) => {
        event.preventDefault();
        if (chosen !== '') onEdit(level, chosen);
      }}
    >
      <h3 id="add-title">Set an override</h3>
      <div class="field field-inline">
        <label for="add-level">Level</label>
        <select
          id="add-level"
          data-testid="add-level"
          value={level}
          onChange={(event) => {
            setLevel(event.currentTarget.value as PolicyLevel);
            setKey('');
          }}
        >
          <option value="default">Default</option>
          <option value="channel">Channel</option>
          <option value="queue">Queue</option>
          <option value="agentGroup">Agent group</option>
          <option value="profile">Profile</option>
        </select>
        {level === 'channel' && (
          <>
            <label for="add-key">Channel</label>
            <select
              id="add-key"
              data-testid="add-key"
              value={key || 'VOICE'}
              onChange={(e) => setKey(e.currentTarget.value)}
            >
              {CHANNELS.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </>
        )}
        {choices !== undefined && choices.length > 0 && (
          <>
            <label for="add-key">{level === 'queue' ? 'Queue' : 'Agent group'}</label>
            <select
              id="add-key"
              data-testid="add-key"
              value={key}
              onChange={(e) => setKey(e.currentTarget.value)}
            >
              <option value="">Choose…</option>
              {choices.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </>
        )}
        {(level === 'profile' || (choices !== undefined && choices.length === 0)) && (
          <>
            <label for="add-key">
              {level === 'profile' ? 'Profile name' : `${level === 'queue' ? 'Queue' : 'Agent group'} id`}
            </label>
            <input
              id="add-key"
              data-testid="add-key"
              autoComplete="off"
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </>
        )}
        <button type="submit" class="button" data-testid="add-button" disabled={chosen === ''}>
          Edit…
        </button>
      </div>
    </form>
  );
}

/** R20: who changed what, when and why; newest first. */
function History({
  changes,
  names,
}: {
  changes: readonly PolicyChange[];
  names: ReturnType<typeof namesFrom>;
}) {
  return (
    <section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {changes.length === 0 ? (
        <p class="hint" data-testid="history-empty">
          No change yet: the deployed policies apply.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="board-table">
            <caption class="visually-hidden">Changes to the policies, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">Change</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.version} data-testid="history-row" data-version={change.version}>
                  <td class="nowrap" data-testid="history-when">
                    {formatWhen(change.at)}
                    <span class="hint key">version {change.version}</span>
                  </td>
                  <td data-testid="history-who">{change.by}</td>
                  <td data-testid="history-what">{levelLabel(change.level, change.key, names)}</td>
                  <td data-testid="history-change">{changeLine(change)}</td>
                  <td data-testid="history-reason">{change.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
