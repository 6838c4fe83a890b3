/**
 * The supervisor board: everyone in wrap-up (agent, queue, channel, time left, extensions used,
 * disposition set or not, and the status they will land in after it, R19), filtered by queue,
 * with Extend and End per row and the same refusals as agents get. Refreshed every few seconds; the filter is kept in the URL (`?queue=`).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ApiClient } from '../api';
import type { Auth } from '../auth';
import { WrapUpFeed } from '../feed';
import { type ActionContext, doneState, extendState, isExpired } from '../logic/buttons';
import { formatClock, secondsLeft as secondsLeftOn, spokenDuration } from '../logic/clock';
import { failureOf, failureWords } from '../logic/errors';
import { REFRESH } from '../logic/refresh';
import {
  agentLabel,
  channelLabel,
  keyOf,
  modeLabel,
  nextStatusLabel,
  queueLabel,
  type WrapUp,
} from '../logic/wrap-up';
import { LiveRegion, SignInPanel, useAnnouncer, useAuthStatus, useFeed, useNow } from './common';

interface RowMessage {
  readonly text: string;
  readonly tone: 'error' | 'ok';
}

/** The wrap-ups view of the board (BoardApp makes the sign-in and the API client, shared with Insights). */
export function Board({ auth, api }: { auth: Auth; api: ApiClient }) {
  const pageUrl = window.location.href;
  const [queue, setQueue] = useState(() => new URL(pageUrl).searchParams.get('queue') ?? '');
  const feed = useMemo(
    () => new WrapUpFeed({ load: () => api.allWrapUps(queue || undefined), period: REFRESH.board }),
    // Made once per client with the filter of the URL; changing the filter goes through reload().
    [api],
  );
  const state = useFeed(feed);
  const authStatus = useAuthStatus(auth);
  const now = useNow(500);
  const [announcement, announce] = useAnnouncer();
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [messages, setMessages] = useState<ReadonlyMap<string, RowMessage>>(new Map());
  const [dispositions, setDispositions] = useState<ReadonlyMap<string, string>>(new Map());
  const [knownQueues, setKnownQueues] = useState<ReadonlyMap<string, string>>(new Map());

  useEffect(() => {
    if (!auth.interactive || authStatus === 'signed-in') feed.start();
    return () => feed.stop();
  }, [auth, feed, authStatus]);

  // Queues seen so far, for the filter (the API has no list of queues).
  useEffect(() => {
    const seen = state.wrapUps.filter((w) => w.queueId !== null && !knownQueues.has(w.queueId));
    if (seen.length === 0) return;
    setKnownQueues((all) => {
      const next = new Map(all);
      for (const w of seen) if (w.queueId !== null) next.set(w.queueId, queueLabel(w));
      return next;
    });
  }, [state.wrapUps, knownQueues]);

  const chooseQueue = (next: string) => {
    setQueue(next);
    const url = new URL(window.location.href);
    if (next === '') url.searchParams.delete('queue');
    else url.searchParams.set('queue', next);
    window.history.replaceState(null, '', url.toString());
    void feed.reload(() => api.allWrapUps(next || undefined));
  };

  const setMessage = (key: string, message: RowMessage | undefined) =>
    setMessages((all) => {
      const next = new Map(all);
      if (message === undefined) next.delete(key);
      else next.set(key, message);
      return next;
    });

  const act = async (wrapUp: WrapUp, action: 'extend' | 'done') => {
    const key = keyOf(wrapUp);
    const disposition = dispositions.get(key);
    setBusy((all) => new Set(all).add(key));
    setMessage(key, undefined);
    try {
      const answer =
        action === 'extend'
          ? await api.extendFor(wrapUp.contactId, wrapUp.agentId)
          : await api.doneFor(
              wrapUp.contactId,
              wrapUp.agentId,
              disposition === undefined ? {} : { disposition },
            );
      feed.applyResult(answer);
      const who = agentLabel(wrapUp);
      const text = action === 'extend' ? `Extended the wrap-up of ${who}.` : `Ended the wrap-up of ${who}.`;
      if (action === 'extend') setMessage(key, { tone: 'ok', text: 'Extended.' });
      announce(text);
    } catch (error) {
      const words = failureWords(failureOf(error), 'supervisor');
      setMessage(key, { tone: 'error', text: words.text });
      announce(`Not done: ${words.text}`);
      void feed.refresh();
    } finally {
      setBusy((all) => {
        const next = new Set(all);
        next.delete(key);
        return next;
      });
    }
  };

  const failure = state.failure === undefined ? undefined : failureWords(state.failure, 'supervisor');
  const needsSignIn = auth.interactive && (authStatus !== 'signed-in' || failure?.signIn === true);
  const rows = state.wrapUps.map((wrapUp) => ({
    wrapUp,
    key: keyOf(wrapUp),
    secondsLeft: secondsLeftOn(wrapUp.deadline, state.clock, now),
  }));
  useEffect(() => {
    if (rows.some((row) => isExpired(row.wrapUp, row.secondsLeft))) feed.expired();
  });

  return (
    <main class="page board" aria-labelledby="board-title">
      <header class="page-header">
        <h1 id="board-title" tabIndex={-1}>
          Wrap-up board
        </h1>
        <nav aria-label="Pages">
          <a href="admin.html" data-testid="admin-link">
            Wrap-up policies
          </a>
        </nav>
        <p class="hint" data-testid="board-summary">
          {state.loaded ? `${rows.length} in wrap-up` : 'Loading…'}
          {state.updatedAt !== undefined ? `, updated ${new Date(state.updatedAt).toLocaleTimeString()}` : ''}
        </p>
      </header>
      <LiveRegion text={announcement} />
      {needsSignIn ? (
        <SignInPanel
          auth={auth}
          who="a supervisor"
          reason={authStatus === 'signed-in' && failure?.signIn ? failure.text : undefined}
        />
      ) : (
        <>
          <div class="field field-inline">
            <label for="queue-filter">Queue</label>
            <select
              id="queue-filter"
              data-testid="queue-filter"
              value={queue}
              onChange={(event) => chooseQueue(event.currentTarget.value)}
            >
              <option value="">All queues</option>
              {[...knownQueues.entries()].map(([id, label]) => (
                <option key={id} value={id}>
                  {label}
                </option>
              ))}
              {queue !== '' && !knownQueues.has(queue) && <option value={queue}>{queue}</option>}
            </select>
          </div>
          {failure !== undefined && (
            <p class="message message-error" role="alert" data-testid="load-error">
              {failure.text}
            </p>
          )}
          {state.loaded && rows.length === 0 && (
            <p class="empty" data-testid="board-empty">
              Nobody is in wrap-up{queue === '' ? '' : ' in this queue'}.
            </p>
          )}
          {rows.length > 0 && (
            <div class="table-wrap">
              <table class="board-table">
                <caption class="visually-hidden">Agents in wrap-up, soonest deadline first</caption>
                <thead>
                  <tr>
                    <th scope="col">Agent</th>
                    <th scope="col">Queue</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Time left</th>
                    <th scope="col">Extensions used</th>
                    <th scope="col">Disposition</th>
                    <th scope="col">After wrap-up</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ wrapUp, key, secondsLeft }) => {
                    const chosen = dispositions.get(key) ?? null;
                    const context: ActionContext = {
                      secondsLeft,
                      draftDisposition: chosen,
                      draftNotes: wrapUp.notes ?? '',
                      busy: busy.has(key),
                    };
                    const extend = extendState(wrapUp, context);
                    const done = doneState(wrapUp, context);
                    const message = messages.get(key);
                    const who = agentLabel(wrapUp);
                    return (
                      <tr
                        key={key}
                        data-testid="board-row"
                        data-contact-id={wrapUp.contactId}
                        data-agent-id={wrapUp.agentId}
                        data-mode={wrapUp.mode}
                      >
                        <th scope="row" class="nowrap" data-testid="agent">
                          {who}
                        </th>
                        <td class="nowrap" data-testid="queue">
                          {queueLabel(wrapUp)}
                        </td>
                        <td data-testid="channel">{channelLabel(wrapUp.channel)}</td>
                        <td>
                          <TimeLeft wrapUp={wrapUp} secondsLeft={secondsLeft} />
                          <span class="hint mode" data-testid="mode">
                            {modeLabel(wrapUp.mode)}
                          </span>
                        </td>
                        <td data-testid="extensions-used">
                          {wrapUp.extensionsUsed === null
                            ? `${wrapUp.extensionsLeft} left`
                            : `${wrapUp.extensionsUsed} used, ${wrapUp.extensionsLeft} left`}
                        </td>
                        <td data-testid="disposition-state">
                          {wrapUp.disposition !== null ? (
                            `Set: ${labelOf(wrapUp, wrapUp.disposition)}`
                          ) : (
                            <>
                              {wrapUp.requireDisposition ? 'Not set (required)' : 'Not set'}
                              {wrapUp.requireDisposition && wrapUp.mode !== 'forced' && (
                                <select
                                  class="row-picker"
                                  aria-label={`Disposition to end the wrap-up of ${who} with`}
                                  data-testid="disposition-picker"
                                  value={chosen ?? ''}
                                  onChange={(event) => {
                                    const value = event.currentTarget.value;
                                    setDispositions((all) => {
                                      const next = new Map(all);
                                      if (value === '') next.delete(key);
                                      else next.set(key, value);
                                      return next;
                                    });
                                  }}
                                >
                                  <option value="">Choose…</option>
                                  {wrapUp.dispositionCodes.map((entry) => (
                                    <option key={entry.code} value={entry.code}>
                                      {entry.label}
                                    </option>
                                  ))}
                                </select>
                              )}
                            </>
                          )}
                        </td>
                        <td class="nowrap" data-testid="next-status">
                          {nextStatusLabel(wrapUp)}
                        </td>
                        <td class="row-actions">
                          <button
                            type="button"
                            class="button"
                            data-testid="extend-button"
                            disabled={!extend.enabled}
                            aria-label={`Extend the wrap-up of ${who}`}
                            onClick={() => void act(wrapUp, 'extend')}
                          >
                            Extend
                          </button>
                          <button
                            type="button"
                            class="button button-primary"
                            data-testid="done-button"
                            disabled={!done.enabled}
                            aria-label={`End the wrap-up of ${who}`}
                            onClick={() => void act(wrapUp, 'done')}
                          >
                            End
                          </button>
                          {extend.reason && (
                            <p class="reason" data-testid="extend-reason">
                              Extend: {extend.reason}
                            </p>
                          )}
                          {done.reason && (
                            <p class="reason" data-testid="done-reason">
                              End: {done.reason}
                            </p>
                          )}
                          {message && (
                            <p
                              class={`message ${message.tone === 'error' ? 'message-error' : 'message-ok'}`}
                              data-testid="action-message"
                            >
                              {message.tone === 'error' ? 'Not done: ' : ''}
                              {message.text}
                            </p>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </main>
  );
}

function TimeLeft({ wrapUp, secondsLeft }: { wrapUp: WrapUp; secondsLeft: number | null }) {
  if (wrapUp.mode === 'untimed' || secondsLeft === null) {
    return (
      <span class="countdown-cell" data-testid="countdown" data-seconds-left="">
        No time limit
      </span>
    );
  }
  const expired = isExpired(wrapUp, secondsLeft);
  return (
    <span
      class={`countdown-cell${secondsLeft <= 30 ? ' countdown-urgent' : ''}`}
      data-testid="countdown"
      data-seconds-left={String(secondsLeft)}
      title={spokenDuration(secondsLeft)}
    >
      {expired ? 'Time is up' : formatClock(secondsLeft)}
      {!expired && secondsLeft <= 30 ? ' (ending soon)' : ''}
    </span>
  );
}

function labelOf(wrapUp: WrapUp, code: string): string {
  return wrapUp.dispositionCodes.find((entry) => entry.code === code)?.label ?? code;
}
