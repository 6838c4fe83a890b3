/**
 * Pieces both pages use: the polite live region, the sign-in panel, the ticking clock, the
 * feed's state as a hook, and the shell that loads config.json.
 */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Auth } from '../auth';
import { ConfigError, loadConfig, type WebConfig } from '../config';
import type { FeedState, WrapUpFeed } from '../feed';

/** Re-renders every `ms` with the local time (the countdowns). */
export function useNow(ms = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The feed's state, re-rendered on every change. */
export function useFeed(feed: WrapUpFeed): FeedState {
  const [state, setState] = useState(feed.state());
  useEffect(() => {
    setState(feed.state());
    return feed.subscribe(() => setState(feed.state()));
  }, [feed]);
  return state;
}

/** The sign-in's status, re-rendered on every change. */
export function useAuthStatus(auth: Auth): ReturnType<Auth['status']> {
  const [status, setStatus] = useState(auth.status());
  useEffect(() => {
    setStatus(auth.status());
    return auth.subscribe(() => setStatus(auth.status()));
  }, [auth]);
  return status;
}

/**
 * The polite live region: what is put in it is read once, when the screen reader is idle.
 * The same text twice in a row is read twice (the region is cleared first).
 */
export function useAnnouncer(): [string, (text: string) => void] {
  const [text, setText] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // Stable, so effects that announce do not re-run on every render.
  const announce = useCallback((next: string) => {
    setText('');
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setText(next), 100);
  }, []);
  useEffect(() => () => clearTimeout(timer.current), []);
  return [text, announce];
}

/** The live region itself: visually hidden, read politely. */
export function LiveRegion({ text }: { text: string }) {
  return (
    <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {text}
    </div>
  );
}

/**
 * Asks the user to sign in (a click, so the popup may open), with the last failure in words.
 * `reason` is the API's refusal of the current sign-in (another person, not a supervisor): the
 * issuer is then asked to show its sign-in again rather than reuse who it remembers.
 */
export function SignInPanel({ auth, who, reason }: { auth: Auth; who: string; reason?: string | undefined }) {
  const status = useAuthStatus(auth);
  const error = reason ?? auth.lastError();
  return (
    <section class="panel" aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      <p>Sign in as {who} to see and act on wrap-ups.</p>
      {error !== undefined && (
        <p class="message message-error" role="alert" data-testid="sign-in-error">
          {error}
        </p>
      )}
      <button
        type="button"
        class="button button-primary"
        data-testid="sign-in-button"
        disabled={status === 'signing-in'}
        onClick={() => void auth.signIn({ fresh: reason !== undefined })}
      >
        {status === 'signing-in' ? 'Signing in…' : 'Sign in'}
      </button>
      {status === 'signing-in' && <p class="hint">Finish signing in in the window that opened.</p>}
    </section>
  );
}

/** Loads config.json and shows its problems in words, or renders the page with it. */
export function ConfigShell({
  title,
  children,
}: {
  title: string;
  children: (config: WebConfig) => ComponentChildren;
}) {
  const [config, setConfig] = useState<WebConfig | undefined>(undefined);
  const [problems, setProblems] = useState<readonly string[] | undefined>(undefined);
  useEffect(() => {
    loadConfig().then(setConfig, (error: unknown) =>
      setProblems(error instanceof ConfigError ? error.problems : [String(error)]),
    );
  }, []);
  if (problems !== undefined) {
    return (
      <main class="page">
        <h1>{title}</h1>
        <div class="message message-error" role="alert" data-testid="config-error">
          <p>This page is not set up correctly (config.json):</p>
          <ul>
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      </main>
    );
  }
  if (config === undefined) {
    return (
      <main class="page">
        <h1>{title}</h1>
        <p class="hint">Loading…</p>
      </main>
    );
  }
  return <>{children(config)}</>;
}
