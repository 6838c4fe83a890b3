/**
 * The agent's widget: connects the desktop (AgentPort), signs the agent in, and shows each open
 * wrap-up of theirs as a card. The state comes from the API (a reload loses nothing but unsaved
 * typing); every action's answer replaces the card at once.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AgentPort, AgentStatus } from '../agent-port';
import { ApiClient } from '../api';
import { type Auth, createAuth } from '../auth';
import { openBrowserPopup } from '../auth-popup';
import { resolveUrl, type WebConfig } from '../config';
import { WrapUpFeed } from '../feed';
import { crossedMoment, extendedText, momentText, startedText } from '../logic/announce';
import { actionBody, isExpired } from '../logic/buttons';
import { secondsLeft as secondsLeftOn } from '../logic/clock';
import { failureOf, failureWords } from '../logic/errors';
import { gone, newlyOpened } from '../logic/refresh';
import { channelLabel, keyOf, type StatusChoice, type WrapUp } from '../logic/wrap-up';
import { connectAgentPort } from '../ports/index';
import { LocalAgentMissing, localAgentOf } from '../ports/local';
import { LiveRegion, SignInPanel, useAnnouncer, useAuthStatus, useFeed, useNow } from './common';
import { LocalAgentPicker } from './LocalAgentPicker';
import { type CardMessage, type Draft, WrapUpCard } from './WrapUpCard';

const EMPTY_DRAFT: Draft = { disposition: null, notes: null };
/** R19: how long after a failed load of the statuses an agent may choose it is tried again, ms. */
const STATUS_RETRY_MS = 30_000;

/** The widget, once config.json is loaded. */
export function Widget({ config }: { config: WebConfig }) {
  const pageUrl = window.location.href;
  // The local desktop's agent comes from the URL; without one the page offers a choice.
  const localAgent = useMemo(() => {
    if (config.agentPort !== 'local' && config.auth.kind !== 'local') return undefined;
    try {
      return localAgentOf(pageUrl);
    } catch (error) {
      return error instanceof LocalAgentMissing ? error : undefined;
    }
  }, [config, pageUrl]);
  if (localAgent instanceof LocalAgentMissing) {
    return <LocalAgentPicker problem={localAgent.given === null ? undefined : localAgent.message} />;
  }
  return <SignedInWidget config={config} localAgent={localAgent} pageUrl={pageUrl} />;
}

function SignedInWidget({
  config,
  localAgent,
  pageUrl,
}: {
  config: WebConfig;
  localAgent: string | undefined;
  pageUrl: string;
}) {
  const ccpRef = useRef<HTMLDivElement>(null);
  const [port, setPort] = useState<AgentPort | undefined>(undefined);
  const [portProblem, setPortProblem] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<AgentStatus | undefined>(undefined);
  const portRef = useRef<AgentPort | undefined>(undefined);

  const auth: Auth = useMemo(
    () =>
      createAuth(config.auth, {
        pageUrl,
        openPopup: openBrowserPopup,
        ...(localAgent === undefined ? {} : { local: { agentId: localAgent } }),
      }),
    [config, pageUrl, localAgent],
  );
  const api = useMemo(
    () =>
      new ApiClient({
        baseUrl: resolveUrl(config.apiUrl, pageUrl),
        tokens: auth,
        agentHint: () => portRef.current?.agentHint(),
      }),
    [config, pageUrl, auth],
  );
  const feed = useMemo(() => new WrapUpFeed({ load: () => api.myWrapUps() }), [api]);
  const state = useFeed(feed);
  const authStatus = useAuthStatus(auth);
  const now = useNow();
  const [announcement, announce] = useAnnouncer();
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Draft>>(new Map());
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [messages, setMessages] = useState<ReadonlyMap<string, CardMessage>>(new Map());
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [queueNames, setQueueNames] = useState<ReadonlyMap<string, string>>(new Map());
  // R19: the statuses the agent may choose to land in after wrap-up (loaded once signed in).
  const [statuses, setStatuses] = useState<readonly StatusChoice[] | undefined>(undefined);
  const previousSeconds = useRef(new Map<string, number>());
  const previousList = useRef<readonly WrapUp[] | undefined>(undefined);

  // The desktop: identity hint, events, status.
  useEffect(() => {
    let closed = false;
    let connected: AgentPort | undefined;
    connectAgentPort(config.agentPort, {
      pageUrl,
      ...(ccpRef.current === null ? {} : { ccpContainer: ccpRef.current }),
      ...(config.ccpUrl === undefined ? {} : { ccpUrl: config.ccpUrl }),
    }).then(
      (connectedPort) => {
        if (closed) return connectedPort.close();
        connected = connectedPort;
        portRef.current = connectedPort;
        setPort(connectedPort);
        setStatus(connectedPort.currentStatus());
        if (connectedPort.kind !== 'local' && connectedPort.agentHint() === undefined) {
          setPortProblem('the desktop did not say which agent is logged in');
        }
        connectedPort.onStatusChanged((next) => {
          setStatus(next);
          void feed.refresh();
        });
        connectedPort.onAcwStarted((event) => {
          if (event.queueId !== undefined && event.queueName !== undefined) {
            const { queueId, queueName } = event;
            setQueueNames((names) => new Map(names).set(queueId, queueName));
          }
          feed.expectContact(event.contactId);
          void feed.refresh();
        });
        connectedPort.onContactCleared(() => void feed.refresh());
      },
      (error: unknown) => {
        if (!closed) setPortProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      closed = true;
      connected?.close();
    };
  }, [config, pageUrl, feed]);

  // Load once signed in (local tokens need no click); stop when the page goes.
  useEffect(() => {
    if (!auth.interactive || authStatus === 'signed-in') feed.start();
    return () => feed.stop();
  }, [auth, feed, authStatus]);

  // R19: the "After wrap-up" choices, once signed in; the server caches them, one load is enough.
  useEffect(() => {
    if (auth.interactive && authStatus !== 'signed-in') return;
    let closed = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const load = () =>
      api.statuses().then(
        (answer) => {
          if (!closed) setStatuses(answer.data.statuses);
        },
        () => {
          // Without the list the picker offers the routable status only (the wrap-up itself
          // works); the list is asked for again a little later.
          if (closed) return;
          setStatuses((known) => known ?? []);
          retry = setTimeout(load, STATUS_RETRY_MS);
        },
      );
    void load();
    return () => {
      closed = true;
      if (retry !== undefined) clearTimeout(retry);
    };
  }, [api, auth, authStatus]);

  // Announce wrap-ups that appear or end.
  useEffect(() => {
    // From the first answer on: what is open at load was not "just started".
    if (!state.loaded) return;
    const before = previousList.current;
    previousList.current = state.wrapUps;
    if (before === undefined) return;
    for (const wrapUp of newlyOpened(before, state.wrapUps)) {
      const left = wrapUp.showCountdown ? secondsLeftOn(wrapUp.deadline, state.clock, Date.now()) : null;
      announce(startedText(wrapUp.channel, wrapUp.mode === 'untimed' ? null : left));
    }
    const ended = gone(before, state.wrapUps);
    if (ended.length > 0) {
      const text = `${ended.map((w) => channelLabel(w.channel)).join(', ')} wrap-up ended.`;
      setNotice(text);
      announce(text);
    }
  }, [state.wrapUps, state.loaded, state.clock, announce]);

  const cards = state.wrapUps.map((wrapUp) => {
    const key = keyOf(wrapUp);
    return { wrapUp, key, secondsLeft: secondsLeftOn(wrapUp.deadline, state.clock, now) };
  });

  // Countdown moments, and a check with the server when one reaches 0.
  useEffect(() => {
    const seen = previousSeconds.current;
    for (const card of cards) {
      if (card.secondsLeft === null) continue;
      const moment = crossedMoment(seen.get(card.key), card.secondsLeft);
      seen.set(card.key, card.secondsLeft);
      if (moment !== undefined && card.wrapUp.showCountdown) {
        announce(momentText(moment, cards.length > 1 ? channelLabel(card.wrapUp.channel) : undefined));
      }
      if (isExpired(card.wrapUp, card.secondsLeft)) feed.expired();
    }
  });

  const setDraft = (key: string, draft: Draft) => setDrafts((all) => new Map(all).set(key, draft));
  const setMessage = (key: string, message: CardMessage | undefined) =>
    setMessages((all) => {
      const next = new Map(all);
      if (message === undefined) next.delete(key);
      else next.set(key, message);
      return next;
    });

  const act = async (wrapUp: WrapUp, action: 'extend' | 'done' | 'save') => {
    const key = keyOf(wrapUp);
    const draft = drafts.get(key) ?? EMPTY_DRAFT;
    const body = actionBody(wrapUp, {
      draftDisposition: draft.disposition,
      draftNotes: draft.notes ?? wrapUp.notes ?? '',
    });
    setBusy((all) => new Set(all).add(key));
    setMessage(key, undefined);
    try {
      const answer =
        action === 'extend'
          ? await api.extend(wrapUp.contactId)
          : action === 'done'
            ? await api.done(wrapUp.contactId, body)
            : await api.update(wrapUp.contactId, body);
      // Never keep acting on the old deadline: the answer is the wrap-up as it now is.
      if (action === 'done') previousList.current = previousList.current?.filter((w) => keyOf(w) !== key);
      feed.applyResult(answer);
      const after = answer.data.wrapUp;
      if (action === 'extend') {
        const left = after.showCountdown
          ? secondsLeftOn(after.deadline, feed.state().clock, Date.now())
          : null;
        announce(extendedText(left));
        setMessage(key, { tone: 'ok', text: 'Extended.' });
      } else if (action === 'done') {
        const text = `${channelLabel(after.channel)} wrap-up ended.`;
        setNotice(text);
        announce(text);
      } else {
        setDraft(key, EMPTY_DRAFT);
        setMessage(key, { tone: 'ok', text: 'Saved.' });
      }
    } catch (error) {
      const words = failureWords(failureOf(error), 'agent');
      setMessage(key, { tone: 'error', text: words.text });
      // A refusal means the page's view was out of date: fetch the truth.
      void feed.refresh();
    } finally {
      setBusy((all) => {
        const next = new Set(all);
        next.delete(key);
        return next;
      });
    }
  };

  /** R19: saves the status to land in after wrap-up at once; the wrap-up goes on. */
  const chooseNextStatus = async (wrapUp: WrapUp, nextStatus: string | null) => {
    const key = keyOf(wrapUp);
    setBusy((all) => new Set(all).add(key));
    setMessage(key, undefined);
    try {
      const answer = await api.update(wrapUp.contactId, { nextStatus });
      feed.applyResult(answer);
      const landing = answer.data.wrapUp.nextStatus;
      const text =
        landing === null ? 'After wrap-up: back to the routable status.' : `After wrap-up: ${landing}.`;
      setMessage(key, { tone: 'ok', text });
      announce(text);
    } catch (error) {
      setMessage(key, { tone: 'error', text: failureWords(failureOf(error), 'agent').text });
      void feed.refresh();
    } finally {
      setBusy((all) => {
        const next = new Set(all);
        next.delete(key);
        return next;
      });
    }
  };

  const failure = state.failure === undefined ? undefined : failureWords(state.failure, 'agent');
  const needsSignIn = auth.interactive && (authStatus !== 'signed-in' || failure?.signIn === true);
  const stale = state.updatedAt !== undefined && now - state.updatedAt > 20_000;

  return (
    <main class="page widget" aria-labelledby="widget-title">
      <header class="page-header">
        <h1 id="widget-title">Wrap-up</h1>
        <p class="status-line" data-testid="agent-status">
          {statusText(port, status, state.wrapUps.find((w) => w.agentName !== null)?.agentName ?? localAgent)}
        </p>
      </header>
      <LiveRegion text={announcement} />
      {config.agentPort === 'ccp' && <div ref={ccpRef} class="ccp" data-testid="ccp" />}
      {portProblem !== undefined && (
        <p class="message message-warning" data-testid="port-problem">
          Not connected to the Connect desktop ({portProblem}). Wrap-ups still show, refreshed every few
          seconds.
        </p>
      )}
      {needsSignIn ? (
        <SignInPanel
          auth={auth}
          who="the agent logged in to this desktop"
          reason={authStatus === 'signed-in' && failure?.signIn ? failure.text : undefined}
        />
      ) : (
        <>
          {failure !== undefined && (
            <p class="message message-error" role="alert" data-testid="load-error">
              {failure.text}
            </p>
          )}
          {stale && failure === undefined && (
            <p class="message message-warning" data-testid="stale">
              Reconnecting: the times shown may be out of date.
            </p>
          )}
          {notice !== undefined && (
            <p class="message message-ok" data-testid="notice">
              {notice}
            </p>
          )}
          {!state.loaded && failure === undefined && <p class="hint">Loading your wrap-ups…</p>}
          {state.loaded && cards.length === 0 && (
            <p class="empty" data-testid="no-wrap-up">
              You are not in wrap-up. Nothing to do here.
            </p>
          )}
          {cards.map(({ wrapUp, key, secondsLeft }) => (
            <WrapUpCard
              key={key}
              wrapUp={wrapUp}
              secondsLeft={secondsLeft}
              draft={drafts.get(key) ?? EMPTY_DRAFT}
              busy={busy.has(key)}
              message={messages.get(key)}
              queueNames={queueNames}
              statuses={statuses}
              onNextStatus={(nextStatus) => void chooseNextStatus(wrapUp, nextStatus)}
              onDraft={(draft) => setDraft(key, draft)}
              onExtend={() => void act(wrapUp, 'extend')}
              onDone={() => void act(wrapUp, 'done')}
              onSave={() => void act(wrapUp, 'save')}
            />
          ))}
        </>
      )}
    </main>
  );
}

/**
 * The status line: who the desktop says is logged in, and their status in words. Without the
 * desktop's name, `fallback`: the name the API gives their wrap-ups (R20), else the local agent's id.
 */
function statusText(
  port: AgentPort | undefined,
  status: AgentStatus | undefined,
  fallback: string | undefined,
): string {
  const who = port?.agentName() ?? fallback;
  const state = status === undefined ? 'unknown' : status.name;
  return `${who === undefined ? '' : `Agent ${who}. `}Status: ${state}`;
}
